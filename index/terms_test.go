package index

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTermListMatchesMatcher: the searches of the term list find exactly the keys that
// the matcher accepts, with the same ranks, for typed texts that are prefixes of keys,
// words inside them, typos of both, and texts that match nothing.
func TestTermListMatchesMatcher(t *testing.T) {
	src := append(corpus(t), "über -- straße = x\nétat -- état civil = y\n日本語 -- 日本 = z\na/b -- c-d = w\n"...)
	snap, _ := NewWorkspace(DefaultConfig()).Update("a.notes", src)
	fi := snap.file("a.notes")
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range fi.topics.all() {
			if !yield(k) {
				return
			}
		}
	})
	r := rand.New(rand.NewPCG(3, 4))
	typed := []string{"", "d", "da", "data store -- ", "ub", "über", "etat", "état c", "日", "日本", "b -- c", "/b", "-d", "zzzz", "shradi", "replic", "We"}
	for range 300 {
		k := []rune(keys[r.IntN(len(keys))])
		from := 0
		if r.IntN(2) == 0 {
			from = r.IntN(len(k))
		}
		to := min(len(k), from+1+r.IntN(12))
		w := slices.Clone(k[from:to])
		if len(w) > 2 && r.IntN(2) == 0 {
			w[1+r.IntN(len(w)-1)] = 'q' // a typo, not in the first letter
		}
		typed = append(typed, string(w))
	}
	for _, ty := range typed {
		m := newMatcher(ty)
		want := map[string]int{}
		for _, k := range keys {
			if rank, ok := m.match(k); ok {
				want[k] = rank
			}
		}
		got := map[string]int{}
		tl := fi.termList()
		tl.eachMatch(&m, func(i, rank int) {
			if _, dup := got[tl.keys[i]]; dup {
				t.Fatalf("typed %q: key %q reported twice", ty, tl.keys[i])
			}
			got[tl.keys[i]] = rank
		})
		if !maps.Equal(got, want) {
			for k, rank := range want {
				if g, ok := got[k]; !ok || g != rank {
					t.Errorf("typed %q: key %q: got rank %d (found %v), want %d", ty, k, g, ok, rank)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("typed %q: key %q found, the matcher rejects it", ty, k)
				}
			}
			t.FailNow()
		}
	}
}

// TestMissingLettersBound: the letter count never rules out a key that the distance
// table accepts, over random typed texts and keys made of a few letters, so that near
// matches are common.
func TestMissingLettersBound(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcde -"[r.IntN(7)]
		}
		return string(b)
	}
	ruledOut := 0
	for range 20000 {
		m := newMatcher(word(3 + r.IntN(8)))
		key := []byte(word(r.IntN(14)))
		for k := range 3 {
			if m.typed != "" && m.tooManyMissing(key, k) {
				ruledOut++
				if prefixWithin(m.runes, key, k) {
					t.Fatalf("typed %q, key %q, k=%d: ruled out, but within reach", m.typed, key, k)
				}
			}
		}
	}
	if ruledOut == 0 {
		t.Fatal("the bound never ruled out a key")
	}
}
