package index

import "github.com/notesls/notesls/analysis"

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
		if analysis.CompareFolded(f.LineText(i-1), f.LineText(i)) > 0 {
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
			if analysis.CompareFolded(f.LineText(start+tails[m]), line) <= 0 {
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
