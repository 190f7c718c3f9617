package server

import (
	"context"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/analysis"
)

// formatting answers textDocument/formatting with what `notesls --fix` writes: the
// canonical form with every safe fix, as the few edits that turn the text into it.
func (s *Server) formatting(ctx context.Context, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	f, content, err := s.fileContent(ctx, p.TextDocument.URI)
	if err != nil || f == nil {
		return []protocol.TextEdit{}, err
	}
	fixed := analysis.Fix(content, f.v.snap.ConfigOf(f.path).Sorting)
	return lineEdits(f.mapper, content, 0, fixed)
}

// rangeFormatting formats the lines the range touches as --fix would format a file of
// just those lines: their blocks sorted within the selection, and nothing outside it moved.
func (s *Server) rangeFormatting(ctx context.Context, p *protocol.DocumentRangeFormattingParams) ([]protocol.TextEdit, error) {
	f, content, err := s.fileContent(ctx, p.TextDocument.URI)
	if err != nil || f == nil {
		return []protocol.TextEdit{}, err
	}
	span, err := f.mapper.ClampedRangeSpan(p.Range)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "range: %v", err)
	}
	start, end := f.mapper.wholeLines(span)
	if start == end {
		return []protocol.TextEdit{}, nil
	}
	fixed := analysis.Fix(content[start:end], f.v.snap.ConfigOf(f.path).Sorting)
	return lineEdits(f.mapper, content[start:end], start, fixed)
}

// lineEdits turns old, which starts at byte base of the mapper's text, into fixed with one
// edit per run of changed lines.
func lineEdits(m *Mapper, old []byte, base int, fixed []byte) ([]protocol.TextEdit, error) {
	edits := []protocol.TextEdit{}
	ops := analysis.DiffLines(analysis.SplitLines(old), analysis.SplitLines(fixed))
	at := base
	for i := 0; i < len(ops); {
		if ops[i].Kind == ' ' {
			at += len(ops[i].Line)
			i++
			continue
		}
		start := at
		var text []byte
		for ; i < len(ops) && ops[i].Kind != ' '; i++ {
			if ops[i].Kind == '-' {
				at += len(ops[i].Line)
			} else {
				text = append(text, ops[i].Line...)
			}
		}
		rng, err := m.SpanRange(analysis.Span{Start: start, End: at})
		if err != nil {
			return nil, err
		}
		edits = append(edits, protocol.TextEdit{Range: rng, NewText: string(text)})
	}
	return edits, nil
}
