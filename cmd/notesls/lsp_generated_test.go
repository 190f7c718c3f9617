package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// The formatting property on generated corpora, end to end: notesgen writes clean and
// messy files, and for each `notesls --check --fix` (on a copy), Format Document and
// fix-all through the server all give the same text; --fix on that text changes nothing;
// and its words are the original's, but copies of a URL repeated in a line. The normal
// run takes a few thousand lines a corpus; -generated-lines N adds corpora of N lines:
//
//	go test -run TestLSPFormattingOnGeneratedCorpora ./cmd/notesls/ -generated-lines 200000
var generatedLines = flag.Int("generated-lines", 0, "also check formatting on generated corpora of this many lines")

var (
	notesgenOnce sync.Once
	notesgenBin  string
	notesgenErr  error
)

// notesgenBinary builds cmd/notesgen once, beside the notesls binary of the tests.
func notesgenBinary(t *testing.T) string {
	t.Helper()
	notesgenOnce.Do(func() {
		notesgenBin = filepath.Join(filepath.Dir(notesBinary), "notesgen")
		out, err := exec.Command("go", "build", "-o", notesgenBin, "../notesgen").CombinedOutput()
		if err != nil {
			notesgenErr = fmt.Errorf("build notesgen: %v\n%s", err, out)
		}
	})
	if notesgenErr != nil {
		t.Fatal(notesgenErr)
	}
	return notesgenBin
}

// generatedWords are text's words, a run of hyphens counting as space.
func generatedWords(text string) []string {
	return strings.Fields(regexp.MustCompile(`--+`).ReplaceAllString(strings.ReplaceAll(text, "\r", " "), " "))
}

func TestLSPFormattingOnGeneratedCorpora(t *testing.T) {
	notesgen := notesgenBinary(t)
	type corpus struct {
		lines int
		seed  int
		rate  string
	}
	var corpora []corpus
	for _, seed := range []int{1, 2} {
		for _, rate := range []string{"0.001", "0.06"} {
			corpora = append(corpora, corpus{2000, seed, rate})
		}
	}
	if *generatedLines > 0 {
		corpora = append(corpora, corpus{*generatedLines, 3, "0.001"}, corpus{*generatedLines, 3, "0.06"})
	}
	dir := t.TempDir()
	var names []string
	for _, c := range corpora {
		name := fmt.Sprintf("gen-%d-%d-%s.notes", c.lines, c.seed, c.rate)
		out, err := exec.Command(notesgen, "-lines", fmt.Sprint(c.lines), "-seed", fmt.Sprint(c.seed), "-defects", c.rate,
			"-o", filepath.Join(dir, name)).CombinedOutput()
		if err != nil {
			t.Fatalf("notesgen: %v\n%s", err, out)
		}
		names = append(names, name)
	}
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			text := string(raw)
			want := fixedByCLI(t, name, text)
			if again := fixedByCLI(t, name, want); again != want {
				t.Errorf("--fix twice changes the text again:\n%s", unifiedDiff("once", "twice", []byte(want), []byte(again)))
			}
			uri := lspFileURI(filepath.Join(dir, name))
			c.didOpen(uri, text)
			var edits []lspTextEdit
			c.result("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri},
				"options": map[string]any{"tabSize": 4, "insertSpaces": true}}, &edits)
			if got := applyLSPEdits(t, text, edits); got != want {
				t.Errorf("formatting differs from --fix:\n%s", unifiedDiff("--fix", "formatting", []byte(want), []byte(got)))
			}
			var all []lspCodeAction
			c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
				"range": lspRange{}, "context": map[string]any{"diagnostics": []any{}, "only": []string{"source.fixAll.notesls"}}}, &all)
			if text == want {
				if len(all) != 0 {
					t.Errorf("fix all on a clean file: %+v", all)
				}
			} else if len(all) != 1 || applyLSPEdits(t, text, all[0].Edit.Changes[uri]) != want {
				t.Errorf("fix all differs from --fix")
			}
			count := map[string]int{}
			for _, w := range generatedWords(want) {
				count[w]++
			}
			for _, w := range generatedWords(text) {
				if n, kept := count[w]; n > 0 {
					count[w]--
				} else if !kept || !strings.Contains(w, "://") {
					t.Fatalf("--fix lost the word %q", w)
				}
			}
			for w, n := range count {
				if n > 0 {
					t.Fatalf("--fix added the word %q", w)
				}
			}
			if strings.Count(text, "\n") != strings.Count(want, "\n") || bytes.Equal(raw, []byte(want)) && strings.Contains(name, "0.06") {
				t.Errorf("--fix changed the number of lines, or left a messy corpus alone")
			}
			c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
		})
	}
}
