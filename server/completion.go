package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/index"
)

// termsWait is how long a completion that needs the workspace's term list waits for it
// while it is being built, before it answers from the file's own terms, marked
// incomplete: the list of a million lines takes two seconds after indexing, during which
// "[[" froze the editor. A list of 100,000 lines takes about 90 ms, so that of a workspace
// of a few tens of thousands of lines is built within the wait.
const termsWait = 50 * time.Millisecond

// completionList is protocol.CompletionList with LSP 3.17's itemDefaults, which the
// library (3.16) lacks.
type completionList struct {
	IsIncomplete bool                      `json:"isIncomplete"`
	ItemDefaults *completionItemDefaults   `json:"itemDefaults,omitempty"`
	Items        []protocol.CompletionItem `json:"items"`
}

// completionItemDefaults holds the range every item's edit replaces. An item without an
// edit then inserts its label over it: each of 200 items no longer carries the same
// range, about half of an answer's 43 KB, encoded and parsed at every keystroke.
type completionItemDefaults struct {
	EditRange protocol.Range `json:"editRange"`
}

func (s *Server) completion(ctx context.Context, p *protocol.CompletionParams) (*completionList, error) {
	list := &completionList{Items: []protocol.CompletionItem{}}
	f, off, err := s.fileAt(ctx, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return list, err
	}
	res := f.v.snap.CompleteWithin(f.path, off, !s.client.resolveDocs, termsWait)
	if res == nil {
		return list, nil
	}
	rng, err := f.mapper.SpanRange(res.Replace)
	if err != nil {
		return list, err
	}
	prefix := string(f.mapper.Text().Slice(res.Replace.Start, res.Replace.End))
	list.IsIncomplete = res.Incomplete
	// An answer is made for every keystroke: its items, edits, sort texts and data are
	// allocated once per answer, not once per item, to leave the collector less to do.
	n := len(res.Items)
	list.Items = make([]protocol.CompletionItem, 0, n)
	var edits []protocol.TextEdit
	if s.client.editRangeDefault {
		list.ItemDefaults = &completionItemDefaults{EditRange: rng}
	} else {
		edits = make([]protocol.TextEdit, n)
	}
	sortTexts, width := sortTextsFor(n)
	var data []completionData
	if s.client.resolveDocs {
		data = make([]completionData, n)
	}
	for i, it := range res.Items {
		item := protocol.CompletionItem{
			Label:    it.Label,
			Kind:     completionKind(it.Kind),
			Detail:   it.Detail,
			SortText: sortTexts[i*width : (i+1)*width], // the index ranks; the client keeps its order
		}
		if edits != nil {
			edits[i] = protocol.TextEdit{Range: rng, NewText: it.Label}
			item.TextEdit = &edits[i]
		}
		switch {
		case s.client.resolveDocs && it.Key != "":
			// Sent when the item is selected: 200 items' definitions, encoded for every
			// keystroke, were most of a completion's time.
			data[i] = completionData{Key: it.Key}
			item.Data = &data[i]
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

// sortTextsFor returns the sort texts of n items laid end to end, each width bytes:
// item i's is [i*width, (i+1)*width), "00042" for the 42nd. They compare as the ranks do.
func sortTextsFor(n int) (texts string, width int) {
	width = max(5, len(strconv.Itoa(n-1)))
	b := make([]byte, 0, n*width)
	for i := range n {
		b = fmt.Appendf(b, "%0*d", width, i)
	}
	return string(b), width
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
