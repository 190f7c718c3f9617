package server

import (
	"context"

	"go.lsp.dev/protocol"
)

// documentLink answers every URL of the file, its own target.
func (s *Server) documentLink(ctx context.Context, p *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	out := []protocol.DocumentLink{}
	f, tree, err := s.fileTree(ctx, p.TextDocument.URI)
	if err != nil || f == nil {
		return out, err
	}
	for i := range tree.NumLines() {
		start := tree.Start(i)
		for _, u := range tree.Line(i).URLs {
			span := u.In(start)
			rng, err := f.mapper.SpanRange(span)
			if err != nil {
				return nil, err
			}
			out = append(out, protocol.DocumentLink{Range: rng, Target: protocol.DocumentURI(f.mapper.Text().Slice(span.Start, span.End))})
		}
	}
	return out, nil
}
