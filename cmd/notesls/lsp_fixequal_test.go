package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
)

// fixedByCLI returns what `notesls --check --fix` writes for text, run on a copy.
func fixedByCLI(t *testing.T, name, text string) string {
	t.Helper()
	copyPath := filepath.Join(t.TempDir(), name)
	lspWriteFile(t, copyPath, text)
	if _, stderr, code := runNotes(t, repoRoot, "--check", "--fix", copyPath); code > 1 {
		t.Fatalf("--fix %s: exit %d: %s", name, code, stderr)
	}
	b, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Each quick fix of a rule --fix also fixes, applied alone to a file with that one finding,
// gives what --fix writes; so does fix-all, on each file and on the corpus.
func TestLSPQuickFixesEqualFix(t *testing.T) {
	for _, tc := range []struct {
		name, text, rule string
		finalNewline     bool // the file lacks one, which --fix adds and a quick fix does not
	}{
		{"malformed separator in place", "a -- b\nc --d\ne\n", "malformed-separator", false},
		{"malformed separator moved to its sorted place", "API -- best\nAPI -- zeta\nAPI --gateway\nbeta\n", "malformed-separator", false},
		{"malformed separator moved to the end of its block", "a -- x  z --y\na -- x b\n\nz\n", "malformed-separator", false},
		{"malformed separator the last line without a line end", "a -- b\na -- y\na --x", "malformed-separator", true},
		{"malformed separator with CRLF", "a -- b\r\na -- y\r\na --x\r\n", "malformed-separator", false},
		{"malformed separator a multi-byte line", "é -- a\né -- 😀 z\né --😀 b\n", "malformed-separator", false},
		{"trailing white space", "alpha = one  \nbeta = two\ngamma\n", "trailing-whitespace", false},
		{"duplicate URL", "x = https://a.example/ and https://a.example/\ny\n", "duplicate-url", false},
		{"empty segment's spaces", "a --  -- b\n", "empty-segment", false},
		{"unsorted", "b = 2\na = 1\nc = 3\n\ny\nz\n", "unsorted", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "a.notes")
			lspWriteFile(t, file, tc.text)
			want := fixedByCLI(t, "a.notes", tc.text)
			c := startServer(t)
			c.initialize(dir, editorCaps, nil)
			uri := lspFileURI(file)
			c.didOpen(uri, tc.text)
			p := c.waitDiagnostics(uri, nil)
			var diags []lspDiagnostic
			for _, d := range *p.Diagnostics {
				if d.Code == tc.rule {
					diags = append(diags, d)
				}
			}
			if len(diags) == 0 {
				t.Fatalf("no %s finding in %q: %+v", tc.rule, tc.text, *p.Diagnostics)
			}
			var acts []lspCodeAction
			c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
				"range": diags[0].Range, "context": map[string]any{"diagnostics": diags[:1], "only": []string{"quickfix"}}}, &acts)
			if len(acts) != 1 {
				t.Fatalf("%d quick fixes for the %s finding, want one: %+v", len(acts), tc.rule, acts)
			}
			got := applyLSPEdits(t, tc.text, acts[0].Edit.Changes[uri])
			if tc.finalNewline {
				got += "\n"
			}
			if got != want {
				t.Errorf("the quick fix %q gives\n%q\n--fix writes\n%q", acts[0].Title, got, want)
			}
			var all []lspCodeAction
			c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
				"range": lspRange{}, "context": map[string]any{"diagnostics": []any{}, "only": []string{"source.fixAll"}}}, &all)
			if len(all) != 1 || applyLSPEdits(t, tc.text, all[0].Edit.Changes[uri]) != want {
				t.Errorf("fix all: %+v, want --fix's %q", all, want)
			}
		})
	}

	// Fix-all on the real corpus is --fix on a copy of it.
	dir, file, text := corpusWorkspace(t)
	want := fixedByCLI(t, "system-design.notes", text)
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	uri := lspFileURI(file)
	c.didOpen(uri, text)
	var all []lspCodeAction
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range": lspRange{}, "context": map[string]any{"diagnostics": []any{}, "only": []string{"source.fixAll.notesls"}}}, &all)
	if len(all) != 1 {
		t.Fatalf("fix all on the corpus: %+v", all)
	}
	if got := applyLSPEdits(t, text, all[0].Edit.Changes[uri]); got != want {
		t.Errorf("fix all on the corpus differs from --fix:\n%s", unifiedDiff("--fix", "fix all", []byte(want), []byte(got)))
	}
	if !strings.Contains(want, "API -- gateway") {
		t.Errorf("--fix left line 83 alone")
	}
}

