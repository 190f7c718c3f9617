package analysis

import "bytes"

// checkBrackets reports the first unmatched "(", ")", "[", "]" or ASCII '"' of the line,
// outside URLs and outside the "[[" "]]" of references (those have rules of their own).
func (p *lineParser) checkBrackets(e int) {
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
		if j := skipEnd(skip, i); j > i {
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

var isBracket = [256]bool{'(': true, ')': true, '[': true, ']': true, '"': true}

// firstBracket returns the index of the first bracket or quote in b, or -1.
func firstBracket(b []byte) int {
	for i, c := range b {
		if isBracket[c] {
			return i
		}
	}
	return -1
}

// skipEnd returns the end of the skipped span containing i, or i.
func skipEnd(skip []LineSpan, i int) int {
	for _, s := range skip {
		if int(s.Start) <= i && i < int(s.End) {
			return int(s.End)
		}
	}
	return i
}
