package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

type lspSymbol struct {
	Name           string      `json:"name"`
	Detail         string      `json:"detail"`
	Kind           int         `json:"kind"`
	Range          lspRange    `json:"range"`
	SelectionRange lspRange    `json:"selectionRange"`
	Children       []lspSymbol `json:"children"`
}

func renderSymbols(b *strings.Builder, syms []lspSymbol, depth int) {
	for _, s := range syms {
		fmt.Fprintf(b, "%s%s (kind %d) lines %d-%d", strings.Repeat("  ", depth), s.Name, s.Kind, s.Range.Start.Line+1, s.Range.End.Line+1)
		if s.Detail != "" {
			fmt.Fprintf(b, ": %s", s.Detail)
		}
		b.WriteByte('\n')
		renderSymbols(b, s.Children, depth+1)
	}
}

// The outline, folds, links and selection ranges of the real corpus, through the binary.
func TestLSPCorpusOutline(t *testing.T) {
	c, _, uri, text := openCorpus(t)
	doc := map[string]any{"textDocument": map[string]any{"uri": uri}}

	var syms []lspSymbol
	c.result("textDocument/documentSymbol", doc, &syms)
	var b strings.Builder
	renderSymbols(&b, syms, 0)
	outline := b.String()
	for _, want := range []string{"\ndata store (kind 3) lines ", "\n  database (kind 3) lines ", "\n    sharding (kind 3) lines ", "\n      by key, range, directory (kind 20) lines "} {
		if !strings.Contains(outline, want) {
			t.Errorf("outline lacks %q", want)
		}
	}
	var walk func(parent lspRange, syms []lspSymbol)
	walk = func(parent lspRange, syms []lspSymbol) {
		for _, s := range syms {
			if lspBefore(s.Range.Start, parent.Start) || lspBefore(parent.End, s.Range.End) ||
				lspBefore(s.SelectionRange.Start, s.Range.Start) || lspBefore(s.Range.End, s.SelectionRange.End) {
				t.Errorf("%s: range %+v, selection %+v, parent %+v", s.Name, s.Range, s.SelectionRange, parent)
			}
			walk(s.Range, s.Children)
		}
	}
	walk(lspRange{End: lspPosition{Line: 1 << 30}}, syms)
	lspGolden(t, "outline.golden", []byte(outline))

	var folds []struct {
		StartLine int    `json:"startLine"`
		EndLine   int    `json:"endLine"`
		Kind      string `json:"kind"`
	}
	c.result("textDocument/foldingRange", doc, &folds)
	var fb strings.Builder
	for _, f := range folds {
		if f.EndLine <= f.StartLine || f.Kind != "region" {
			t.Errorf("fold %+v", f)
		}
		fmt.Fprintf(&fb, "%d-%d\n", f.StartLine+1, f.EndLine+1)
	}
	lspGolden(t, "folds.golden", []byte(fb.String()))

	var links []struct {
		Range  lspRange `json:"range"`
		Target string   `json:"target"`
	}
	c.result("textDocument/documentLink", doc, &links)
	capURL := "https://www.infoq.com/articles/cap-twelve-years-later-how-the-rules-have-changed/"
	found := false
	for _, l := range links {
		if l.Target == capURL && l.Range.Start.Line == 140 {
			found = true
		}
	}
	if want := len(regexp.MustCompile(`https?://`).FindAllString(text, -1)); !found || len(links) != want {
		t.Errorf("%d links (want one per URL: %d), CAP's on line 141 found: %v", len(links), want, found)
	}
	doc0 := newGoldenDoc(text)
	var lb strings.Builder
	lb.WriteString(goldenHeader)
	for _, l := range links {
		if under := doc0.text(t, l.Range); under != l.Target {
			t.Errorf("link %s covers %q, not its target %q", goldenRange(l.Range), under, l.Target)
		}
		fmt.Fprintf(&lb, "%s %s\n", goldenRange(l.Range), l.Target)
	}
	lspGolden(t, "links.golden", []byte(lb.String()))

	type selRange struct {
		Range  lspRange  `json:"range"`
		Parent *selRange `json:"parent"`
	}
	var sel []selRange
	at := linePos(t, text, 198, `^data store -- d(a)tabase`)
	c.result("textDocument/selectionRange", map[string]any{"textDocument": map[string]any{"uri": uri}, "positions": []lspPosition{at}}, &sel)
	if len(sel) != 1 {
		t.Fatalf("selection ranges: %+v", sel)
	}
	var chain []lspRange
	for r := &sel[0]; r != nil; r = r.Parent {
		if len(chain) > 0 && (lspBefore(chain[len(chain)-1].Start, r.Range.Start) || lspBefore(r.Range.End, chain[len(chain)-1].End) || r.Range == chain[len(chain)-1]) {
			t.Errorf("selection %+v does not strictly hold %+v", r.Range, chain[len(chain)-1])
		}
		chain = append(chain, r.Range)
	}
	if r := chain[0]; r.Start != linePos(t, text, 198, `^data store -- (d)atabase`) || r.End != linePos(t, text, 198, `^data store -- database()`) {
		t.Errorf("first selection %+v, want the segment database", r)
	}
	line198 := lspRange{Start: lspPosition{Line: 197}, End: linePos(t, text, 198, `$`)}
	if len(chain) < 4 || !slicesContains(chain, line198) || chain[len(chain)-1].End.Line <= 197 {
		t.Errorf("selection chain %+v: want segment, head, line 198 %+v, then its topic's lines", chain, line198)
	}

	// The chains of a few kinds of place, each range with its text: a segment, a
	// [[reference]], a body word, a line's first and last character.
	places := []lspPosition{
		at,
		linePos(t, text, 198, `^data store -- database -- s(h)arding`),
		linePos(t, text, 313, `\[\[jump s(e)rver`),
		linePos(t, text, 415, `extension (o)f CAP`),
		linePos(t, text, 83, `^(A)PI`),
		linePos(t, text, 1, `()$`),
	}
	var all []selRange
	c.result("textDocument/selectionRange", map[string]any{"textDocument": map[string]any{"uri": uri}, "positions": places}, &all)
	if len(all) != len(places) {
		t.Fatalf("%d selection ranges for %d positions", len(all), len(places))
	}
	var sb strings.Builder
	sb.WriteString(goldenHeader)
	for i, s := range all {
		fmt.Fprintf(&sb, "at %s:\n", goldenPos(places[i]))
		for r := &s; r != nil; r = r.Parent {
			if lspBefore(places[i], r.Range.Start) || lspBefore(r.Range.End, places[i]) {
				t.Errorf("selection %s does not hold its position %s", goldenRange(r.Range), goldenPos(places[i]))
			}
			fmt.Fprintf(&sb, "  %s\n", doc0.under(t, r.Range))
		}
	}
	lspGolden(t, "selection.golden", []byte(sb.String()))
}

