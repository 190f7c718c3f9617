package analysis

import (
	"bytes"
	"encoding/binary"
	"slices"
	"unicode/utf8"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// Parse parses a whole file. It never fails: a malformed line yields a partial tree and
// diagnostics. Time and memory are linear in len(src).
func Parse(src []byte) *File { return ParseText(NewText(src)) }

// ParseText is Parse of a text in chunks, which the File keeps.
func ParseText(t Text) *File {
	bomLen := t.BOMLen()
	b := NewFileBuilder(t, bomLen)
	b.Expect(t.CountLines(0, t.n))
	var p lineParser
	for k := range t.chunks {
		for start, line := range t.linesIn(k, bomLen) {
			b.Add(start, p.parseLine(line))
		}
	}
	return b.File()
}

// CountLines returns about how many lines b holds: its line feeds, and a last line
// without one. It costs a fraction of a percent of parsing b; lines that end in a lone
// CR are not counted.
func CountLines(b []byte) int {
	n := bytes.Count(b, []byte{'\n'})
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// lineEndWindow is how far LineEnd first looks for the end of a line; the window doubles
// until it holds one. A line then costs time in its own length, where searching the rest
// of the file for an LF first took time in the distance to the next LF: quadratic in a
// file whose lines all end in a lone CR.
const lineEndWindow = 256

// LineEnd finds the line that begins at start: its content ends at end (exclusive), and
// the next line begins at next. LF, CRLF and a lone CR all end a line.
func LineEnd(src []byte, start int) (end, next int) {
	rest := src[start:]
	for lo, size := 0, lineEndWindow; lo < len(rest); lo, size = lo+size, 2*size {
		window := rest[lo:min(lo+size, len(rest))]
		nl := bytes.IndexByte(window, '\n')
		if nl < 0 {
			nl = len(window)
		}
		if cr := bytes.IndexByte(window[:nl], '\r'); cr >= 0 {
			cr += lo
			if cr+1 < len(rest) && rest[cr+1] == '\n' {
				return start + cr, start + cr + 2 // CRLF
			}
			return start + cr, start + cr + 1 // lone CR
		}
		if nl < len(window) {
			return start + lo + nl, start + lo + nl + 1
		}
	}
	return len(src), len(src)
}

// Diagnostic is a single-line finding with file offsets.
type Diagnostic struct {
	Line int // the line's index, for File.Line
	LineDiag
	Span Span
}

// Diagnostics returns the findings of every single-line rule, in file order.
func (f *File) Diagnostics() []Diagnostic {
	var out []Diagnostic
	for i := range f.NumLines() {
		for _, d := range f.Line(i).Diags() {
			out = append(out, Diagnostic{Line: i, LineDiag: d, Span: d.Span.In(f.Start(i))})
		}
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// ParseLine parses one line's content, without its line end.
func ParseLine(b []byte) Line {
	var p lineParser
	return p.parseLine(b)
}

// A LineParser parses many lines, sharing its allocations among them.
type LineParser struct{ p lineParser }

// Parse parses one line's content, without its line end.
func (lp *LineParser) Parse(b []byte) Line { return lp.p.parseLine(b) }

// A lineParser parses lines one after another. It collects each line's lists in scratch
// slices and copies them into shared slabs at the end of the line, so a file costs a few
// large allocations instead of several per line.
type lineParser struct {
	b    []byte
	line Line

	segs   slab[Segment]
	spans  slab[LineSpan]
	refs   slab[Ref]
	diags  slab[LineDiag]
	attrs  slab[SegmentAttrs]
	extras slab[lineExtra]
	key    []byte

	// The current line's rarer lists, copied into a lineExtra when not empty.
	marks     []LineSpan
	lineRefs  []Ref
	lineDiags []LineDiag
	segAttrs  []SegmentAttrs

	skip    []LineSpan // checkBrackets' scratch: the "[[" and "]]" it leaves out
	diagTmp []LineDiag // sortDiags' scratch
}

// slab hands out sub-slices of large chunks.
type slab[T any] struct{ chunk []T }

const slabChunk = 1024

func (s *slab[T]) take(items []T) []T {
	if len(items) == 0 {
		return nil
	}
	if len(items) > cap(s.chunk)-len(s.chunk) {
		// Grow chunk sizes from small, so that parsing a single line stays cheap.
		size := min(slabChunk, max(2*cap(s.chunk), 4))
		s.chunk = make([]T, 0, max(size, len(items)))
	}
	start := len(s.chunk)
	s.chunk = append(s.chunk, items...)
	return s.chunk[start:len(s.chunk):len(s.chunk)]
}

// one returns a pointer to a copy of item in the slab.
func (s *slab[T]) one(item T) *T {
	return &s.take([]T{item})[0]
}

func (p *lineParser) parseLine(b []byte) Line {
	p.b = b
	p.line = Line{Segments: p.line.Segments[:0], URLs: p.line.URLs[:0]}
	p.marks, p.lineRefs, p.lineDiags, p.segAttrs = p.marks[:0], p.lineRefs[:0], p.lineDiags[:0], p.segAttrs[:0]
	p.parse()
	l := p.line
	l.Segments = p.segs.take(l.Segments)
	l.URLs = p.spans.take(l.URLs)
	if len(p.marks)+len(p.lineRefs)+len(p.lineDiags)+len(p.segAttrs) > 0 {
		l.extra = p.extras.one(lineExtra{marks: p.spans.take(p.marks), refs: p.refs.take(p.lineRefs), diags: p.diags.take(p.lineDiags),
			segAttrs: p.attrs.take(p.segAttrs)})
	}
	return l
}

func (p *lineParser) diag(rule string, start, end int, msg string, fixable bool) {
	p.lineDiags = append(p.lineDiags, LineDiag{Rule: rule, Span: span(start, end), Message: msg, Fixable: fixable})
}

func span(start, end int) LineSpan { return LineSpan{Start: int32(start), End: int32(end)} }

func (p *lineParser) parse() {
	b := p.b
	p.line.Len = int32(len(b))
	p.checkEncoding()
	e := len(b)
	for e > 0 && isSpace(b[e-1]) {
		e--
	}
	s := 0
	for s < e && isSpace(b[s]) {
		s++
	}
	if s == e {
		p.line.Kind = Blank
		if e < len(b) {
			p.diag(RuleTrailingWhitespace, e, len(b), "trailing white space", true)
		}
		return
	}
	p.line.Kind = Entry
	if b[s] == '[' && !(s+1 < e && b[s+1] == '[') {
		s = p.parseTaskBox(s, e)
	}
	if s < e {
		p.parseEntry(s, e)
	}
	p.checkDuplicateURLs()
	p.checkBrackets(e)
	if e < len(b) {
		p.diag(RuleTrailingWhitespace, e, len(b), "trailing white space", true)
	}
	p.sortDiags()
}

// parseTaskBox reads the box of a task at s and returns where its entry begins.
func (p *lineParser) parseTaskBox(s, e int) int {
	b := p.b
	p.line.Kind = Task
	if s+3 <= e && b[s+2] == ']' && (b[s+1] == ' ' || b[s+1] == 'x' || b[s+1] == 'X') {
		p.line.Box = span(s, s+3)
		p.line.Done = b[s+1] != ' '
		if s+3 == e {
			return e
		}
		if b[s+3] == ' ' {
			return skipSpaces(b, s+4, e)
		}
		p.diag(RuleMalformedTask, s, s+3, `a task box is "[ ] ", "[x] " or "[X] " followed by a space`, false)
		return s + 3
	}
	boxEnd := s + 1
	if close := bytes.IndexByte(b[s:e], ']'); close >= 0 {
		boxEnd = s + close + 1
	}
	p.line.Box = span(s, boxEnd)
	p.diag(RuleMalformedTask, s, boxEnd, `a task box is "[ ] ", "[x] " or "[X] " followed by a space`, false)
	return skipSpaces(b, boxEnd, e)
}

func skipSpaces(b []byte, i, e int) int {
	for i < e && isSpace(b[i]) {
		i++
	}
	return i
}

// parseEntry parses the entry in b[s:e] (trimmed).
func (p *lineParser) parseEntry(s, e int) {
	b := p.b
	headEnd, bodyStart := e, e
	firstHeadURL := -1
	for i := s; i < e; {
		if i != s {
			// In a body only URLs, markers and references matter.
			table := &startsSomething
			if p.line.Sep != SepNone {
				table = &startsInBody
			}
			for i < e && !table[b[i]] {
				i++
			}
			if i == e {
				break
			}
		}
		c := b[i]
		switch {
		case c == 'h' && isURLAt(b, i):
			j := i
			for j < e && !isSpace(b[j]) {
				j++
			}
			p.line.URLs = append(p.line.URLs, span(i, j))
			if p.line.Sep == SepNone && firstHeadURL < 0 {
				firstHeadURL = i
			}
			i = j
			continue
		case c == '+' && i+2 < e && b[i+1] == '+' && b[i+2] == '+':
			p.marks = append(p.marks, span(i, i+3))
			i += 3
			continue
		case c == '[' && i+1 < e && b[i+1] == '[':
			i = p.parseRef(i, e)
			continue
		}
		if p.line.Sep == SepNone {
			if kind, opStart, opEnd, ok := separatorAt(b, s, i, e); ok {
				p.line.Sep = kind
				p.line.SepSpan = span(opStart, opEnd)
				headEnd = i
				bodyStart = skipSpaces(b, opEnd, e)
				i = opEnd
				continue
			}
		}
		i++
	}
	for headEnd > s && isSpace(b[headEnd-1]) {
		headEnd--
	}
	p.line.Head = span(s, headEnd)
	if p.line.Sep != SepNone {
		p.line.Body = span(bodyStart, e)
		if headEnd == s {
			p.diag(RuleMissingTerm, int(p.line.SepSpan.Start), int(p.line.SepSpan.End), "the line starts with a separator: the term is missing", false)
		}
		if p.line.Sep.Defines() && bodyStart == e {
			p.diag(RuleEmptyDefinition, int(p.line.SepSpan.Start), int(p.line.SepSpan.End), `nothing after "`+p.line.Sep.String()+`": the definition is empty`, false)
		}
		if !p.line.Sep.Defines() && bodyStart < e {
			p.addSoftRef(bodyStart, e)
		}
	}
	pathEnd := headEnd
	urlFollows := false
	if firstHeadURL >= 0 {
		p.line.Note = span(firstHeadURL, headEnd)
		pathEnd = firstHeadURL
		urlFollows = true
	}
	p.parsePath(s, pathEnd, urlFollows)
}

// startsSomething marks the bytes at which a URL, a marker, a reference or a separator
// can begin; the scan skips every other byte.
var (
	startsSomething = [256]bool{'h': true, '+': true, '[': true, ' ': true, ':': true}
	startsInBody    = [256]bool{'h': true, '+': true, '[': true}
)

// isURLAt reports whether a URL starts at i: `https?://` followed by a character that is
// not a space (docs/format.md). A scheme alone is a word.
func isURLAt(b []byte, i int) bool {
	if i+1 >= len(b) || b[i+1] != 't' {
		return false
	}
	rest := b[i:]
	for _, scheme := range [][]byte{[]byte("https://"), []byte("http://")} {
		if bytes.HasPrefix(rest, scheme) {
			return len(rest) > len(scheme) && !isSpace(rest[len(scheme)])
		}
	}
	return false
}

// separatorAt reports whether a separator starts at i (its leading space, or the colon)
// in the entry b[s:e]. A separator at the very start of the entry needs no leading space:
// that is the missing-term case.
func separatorAt(b []byte, s, i, e int) (kind SepKind, opStart, opEnd int, ok bool) {
	c := b[i]
	if c == ':' {
		if i > s && !isSpace(b[i-1]) && (i+1 == e || b[i+1] == ' ') {
			return SepColon, i, i + 1, true
		}
		if i == s && (i+1 == e || b[i+1] == ' ') {
			return SepColon, i, i + 1, true
		}
		return 0, 0, 0, false
	}
	op := i + 1
	if c != ' ' {
		if i != s {
			return 0, 0, 0, false
		}
		op = i
	}
	if op >= e {
		return 0, 0, 0, false
	}
	endsAt := func(j int) bool { return j == e || b[j] == ' ' }
	switch b[op] {
	case '=':
		if op+1 < e && b[op+1] == '=' {
			if endsAt(op + 2) {
				return SepEqEq, op, op + 2, true
			}
			return 0, 0, 0, false
		}
		if endsAt(op + 1) {
			return SepEq, op, op + 1, true
		}
	case '-':
		if op+1 < e && b[op+1] == '>' && endsAt(op+2) {
			return SepArrow, op, op + 2, true
		}
	case '~':
		if endsAt(op + 1) {
			return SepTilde, op, op + 1, true
		}
	}
	return 0, 0, 0, false
}

// parseRef reads a reference starting with "[[" at i and returns where scanning goes on.
func (p *lineParser) parseRef(i, e int) int {
	b := p.b
	j := i + 2
	for j < e {
		if b[j] == ']' && j+1 < e && b[j+1] == ']' {
			break
		}
		if b[j] == '[' && j+1 < e && b[j+1] == '[' {
			p.diag(RuleMalformedReference, i, j, `nested "[[" inside a reference`, false)
			p.lineRefs = append(p.lineRefs, Ref{Span: span(i, j), Target: span(i+2, j)})
			return j
		}
		j++
	}
	if j >= e {
		p.diag(RuleMalformedReference, i, e, `reference without its closing "]]"`, false)
		return e
	}
	ts, te := i+2, j
	for ts < te && isSpace(b[ts]) {
		ts++
	}
	for te > ts && isSpace(b[te-1]) {
		te--
	}
	if ts == te {
		p.diag(RuleMalformedReference, i, j+2, "empty reference", false)
		return j + 2
	}
	p.lineRefs = append(p.lineRefs, Ref{Span: span(i, j+2), Target: span(ts, te), Key: PathKey(b[ts:te])})
	return j + 2
}

// addSoftRef records the target of "->" or "~": the body up to its first URL, without a
// leading "see" or "see also".
func (p *lineParser) addSoftRef(s, e int) {
	b := p.b
	for _, u := range p.line.URLs {
		if int(u.Start) >= s && int(u.Start) < e {
			e = int(u.Start)
			break
		}
	}
	for _, prefix := range []string{"see also ", "see "} {
		if len(b[s:e]) > len(prefix) && bytes.EqualFold(b[s:s+len(prefix)], []byte(prefix)) {
			s = skipSpaces(b, s+len(prefix), e)
			break
		}
	}
	for e > s && isSpace(b[e-1]) {
		e--
	}
	if s == e || bytes.Contains(b[s:e], []byte("[[")) {
		return
	}
	p.lineRefs = append(p.lineRefs, Ref{Span: span(s, e), Target: span(s, e), Soft: true, Key: PathKey(b[s:e])})
}

// pairwiseURLs is the number of URLs in a line up to which checkDuplicateURLs compares
// each with those before it: for the few URLs of a real line that costs less than
// building a set, and bounds that quadratic step by a constant.
const pairwiseURLs = 8

// checkDuplicateURLs reports each URL that appeared earlier in the line.
func (p *lineParser) checkDuplicateURLs() {
	urls := p.line.URLs
	if len(urls) <= pairwiseURLs {
		for i := 1; i < len(urls); i++ {
			u := p.b[urls[i].Start:urls[i].End]
			for j := 0; j < i; j++ {
				if bytes.Equal(u, p.b[urls[j].Start:urls[j].End]) {
					p.duplicateURL(urls[i])
					break
				}
			}
		}
		return
	}
	seen := make(map[string]struct{}, len(urls))
	for _, u := range urls {
		text := p.b[u.Start:u.End]
		if _, ok := seen[string(text)]; ok {
			p.duplicateURL(u)
			continue
		}
		seen[string(text)] = struct{}{}
	}
}

// duplicateURL reports a later copy of a URL. Only a copy that is a word of its own is
// fixable: dropping one glued to what comes before it (`+++https://...`, `0https://...`)
// would leave that text without its URL, a word the line never had.
func (p *lineParser) duplicateURL(u LineSpan) {
	own := u.Start == 0 || isSpace(p.b[u.Start-1])
	p.diag(RuleDuplicateURL, int(u.Start), int(u.End), "this URL appears earlier in the line", own)
}

// checkEncoding reports runs of bytes that are not UTF-8 text: invalid sequences, NUL
// and control characters other than tab.
func (p *lineParser) checkEncoding() {
	b := p.b
	for i := 0; i < len(b); {
		if i+8 <= len(b) && printableASCII(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
			continue
		}
		c := b[i]
		if c >= 0x20 && c < 0x7f || c == '\t' {
			i++
			continue
		}
		start := i
		msg := ""
		for i < len(b) {
			what, size := badRune(b[i:])
			if what == "" {
				break
			}
			if msg == "" {
				msg = what
			}
			i += size
		}
		if i == start {
			_, size := utf8.DecodeRune(b[i:])
			i += size
			continue
		}
		p.diag(RuleInvalidEncoding, start, i, msg, false)
	}
}

// printableASCII reports whether the eight bytes of x are all in 0x20..0x7e: the common
// case, checked a word at a time. A false "no" only sends the bytes to the exact check.
func printableASCII(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	del := x ^ 0x7f7f7f7f7f7f7f7f // a zero byte where x has DEL
	return x&highs == 0 &&
		(x-0x2020202020202020)&highs == 0 &&
		(del-ones)&^del&highs == 0
}

// badRune describes the character at the start of b when it is not acceptable text.
func badRune(b []byte) (what string, size int) {
	c := b[0]
	switch {
	case c == 0:
		return "NUL byte", 1
	case c == '\t':
		return "", 1
	case c < 0x20 || c == 0x7f:
		return "control character " + hexRune(rune(c)), 1
	case c < 0x80:
		return "", 1
	}
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError && size == 1 {
		return "invalid UTF-8", 1
	}
	if r >= 0x80 && r < 0xa0 {
		return "control character " + hexRune(r), size
	}
	return "", size
}

func hexRune(r rune) string {
	const digits = "0123456789ABCDEF"
	return "U+" + string([]byte{digits[r>>12&15], digits[r>>8&15], digits[r>>4&15], digits[r&15]})
}

// insertionSortMax is the length up to which a run is sorted by insertion: the usual
// size of a line's findings, where merging would cost more than it saves.
const insertionSortMax = 12

// sortDiags sorts the findings by the start of their spans, keeping the order of equal
// starts. The rules append in runs each already in order, which sorted halves detect and
// leave unmerged; in any case it takes O(n log n), where insertion sort alone took time in
// the number of pairs out of order: quadratic for a line of control characters between
// references, whose findings come in two interleaved runs.
func (p *lineParser) sortDiags() {
	d := p.lineDiags
	if len(d) <= insertionSortMax {
		mergeSortDiags(d, nil)
		return
	}
	p.diagTmp = slices.Grow(p.diagTmp[:0], len(d))[:len(d)]
	mergeSortDiags(d, p.diagTmp)
	clear(p.diagTmp) // drop the messages, which belong to the line
}

// mergeSortDiags sorts d stably, with tmp (as long as d, unless d is short) as scratch.
func mergeSortDiags(d, tmp []LineDiag) {
	if len(d) <= insertionSortMax {
		for i := 1; i < len(d); i++ {
			for j := i; j > 0 && d[j].Span.Start < d[j-1].Span.Start; j-- {
				d[j], d[j-1] = d[j-1], d[j]
			}
		}
		return
	}
	mid := len(d) / 2
	mergeSortDiags(d[:mid], tmp[:mid])
	mergeSortDiags(d[mid:], tmp[mid:])
	if d[mid-1].Span.Start <= d[mid].Span.Start {
		return // already in order: the common case of runs that follow each other
	}
	copy(tmp, d)
	left, right := tmp[:mid], tmp[mid:len(d)]
	k := 0
	for len(left) > 0 && len(right) > 0 {
		if right[0].Span.Start < left[0].Span.Start {
			d[k], right = right[0], right[1:]
		} else {
			d[k], left = left[0], left[1:] // equal starts keep their order
		}
		k++
	}
	k += copy(d[k:], left)
	copy(d[k:], right)
}
