package index

import (
	"cmp"
	"slices"
	"sync"

	"github.com/notesls/notesls/analysis"
)

// unsortedLines returns the lines that break the case-insensitive order of their block
// (lines between blank lines): those outside a longest sorted subsequence, which are the
// fewest lines a user has to move.
func unsortedLines(f *analysis.File, keys *chunkList[lineKey]) []int {
	var out []int
	for start := 0; start < f.NumLines(); {
		if f.Line(start).Kind == analysis.Blank {
			start++
			continue
		}
		end := start
		for end < f.NumLines() && f.Line(end).Kind != analysis.Blank {
			end++
		}
		out = append(out, unsortedInBlock(f, keys, start, end)...)
		start = end
	}
	return out
}

// unsortedAfter derives the unsorted lines of f from those of the version before edit
// c, before: only the blocks the edit touched are looked at again, the others' lines only
// move. Enter in a 100,000-line file looked at every block.
func unsortedAfter(f *analysis.File, keys *chunkList[lineKey], before []int, c *lineChange) []int {
	start, end := c.From, c.To
	for start > 0 && !keys.at(start-1).blank {
		start--
	}
	for end < keys.len() && !keys.at(end).blank {
		end++
	}
	// Lines before start are the old ones, and so is the blank line before them; lines
	// from end on are the old ones from end-delta on, moved.
	delta := c.To - c.OldTo
	head, _ := slices.BinarySearch(before, start)
	tail, _ := slices.BinarySearch(before, end-delta)
	out := slices.Clone(before[:head])
	for b := start; b < end; {
		if keys.at(b).blank {
			b++
			continue
		}
		e := b
		for e < end && !keys.at(e).blank {
			e++
		}
		out = append(out, unsortedInBlock(f, keys, b, e)...)
		b = e
	}
	for _, l := range before[tail:] {
		out = append(out, l+delta)
	}
	return out
}

// sortState holds a file's unsorted lines, found when first asked: from the previous
// version's, when those were found, or in full.
type sortState struct {
	lazy[[]int]
	prev   *sortState // the previous version's, until used
	change lineChange // the edit since prev
	// was is the previous version's lines and keys, when the edit kept the number of
	// lines: if the changed lines compare with the others as they did, prev's list holds.
	was *sortedVersion
}

// sortedVersion is what sameOrder reads of a version before an edit.
type sortedVersion struct {
	ast  *analysis.File
	keys chunkList[lineKey]
}

// unsortedList returns the lines the unsorted rule reports, in order.
func (fi *fileIndex) unsortedList() []int {
	st := fi.unsorted
	return st.get(func() []int {
		prev, was := st.prev, st.was
		st.prev, st.was = nil, nil // run once, by the one computing: the previous version can go
		if prev != nil && prev.done.Load() {
			if was != nil && sameOrder(was, fi, &st.change) {
				return prev.val
			}
			return unsortedAfter(fi.ast, &fi.sortKeys, prev.val, &st.change)
		}
		return unsortedLines(fi.ast, &fi.sortKeys)
	})
}

// compareLines orders lines i and j by their sort keys, and by their text when the keys
// cannot tell.
func compareLines(f *analysis.File, keys *chunkList[lineKey], i, j int) int {
	a, b := keys.at(i), keys.at(j)
	switch {
	case a.valid >= 1 && b.valid >= 1 && a.hi != b.hi:
		return cmp.Compare(a.hi, b.hi)
	case a.valid == 2 && b.valid == 2 && a.lo != b.lo:
		return cmp.Compare(a.lo, b.lo)
	}
	return analysis.CompareFolded(f.LineText(i), f.LineText(j))
}

