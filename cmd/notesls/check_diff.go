package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/notesls/notesls/analysis"
)

// diffContext is the number of unchanged lines shown around each change, as diff -u and
// git do by default.
const diffContext = 3

// maxEditDistance is where the diff stops being minimal, see analysis.DiffLines.
const maxEditDistance = analysis.MaxDiffEditDistance

// unifiedDiff returns a unified diff turning a into b, with `--- oldName` and `+++ newName`
// headers, or "" when they are equal. Lines are compared with their line ends, so a change
// of line end shows; a last line without one is followed by "\ No newline at end of file".
func unifiedDiff(oldName, newName string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	ops := analysis.DiffLines(analysis.SplitLines(a), analysis.SplitLines(b))

	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	// aPos[i] and bPos[i] are the 0-based line numbers in a and b where ops[i] stands.
	aPos, bPos := make([]int, len(ops)+1), make([]int, len(ops)+1)
	for i, op := range ops {
		aPos[i+1], bPos[i+1] = aPos[i], bPos[i]
		if op.Kind != '+' {
			aPos[i+1]++
		}
		if op.Kind != '-' {
			bPos[i+1]++
		}
	}
	for i := 0; i < len(ops); {
		if ops[i].Kind == ' ' {
			i++
			continue
		}
		start := max(0, i-diffContext)
		end := i // one past the last change of the hunk
		for {
			for end < len(ops) && ops[end].Kind != ' ' {
				end++
			}
			next := end
			for next < len(ops) && ops[next].Kind == ' ' {
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
			out.WriteByte(op.Kind)
			out.WriteString(op.Line)
			if !strings.HasSuffix(op.Line, "\n") {
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

// splitLines splits after each '\n', keeping it, as analysis.SplitLines.
func splitLines(s []byte) []string { return analysis.SplitLines(s) }
