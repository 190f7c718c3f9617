package server

import (
	"context"

	"go.lsp.dev/protocol"
)

// workspaceSymbol answers every term and alias matching the query, ranked and
// typo-tolerant as "[[" completion is.
func (s *Server) workspaceSymbol(ctx context.Context, p *protocol.WorkspaceSymbolParams) ([]protocol.SymbolInformation, error) {
	out := []protocol.SymbolInformation{}
	v, err := s.ws.wait(ctx, generationOf(ctx))
	if err != nil {
		return out, err
	}
	for _, sym := range v.snap.Symbols(p.Query) {
		_, sel, ok := s.location(v, sym.Location.Path, sym.Location.Span, sym.Location.Selection)
		if !ok {
			continue
		}
		kind, container := protocol.SymbolKindKey, ""
		if sym.Alias {
			kind, container = protocol.SymbolKindConstant, sym.Topic
		}
		out = append(out, protocol.SymbolInformation{Name: sym.Name, Kind: kind, ContainerName: container,
			Location: protocol.Location{URI: v.uri(sym.Location.Path), Range: sel}})
	}
	return out, nil
}
