package analysis

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// parsePath splits the path part of a head, b[s:e], into segments at the path operator
// " -- ". urlFollows says a URL comes right after: a trailing " --" then attaches the URL
// to the path instead of opening an empty segment.
func (p *lineParser) parsePath(s, e int, urlFollows bool) {
	b := p.b
	s, e = p.trimPath(s, e)
	if s >= e {
		return
	}
	key := keyBuilder{buf: p.key[:0]}
	segStart := s
	emptyAt := func(opStart, opEnd int) {
		p.diag(RuleEmptySegment, opStart, opEnd, "empty path segment", false)
	}
	for i := s; i <= e; {
		if i < e && !(b[i] == '-' && i+1 < e && b[i+1] == '-') {
			i++
			continue
		}
		opStart, opEnd := i, i
		if i < e {
			for opEnd < e && b[opEnd] == '-' {
				opEnd++
			}
			spaced := opStart > s && isSpace(b[opStart-1]) || opStart == s
			spacedAfter := opEnd < e && isSpace(b[opEnd]) || opEnd == e
			if opEnd-opStart != 2 || !spaced || !spacedAfter {
				p.diag(RuleMalformedSeparator, opStart, opEnd, `path operator written as "`+string(b[opStart:opEnd])+`": write " -- "`, true)
			}
		}
		ss, se := p.trimPath(segStart, opStart)
		switch {
		case ss < se:
			p.addSegment(ss, se, &key)
		case i == e && urlFollows && len(p.line.Segments) > 0:
			// "topic -- https://..." attaches the URL to topic.
		case i == e:
			emptyAt(lastOp(b, s, e))
		default:
			emptyAt(opStart, opEnd)
		}
		if i == e {
			break
		}
		segStart = opEnd
		i = opEnd
	}
	p.line.Key = string(key.buf)
	p.key = key.buf
}

// keyBuilder appends keys to a reused buffer.
type keyBuilder struct{ buf []byte }

func (k *keyBuilder) Len() int               { return len(k.buf) }
func (k *keyBuilder) WriteString(s string)   { k.buf = append(k.buf, s...) }
func (k *keyBuilder) WriteByte(c byte) error { k.buf = append(k.buf, c); return nil }
func (k *keyBuilder) WriteRune(r rune) (int, error) {
	k.buf = utf8.AppendRune(k.buf, r)
	return 0, nil
}

// lastOp locates the path operator that ends b[s:e].
func lastOp(b []byte, s, e int) (int, int) {
	end := e
	for end > s && isSpace(b[end-1]) {
		end--
	}
	start := end
	for start > s && b[start-1] == '-' {
		start--
	}
	return start, end
}

// trimPath trims white space and importance markers from both ends of b[s:e].
func (p *lineParser) trimPath(s, e int) (int, int) {
	b := p.b
	for {
		switch {
		case s < e && isSpace(b[s]):
			s++
		case s+3 <= e && b[s] == '+' && b[s+1] == '+' && b[s+2] == '+':
			s += 3
		case e > s && isSpace(b[e-1]):
			e--
		case e-3 >= s && b[e-1] == '+' && b[e-2] == '+' && b[e-3] == '+':
			e -= 3
		default:
			return s, e
		}
	}
}

// addSegment parses one segment, b[s:e], trimmed and not empty.
func (p *lineParser) addSegment(s, e int, key *keyBuilder) {
	b := p.b
	seg := Segment{Span: span(s, e)}
	nameEnd := e
	var paren, quote LineSpan
	// Trailing groups, read from the right: "(...)" and "...".
	for nameEnd > s {
		c := b[nameEnd-1]
		open := -1
		switch c {
		case ')':
			depth := 0
			for j := nameEnd - 1; j >= s; j-- {
				if b[j] == ')' {
					depth++
				} else if b[j] == '(' {
					depth--
					if depth == 0 {
						open = j
						break
					}
				}
			}
			if open > s && paren.IsZero() {
				paren = span(open+1, nameEnd-1)
			}
		case '"':
			for j := nameEnd - 2; j >= s; j-- {
				if b[j] == '"' {
					open = j
					break
				}
			}
			if open > s && quote.IsZero() {
				quote = span(open+1, nameEnd-1)
			}
		}
		if open <= s {
			break
		}
		ne := open
		for ne > s && isSpace(b[ne-1]) {
			ne--
		}
		if ne == s {
			break
		}
		nameEnd = ne
	}
	if nameEnd <= s {
		nameEnd = e
	}
	seg.nameEnd = int32(nameEnd)
	name := b[s:nameEnd]
	var attrs SegmentAttrs
	if !paren.IsZero() {
		if IsAcronymPair(name, b[paren.Start:paren.End]) {
			attrs.Alias = paren
		} else {
			attrs.Qualifier = paren
		}
	}
	if !quote.IsZero() {
		if attrs.Alias.IsZero() && IsAcronymPair(name, b[quote.Start:quote.End]) {
			attrs.Alias = quote
		} else {
			attrs.Gloss = quote
		}
	}
	if n := ordinalLen(name); n > 0 {
		attrs.Ordinal = span(s, s+n)
	}
	if attrs != (SegmentAttrs{}) {
		p.segAttrs = append(p.segAttrs, attrs)
		seg.attrs = int32(len(p.segAttrs))
	}
	if key.Len() > 0 {
		key.WriteString(" -- ")
	}
	appendKey(key, name)
	seg.keyEnd = int32(key.Len())
	p.line.Segments = append(p.line.Segments, seg)
}

