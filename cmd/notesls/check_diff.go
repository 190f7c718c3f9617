package main

import (
	"bytes"
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines shown around each change, as diff -u and
// git do by default.
const diffContext = 3

// maxEditDistance bounds Myers' search. The trace it keeps grows with the square of the
// number of edits, so past this many (about 30 MB of trace) the middle of the file is shown
// as removed and added wholesale: still a correct diff, only not a minimal one. Sorting a
// badly unsorted file of tens of thousands of lines can get there.
const maxEditDistance = 2000

// unifiedDiff returns a unified diff turning a into b, with `--- oldName` and `+++ newName`
// headers, or "" when they are equal. Lines are compared with their line ends, so a change
// of line end shows; a last line without one is followed by "\ No newline at end of file".
func unifiedDiff(oldName, newName string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	al, bl := splitLines(a), splitLines(b)
	ops := diffLines(al, bl)

	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	// aPos[i] and bPos[i] are the 0-based line numbers in a and b where ops[i] stands.
	aPos, bPos := make([]int, len(ops)+1), make([]int, len(ops)+1)
	for i, op := range ops {
		aPos[i+1], bPos[i+1] = aPos[i], bPos[i]
		if op.kind != '+' {
			aPos[i+1]++
		}
		if op.kind != '-' {
			bPos[i+1]++
		}
	}
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(0, i-diffContext)
		end := i // one past the last change of the hunk
		for {
			for end < len(ops) && ops[end].kind != ' ' {
				end++
			}
			next := end
			for next < len(ops) && ops[next].kind == ' ' {
				next++
			}
			if next < len(ops) && next-end <= 2*diffContext {
				end = next
				continue
			}
			break
		}
		stop := min(len(ops), end+diffContext)
		fmt.Fprintf(&out, "@@ -%s +%s @@\n",
			hunkRange(aPos[start], aPos[stop]-aPos[start]), hunkRange(bPos[start], bPos[stop]-bPos[start]))
		for _, op := range ops[start:stop] {
			out.WriteByte(op.kind)
			out.WriteString(op.line)
			if !strings.HasSuffix(op.line, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = stop
	}
	return out.String()
}

// hunkRange formats a hunk's line range the way diff -u does: "start,count", the count
// left out when it is 1, and an empty range given as the line before it.
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}

// splitLines splits after each '\n', keeping it; a last line without one is kept as it is.
func splitLines(s []byte) []string {
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

type diffOp struct {
	kind byte // ' ' kept, '-' removed from a, '+' added from b
	line string
}

// diffLines returns an edit script from a to b: the common prefix and suffix are kept, and
// the middle is diffed with Myers' O(ND) algorithm.
func diffLines(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]diffOp, 0, len(a)+len(b)-pre-suf)
	for _, l := range a[:pre] {
		ops = append(ops, diffOp{' ', l})
	}
	ops = append(ops, myers(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, diffOp{' ', l})
	}
	return ops
}

// myers finds a shortest edit script (Myers 1986, "An O(ND) difference algorithm"). Lines
// are interned to integers first so that comparisons are cheap.
func myers(a, b []string) []diffOp {
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
	limit := min(n+m, maxEditDistance)
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
		ops := make([]diffOp, 0, n+m)
		for _, l := range a {
			ops = append(ops, diffOp{'-', l})
		}
		for _, l := range b {
			ops = append(ops, diffOp{'+', l})
		}
		return ops
	}
	// Walk back from (n, m) through the rounds, collecting the script in reverse.
	var rev []diffOp
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
			rev = append(rev, diffOp{' ', a[xx]})
		}
		if d == 0 {
			break
		}
		if xx == prevX {
			yy--
			rev = append(rev, diffOp{'+', b[yy]})
		} else {
			xx--
			rev = append(rev, diffOp{'-', a[xx]})
		}
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
