package analysis

import (
	"iter"
	"math"
	"slices"
)

// The line table of a File is cut into chunks of lines. A new version of a file made by
// an edit shares every chunk but the edited one with the version before: at 100,000
// lines a keystroke then copies 32 KB of trees instead of 12.8 MB, and leaves that little
// garbage behind. Chunks vary in size, so that an edit which adds or removes lines (Enter)
// shares the chunks after it too, which hold the same lines under new numbers.

const (
	chunkSize = 256 // lines per chunk of a parse
	// maxChunkLines bounds a chunk that edits grew: a chunk that gains a line becomes one
	// chunk of 257 rather than 256 and one, which would leave a line over at every chunk
	// after it.
	maxChunkLines = 2 * chunkSize
	// minChunkLines is the fewest lines of a chunk but the last. A block of blockLines
	// lines then spans two chunks at most, which is what lets Line find a line's chunk with
	// a table lookup and one comparison.
	minChunkLines = 64
	blockShift    = 6
	blockLines    = 1 << blockShift
)

// lineChunk holds consecutive lines. Its slices are never changed once the chunk is
// built, so versions share them; only first and base, the number and offset of the
// chunk's first line, differ between versions that moved the chunk.
type lineChunk struct {
	first  int
	base   int
	lines  []Line
	starts []int // relative to base
	// diagLines lists the lines with findings of the single-line rules, with those
	// findings: a file's findings read these, not every line's tree, which for a messy
	// file of 100,000 lines was the largest part of making them.
	diagLines []diagLine
	// ruleCounts counts the findings of diagLines by rule: a count of a file's findings
	// by severity, asked on each keystroke, reads a chunk's few rules rather than the
	// 47,000 findings of a messy file.
	ruleCounts []RuleCount
}

// RuleCount is how many findings of one rule a part of a file has.
type RuleCount struct {
	Rule string
	N    int
}

// addDiags counts a line's findings into the chunk's, which is being built.
func (c *lineChunk) addDiags(at int, diags []LineDiag) {
	c.diagLines = append(c.diagLines, diagLine{int32(at), diags})
	c.countRules(diags)
}

func (c *lineChunk) countRules(diags []LineDiag) {
	for _, d := range diags {
		i := slices.IndexFunc(c.ruleCounts, func(rc RuleCount) bool { return rc.Rule == d.Rule })
		if i < 0 {
			c.ruleCounts = append(c.ruleCounts, RuleCount{Rule: d.Rule})
			i = len(c.ruleCounts) - 1
		}
		c.ruleCounts[i].N++
	}
}

// head returns a chunk of c's first m lines, sharing c's trees and starts, moved to
// line first and delta bytes later.
func (c *lineChunk) head(m, first, delta int) lineChunk {
	h := lineChunk{first: first, base: c.base + delta, lines: c.lines[:m:m], starts: c.starts[:m:m]}
	if m == len(c.lines) {
		h.diagLines, h.ruleCounts = slices.Clip(c.diagLines), slices.Clip(c.ruleCounts)
		return h
	}
	k, _ := slices.BinarySearchFunc(c.diagLines, int32(m), func(d diagLine, at int32) int { return int(d.at - at) })
	h.diagLines = c.diagLines[:k:k]
	for _, d := range h.diagLines {
		h.countRules(d.diags)
	}
	return h
}

// diagLine is a line of a chunk, by its place there, and its findings.
type diagLine struct {
	at    int32
	diags []LineDiag
}

// NumLines returns the number of lines.
func (f *File) NumLines() int { return f.n }

// chunkOf returns the chunk holding line i and i's place in it.
func (f *File) chunkOf(i int) (*lineChunk, int) {
	k := int(f.blocks[i>>blockShift])
	c := &f.chunks[k]
	if j := i - c.first; j < len(c.lines) {
		return c, j
	}
	c = &f.chunks[k+1]
	return c, i - c.first
}

// Line returns line i. The tree is shared with other versions of the file: read it,
// never change it.
func (f *File) Line(i int) *Line {
	c, j := f.chunkOf(i)
	return &c.lines[j]
}

