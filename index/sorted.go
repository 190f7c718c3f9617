package index

import (
	"unicode/utf8"

	"github.com/notesls/notesls/analysis"
)

// compareFolded compares two lines by their case-folded form, then byte order: the order
// a notes file keeps.
func compareFolded(a, b []byte) int {
	for len(a) > 0 && len(b) > 0 {
		ra, ca := rune(a[0]), 1
		if ra >= utf8.RuneSelf {
			ra, ca = utf8.DecodeRune(a)
		}
		rb, cb := rune(b[0]), 1
		if rb >= utf8.RuneSelf {
			rb, cb = utf8.DecodeRune(b)
		}
		fa, fb := analysis.Fold(ra), analysis.Fold(rb)
		if fa != fb {
			// Byte order of the folded forms equals code point order in UTF-8.
			if fa < fb {
				return -1
			}
			return 1
		}
		a, b = a[ca:], b[cb:]
	}
	return len(a) - len(b)
}

// unsortedLines returns the lines that break the case-insensitive order of their block
// (lines between blank lines): those outside a longest sorted subsequence, which are the
// fewest lines a user has to move.
func unsortedLines(f *analysis.File) []int {
	var out []int
	for start := 0; start < len(f.Lines); {
		if f.Lines[start].Kind == analysis.Blank {
			start++
			continue
		}
		end := start
		for end < len(f.Lines) && f.Lines[end].Kind != analysis.Blank {
			end++
		}
		out = append(out, unsortedInBlock(f, start, end)...)
		start = end
	}
	return out
}

func unsortedInBlock(f *analysis.File, start, end int) []int {
	sorted := true
	for i := start + 1; i < end; i++ {
		if compareFolded(f.LineText(i-1), f.LineText(i)) > 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return nil
	}
	// Longest non-decreasing subsequence, patience style: tails[k] is the index of the
	// smallest last line of a sorted run of length k+1.
	n := end - start
	tails := make([]int, 0, n)
	prev := make([]int, n)
	for i := 0; i < n; i++ {
		line := f.LineText(start + i)
		lo, hi := 0, len(tails)
		for lo < hi {
			m := (lo + hi) / 2
			if compareFolded(f.LineText(start+tails[m]), line) <= 0 {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo > 0 {
			prev[i] = tails[lo-1]
		} else {
			prev[i] = -1
		}
		if lo == len(tails) {
			tails = append(tails, i)
		} else {
			tails[lo] = i
		}
	}
	keep := make([]bool, n)
	for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
		keep[i] = true
	}
	var out []int
	for i, k := range keep {
		if !k {
			out = append(out, start+i)
		}
	}
	return out
}
