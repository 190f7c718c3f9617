package analysis

import "bytes"

// MaxDiffEditDistance bounds Myers' search. The trace it keeps grows with the square of
// the number of edits, and the time with the lines times the edits, so past this many
// (about 30 MB of trace) the middle of the file is removed and added wholesale: still a
// correct script, only not a minimal one. Sorting a badly unsorted file of tens of
// thousands of lines can get there.
const MaxDiffEditDistance = 2000

// SplitLines splits after each '\n', keeping it; a last line without one is kept as it is.
func SplitLines(s []byte) []string {
	var lines []string
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, string(s))
			break
		}
		lines = append(lines, string(s[:i+1]))
		s = s[i+1:]
	}
	return lines
}

// A LineOp is one step of an edit script between two lists of lines.
type LineOp struct {
	Kind byte // ' ' kept, '-' removed from a, '+' added from b
	Line string
}

// DiffLines returns an edit script from a to b: the common prefix and suffix are kept, and
// the middle is diffed with Myers' O(ND) algorithm, which is minimal up to
// MaxDiffEditDistance edits.
func DiffLines(a, b []string) []LineOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]LineOp, 0, len(a)+len(b)-pre-suf)
	for _, l := range a[:pre] {
		ops = append(ops, LineOp{' ', l})
	}
	ops = append(ops, myers(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, LineOp{' ', l})
	}
	return ops
}

// myers finds a shortest edit script (Myers 1986, "An O(ND) difference algorithm"). Lines
// are interned to integers first so that comparisons are cheap.
func myers(a, b []string) []LineOp {
	ids := map[string]int{}
	intern := func(ls []string) []int {
		out := make([]int, len(ls))
		for i, l := range ls {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	x, y := intern(a), intern(b)
	n, m := len(x), len(y)
	limit := min(n+m, MaxDiffEditDistance)
	off := limit + 1
	v := make([]int, 2*limit+3) // v[off+k]: furthest x on diagonal k
	// trace[d] is v's window [-d-1, d+1] as it stood before round d.
	var trace [][]int
	found := false
	for d := 0; d <= limit && !found; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var xx int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				xx = v[off+k+1] // down: insert b[y]
			} else {
				xx = v[off+k-1] + 1 // right: delete a[x]
			}
			yy := xx - k
			for xx < n && yy < m && x[xx] == y[yy] {
				xx, yy = xx+1, yy+1
			}
			v[off+k] = xx
			if xx >= n && yy >= m {
				found = true
				break
			}
		}
	}
	if !found {
		ops := make([]LineOp, 0, n+m)
		for _, l := range a {
			ops = append(ops, LineOp{'-', l})
		}
		for _, l := range b {
			ops = append(ops, LineOp{'+', l})
		}
		return ops
	}
	// Walk back from (n, m) through the rounds, collecting the script in reverse.
	var rev []LineOp
	xx, yy := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		w := trace[d]
		at := func(k int) int { return w[k+d+1] }
		k := xx - yy
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for xx > prevX && yy > prevY {
			xx, yy = xx-1, yy-1
			rev = append(rev, LineOp{' ', a[xx]})
		}
		if d == 0 {
			break
		}
		if xx == prevX {
			yy--
			rev = append(rev, LineOp{'+', b[yy]})
		} else {
			xx--
			rev = append(rev, LineOp{'-', a[xx]})
		}
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
