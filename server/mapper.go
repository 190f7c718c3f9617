package server

import (
	"bytes"
	"fmt"
	"sort"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/analysis"
)

// A Mapper converts between byte offsets in one text and LSP positions (line, and a column
// in UTF-16 code units or, when the client chose the utf-8 position encoding, in bytes),
// the only place in the server that does so. Lines end at "\n", "\r\n" or a lone
// "\r", as LSP defines. Bytes that are not valid UTF-8 count as one code unit each, as they
// do once an editor has decoded them to U+FFFD. A leading byte order mark takes no column:
// editors drop it from the text they show and send. Bad input is an error, never a panic.
//
// The text is held in chunks (analysis.Text), and so is the line table: an edit copies
// the chunk it touches and that chunk's line starts, and shares the rest with the version
// before.
//
// A Mapper is immutable and safe for concurrent use.
type Mapper struct {
	text analysis.Text
	// lines holds the lines that begin in each chunk of the text, in order; an empty text
	// has one entry, its one empty line.
	lines []chunkLines
	// ascii is true when every byte is below 0x80, so UTF-16 columns equal byte columns.
	ascii bool
	enc   PositionEncoding
}

// chunkLines are the lines that begin in one chunk of a text. A chunk begins a line (the
// first one after the byte order mark), so none is empty.
type chunkLines struct {
	at     int     // the chunk's offset in the text
	first  int     // the number of its first line
	starts []int32 // where its lines begin, from the chunk's start; shared between versions
}

// PositionEncoding is how a position's character counts: the LSP 3.17 names.
type PositionEncoding string

const (
	UTF16 PositionEncoding = "utf-16" // code units of UTF-16: every client understands it
	UTF8  PositionEncoding = "utf-8"  // bytes: no conversion, for clients that offer it
)

// chooseEncoding picks utf-8 when the client offers it (general.positionEncodings), else
// UTF-16, the encoding every client must support.
func chooseEncoding(offered []string) PositionEncoding {
	for _, e := range offered {
		if PositionEncoding(e) == UTF8 {
			return UTF8
		}
	}
	return UTF16
}

// NewMapper builds the line table of content, which the Mapper keeps without copying;
// columns are UTF-16 code units.
func NewMapper(content []byte) *Mapper { return NewMapperEncoding(content, UTF16) }

// NewMapperEncoding is NewMapper with columns in enc.
func NewMapperEncoding(content []byte, enc PositionEncoding) *Mapper {
	return NewMapperText(analysis.NewText(content), enc)
}

