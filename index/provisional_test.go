package index

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/notesls/notesls/analysis"
)

// TestCompleteWithinWhileTermsBuild: while the term list is being built, "[[" and the
// start of a line are answered at once from the file's own terms and aliases, ranked by
// their lines in the file and marked incomplete; once it is built, the answer is
// Complete's. A list nobody started is started and waited for.
func TestCompleteWithinWhileTermsBuild(t *testing.T) {
	srcs := map[string][]byte{
		"a.notes": []byte("data store -- database = a store\ndata store -- database -- sharding = split\ndata store -- cache = fast\n" +
			"data store (DS) = where data lives\ndatum = one\n"),
		"b.notes": []byte("data lake = raw files\ndata lake -- zone = part\ndatabase theory = relations\nsee [[data store]] and [[datum]]\n"),
	}
	cases := []struct {
		name, path, text string // text: the line typed, at its end
		roots            bool
		want             []string // the labels, in order
	}{
		{"[[ and a prefix", "a.notes", "see [[dat", false, []string{"data store", "data store -- database", "data store -- cache", "data store -- database -- sharding", "datum"}},
		{"[[ and an alias", "a.notes", "see [[DS", false, []string{"DS"}},
		{"[[ and another file's term", "a.notes", "see [[lake", false, nil},
		{"the start of a line", "a.notes", "da", true, []string{"data store", "datum"}},
		{"the other file's start of a line", "b.notes", "d", true, []string{"data lake", "database theory"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			edited := map[string][]byte{}
			for p, src := range srcs {
				edited[p] = src
			}
			edited[c.path] = append(slices.Clone(srcs[c.path]), c.text...)
			snap := NewWorkspace(DefaultConfig()).UpdateMany(edited)
			offset := len(edited[c.path])
			snap.terms.base.started.Store(true) // as if the lane were building it

			got := snap.CompleteWithin(c.path, offset, false, time.Millisecond)
			if got == nil || !got.Incomplete {
				t.Fatalf("while the list is built: %+v, want an incomplete answer", got)
			}
			if labels := labelsOf(got); !reflect.DeepEqual(labels, c.want) {
				t.Errorf("while the list is built: %q, want %q", labels, c.want)
			}
			if snap.terms.base.ready() {
				t.Fatal("the answer waited for the list")
			}

			snap.terms.base.started.Store(false)
			snap.termList()
			if got, want := snap.CompleteWithin(c.path, offset, false, time.Millisecond), snap.CompleteWithoutDocs(c.path, offset); !reflect.DeepEqual(got, want) {
				t.Errorf("once the list is built: %q, want Complete's %q", labelsOf(got), labelsOf(want))
			}
		})
	}
	t.Run("a list nobody started", func(t *testing.T) {
		src := append(slices.Clone(srcs["a.notes"]), "see [[data"...)
		snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": src, "b.notes": srcs["b.notes"]})
		got := snap.CompleteWithin("a.notes", len(src), true, time.Minute)
		if !snap.terms.base.ready() {
			t.Fatal("the list was not built")
		}
		if want := snap.Complete("a.notes", len(src)); !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want Complete's %q", labelsOf(got), labelsOf(want))
		}
		if !slices.Contains(labelsOf(got), "data lake") {
			t.Errorf("%q lacks the other file's data lake", labelsOf(got))
		}
	})
}

func labelsOf(res *CompletionResult) []string {
	if res == nil {
		return nil
	}
	var out []string
	for _, it := range res.Items {
		out = append(out, it.Label)
	}
	return out
}

// TestProvisionalRootsAfterEdits: the provisional answer at the start of a line, taken
// from the file's list of top-level topics, is the one that ranks every topic of the file
// of one segment, after edits that add and remove top-level topics.
func TestProvisionalRootsAfterEdits(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(corpus(t))), "\n")
	r := rand.New(rand.NewPCG(7, 8))
	w := NewWorkspace(DefaultConfig())
	for round := range 40 {
		switch i := r.IntN(len(lines)); r.IntN(3) {
		case 0:
			lines = slices.Delete(lines, i, i+1)
		case 1:
			lines = slices.Insert(lines, i, fmt.Sprintf("new root %d -- under = x", round))
		default:
			lines[i] = "renamed " + lines[i]
		}
		src := []byte(strings.Join(lines, "\n") + "\n")
		snap, _ := w.Update("a.notes", src)
		fi := snap.file("a.notes")
		for _, typed := range []string{"", "d", "da", "new", "ren", "rnamed", "s"} {
			got := snap.provisionalTerms("a.notes", typed, analysis.Span{}, true, -1, false)
			m := newMatcher(typed)
			cands := newTopK(keepCandidates, compareCandidates)
			for k, tp := range fi.topics.all() {
				if rank, ok := m.match(k); ok && isRootKey(k) {
					cands.add(candidate{key: k, kind: CompletionTopic, rank: rank, uses: int(tp.uses)})
				}
			}
			want := snap.finish(cands, analysis.Span{}, false, segmentLabel("a.notes", -1))
			want.Incomplete = true
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, typed %q: %q, want %q", round, typed, labelsOf(got), labelsOf(want))
			}
		}
	}
}