func slicesContains(rs []lspRange, r lspRange) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func lspBefore(a, b lspPosition) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
}

// Highlighting [[jump server]] marks its definition in line 312 and its references.
func TestLSPCorpusHighlight(t *testing.T) {
	c, _, uri, text := openCorpus(t)
	var hl []struct {
		Range lspRange `json:"range"`
		Kind  int      `json:"kind"`
	}
	c.result("textDocument/documentHighlight", textDocPos(uri, linePos(t, text, 313, `\[\[(j)ump server`)), &hl)
	var got []string
	for _, h := range hl {
		got = append(got, fmt.Sprintf("%d:%d-%d kind %d", h.Range.Start.Line+1, h.Range.Start.Character, h.Range.End.Character, h.Kind))
	}
	def := linePos(t, text, 312, `^(j)ump server`)
	ref := linePos(t, text, 313, `(\[)\[jump server`)
	want := []string{
		fmt.Sprintf("312:%d-%d kind 3", def.Character, def.Character+len("jump server")),
		fmt.Sprintf("313:%d-%d kind 2", ref.Character, ref.Character+len("[[jump server]]")),
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("highlights %q, want %q", got, want)
	}
	// The highlights of a few terms, with the text under each.
	doc := newGoldenDoc(text)
	var b strings.Builder
	b.WriteString(goldenHeader + "# kind 1 text, 2 read (a reference), 3 write (a defining line)\n")
	for _, p := range []lspPosition{
		linePos(t, text, 313, `\[\[(j)ump server`),
		linePos(t, text, 198, `^data store -- d(a)tabase`),
		linePos(t, text, 198, `^d(a)ta store`),
		linePos(t, text, 415, `extension of (C)AP`),
	} {
		c.result("textDocument/documentHighlight", textDocPos(uri, p), &hl)
		fmt.Fprintf(&b, "at %s:\n", goldenPos(p))
		for _, h := range hl {
			fmt.Fprintf(&b, "  %s kind %d\n", doc.under(t, h.Range), h.Kind)
		}
	}
	lspGolden(t, "highlight.golden", []byte(b.String()))
	var none []any
	c.result("textDocument/documentHighlight", textDocPos(uri, linePos(t, text, 415, `extension (o)f CAP`)), &none)
	if len(none) != 0 {
		t.Errorf("highlights on a plain word: %v", none)
	}
}

