package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
