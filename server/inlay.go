package server

import (
	"context"
	"fmt"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// The library predates LSP 3.17's inlay hints: these mirror the specification's shapes.
type inlayHintParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Range        protocol.Range                  `json:"range"`
}

type inlayHint struct {
	Position    protocol.Position `json:"position"`
	Label       string            `json:"label"`
	PaddingLeft bool              `json:"paddingLeft,omitempty"`
	Tooltip     string            `json:"tooltip,omitempty"`
}

// inlayHint shows after each [[reference]] in the range where it leads: "→ file:line", or
// how many entries define it when several do. A broken reference gets none: its finding
// says so.
func (s *Server) inlayHint(ctx context.Context, p *inlayHintParams) ([]inlayHint, error) {
	out := []inlayHint{}
	f, tree, err := s.fileTree(ctx, p.TextDocument.URI)
	if err != nil || f == nil || tree.NumLines() == 0 {
		return out, err
	}
	span, err := f.mapper.ClampedRangeSpan(p.Range)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "range: %v", err)
	}
	last := tree.LineAt(span.End)
	for i := tree.LineAt(span.Start); i <= last && i < tree.NumLines(); i++ {
		start := tree.Start(i)
		for _, r := range tree.Line(i).Refs() {
			if r.Soft {
				continue
			}
			ref := r.Span.In(start)
			if ref.End < span.Start || ref.Start > span.End {
				continue
			}
			origin, targets := f.v.snap.Definition(f.path, ref.Start+2)
			if origin != ref {
				continue // unresolved: the term under it is something else, or nothing
			}
			label, tooltip := "", ""
			switch len(targets) {
			case 0:
				continue
			case 1:
				t := targets[0]
				rng, _, ok := s.location(f.v, t.Path, t.Span, t.Selection)
				if !ok {
					continue
				}
				label = fmt.Sprintf("→ %s:%d", displayPath(f.v, t.Path), rng.Start.Line+1)
			default:
				label = fmt.Sprintf("→ %d definitions", len(targets))
				tooltip = "defined by more than one entry: go to definition lists them"
			}
			pos, err := f.mapper.OffsetPosition(ref.End)
			if err != nil {
				return nil, err
			}
			out = append(out, inlayHint{Position: pos, Label: label, PaddingLeft: true, Tooltip: tooltip})
		}
	}
	return out, nil
}
