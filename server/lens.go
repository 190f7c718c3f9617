package server

import (
	"context"
	"fmt"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// showReferencesCommand is the client-side command a lens runs: the VS Code extension
// registers it and shows the locations in its references peek.
const showReferencesCommand = "notesls.showReferences"

// lensData travels with an unresolved lens: where its term is named.
type lensData struct {
	URI      protocol.DocumentURI `json:"uri"`
	Position protocol.Position    `json:"position"`
}

// codeLens answers one lens on each term's first defining line in the file, counted
// only when the editor resolves it (codeLens/resolve): a long file has a lens a line, and
// an editor resolves the visible ones.
func (s *Server) codeLens(ctx context.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	out := []protocol.CodeLens{}
	f, tree, err := s.fileTree(ctx, p.TextDocument.URI)
	if err != nil || f == nil {
		return out, err
	}
	seen := map[string]bool{}
	for i := range tree.NumLines() {
		l := tree.Line(i)
		if len(l.Segments) == 0 || !l.Sep.Defines() || seen[l.Key] {
			continue
		}
		seen[l.Key] = true
		last := l.Segments[len(l.Segments)-1].Span.In(tree.Start(i))
		rng, err := f.mapper.SpanRange(last)
		if err != nil {
			return nil, err
		}
		out = append(out, protocol.CodeLens{Range: rng, Data: lensData{URI: p.TextDocument.URI, Position: rng.Start}})
	}
	return out, nil
}

// codeLensResolve counts the lines that refer to the lens's term, in every file.
func (s *Server) codeLensResolve(ctx context.Context, lens *protocol.CodeLens) (*protocol.CodeLens, error) {
	raw, err := json.Marshal(lens.Data)
	if err != nil {
		return nil, err
	}
	var data lensData
	if err := json.Unmarshal(raw, &data); err != nil || data.URI == "" {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "codeLens/resolve: a lens of another server (data %s)", raw)
	}
	f, off, err := s.fileAt(ctx, data.URI, data.Position)
	if err != nil {
		return nil, err
	}
	locations := []protocol.Location{}
	lines := map[string]bool{}
	if f != nil {
		for _, r := range f.v.snap.References(f.path, off) {
			if _, sel, ok := s.location(f.v, r.Path, r.Span, r.Selection); ok {
				locations = append(locations, protocol.Location{URI: f.v.uri(r.Path), Range: sel})
				lines[fmt.Sprintf("%s:%d", r.Path, sel.Start.Line)] = true
			}
		}
	}
	title := fmt.Sprintf("%d references", len(lines))
	switch len(lines) {
	case 0:
		title = "no references"
	case 1:
		title = "1 reference"
	}
	lens.Command = &protocol.Command{Title: title, Command: showReferencesCommand,
		Arguments: []any{data.URI, data.Position, locations}}
	return lens, nil
}
