package server

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
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
// A Mapper is immutable and safe for concurrent use.
type Mapper struct {
	content []byte
	// lineStart holds the byte offset at which each line begins; lineStart[0] is 0.
	lineStart []int
	// ascii is true when every byte is below 0x80, so UTF-16 columns equal byte columns.
	ascii bool
	enc   PositionEncoding
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
	// The table is sized by the line ends, counted first: the guess of a line per 32 bytes
	// it replaced left three quarters of it unused at a hundred bytes a line: 13 MB of
	// the live heap after notesls-bench's probes at a million lines in 1,000 files, room
	// the collector lacks. A CRLF counts
	// twice, at most doubling the table of a file of them.
	ends := bytes.Count(content, []byte{'\n'}) + bytes.Count(content, []byte{'\r'})
	m := &Mapper{content: content, lineStart: make([]int, 1, 1+ends), enc: enc}
	ascii := true
	if bytes.HasPrefix(content, bom) {
		m.lineStart[0] = len(bom)
		ascii = false
	}
	for i := m.lineStart[0]; i < len(content); i++ {
		switch c := content[i]; {
		case c == '\n':
			m.lineStart = append(m.lineStart, i+1)
		case c == '\r':
			if i+1 < len(content) && content[i+1] == '\n' {
				i++
			}
			m.lineStart = append(m.lineStart, i+1)
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	m.ascii = ascii
	return m
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// Splice returns a mapper over the content with span replaced by text. Only the lines the
// edit touches are scanned; the line table elsewhere is kept or shifted, so a keystroke in
// a large file costs a copy, not a rescan. Whether offset q starts a line depends only on
// the bytes at q-1 and q, which is what bounds the rescan.
func (m *Mapper) Splice(span analysis.Span, text string) *Mapper {
	return m.spliceInto(nil, span, text)
}

// spliceInto is Splice that builds the new content and line table in room, when they
// fit: buffers allocated ahead of the edit, off its path.
func (m *Mapper) spliceInto(room *spliceRoom, span analysis.Span, text string) *Mapper {
	old := m.content
	s, e := span.Start, span.End
	var content []byte
	if size := len(old) - (e - s) + len(text); room != nil && cap(room.content) >= size {
		content = room.content[:0]
	} else {
		content = make([]byte, 0, size)
	}
	content = append(content, old[:s]...)
	content = append(content, text...)
	content = append(content, old[e:]...)
	if s <= len(bom) {
		return NewMapperEncoding(content, m.enc) // the byte order mark may come or go
	}
	delta := len(text) - (e - s)
	keep := sort.SearchInts(m.lineStart, s) // line starts before s stay
	after := sort.SearchInts(m.lineStart, e+1)
	var starts []int
	if size := len(m.lineStart) + strings.Count(text, "\n") + strings.Count(text, "\r"); room != nil && cap(room.starts) >= size {
		starts = room.starts[:0]
	} else {
		starts = make([]int, 0, size)
	}
	starts = append(starts, m.lineStart[:keep]...)
	for q := s; q <= s+len(text) && q <= len(content); q++ {
		if isLineStart(content, q) {
			starts = append(starts, q)
		}
	}
	for _, p := range m.lineStart[after:] {
		starts = append(starts, p+delta)
	}
	return &Mapper{content: content, lineStart: starts, ascii: m.ascii && isASCII(text), enc: m.enc}
}

// isLineStart reports whether offset q of c begins a line.
func isLineStart(c []byte, q int) bool {
	if q == 0 {
		return false
	}
	switch c[q-1] {
	case '\n':
		return true
	case '\r':
		return q == len(c) || c[q] != '\n'
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// over returns a mapper over content, which holds the same bytes as m's: it shares m's
// line table.
func (m *Mapper) over(content []byte) *Mapper {
	return &Mapper{content: content, lineStart: m.lineStart, ascii: m.ascii, enc: m.enc}
}

// Content returns the text the Mapper was built on.
func (m *Mapper) Content() []byte { return m.content }

// LineCount reports the number of lines; a text ending in a line end has an empty last line.
func (m *Mapper) LineCount() int { return len(m.lineStart) }

// lineBounds returns the byte range of line without its line end.
func (m *Mapper) lineBounds(line int) (start, end int) {
	start = m.lineStart[line]
	if line+1 < len(m.lineStart) {
		end = m.lineStart[line+1]
		if end > start && m.content[end-1] == '\n' {
			end--
		}
		if end > start && m.content[end-1] == '\r' {
			end--
		}
	} else {
		end = len(m.content)
	}
	return start, end
}

// wholeLines widens a span to the lines it touches, line ends included: from the start of
// its first line to the start of the line after its last. A span ending at the very start
// of a line does not touch that line.
func (m *Mapper) wholeLines(s analysis.Span) (start, end int) {
	first := max(0, sort.Search(len(m.lineStart), func(i int) bool { return m.lineStart[i] > s.Start })-1)
	last := first
	if s.End > s.Start {
		last = max(first, sort.Search(len(m.lineStart), func(i int) bool { return m.lineStart[i] >= s.End })-1)
	}
	start = m.lineStart[first]
	if first == 0 {
		start = 0 // a byte order mark belongs to the first line
	}
	end = len(m.content)
	if last+1 < len(m.lineStart) {
		end = m.lineStart[last+1]
	}
	return start, end
}

// OffsetPosition converts a byte offset to an LSP position. An offset between the "\r" and
// "\n" of a line end maps to the end of that line.
func (m *Mapper) OffsetPosition(offset int) (protocol.Position, error) {
	if offset < 0 || offset > len(m.content) {
		return protocol.Position{}, fmt.Errorf("offset %d out of range [0, %d]", offset, len(m.content))
	}
	line := max(0, sort.Search(len(m.lineStart), func(i int) bool { return m.lineStart[i] > offset })-1)
	start, end := m.lineBounds(line)
	if offset < start {
		offset = start // inside the byte order mark
	}
	if offset > end {
		offset = end // inside the line end
	}
	if offset < len(m.content) && offset > start && !utf8.RuneStart(m.content[offset]) && !m.ascii {
		// An offset inside a multi-byte sequence is an error, unless the bytes there are
		// not valid UTF-8 (then every byte stands alone).
		rs := m.runeStartBefore(offset, start)
		r, size := utf8.DecodeRune(m.content[rs:])
		if rs+size > offset && (r != utf8.RuneError || size > 1) {
			return protocol.Position{}, fmt.Errorf("offset %d is inside a UTF-8 sequence", offset)
		}
	}
	col := offset - start
	if m.enc != UTF8 && !m.ascii {
		col = utf16Len(m.content[start:offset])
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}, nil
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
		if to < from || to > len(m.content) {
			return nil, fmt.Errorf("offsets %d then %d: not ascending in the text", from, to)
		}
		cols := to - from
		if m.enc != UTF8 && !m.ascii {
			cols = utf16Len(m.content[from:to])
		}
		p.Character += uint32(cols)
		out[i] = p
	}
	return out, nil
}

// runeStartBefore finds the start of the rune containing offset, not before min.
func (m *Mapper) runeStartBefore(offset, min int) int {
	i := offset
	for i > min && offset-i < utf8.UTFMax && !utf8.RuneStart(m.content[i]) {
		i--
	}
	return i
}

// PositionOffset converts an LSP position to a byte offset. A character past the end of
// its line means the line's end, as the protocol specifies; a line past the last one, or a
// character inside a surrogate pair, is an error.
func (m *Mapper) PositionOffset(p protocol.Position) (int, error) {
	if int64(p.Line) >= int64(len(m.lineStart)) {
		return 0, fmt.Errorf("line %d out of range [0, %d)", p.Line, len(m.lineStart))
	}
	start, end := m.lineBounds(int(p.Line))
	want := int(p.Character)
	if m.ascii || m.enc == UTF8 {
		if want >= end-start {
			return end, nil
		}
		at := start + want
		if !m.ascii && !utf8.RuneStart(m.content[at]) {
			// Inside a multi-byte sequence, unless the bytes there are not valid UTF-8.
			rs := m.runeStartBefore(at, start)
			if r, size := utf8.DecodeRune(m.content[rs:end]); rs+size > at && (r != utf8.RuneError || size > 1) {
				return 0, fmt.Errorf("character %d of line %d is inside a UTF-8 sequence", want, p.Line)
			}
		}
		return at, nil
	}
	col := 0
	for i := start; i < end; {
		if col == want {
			return i, nil
		}
		r, size := utf8.DecodeRune(m.content[i:end])
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
	start, err := m.OffsetPosition(s.Start)
	if err != nil {
		return protocol.Range{}, err
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
	last := uint32(len(m.lineStart) - 1)
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

// spliceRoom is memory for the next version of a large document, allocated after an edit
// and before the next: a keystroke in a 10 MB file then allocates nothing large. That
// matters when the heap is near its limit, where the collector makes a goroutine that
// allocates 10 MB pay with marking work first.
type spliceRoom struct {
	content []byte
	starts  []int
}

// roomFor allocates room for a version of m's text that grows by up to slack bytes and
// lines.
func roomFor(m *Mapper, slack int) *spliceRoom {
	return &spliceRoom{content: make([]byte, 0, len(m.content)+slack), starts: make([]int, 0, len(m.lineStart)+slack)}
}
