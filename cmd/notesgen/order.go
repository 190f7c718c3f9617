package main

import (
	"bytes"
	"unicode/utf8"

	"github.com/notesls/notesls/analysis"
)

// foldRune is the parser's case folding, so that the generator sorts as the checker does.
func foldRune(r rune) rune { return analysis.Fold(r) }

// compareFold compares two lines by their case-folded form, then by their bytes, which is
// the file order the spec requires (ties broken so that the order is total).
func compareFold(a, b []byte) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if ca < utf8.RuneSelf && cb < utf8.RuneSelf {
			if 'A' <= ca && ca <= 'Z' {
				ca += 'a' - 'A'
			}
			if 'A' <= cb && cb <= 'Z' {
				cb += 'a' - 'A'
			}
			if ca != cb {
				return int(ca) - int(cb)
			}
			i++
			j++
			continue
		}
		ra, na := utf8.DecodeRune(a[i:])
		rb, nb := utf8.DecodeRune(b[j:])
		fa, fb := foldRune(ra), foldRune(rb)
		if fa != fb {
			// Byte order of the folded UTF-8 encodings equals code point order.
			if fa < fb {
				return -1
			}
			return 1
		}
		i += na
		j += nb
	}
	switch {
	case len(a)-i < len(b)-j:
		return -1
	case len(a)-i > len(b)-j:
		return 1
	}
	return bytes.Compare(a, b)
}

// foldPrefix packs the first 8 bytes of a line's folded form big-endian, so that most
// comparisons while sorting are one integer comparison. It stops at the first non-ASCII
// byte and reports false then; such lines are always compared in full.
func foldPrefix(line []byte) (uint64, bool) {
	var p uint64
	n := 0
	for ; n < 8 && n < len(line); n++ {
		c := line[n]
		if c >= utf8.RuneSelf {
			return 0, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		p |= uint64(c) << (56 - 8*n)
	}
	return p, true
}