// A line's quick fix against the reference, analysis.Fix (what --fix writes), on random
// blocks: sorted lines, one of them carrying the one finding of the file (a malformed
// path operator, trailing white space or a repeated URL), written where it sorts before
// the fix; sometimes a second block, CRLF, a space run in the head that moves the fixed
// line down, multi-byte names, no final line end.
func TestLSPQuickFixMatchesFixOnRandomBlocks(t *testing.T) {
	words := []string{"ant", "Bee", "cat", "dog", "Éel", "fox", "gnu", "hen", "ibis", "jay", "kiwi", "lark",
		"mole", "newt", "owl", "pig", "quail", "rat", "seal", "toad", "vole", "wasp", "yak", "zebu", "中文", "😀"}
	r := rand.New(rand.NewPCG(10, 83))
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	checked := 0
	for n := 0; n < 150; n++ {
		perm := r.Perm(len(words))
		var lines []string
		for i := 0; i < 2+r.IntN(8); i++ {
			// Few first names, so that lines share them and a fix may move a line.
			a, b := words[perm[r.IntN(3)]], words[perm[3+i]]
			lines = append(lines, fmt.Sprintf("%s -- %s = d%d", a, b, i))
		}
		k := r.IntN(len(lines))
		bad, rule := lines[k], ""
		switch r.IntN(4) {
		case 0:
			bad, rule = strings.Replace(bad, " -- ", " --", 1), "malformed-separator"
		case 1:
			// A space run in the first name: fixed, the line sorts later.
			bad, rule = strings.Replace(strings.Replace(bad, " -- ", "  x -- ", 1), " -- ", " --", 1), "malformed-separator"
		case 2:
			bad, rule = bad+" \t", "trailing-whitespace"
		case 3:
			bad, rule = bad+" https://u.example/ https://u.example/", "duplicate-url"
		}
		others := append(append([]string{}, lines[:k]...), lines[k+1:]...)
		sortFolded := func(ls []string) {
			slices.SortStableFunc(ls, func(a, b string) int { return analysis.CompareFolded([]byte(a), []byte(b)) })
		}
		sortFolded(others)
		block := append(others, bad)
		sortFolded(block) // sorted as written: the finding is the fix's alone
		eol := "\n"
		if r.IntN(4) == 0 {
			eol = "\r\n"
		}
		text := strings.Join(block, eol) + eol
		if r.IntN(2) == 0 {
			text = "aaa = first block" + eol + eol + text
		}
		if r.IntN(4) == 0 {
			text = strings.TrimSuffix(text, eol)
		}
		uri := fmt.Sprintf("untitled:random-%d", n)
		c.didOpen(uri, text)
		p := c.waitDiagnostics(uri, hasVersion(1))
		diags := *p.Diagnostics
		if len(diags) != 1 || diags[0].Code != rule {
			t.Logf("%q: findings %s, not the one %s: skipped", text, diagnosticsString(p), rule)
		} else {
			var acts []lspCodeAction
			c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
				"range": diags[0].Range, "context": map[string]any{"diagnostics": diags, "only": []string{"quickfix"}}}, &acts)
			want := string(analysis.Fix([]byte(text), true))
			if len(acts) != 1 {
				t.Errorf("%q: %d quick fixes, want one", text, len(acts))
			} else if got := applyLSPEdits(t, text, acts[0].Edit.Changes[uri]); got+eol != want && got != want {
				t.Errorf("%q: the quick fix gives\n%q\n--fix writes\n%q", text, got, want)
			}
			checked++
		}
		c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	}
	if checked < 100 {
		t.Errorf("only %d of 150 random files had their one finding", checked)
	}
}

