package analysis

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
)

// numbered returns n lines "line i = ..." of varied lengths.
func numbered(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "line %d = %s\n", i, bytes.Repeat([]byte("x"), i%7))
	}
	return b.Bytes()
}

func sameFile(t *testing.T, what string, got, want *File) {
	t.Helper()
	if got.NumLines() != want.NumLines() {
		t.Fatalf("%s: %d lines, want %d", what, got.NumLines(), want.NumLines())
	}
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
// parse of the same text.
func TestBuilderCopy(t *testing.T) {
	prevSrc := numbered(5*chunkSize + 3)
	prev := Parse(prevSrc)
	cases := []struct {
		name       string
		keepHead   int    // lines of prev kept before the new text
		insert     string // whole lines put in
		skip       int    // lines of prev dropped after them
		wantShared bool   // some chunk of prev is shared
	}{
		{"in place, mid-chunk", 300, "new line\n", 1, true},
		{"in place, first line of a chunk", chunkSize, "new line\n", 1, true},
		{"in place, last line of the file", 5*chunkSize + 2, "new line = longer than before\n", 1, true},
		{"a line more", 300, "one\ntwo\n", 1, true}, // the chunk before is shared
		{"a line more in the first chunk", 10, "one\ntwo\n", 1, false},
		{"a line less", 300, "", 1, true},
		{"whole chunks less", 0, "", 2 * chunkSize, true},
		{"everything replaced", 0, "only\n", 5*chunkSize + 3, false},
		{"at the end", 5*chunkSize + 3, "tail\n", 0, true},
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

		b := NewFileBuilder(src, 0)
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

		shared := false
		for _, gc := range got.chunks {
			for _, pc := range prev.chunks {
				if len(gc.lines) > 0 && &gc.lines[0] == &pc.lines[0] {
					shared = true
				}
			}
		}
		if shared != c.wantShared {
			t.Errorf("%s: shares a chunk of the old version: %v, want %v", c.name, shared, c.wantShared)
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
		}
	}
}
