package analysis

import (
	"bytes"
	"fmt"
	"iter"
	"sort"
)

// A Text is the immutable text of a file, held in chunks that each end just after a line
// feed (but the last, which ends the text). Every line, with its line end, then lies
// inside one chunk, so that a line's bytes are a slice of a chunk; and an edit copies
// the chunk it touches, not the file: a keystroke in a 10 MB file copied all of it and
// woke the collector every few keystrokes. Versions share the chunks an edit did not
// touch. The zero Text is empty.
type Text struct {
	chunks []textChunk
	n      int
	// whole is the text in one slice when it is at hand: the bytes NewText was given.
	// Bytes returns it at no cost; an edited text has none.
	whole []byte
}

type textChunk struct {
	at int    // the offset of b[0] in the text
	b  []byte // never changed once the chunk is made: versions share it
}

// textChunkSize is about how many bytes a chunk of a text of n bytes holds. A keystroke
// copies the chunk it types in, which holds up to twice that, and the list of chunks, 32
// bytes each; so the size grows as the square root of the text. At 10 MB it is 32 KB, a
// list of 320 chunks (10 KB). Up to 512 KB it is 4 KB: 32 KB chunks made a keystroke at
// the end of a file of 400 KB copy 48 KB on average, where the list is 3 KB.
func textChunkSize(n int) int {
	size := minTextChunk
	for size < maxTextChunk && size*size < 32*n {
		size *= 2
	}
	return size
}

const (
	minTextChunk = 4 << 10
	maxTextChunk = 32 << 10
)

// NewText returns a Text over b, which it keeps without copying: b must not be changed
// after. Cutting b costs a look for a line feed every few kilobytes.
func NewText(b []byte) Text { return NewTextSized(b, textChunkSize(len(b))) }

// NewTextSized is NewText with chunks of about size bytes: tests cut small texts small,
// so that their lines fall in many chunks.
func NewTextSized(b []byte, size int) Text {
	if len(b) == 0 {
		return Text{}
	}
	return Text{chunks: appendChunks(nil, b, 0, size), n: len(b), whole: b[:len(b):len(b)]}
}

// appendChunks appends chunks over b, whose first byte is at offset at of the text, cut
// after a line feed about every size bytes. b is shared, its pieces capped so
// that no append through one reaches the next.
func appendChunks(chunks []textChunk, b []byte, at, size int) []textChunk {
	for len(b) > 0 {
		cut := len(b)
		if len(b) > 2*size {
			if nl := bytes.IndexByte(b[size-1:], '\n'); nl >= 0 {
				cut = size + nl
			}
		}
		chunks = append(chunks, textChunk{at: at, b: b[:cut:cut]})
		b, at = b[cut:], at+cut
	}
	return chunks
}

// Len returns the number of bytes of the text.
func (t Text) Len() int { return t.n }

// chunkAt returns the index of the chunk holding offset off: the chunk that starts there
// when off is between two, and the last chunk for the end of the text.
func (t Text) chunkAt(off int) int {
	k := sort.Search(len(t.chunks), func(k int) bool { return t.chunks[k].at > off })
	return max(0, k-1)
}

// Slice returns the bytes [s, e) of the text. A span inside one chunk, which every line
// is, is a slice of it and costs nothing; a longer one is copied. Read it, never change
// it.
func (t Text) Slice(s, e int) []byte {
	if s < 0 || e > t.n || s > e {
		panic(fmt.Sprintf("analysis: slice [%d, %d) of a text of %d bytes", s, e, t.n))
	}
	if s == e {
		return nil
	}
	k := t.chunkAt(s)
	c := t.chunks[k]
	if e <= c.at+len(c.b) {
		return c.b[s-c.at : e-c.at : e-c.at]
	}
	out := make([]byte, 0, e-s)
	for ; k < len(t.chunks) && t.chunks[k].at < e; k++ {
		c := t.chunks[k]
		out = append(out, c.b[max(0, s-c.at):min(len(c.b), e-c.at)]...)
	}
	return out
}

// At returns the byte at offset i.
func (t Text) At(i int) byte {
	c := t.chunks[t.chunkAt(i)]
	return c.b[i-c.at]
}

// Bytes returns the whole text in one slice: the bytes NewText was given, or the chunk
// itself for a text of one, else a copy. Read it, never change it.
func (t Text) Bytes() []byte {
	if t.whole != nil {
		return t.whole
	}
	return t.Slice(0, t.n)
}

// String returns the text as a string.
func (t Text) String() string {
	var b bytes.Buffer
	b.Grow(t.n)
	for _, c := range t.chunks {
		b.Write(c.b)
	}
	return b.String()
}

// Chunks returns the number of chunks.
func (t Text) Chunks() int { return len(t.chunks) }

// Chunk returns chunk k and the offset of its first byte.
func (t Text) Chunk(k int) (b []byte, at int) { return t.chunks[k].b, t.chunks[k].at }

