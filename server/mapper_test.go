package server

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/analysis"
)

func pos(line, char uint32) protocol.Position { return protocol.Position{Line: line, Character: char} }

func TestMapperOffsetPosition(t *testing.T) {
	tests := []struct {
		name    string
		content string
		offset  int
		want    protocol.Position
	}{
		{"start", "abc", 0, pos(0, 0)},
		{"ascii", "abc", 2, pos(0, 2)},
		{"end of text", "abc", 3, pos(0, 3)},
		{"after LF", "ab\ncd", 3, pos(1, 0)},
		{"at LF", "ab\ncd", 2, pos(0, 2)},
		{"CRLF second line", "ab\r\ncd", 5, pos(1, 1)},
		{"between CR and LF", "ab\r\ncd", 3, pos(0, 2)},
		{"lone CR", "ab\rcd", 3, pos(1, 0)},
		{"CR CR", "a\r\rb", 3, pos(2, 0)},
		{"LF CR is two line ends", "a\n\rb", 3, pos(2, 0)},
		{"empty last line", "a\n", 2, pos(1, 0)},
		{"é is one unit", "é=x", 2, pos(0, 1)},                  // é is 2 bytes
		{"CJK is one unit", "中文 x", 6, pos(0, 2)},               // 3 bytes each
		{"emoji is two units", "😀 x", 4, pos(0, 2)},             // 4 bytes, surrogate pair
		{"after emoji and é", "😀é|", 6, pos(0, 3)},              // 2 + 1 units
		{"second line after multi-byte", "é\n😀x", 7, pos(1, 2)}, // line 1 starts at 3
		{"invalid byte counts one", "\xffa", 1, pos(0, 1)},
		{"after a BOM", "\uFEFFab", 4, pos(0, 1)},
		{"at a BOM", "\uFEFFab", 0, pos(0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMapper([]byte(tt.content))
			got, err := m.OffsetPosition(tt.offset)
			if err != nil {
				t.Fatalf("OffsetPosition(%d): %v", tt.offset, err)
			}
			if got != tt.want {
				t.Errorf("OffsetPosition(%d) = %d:%d, want %d:%d", tt.offset, got.Line, got.Character, tt.want.Line, tt.want.Character)
			}
		})
	}
}

func TestMapperPositionOffset(t *testing.T) {
	tests := []struct {
		name    string
		content string
		pos     protocol.Position
		want    int
	}{
		{"start", "abc", pos(0, 0), 0},
		{"ascii", "abc", pos(0, 2), 2},
		{"past line end clamps", "abc\ndef", pos(0, 10), 3},
		{"past CRLF line end clamps", "abc\r\ndef", pos(0, 10), 3},
		{"second line CRLF", "abc\r\ndef", pos(1, 1), 6},
		{"lone CR line", "abc\rdef", pos(1, 2), 6},
		{"empty last line", "abc\n", pos(1, 0), 4},
		{"é", "é=x", pos(0, 1), 2},
		{"CJK", "中文=x", pos(0, 2), 6},
		{"after surrogate pair", "😀=x", pos(0, 2), 4},
		{"emoji on a CRLF line", "a\r\n😀😀b", pos(1, 4), 11},
		{"mixed line ends", "a\nb\r\nc\rd", pos(3, 1), 8},
		{"invalid byte is one unit", "\xff\xfeab", pos(0, 3), 3},
		{"BOM takes no column", "\uFEFFé=x", pos(0, 1), 5},
		{"BOM only at the start", "a\n\uFEFFb", pos(1, 1), 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMapper([]byte(tt.content))
			got, err := m.PositionOffset(tt.pos)
			if err != nil {
				t.Fatalf("PositionOffset(%d:%d): %v", tt.pos.Line, tt.pos.Character, err)
			}
			if got != tt.want {
				t.Errorf("PositionOffset(%d:%d) = %d, want %d", tt.pos.Line, tt.pos.Character, got, tt.want)
			}
		})
	}
}

