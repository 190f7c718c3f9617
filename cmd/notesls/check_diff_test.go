package main

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestUnifiedDiffExamples(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"one change in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
			"--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"},
		{"insert at the start", "b\nc\n", "a\nb\nc\n",
			"--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n+a\n b\n c\n"},
		{"from empty", "", "a\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n"},
		{"to empty", "a\nb\n", "", "--- a/f\n+++ b/f\n@@ -1,2 +0,0 @@\n-a\n-b\n"},
		{"final newline added", "a\nb", "a\nb\n",
			"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
		{"CRLF to LF", "a\r\nb\n", "a\nb\n", "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\r\n+a\n b\n"},
		{"two hunks far apart",
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
			"X\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\nY\n",
			"--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-1\n+X\n 2\n 3\n 4\n@@ -12,4 +12,4 @@\n 12\n 13\n 14\n-15\n+Y\n"},
		{"changes six lines apart share a hunk",
			"1\n2\n3\n4\n5\n6\n7\n8\n",
			"X\n2\n3\n4\n5\n6\n7\nY\n",
			"--- a/f\n+++ b/f\n@@ -1,8 +1,8 @@\n-1\n+X\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+Y\n"},
		{"sorting moves a line", "b\nc\na\n", "a\nb\nc\n", "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n+a\n b\n c\n-a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := unifiedDiff("a/f", "b/f", []byte(tt.a), []byte(tt.b))
			if got != tt.want {
				t.Errorf("unifiedDiff(%q, %q) =\n%s\nwant\n%s", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestUnifiedDiffRandom checks, on random line lists, that the diff applies back to the new
// text and that its number of changed lines is the minimum (from an LCS table).
func TestUnifiedDiffRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 500; iter++ {
		a := randomText(rng)
		b := mutate(rng, a)
		d := unifiedDiff("a/f", "b/f", []byte(a), []byte(b))
		if a == b {
			if d != "" {
				t.Fatalf("diff of equal texts is not empty: %q", d)
			}
			continue
		}
		got, err := applyUnified(a, d)
		if err != nil {
			t.Fatalf("applying the diff of %q -> %q: %v\n%s", a, b, err, d)
		}
		if got != b {
			t.Fatalf("diff of %q -> %q applies to %q\n%s", a, b, got, d)
		}
		al, bl := splitLines([]byte(a)), splitLines([]byte(b))
		want := len(al) + len(bl) - 2*lcsLen(al, bl)
		if n := changedLines(d); n != want {
			t.Fatalf("diff of %q -> %q changes %d lines, the minimum is %d\n%s", a, b, n, want, d)
		}
	}
}

// TestUnifiedDiffCapped checks that past maxEditDistance the diff is still correct.
func TestUnifiedDiffCapped(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < maxEditDistance; i++ {
		fmt.Fprintf(&a, "a%d\n", i)
		fmt.Fprintf(&b, "b%d\n", i)
	}
	d := unifiedDiff("a/f", "b/f", []byte(a.String()), []byte(b.String()))
	got, err := applyUnified(a.String(), d)
	if err != nil || got != b.String() {
		t.Fatalf("capped diff does not apply: %v", err)
	}
}

// TestUnifiedDiffPatch feeds diffs to the system's patch(1), the consumer a user has.
func TestUnifiedDiffPatch(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("no patch(1) here")
	}
	rng := rand.New(rand.NewSource(2))
	dir := t.TempDir()
	for iter := 0; iter < 20; iter++ {
		a := randomText(rng)
		b := mutate(rng, a)
		if a == b {
			continue
		}
		f := filepath.Join(dir, "f")
		if err := os.WriteFile(f, []byte(a), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(patch, "-s", "-p1", "--no-backup-if-mismatch")
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(unifiedDiff("a/f", "b/f", []byte(a), []byte(b)))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("patch: %v\n%s", err, out)
		}
		got, _ := os.ReadFile(f)
		if string(got) != b {
			t.Fatalf("patch gave %q, want %q", got, b)
		}
	}
}

func randomText(rng *rand.Rand) string {
	var b strings.Builder
	n := rng.Intn(30)
	for i := 0; i < n; i++ {
		b.WriteString(string(rune('a' + rng.Intn(6))))
		if rng.Intn(10) == 0 {
			b.WriteString("\r")
		}
		if i < n-1 || rng.Intn(3) > 0 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

func mutate(rng *rand.Rand, s string) string {
	lines := splitLines([]byte(s))
	for k := rng.Intn(6); k > 0; k-- {
		switch rng.Intn(3) {
		case 0:
			if len(lines) > 0 {
				i := rng.Intn(len(lines))
				lines = append(lines[:i], lines[i+1:]...)
			}
		case 1:
			i := rng.Intn(len(lines) + 1)
			lines = append(lines[:i], append([]string{string(rune('a'+rng.Intn(8))) + "\n"}, lines[i:]...)...)
		case 2:
			if len(lines) > 0 {
				lines[rng.Intn(len(lines))] = "z\n"
			}
		}
	}
	return strings.Join(lines, "")
}

func lcsLen(a, b []string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func changedLines(d string) int {
	n := 0
	for _, l := range strings.SplitAfter(d, "\n") {
		if (strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "--- ")) ||
			(strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++ ")) {
			n++
		}
	}
	return n
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n$`)

// applyUnified applies a unified diff to a, checking every context and removed line and
// every hunk's counts, as a strict patch would.
func applyUnified(a, d string) (string, error) {
	src := splitLines([]byte(a))
	raw := strings.SplitAfter(d, "\n")
	if len(raw) < 2 || !strings.HasPrefix(raw[0], "--- ") || !strings.HasPrefix(raw[1], "+++ ") {
		return "", fmt.Errorf("no headers")
	}
	// Rebuild the diff's body lines, joining "\ No newline" markers onto the line before.
	var body []string
	for _, l := range raw[2:] {
		if l == "" {
			continue
		}
		if l == "\\ No newline at end of file\n" {
			if len(body) == 0 {
				return "", fmt.Errorf("stray no-newline marker")
			}
			body[len(body)-1] = strings.TrimSuffix(body[len(body)-1], "\n")
			continue
		}
		body = append(body, l)
	}
	var out []string
	pos := 0 // next line of src to copy
	for i := 0; i < len(body); {
		m := hunkHeader.FindStringSubmatch(body[i])
		if m == nil {
			return "", fmt.Errorf("bad hunk header %q", body[i])
		}
		i++
		num := func(s string, def int) int {
			if s == "" {
				return def
			}
			n, _ := strconv.Atoi(s)
			return n
		}
		aStart, aCount, bCount := num(m[1], 0), num(m[2], 1), num(m[4], 1)
		first := aStart - 1
		if aCount == 0 {
			first = aStart
		}
		if first < pos {
			return "", fmt.Errorf("hunks overlap or go backwards")
		}
		out = append(out, src[pos:first]...)
		pos = first
		seenA, seenB := 0, 0
		for i < len(body) && !strings.HasPrefix(body[i], "@@") {
			l := body[i]
			i++
			kind, text := l[0], l[1:]
			switch kind {
			case ' ', '-':
				if pos >= len(src) || src[pos] != text {
					return "", fmt.Errorf("line %d: diff says %q, file has %q", pos+1, text, at(src, pos))
				}
				pos++
				seenA++
				if kind == ' ' {
					out = append(out, text)
					seenB++
				}
			case '+':
				out = append(out, text)
				seenB++
			default:
				return "", fmt.Errorf("bad diff line %q", l)
			}
		}
		if seenA != aCount || seenB != bCount {
			return "", fmt.Errorf("hunk %q counts %d,%d lines, header says %d,%d", m[0], seenA, seenB, aCount, bCount)
		}
	}
	out = append(out, src[pos:]...)
	return strings.Join(out, ""), nil
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<end of file>"
}
