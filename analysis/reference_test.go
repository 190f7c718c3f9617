package analysis

// The parser as it was before its costs were made linear in the length of a line, kept
// as the reference that the linear code must agree with on every line.

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// parseLineOld parses a line with the old versions of the replaced functions.
func parseLineOld(b []byte) Line {
	var p lineParser
	p.b = b
	p.parseOld()
	l := p.line
	l.Segments = p.segs.take(l.Segments)
	l.URLs = p.spans.take(l.URLs)
	if len(p.marks)+len(p.lineRefs)+len(p.lineDiags)+len(p.segAttrs) > 0 {
		l.extra = &lineExtra{marks: p.spans.take(p.marks), refs: p.refs.take(p.lineRefs), diags: p.diags.take(p.lineDiags),
			segAttrs: p.attrs.take(p.segAttrs)}
	}
	return l
}

// parseOld is parse calling the old functions.
func (p *lineParser) parseOld() {
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
	p.checkDuplicateURLsOld()
	p.checkBracketsOld(e)
	if e < len(b) {
		p.diag(RuleTrailingWhitespace, e, len(b), "trailing white space", true)
	}
	sortDiagsOld(p.lineDiags)
}

// checkBracketsOld is checkBrackets as it was, scanning every skipped span for every
// bracket. It reports the first unmatched "(", ")", "[", "]" or ASCII '"' of the line,
// outside URLs and outside the "[[" "]]" of references (those have rules of their own).
func (p *lineParser) checkBracketsOld(e int) {
	b := p.b
	first := firstBracket(b[:e])
	if first < 0 {
		return
	}
	var skipBuf [8]LineSpan // most lines have fewer URLs and references; no allocation then
	skip := skipBuf[:0]
	skip = append(skip, p.line.URLs...)
	for _, r := range p.lineRefs {
		if r.Soft {
			continue
		}
		skip = append(skip, span(int(r.Span.Start), int(r.Span.Start)+2))
		if r.Span.End-r.Span.Start >= 4 && b[r.Span.End-1] == ']' && b[r.Span.End-2] == ']' {
			skip = append(skip, span(int(r.Span.End)-2, int(r.Span.End)))
		}
	}
	for _, d := range p.lineDiags {
		if d.Rule == RuleMalformedReference {
			end := int(d.Span.Start) + 2
			if bytes.HasSuffix(b[d.Span.Start:d.Span.End], []byte("]]")) {
				end = int(d.Span.End) // "[[]]": its closing pair is part of it
			}
			skip = append(skip, span(int(d.Span.Start), end))
		}
	}
	var parenBuf, squareBuf [8]int
	parens, squares := parenBuf[:0], squareBuf[:0]
	firstBad := -1
	lastQuote, quotes := -1, 0
	bad := func(i int) {
		if firstBad < 0 || i < firstBad {
			firstBad = i
		}
	}
	for i := first; i < e; i++ {
		c := b[i]
		if !isBracket[c] {
			continue
		}
		if j := skipEndOld(skip, i); j > i {
			i = j - 1
			continue
		}
		switch c {
		case '(':
			parens = append(parens, i)
		case '[':
			squares = append(squares, i)
		case ')':
			if len(parens) == 0 {
				bad(i)
			} else {
				parens = parens[:len(parens)-1]
			}
		case ']':
			if len(squares) == 0 {
				bad(i)
			} else {
				squares = squares[:len(squares)-1]
			}
		case '"':
			quotes++
			lastQuote = i
		}
	}
	if len(parens) > 0 {
		bad(parens[0])
	}
	if len(squares) > 0 {
		bad(squares[0])
	}
	if quotes%2 == 1 {
		bad(lastQuote)
	}
	if firstBad >= 0 {
		p.diag(RuleUnbalanced, firstBad, firstBad+1, `unmatched "`+string(b[firstBad])+`"`, false)
	}
}

