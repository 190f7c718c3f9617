package main

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
)

// copyFixture copies testdata files into a fresh directory and returns it.
func copyFixture(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		data, err := os.ReadFile(filepath.Join(repoRoot, src))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		writeTestFile(t, p, string(data), 0o644)
	}
	return dir
}

func readString(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestCheckFixAndDiff drives --diff and --fix on a file with every kind of safe fix (a
// malformed path operator, runs of spaces around a separator, a URL twice in a line,
// trailing white space, unsorted lines, no final newline) beside a clean file.
func TestCheckFixAndDiff(t *testing.T) {
	fix := filepath.Join("testdata", "check", "fix")
	dir := copyFixture(t, map[string]string{
		"fixable.notes": filepath.Join(fix, "fixable.notes"),
		"clean.notes":   filepath.Join(fix, "clean.notes"),
	})
	fixable, clean := filepath.Join(dir, "fixable.notes"), filepath.Join(dir, "clean.notes")
	if err := os.Chmod(fixable, 0o600); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, p := range []string{fixable, clean} {
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
	}
	before := readString(t, fixable)
	want := "alpha = first https://a.example/x\nAPI -- gateway\nbeta -> alpha\nzeta = last letter\n"

	// --diff: a diff of what --fix would write, exit 1, nothing written.
	stdout, stderr, code := runNotes(t, dir, "--check", "--diff")
	if code != 1 {
		t.Fatalf("--diff: exit status %d, want 1 (a file would change); stderr: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "--- a/fixable.notes\n+++ b/fixable.notes\n") || strings.Contains(stdout, "clean.notes") {
		t.Errorf("--diff output does not cover exactly fixable.notes:\n%s", stdout)
	}
	if got, err := applyUnified(before, stdout); err != nil || got != want {
		t.Errorf("the diff applied gives %q (%v), want %q\n%s", got, err, want, stdout)
	}
	golden(t, "fix.diff", []byte(stdout))
	if readString(t, fixable) != before {
		t.Fatal("--diff wrote the file")
	}
	// --fix --diff is --diff: nothing written.
	if _, _, code := runNotes(t, dir, "--check", "--fix", "--diff"); code != 1 || readString(t, fixable) != before {
		t.Fatalf("--fix --diff: status %d, or the file was written", code)
	}

	// --fix: the file is rewritten in its canonical form with its mode; the clean one is
	// not touched. What remains is reported (nothing here), status 0.
	stdout, stderr, code = runNotes(t, dir, "--check", "--fix")
	if code != 0 || stdout != "" {
		t.Errorf("--fix: status %d, output %q, want 0 and no findings left; stderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "fixed 1 file") {
		t.Errorf("--fix summary %q does not say one file was fixed", stderr)
	}
	if got := readString(t, fixable); got != want {
		t.Errorf("fixed content = %q, want %q", got, want)
	}
	st, err := os.Stat(fixable)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("fixed file's mode = %v, want -rw-------", st.Mode())
	}
	if st, _ := os.Stat(clean); !st.ModTime().Equal(past) {
		t.Errorf("--fix touched the clean file (mtime %v)", st.ModTime())
	}
	assertOnlyFiles(t, dir, "clean.notes", "fixable.notes")

	// Formatting is idempotent: a second run finds nothing to change and touches nothing.
	if err := os.Chtimes(fixable, past, past); err != nil {
		t.Fatal(err)
	}
	if stdout, _, code := runNotes(t, dir, "--check", "--diff"); code != 0 || stdout != "" {
		t.Errorf("--diff after --fix: status %d, output %q; want 0 and nothing", code, stdout)
	}
	if _, stderr, _ := runNotes(t, dir, "--check", "--fix"); !strings.Contains(stderr, "fixed 0 files") {
		t.Errorf("second --fix: %q", stderr)
	}
	if st, _ := os.Stat(fixable); !st.ModTime().Equal(past) {
		t.Error("a second --fix rewrote an already formatted file")
	}
}

// TestCheckFixReportsRemaining: after fixing, the findings --fix cannot repair are reported
// against the new content, and they decide the exit status.
func TestCheckFixReportsRemaining(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.notes")
	writeTestFile(t, p, "zeta = z\ncache =  \n", 0o644)
	stdout, _, code := runNotes(t, dir, "--check", "--fix", "--fail-on", "warning")
	fs := parseText(t, stdout)
	if code != 1 || len(fs) != 1 || fs[0].rule != "empty-definition" || fs[0].line != 1 {
		t.Errorf("--fix: status %d, findings %+v; want 1 and the empty definition, now on line 1", code, fs)
	}
	if got := readString(t, p); got != "cache =\nzeta = z\n" {
		t.Errorf("fixed content = %q", got)
	}
}

// TestCheckFixReadOnly: a read-only file is not replaced behind the user's back.
func TestCheckFixReadOnly(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.notes")
	writeTestFile(t, p, "b\na\n", 0o444)
	_, stderr, code := runNotes(t, dir, "--check", "--fix")
	if code != 2 || !strings.Contains(stderr, "read-only") {
		t.Errorf("--fix on a read-only file: status %d, stderr %q; want 2 and a reason", code, stderr)
	}
	if readString(t, p) != "b\na\n" {
		t.Error("read-only file was changed")
	}
}

// TestCheckFixKeepsContent: --fix never loses content. On the real corpus and on every
// fixture, the multiset of words (letter and digit runs, and URLs) of non-blank lines, and
// the multiset of their other non-space characters but hyphens (which a malformed path
// operator may have too many of), are the same before and after, once a URL repeated in one
// line is counted once (dropping the repeat is one of the fixes).
func TestCheckFixKeepsContent(t *testing.T) {
	files := map[string]string{"system-design.notes": filepath.Join("testdata", "system-design.notes")}
	err := filepath.WalkDir(filepath.Join(repoRoot, "testdata", "check"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".notes") || strings.HasSuffix(p, ".txt") && strings.Contains(p, "sample")) {
			rel, _ := filepath.Rel(repoRoot, p)
			files[strings.ReplaceAll(rel, string(filepath.Separator), "_")] = rel
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := copyFixture(t, files)
	before := map[string]string{}
	var args []string
	for name := range files {
		before[name] = readString(t, filepath.Join(dir, name))
		args = append(args, name)
	}
	if _, stderr, code := runNotes(t, dir, append([]string{"--check", "--fix"}, args...)...); code == 2 {
		t.Fatalf("--fix failed: %s", stderr)
	}
	changed := 0
	for name, old := range before {
		now := readString(t, filepath.Join(dir, name))
		if now != old {
			changed++
		}
		wb, rb := contentSignature(old)
		wa, ra := contentSignature(now)
		if !maps.Equal(wb, wa) {
			t.Errorf("%s: words changed by --fix: lost %v, gained %v", name, mapMinus(wb, wa), mapMinus(wa, wb))
		}
		if !maps.Equal(rb, ra) {
			t.Errorf("%s: characters changed by --fix: lost %v, gained %v", name, mapMinus(rb, ra), mapMinus(ra, rb))
		}
	}
	if changed == 0 {
		t.Error("--fix changed no file: the test proves nothing")
	}
}

var urlPattern = regexp.MustCompile(`https?://\S+`)

// contentSignature returns the words and the other characters of the non-blank lines of
// src, as multisets; see TestCheckFixKeepsContent.
func contentSignature(src string) (words, chars map[string]int) {
	words, chars = map[string]int{}, map[string]int{}
	for _, line := range strings.FieldsFunc(src, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		seen := map[string]bool{}
		rest := urlPattern.ReplaceAllStringFunc(line, func(u string) string {
			if !seen[u] {
				seen[u] = true
				words[u]++
			}
			return " "
		})
		for _, w := range strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			words[w]++
		}
		for _, r := range rest {
			if !unicode.IsSpace(r) && !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
				chars[string(r)]++
			}
		}
	}
	return words, chars
}

func mapMinus(a, b map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range a {
		if d := n - b[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// TestContentSignature makes sure the content check can fail: it sees a lost word, a lost
// bracket and a lost line, and lets through what formatting may do.
func TestContentSignature(t *testing.T) {
	same := func(a, b string) bool {
		wa, ca := contentSignature(a)
		wb, cb := contentSignature(b)
		return maps.Equal(wa, wb) && maps.Equal(ca, cb)
	}
	base := "b = (x) https://u.example/1 y\na --b\n"
	for _, tt := range []struct {
		after string
		same  bool
	}{
		{"a -- b\nb = (x) https://u.example/1 y\n", true},                                // sorted, operator fixed
		{"b  =  (x)   https://u.example/1 y  \n\n a --b", true},                          // spaces, blank lines
		{"b = (x) https://u.example/1 https://u.example/1 y\na --b\n", true},             // a repeated URL counts once
		{"b = (x) https://u.example/1 y\n", false},                                       // a line lost
		{"b = (x https://u.example/1 y\na --b\n", false},                                 // a bracket lost
		{"b = (x) https://u.example/2 y\na --b\n", false},                                // a URL changed
		{"b = (x) https://u.example/1\na --b\n", false},                                  // a word lost
		{"b = (x) https://u.example/1 y\na --b\nb = (x) https://u.example/1 y\n", false}, // a line doubled
	} {
		if got := same(base, tt.after); got != tt.same {
			t.Errorf("signature of %q == signature of %q: %v, want %v", base, tt.after, got, tt.same)
		}
	}
}