func TestMapperErrors(t *testing.T) {
	m := NewMapper([]byte("😀é\nx"))
	for _, off := range []int{-1, 9, 100} {
		if _, err := m.OffsetPosition(off); err == nil {
			t.Errorf("OffsetPosition(%d): no error", off)
		}
	}
	for _, off := range []int{1, 2, 3, 5} { // inside 😀 (bytes 0-3) and é (4-5)
		if _, err := m.OffsetPosition(off); err == nil {
			t.Errorf("OffsetPosition(%d) inside a UTF-8 sequence: no error", off)
		}
	}
	if _, err := m.PositionOffset(pos(0, 1)); err == nil {
		t.Error("PositionOffset inside a surrogate pair: no error")
	}
	if _, err := m.PositionOffset(pos(2, 0)); err == nil {
		t.Error("PositionOffset past the last line: no error")
	}
	if _, err := m.RangeSpan(protocol.Range{Start: pos(1, 0), End: pos(0, 0)}); err == nil {
		t.Error("RangeSpan of a backwards range: no error")
	}
	if _, err := m.SpanRange(analysis.Span{Start: 3, End: 1}); err == nil {
		t.Error("SpanRange of a backwards span: no error")
	}
}

// TestMapperRoundTrip converts every rune boundary to a position and back.
func TestMapperRoundTrip(t *testing.T) {
	texts := []string{
		"",
		"plain\nascii\n",
		"é = accent\r\n中文 -- topic\r😀 emoji [[x]]\n\n",
		"a\r\r\n\n\rb😀",
		strings.Repeat("ünïcödé 😀\r\n", 5),
	}
	for _, text := range texts {
		m := NewMapper([]byte(text))
		for off := 0; off <= len(text); off++ {
			if off < len(text) && off > 0 && (text[off]&0xC0) == 0x80 {
				continue // inside a UTF-8 sequence
			}
			if off > 0 && off < len(text) && text[off-1] == '\r' && text[off] == '\n' {
				continue // between CR and LF: maps to the line end, tested above
			}
			p, err := m.OffsetPosition(off)
			if err != nil {
				t.Fatalf("%q: OffsetPosition(%d): %v", text, off, err)
			}
			back, err := m.PositionOffset(p)
			if err != nil {
				t.Fatalf("%q: PositionOffset(%v): %v", text, p, err)
			}
			if back != off {
				t.Errorf("%q: offset %d -> %d:%d -> %d", text, off, p.Line, p.Character, back)
			}
		}
	}
}

// With the utf-8 position encoding a column counts bytes: no conversion, and a column
// inside a multi-byte character is refused as a surrogate half is in UTF-16.
func TestMapperUTF8Encoding(t *testing.T) {
	tests := []struct {
		name    string
		content string
		offset  int
		want    protocol.Position
	}{
		{"é is two bytes", "é=x", 2, pos(0, 2)},
		{"CJK is three", "中文 x", 6, pos(0, 6)},
		{"emoji is four", "😀 x", 4, pos(0, 4)},
		{"second line after multi-byte", "é\n😀x", 7, pos(1, 4)},
		{"CRLF", "é\r\nb", 4, pos(1, 0)},
		{"lone CR", "é\rb", 3, pos(1, 0)},
		{"invalid byte counts one", "\xffa", 1, pos(0, 1)},
		{"after a BOM", "\uFEFFab", 4, pos(0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMapperEncoding([]byte(tt.content), UTF8)
			got, err := m.OffsetPosition(tt.offset)
			if err != nil || got != tt.want {
				t.Fatalf("OffsetPosition(%d) = %v, %v; want %v", tt.offset, got, err, tt.want)
			}
			back, err := m.PositionOffset(got)
			if err != nil || back != tt.offset {
				t.Errorf("PositionOffset(%v) = %d, %v; want %d", got, back, err, tt.offset)
			}
			// The same mapper after an edit, and after a full replacement, keeps the encoding.
			if sp := m.Splice(analysis.Span{Start: len(tt.content), End: len(tt.content)}, "é"); sp.enc != UTF8 {
				t.Errorf("Splice lost the encoding: %q", sp.enc)
			}
		})
	}
	m := NewMapperEncoding([]byte("a😀b\nc"), UTF8)
	for _, bad := range []protocol.Position{pos(0, 2), pos(0, 3), pos(0, 4)} {
		if off, err := m.PositionOffset(bad); err == nil {
			t.Errorf("PositionOffset(%v) = %d inside the emoji, want an error", bad, off)
		}
	}
	if off, err := m.PositionOffset(pos(0, 99)); err != nil || off != 6 {
		t.Errorf("past the line end: %d, %v; want 6 (the line's end)", off, err)
	}
	if got, err := applyChanges(m, []textChange{{Text: "é"}}); err != nil || got.enc != UTF8 {
		t.Errorf("a full replacement lost the encoding: %v %v", got, err)
	}
	for _, tc := range []struct {
		offered []string
		want    PositionEncoding
	}{{nil, UTF16}, {[]string{"utf-16"}, UTF16}, {[]string{"utf-32", "utf-8", "utf-16"}, UTF8}, {[]string{"utf-32"}, UTF16}} {
		if got := chooseEncoding(tc.offered); got != tc.want {
			t.Errorf("chooseEncoding(%q) = %q, want %q", tc.offered, got, tc.want)
		}
	}
}