// ordinalLen returns the length of a numbering prefix of name ("1", "01", "01b", "1.")
// followed by a space, or 0.
func ordinalLen(name []byte) int {
	i := 0
	for i < len(name) && name[i] >= '0' && name[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0
	}
	if i < len(name) && name[i] >= 'a' && name[i] <= 'z' {
		i++
	}
	if i < len(name) && name[i] == '.' {
		i++
	}
	if i < len(name) && name[i] == ' ' {
		return i
	}
	return 0
}

// Fold maps a rune to its case-insensitive form: simple case folding, which for all
// but a few runes is the lowercase.
func Fold(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// appendKey appends the key of a name: folded, with runs of white space collapsed.
func appendKey(key *keyBuilder, name []byte) {
	space := false
	start := key.Len()
	for i := 0; i < len(name); {
		c := name[i]
		if c < utf8.RuneSelf {
			i++
			if isSpace(c) {
				space = true
				continue
			}
			if space && key.Len() > start {
				key.WriteByte(' ')
			}
			space = false
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			key.WriteByte(c)
			continue
		}
		r, size := utf8.DecodeRune(name[i:])
		i += size
		if space && key.Len() > start {
			key.WriteByte(' ')
		}
		space = false
		key.WriteRune(Fold(r))
	}
}

// NameKey returns the key of a single name.
func NameKey(name []byte) string {
	key := keyBuilder{buf: make([]byte, 0, len(name))}
	appendKey(&key, name)
	return string(key.buf)
}

// PathKey returns the key of a path written as text, "a -- b" or a bare name: its
// segments' keys joined by " -- ".
func PathKey(text []byte) string {
	key := keyBuilder{buf: make([]byte, 0, len(text))}
	for len(text) > 0 {
		i := indexOp(text)
		part := text
		if i >= 0 {
			part, text = text[:i], text[i+4:]
		} else {
			text = nil
		}
		if key.Len() > 0 {
			key.WriteString(" -- ")
		}
		appendKey(&key, trimSpaceBytes(part))
	}
	return string(key.buf)
}

func indexOp(b []byte) int {
	for i := 0; i+4 <= len(b); i++ {
		if b[i] == ' ' && b[i+1] == '-' && b[i+2] == '-' && b[i+3] == ' ' {
			return i
		}
	}
	return -1
}

func trimSpaceBytes(b []byte) []byte {
	s, e := 0, len(b)
	for s < e && isSpace(b[s]) {
		s++
	}
	for e > s && isSpace(b[e-1]) {
		e--
	}
	return b[s:e]
}

// maxAcronym is the most letters an acronym may have. The spelling search keeps one bit
// for each prefix of the acronym in a uint64, which makes it linear in the longer side;
// acronyms in use have a dozen letters at most.
const maxAcronym = 63

// IsAcronymPair reports whether the shorter of a and b is an acronym of the longer: its
// letters, in order, are the leading letters (one or more each) of consecutive words of
// the longer side, case ignored. Words are split at anything but letters and digits. An
// acronym is one word of 2 to maxAcronym letters.
func IsAcronymPair(a, b []byte) bool {
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	var buf [maxAcronym]rune
	acr := buf[:0]
	for _, r := range string(short) {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false // an acronym is one word
		}
		if len(acr) == maxAcronym {
			return false
		}
		acr = append(acr, Fold(r))
	}
	return len(acr) >= 2 && spells(acr, long)
}

// spells reports whether acr is spelled by leading letters (one or more each) of
// consecutive words of text, from any word on; text must have two words at least. It
// follows every way of splitting acr at once, a word at a time: bit k of a mask stands
// for "acr[:k] is spelled", so a word costs a few operations per letter, where trying the
// splits one by one took time exponential in the length of acr.
func spells(acr []rune, text []byte) bool {
	m := len(acr)
	whole := uint64(1) << m
	words := 0
	spelled := false
	before := uint64(1) // prefixes spelled up to the word before this one; bit 0: start here
	var after uint64    // prefixes spelled up to this word, from those in before
	var live uint64     // the k in before whose acr[k:] begins with all of this word read so far
	read := 0           // letters of this word read so far
	inWord := false
	for _, r := range string(text) {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			if inWord {
				inWord = false
				spelled = spelled || after&whole != 0
				if spelled && words >= 2 {
					return true
				}
				before = after | 1
			}
			continue
		}
		if !inWord {
			inWord, words, read = true, words+1, 0
			live, after = before, 0
		}
		if live != 0 {
			f := Fold(r)
			var next uint64
			for l := live; l != 0; l &= l - 1 {
				k := bits.TrailingZeros64(l)
				if k+read < m && acr[k+read] == f {
					next |= 1 << k
				}
			}
			live = next
			after |= live << (read + 1) // acr[:k+read+1] is spelled, ending in this word
		}
		read++
	}
	spelled = spelled || inWord && after&whole != 0
	return spelled && words >= 2
}
