package analysis

import (
	"bytes"
	"encoding/binary"
	"slices"
	"unicode/utf8"
)

// CompareFolded compares two lines by their case-folded form, then byte order: the order
// a notes file keeps.
func CompareFolded(a, b []byte) int {
	// Identical bytes fold alike: skip them a word at a time (sorted neighbours share
	// long prefixes), then take the ASCII fast path, as most lines are ASCII up to where
	// they differ.
	n := min(len(a), len(b))
	i := 0
	for i+8 <= n && binary.LittleEndian.Uint64(a[i:]) == binary.LittleEndian.Uint64(b[i:]) {
		i += 8
	}
	// Back to the start of a rune, in case the words differed inside one.
	for i > 0 && i < len(a) && !utf8.RuneStart(a[i]) {
		i--
	}
	for i < n && a[i] < utf8.RuneSelf && b[i] < utf8.RuneSelf {
		ca, cb := lowerASCII[a[i]], lowerASCII[b[i]]
		if ca != cb {
			return int(ca) - int(cb)
		}
		i++
	}
	a, b = a[i:], b[i:]
	for len(a) > 0 && len(b) > 0 {
		ra, ca := rune(a[0]), 1
		if ra >= utf8.RuneSelf {
			ra, ca = utf8.DecodeRune(a)
		}
		rb, cb := rune(b[0]), 1
		if rb >= utf8.RuneSelf {
			rb, cb = utf8.DecodeRune(b)
		}
		fa, fb := Fold(ra), Fold(rb)
		if fa != fb {
			// Code point order is the byte order of the folded forms in UTF-8.
			if fa < fb {
				return -1
			}
			return 1
		}
		a, b = a[ca:], b[cb:]
	}
	return len(a) - len(b)
}

var lowerASCII = func() (t [utf8.RuneSelf]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

// Format returns the canonical form of a notes file. It never adds, drops or changes a
// character of content: it trims trailing white space, rewrites malformed path operators
// to " -- ", collapses runs of spaces in heads and around separators, sorts the lines of
// each block (lines between blank lines) case-insensitively and stably when sorting is
// on, and ends the file with one newline. Format(Format(x)) == Format(x).
func Format(src []byte, sorting bool) []byte {
	return format(Parse(src), sorting, false)
}

// Fix is Format plus every other safe fix: a URL repeated in one line keeps only its
// first copy.
func Fix(src []byte, sorting bool) []byte {
	return format(Parse(src), sorting, true)
}

func format(f *File, sorting, fix bool) []byte {
	if f.NumLines() == 0 {
		return slices.Clone(f.Text.Bytes())
	}
	eol := []byte("\n")
	if end, next := f.Text.LineEnd(f.Start(0)); next-end == 2 {
		eol = []byte("\r\n")
	}
	lines := make([][]byte, f.NumLines())
	for i := range f.NumLines() {
		text := f.LineText(i)
		l := f.Line(i)
		if fix && hasRule(l, RuleDuplicateURL) {
			text = dropRepeatedURLs(text, l)
			nl := ParseLine(text)
			l = &nl
		}
		lines[i] = formatLine(text, l)
	}
	for len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	if sorting {
		for start := 0; start < len(lines); {
			if len(lines[start]) == 0 {
				start++
				continue
			}
			end := start
			for end < len(lines) && len(lines[end]) != 0 {
				end++
			}
			slices.SortStableFunc(lines[start:end], CompareFolded)
			start = end
		}
	}
	var out bytes.Buffer
	out.Grow(f.Text.Len() + len(eol))
	out.Write(f.Text.Slice(0, f.BOM))
	for _, l := range lines {
		out.Write(l)
		out.Write(eol)
	}
	return out.Bytes()
}

func hasRule(l *Line, rule string) bool {
	for _, d := range l.Diags() {
		if d.Rule == rule {
			return true
		}
	}
	return false
}

// dropRepeatedURLs removes the later copies of a URL repeated in the line, with the white
// space before each, copying the text once: removing them one by one moved the rest of
// the line each time.
func dropRepeatedURLs(text []byte, l *Line) []byte {
	out := make([]byte, 0, len(text))
	kept := 0 // text[:kept] is done with
	for _, d := range l.Diags() {
		if d.Rule != RuleDuplicateURL || !d.Fixable {
			continue
		}
		// A URL has no white space in it: the space before this copy is after the one
		// before.
		start := int(d.Span.Start)
		for start > kept && isSpace(text[start-1]) {
			start--
		}
		out = append(out, text[kept:start]...)
		kept = int(d.Span.End)
	}
	return append(out, text[kept:]...)
}

// formatLine returns the canonical text of one line.
func formatLine(text []byte, l *Line) []byte {
	if l.Kind == Blank {
		return nil
	}
	var b []byte
	entry := int(l.Head.Start)
	if l.Head.IsZero() && l.Sep == SepNone {
		// A task box alone, or an entry-less line: keep it, trimmed.
		return bytes.TrimRight(text, " \t")
	}
	lead := 0
	for lead < len(text) && isSpace(text[lead]) {
		lead++
	}
	b = append(b, text[:lead]...)
	if !l.Box.IsZero() {
		b = append(b, text[l.Box.Start:l.Box.End]...)
		if entry > int(l.Box.End) && isSpace(text[l.Box.End]) {
			b = append(b, ' ')
		} else {
			b = append(b, text[l.Box.End:entry]...)
		}
	} else {
		b = append(b, text[lead:entry]...)
	}
	b = appendHead(b, text, l)
	if l.Sep != SepNone {
		if l.Sep != SepColon && l.Head.Len() > 0 {
			b = append(b, ' ')
		}
		b = append(b, text[l.SepSpan.Start:l.SepSpan.End]...)
		if l.Body.Len() > 0 {
			b = append(b, ' ')
			b = append(b, text[l.Body.Start:l.Body.End]...)
		}
	}
	return b
}

// appendHead appends the head with white space runs collapsed and malformed path
// operators rewritten to " -- ".
func appendHead(b, text []byte, l *Line) []byte {
	var ops []LineSpan
	for _, d := range l.Diags() {
		if d.Rule == RuleMalformedSeparator {
			ops = append(ops, d.Span)
		}
	}
	space := false
	start := len(b)
	for i := int(l.Head.Start); i < int(l.Head.End); {
		if len(ops) > 0 && i == int(ops[0].Start) {
			b = bytes.TrimRight(b, " ")
			b = append(b, " -- "...)
			i = int(ops[0].End)
			ops = ops[1:]
			for i < int(l.Head.End) && isSpace(text[i]) {
				i++
			}
			space = false
			continue
		}
		c := text[i]
		i++
		if isSpace(c) {
			space = true
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = append(b, c)
	}
	// A rewritten operator that ends the head ("a--") leaves no space behind it.
	for len(b) > start && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}