func TestMapperRoundTripUTF8(t *testing.T) {
	text := "é = accent\r\n中文 -- topic\r😀 emoji [[x]]\n\n\xffz"
	m := NewMapperEncoding([]byte(text), UTF8)
	for off := 0; off <= len(text); off++ {
		if off < len(text) && off > 0 && (text[off]&0xC0) == 0x80 {
			continue
		}
		if off > 0 && off < len(text) && text[off-1] == '\r' && text[off] == '\n' {
			continue
		}
		p, err := m.OffsetPosition(off)
		if err != nil {
			t.Fatalf("OffsetPosition(%d): %v", off, err)
		}
		if back, err := m.PositionOffset(p); err != nil || back != off {
			t.Errorf("offset %d -> %v -> %d, %v", off, p, back, err)
		}
	}
}

// The line table is sized by the text's line ends: a table of mostly unused room, kept
// for every file a request led into, was a share of the live heap the collector works
// against.
func TestMapperLineTableSize(t *testing.T) {
	for _, content := range []string{"", "abc", "a\nb\n", "a\r\nb\r\n", "a\rb\rc", strings.Repeat("a line of notes = about forty bytes\n", 1000), "\uFEFFa\nb"} {
		m := NewMapper([]byte(content))
		lines := m.LineCount()
		room := 0
		for _, cl := range m.lines {
			room += cap(cl.starts)
		}
		if want := len(m.lines) + strings.Count(content, "\n") + strings.Count(content, "\r"); room > want {
			t.Errorf("%.20q: room for %d line starts, want at most %d", content, room, want)
		}
		if want := 1 + strings.Count(strings.ReplaceAll(content, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(content, "\r\n", ""), "\r"); lines != want {
			t.Errorf("%.20q: %d lines, want %d", content, lines, want)
		}
	}
}

// An edit that takes away the last chunks of the text leaves the chunk before them last:
// the empty line after its final line end is then its own (a fuzz crasher, 97bf0124).
func TestMapperSpliceAwayTheLastChunks(t *testing.T) {
	for _, tt := range []struct{ text, want string }{{"aaaa\nbbbb", "aaaa\n"}, {"aaaa\r\nbb\ncc", "aaaa\r\n"}, {"aaaa\rbbbb\ncc", "aaaa\rbbbb\n"}} {
		m := NewMapperText(analysis.NewTextSized([]byte(tt.text), 4), UTF16)
		got := m.Splice(analysis.Span{Start: len(tt.want), End: len(tt.text)}, "")
		fresh := NewMapper([]byte(tt.want))
		if got.LineCount() != fresh.LineCount() {
			t.Errorf("%q -> %q: %d lines, want %d", tt.text, tt.want, got.LineCount(), fresh.LineCount())
		}
	}
}

// TestSpanRangeAgreesWithOffsets: a span's range is its two offsets' positions, or an
// error when either has none, for every span of texts with every kind of line end and
// character, in both encodings, and in texts cut into small chunks.
func TestSpanRangeAgreesWithOffsets(t *testing.T) {
	texts := []string{"", "abc", "ab\ncd", "ab\r\ncd\r\n", "a\rb\r", "é=x\n😀 y\n中文", "\uFEFFab\ncd", "\xffa\n\xe2\x80b",
		"x -- y = [[z]]\n\n日本 -- 語 = é😀é\r\nlast"}
	for _, src := range texts {
		for _, enc := range []PositionEncoding{UTF16, UTF8} {
			for _, m := range []*Mapper{NewMapperEncoding([]byte(src), enc), NewMapperText(analysis.NewTextSized([]byte(src), 4), enc)} {
				for start := 0; start <= len(src); start++ {
					for end := start; end <= len(src); end++ {
						got, err := m.SpanRange(analysis.Span{Start: start, End: end})
						ps, errS := m.OffsetPosition(start)
						pe, errE := m.OffsetPosition(end)
						if (err != nil) != (errS != nil || errE != nil) {
							t.Fatalf("%q %s [%d, %d): error %v, offsets' errors %v, %v", src, enc, start, end, err, errS, errE)
						}
						if err == nil && got != (protocol.Range{Start: ps, End: pe}) {
							t.Fatalf("%q %s [%d, %d): %v, offsets give %v %v", src, enc, start, end, got, ps, pe)
						}
					}
				}
			}
		}
	}
}
