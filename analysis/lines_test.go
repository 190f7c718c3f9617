package analysis

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// numbered returns n lines "line i = ..." of varied lengths; one in 97 has a finding
// (trailing whitespace).
func numbered(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "line %d = %s", i, bytes.Repeat([]byte("x"), i%7))
		if i%97 == 50 {
			b.WriteString("  ")
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func sameFile(t *testing.T, what string, got, want *File) {
	t.Helper()
	if got.NumLines() != want.NumLines() {
		t.Fatalf("%s: %d lines, want %d", what, got.NumLines(), want.NumLines())
	}
	sameDiagLines(t, what, got, want)
	for i := range want.NumLines() {
		if got.Start(i) != want.Start(i) || !reflect.DeepEqual(*got.Line(i), *want.Line(i)) {
			t.Fatalf("%s: line %d: start %d %+v, want %d %+v", what, i, got.Start(i), *got.Line(i), want.Start(i), *want.Line(i))
		}
	}
}

// TestLineAtAcrossChunks finds the line of every offset of a file of several chunks,
// at chunk boundaries too.
func TestLineAtAcrossChunks(t *testing.T) {
	for _, n := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3*chunkSize + 17} {
		src := numbered(n)
		f := Parse(src)
		if f.NumLines() != n {
			t.Fatalf("%d lines parsed as %d", n, f.NumLines())
		}
		want := -1
		for off := 0; off <= len(src); off++ {
			if want+1 < n && f.Start(want+1) == off {
				want++
			}
			if got := f.LineAt(off); got != want {
				t.Fatalf("n=%d: LineAt(%d) = %d, want %d", n, off, got, want)
			}
		}
		if f.LineAt(-1) != -1 {
			t.Fatalf("n=%d: LineAt(-1) = %d", n, f.LineAt(-1))
		}
	}
}

// TestBuilderCopy assembles files from runs of another version's lines, moved by a
// number of lines and bytes, aligned with the chunks and not, and compares them with a
// parse of the same text. A chunk counts as shared when its first line is the old
// chunk's: whole, or its first minChunkLines lines or more.
func TestBuilderCopy(t *testing.T) {
	prevSrc := numbered(5*chunkSize + 3)
	prev := Parse(prevSrc)
	cases := []struct {
		name       string
		keepHead   int    // lines of prev kept before the new text
		insert     string // whole lines put in
		skip       int    // lines of prev dropped after them
		wantShared int    // chunks of prev shared; its last, of 3 lines, is too small to be
	}{
		{"in place, mid-chunk", 300, "new line\n", 1, 4},
		{"in place, late in a chunk: its first lines shared", 2*chunkSize + 100, "new line\n", 1, 5},
		{"typed on the last line: the lines before it shared", 5*chunkSize - 1, "new line\n", 1, 5},
		{"in place, first line of a chunk", chunkSize, "new line\n", 1, 4},
		{"in place, last line of the file", 5*chunkSize + 2, "new line = longer than before\n", 1, 5},
		{"a line more", 300, "one\ntwo\n", 1, 4}, // the chunks after it too, under new numbers
		{"a line more in the first chunk", 10, "one\ntwo\n", 1, 4},
		{"a line less", 300, "", 1, 4},
		{"whole chunks less", 0, "", 2 * chunkSize, 3},
		{"everything replaced", 0, "only\n", 5*chunkSize + 3, 0},
		{"at the end", 5*chunkSize + 3, "tail\n", 0, 5},
	}
	for _, c := range cases {
		headEnd := len(prevSrc)
		if c.keepHead < prev.NumLines() {
			headEnd = prev.Start(c.keepHead)
		}
		tailStart := len(prevSrc)
		if c.keepHead+c.skip < prev.NumLines() {
			tailStart = prev.Start(c.keepHead + c.skip)
		}
		src := append(append(append([]byte(nil), prevSrc[:headEnd]...), c.insert...), prevSrc[tailStart:]...)
		delta := len(src) - len(prevSrc)

		b := NewFileBuilder(NewText(src), 0)
		b.Copy(prev, 0, c.keepHead, 0)
		var lp LineParser
		for start := headEnd; start < headEnd+len(c.insert); {
			end, next := LineEnd(src, start)
			b.Add(start, lp.Parse(src[start:end]))
			start = next
		}
		b.Copy(prev, c.keepHead+c.skip, prev.NumLines(), delta)
		got := b.File()
		sameFile(t, c.name, got, Parse(src))

		if shared := sharedChunks(got, prev); shared != c.wantShared {
			t.Errorf("%s: shares %d chunks of the old version, want %d", c.name, shared, c.wantShared)
		}
	}
}

func sharedChunks(f, prev *File) int {
	shared := 0
	for _, gc := range f.chunks {
		for _, pc := range prev.chunks {
			if len(gc.lines) > 0 && &gc.lines[0] == &pc.lines[0] {
				shared++
			}
		}
	}
	return shared
}

