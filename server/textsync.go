package server

import (
	"context"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// Text synchronization: the editor's text of an open document overrides the disk. Each
// handler updates the document store at once (cheap), then hands the new text to the
// workspace goroutine, which re-indexes and schedules diagnostics.

func (s *Server) didOpen(ctx context.Context, p *protocol.DidOpenTextDocumentParams) (any, error) {
	text, long := s.longTexts.take(p.TextDocument.Text)
	if !long {
		text = []byte(p.TextDocument.Text)
	}
	path, _, err := uriPath(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	d := &document{uri: p.TextDocument.URI, path: path, version: p.TextDocument.Version, mapper: NewMapperEncoding(text, s.client.encoding)}
	s.docs.open(d)
	s.ws.updateFile(path, fileUpdate{kind: updateText, text: d.mapper, version: d.version, uri: d.uri, open: true, edited: true})
	return nil, nil
}

// didChangeParams is decoded here rather than as protocol.DidChangeTextDocumentParams:
// there Range is a value, so a change without a range (the whole text) would read as an
// insertion at 0:0.
type didChangeParams struct {
	TextDocument struct {
		URI     protocol.DocumentURI `json:"uri"`
		Version int32                `json:"version"`
	} `json:"textDocument"`
	ContentChanges []struct {
		Range *protocol.Range `json:"range"`
		Text  *string         `json:"text"`
	} `json:"contentChanges"`
}

func (s *Server) didChange(ctx context.Context, raw json.RawMessage) (any, error) {
	var p didChangeParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	path, _, err := uriPath(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	changes := make([]textChange, len(p.ContentChanges))
	for i, c := range p.ContentChanges {
		if c.Text == nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "contentChanges[%d] has no text", i)
		}
		text := *c.Text
		if long, ok := s.longTexts.take(text); ok {
			text = string(long)
		}
		changes[i] = textChange{Range: c.Range, Text: text}
	}
	d, clamped, same, err := s.docs.change(path, p.TextDocument.Version, changes)
	if clamped > 0 {
		s.log.Warn("didChange range past the end of the text, clamped to its end",
			zap.String("uri", string(p.TextDocument.URI)), zap.Int("changes", clamped), zap.Int32("version", p.TextDocument.Version))
	}
	if err != nil {
		// The editor and the server now disagree about the text; say so loudly, the
		// next full change or reopen repairs it.
		s.log.Error("applying didChange", zap.String("uri", string(p.TextDocument.URI)), zap.Error(err))
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "didChange: %v", err)
	}
	s.ws.updateFile(path, fileUpdate{kind: updateText, text: d.mapper, version: d.version, uri: d.uri, open: true, edited: true, same: same, knowsSame: true})
	return nil, nil
}

func (s *Server) didClose(ctx context.Context, p *protocol.DidCloseTextDocumentParams) (any, error) {
	path, onDisk, err := uriPath(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	if _, ok := s.docs.close(path); !ok {
		s.log.Warn("didClose of a document not open", zap.String("uri", string(p.TextDocument.URI)))
	}
	// A file on disk falls back to its saved content (or leaves the index if it is gone,
	// or outside the workspace's notes files); a document that only lived in the editor
	// leaves the index.
	kind := updateRemove
	if onDisk {
		kind = updateFromDisk
	}
	s.ws.updateFile(path, fileUpdate{kind: kind, uri: p.TextDocument.URI})
	return nil, nil
}

func (s *Server) didSave(ctx context.Context, p *protocol.DidSaveTextDocumentParams) (any, error) {
	return nil, nil // the text already came with didChange
}