// A client that resolves code actions' edits (VS Code, Neovim) is offered the whole-file
// actions without their edits, which an editor asks for at every cursor move; resolving
// one makes the edit the eager answer has, against the document as it is then.
func TestLSPWholeFileActionsResolved(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	uri := lspFileURI(file)
	eager := startServer(t)
	eager.initialize(dir, editorCaps, nil)
	eager.didOpen(uri, text)
	resolving := map[string]any{}
	for k, v := range editorCaps {
		resolving[k] = v
	}
	td := map[string]any{"codeAction": map[string]any{"resolveSupport": map[string]any{"properties": []string{"edit"}}}}
	for k, v := range editorCaps["textDocument"].(map[string]any) {
		td[k] = v
	}
	resolving["textDocument"] = td
	lazy := startServer(t)
	lazy.initialize(dir, resolving, nil)
	lazy.didOpen(uri, text)
	params := map[string]any{"textDocument": map[string]any{"uri": uri}, "range": lspRange{},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{"source"}}}
	var eagerActs []lspCodeAction
	eager.result("textDocument/codeAction", params, &eagerActs)
	want := map[string]lspCodeAction{} // by kind; an action that changes nothing is not offered
	for _, a := range eagerActs {
		want[a.Kind] = a
	}
	var offered []map[string]any
	lazy.result("textDocument/codeAction", params, &offered)
	if _, ok := want["source.fixAll.notesls"]; !ok || len(offered) != 2 {
		t.Fatalf("eager %+v, lazy %+v: want fix-all among the eager, and both source actions lazily", eagerActs, offered)
	}
	for _, a := range offered {
		if a["edit"] != nil || a["data"] == nil {
			t.Fatalf("lazy action %v: want data and no edit yet", a)
		}
		var got lspCodeAction
		lazy.result("codeAction/resolve", a, &got)
		edits, ok := got.Edit.Changes[uri]
		w, changes := want[got.Kind]
		switch {
		case got.Title != a["title"] || !ok:
			t.Errorf("resolved %q: %+v", a["title"], got)
		case changes && applyLSPEdits(t, text, edits) != applyLSPEdits(t, text, w.Edit.Changes[uri]):
			t.Errorf("resolved %q: %d edits, not the eager %d", a["title"], len(edits), len(w.Edit.Changes[uri]))
		case !changes && len(edits) != 0:
			t.Errorf("resolved %q: %d edits of a file it leaves as it is", a["title"], len(edits))
		}
	}
	// Once the file is fixed, fix-all resolves to no change at all.
	fixed := applyLSPEdits(t, text, want["source.fixAll.notesls"].Edit.Changes[uri])
	lazy.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []map[string]any{{"text": fixed}},
	})
	var got lspCodeAction
	lazy.result("codeAction/resolve", offered[0], &got) // fix-all, offered first
	if edits, ok := got.Edit.Changes[uri]; got.Kind != "source.fixAll.notesls" || !ok || len(edits) != 0 {
		t.Errorf("fix all of a fixed file resolves to %v, want an empty edit", got.Edit.Changes)
	}
	// An action that is not the server's comes back as it was.
	var foreign map[string]any
	lazy.result("codeAction/resolve", map[string]any{"title": "someone else's", "data": map[string]any{"x": 1}}, &foreign)
	if foreign["title"] != "someone else's" || foreign["edit"] != nil {
		t.Errorf("a foreign action resolved to %v", foreign)
	}
}
