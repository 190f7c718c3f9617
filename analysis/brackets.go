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
	// The spans to skip come in three lists, each in increasing order and disjoint, as
	// the scan of the line found them: walking each with a cursor keeps the check linear
	// however many URLs and references the line holds.
	urls := spanCursor{spans: p.line.URLs}
	p.skip = p.skip[:0]
	for _, r := range p.lineRefs {
		if r.Soft {
			continue
		}
		p.skip = append(p.skip, span(int(r.Span.Start), int(r.Span.Start)+2))
		if r.Span.End-r.Span.Start >= 4 && b[r.Span.End-1] == ']' && b[r.Span.End-2] == ']' {
			p.skip = append(p.skip, span(int(r.Span.End)-2, int(r.Span.End)))
		}
	}
	nRefs := len(p.skip)
	for _, d := range p.lineDiags {
		if d.Rule == RuleMalformedReference {
			end := int(d.Span.Start) + 2
			if bytes.HasSuffix(b[d.Span.Start:d.Span.End], []byte("]]")) {
				end = int(d.Span.End) // "[[]]": its closing pair is part of it
			}
			p.skip = append(p.skip, span(int(d.Span.Start), end))
		}
	}
	refs, malformed := spanCursor{spans: p.skip[:nRefs]}, spanCursor{spans: p.skip[nRefs:]}
	var parens, squares openers
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
		// A URL comes first, then a reference, then a malformed one: the order of
		// precedence should two of them ever overlap.
		j := urls.end(i)
		if j == i {
			j = refs.end(i)
		}
		if j == i {
			j = malformed.end(i)
		}
		if j > i {
			i = j - 1
			continue
		}
		switch c {
		case '(':
			parens.open(i)
		case '[':
			squares.open(i)
		case ')':
			if !parens.close() {
				bad(i)
			}
		case ']':
			if !squares.close() {
				bad(i)
			}
		case '"':
			quotes++
			lastQuote = i
		}
	}
	if parens.depth > 0 {
		bad(parens.outermost)
	}
	if squares.depth > 0 {
		bad(squares.outermost)
	}
	if quotes%2 == 1 {
		bad(lastQuote)
	}
	if firstBad >= 0 {
		p.diag(RuleUnbalanced, firstBad, firstBad+1, `unmatched "`+string(b[firstBad])+`"`, false)
	}
}

// openers stands for a stack of the offsets of unclosed brackets of one kind. Only its
// bottom is ever reported, the first unmatched opener, so a depth and the offset of the
// opener that went onto the empty stack take its place, in constant space.
type openers struct {
	depth     int
	outermost int
}

func (o *openers) open(i int) {
	if o.depth == 0 {
		o.outermost = i
	}
	o.depth++
}

// close reports whether there was an opener to close.
func (o *openers) close() bool {
	if o.depth == 0 {
		return false
	}
	o.depth--
	return true
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

// A spanCursor walks spans that are disjoint and in increasing order, for offsets that
// only grow: each span is passed once, whatever the number of offsets asked about.
type spanCursor struct{ spans []LineSpan }

// end returns the end of the span containing i, or i. i must be at least the offset of
// the call before.
func (c *spanCursor) end(i int) int {
	for len(c.spans) > 0 && int(c.spans[0].End) <= i {
		c.spans = c.spans[1:]
	}
	if len(c.spans) > 0 && int(c.spans[0].Start) <= i {
		return int(c.spans[0].End)
	}
	return i
}