// Piece returns the bytes from offset off to the end of its chunk, none at the end of
// the text: the longest slice of the text that starts at off.
func (t Text) Piece(off int) []byte {
	if off >= t.n {
		return nil
	}
	c := t.chunks[t.chunkAt(off)]
	return c.b[off-c.at:]
}

// PieceBefore returns the bytes from the start of the chunk holding offset off-1 to off:
// the longest slice of the text that ends at off.
func (t Text) PieceBefore(off int) []byte {
	if off <= 0 {
		return nil
	}
	c := t.chunks[t.chunkAt(off-1)]
	return c.b[:off-c.at]
}

// Same reports whether t and u are the same version: the same chunks, not only the same
// bytes.
func (t Text) Same(u Text) bool {
	if t.n != u.n || len(t.chunks) != len(u.chunks) {
		return false
	}
	return len(t.chunks) == 0 || &t.chunks[0] == &u.chunks[0]
}

// BOMLen is the length of the text's byte order mark, 0 when it has none.
func (t Text) BOMLen() int {
	if bytes.HasPrefix(t.Piece(0), bom) {
		return len(bom)
	}
	return 0
}

// CountLines is the package's CountLines of bytes [from, to) of the text, counted a
// piece at a time.
func (t Text) CountLines(from, to int) int {
	n := 0
	for at := from; at < to; {
		p := t.Piece(at)
		p = p[:min(len(p), to-at)]
		n += bytes.Count(p, []byte{'\n'})
		at += len(p)
	}
	if to > from && t.At(to-1) != '\n' {
		n++
	}
	return n
}

// linesIn yields the lines that begin in chunk k, each as its offset in the text and
// its content without the line end; the first chunk's begin after the byte order mark
// of bomLen bytes. A line lies inside one chunk, so each is a slice of it.
func (t Text) linesIn(k, bomLen int) iter.Seq2[int, []byte] {
	return func(yield func(int, []byte) bool) {
		c := t.chunks[k]
		start := 0
		if k == 0 {
			start = bomLen
		}
		for start < len(c.b) {
			end, next := LineEnd(c.b, start)
			if !yield(c.at+start, c.b[start:end]) {
				return
			}
			start = next
		}
	}
}

// LineEnd is the package's LineEnd for the line of the text that begins at start.
func (t Text) LineEnd(start int) (end, next int) {
	if start >= t.n {
		return t.n, t.n
	}
	c := t.chunks[t.chunkAt(start)]
	end, next = LineEnd(c.b, start-c.at)
	return c.at + end, c.at + next
}

// A TextChange says which chunks an edit made: chunks [From, To) of the new text took the
// place of chunks [From, OldTo) of the old one; the others are the old ones, those after
// moved by the edit's change of length.
type TextChange struct {
	From, OldTo, To int
}

// Splice returns the text with bytes [s, e) replaced by ins, and the chunks it made. It
// copies the chunks that hold s and e and ins, and the list of chunks; the new text
// shares every other chunk with t.
func (t Text) Splice(s, e int, ins string) (Text, TextChange) {
	return t.spliceSized(s, e, ins, textChunkSize(t.n))
}

func (t Text) spliceSized(s, e int, ins string, chunkSize int) (Text, TextChange) {
	if s < 0 || e > t.n || s > e {
		panic(fmt.Sprintf("analysis: splice [%d, %d) of a text of %d bytes", s, e, t.n))
	}
	if len(t.chunks) == 0 {
		u := NewTextSized([]byte(ins), chunkSize)
		return u, TextChange{From: 0, OldTo: 0, To: len(u.chunks)}
	}
	from, oldTo := t.chunkAt(s), t.chunkAt(e)+1
	// The chunk holding e is copied whole even when e starts it: the bytes before the next
	// chunk must end in a line feed, and ins need not.
	head := t.chunks[from].b[:s-t.chunks[from].at]
	tail := t.chunks[oldTo-1].b[e-t.chunks[oldTo-1].at:]
	size := len(head) + len(ins) + len(tail)
	// A region that deletions left small takes the next chunk in, so that chunks do not
	// shrink to a few bytes each.
	for size < chunkSize/4 && oldTo < len(t.chunks) {
		size += len(t.chunks[oldTo].b)
		oldTo++
	}
	region := make([]byte, 0, size)
	region = append(region, head...)
	region = append(region, ins...)
	region = append(region, tail...)
	for k := t.chunkAt(e) + 1; k < oldTo; k++ {
		region = append(region, t.chunks[k].b...)
	}
	delta := len(ins) - (e - s)
	chunks := make([]textChunk, 0, len(t.chunks)-(oldTo-from)+len(region)/chunkSize+1)
	chunks = append(chunks, t.chunks[:from]...)
	chunks = appendChunks(chunks, region, t.chunks[from].at, chunkSize)
	to := len(chunks)
	for _, c := range t.chunks[oldTo:] {
		chunks = append(chunks, textChunk{at: c.at + delta, b: c.b})
	}
	if len(chunks) == 0 {
		chunks = nil
	}
	return Text{chunks: chunks, n: t.n + delta}, TextChange{From: from, OldTo: oldTo, To: to}
}