// Start returns the offset at which line i begins.
func (f *File) Start(i int) int {
	c, j := f.chunkOf(i)
	return c.base + c.starts[j]
}

// LineAt returns the index of the line containing offset (the last line at or before it).
func (f *File) LineAt(offset int) int {
	lo, hi := 0, len(f.chunks)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if f.chunks[m].base <= offset {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return -1
	}
	c := &f.chunks[lo-1]
	rel := offset - c.base
	l, h := 0, len(c.starts)
	for l < h {
		m := int(uint(l+h) >> 1)
		if c.starts[m] <= rel {
			l = m + 1
		} else {
			h = m
		}
	}
	return c.first + l - 1
}

// indexBlocks makes the table of the chunk that holds the first line of each block.
func (f *File) indexBlocks() {
	f.blocks = make([]int32, (f.n+blockLines-1)>>blockShift)
	k := 0
	for b := range f.blocks {
		line := b << blockShift
		for line >= f.chunks[k].first+len(f.chunks[k].lines) {
			k++
		}
		f.blocks[b] = int32(k)
	}
}

// LineText returns the content of line i without its line end.
func (f *File) LineText(i int) []byte {
	s := f.Start(i)
	return f.Text.Slice(s, s+int(f.Line(i).Len))
}

// LineSpan returns the file span of line i without its line end.
func (f *File) LineSpan(i int) Span {
	s := f.Start(i)
	return Span{Start: s, End: s + int(f.Line(i).Len)}
}

// A FileBuilder assembles a File from parsed lines and from runs of lines of an earlier
// version, sharing the earlier version's chunks that a run covers whole.
type FileBuilder struct {
	f       *File
	expect  int  // the lines the caller expects in all, 0 when it cannot tell
	open    bool // the last chunk is the builder's own and takes more lines
	editing bool // lines of an earlier version were copied
}

// NewFileBuilder starts a File over src, whose byte order mark takes bom bytes.
func NewFileBuilder(src Text, bom int) *FileBuilder {
	return &FileBuilder{f: &File{Text: src, BOM: bom}}
}

// Expect says about how many lines the File will have in all, so that each chunk is
// made the size it will have: a 100-line file grown by doubling took 128 lines of room,
// and left 127 lines of garbage behind. Too few or too many only costs memory.
func (b *FileBuilder) Expect(lines int) { b.expect = lines }

// Add appends a line that begins at offset start.
func (b *FileBuilder) Add(start int, l Line) {
	limit := chunkSize
	if b.editing {
		limit = maxChunkLines // the chunk an edit changed, between shared ones
	}
	b.add(start, l, limit)
}

// add appends a line to the builder's chunk, or to a new one when that chunk holds limit
// lines.
func (b *FileBuilder) add(start int, l Line, limit int) {
	f := b.f
	if !b.open || len(f.chunks[len(f.chunks)-1].lines) >= limit {
		c := lineChunk{first: f.n, base: start}
		room := 0 // a first chunk of unknown size grows from small: a single line stays cheap
		switch {
		case b.expect > f.n:
			room = min(chunkSize, b.expect-f.n)
		case f.n > 0: // a file of more than one chunk: this one will most likely fill up
			room = chunkSize
		}
		if room > 0 {
			c.lines, c.starts = make([]Line, 0, room), make([]int, 0, room)
		}
		f.chunks = append(f.chunks, c)
		b.open = true
	}
	c := &f.chunks[len(f.chunks)-1]
	c.lines = append(c.lines, l)
	c.starts = append(c.starts, start-c.base)
	if d := l.Diags(); len(d) > 0 {
		c.addDiags(len(c.lines)-1, d)
	}
	f.n++
}

