package server

import (
	"context"
	"strconv"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/analysis"
)

// semanticTokenTypes is the legend, by analysis.TokenKind: standard LSP types, so that
// Neovim, Helix and Zed colour them with their themes' defaults; the VS Code extension
// maps each to the TextMate grammar's scope for the same role (semanticTokenScopes in its
// package.json, which a test compares with this list and the grammar).
var semanticTokenTypes = [analysis.TokenKindCount]string{
	analysis.TokenSegment:      "namespace",
	analysis.TokenPathOperator: "operator",
	analysis.TokenSeparator:    "keyword",
	analysis.TokenAlias:        "enumMember",
	analysis.TokenQualifier:    "parameter",
	analysis.TokenGloss:        "string",
	analysis.TokenOrdinal:      "number",
	analysis.TokenReference:    "variable",
	analysis.TokenURL:          "decorator",
	analysis.TokenImportant:    "modifier",
	analysis.TokenTask:         "macro",
}

// semanticTokensOptions is LSP 3.16's, which the library's type lacks.
type semanticTokensOptions struct {
	Legend protocol.SemanticTokensLegend `json:"legend"`
	Range  bool                          `json:"range"`
	Full   struct {
		Delta bool `json:"delta"`
	} `json:"full"`
}

func semanticTokensProvider() *semanticTokensOptions {
	o := &semanticTokensOptions{Range: true}
	o.Full.Delta = true
	for _, t := range semanticTokenTypes {
		o.Legend.TokenTypes = append(o.Legend.TokenTypes, protocol.SemanticTokenTypes(t))
	}
	o.Legend.TokenModifiers = []protocol.SemanticTokenModifiers{}
	return o
}

// lastTokens keeps each document's last full answer, so that the next request can be
// answered as a delta.
type lastTokens struct {
	mu   sync.Mutex
	seq  int
	byID map[protocol.DocumentURI]protocol.SemanticTokens
}

func (l *lastTokens) remember(u protocol.DocumentURI, data []uint32) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	id := strconv.Itoa(l.seq)
	if l.byID == nil {
		l.byID = map[protocol.DocumentURI]protocol.SemanticTokens{}
	}
	l.byID[u] = protocol.SemanticTokens{ResultID: id, Data: data}
	return id
}

func (l *lastTokens) get(u protocol.DocumentURI) (protocol.SemanticTokens, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.byID[u]
	return t, ok
}

func (s *Server) semanticTokensFull(ctx context.Context, p *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	data, err := s.tokenData(ctx, p.TextDocument.URI, nil)
	if err != nil {
		return nil, err
	}
	return &protocol.SemanticTokens{ResultID: s.tokens.remember(p.TextDocument.URI, data), Data: data}, nil
}

// semanticTokensDelta answers with the one edit that turns the previous answer into the
// current one: the tokens before and after what changed are the same.
func (s *Server) semanticTokensDelta(ctx context.Context, p *protocol.SemanticTokensDeltaParams) (any, error) {
	data, err := s.tokenData(ctx, p.TextDocument.URI, nil)
	if err != nil {
		return nil, err
	}
	prev, ok := s.tokens.get(p.TextDocument.URI)
	id := s.tokens.remember(p.TextDocument.URI, data)
	if !ok || prev.ResultID != p.PreviousResultID {
		return &protocol.SemanticTokens{ResultID: id, Data: data}, nil
	}
	pre := 0
	for pre < len(prev.Data) && pre < len(data) && prev.Data[pre] == data[pre] {
		pre++
	}
	suf := 0
	for suf < len(prev.Data)-pre && suf < len(data)-pre && prev.Data[len(prev.Data)-1-suf] == data[len(data)-1-suf] {
		suf++
	}
	edits := []protocol.SemanticTokensEdit{}
	if pre != len(prev.Data) || pre != len(data) {
		edits = append(edits, protocol.SemanticTokensEdit{
			Start: uint32(pre), DeleteCount: uint32(len(prev.Data) - pre - suf), Data: data[pre : len(data)-suf],
		})
	}
	return &protocol.SemanticTokensDelta{ResultID: id, Edits: edits}, nil
}

func (s *Server) semanticTokensRange(ctx context.Context, p *protocol.SemanticTokensRangeParams) (*protocol.SemanticTokens, error) {
	data, err := s.tokenData(ctx, p.TextDocument.URI, &p.Range)
	if err != nil {
		return nil, err
	}
	return &protocol.SemanticTokens{Data: data}, nil
}

// tokenData encodes the tokens of the file's lines (those rng touches, or all) the LSP
// way: five numbers a token, its line and start relative to the token before.
func (s *Server) tokenData(ctx context.Context, u protocol.DocumentURI, rng *protocol.Range) ([]uint32, error) {
	data := []uint32{}
	f, tree, err := s.fileTree(ctx, u)
	if err != nil || f == nil || tree.NumLines() == 0 {
		return data, err
	}
	first, last := 0, tree.NumLines()-1
	if rng != nil {
		span, err := f.mapper.ClampedRangeSpan(*rng)
		if err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "range: %v", err)
		}
		first, last = tree.LineAt(span.Start), tree.LineAt(span.End)
	}
	var prevLine, prevChar uint32
	var offsets []int
	for i := first; i <= last; i++ {
		toks := analysis.LineTokens(tree, i)
		if len(toks) == 0 {
			continue
		}
		offsets = offsets[:0]
		for _, t := range toks {
			offsets = append(offsets, t.Span.Start, t.Span.End)
		}
		pos, err := f.mapper.positionsInLine(offsets)
		if err != nil {
			return nil, err
		}
		for k, t := range toks {
			start, end := pos[2*k], pos[2*k+1]
			if start.Line != prevLine {
				prevChar = 0
			}
			data = append(data, start.Line-prevLine, start.Character-prevChar, end.Character-start.Character, uint32(t.Kind), 0)
			prevLine, prevChar = start.Line, start.Character
		}
	}
	return data, nil
}
