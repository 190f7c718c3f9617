package analysis

import "slices"

// A TokenKind is what a piece of a line is, for highlighting: the same roles the TextMate
// grammar of editors/vscode gives scopes to.
type TokenKind uint8

const (
	TokenSegment      TokenKind = iota // a path segment's name: entity.name.term
	TokenPathOperator                  // " -- ": keyword.operator.path
	TokenSeparator                     // "=", "==", ":", "->", "~": keyword.control.*
	TokenAlias                         // the other side of an acronym pair: constant.other.alias
	TokenQualifier                     // a parenthetical that is no alias: variable.parameter.qualifier
	TokenGloss                         // a quoted gloss: string.quoted.double.gloss
	TokenOrdinal                       // a segment's numbering: constant.numeric.ordinal
	TokenReference                     // [[target]] or a soft target: string.other.link.reference
	TokenURL                           // markup.underline.link
	TokenImportant                     // "+++": keyword.other.important
	TokenTask                          // a task box: markup.list.*
	tokenKinds
)

// TokenKindCount is the number of token kinds, for a legend.
const TokenKindCount = int(tokenKinds)

// A Token is a span of one line and its kind.
type Token struct {
	Span Span
	Kind TokenKind
}

// LineTokens returns the tokens of line i in order, none overlapping: the pieces a
// segment holds (ordinal, alias, qualifier, gloss, a reference or URL inside it) are cut
// out of its name's token. The cost is linear in the line's pieces.
func LineTokens(f *File, i int) []Token {
	l := f.Line(i)
	start := f.Start(i)
	var fine []Token
	add := func(s LineSpan, k TokenKind) {
		if !s.IsZero() && s.End > s.Start {
			fine = append(fine, Token{Span: s.In(start), Kind: k})
		}
	}
	add(l.Box, TokenTask)
	for k, seg := range l.Segments {
		attrs := l.Attrs(k)
		add(attrs.Ordinal, TokenOrdinal)
		add(attrs.Alias, TokenAlias)
		add(attrs.Qualifier, TokenQualifier)
		add(attrs.Gloss, TokenGloss)
		if k+1 < len(l.Segments) {
			// The operator between two segments, without the spaces around it.
			text := f.Text.Slice(start+int(seg.Span.End), start+int(l.Segments[k+1].Span.Start))
			lo, hi := 0, len(text)
			for lo < hi && text[lo] == ' ' {
				lo++
			}
			for hi > lo && text[hi-1] == ' ' {
				hi--
			}
			if hi > lo {
				fine = append(fine, Token{Span: Span{Start: start + int(seg.Span.End) + lo, End: start + int(seg.Span.End) + hi}, Kind: TokenPathOperator})
			}
		}
	}
	add(l.SepSpan, TokenSeparator)
	for _, r := range l.Refs() {
		add(r.Span, TokenReference)
	}
	for _, u := range l.URLs {
		add(u, TokenURL)
	}
	for _, m := range l.Marks() {
		add(m, TokenImportant)
	}
	slices.SortFunc(fine, func(a, b Token) int { return a.Span.Start - b.Span.Start })
	// Drop a piece that overlaps one before it (a URL inside a reference, say).
	kept := fine[:0]
	end := -1
	for _, t := range fine {
		if t.Span.Start >= end {
			kept = append(kept, t)
			end = t.Span.End
		}
	}
	fine = kept
	// Segment names, minus the pieces inside them and the spaces around those.
	var out []Token
	piece := func(from, to int) {
		for from < to && f.Text.At(from) == ' ' {
			from++
		}
		for to > from && f.Text.At(to-1) == ' ' {
			to--
		}
		if to > from {
			out = append(out, Token{Span: Span{Start: from, End: to}, Kind: TokenSegment})
		}
	}
	j := 0
	for _, seg := range l.Segments {
		name := seg.Name().In(start)
		at := name.Start
		for j < len(fine) && fine[j].Span.End <= at {
			out = append(out, fine[j])
			j++
		}
		for j < len(fine) && fine[j].Span.Start < name.End {
			piece(at, fine[j].Span.Start)
			at = max(at, fine[j].Span.End)
			out = append(out, fine[j])
			j++
		}
		piece(at, name.End)
	}
	out = append(out, fine[j:]...)
	// A piece that began before a name and reached into it has been kept whole; a name
	// token after it would overlap: trim.
	kept = out[:0]
	end = -1
	for _, t := range out {
		if t.Span.Start < end {
			if t.Span.End <= end {
				continue
			}
			t.Span.Start = end
		}
		kept = append(kept, t)
		end = t.Span.End
	}
	return kept
}
