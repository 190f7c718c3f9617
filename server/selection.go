package server

import (
	"context"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/analysis"
)

// selectionRange answers, for each position, the segment, then the head, the line, the
// run of lines under its top-level topic and the block.
func (s *Server) selectionRange(ctx context.Context, p *protocol.SelectionRangeParams) ([]protocol.SelectionRange, error) {
	out := []protocol.SelectionRange{}
	f, _, err := s.fileContent(ctx, p.TextDocument.URI)
	if err != nil || f == nil {
		return out, err
	}
	tree := f.v.snap.Tree(f.path)
	for _, pos := range p.Positions {
		off, err := f.mapper.PositionOffset(pos)
		if err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "position %d:%d: %v", pos.Line, pos.Character, err)
		}
		var spans []analysis.Span
		if tree != nil {
			spans = analysis.SelectionSpans(tree, off)
		}
		if len(spans) == 0 {
			spans = []analysis.Span{{Start: off, End: off}} // one answer per position, always
		}
		var parent *protocol.SelectionRange
		for i := len(spans) - 1; i >= 0; i-- {
			rng, err := f.mapper.SpanRange(spans[i])
			if err != nil {
				return nil, err
			}
			parent = &protocol.SelectionRange{Range: rng, Parent: parent}
		}
		out = append(out, *parent)
	}
	return out, nil
}
