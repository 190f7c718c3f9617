package server

import (
	"context"

	"fmt"
	"github.com/segmentio/encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/index"
)

func (s *Server) completion(ctx context.Context, p *protocol.CompletionParams) (*protocol.CompletionList, error) {
	list := &protocol.CompletionList{Items: []protocol.CompletionItem{}}
	f, off, err := s.fileAt(ctx, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return list, err
	}
	var res *index.CompletionResult
	if s.client.resolveDocs {
		res = f.v.snap.CompleteWithoutDocs(f.path, off)
	} else {
		res = f.v.snap.Complete(f.path, off)
	}
	if res == nil {
		return list, nil
	}
	rng, err := f.mapper.SpanRange(res.Replace)
	if err != nil {
		return list, err
	}
	prefix := string(f.mapper.Content()[res.Replace.Start:res.Replace.End])
	list.IsIncomplete = res.Incomplete
	for i, it := range res.Items {
		item := protocol.CompletionItem{
			Label:    it.Label,
			Kind:     completionKind(it.Kind),
			Detail:   it.Detail,
			SortText: fmt.Sprintf("%05d", i), // the index ranks; the client keeps its order
			TextEdit: &protocol.TextEdit{Range: rng, NewText: it.Label},
		}
		switch {
		case s.client.resolveDocs && it.Key != "":
			// Sent when the item is selected: 200 items' definitions, encoded for every
			// keystroke, were most of a completion's time.
			item.Data = completionData{Key: it.Key}
		case it.Documentation != "":
			item.Documentation = s.documentation(it.Documentation)
		}
		// The client filters items by the typed prefix; a fuzzy match (a typo) would be
		// dropped there, so it is told to match the prefix itself.
		if !subsequenceFold(prefix, it.Label) {
			item.FilterText = prefix
		}
		list.Items = append(list.Items, item)
	}
	return list, nil
}

func completionKind(k index.CompletionKind) protocol.CompletionItemKind {
	switch k {
	case index.CompletionTopic:
		return protocol.CompletionItemKindFolder // a path segment, which may hold more
	case index.CompletionAlias:
		return protocol.CompletionItemKindConstant
	default:
		return protocol.CompletionItemKindReference
	}
}

// subsequenceFold reports whether the letters of sub appear in s in order, ignoring case:
// what an editor's fuzzy filter accepts.
func subsequenceFold(sub, s string) bool {
	sub = strings.TrimSpace(sub)
	for _, r := range sub {
		lr := unicode.ToLower(r)
		found := false
		for len(s) > 0 {
			c, size := utf8.DecodeRuneInString(s)
			s = s[size:]
			if unicode.ToLower(c) == lr {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// completionData travels with an item whose documentation waits for resolve.
type completionData struct {
	Key string `json:"notesKey"`
}

func (s *Server) documentation(text string) protocol.MarkupContent {
	kind := s.client.docFormat
	return protocol.MarkupContent{Kind: kind, Value: markup{plain: kind == protocol.PlainText}.lines(text)}
}

// completionResolve adds the documentation of the selected item: its term's definitions.
func (s *Server) completionResolve(ctx context.Context, item *protocol.CompletionItem) (*protocol.CompletionItem, error) {
	raw, err := json.Marshal(item.Data)
	if err != nil {
		return item, nil
	}
	var data completionData
	if json.Unmarshal(raw, &data) != nil || data.Key == "" {
		return item, nil // not an item of ours, or one with nothing to add
	}
	v, err := s.ws.wait(ctx, generationOf(ctx))
	if err != nil {
		return nil, err
	}
	if doc := v.snap.TermDocumentation(data.Key); doc != "" {
		item.Documentation = s.documentation(doc)
	}
	return item, nil
}
