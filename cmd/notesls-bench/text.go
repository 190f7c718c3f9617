package main

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// document is the opened file as the client sees it, split the way LSP counts lines: a
// line ends at LF, CRLF or a lone CR.
type document struct {
	text  string
	lines []string // without line ends
}

func newDocument(text string) *document {
	d := &document{text: text}
	for start := 0; ; {
		i := strings.IndexAny(text[start:], "\r\n")
		if i < 0 {
			d.lines = append(d.lines, text[start:])
			break
		}
		d.lines = append(d.lines, text[start:start+i])
		start += i + 1
		if text[start-1] == '\r' && start < len(text) && text[start] == '\n' {
			start++
		}
	}
	return d
}

// utf16Len is the length of s in UTF-16 code units, LSP's default position encoding.
// Invalid bytes count as U+FFFD, one unit each, as editors decode them.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// utf16ToByte converts a UTF-16 column of line to a byte offset; a column past the end
// maps to the end.
func utf16ToByte(line string, col int) int {
	units := 0
	for i, r := range line {
		if units >= col {
			return i
		}
		units += runeUnits(r)
	}
	return len(line)
}

// randomColumn picks a column in 0..len(line) in UTF-16 units that does not fall between
// the two halves of a surrogate pair.
func randomColumn(rng *rand.Rand, line string) int {
	col := rng.IntN(utf16Len(line) + 1)
	units := 0
	for _, r := range line {
		w := runeUnits(r)
		if units < col && col < units+w {
			return units // inside a pair: move to its start
		}
		units += w
		if units >= col {
			break
		}
	}
	return col
}

// position is an LSP Position.
type position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start position `json:"start"`
	End   position `json:"end"`
}

// randomPosition picks a random line, then a random column inside it.
func (d *document) randomPosition(rng *rand.Rand) position {
	l := rng.IntN(len(d.lines))
	return position{Line: l, Character: randomColumn(rng, d.lines[l])}
}

// withInsert returns the text with s inserted at p (for servers that only take the
// whole text).
func (d *document) withInsert(p position, s string) string {
	off := d.offset(p)
	return d.text[:off] + s + d.text[off:]
}

// afterLoneCR reports whether p is the start of a line that a lone CR ended the line
// before.
func (d *document) afterLoneCR(p position) bool {
	off := d.offset(p)
	return off > 0 && d.text[off-1] == '\r'
}

// offset converts a position to a byte offset in text.
func (d *document) offset(p position) int {
	off := 0
	for i := 0; i < p.Line; i++ {
		off += len(d.lines[i])
		if off < len(d.text) && d.text[off] == '\r' {
			off++
		}
		if off < len(d.text) && d.text[off] == '\n' {
			off++
		}
	}
	return off + utf16ToByte(d.lines[p.Line], p.Character)
}

// validUTF8 reports whether the text can be sent as a JSON string without change.
func validUTF8(s string) bool { return utf8.ValidString(s) }
