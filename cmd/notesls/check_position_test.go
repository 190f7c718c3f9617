package main

import (
	"strings"
	"testing"
)

func TestLineIndex(t *testing.T) {
	type pos struct{ line, col int }
	tests := []struct {
		name  string
		src   string
		lines int
		// at maps a marker substring to the position of its first byte.
		at map[string]pos
	}{
		{"empty", "", 0, nil},
		{"one line without end", "abc", 1, map[string]pos{"a": {1, 1}, "c": {1, 3}}},
		{"one line with end", "abc\n", 1, map[string]pos{"c": {1, 3}}},
		{"LF", "ab\ncd\n\nef", 4, map[string]pos{"c": {2, 1}, "d": {2, 2}, "e": {4, 1}}},
		{"CRLF", "ab\r\ncd\r\n", 2, map[string]pos{"c": {2, 1}, "\r\ncd": {1, 3}}},
		{"lone CR", "ab\rcd\ref", 3, map[string]pos{"c": {2, 1}, "f": {3, 2}}},
		{"mixed", "a\r\nb\nc\rd", 4, map[string]pos{"b": {2, 1}, "c": {3, 1}, "d": {4, 1}}},
		{"CR then LF lines", "a\r\r\nb", 3, map[string]pos{"b": {3, 1}}},
		{"code points, not bytes", "é日本 x", 1, map[string]pos{"x": {1, 5}, "本": {1, 3}}},
		{"astral plane counts once", "😀 x\n", 1, map[string]pos{"x": {1, 3}}},
		{"invalid UTF-8 byte counts once", "a\xffb\xc3c", 1, map[string]pos{"b": {1, 3}, "c": {1, 5}}},
		{"BOM takes no column", "\ufeffab\ncd", 2, map[string]pos{"a": {1, 1}, "b": {1, 2}, "d": {2, 2}}},
		{"BOM only", "\ufeff", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newLineIndex([]byte(tt.src))
			if got := x.Lines(); got != tt.lines {
				t.Errorf("Lines() = %d, want %d", got, tt.lines)
			}
			for marker, want := range tt.at {
				off := strings.Index(tt.src, marker)
				if off < 0 {
					t.Fatalf("marker %q not in source", marker)
				}
				if l, c := x.OffsetPosition(off); l != want.line || c != want.col {
					t.Errorf("OffsetPosition(%d) (at %q) = %d:%d, want %d:%d", off, marker, l, c, want.line, want.col)
				}
			}
			// The end of the file is a position too, and out-of-range offsets are clamped.
			endL, endC := x.OffsetPosition(len(tt.src))
			if l, c := x.OffsetPosition(len(tt.src) + 10); l != endL || c != endC {
				t.Errorf("offset past the end = %d:%d, want the end %d:%d", l, c, endL, endC)
			}
			if l, c := x.OffsetPosition(-5); l != 1 || c != 1 {
				t.Errorf("negative offset = %d:%d, want 1:1", l, c)
			}
		})
	}
}

func TestLineIndexEveryOffset(t *testing.T) {
	// Against a plain walk: each byte offset's line and column by counting from the start.
	src := "\ufeffa b\r\nçd\rx\n\n日\xffz\r\n"
	x := newLineIndex([]byte(src))
	for off := 0; off <= len(src); off++ {
		line, lineStart := 1, 0
		if strings.HasPrefix(src, "\ufeff") {
			lineStart = 3
		}
		if off < lineStart {
			continue
		}
		for i := lineStart; i < off; i++ {
			if src[i] == '\n' || (src[i] == '\r' && (i+1 >= len(src) || src[i+1] != '\n')) {
				line, lineStart = line+1, i+1
			}
		}
		col := 1 + len([]rune(src[lineStart:off]))
		if l, c := x.OffsetPosition(off); l != line || c != col {
			t.Errorf("OffsetPosition(%d) = %d:%d, want %d:%d", off, l, c, line, col)
		}
	}
}
