package server

import (
	"context"
	"slices"

	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/analysis"
)

// documentHighlight marks the places of the term under the cursor in this file: the names
// on its defining lines (written), its references (read), its segment in the paths of the
// lines under it, and the place under the cursor.
func (s *Server) documentHighlight(ctx context.Context, p *protocol.DocumentHighlightParams) ([]protocol.DocumentHighlight, error) {
	out := []protocol.DocumentHighlight{}
	f, off, err := s.fileAt(ctx, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return out, err
	}
	type place struct {
		span analysis.Span
		kind protocol.DocumentHighlightKind
	}
	var places []place
	origin, defs := f.v.snap.Definition(f.path, off)
	if len(defs) == 0 {
		return out, nil // not a term the index knows
	}
	for _, d := range defs {
		if d.Path == f.path {
			places = append(places, place{d.Selection, protocol.DocumentHighlightKindWrite})
		}
	}
	for _, r := range f.v.snap.References(f.path, off) {
		if r.Path == f.path {
			places = append(places, place{r.Selection, protocol.DocumentHighlightKindRead})
		}
	}
	// The lines under the term name it too, as a segment of their path: marked as text,
	// below the definitions and references, which the sort below keeps when they coincide.
	for _, u := range f.v.snap.PathUses(f.path, off, f.path) {
		places = append(places, place{u.Selection, protocol.DocumentHighlightKindText})
	}
	places = append(places, place{origin, protocol.DocumentHighlightKindText})
	// One highlight a span: a definition's name outranks the plain mark of the cursor.
	slices.SortFunc(places, func(a, b place) int {
		if a.span.Start != b.span.Start {
			return a.span.Start - b.span.Start
		}
		return int(b.kind) - int(a.kind)
	})
	for i, pl := range places {
		if i > 0 && places[i-1].span == pl.span {
			continue
		}
		rng, err := f.mapper.SpanRange(pl.span)
		if err != nil {
			return nil, err
		}
		out = append(out, protocol.DocumentHighlight{Range: rng, Kind: pl.kind})
	}
	return out, nil
}
