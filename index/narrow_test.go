package index

import (
	"hash/fnv"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestNarrowedWalksAgreeWithWholeWalks types texts one rune at a time, with now and
// then a rune taken back, a jump to another text, or letters that no key goes on with,
// and ranks the term list at each keystroke twice: through what the walks of the
// keystrokes before found, and with nothing known, over the whole groups. Both must give
// the same candidates and count of matches, for lists that keep everything and lists
// that fill up and stop the walk, and with topics skipped.
func TestNarrowedWalksAgreeWithWholeWalks(t *testing.T) {
	src := append(corpus(t), "über -- straße = x\nétat -- état civil = y\n日本語 -- 日本 = z\na/b -- c-d = w\n"...)
	snap, _ := NewWorkspace(DefaultConfig()).Update("a.notes", src)
	for _, tl := range []*termList{snap.termList(), snap.termList().roots} {
		keys := make([]string, tl.size())
		for i := range keys {
			keys[i] = tl.key(i)
		}
		r := rand.New(rand.NewPCG(5, 6))
		narrowed := 0
		for round := range 400 {
			text := []rune(typedFrom(r, keys[r.IntN(len(keys))]))
			if r.IntN(3) == 0 {
				text = append(text, []rune(" zq https://example.com/x")[:1+r.IntN(24)]...)
			}
			k := tl.size() + 1
			if round%2 == 0 {
				k = 1 + r.IntN(8)
			}
			// About every fifth topic is skipped in odd rounds, as a snapshot's stale ones
			// are: the same ones in every run.
			skip := func(e termEntry) bool { return round%2 == 1 && fnvOf(e.topic)%5 == 0 }
			typed := []rune{}
			for len(typed) < len(text) {
				switch {
				case len(typed) > 0 && r.IntN(8) == 0:
					typed = typed[:len(typed)-1]
				default:
					typed = append(typed, text[len(typed)])
				}
				m := newMatcher(string(typed))
				known := tl.narrowed.Load()
				if tl.narrowingFor(&m) != nil {
					narrowed++
				}
				tl.narrowed.Store(nil)
				whole := rankSorted(tl, &m, skip, k)
				tl.narrowed.Store(known)
				through := rankSorted(tl, &m, skip, k)
				if !reflect.DeepEqual(through, whole) {
					t.Fatalf("typed %q (known: %+v), k %d:\nthrough the narrowing %+v\nover the whole groups %+v", string(typed), known, k, through, whole)
				}
			}
		}
		if narrowed < 1000 {
			t.Errorf("only %d keystrokes went through a narrowing", narrowed)
		}
	}
}

type rankedWalk struct {
	cands []candidate
	seen  int
}

func rankSorted(tl *termList, m *matcher, skip func(termEntry) bool, k int) rankedWalk {
	cands := newTopK(k, compareCandidates)
	tl.rank(m, skip, cands)
	out := slices.Clone(cands.h)
	slices.SortFunc(out, compareCandidates)
	return rankedWalk{out, cands.seen}
}

func fnvOf(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
