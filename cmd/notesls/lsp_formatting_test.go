package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

type lspTextEdit struct {
	Range   lspRange `json:"range"`
	NewText string   `json:"newText"`
}

// applyLSPEdits applies edits to text as a client does, by UTF-16 positions counted here.
func applyLSPEdits(t *testing.T, text string, edits []lspTextEdit) string {
	t.Helper()
	// Line starts once, then UTF-16 units counted within the line (not the server's code).
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' || text[i] == '\r' && (i+1 == len(text) || text[i+1] != '\n') {
			starts = append(starts, i+1)
		}
	}
	offset := func(p lspPosition) int {
		if p.Line >= len(starts) {
			t.Fatalf("position %+v past the text's %d lines", p, len(starts))
		}
		off := starts[p.Line]
		for units := 0; units < p.Character; {
			r, size := utf8.DecodeRuneInString(text[off:])
			units++
			if r >= 0x10000 {
				units++
			}
			off += size
		}
		return off
	}
	type span struct {
		start, end int
		text       string
	}
	var spans []span
	for _, e := range edits {
		spans = append(spans, span{offset(e.Range.Start), offset(e.Range.End), e.NewText})
	}
	// One pass, so that the thousands of edits of a generated corpus cost its length.
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for _, s := range spans {
		if s.start < at {
			t.Fatalf("edits overlap at offset %d", s.start)
		}
		b.WriteString(text[at:s.start])
		b.WriteString(s.text)
		at = s.end
	}
	b.WriteString(text[at:])
	return b.String()
}

// Format Document gives what `notesls --fix` writes, as a few edits; formatting a range
// touches only its lines.
func TestLSPCorpusFormatting(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	fixedCopy := filepath.Join(t.TempDir(), "fixed.notes")
	lspWriteFile(t, fixedCopy, text)
	if _, stderr, code := runNotes(t, repoRoot, "--check", "--fix", fixedCopy); code > 1 {
		t.Fatalf("--fix: exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(fixedCopy)
	if err != nil {
		t.Fatal(err)
	}
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	uri := lspFileURI(file)
	c.didOpen(uri, text)

	var edits []lspTextEdit
	c.result("textDocument/formatting", map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"options":      map[string]any{"tabSize": 4, "insertSpaces": true},
	}, &edits)
	if got := applyLSPEdits(t, text, edits); got != string(want) {
		t.Fatalf("formatting differs from --fix:\n%s", unifiedDiff("--fix", "formatting", want, []byte(got)))
	}
	if n := strings.Count(text, "\n"); len(edits) == 0 || len(edits) > n/4 {
		t.Errorf("%d edits for %d lines: want a few, one per changed run", len(edits), n)
	}
	lspGolden(t, "formatting.golden", lspIndentJSON(t, mustJSON(t, edits)))

	// Line 83 holds "API --gateway"; formatting that line alone fixes it and nothing else.
	var rangeEdits []lspTextEdit
	c.result("textDocument/rangeFormatting", map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"range":        lspRange{linePos(t, text, 83, `^(A)PI`), linePos(t, text, 83, `^API( )`)},
		"options":      map[string]any{"tabSize": 4, "insertSpaces": true},
	}, &rangeEdits)
	if len(rangeEdits) != 1 || rangeEdits[0].Range.Start.Line != 82 || rangeEdits[0].Range.End.Line != 83 ||
		!strings.HasPrefix(rangeEdits[0].NewText, "API -- gateway") || strings.Count(rangeEdits[0].NewText, "\n") != 1 {
		t.Errorf("range formatting of line 83: %+v", rangeEdits)
	}
	// Lines 38 to 48 (best practices, a space run in line 42), and 83 alone.
	doc := newGoldenDoc(text)
	var b strings.Builder
	b.WriteString(goldenHeader)
	for _, r := range []lspRange{
		{linePos(t, text, 83, `^(A)PI`), linePos(t, text, 83, `^API( )`)},
		{lspPosition{Line: 37}, lspPosition{Line: 47, Character: 3}},
	} {
		c.result("textDocument/rangeFormatting", map[string]any{"textDocument": map[string]any{"uri": uri}, "range": r,
			"options": map[string]any{"tabSize": 4, "insertSpaces": true}}, &rangeEdits)
		fmt.Fprintf(&b, "range %s:\n", goldenRange(r))
		doc.edits(t, &b, rangeEdits)
	}
	lspGolden(t, "range-formatting.golden", []byte(b.String()))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
