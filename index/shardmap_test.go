package index

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
)

// TestShardedMapAgainstMap sets and deletes random keys in a chain of clones, across
// the sizes at which a map splits into more shards and its shards into more pages, and
// checks every version against a plain map: a version keeps its keys whatever the
// versions made from it do.
func TestShardedMapAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		start, perRound, rounds int
		pages                   bool // the map ends with more than one page of shards
		keys                    int  // the keys are drawn from this many; 0: ten rounds' worth
	}{
		{0, 2 * shardSplit, 12, false, 0}, {10, 2 * shardSplit, 12, false, 0}, {shardTarget * 3, 2 * shardSplit, 12, false, 0},
		{pageShards * shardTarget * 2, 2 * shardSplit, 6, true, 0}, // pages from the start
		{0, pageShards * shardSplit / 4, 5, true, 0},               // grown past one page by splits
		// A few changes a version, so that each shard's changes are carried over clones
		// and its map copied with them now and then; in one shard, and in many.
		{0, 4, 200, false, 300}, {0, 8, 100, false, 6 * shardTarget},
	} {
		start := c.start
		type version struct {
			m    shardedMap[string, int]
			want map[string]int
		}
		m := newShardedMap[string, int](start)
		want := map[string]int{}
		var versions []version
		for round := range c.rounds {
			n := c.perRound/2 + rng.IntN(c.perRound)
			for range n {
				keys := c.keys
				if keys == 0 {
					keys = 10 * c.perRound
				}
				k := fmt.Sprint(rng.IntN(keys))
				if rng.IntN(4) == 0 {
					m.del(k)
					delete(want, k)
				} else {
					v := rng.Int()
					m.set(k, v)
					want[k] = v
				}
			}
			versions = append(versions, version{m, maps.Clone(want)})
			for i, v := range versions {
				if v.m.len() != len(v.want) {
					t.Fatalf("start %d, round %d, version %d: %d keys, want %d", start, round, i, v.m.len(), len(v.want))
				}
				for k, x := range v.m.all() {
					if y, ok := v.want[k]; !ok || x != y {
						t.Fatalf("start %d, round %d, version %d: %q = %d, want %d (%v)", start, round, i, k, x, y, ok)
					}
					if got, ok := v.m.lookup(k); !ok || got != x {
						t.Fatalf("start %d, round %d, version %d: lookup %q = %d, %v", start, round, i, k, got, ok)
					}
				}
			}
			m = m.clone()
		}
		for i := range m.shards {
			if n := m.shardLen(i); n > shardSplit && m.shards < maxShards {
				t.Errorf("start %d: a shard of %d keys among %d", start, n, m.shards)
			}
		}
		if c.pages && m.shards <= pageShards {
			t.Errorf("start %d: %d keys in %d shards, one page", start, m.len(), m.shards)
		}
	}
}

// TestShardsFor checks the shard counts: one for a small table, powers of two, at most
// maxShards.
func TestShardsFor(t *testing.T) {
	for size, want := range map[int]int{0: 1, 1: 1, shardTarget: 1, shardTarget + 1: 8, 3 * shardTarget: 16, 1 << 30: maxShards} {
		if got := shardsFor(size); got != want {
			t.Errorf("shardsFor(%d) = %d, want %d", size, got, want)
		}
	}
}

