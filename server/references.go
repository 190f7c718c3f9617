package server

import (
	"context"

	"go.lsp.dev/protocol"
)

// references lists the places that use the term under the cursor: references to it,
// lines whose path runs through it, and with includeDeclaration its definitions.
func (s *Server) references(ctx context.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	locs := []protocol.Location{}
	f, off, err := s.fileAt(ctx, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return locs, err
	}
	for _, t := range f.v.snap.Uses(f.path, off, p.Context.IncludeDeclaration) {
		if _, sel, ok := s.location(f.v, t.Path, t.Span, t.Selection); ok {
			locs = append(locs, protocol.Location{URI: f.v.uri(t.Path), Range: sel})
		}
	}
	return locs, nil
}
