package index

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestEditsAgainstFreshIndex makes random edits of every kind, lines in place, lines
// inserted and removed, paths, aliases, references, and compares every table and finding
// with a workspace built from scratch; some snapshots are skipped, so that caches chain.
func TestEditsAgainstFreshIndex(t *testing.T) {
	for _, seed := range []uint64{1} {
		src := corpus(t)
		other := []byte("jump server = another host\nwebhook = dup\nx = see [[sharding]] and [[nowhere]]\nincidents\n")
		w := NewWorkspace(DefaultConfig())
		w.UpdateMany(map[string][]byte{"a.notes": src, "b.notes": other})
		r := rand.New(rand.NewPCG(seed, 100))
		inserts := []string{"x", "s", " -- y", "(BFF)", "\n", "\n\n", "a -- b = c\nd\n", " ", "[[z]] ", "[[jump server]]", " = ", "https://e.com/x ", "webhooks -- ", "load-shedding\n", "\"", "é", "API -- "}
		for i := range 200 {
			n := bytes.Count(src, []byte("\n"))
			if n < 3 {
				break
			}
			ln := 1 + r.IntN(n)
			lineStart := at(t, src, ln, "", 0)
			lineEnd := lineStart + bytes.IndexByte(src[lineStart:], '\n')
			pos := lineStart + r.IntN(lineEnd-lineStart+1)
			switch r.IntN(10) {
			case 0:
				pos = lineStart
				src = slices.Concat(src[:pos], []byte(inserts[r.IntN(len(inserts))]), src[pos:])
			case 1, 2:
				k := min(1+r.IntN(40), len(src)-pos) // may cross line ends
				src = slices.Concat(src[:pos], src[pos+k:])
			default:
				src = slices.Concat(src[:pos], []byte(inserts[r.IntN(len(inserts))]), src[pos:])
			}
			snap, _ := w.Update("a.notes", src)
			if r.IntN(3) == 0 {
				continue // leave some snapshots uncomputed: caches chain
			}
			fresh := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": src, "b.notes": other})
			for _, p := range []string{"a.notes", "b.notes"} {
				if got, want := renderDiagnostics(snap, p), renderDiagnostics(fresh, p); got != want {
					t.Fatalf("seed %d edit %d: %s differs:\n%s", seed, i, p, lineDiff(got, want))
				}
			}
			if got, want := describeTopics(snap.files["a.notes"]), describeTopics(fresh.files["a.notes"]); got != want {
				t.Fatalf("seed %d edit %d: topics differ:\n%s", seed, i, lineDiff(got, want))
			}
		}
	}
}
