package server

import (
	"context"

	"go.lsp.dev/protocol"
)

// definition answers LocationLinks, with the span that was looked up, when the client
// accepts them, else Locations. Nothing found is an empty list.
func (s *Server) definition(ctx context.Context, p *protocol.DefinitionParams) (any, error) {
	f, off, err := s.fileAt(ctx, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return []protocol.Location{}, err
	}
	origin, targets := f.v.snap.Definition(f.path, off)
	if s.client.linkSupport {
		links := []protocol.LocationLink{}
		originRange, err := f.mapper.SpanRange(origin)
		if err != nil {
			return links, err
		}
		for _, t := range targets {
			r, sel, ok := s.location(f.v, t.Path, t.Span, t.Selection)
			if !ok {
				continue
			}
			links = append(links, protocol.LocationLink{
				OriginSelectionRange: &originRange,
				TargetURI:            f.v.uri(t.Path),
				TargetRange:          r,
				TargetSelectionRange: sel,
			})
		}
		return links, nil
	}
	locs := []protocol.Location{}
	for _, t := range targets {
		if _, sel, ok := s.location(f.v, t.Path, t.Span, t.Selection); ok {
			locs = append(locs, protocol.Location{URI: f.v.uri(t.Path), Range: sel})
		}
	}
	return locs, nil
}
