package index

import (
	"fmt"
	"slices"
	"testing"
)

// dupStrings lists fi's duplicates in s as duplicatesReference does.
func dupStrings(s *Snapshot, fi *fileIndex) []string {
	lists := s.dupListsOf(fi)
	var out []string
	for kind, list := range map[string][]dupEntry{"line": lists.lines, "def": lists.defs} {
		for _, e := range list {
			other := e.other
			if other == nil {
				other = fi
			}
			out = append(out, fmt.Sprintf("%d %s of %s:%d", e.ln, kind, other.path, e.fl))
		}
	}
	slices.Sort(out)
	return out
}

// A file's duplicates, found in one snapshot, are taken over by the other snapshots that
// share the file only where the changes between them edited files after it. Each order
// of asking four snapshots that share m.notes gives each of them the duplicates of a walk
// over its own workspace: the changes edit a file after it, a file before it, and after
// it again.
func TestDuplicatesAskedInAnyOrder(t *testing.T) {
	build := func() []*Snapshot {
		w := NewWorkspace(DefaultConfig())
		snaps := []*Snapshot{w.UpdateMany(map[string][]byte{
			"b.notes": []byte("x = 1\n"),
			"m.notes": []byte("alpha = one\nbeta = two\nbeta = two\n"),
			"z.notes": []byte("gamma = three\n"),
		})}
		for _, e := range []struct{ path, text string }{
			{"z.notes", "gamma = three\nalpha = one\n"}, // after m: m keeps its duplicates
			{"b.notes", "x = 1\nbeta = two\n"},          // before m: m's first beta is a copy now
			{"z.notes", "gamma = three\n"},
		} {
			s, _ := w.Update(e.path, []byte(e.text))
			snaps = append(snaps, s)
		}
		return snaps
	}
	var orders [][]int
	var permute func(prefix, rest []int)
	permute = func(prefix, rest []int) {
		if len(rest) == 0 {
			orders = append(orders, slices.Clone(prefix))
			return
		}
		for i := range rest {
			permute(append(prefix, rest[i]), slices.Concat(rest[:i], rest[i+1:]))
		}
	}
	permute(nil, []int{0, 1, 2, 3})
	for _, order := range orders {
		snaps := build()
		for _, i := range order {
			s := snaps[i]
			got := dupStrings(s, s.file("m.notes"))
			want := slices.Sorted(slices.Values(duplicatesReference(s)["m.notes"]))
			if !slices.Equal(got, want) {
				t.Errorf("order %v, snapshot %d: duplicates of m.notes\n got %q\nwant %q", order, i, got, want)
			}
		}
	}
}
