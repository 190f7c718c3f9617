package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/analysis"
)

// foldingRange answers one fold per block and per run of lines under one topic, nested.
func (s *Server) foldingRange(ctx context.Context, p *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	out := []protocol.FoldingRange{}
	f, tree, err := s.fileTree(ctx, p.TextDocument.URI)
	if err != nil || f == nil {
		return out, err
	}
	for _, fold := range analysis.Folds(tree) {
		// Lines counted by the mapper, which counts them as the editor does.
		first, err := f.mapper.OffsetPosition(tree.Start(fold.FirstLine))
		if err != nil {
			return nil, err
		}
		last, err := f.mapper.OffsetPosition(tree.Start(fold.LastLine))
		if err != nil {
			return nil, err
		}
		out = append(out, protocol.FoldingRange{StartLine: first.Line, EndLine: last.Line, Kind: protocol.RegionFoldingRange})
	}
	return out, nil
}