// skipEndOld returns the end of the skipped span containing i, or i.
func skipEndOld(skip []LineSpan, i int) int {
	for _, s := range skip {
		if int(s.Start) <= i && i < int(s.End) {
			return int(s.End)
		}
	}
	return i
}

// checkDuplicateURLsOld compares every URL with every one before it.
func (p *lineParser) checkDuplicateURLsOld() {
	urls := p.line.URLs
	for i := 1; i < len(urls); i++ {
		u := p.b[urls[i].Start:urls[i].End]
		for j := 0; j < i; j++ {
			if bytes.Equal(u, p.b[urls[j].Start:urls[j].End]) {
				own := urls[i].Start == 0 || isSpace(p.b[urls[i].Start-1]) // glued to a word: kept by --fix
				p.diag(RuleDuplicateURL, int(urls[i].Start), int(urls[i].End), "this URL appears earlier in the line", own)
				break
			}
		}
	}
}

// sortDiagsOld is an insertion sort: time in the number of pairs out of order.
func sortDiagsOld(d []LineDiag) {
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && d[j].Span.Start < d[j-1].Span.Start; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}

// isAcronymPairOld is IsAcronymPair trying the splits one by one. It reports whether the shorter of a and b is an acronym of the longer: its
// letters, in order, are the leading letters (one or more each) of consecutive words of
// the longer side, case ignored. Words are split at anything but letters and digits.
func isAcronymPairOld(a, b []byte) bool {
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	// Buffers meant for the stack: this runs for every parenthetical of every line.
	acr := make([]rune, 0, 16)
	for _, r := range string(short) {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false // an acronym is one word
		}
		acr = append(acr, Fold(r))
	}
	w := wordListOld{letters: make([]rune, 0, 128), starts: make([]int32, 0, 32)}
	inWord := false
	for _, r := range string(long) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if !inWord {
				w.starts = append(w.starts, int32(len(w.letters)))
			}
			w.letters = append(w.letters, Fold(r))
			inWord = true
			continue
		}
		inWord = false
	}
	if len(acr) < 2 || len(w.starts) < 2 {
		return false
	}
	for start := range w.starts {
		if w.spellOld(acr, start, true) {
			return true
		}
	}
	return false
}

// wordListOld holds the words of a text, folded, in one buffer.
type wordListOld struct {
	letters []rune
	starts  []int32 // where each word begins in letters
}

func (w wordListOld) word(i int) []rune {
	end := len(w.letters)
	if i+1 < len(w.starts) {
		end = int(w.starts[i+1])
	}
	return w.letters[w.starts[i]:end]
}

// spellOld reports whether acr is spelled by leading letters (one or more each) of
// consecutive words from word i on.
func (w wordListOld) spellOld(acr []rune, i int, first bool) bool {
	if len(acr) == 0 {
		return !first
	}
	if i >= len(w.starts) {
		return false
	}
	word := w.word(i)
	for n := 1; n <= len(word) && n <= len(acr); n++ {
		if word[n-1] != acr[n-1] {
			break
		}
		if w.spellOld(acr[n:], i+1, false) {
			return true
		}
	}
	return false
}

// lineEndOld is LineEnd searching the rest of the file for an LF first. It finds the line that begins at start: its content ends at end (exclusive), and
// the next line begins at next. LF, CRLF and a lone CR all end a line.
func lineEndOld(src []byte, start int) (end, next int) {
	rest := src[start:]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		nl = len(rest)
	}
	if cr := bytes.IndexByte(rest[:nl], '\r'); cr >= 0 {
		if cr == nl-1 && nl < len(rest) {
			return start + cr, start + nl + 1 // CRLF
		}
		return start + cr, start + cr + 1 // lone CR
	}
	if nl == len(rest) {
		return len(src), len(src)
	}
	return start + nl, start + nl + 1
}

