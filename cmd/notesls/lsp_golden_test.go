package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"
)

// Renderers for the golden files of the LSP answers: every range is printed with the text
// under it, so a reviewer sees at once whether it points at the right words.

// goldenHeader opens each rendered golden: how to read its positions.
const goldenHeader = "# positions are line:character, lines from 1, characters in UTF-16 units from 0\n"

// goldenDoc is one file's text, for printing the text under ranges.
type goldenDoc struct {
	lines [][]uint16 // UTF-16 units of each line, without its line end
}

func newGoldenDoc(text string) goldenDoc {
	var d goldenDoc
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		d.lines = append(d.lines, utf16.Encode([]rune(l)))
	}
	return d
}

// pos prints a position as line:character, the line from 1.
func goldenPos(p lspPosition) string { return fmt.Sprintf("%d:%d", p.Line+1, p.Character) }

func goldenRange(r lspRange) string { return goldenPos(r.Start) + "-" + goldenPos(r.End) }

// text returns the text under r, line ends as ⏎, marking a position outside the text.
func (d goldenDoc) text(t *testing.T, r lspRange) string {
	t.Helper()
	if lspBefore(r.End, r.Start) {
		t.Errorf("range %s ends before it starts", goldenRange(r))
		return "<reversed>"
	}
	var b strings.Builder
	for ln := r.Start.Line; ln <= r.End.Line; ln++ {
		if ln >= len(d.lines) {
			if ln == r.End.Line && r.End.Character == 0 && ln == len(d.lines) {
				break // the position just past a last line end
			}
			t.Errorf("range %s past the text's %d lines", goldenRange(r), len(d.lines))
			return "<past the end>"
		}
		line := d.lines[ln]
		from, to := 0, len(line)
		if ln == r.Start.Line {
			from = r.Start.Character
		}
		if ln == r.End.Line {
			to = r.End.Character
		}
		if from > len(line) || to > len(line) {
			t.Errorf("range %s past the end of line %d (%d units)", goldenRange(r), ln+1, len(line))
			return "<past the line>"
		}
		b.WriteString(string(utf16.Decode(line[from:to])))
		if ln < r.End.Line {
			b.WriteString("⏎")
		}
	}
	return b.String()
}

// quote prints s quoted, its middle elided when it is long.
func goldenQuote(s string) string {
	const keep = 40
	if r := []rune(s); len(r) > 2*keep+10 {
		s = string(r[:keep]) + "…" + string(r[len(r)-keep:])
	}
	return fmt.Sprintf("%q", s)
}

// under prints a range and the text under it.
func (d goldenDoc) under(t *testing.T, r lspRange) string {
	t.Helper()
	return goldenRange(r) + " " + goldenQuote(d.text(t, r))
}

// edits prints text edits in order, each with the text it replaces and its new text.
func (d goldenDoc) edits(t *testing.T, b *strings.Builder, edits []lspTextEdit) {
	t.Helper()
	sorted := append([]lspTextEdit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool { return lspBefore(sorted[i].Range.Start, sorted[j].Range.Start) })
	for _, e := range sorted {
		old := d.text(t, e.Range)
		fmt.Fprintf(b, "  %s %s → %s\n", goldenRange(e.Range), goldenQuote(old), goldenQuote(e.NewText))
		if o, n := []rune(strings.ReplaceAll(old, "⏎", "\n")), []rune(e.NewText); len(o) > 0 && len(n) > 0 {
			// What changed, when the texts are long enough for the quotes to hide it.
			p := 0
			for p < len(o) && p < len(n) && o[p] == n[p] {
				p++
			}
			s := 0
			for s < len(o)-p && s < len(n)-p && o[len(o)-1-s] == n[len(n)-1-s] {
				s++
			}
			if p+s > 0 {
				fmt.Fprintf(b, "    changed at +%d: %q → %q\n", p, string(o[p:len(o)-s]), string(n[p:len(n)-s]))
			}
		}
	}
}

