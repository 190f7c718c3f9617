package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// duplicatesReference finds the duplicate lines and definitions of every file by walking
// the whole workspace in order, keeping the first place of each normalized form: the
// definition that duplicates' tables and its choice of which side to scan must match.
func duplicatesReference(snap *Snapshot) map[string][]string {
	eligible := func(t *lineTable[uint64]) map[int32]bool {
		out := map[int32]bool{}
		for h, ln := range t.all() {
			for _, l := range t.lines(h) {
				out[l] = true
			}
			out[ln] = true
		}
		return out
	}
	type place struct {
		fi *fileIndex
		ln int32
	}
	firstLine, firstDef := map[string]place{}, map[string]place{}
	out := map[string][]string{}
	for _, fi := range snap.allFiles() {
		lines, defs := eligible(&fi.lineHash), eligible(&fi.defHash)
		for i := range fi.ast.NumLines() {
			ln := int32(i)
			if lines[ln] {
				key := string(appendLineNormalized(nil, fi.ast, i))
				if p, ok := firstLine[key]; ok {
					out[fi.path] = append(out[fi.path], fmt.Sprintf("%d line of %s:%d", i, p.fi.path, p.ln))
					continue // reported once, as a duplicate line
				}
				firstLine[key] = place{fi, ln}
			}
			if defs[ln] {
				key := string(appendDefNormalized(nil, fi.ast, i))
				if p, ok := firstDef[key]; ok {
					out[fi.path] = append(out[fi.path], fmt.Sprintf("%d def of %s:%d", i, p.fi.path, p.ln))
				} else {
					firstDef[key] = place{fi, ln}
				}
			}
		}
	}
	return out
}

// The duplicates of each file, found from its own hashes or from those of the files
// before it, whichever are fewer, equal the walk over the workspace: workspaces of one
// large file and many small ones, in either order.
func TestDuplicatesAgainstWalk(t *testing.T) {
	shared := []string{"alpha = one", "beta = two", "Alpha  =  one", "gamma = three", "beta = 2", "delta -- x = y"}
	for seed := uint64(1); seed <= 12; seed++ {
		r := rand.New(rand.NewPCG(seed, 9))
		srcs := map[string][]byte{}
		files := 2 + r.IntN(6)
		big := r.IntN(files)
		for i := range files {
			n := 1 + r.IntN(4)
			if i == big {
				n = 200 + r.IntN(300)
			}
			var b strings.Builder
			for range n {
				if r.IntN(3) == 0 {
					b.WriteString(shared[r.IntN(len(shared))])
				} else {
					fmt.Fprintf(&b, "t%d = body %d", r.IntN(60), r.IntN(4))
				}
				b.WriteByte('\n')
			}
			srcs[fmt.Sprintf("f%02d.notes", i)] = []byte(b.String())
		}
		snap := NewWorkspace(DefaultConfig()).UpdateMany(srcs)
		want := duplicatesReference(snap)
		for _, p := range snap.paths {
			fi := snap.file(p)
			got := dupStrings(snap, fi)
			w := slices.Clone(want[p])
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("seed %d %s (big file %d of %d):\n got %v\nwant %v", seed, p, big, files, got, w)
			}
		}
	}
}
