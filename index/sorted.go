package index

import "github.com/notesls/notesls/analysis"

// unsortedLines returns the lines that break the case-insensitive order of their block
// (lines between blank lines): those outside a longest sorted subsequence, which are the
// fewest lines a user has to move.
func unsortedLines(f *analysis.File, keys []uint64) []int {
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
		out = append(out, unsortedInBlock(f, keys, start, end)...)
		start = end
	}
	return out
}

// compareLines orders lines i and j by their sort keys, and by their text on a tie.
func compareLines(f *analysis.File, keys []uint64, i, j int) int {
	if keys[i] != keys[j] && keys[i] != textOnly && keys[j] != textOnly {
		if keys[i] < keys[j] {
			return -1
		}
		return 1
	}
	return analysis.CompareFolded(f.LineText(i), f.LineText(j))
}

// textOnly is the sort key of a line that must be compared by its text.
const textOnly = ^uint64(0)

// sortKey packs the first eight case-folded bytes of a line, big-endian, so that most
// comparisons of two lines are one integer comparison; equal keys fall back to the text.
// A line with a non-ASCII byte among them gets textOnly: some runes fold to ASCII.
func sortKey(text []byte) uint64 {
	var k uint64
	for i := range 8 {
		k <<= 8
		if i >= len(text) {
			continue
		}
		c := text[i]
		if c >= 0x80 {
			return textOnly
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		k |= uint64(c)
	}
	if k == textOnly {
		return textOnly - 1
	}
	return k
}

func unsortedInBlock(f *analysis.File, keys []uint64, start, end int) []int {
	sorted := true
	for i := start + 1; i < end; i++ {
		if compareLines(f, keys, i-1, i) > 0 {
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
		lo, hi := 0, len(tails)
		for lo < hi {
			m := (lo + hi) / 2
			if compareLines(f, keys, start+tails[m], start+i) <= 0 {
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
