package main

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// A lineIndex converts byte offsets of one file to 1-based lines and 1-based columns
// counted in Unicode code points, as `--check` prints them. Lines end at LF, CRLF or a lone
// CR. A leading byte order mark is not part of line 1, so it takes no column. A byte that
// is not valid UTF-8 counts as one code point, as editors show it (U+FFFD).
type lineIndex struct {
	src    []byte
	starts []int // starts[i] is the offset of line i+1
}

var bom = []byte{0xEF, 0xBB, 0xBF}

func newLineIndex(src []byte) *lineIndex {
	// A line end is a LF, a CR or both: their count bounds the lines, and sizing the table
	// once saves copying it as it grows (40 MB at a million lines).
	x := &lineIndex{src: src, starts: make([]int, 1, 1+bytes.Count(src, []byte{'\n'})+bytes.Count(src, []byte{'\r'}))}
	if bytes.HasPrefix(src, bom) {
		x.starts[0] = len(bom)
	}
	for i := x.starts[0]; i < len(src); i++ {
		switch src[i] {
		case '\n':
			x.starts = append(x.starts, i+1)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			x.starts = append(x.starts, i+1)
		}
	}
	return x
}

// Lines reports the number of lines: a final line end does not start another line, and an
// empty file has none.
func (x *lineIndex) Lines() int {
	n := len(x.starts)
	if x.starts[n-1] == len(x.src) {
		n--
	}
	return n
}

// OffsetPosition returns the 1-based line and code-point column of a byte offset. An
// offset out of range is clamped to the file; an offset inside the BOM maps to line 1,
// column 1.
func (x *lineIndex) OffsetPosition(offset int) (line, column int) {
	offset = max(0, min(offset, len(x.src)))
	// The last line start at or before offset.
	i := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > offset }) - 1
	if i < 0 { // inside the BOM
		return 1, 1
	}
	return i + 1, utf8.RuneCount(x.src[x.starts[i]:offset]) + 1
}