// workspaceEdit prints a WorkspaceEdit's changes file by file, in the order of the names.
func goldenWorkspaceEdit(t *testing.T, b *strings.Builder, changes map[string][]lspTextEdit, docs map[string]goldenDoc, dir string) {
	t.Helper()
	uris := make([]string, 0, len(changes))
	for u := range changes {
		uris = append(uris, u)
	}
	sort.Strings(uris)
	for _, u := range uris {
		fmt.Fprintf(b, " %s:\n", lspScrub([]byte(u), dir))
		d, ok := docs[u]
		if !ok {
			t.Errorf("edit of a file the test does not know: %s", u)
			continue
		}
		d.edits(t, b, changes[u])
	}
}

func goldenJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// References on the real corpus, with and without the declaration: a path segment, a
// [[reference]]'s target, a term used as a soft reference.
func TestLSPCorpusReferences(t *testing.T) {
	c, _, uri, text := openCorpus(t)
	doc := newGoldenDoc(text)
	var b strings.Builder
	b.WriteString(goldenHeader)
	for _, at := range []lspPosition{
		linePos(t, text, 198, `^data store -- d(a)tabase`),
		linePos(t, text, 313, `\[\[(j)ump server`),
		linePos(t, text, 415, `^(P)ACELC theorem`),
		linePos(t, text, 471, `^(s)caling`),
	} {
		counts := map[bool]int{}
		for _, include := range []bool{false, true} {
			var refs []struct {
				URI   string   `json:"uri"`
				Range lspRange `json:"range"`
			}
			c.result("textDocument/references", map[string]any{
				"textDocument": map[string]any{"uri": uri}, "position": at,
				"context": map[string]any{"includeDeclaration": include},
			}, &refs)
			counts[include] = len(refs)
			fmt.Fprintf(&b, "at %s, includeDeclaration %v: %d locations\n", goldenPos(at), include, len(refs))
			for _, r := range refs {
				if r.URI != uri {
					t.Errorf("reference in %s", r.URI)
				}
				fmt.Fprintf(&b, "  %s\n", doc.under(t, r.Range))
			}
		}
		if counts[true] <= counts[false] || counts[false] == 0 {
			t.Errorf("references at %s: %d without the declaration, %d with it; want some, and more with it", goldenPos(at), counts[false], counts[true])
		}
	}
	lspGolden(t, "references.golden", []byte(b.String()))
}

// prepareRename and rename on the real corpus: data store becomes storage in every line
// under it and every reference spelling it, as one WorkspaceEdit; a body word refuses.
func TestLSPCorpusRename(t *testing.T) {
	c, dir, uri, text := openCorpus(t)
	doc := newGoldenDoc(text)
	var b strings.Builder
	b.WriteString(goldenHeader)

	at := linePos(t, text, 198, `^d(a)ta store`)
	var prep struct {
		Range       lspRange `json:"range"`
		Placeholder string   `json:"placeholder"`
	}
	c.result("textDocument/prepareRename", textDocPos(uri, at), &prep)
	if prep.Placeholder != "data store" || doc.text(t, prep.Range) != "data store" {
		t.Errorf("prepareRename at %s: %+v", goldenPos(at), prep)
	}
	fmt.Fprintf(&b, "prepareRename at %s: %s placeholder %q\n", goldenPos(at), doc.under(t, prep.Range), prep.Placeholder)
	body := linePos(t, text, 415, `extension (o)f CAP`)
	msg := c.call("textDocument/prepareRename", textDocPos(uri, body))
	if msg.Error == nil {
		t.Errorf("prepareRename on a body word: %s, want a refusal", msg.Result)
	} else {
		fmt.Fprintf(&b, "prepareRename at %s: error %d %s\n", goldenPos(body), msg.Error.Code, msg.Error.Message)
	}

	var edit struct {
		Changes map[string][]lspTextEdit `json:"changes"`
	}
	c.result("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": at, "newName": "storage"}, &edit)
	fmt.Fprintf(&b, "rename at %s to \"storage\":\n", goldenPos(at))
	goldenWorkspaceEdit(t, &b, edit.Changes, map[string]goldenDoc{uri: doc}, dir)
	after := applyLSPEdits(t, text, edit.Changes[uri])
	if strings.Contains(after, "data store") || strings.Count(after, "storage") < strings.Count(text, "data store") {
		t.Errorf("after the rename %d \"data store\" remain, %d \"storage\" (were %d \"data store\")",
			strings.Count(after, "data store"), strings.Count(after, "storage"), strings.Count(text, "data store"))
	}
	b.WriteString("the lines holding \"storage\" after the rename:\n")
	for i, l := range strings.Split(after, "\n") {
		if strings.Contains(l, "storage") {
			fmt.Fprintf(&b, "  %d %s\n", i+1, goldenQuote(l))
		}
	}
	// The renamed corpus has the findings of the original but for the names that changed.
	renamed := t.TempDir()
	lspWriteFile(t, renamed+"/system-design.notes", after)
	if out, _, code := runNotes(t, renamed, "--check", "--format", "json", "."); code != 1 || strings.Contains(out, `"unsorted"`) {
		t.Errorf("--check of the renamed corpus: exit %d, unsorted findings: %v", code, strings.Contains(out, `"unsorted"`))
	}

	for _, name := range []string{"", "a -- b", "architecture"} {
		msg := c.call("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": at, "newName": name})
		if msg.Error == nil {
			t.Errorf("rename to %q: %s, want a refusal", name, msg.Result)
			continue
		}
		fmt.Fprintf(&b, "rename to %q: error %d %s\n", name, msg.Error.Code, lspScrub([]byte(msg.Error.Message), dir))
	}
	lspGolden(t, "rename.golden", []byte(b.String()))
}