// Copy appends lines [from, to) of prev, each beginning delta bytes later than it did
// there. A chunk of prev that the run covers whole is shared, and so are the first lines
// of one that the run covers from its start, when they are minChunkLines or more: typing
// on the last line of a file had it copy the 200 lines before it at every keystroke. The
// other lines of a chunk the run covers in part are copied into the builder's chunk, and
// so are those of a whole one that follows fewer than minChunkLines lines of the
// builder's: with them they make one chunk, where alone they would be a small one, and a
// table of small chunks could not be looked up in one step.
func (b *FileBuilder) Copy(prev *File, from, to, delta int) {
	b.editing = true
	f := b.f
	if f.chunks == nil {
		// About as many chunks as prev: grown by doubling, the table of a 100,000-line
		// file's 390 chunks was allocated twice over on each keystroke.
		f.chunks = make([]lineChunk, 0, len(prev.chunks)+2)
	}
	for i := from; i < to; {
		c, j := prev.chunkOf(i)
		n := len(c.lines)
		if m := min(n, to-i); j == 0 && m >= minChunkLines {
			openLines := 0
			if b.open {
				openLines = len(f.chunks[len(f.chunks)-1].lines)
			}
			if openLines == 0 || openLines >= minChunkLines {
				f.chunks = append(f.chunks, c.head(m, f.n, delta))
				f.n += m
				i += m
				b.open = false
				continue
			}
		}
		if j == 0 && i+n <= to && n >= minChunkLines {
			for k := range n {
				b.add(c.base+c.starts[k]+delta, c.lines[k], math.MaxInt)
			}
			i += n
			continue
		}
		b.Add(c.base+c.starts[j]+delta, c.lines[j])
		i++
	}
}

// File returns the assembled File. The builder must not be used after.
func (b *FileBuilder) File() *File {
	f := b.f
	b.f = nil
	f.indexBlocks()
	return f
}

// newFileSized makes a File of n lines whose trees and starts the caller fills in with
// setLine, then calls rebase.
func newFileSized(src Text, bom, n int) *File {
	f := &File{Text: src, BOM: bom, n: n}
	lines := make([]Line, n)
	starts := make([]int, n)
	for at := 0; at < n; at += chunkSize {
		end := min(at+chunkSize, n)
		f.chunks = append(f.chunks, lineChunk{first: at, lines: lines[at:end:end], starts: starts[at:end:end]})
	}
	return f
}

// setLine stores line i, which begins at offset start, in a File from newFileSized.
func (f *File) setLine(i, start int, l Line) {
	c := &f.chunks[i/chunkSize] // the chunks of newFileSized are all full but the last
	c.lines[i%chunkSize] = l
	c.starts[i%chunkSize] = start
}

// rebase turns the absolute starts setLine stored into starts relative to each chunk,
// and makes the File ready to read.
func (f *File) rebase() {
	defer f.indexBlocks()
	for k := range f.chunks {
		c := &f.chunks[k]
		c.base = c.starts[0]
		for j := range c.starts {
			c.starts[j] -= c.base
			if d := c.lines[j].Diags(); len(d) > 0 {
				c.addDiags(j, d)
			}
		}
	}
}

// RuleCounts yields counts of the findings of the single-line rules by rule, a rule
// once or more: the sum of a rule's counts is the number of its findings.
func (f *File) RuleCounts() iter.Seq[RuleCount] {
	return func(yield func(RuleCount) bool) {
		for k := range f.chunks {
			for _, rc := range f.chunks[k].ruleCounts {
				if !yield(rc) {
					return
				}
			}
		}
	}
}

// DiagLines yields, in order, the lines that have findings of the single-line rules,
// with their findings.
func (f *File) DiagLines() iter.Seq2[int, []LineDiag] { return f.DiagLinesFrom(0) }

// DiagLinesFrom is DiagLines from line from on: the chunks before it are not read.
func (f *File) DiagLinesFrom(from int) iter.Seq2[int, []LineDiag] {
	return func(yield func(int, []LineDiag) bool) {
		if from >= f.n {
			return
		}
		first := 0
		if from > 0 {
			first = int(f.blocks[from>>blockShift])
		}
		for k := first; k < len(f.chunks); k++ {
			c := &f.chunks[k]
			for _, d := range c.diagLines {
				if i := c.first + int(d.at); i >= from && !yield(i, d.diags) {
					return
				}
			}
		}
	}
}