// dropRepeatedURLsOld removes the later copies of a URL repeated in the line, with the white
// space before each, one at a time.
func dropRepeatedURLsOld(text []byte, l *Line) []byte {
	out := slices.Clone(text)
	diags := l.Diags()
	for i := len(diags) - 1; i >= 0; i-- {
		d := diags[i]
		if d.Rule != RuleDuplicateURL || d.Span.Start > 0 && !isSpace(text[d.Span.Start-1]) {
			continue
		}
		start := int(d.Span.Start)
		for start > 0 && isSpace(out[start-1]) {
			start--
		}
		out = append(out[:start], out[d.Span.End:]...)
	}
	return out
}

// randomLine strings together tokens that each start or end something the parser
// looks for, so that short lines mix every kind of span and their edges.
func randomLine(r *rand.Rand) []byte {
	tokens := []string{
		"[[", "]]", "[", "]", "(", ")", `"`, " ", "  ", "\t", "a", "B", "ab", "x y",
		"http://x", "https://y.org/(p)", "http://x[[", "http", " -- ", "--", "---", " = ", "=", " == ",
		" -> ", " ~ ", ": ", ":", "+++", "\x01", "\xff", "\x00", "see ", "see also ", "[ ] ", "[x]",
		"(AB)", "A B", `"a b"`, "1. ", "é", "日本",
	}
	var b []byte
	for range r.IntN(24) {
		b = append(b, tokens[r.IntN(len(tokens))]...)
	}
	return b
}

// sameAsOld fails the test when the parser and the old parser disagree on line.
func sameAsOld(t *testing.T, line []byte) {
	t.Helper()
	got, want := ParseLine(line), parseLineOld(line)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseLine(%q)\n got %s\nwant %s", line, describe(string(line), got), describe(string(line), want))
	}
}

// TestParseLineMatchesOld compares the parser with the old one on random lines, on the
// hostile shapes (at sizes the old code still parses quickly), on the fuzz corpus and on
// every line of the real corpus.
func TestParseLineMatchesOld(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		sameAsOld(t, randomLine(r))
	}
	for _, shape := range hostileShapes {
		for _, n := range []int{1, 5, 17, 300, 3000} {
			line := shape.line(n)
			sameAsOld(t, line)
			// The shape with a random line around it, and cut at random.
			sameAsOld(t, append(append(randomLine(r), line...), randomLine(r)...))
			if len(line) > 0 {
				sameAsOld(t, line[r.IntN(len(line)):])
			}
		}
	}
	for _, line := range fuzzSeeds(t) {
		sameAsOld(t, line)
	}
	corpus, err := os.ReadFile("../testdata/system-design.notes")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range bytes.Split(corpus, []byte("\n")) {
		sameAsOld(t, line)
	}
}

// fuzzSeeds returns the lines of the stored fuzz inputs of FuzzParse.
func fuzzSeeds(t *testing.T) [][]byte {
	files, err := filepath.Glob("testdata/fuzz/FuzzParse/*")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(l, "[]byte(") {
				continue
			}
			s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(l, "[]byte("), ")"))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, line := range bytes.Split([]byte(s), []byte("\n")) {
				out = append(out, line)
			}
		}
	}
	return out
}

// FuzzParseLineMatchesOld: the parser agrees with the old one on any line.
func FuzzParseLineMatchesOld(f *testing.F) {
	for _, s := range []string{"[[a]] (", "[[[[]]", "http://x [[a]] ]", "[[]] [ ]]", "a [[b ((]]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\r\n") || len(line) > 1<<12 {
			return
		}
		sameAsOld(t, line)
	})
}

// TestSortDiagsMatchesOld sorts random lists of findings, with many equal starts, both
// ways: the order of equal starts must be kept too.
func TestSortDiagsMatchesOld(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var p lineParser
	for range 3000 {
		n := r.IntN(200)
		if r.IntN(100) == 0 {
			n = r.IntN(3000)
		}
		var d []LineDiag
		for i := range n {
			start := r.IntN(n/4 + 1)
			if r.IntN(2) == 0 {
				start = i // a run in order, interleaved with the random starts
			}
			d = append(d, LineDiag{Span: span(start, start+1), Message: strconv.Itoa(i)})
		}
		want := append([]LineDiag(nil), d...)
		sortDiagsOld(want)
		p.lineDiags = d
		p.sortDiags()
		if !reflect.DeepEqual(d, want) {
			t.Fatalf("%d findings: sorted differently from the insertion sort", n)
		}
	}
}