// After each [[reference]] an inlay hint says where it leads; a broken one gets none.
func TestLSPCorpusInlayHints(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	lspWriteFile(t, filepath.Join(dir, "other.notes"), "twice = one\ntwice = two\n")
	lines := strings.Split(text, "\n")
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	uri := lspFileURI(file)
	c.didOpen(uri, text+"see [[twice]] and [[nowhere at all]]\n")
	var hints []struct {
		Position    lspPosition `json:"position"`
		Label       string      `json:"label"`
		PaddingLeft bool        `json:"paddingLeft"`
	}
	c.result("textDocument/inlayHint", map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"range":        lspRange{End: lspPosition{Line: len(lines) + 1}},
	}, &hints)
	byLine := map[int]string{}
	for _, h := range hints {
		byLine[h.Position.Line+1] += h.Label
		if !h.PaddingLeft {
			t.Errorf("hint %+v without padding", h)
		}
	}
	if want := "→ system-design.notes:312"; byLine[313] != want {
		t.Errorf("hint on 313: %q, want %q", byLine[313], want)
	}
	if want := "→ 2 definitions"; byLine[len(lines)] != want {
		t.Errorf("hint on the added line: %q, want %q (and none for the broken reference)", byLine[len(lines)], want)
	}
	if at := linePos(t, text, 313, `\[\[jump server\]\]()`); !slicesContainsHintAt(hints, at) {
		t.Errorf("no hint right after [[jump server]] at %+v", at)
	}
	doc := newGoldenDoc(text + "see [[twice]] and [[nowhere at all]]\n")
	var b strings.Builder
	b.WriteString(goldenHeader + "# each hint's place, the text before it (ending in the reference), and its label\n")
	for _, h := range hints {
		before := doc.text(t, lspRange{lspPosition{Line: h.Position.Line}, h.Position})
		if !strings.HasSuffix(before, "]]") {
			t.Errorf("hint %q at %s not right after a reference: %q", h.Label, goldenPos(h.Position), before)
		}
		if r := []rune(before); len(r) > 40 {
			before = "…" + string(r[len(r)-40:])
		}
		fmt.Fprintf(&b, "%s %q %s\n", goldenPos(h.Position), before, h.Label)
	}
	lspGolden(t, "inlay-hints.golden", []byte(b.String()))
	// A range of one line answers that line's hints only.
	var one []struct{ Position lspPosition }
	c.result("textDocument/inlayHint", map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"range":        lspRange{Start: lspPosition{Line: 312}, End: lspPosition{Line: 313}},
	}, &one)
	if len(one) != 1 || one[0].Position.Line != 312 {
		t.Errorf("hints of line 313 alone: %+v", one)
	}
}

func slicesContainsHintAt(hints []struct {
	Position    lspPosition `json:"position"`
	Label       string      `json:"label"`
	PaddingLeft bool        `json:"paddingLeft"`
}, at lspPosition) bool {
	for _, h := range hints {
		if h.Position == at {
			return true
		}
	}
	return false
}

