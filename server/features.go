package server

import (
	"context"
	"path/filepath"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/notesls/notesls/analysis"
)

// fileView is one file of the view a request reads.
type fileView struct {
	v      *view
	path   string
	mapper *Mapper
}

// fileAt finds the file a request names, in the view that includes every change received
// before the request, and converts the position. A file the index does not hold is not an
// error: the result is nil and the feature answers "nothing here".
func (s *Server) fileAt(ctx context.Context, u protocol.DocumentURI, pos protocol.Position) (*fileView, int, error) {
	path, _, err := uriPath(u)
	if err != nil {
		return nil, 0, err
	}
	v, err := s.ws.wait(ctx, generationOf(ctx))
	if err != nil {
		return nil, 0, err
	}
	content, ok := v.snap.Text(path)
	if !ok {
		return nil, 0, nil
	}
	m := s.mappers.get(path, content)
	if int(pos.Line) >= m.LineCount() {
		// The editor's text is ahead of ours, or the client counts lines differently: an
		// answer of "nothing here" is what it can use, an error only fills its log.
		s.log.Debug("position past the end of the text", zap.String("uri", string(u)),
			zap.Uint32("line", pos.Line), zap.Int("lines", m.LineCount()))
		return nil, 0, nil
	}
	off, err := m.PositionOffset(pos)
	if err != nil {
		return nil, 0, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "position %d:%d: %v", pos.Line, pos.Character, err)
	}
	return &fileView{v: v, path: path, mapper: m}, off, nil
}

// fileContent is fileAt without a position: the file's view, mapper and text, in one
// slice (a copy of an edited text: for the features that rewrite the whole file).
func (s *Server) fileContent(ctx context.Context, u protocol.DocumentURI) (*fileView, []byte, error) {
	f, _, err := s.fileAt(ctx, u, protocol.Position{})
	if err != nil || f == nil {
		return nil, nil, err
	}
	return f, f.mapper.Content(), nil
}

// fileTree is fileAt without a position, with the file's syntax tree; f is nil when the
// index holds no such file, and the feature answers "nothing here".
func (s *Server) fileTree(ctx context.Context, u protocol.DocumentURI) (*fileView, *analysis.File, error) {
	f, _, err := s.fileAt(ctx, u, protocol.Position{})
	if err != nil || f == nil {
		return nil, nil, err
	}
	tree := f.v.snap.Tree(f.path)
	if tree == nil {
		return nil, nil, nil
	}
	return f, tree, nil
}

// location converts a span of a workspace file; ok is false when the file or span is gone.
func (s *Server) location(v *view, path string, rangeSpan, selSpan analysis.Span) (protocol.Range, protocol.Range, bool) {
	content, ok := v.snap.Text(path)
	if !ok {
		return protocol.Range{}, protocol.Range{}, false
	}
	m := s.mappers.get(path, content)
	r, err := m.SpanRange(rangeSpan)
	if err != nil {
		return protocol.Range{}, protocol.Range{}, false
	}
	sel, err := m.SpanRange(selSpan)
	if err != nil {
		sel = r
	}
	return r, sel, true
}

// displayPath names a file for people: relative to its workspace folder.
func displayPath(v *view, path string) string {
	for _, r := range v.roots {
		if rel, err := filepath.Rel(r, path); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	if filepath.IsAbs(path) {
		return filepath.Base(path)
	}
	return path
}
