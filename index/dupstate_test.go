package index

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
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

// A file's duplicates carried over edits of the files around it equal a walk over each
// snapshot's workspace: m.notes is asked now and then, of the latest snapshot or of an
// earlier one, while lines and definitions that repeat its own are added to, moved in and taken out of
// the files before it and after it, and it is edited itself now and then.
func TestDuplicatesCarriedOverEditsElsewhere(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(seed, 7))
			g := newNoteGen(r, 6, "ab")
			pool := g.file(30) // few lines, so the files repeat each other
			for _, l := range pool[:15] {
				pool = append(pool, strings.Replace(l, " = ", " == ", 1)) // the same definition, not the same line
			}
			pick := func() string { return pool[r.IntN(len(pool))] }
			lines := map[string][]string{}
			srcs := map[string][]byte{}
			for _, p := range []string{"a.notes", "b.notes", "m.notes", "z.notes"} {
				for range 4 + r.IntN(12) {
					lines[p] = append(lines[p], pick())
				}
				srcs[p] = []byte(strings.Join(lines[p], "\n") + "\n")
			}
			w := NewWorkspace(DefaultConfig())
			snaps := []*Snapshot{w.UpdateMany(maps.Clone(srcs))}
			carried := 0 // asks answered across edits of other files before m.notes
			for step := range 400 {
				p := []string{"a.notes", "b.notes", "z.notes", "a.notes", "b.notes", "m.notes"}[r.IntN(6)]
				ls := lines[p]
				at := r.IntN(len(ls) + 1)
				switch op := r.IntN(10); {
				case op < 4 && len(ls) > 1 && at < len(ls):
					ls = slices.Delete(ls, at, at+1)
				case op < 7 && at < len(ls):
					ls[at] = pick()
				default:
					ls = slices.Insert(ls, at, pick())
				}
				lines[p] = ls
				srcs[p] = []byte(strings.Join(ls, "\n") + "\n")
				s, _ := w.Update(p, srcs[p])
				snaps = append(snaps, s)
				if r.IntN(3) != 0 {
					continue // unasked snapshots: the next ask carries over several edits
				}
				s = snaps[len(snaps)-1]
				if r.IntN(5) == 0 {
					s = snaps[r.IntN(len(snaps))]
				}
				m := s.file("m.notes")
				if l := m.dups.latest(s.seq); m.dups.done.Load() && l.seq < s.seq && len(s.edits) > 0 && s.edits[0].seq <= l.seq+1 &&
					slices.ContainsFunc(s.edits[l.seq+1-s.edits[0].seq:], func(e editRecord) bool { return e.path < "m.notes" }) {
					carried++
				}
				got := dupStrings(s, m)
				lists := s.dupListsOf(m)
				for _, e := range slices.Concat(lists.lines, lists.defs) {
					if e.other != nil && e.other != s.file(e.other.path) {
						t.Fatalf("step %d, snapshot %d: line %d repeats a line of another version of %s", step, s.seq, e.ln, e.other.path)
					}
				}
				want := slices.Sorted(slices.Values(duplicatesReference(s)["m.notes"]))
				if !slices.Equal(got, want) {
					t.Fatalf("step %d (%s edited), snapshot %d: duplicates of m.notes\n got %q\nwant %q", step, p, s.seq, got, want)
				}
			}
			if carried < 20 {
				t.Errorf("only %d asks carried duplicates over edits of files before m.notes", carried)
			}
			t.Logf("%d asks carried duplicates over edits of files before m.notes", carried)
		})
	}
}
