package analysis

// The line table of a File is cut into chunks of a fixed number of lines. A new version
// of a file made by an edit within lines (typing, the common case) shares every chunk
// but the edited one with the version before: at 100,000 lines a keystroke then copies
// 32 KB of trees instead of 12.8 MB, and leaves that little garbage behind.

const (
	chunkShift = 8
	chunkSize  = 1 << chunkShift // lines per chunk
	chunkMask  = chunkSize - 1
)

// lineChunk holds up to chunkSize consecutive lines. Its slices are never changed once
// the chunk is built, so versions share them; only base, the offset of the chunk's first
// line, differs between versions that moved the chunk.
type lineChunk struct {
	base   int
	lines  []Line
	starts []int // relative to base
}

// NumLines returns the number of lines.
func (f *File) NumLines() int { return f.n }

// Line returns line i. The tree is shared with other versions of the file: read it,
// never change it.
func (f *File) Line(i int) *Line {
	return &f.chunks[i>>chunkShift].lines[i&chunkMask]
}

// Start returns the offset at which line i begins.
func (f *File) Start(i int) int {
	c := &f.chunks[i>>chunkShift]
	return c.base + c.starts[i&chunkMask]
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
	return (lo-1)<<chunkShift + l - 1
}

// LineText returns the content of line i without its line end.
func (f *File) LineText(i int) []byte {
	s := f.Start(i)
	return f.Src[s : s+int(f.Line(i).Len)]
}

// LineSpan returns the file span of line i without its line end.
func (f *File) LineSpan(i int) Span {
	s := f.Start(i)
	return Span{Start: s, End: s + int(f.Line(i).Len)}
}

// A FileBuilder assembles a File from parsed lines and from runs of lines of an earlier
// version, sharing the earlier version's chunks where the line numbers line up.
type FileBuilder struct {
	f      *File
	expect int // the lines the caller expects in all, 0 when it cannot tell
}

// NewFileBuilder starts a File over src, whose byte order mark takes bom bytes.
func NewFileBuilder(src []byte, bom int) *FileBuilder {
	return &FileBuilder{f: &File{Src: src, BOM: bom}}
}

// Expect says about how many lines the File will have in all, so that each chunk is
// made the size it will have: a 100-line file grown by doubling took 128 lines of room,
// and left 127 lines of garbage behind. Too few or too many only costs memory.
func (b *FileBuilder) Expect(lines int) { b.expect = lines }

// Add appends a line that begins at offset start.
func (b *FileBuilder) Add(start int, l Line) {
	f := b.f
	if f.n&chunkMask == 0 {
		c := lineChunk{base: start}
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
	}
	c := &f.chunks[len(f.chunks)-1]
	c.lines = append(c.lines, l)
	c.starts = append(c.starts, start-c.base)
	f.n++
}

// Copy appends lines [from, to) of prev, each beginning delta bytes later than it did
// there. Whole chunks are shared when the builder stands at a chunk boundary and from
// does too.
func (b *FileBuilder) Copy(prev *File, from, to, delta int) {
	f := b.f
	for i := from; i < to; {
		c := &prev.chunks[i>>chunkShift]
		if i&chunkMask == 0 && f.n&chunkMask == 0 && i+len(c.lines) <= to {
			f.chunks = append(f.chunks, lineChunk{base: c.base + delta, lines: c.lines, starts: c.starts})
			f.n += len(c.lines)
			i += len(c.lines)
			if len(c.lines) < chunkSize {
				// A short chunk can only be the last; anything after it must start a new one.
				f.chunks[len(f.chunks)-1].lines = c.lines[:len(c.lines):len(c.lines)]
				f.chunks[len(f.chunks)-1].starts = c.starts[:len(c.starts):len(c.starts)]
			}
			continue
		}
		b.Add(c.base+c.starts[i&chunkMask]+delta, c.lines[i&chunkMask])
		i++
	}
}

// File returns the assembled File. The builder must not be used after.
func (b *FileBuilder) File() *File {
	f := b.f
	b.f = nil
	return f
}

// newFileSized makes a File of n lines whose trees and starts the caller fills in with
// setLine, then calls rebase.
func newFileSized(src []byte, bom, n int) *File {
	f := &File{Src: src, BOM: bom, n: n}
	lines := make([]Line, n)
	starts := make([]int, n)
	for at := 0; at < n; at += chunkSize {
		end := min(at+chunkSize, n)
		f.chunks = append(f.chunks, lineChunk{lines: lines[at:end:end], starts: starts[at:end:end]})
	}
	return f
}

// setLine stores line i, which begins at offset start, in a File from newFileSized.
func (f *File) setLine(i, start int, l Line) {
	c := &f.chunks[i>>chunkShift]
	c.lines[i&chunkMask] = l
	c.starts[i&chunkMask] = start
}

// rebase turns the absolute starts setLine stored into starts relative to each chunk.
func (f *File) rebase() {
	for k := range f.chunks {
		c := &f.chunks[k]
		c.base = c.starts[0]
		for j := range c.starts {
			c.starts[j] -= c.base
		}
	}
}
