package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/analysis"
)

// documentSymbol answers the outline: one symbol per distinct path, nested, the first
// definition as detail.
func (s *Server) documentSymbol(ctx context.Context, p *protocol.DocumentSymbolParams) ([]protocol.DocumentSymbol, error) {
	f, tree, err := s.fileTree(ctx, p.TextDocument.URI)
	if err != nil || f == nil {
		return []protocol.DocumentSymbol{}, err
	}
	return documentSymbols(f.mapper, analysis.Outline(tree))
}

// maxSymbolDetail bounds a detail: the outline shows it beside the name, on one line.
const maxSymbolDetail = 120

func documentSymbols(m *Mapper, syms []analysis.Symbol) ([]protocol.DocumentSymbol, error) {
	out := make([]protocol.DocumentSymbol, 0, len(syms))
	for _, sym := range syms {
		rng, err := m.SpanRange(sym.Range)
		if err != nil {
			return nil, err
		}
		sel, err := m.SpanRange(sym.Selection)
		if err != nil {
			return nil, err
		}
		children, err := documentSymbols(m, sym.Children)
		if err != nil {
			return nil, err
		}
		kind := protocol.SymbolKindKey // a term of the glossary
		if len(children) > 0 {
			kind = protocol.SymbolKindNamespace // a topic holding others
		}
		out = append(out, protocol.DocumentSymbol{
			Name: sym.Name, Detail: truncateRunes(sym.Detail, maxSymbolDetail), Kind: kind,
			Range: rng, SelectionRange: sel, Children: children,
		})
	}
	return out, nil
}

// truncateRunes cuts s to at most n runes, marking the cut with an ellipsis.
func truncateRunes(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i] + "…"
		}
		count++
	}
	return s
}