// completionItem/resolve: a client that resolves documentation gets items without it, and
// the documentation when it resolves one.
func TestLSPCorpusCompletionResolve(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	caps := map[string]any{"textDocument": map[string]any{"completion": map[string]any{"completionItem": map[string]any{
		"documentationFormat": []string{"markdown", "plaintext"},
		"resolveSupport":      map[string]any{"properties": []string{"documentation"}},
	}}}}
	c := startServer(t)
	c.initialize(dir, caps, nil)
	uri := lspFileURI(file)
	c.didOpen(uri, text)
	var list struct {
		Items []map[string]any `json:"items"`
	}
	c.result("textDocument/completion", textDocPos(uri, linePos(t, text, 313, `\[\[jump se()rver`)), &list)
	var item map[string]any
	for _, it := range list.Items {
		if it["documentation"] != nil {
			t.Errorf("item %v carries documentation before resolve", it["label"])
		}
		if it["label"] == "jump server" {
			item = it
		}
	}
	if item == nil {
		t.Fatalf("completion of [[jump se lacks jump server: %d items", len(list.Items))
	}
	msg := c.call("completionItem/resolve", item)
	var resolved struct {
		Label         string
		Documentation *struct{ Kind, Value string }
	}
	if msg.Error != nil || json.Unmarshal(msg.Result, &resolved) != nil || resolved.Documentation == nil ||
		!strings.Contains(resolved.Documentation.Value, "jump server is a virtual machine") {
		t.Errorf("resolved jump server: %+v %s", msg.Error, msg.Result)
	}
	lspGolden(t, "completion-resolve-jump-server.golden", lspScrub(lspIndentJSON(t, msg.Result), dir))
}

// The capabilities the server advertises to a modern editor: what the README's table
// lists, and nothing it does not answer.
func TestLSPInitializeCapabilities(t *testing.T) {
	dir, _, _ := corpusWorkspace(t)
	c := startServer(t)
	msg := c.call("initialize", map[string]any{"processId": 1, "rootUri": lspFileURI(dir), "capabilities": editorCaps})
	if msg.Error != nil {
		t.Fatalf("initialize: %+v", msg.Error)
	}
	var res map[string]any
	if err := json.Unmarshal(msg.Result, &res); err != nil {
		t.Fatal(err)
	}
	if info, ok := res["serverInfo"].(map[string]any); ok {
		info["version"] = "$VERSION" // TestVersionMatchesServerInfo checks it
	}
	lspGolden(t, "initialize.golden", lspIndentJSON(t, []byte(goldenJSON(t, res))))
}
