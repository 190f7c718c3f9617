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
	}{
		{0, 2 * shardSplit, 12, false}, {10, 2 * shardSplit, 12, false}, {shardTarget * 3, 2 * shardSplit, 12, false},
		{pageShards * shardTarget * 2, 2 * shardSplit, 6, true}, // pages from the start
		{0, pageShards * shardSplit / 4, 5, true},               // grown past one page by splits
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
				k := fmt.Sprint(rng.IntN(10 * c.perRound))
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
		for _, s := range m.eachShard() {
			if len(s) > shardSplit && m.shards < maxShards {
				t.Errorf("start %d: a shard of %d keys among %d", start, len(s), m.shards)
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
	for _, s := range m.eachShard() {
		if len(s) > big {
			t.Errorf("a shard of %d records, past the split at %d", len(s), big)
		}
	}
	if m.len() != 20*big {
		t.Errorf("%d records, want %d", m.len(), 20*big)
	}
}
