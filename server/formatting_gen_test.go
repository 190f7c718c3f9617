package server

import (
	"bytes"
	"flag"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
)

// The formatting property over generated corpora: cmd/notesgen's files, clean and messy
// (-defects plants malformed path operators, trailing white space, repeated URLs,
// unsorted lines and the rest), formatted through what --fix runs (analysis.Fix) and the
// edits the server answers, in both position encodings, sorted and not: the edits give
// --fix's text, a second round changes nothing, and the words stay.
//
// notesgen is a main package, so the test builds it and runs the binary. The normal run
// checks a few thousand lines a corpus; -generated-lines N adds corpora of N lines:
//
//	go test -run TestFormattingPropertyOnGeneratedCorpora ./server/ -generated-lines 200000
var generatedLines = flag.Int("generated-lines", 0, "also check the formatting property on generated corpora of this many lines")

// buildNotesgen builds cmd/notesgen into a temporary directory and returns its path.
func buildNotesgen(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "notesgen")
	build := exec.Command("go", "build", "-o", bin, "github.com/notesls/notesls/cmd/notesgen")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build notesgen: %v\n%s", err, out)
	}
	return bin
}

// generate runs notesgen and returns the corpus it writes.
func generate(t *testing.T, notesgen string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(notesgen, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("notesgen %v: %v\n%s", args, err, stderr.Bytes())
	}
	return out
}

func TestFormattingPropertyOnGeneratedCorpora(t *testing.T) {
	notesgen := buildNotesgen(t)
	type corpus struct {
		lines int
		seed  int
		rate  string
	}
	var corpora []corpus
	for _, seed := range []int{1, 2, 3} {
		for _, rate := range []string{"0", "0.01", "0.06"} {
			corpora = append(corpora, corpus{3000, seed, rate})
		}
	}
	if *generatedLines > 0 {
		for _, seed := range []int{4, 5} {
			for _, rate := range []string{"0.001", "0.06"} {
				corpora = append(corpora, corpus{*generatedLines, seed, rate})
			}
		}
	}
	for _, c := range corpora {
		t.Run(fmt.Sprintf("lines=%d seed=%d defects=%s", c.lines, c.seed, c.rate), func(t *testing.T) {
			text := generate(t, notesgen, "-lines", fmt.Sprint(c.lines), "-seed", fmt.Sprint(c.seed), "-defects", c.rate)
			if n := bytes.Count(text, []byte("\n")); n != c.lines {
				t.Fatalf("notesgen wrote %d lines, asked for %d", n, c.lines)
			}
			checkFormatting(t, string(text), true)
			checkFormatting(t, string(text), false)
			// The same corpus with CRLF line ends, as a Windows editor keeps it.
			crlf := bytes.ReplaceAll(text, []byte("\n"), []byte("\r\n"))
			checkFormatting(t, string(crlf), c.seed%2 == 0)
		})
	}
}