// NewMapperText is NewMapperEncoding over a text in chunks.
func NewMapperText(t analysis.Text, enc PositionEncoding) *Mapper {
	m := &Mapper{text: t, lines: make([]chunkLines, 0, max(1, t.Chunks())), ascii: true, enc: enc}
	line := 0
	for k := range t.Chunks() {
		cl, ascii := scanChunk(t, k)
		cl.first = line
		line += len(cl.starts)
		m.ascii = m.ascii && ascii
		m.lines = append(m.lines, cl)
	}
	if len(m.lines) == 0 {
		m.lines = append(m.lines, chunkLines{starts: []int32{0}})
	}
	return m
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// scanChunk finds the lines that begin in chunk k of t, and whether its bytes are all
// below 0x80. Whether offset q starts a line depends only on the bytes at q-1 and q, and
// every chunk but the last ends in a line feed, so a chunk is scanned on its own.
func scanChunk(t analysis.Text, k int) (chunkLines, bool) {
	b, at := t.Chunk(k)
	last := k == t.Chunks()-1
	from, ascii := 0, true
	if k == 0 && bytes.HasPrefix(b, bom) {
		from, ascii = len(bom), false
	}
	// The table is sized by the line ends, counted first: a guess of a line per 32 bytes
	// left three quarters of it unused at a hundred bytes a line, 13 MB of the live heap
	// after notesls-bench's probes at a million lines in 1,000 files. A CRLF counts twice.
	ends := bytes.Count(b, []byte{'\n'}) + bytes.Count(b, []byte{'\r'})
	starts := make([]int32, 1, 1+ends)
	starts[0] = int32(from)
	for i := from; i < len(b); i++ {
		switch c := b[i]; {
		case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
			i++
			fallthrough
		case c == '\n' || c == '\r':
			// The start after the chunk's last byte is the next chunk's own, or the
			// empty last line of the text.
			if i+1 < len(b) || last {
				starts = append(starts, int32(i+1))
			}
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return chunkLines{at: at, starts: starts}, ascii
}

// Splice returns a mapper over the content with span replaced by text. Only the chunks
// the edit touches are copied and scanned; the others, and their line starts, are shared
// with m, so a keystroke in a large file costs a chunk, not the file.
func (m *Mapper) Splice(span analysis.Span, text string) *Mapper {
	t, ch := m.text.Splice(span.Start, span.End, text)
	if m.text.Chunks() == 0 {
		n := NewMapperText(t, m.enc)
		n.ascii = n.ascii && m.ascii
		return n
	}
	lines := make([]chunkLines, 0, max(1, t.Chunks()))
	lines = append(lines, m.lines[:ch.From]...)
	line := 0
	if ch.From > 0 {
		line = lines[ch.From-1].first + len(lines[ch.From-1].starts)
	}
	for k := ch.From; k < ch.To; k++ {
		cl, _ := scanChunk(t, k)
		cl.first = line
		line += len(cl.starts)
		lines = append(lines, cl)
	}
	delta := t.Len() - m.text.Len()
	for _, cl := range m.lines[ch.OldTo:] {
		cl.at += delta
		cl.first = line
		line += len(cl.starts)
		lines = append(lines, cl)
	}
	if last := len(lines) - 1; last >= 0 && last < ch.From {
		// The edit took away the chunks after this one, which is the last now: the empty
		// line after its final line end, which the next chunk's start was, is its own.
		cl, _ := scanChunk(t, last)
		cl.first = lines[last].first
		lines[last] = cl
	}
	if len(lines) == 0 {
		lines = append(lines, chunkLines{starts: []int32{0}})
	}
	return &Mapper{text: t, lines: lines, ascii: m.ascii && isASCII(text), enc: m.enc}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// over returns a mapper over t, which holds the same bytes as m's text: it shares m's
// line table when t is cut in the same chunks, and builds its own when not.
func (m *Mapper) over(t analysis.Text) *Mapper {
	if t.Chunks() != m.text.Chunks() {
		return NewMapperText(t, m.enc)
	}
	for k := range t.Chunks() {
		if _, at := t.Chunk(k); at != m.lines[k].at {
			return NewMapperText(t, m.enc)
		}
	}
	return &Mapper{text: t, lines: m.lines, ascii: m.ascii, enc: m.enc}
}

// Text returns the text the Mapper was built on.
func (m *Mapper) Text() analysis.Text { return m.text }

// Content returns the text the Mapper was built on in one slice: a copy for a text that
// edits made, which Text spares.
func (m *Mapper) Content() []byte { return m.text.Bytes() }

// LineCount reports the number of lines; a text ending in a line end has an empty last line.
func (m *Mapper) LineCount() int {
	last := m.lines[len(m.lines)-1]
	return last.first + len(last.starts)
}

// lineStart returns the offset at which line begins.
func (m *Mapper) lineStart(line int) int {
	k, j := m.lineChunk(line)
	return m.lines[k].at + int(m.lines[k].starts[j])
}

// lineChunk returns the chunk in which line begins, and the line's place among the
// chunk's.
func (m *Mapper) lineChunk(line int) (k, j int) {
	k = sort.Search(len(m.lines), func(k int) bool { return m.lines[k].first > line }) - 1
	return k, line - m.lines[k].first
}

// offsetChunk returns the chunk holding the line that holds offset (the last line that
// begins at or before it, or the first line for an offset inside the byte order mark),
// and the line's place among the chunk's.
func (m *Mapper) offsetChunk(offset int) (k, j int) {
	// Two binary searches, written out: a file's findings convert two offsets each, and
	// sort.Search's closure calls were a third of it.
	lo, hi := 0, len(m.lines)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m.lines[mid].at > offset {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	k = max(0, lo-1)
	cl := &m.lines[k]
	rel := int32(offset - cl.at)
	lo, hi = 0, len(cl.starts)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if cl.starts[mid] > rel {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return k, max(0, lo-1)
}

// lineOf returns the line holding offset.
func (m *Mapper) lineOf(offset int) int {
	k, j := m.offsetChunk(offset)
	return m.lines[k].first + j
}

// lineIn returns line j of chunk k: its number, its byte range without its line end, and
// its bytes, a slice of the chunk, which holds every line that begins in it whole.
func (m *Mapper) lineIn(k, j int) (line, start, end int, text []byte) {
	cl := &m.lines[k]
	line = cl.first + j
	if m.text.Chunks() == 0 {
		return line, 0, 0, nil
	}
	b, _ := m.text.Chunk(k)
	s, e := int(cl.starts[j]), len(b)
	if j+1 < len(cl.starts) {
		e = int(cl.starts[j+1])
	}
	// The line's end: a line ends before the next one begins, or with its chunk, which
	// ends in a line feed, or the text.
	if e > s && b[e-1] == '\n' {
		e--
	}
	if e > s && b[e-1] == '\r' {
		e--
	}
	return line, cl.at + s, cl.at + e, b[s:e]
}

// lineBounds returns the byte range of line without its line end.
func (m *Mapper) lineBounds(line int) (start, end int) {
	_, start, end, _ = m.lineIn(m.lineChunk(line))
	return start, end
}

// wholeLines widens a span to the lines it touches, line ends included: from the start of
// its first line to the start of the line after its last. A span ending at the very start
// of a line does not touch that line.
func (m *Mapper) wholeLines(s analysis.Span) (start, end int) {
	first := m.lineOf(s.Start)
	last := first
	if s.End > s.Start {
		last = max(first, m.lineOf(s.End-1))
	}
	start = m.lineStart(first)
	if first == 0 {
		start = 0 // a byte order mark belongs to the first line
	}
	end = m.text.Len()
	if last+1 < m.LineCount() {
		end = m.lineStart(last + 1)
	}
	return start, end
}

// OffsetPosition converts a byte offset to an LSP position. An offset between the "\r" and
// "\n" of a line end maps to the end of that line.
func (m *Mapper) OffsetPosition(offset int) (protocol.Position, error) {
	p, _, _, _, err := m.offsetPosition(offset)
	return p, err
}

// offsetPosition is OffsetPosition, which also returns the byte range of the line and
// its bytes.
func (m *Mapper) offsetPosition(offset int) (p protocol.Position, start, end int, text []byte, err error) {
	if offset < 0 || offset > m.text.Len() {
		return protocol.Position{}, 0, 0, nil, fmt.Errorf("offset %d out of range [0, %d]", offset, m.text.Len())
	}
	line, start, end, text := m.lineIn(m.offsetChunk(offset))
	if offset < start {
		offset = start // inside the byte order mark
	}
	if offset > end {
		offset = end // inside the line end
	}
	if m.insideRune(text, offset-start) {
		return protocol.Position{}, 0, 0, nil, fmt.Errorf("offset %d is inside a UTF-8 sequence", offset)
	}
	col := offset - start
	if m.enc != UTF8 && !m.ascii {
		col = utf16Len(text[:offset-start])
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}, start, end, text, nil
}

// insideRune reports whether byte i of a line lies inside a multi-byte sequence: an
// error, unless the bytes there are not valid UTF-8 (then every byte stands alone).
func (m *Mapper) insideRune(text []byte, i int) bool {
	if m.ascii || i <= 0 || i >= len(text) || utf8.RuneStart(text[i]) {
		return false
	}
	rs := runeStartBefore(text, i)
	r, size := utf8.DecodeRune(text[rs:])
	return rs+size > i && (r != utf8.RuneError || size > 1)
}

// positionsInLine converts ascending offsets that all lie on one line, counting each
// column on from the one before: a long line's many tokens cost one pass, not one each.
func (m *Mapper) positionsInLine(offsets []int) ([]protocol.Position, error) {
	out := make([]protocol.Position, len(offsets))
	if len(offsets) == 0 {
		return out, nil
	}
	p, err := m.OffsetPosition(offsets[0])
	if err != nil {
		return nil, err
	}
	out[0] = p
	for i := 1; i < len(offsets); i++ {
		from, to := offsets[i-1], offsets[i]
		if to < from || to > m.text.Len() {
			return nil, fmt.Errorf("offsets %d then %d: not ascending in the text", from, to)
		}
		cols := to - from
		if m.enc != UTF8 && !m.ascii {
			cols = utf16Len(m.text.Slice(from, to))
		}
		p.Character += uint32(cols)
		out[i] = p
	}
	return out, nil
}

// runeStartBefore finds the start of the rune of line that holds offset.
func runeStartBefore(line []byte, offset int) int {
	i := offset
	for i > 0 && offset-i < utf8.UTFMax && !utf8.RuneStart(line[i]) {
		i--
	}
	return i
}

// PositionOffset converts an LSP position to a byte offset. A character past the end of
// its line means the line's end, as the protocol specifies; a line past the last one, or a
// character inside a surrogate pair, is an error.
func (m *Mapper) PositionOffset(p protocol.Position) (int, error) {
	if int64(p.Line) >= int64(m.LineCount()) {
		return 0, fmt.Errorf("line %d out of range [0, %d)", p.Line, m.LineCount())
	}
	_, start, end, text := m.lineIn(m.lineChunk(int(p.Line)))
	want := int(p.Character)
	if m.ascii || m.enc == UTF8 {
		if want >= end-start {
			return end, nil
		}
		if !m.ascii && !utf8.RuneStart(text[want]) {
			// Inside a multi-byte sequence, unless the bytes there are not valid UTF-8.
			rs := runeStartBefore(text, want)
			if r, size := utf8.DecodeRune(text[rs:]); rs+size > want && (r != utf8.RuneError || size > 1) {
				return 0, fmt.Errorf("character %d of line %d is inside a UTF-8 sequence", want, p.Line)
			}
		}
		return start + want, nil
	}
	col := 0
	for i := start; i < end; {
		if col == want {
			return i, nil
		}
		r, size := utf8.DecodeRune(text[i-start:])
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if col+n > want {
			return 0, fmt.Errorf("character %d of line %d is inside a surrogate pair", want, p.Line)
		}
		col += n
		i += size
	}
	return end, nil // at or past the line's end
}

// SpanRange converts a byte span to an LSP range.
func (m *Mapper) SpanRange(s analysis.Span) (protocol.Range, error) {
	if s.Start > s.End {
		return protocol.Range{}, fmt.Errorf("span [%d, %d) ends before it starts", s.Start, s.End)
	}
	start, lineStart, lineEnd, text, err := m.offsetPosition(s.Start)
	if err != nil {
		return protocol.Range{}, err
	}
	// Most spans end on the line they start on: the end counts on from the start.
	if from := max(s.Start, lineStart); s.End >= from && s.End <= lineEnd && !m.insideRune(text, s.End-lineStart) {
		end := start
		if m.enc != UTF8 && !m.ascii {
			end.Character += uint32(utf16Len(text[from-lineStart : s.End-lineStart]))
		} else {
			end.Character += uint32(s.End - from)
		}
		return protocol.Range{Start: start, End: end}, nil
	}
	end, err := m.OffsetPosition(s.End)
	if err != nil {
		return protocol.Range{}, err
	}
	return protocol.Range{Start: start, End: end}, nil
}

// ClampedRangeSpan is RangeSpan for a range that says "this much of the document": a
// line past the last one means the end of the text, as clients send for "everything".
func (m *Mapper) ClampedRangeSpan(r protocol.Range) (analysis.Span, error) {
	r, _ = m.clampRange(r)
	return m.RangeSpan(r)
}

// clampRange moves the ends of r that lie on a line past the last one to the end of the
// text, and reports whether it moved any.
func (m *Mapper) clampRange(r protocol.Range) (protocol.Range, bool) {
	last := uint32(m.LineCount() - 1)
	if r.Start.Line <= last && r.End.Line <= last {
		return r, false
	}
	_, end := m.lineBounds(int(last))
	endPos, err := m.OffsetPosition(end)
	if err != nil {
		return r, false // cannot happen: the end of the text is a position
	}
	if r.End.Line > last {
		r.End = endPos
	}
	if r.Start.Line > last {
		r.Start = endPos
	}
	return r, true
}

// RangeSpan converts an LSP range to a byte span.
func (m *Mapper) RangeSpan(r protocol.Range) (analysis.Span, error) {
	start, err := m.PositionOffset(r.Start)
	if err != nil {
		return analysis.Span{}, err
	}
	end, err := m.PositionOffset(r.End)
	if err != nil {
		return analysis.Span{}, err
	}
	if end < start {
		return analysis.Span{}, fmt.Errorf("range %d:%d-%d:%d ends before it starts",
			r.Start.Line, r.Start.Character, r.End.Line, r.End.Character)
	}
	return analysis.Span{Start: start, End: end}, nil
}

// utf16Len counts the UTF-16 code units of b; an invalid byte counts as one.
func utf16Len(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		i += size
	}
	return n
}