// TestChunkListTrim reserves more than it pushes, trims, and checks the items and that
// the list still grows and clones as before.
func TestChunkListTrim(t *testing.T) {
	for _, n := range []int{0, 1, 7, listChunk - 1, listChunk, listChunk + 3, 3 * listChunk} {
		var l chunkList[int]
		l.reserve(min(2*n+5, listChunk))
		for i := range n {
			*l.push(i) = i
		}
		l.trim()
		if c := len(l.chunks) - 1; c >= 0 && cap(l.chunks[c])-len(l.chunks[c]) > len(l.chunks[c])/8 {
			t.Errorf("n %d: last chunk of %d items has room for %d", n, len(l.chunks[c]), cap(l.chunks[c]))
		}
		// The list is done: a new version is a clone, which copies what it changes.
		next := l.clone()
		for i := range 5 {
			*next.push(n + i) = n + i
		}
		*next.writable(0) = -1
		if next.len() != n+5 || l.len() != n {
			t.Fatalf("n %d: lengths %d and %d", n, next.len(), l.len())
		}
		for i := range n {
			if got := *l.at(i); got != i {
				t.Fatalf("n %d: item %d of the first version = %d", n, i, got)
			}
		}
		for i := 1; i < n+5; i++ {
			if got := *next.at(i); got != i {
				t.Fatalf("n %d: item %d = %d", n, i, got)
			}
		}
	}
}

// A table of large values gets smaller shards, so an edit copies about as many bytes of
// it as of a table of small ones.
func TestShardTargetBySize(t *testing.T) {
	if got := shardTargetOf[string, int32](); got != shardTarget {
		t.Errorf("string -> int32: %d keys a shard, want %d", got, shardTarget)
	}
	big := shardTargetOf[string, nameRec]()
	if big >= shardTarget || big < 64 {
		t.Errorf("string -> nameRec: %d keys a shard, want fewer than %d", big, shardTarget)
	}
	m := newShardedMap[string, nameRec](0)
	for i := range 20 * big {
		m.set(fmt.Sprint(i), nameRec{key: fmt.Sprint(i)})
	}
	for i := range m.shards {
		if n := m.shardLen(i); n > big {
			t.Errorf("a shard of %d records, past the split at %d", n, big)
		}
	}
	if m.len() != 20*big {
		t.Errorf("%d records, want %d", m.len(), 20*big)
	}
}

// TestShardedMapSetWhileIterating sets each key all yields as it is yielded, in versions
// whose shards are the map's own, shared, or carry changes over a shared map (the
// version's own changes, or a copy of those of the one before), and enough
// of them that shards are copied with their changes halfway: every key is yielded once,
// with its value before the pass, and the version cloned from is left alone.
func TestShardedMapSetWhileIterating(t *testing.T) {
	for _, size := range []int{40, 300, 3 * shardTarget} {
		for _, changes := range []int{0, 5, 3 * foldAt} {
			m := newShardedMap[string, int](size)
			want := map[string]int{}
			for i := range size {
				m.set(fmt.Sprint(i), i)
				want[fmt.Sprint(i)] = i
			}
			m = m.clone()
			for i := range changes { // changes over the shared shards: sets, new keys, deletes
				k := fmt.Sprint(i * 7 % (size + 10))
				if i%3 == 0 {
					m.del(k)
					delete(want, k)
				} else {
					m.set(k, -i)
					want[k] = -i
				}
			}
			before := maps.Clone(want)
			prev := m
			m = m.clone()
			for i := range min(changes, 4) { // changes of this version before the pass: it owns them
				k := fmt.Sprint(i * 11 % size)
				m.set(k, i)
				want[k] = i
			}
			seen := map[string]bool{}
			for k, v := range m.all() {
				if seen[k] {
					t.Fatalf("size %d, changes %d: %q yielded twice", size, changes, k)
				}
				seen[k] = true
				if v != want[k] {
					t.Fatalf("size %d, changes %d: %q = %d, want %d", size, changes, k, v, want[k])
				}
				m.set(k, v+1000)
				want[k] = v + 1000
			}
			if len(seen) != len(want) || m.len() != len(want) {
				t.Fatalf("size %d, changes %d: %d yielded, %d keys, want %d", size, changes, len(seen), m.len(), len(want))
			}
			for k, v := range want {
				if got, _ := m.lookup(k); got != v {
					t.Fatalf("size %d, changes %d: %q = %d after the pass, want %d", size, changes, k, got, v)
				}
				if got, _ := prev.lookup(k); got != before[k] {
					t.Fatalf("size %d, changes %d: the version before has %q = %d, want %d", size, changes, k, got, before[k])
				}
			}
		}
	}
}
