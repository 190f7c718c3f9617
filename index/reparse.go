package index

import (
	"bytes"
	"runtime"
	"unicode/utf8"

	"github.com/notesls/notesls/analysis"
)

func encodeRune(p []byte, r rune) int { return utf8.EncodeRune(p, r) }

// A lineChange says which lines an edit re-parsed: lines [From, To) of the new file took
// the place of lines [From, OldTo) of the old one; all others are the same lines.
type lineChange struct {
	From, To, OldTo int
}

// reparseRange parses src reusing the lines of prev that lie outside the changed region:
// the lines before the first differing byte and after the last one keep their trees (and
// share their chunks), so an edit costs the lines it touches. It reports the lines it
// re-parsed, or nil when it parsed the whole file.
func reparseRange(prev *analysis.File, src analysis.Text, same Unchanged) (*analysis.File, *lineChange) {
	old := prev.Text
	if prev.BOM != 0 || src.BOMLen() != 0 || prev.NumLines() == 0 {
		return parseParallel(src), nil
	}
	head := max(0, min(same.Head, old.Len(), src.Len()))
	prefix := head + analysis.CommonPrefix(old, src, head, src.Len())
	tail := max(0, min(same.Tail, old.Len()-prefix, src.Len()-prefix))
	suffix := tail + analysis.CommonSuffix(old, src, old.Len()-tail, src.Len()-tail, prefix)
	// Lines wholly before the change: those that end (with their line end) before prefix.
	// A line whose end lies at prefix may gain text, so it is re-parsed.
	keepHead := prev.LineAt(prefix)
	if keepHead < 0 {
		keepHead = 0
	}
	// Step back one more line: a CR at the end of the kept part could join a LF after it.
	if keepHead > 0 {
		keepHead--
	}
	headEnd := 0
	if keepHead > 0 {
		headEnd = prev.Start(keepHead)
	}
	// Lines wholly after the change: those starting at or after len(old)-suffix, and not
	// right after a CR that the change could join.
	oldTailStart := old.Len() - suffix
	keepTail := prev.LineAt(oldTailStart) + 1
	for keepTail < prev.NumLines() && prev.Start(keepTail) < oldTailStart+1 {
		keepTail++
	}
	delta := src.Len() - old.Len()
	b := analysis.NewFileBuilder(src, 0)
	midEnd := src.Len()
	if keepTail < prev.NumLines() {
		midEnd = prev.Start(keepTail) + delta
	}
	b.Expect(keepHead + src.CountLines(headEnd, midEnd) + prev.NumLines() - keepTail)
	b.Copy(prev, 0, keepHead, 0)
	var lp analysis.LineParser
	to := keepHead
	for start := headEnd; start < midEnd; to++ {
		end, next := src.LineEnd(start)
		b.Add(start, lp.Parse(src.Slice(start, end)))
		start = next
	}
	b.Copy(prev, keepTail, prev.NumLines(), delta)
	f := b.File()
	c := &lineChange{From: keepHead, To: to, OldTo: keepTail}
	// The lines re-parsed only because they border the change (the one before it, for a
	// CR) are not reported: their keys did not change, and reporting them would re-check
	// every finding of their topics and references in the workspace on each keystroke.
	for c.From < c.To && c.From < c.OldTo && bytes.Equal(rawLine(prev, c.From), rawLine(f, c.From)) {
		c.From++
	}
	for c.From < c.To && c.From < c.OldTo && bytes.Equal(rawLine(prev, c.OldTo-1), rawLine(f, c.To-1)) {
		c.OldTo--
		c.To--
	}
	return f, c
}

// rawLine is line i of f with its line end.
func rawLine(f *analysis.File, i int) []byte {
	end := f.Text.Len()
	if i+1 < f.NumLines() {
		end = f.Start(i + 1)
	}
	return f.Text.Slice(f.Start(i), end)
}

// parallelThreshold is the size above which a file is parsed in parts on all cores:
// below it, starting goroutines costs more than it saves.
const parallelThreshold = 4 << 20

// parseParallel parses src like analysis.Parse, on every core when it is large.
func parseParallel(src analysis.Text) *analysis.File {
	workers := runtime.GOMAXPROCS(0)
	if src.Len() < parallelThreshold || workers < 2 {
		return analysis.ParseText(src)
	}
	return analysis.ParseTextParallel(src, workers)
}
