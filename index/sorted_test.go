package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
)

// TestUnsortedAcrossChunks: in blocks of thousands of lines, several chunks of sort keys
// each, the lines out of order after each edit are those of a fresh index, whether the
// edit keeps a line's place among the others or moves it past whole chunks. Edits change
// a line's first sixteen bytes, its tail, put a non-ASCII letter or a blank line in it,
// or add and remove lines.
func TestUnsortedAcrossChunks(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 11))
			lines := make([]string, 0, 3*listChunk+500)
			for i := range cap(lines) {
				lines = append(lines, fmt.Sprintf("topic %05d -- entry %d = body", i*7, i))
			}
			for range 8 { // a few out of order from the start
				i, j := r.IntN(len(lines)), r.IntN(len(lines))
				lines[i], lines[j] = lines[j], lines[i]
			}
			text := func() []byte { return []byte(strings.Join(lines, "\n") + "\n") }
			w := NewWorkspace(DefaultConfig())
			w.Update("a.notes", text())
			w.Snapshot().Diagnostics("a.notes")
			for step := range 250 {
				i := r.IntN(len(lines))
				if r.IntN(2) == 0 { // at the edge of a chunk, where a line's walk enters whole chunks
					i = min(len(lines)-1, max(0, (1+r.IntN(3))*listChunk-r.IntN(2)))
				}
				switch k := r.IntN(10); {
				case k < 3: // a new first sixteen bytes: the line may sort elsewhere
					lines[i] = fmt.Sprintf("topic %05d -- moved %d", r.IntN(7*len(lines)), step)
				case k < 5: // a new tail: the key stays
					lines[i] += " and more"
				case k == 5:
					lines[i] = "tópic " + lines[i]
				case k == 6:
					lines[i] = ""
				case k == 7:
					lines = slices.Insert(lines, i, fmt.Sprintf("topic %05d -- new", r.IntN(7*len(lines))))
				case k == 8 && len(lines) > 1:
					lines = slices.Delete(lines, i, i+1)
				default:
					lines[i] = fmt.Sprintf("topic %05d -- entry", i*7+r.IntN(3)-1) // about its place
				}
				snap, _ := w.Update("a.notes", text())
				fi := snap.file("a.notes")
				if want := resummed(nil, &fi.sortKeys, 0, len(fi.sortKeys.chunks)-1); !slices.Equal(fi.sortSums, want) {
					t.Fatalf("step %d: the chunks' key spans are not those of their keys", step)
				}
				fresh := NewWorkspace(DefaultConfig())
				fresh.Update("a.notes", text())
				if got, want := unsortedOf(snap), unsortedOf(fresh.Snapshot()); !slices.Equal(got, want) {
					t.Fatalf("step %d: unsorted lines %v, a fresh index says %v", step, got, want)
				}
			}
		})
	}
}

func unsortedOf(s *Snapshot) []int {
	var out []int
	for _, d := range s.Diagnostics("a.notes") {
		if d.Rule == analysis.RuleUnsorted {
			out = append(out, d.Span.Start)
		}
	}
	return out
}