// TestBuilderEditsInSequence makes each version from the one before by a random edit of
// whole lines, as typing Enter, joining lines and pasting do, and compares it with a parse
// of its text. The chunks of edited versions differ in size: they must stay few to a
// block and bounded in size, and an edit must copy a bounded number of lines whatever
// the file's length.
func TestBuilderEditsInSequence(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	src := numbered(24 * chunkSize)
	f := Parse(src)
	for step := range 300 {
		n := f.NumLines()
		keepHead := rng.IntN(n + 1)
		skip := rng.IntN(min(n-keepHead, 3) + 1)
		var insert []byte
		switch rng.IntN(10) {
		case 0: // a paste
			insert = numbered(rng.IntN(2 * chunkSize))
		case 1, 2, 3:
		default:
			insert = numbered(rng.IntN(3))
		}
		if step%25 == 24 || n > 32*chunkSize {
			skip = min(n-keepHead, rng.IntN(4*chunkSize)) // a cut
		}
		headEnd, tailStart := len(src), len(src)
		if keepHead < n {
			headEnd = f.Start(keepHead)
		}
		if keepHead+skip < n {
			tailStart = f.Start(keepHead + skip)
		}
		next := slices.Concat(src[:headEnd], insert, src[tailStart:])
		b := NewFileBuilder(NewText(next), 0)
		b.Copy(f, 0, keepHead, 0)
		var lp LineParser
		inserted := 0
		for start := headEnd; start < headEnd+len(insert); inserted++ {
			end, after := LineEnd(next, start)
			b.Add(start, lp.Parse(next[start:end]))
			start = after
		}
		b.Copy(f, keepHead+skip, n, len(next)-len(src))
		got := b.File()
		what := fmt.Sprintf("step %d (lines %d-%d of %d replaced by %d)", step, keepHead, keepHead+skip, n, inserted)
		if step%30 == 0 {
			sameFile(t, what, got, Parse(next))
		} else {
			sameStarts(t, what, got, Parse(next), keepHead-maxChunkLines, keepHead+inserted+maxChunkLines)
		}
		copied := -inserted
		for k, c := range got.chunks {
			if k < len(got.chunks)-1 && len(c.lines) < minChunkLines {
				t.Fatalf("%s: chunk %d of %d has %d lines", what, k, len(got.chunks), len(c.lines))
			}
			if len(c.lines) > 2*maxChunkLines {
				t.Fatalf("%s: chunk %d has %d lines", what, k, len(c.lines))
			}
			if !slices.ContainsFunc(f.chunks, func(p lineChunk) bool { return len(c.lines) > 0 && &p.lines[0] == &c.lines[0] }) {
				copied += len(c.lines)
			}
		}
		if copied > 4*maxChunkLines {
			t.Fatalf("%s: %d lines copied", what, copied)
		}
		src, f = next, got
	}
}

// sameDiagLines compares the lines with findings, which DiagLines finds by chunk.
func sameDiagLines(t *testing.T, what string, got, want *File) {
	t.Helper()
	var lines []int
	for i := range want.NumLines() {
		if len(want.Line(i).Diags()) > 0 {
			lines = append(lines, i)
		}
	}
	if g, w := diagLineNumbers(got), diagLineNumbers(want); !slices.Equal(g, lines) || !slices.Equal(w, lines) {
		t.Fatalf("%s: lines with findings %v, and %v parsed, want %v", what, g, w, lines)
	}
	want2 := map[string]int{}
	for _, i := range lines {
		for _, d := range want.Line(i).Diags() {
			want2[d.Rule]++
		}
	}
	for _, f := range []*File{got, want} {
		counts := map[string]int{}
		for rc := range f.RuleCounts() {
			counts[rc.Rule] += rc.N
		}
		if !maps.Equal(counts, want2) {
			t.Fatalf("%s: findings by rule %v, want %v", what, counts, want2)
		}
	}
	n := got.NumLines()
	for _, from := range []int{1, n / 3, n / 2, n - 1, n, n + 1} {
		var g []int
		for i := range got.DiagLinesFrom(from) {
			g = append(g, i)
		}
		at, _ := slices.BinarySearch(lines, from)
		w := lines[at:]
		if !slices.Equal(g, w) && len(g)+len(w) > 0 {
			t.Fatalf("%s: lines with findings from %d: %v, want %v", what, from, g, w)
		}
	}
}

func diagLineNumbers(f *File) []int {
	var out []int
	for i, diags := range f.DiagLines() {
		if !slices.Equal(diags, f.Line(i).Diags()) {
			return nil
		}
		out = append(out, i)
	}
	return out
}

// sameStarts is sameFile for the starts of every line and the trees of lines [from, to).
func sameStarts(t *testing.T, what string, got, want *File, from, to int) {
	t.Helper()
	if got.NumLines() != want.NumLines() {
		t.Fatalf("%s: %d lines, want %d", what, got.NumLines(), want.NumLines())
	}
	sameDiagLines(t, what, got, want)
	for i := range want.NumLines() {
		if got.Start(i) != want.Start(i) || i >= from && i < to && !reflect.DeepEqual(*got.Line(i), *want.Line(i)) {
			t.Fatalf("%s: line %d: start %d %+v, want %d %+v", what, i, got.Start(i), *got.Line(i), want.Start(i), *want.Line(i))
		}
	}
}

// TestParseParallel: any number of workers gives Parse's tree.
func TestParseParallel(t *testing.T) {
	srcs := [][]byte{
		numbered(3*chunkSize + 5),
		append([]byte("\xEF\xBB\xBF"), numbered(chunkSize+1)...),
		[]byte("a\r\nb\rc\n\nno final newline"),
		{},
	}
	for i, src := range srcs {
		for _, workers := range []int{1, 2, 3, 7} {
			sameFile(t, fmt.Sprintf("source %d, %d workers", i, workers), ParseParallel(src, workers), Parse(src))
			// A text cut in small chunks is parsed chunk by chunk, and its parts are
			// runs of chunks.
			small := NewTextSized(src, 16)
			sameFile(t, fmt.Sprintf("source %d in small chunks, %d workers", i, workers), ParseTextParallel(small, workers), Parse(src))
			sameFile(t, fmt.Sprintf("source %d in small chunks", i), ParseText(small), Parse(src))
		}
	}
}
