package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// A workspace of several files that refer to each other, edited at random in the editor
// (and saved, so that --check sees the same text): once the server has published what
// the edits changed, every file's published findings equal what --check reports. It
// checks that an edit republishes every file whose findings it changed, whatever the
// rule, and that the server and CI agree on a workspace of many files.
func TestLSPWorkspaceEditsConvergeToCheck(t *testing.T) {
	dir := t.TempDir()
	texts, names := splitCorpusWorkspace(t, dir)
	first := filepath.Join(dir, "part0.notes")

	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	for _, name := range names { // the edits come after the first publication, not before
		c.waitDiagnostics(lspFileURI(name), nil)
	}
	r := rand.New(rand.NewPCG(7, 8))
	open := []string{first} // the others change only through what it does to them
	version := map[string]int{}
	for _, name := range open {
		c.didOpen(lspFileURI(name), texts[name])
		version[name] = 1
	}
	for range 40 {
		name := open[r.IntN(len(open))]
		lines := strings.Split(strings.TrimSuffix(texts[name], "\n"), "\n")
		// Lines of the corpus's other parts, not of refs.notes and repeats.notes: those
		// change only through what the edits do to them.
		from := strings.Split(texts[filepath.Join(dir, fmt.Sprintf("part%d.notes", 1+r.IntN(3)))], "\n")
		borrowed := from[r.IntN(len(from))]
		at := r.IntN(len(lines) + 1)
		switch r.IntN(4) {
		case 0: // a line of another file: duplicates, stubs, near-duplicate names
			lines = slices.Insert(lines, at, borrowed)
		case 1: // a reference to a term of another file, or a misspelt one
			term := strings.SplitN(strings.SplitN(borrowed, " = ", 2)[0], " -- ", 2)[0]
			if r.IntN(3) == 0 {
				term += "x"
			}
			lines = slices.Insert(lines, at, fmt.Sprintf("note %d = see [[%s]]", r.IntN(1000), term))
		default: // a line goes, and what referred to it or repeated it may change
			if len(lines) > 1 {
				lines = slices.Delete(lines, min(at, len(lines)-1), min(at, len(lines)-1)+1)
			}
		}
		texts[name] = strings.Join(lines, "\n") + "\n"
		lspWriteFile(t, name, texts[name])
		version[name]++
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": lspFileURI(name), "version": version[name]},
			"contentChanges": []map[string]any{{"text": texts[name]}},
		})
		if r.IntN(4) == 0 { // some edits alone, some in bursts
			c.waitDiagnostics(lspFileURI(name), hasVersion(version[name]))
		}
	}

	awaitCheckAgreement(t, c, dir, names, texts)
}

// splitCorpusWorkspace writes into dir the corpus's blocks dealt round-robin into four files
// (part0..part3.notes), a file of references to part0's terms and a file repeating some of
// its lines, so that edits of part0 change findings in the others. It returns each file's
// text and the sorted names.
func splitCorpusWorkspace(t *testing.T, dir string) (map[string]string, []string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "system-design.notes"))
	if err != nil {
		t.Fatal(err)
	}
	// The corpus's blocks dealt round-robin into four files, and a file of references.
	blocks := strings.Split(string(src), "\n\n")
	texts := map[string]string{}
	var names []string
	for i, b := range blocks {
		name := filepath.Join(dir, fmt.Sprintf("part%d.notes", i%4))
		texts[name] += strings.TrimSpace(b) + "\n\n"
	}
	// References to terms of the file the edits change, so that its edits break and
	// mend them; and lines that repeat some of its lines, whose findings point into it.
	refs, dups := filepath.Join(dir, "refs.notes"), filepath.Join(dir, "repeats.notes")
	first := filepath.Join(dir, "part0.notes")
	for i, line := range strings.Split(texts[first], "\n") {
		if head, _, ok := strings.Cut(line, " = "); ok && i%5 == 0 {
			texts[refs] += fmt.Sprintf("ref %03d = see [[%s]]\n", i, head)
		}
		if i%7 == 3 && line != "" {
			texts[dups] += line + "\n"
		}
	}
	for name, text := range texts {
		lspWriteFile(t, name, text)
		names = append(names, name)
	}
	slices.Sort(names)

	return texts, names
}

// awaitCheckAgreement waits until every file's published findings equal what --check
// reports on texts (written to disk by the caller), and fails after 20 s naming the
// difference.
func awaitCheckAgreement(t *testing.T, c *lspClient, dir string, names []string, texts map[string]string) {
	t.Helper()
	want := checkFindingsByFile(t, dir, texts)
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := publishedFindingsByFile(c, texts)
		diff := ""
		for _, name := range names {
			if g, w := strings.Join(got[lspFileURI(name)], "\n"), strings.Join(want[name], "\n"); g != w {
				diff += fmt.Sprintf("%s:\n--- published\n%s\n--- --check\n%s\n", name, g, w)
			}
		}
		if diff == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the published findings never reached what --check reports:\n%s", diff)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkFindingsByFile runs --check on dir and renders its findings by file.
func checkFindingsByFile(t *testing.T, dir string, texts map[string]string) map[string][]string {
	t.Helper()
	out, _ := exec.Command(notesBinary, "--check", "--format", "json", dir).Output()
	var report struct {
		Diagnostics []struct {
			Path                             string
			Line, Column, EndLine, EndColumn int
			Rule, Message                    string
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("--check json: %v\n%s", err, out)
	}
	byFile := map[string][]string{}
	for _, d := range report.Diagnostics {
		byFile[d.Path] = append(byFile[d.Path], fmt.Sprintf("%d:%d-%d:%d %s %s", d.Line, d.Column, d.EndLine, d.EndColumn, d.Rule, d.Message))
	}
	for p := range byFile {
		slices.Sort(byFile[p])
	}
	return byFile
}

// publishedFindingsByFile renders the latest publication of each file.
func publishedFindingsByFile(c *lspClient, texts map[string]string) map[string][]string {
	latest := map[string]publishParams{}
	for _, m := range c.notesSince(0) {
		var p publishParams
		if m.Method == "textDocument/publishDiagnostics" && json.Unmarshal(m.Params, &p) == nil && p.Diagnostics != nil {
			latest[p.URI] = p
		}
	}
	byFile := map[string][]string{}
	for name, text := range texts {
		uri := lspFileURI(name)
		p, ok := latest[uri]
		if !ok {
			continue
		}
		lines := strings.Split(text, "\n")
		for _, d := range *p.Diagnostics {
			s, e := d.Range.Start, d.Range.End
			byFile[uri] = append(byFile[uri], fmt.Sprintf("%d:%d-%d:%d %s %s", s.Line+1, runeColumn(lines[s.Line], s.Character),
				e.Line+1, runeColumn(lines[e.Line], e.Character), d.Code, d.Message))
		}
		slices.Sort(byFile[uri])
	}
	return byFile
}