// A lens on each term's first defining line counts its references once resolved.
func TestLSPCorpusCodeLens(t *testing.T) {
	c, _, uri, text := openCorpus(t)
	var lenses []map[string]any
	c.result("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": uri}}, &lenses)
	var jump map[string]any
	for _, l := range lenses {
		if l["command"] != nil {
			t.Fatalf("lens resolved before codeLens/resolve: %v", l)
		}
		start := l["range"].(map[string]any)["start"].(map[string]any)
		if start["line"].(float64) == 311 {
			jump = l
		}
	}
	if len(lenses) < 100 || jump == nil {
		t.Fatalf("%d lenses, line 312's among them: %v", len(lenses), jump != nil)
	}
	var resolved struct {
		Command struct {
			Title     string            `json:"title"`
			Command   string            `json:"command"`
			Arguments []json.RawMessage `json:"arguments"`
		} `json:"command"`
	}
	c.result("codeLens/resolve", jump, &resolved)
	var locs []struct {
		URI   string   `json:"uri"`
		Range lspRange `json:"range"`
	}
	if len(resolved.Command.Arguments) == 3 {
		_ = json.Unmarshal(resolved.Command.Arguments[2], &locs)
	}
	if resolved.Command.Title != "1 reference" || resolved.Command.Command != "notesls.showReferences" ||
		len(locs) != 1 || locs[0].Range.Start.Line != 312 || locs[0].URI != uri {
		t.Errorf("resolved lens of jump server: %+v, locations %+v", resolved.Command, locs)
	}
	// Every lens resolved, with the term under it and the lines it lists.
	doc := newGoldenDoc(text)
	var b strings.Builder
	b.WriteString(goldenHeader + "# each lens: its range and term, its title, the lines it shows\n")
	for _, l := range lenses {
		var r struct {
			Range   lspRange `json:"range"`
			Command struct {
				Title     string            `json:"title"`
				Arguments []json.RawMessage `json:"arguments"`
			} `json:"command"`
		}
		c.result("codeLens/resolve", l, &r)
		var locs []struct {
			URI   string   `json:"uri"`
			Range lspRange `json:"range"`
		}
		if len(r.Command.Arguments) == 3 {
			_ = json.Unmarshal(r.Command.Arguments[2], &locs)
		}
		var lines []string
		for _, loc := range locs {
			if loc.URI != uri {
				t.Errorf("lens location in %s", loc.URI)
			}
			lines = append(lines, fmt.Sprint(loc.Range.Start.Line+1))
		}
		fmt.Fprintf(&b, "%s %s [%s]\n", doc.under(t, r.Range), r.Command.Title, strings.Join(lines, " "))
	}
	lspGolden(t, "codelens.golden", []byte(b.String()))

	// A lens the server did not make is refused, not a crash.
	if msg := c.call("codeLens/resolve", map[string]any{"range": lspRange{}, "data": 42}); msg.Error == nil {
		t.Errorf("a foreign lens resolved: %s", msg.Result)
	}
}