// A lineKey packs the first sixteen case-folded bytes of a line, big-endian, in two
// words, so that most comparisons of two lines are one or two integer comparisons. valid
// counts the words that hold only ASCII (some runes fold to ASCII, so a word with another
// byte cannot be compared as bytes); a line shorter than a word is padded with zeros,
// which sort first as the shorter line does.
type lineKey struct {
	hi, lo uint64
	valid  uint8
	// blank marks a blank line, which ends a block: scanning for one reads these keys,
	// not the larger syntax tree.
	blank bool
	// afterPrev says the line sorts at or after the line before it. An edit changes it
	// for its own lines and the one after them only, and with it the order check of a
	// block that is mostly sorted compares almost no lines.
	afterPrev bool
}

// setAfterPrev computes afterPrev for lines [from, to) of f.
func setAfterPrev(f *analysis.File, keys *chunkList[lineKey], from, to int) {
	for i := max(from, 1); i < min(to, keys.len()); i++ {
		if after := compareLines(f, keys, i-1, i) <= 0; after != keys.at(i).afterPrev {
			keys.writable(i).afterPrev = after
		}
	}
}

// lineSortKey returns the sort key of line i of f.
func lineSortKey(f *analysis.File, i int) lineKey {
	k := sortKey(f.LineText(i))
	k.blank = f.Line(i).Kind == analysis.Blank
	return k
}

// decidedByKeys reports whether the keys alone order their lines: both hold sixteen
// ASCII bytes that differ.
func decidedByKeys(a, b *lineKey) bool {
	return a.valid == 2 && b.valid == 2 && (a.hi != b.hi || a.lo != b.lo)
}

func sortKey(text []byte) lineKey {
	var k lineKey
	for w, word := range []*uint64{&k.hi, &k.lo} {
		for i := w * 8; i < w*8+8; i++ {
			*word <<= 8
			if i >= len(text) {
				continue
			}
			c := text[i]
			if c >= 0x80 {
				return k
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			*word |= uint64(c)
		}
		k.valid++
	}
	return k
}

func unsortedInBlock(f *analysis.File, keys *chunkList[lineKey], start, end int) []int {
	sorted := true
	for i := start + 1; i < end; i++ {
		if !keys.at(i).afterPrev {
			sorted = false
			break
		}
	}
	if sorted {
		return nil
	}
	// Longest non-decreasing subsequence, patience style: tails[k] is the index of the
	// smallest last line of a sorted run of length k+1. The two columns are lent for the
	// call: a block of 100,000 lines needs 800 KB, found again whenever an edit changes
	// its order.
	n := end - start
	scratch := lisScratch.Get().(*[2][]int32)
	defer lisScratch.Put(scratch)
	tails, prev := scratch[0][:0], slices.Grow(scratch[1][:0], n)[:n]
	tails = slices.Grow(tails, n)
	defer func() { scratch[0], scratch[1] = tails[:0], prev[:0] }()
	for i := 0; i < n; {
		chunk, first := keys.chunkAt(start + i)
		for k := start + i - first; k < len(chunk) && i < n; k, i = k+1, i+1 {
			lo, hi := 0, len(tails)
			// A nearly sorted block mostly extends the longest run, often by the line
			// right after its last: then the line's own bit answers, else one
			// comparison, not log n.
			if hi > 0 {
				if last := int(tails[hi-1]); last == i-1 {
					if chunk[k].afterPrev {
						lo = hi
					}
				} else if compareLines(f, keys, start+last, start+i) <= 0 {
					lo = hi
				}
			}
			for lo < hi {
				m := (lo + hi) / 2
				if compareLines(f, keys, start+int(tails[m]), start+i) <= 0 {
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
				tails = append(tails, int32(i))
			} else {
				tails[lo] = int32(i)
			}
		}
	}
	// The lines off the run, found walking it back from its end, then put in order.
	var out []int
	kept := tails[len(tails)-1]
	for i := int32(n - 1); i >= 0; i-- {
		if i == kept {
			kept = prev[i]
			continue
		}
		out = append(out, start+int(i))
	}
	slices.Reverse(out)
	return out
}

// lisScratch lends unsortedInBlock its two columns.
var lisScratch = sync.Pool{New: func() any { return new([2][]int32) }}