// TestAcronymPairsMatchOld compares IsAcronymPair with the old search on random pairs
// from a few letters, where many splits spell part of the acronym.
func TestAcronymPairsMatchOld(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	letters := []string{"a", "b", "A", "é", "É", "1"}
	gaps := []string{" ", "-", "/", " (", ".", "\xff", "  "}
	for range 50000 {
		var short, long []byte
		for range 1 + r.IntN(12) {
			short = append(short, letters[r.IntN(3)]...)
		}
		if r.IntN(20) == 0 {
			short = append(short, gaps[r.IntN(len(gaps))]...)
		}
		for w := range 1 + r.IntN(14) {
			if w > 0 || r.IntN(4) == 0 {
				long = append(long, gaps[r.IntN(len(gaps))]...)
			}
			for range 1 + r.IntN(4) {
				long = append(long, letters[r.IntN(len(letters))]...)
			}
		}
		if r.IntN(2) == 0 {
			short, long = long, short
		}
		if got, want := IsAcronymPair(short, long), isAcronymPairOld(short, long); got != want {
			t.Fatalf("IsAcronymPair(%q, %q) = %v, the old search says %v", short, long, got, want)
		}
	}
}

// TestLineEndMatchesOld finds the line at every offset of random texts of LF, CR and
// letters, with lines shorter and longer than the first window, both ways.
func TestLineEndMatchesOld(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 300 {
		var src []byte
		for range r.IntN(20) {
			src = append(src, bytes.Repeat([]byte("a"), r.IntN(3*lineEndWindow))...)
			src = append(src, []string{"\n", "\r", "\r\n", "\n\r", "\r\r", ""}[r.IntN(6)]...)
		}
		for start := 0; start <= len(src); start++ {
			end, next := LineEnd(src, start)
			wantEnd, wantNext := lineEndOld(src, start)
			if end != wantEnd || next != wantNext {
				t.Fatalf("LineEnd(%q, %d) = %d, %d, want %d, %d", src, start, end, next, wantEnd, wantNext)
			}
		}
	}
}

// TestDropRepeatedURLsMatchesOld removes repeated URLs from random lines that have
// some, and from the URL shapes.
func TestDropRepeatedURLsMatchesOld(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	urls := []string{"http://x", "http://y", "https://x", "http://x(", "a", " ", "\t", "  ", "[[", " = "}
	var lines [][]byte
	for range 20000 {
		var line []byte
		for range r.IntN(16) {
			line = append(line, urls[r.IntN(len(urls))]...)
		}
		lines = append(lines, line)
	}
	for _, shape := range hostileShapes {
		lines = append(lines, shape.line(3000))
	}
	for _, line := range lines {
		l := ParseLine(line)
		if !hasRule(&l, RuleDuplicateURL) {
			continue
		}
		if got, want := dropRepeatedURLs(line, &l), dropRepeatedURLsOld(line, &l); !bytes.Equal(got, want) {
			t.Fatalf("dropRepeatedURLs(%q) = %q, want %q", line, got, want)
		}
	}
}

// FuzzAcronymPairMatchesOld: IsAcronymPair agrees with the old search on any pair short
// enough for the old search to finish.
func FuzzAcronymPairMatchesOld(f *testing.F) {
	f.Add([]byte("BFF"), []byte("Backends For Frontends"))
	f.Add([]byte("aaab"), []byte("aa aa aa-b"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if len(a) > 24 || len(b) > 64 {
			return // the old search is exponential in the acronym's length
		}
		if got, want := IsAcronymPair(a, b), isAcronymPairOld(a, b); got != want {
			t.Fatalf("IsAcronymPair(%q, %q) = %v, the old search says %v", a, b, got, want)
		}
	})
}