// A hover lists the lines that refer to the term, ten at most, then how many more.
func TestLSPHoverListsReferringLines(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("target = the term\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "user %02d = see [[target]]\n", i)
	}
	file := filepath.Join(dir, "a.notes")
	lspWriteFile(t, file, b.String())
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	uri := lspFileURI(file)
	c.didOpen(uri, b.String())
	var hover struct{ Contents struct{ Kind, Value string } }
	c.result("textDocument/hover", textDocPos(uri, lspPosition{Line: 0, Character: 1}), &hover)
	v := hover.Contents.Value
	for _, want := range []string{"Referred to by 12 lines:", "[a.notes:2](" + uri + "#L2)", "[a.notes:11](" + uri + "#L11)", "- and 2 more"} {
		if !strings.Contains(v, want) {
			t.Errorf("hover lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "a.notes:12") || strings.Count(v, "#L") != 11 {
		t.Errorf("hover lists more than ten referring lines (plus the definition):\n%s", v)
	}
}

// Semantic tokens of the corpus: line 198 decoded, a delta after an edit smaller than the
// whole, a range of one line holding that line's tokens only.
func TestLSPCorpusSemanticTokens(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	c := startServer(t)
	var init struct {
		Capabilities struct {
			SemanticTokensProvider struct {
				Legend struct {
					TokenTypes []string `json:"tokenTypes"`
				} `json:"legend"`
				Range bool `json:"range"`
				Full  struct {
					Delta bool `json:"delta"`
				} `json:"full"`
			} `json:"semanticTokensProvider"`
		} `json:"capabilities"`
	}
	c.result("initialize", map[string]any{"processId": 1, "rootUri": lspFileURI(dir), "capabilities": editorCaps}, &init)
	c.notify("initialized", map[string]any{})
	legend := init.Capabilities.SemanticTokensProvider.Legend.TokenTypes
	if len(legend) == 0 || !init.Capabilities.SemanticTokensProvider.Range || !init.Capabilities.SemanticTokensProvider.Full.Delta {
		t.Fatalf("semanticTokensProvider %+v", init.Capabilities.SemanticTokensProvider)
	}
	uri := lspFileURI(file)
	c.didOpen(uri, text)
	var full struct {
		ResultID string `json:"resultId"`
		Data     []int  `json:"data"`
	}
	c.result("textDocument/semanticTokens/full", map[string]any{"textDocument": map[string]any{"uri": uri}}, &full)
	if len(full.Data)%5 != 0 || full.ResultID == "" {
		t.Fatalf("data of %d numbers, resultId %q", len(full.Data), full.ResultID)
	}
	lines := strings.Split(text, "\n")
	decode := func(data []int) map[int][]string {
		out := map[int][]string{}
		line, char := 0, 0
		for i := 0; i+4 < len(data); i += 5 {
			if data[i] > 0 {
				line, char = line+data[i], 0
			}
			char += data[i+1]
			runes := []rune(lines[line]) // the corpus's tokens here are BMP: units = runes
			out[line+1] = append(out[line+1], fmt.Sprintf("%s:%s", legend[data[i+3]], string(runes[char:char+data[i+2]])))
		}
		return out
	}
	got := decode(full.Data)
	doc := newGoldenDoc(text)
	lspGolden(t, "semantic-tokens-full.golden", []byte(goldenTokens(t, doc, legend, full.Data, 0, len(full.Data)/5)))
	if want := "namespace:data store operator:-- namespace:database operator:-- namespace:sharding operator:-- namespace:by key, range, directory decorator:https://dgraph.io"; !strings.HasPrefix(strings.Join(got[198], " "), want) {
		t.Errorf("line 198 tokens:\n %s\nwant a start of\n %s", strings.Join(got[198], " "), want)
	}
	if want := "namespace:jumpbox keyword:= variable:[[jump server]]"; strings.Join(got[313], " ") != want {
		t.Errorf("line 313 tokens: %s, want %s", strings.Join(got[313], " "), want)
	}
	// An edit of line 83, then a delta from the full answer.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []map[string]any{{"range": lspRange{linePos(t, text, 83, `^API( )--gateway`), linePos(t, text, 83, `^API --()gateway`)}, "text": " -- "}},
	})
	c.waitDiagnostics(uri, func(p publishParams) bool { return p.Version != nil && *p.Version == 2 })
	var delta struct {
		ResultID string `json:"resultId"`
		Edits    []struct {
			Start       int   `json:"start"`
			DeleteCount int   `json:"deleteCount"`
			Data        []int `json:"data"`
		} `json:"edits"`
	}
	c.result("textDocument/semanticTokens/full/delta", map[string]any{"textDocument": map[string]any{"uri": uri}, "previousResultId": full.ResultID}, &delta)
	if len(delta.Edits) != 1 || delta.ResultID == full.ResultID || len(delta.Edits[0].Data) >= len(full.Data)/10 {
		t.Errorf("delta: %d edits, id %q; want one small edit", len(delta.Edits), delta.ResultID)
	} else {
		e := delta.Edits[0]
		patched := append(append(append([]int{}, full.Data[:e.Start]...), e.Data...), full.Data[e.Start+e.DeleteCount:]...)
		var fresh struct{ Data []int }
		c.result("textDocument/semanticTokens/full", map[string]any{"textDocument": map[string]any{"uri": uri}}, &fresh)
		if fmt.Sprint(patched) != fmt.Sprint(fresh.Data) {
			t.Errorf("the delta applied to the old tokens differs from a full answer")
		}
		// The tokens the edit puts in place, decoded in the new text.
		edited := newGoldenDoc(applyLSPEdits(t, text, []lspTextEdit{{lspRange{linePos(t, text, 83, `^API( )--gateway`), linePos(t, text, 83, `^API --()gateway`)}, " -- "}}))
		lspGolden(t, "semantic-tokens-delta.golden", []byte(fmt.Sprintf("# edit: start %d, deleteCount %d, %d numbers\n", e.Start, e.DeleteCount, len(e.Data))+
			goldenTokens(t, edited, legend, patched, e.Start/5, max(e.Start/5+1, (e.Start+len(e.Data)+4)/5))))
	}
	var one struct{ Data []int }
	c.result("textDocument/semanticTokens/range", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range": lspRange{lspPosition{Line: 312}, lspPosition{Line: 312, Character: 5}}}, &one)
	if len(one.Data) != 15 || one.Data[0] != 312 {
		t.Errorf("range of line 313: %v, want its three tokens", one.Data)
	}
	lspGolden(t, "semantic-tokens-range.golden", []byte(goldenTokens(t, doc, legend, one.Data, 0, len(one.Data)/5)))
}

// goldenTokens decodes semantic tokens [from, to) of data (relative integers, five a
// token) into one "line:character length type text" line each.
func goldenTokens(t *testing.T, doc goldenDoc, legend []string, data []int, from, to int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(goldenHeader + "# line:character length type \"text\"\n")
	line, char := 0, 0
	for i := 0; i < to && 5*i+4 < len(data); i++ {
		d := data[5*i : 5*i+5]
		if d[0] > 0 {
			line, char = line+d[0], 0
		}
		char += d[1]
		if d[3] >= len(legend) || d[4] != 0 {
			t.Errorf("token %d: type %d, modifiers %d, outside the legend %v", i, d[3], d[4], legend)
			continue
		}
		if i < from {
			continue
		}
		p := lspPosition{Line: line, Character: char}
		fmt.Fprintf(&b, "%s %d %s %s\n", goldenPos(p), d[2], legend[d[3]],
			goldenQuote(doc.text(t, lspRange{p, lspPosition{Line: line, Character: char + d[2]}})))
	}
	return b.String()
}

// Workspace symbols: terms and aliases, ranked as completion, a typo tolerated.
func TestLSPCorpusWorkspaceSymbols(t *testing.T) {
	c, _, uri, text := openCorpus(t)
	var syms []struct {
		Name     string `json:"name"`
		Kind     int    `json:"kind"`
		Location struct {
			URI   string   `json:"uri"`
			Range lspRange `json:"range"`
		} `json:"location"`
	}
	c.result("workspace/symbol", map[string]any{"query": "shardng"}, &syms)
	found := false
	for _, s := range syms {
		if strings.HasSuffix(s.Name, "sharding") && s.Location.URI == uri {
			found = true
			if got := strings.Split(text, "\n")[s.Location.Range.Start.Line]; !strings.Contains(got, "sharding") {
				t.Errorf("%s placed on line %d: %q", s.Name, s.Location.Range.Start.Line+1, got)
			}
		}
	}
	if !found {
		t.Errorf("shardng does not find sharding: %+v", syms)
	}
	c.result("workspace/symbol", map[string]any{"query": "jump server"}, &syms)
	if len(syms) == 0 || syms[0].Name != "jump server" || syms[0].Location.Range.Start.Line != 311 {
		t.Errorf("jump server: %+v, want it first, on line 312", syms)
	}

	doc := newGoldenDoc(text)
	var b strings.Builder
	b.WriteString(goldenHeader + "# each query's symbols in rank order: name, kind, container, place and the text there\n")
	for _, q := range []string{"shardng", "jump server", "CAP", "data store"} {
		var ranked []struct {
			Name          string `json:"name"`
			Kind          int    `json:"kind"`
			ContainerName string `json:"containerName"`
			Location      struct {
				URI   string   `json:"uri"`
				Range lspRange `json:"range"`
			} `json:"location"`
		}
		c.result("workspace/symbol", map[string]any{"query": q}, &ranked)
		fmt.Fprintf(&b, "query %q: %d symbols\n", q, len(ranked))
		for _, s := range ranked {
			if s.Location.URI != uri {
				t.Errorf("symbol %q in %s", s.Name, s.Location.URI)
			}
			fmt.Fprintf(&b, "  %q kind %d in %q at %s\n", s.Name, s.Kind, s.ContainerName, doc.under(t, s.Location.Range))
		}
	}
	lspGolden(t, "workspace-symbols.golden", []byte(b.String()))
}
