package index

import (
	"hash/maphash"
	"iter"
	"maps"
	"math/bits"
	"slices"
	"unsafe"
)

// shardedMap is a map cut into shards by hash, for the large tables that versions of a
// file share: a version that changes a few keys copies the shards that hold them, not
// the whole table. A map is built by one writer and then never changed; clone gives a new
// writer a copy that shares every shard until it changes one. Keys are strings, or
// hashes already (uint64), which pick their shard themselves.
//
// The number of shards follows the size: about shardTarget keys each, up to maxShards. A
// small file's table is one map, where sixty-four nearly empty maps took three times the
// memory of its keys (every map has a header and a group of eight slots at least); a
// large one copies a thousand keys or so when it changes one. At a million lines the
// workspace tables hold three million keys: in sixty-four shards a keystroke copied 4 MB
// of them, the garbage that kept the collector busy, and in 1,024 (the most there were)
// still three thousand keys a shard.
//
// The shards are kept in pages of pageShards, so that a clone copies a pointer a page
// rather than one a shard, and a change copies the page and the shard it touches: a
// table of millions of keys has thousands of shards, which a keystroke would otherwise
// copy the pointers of for each table it changes.
type shardedMap[K shardKey, V any] struct {
	pages  []*shardPage[K, V]
	owned  []bool // pages this map made or copied, free to change
	shards int    // a power of two of them, in pages of pageShards
}

// shardPage holds up to pageShards shards; a map of fewer has one page of that many.
type shardPage[K shardKey, V any] struct{ slots []shardSlot[K, V] }

type shardSlot[K shardKey, V any] struct {
	m     map[K]V
	owned bool // made or copied by the page's map, free to change
}

type shardKey interface{ string | uint64 }

const (
	pageBits   = 6
	pageShards = 1 << pageBits
	maxShards  = 1 << 16
	// shardTarget is the most keys of small entries a table keeps in one map, unsharded:
	// its keys are not hashed to find a shard, which for every file's tables, split into
	// shards of 128 keys, cost indexing 10-15%. A larger table, whose keys are hashed for
	// their shard anyway, has shards of a quarter of that, so that a change copies 256
	// keys. A shard that grows past shardTarget splits the map into more shards: a map
	// built small and grown by edits keeps its copies short, and each key is moved O(1)
	// times on the average.
	shardTarget = 1024
	shardSplit  = shardTarget
	// shardBytes bounds what one shard's entries take, so that a table of large values
	// (a near-duplicate record is five strings) copies as few bytes per edit as one of
	// small ones: 1,024 such records were 100 KB copied for one changed name.
	shardBytes = 24 << 10
)

// shardTargetOf is the number of keys a shard of K and V is sized for.
func shardTargetOf[K shardKey, V any]() int {
	var k K
	var v V
	return min(shardTarget, max(64, shardBytes/int(unsafe.Sizeof(k)+unsafe.Sizeof(v))))
}

// shardsFor returns the number of shards for about size keys of small entries.
func shardsFor(size int) int { return shardsForTarget(size, shardTarget) }

func shardsForTarget(size, target int) int {
	if size <= target {
		return 1
	}
	per := target / 4
	n := (size + per - 1) / per
	return min(maxShards, 1<<bits.Len(uint(n-1)))
}

// newShardedMap returns an empty map sized for about size keys. Its shards are made when
// first written.
func newShardedMap[K shardKey, V any](size int) shardedMap[K, V] {
	n := shardsForTarget(size, shardTargetOf[K, V]())
	per := min(n, pageShards)
	m := shardedMap[K, V]{pages: make([]*shardPage[K, V], n/per), owned: make([]bool, n/per), shards: n}
	for p := range m.pages {
		page := &shardPage[K, V]{slots: make([]shardSlot[K, V], per)}
		for i := range page.slots {
			page.slots[i].owned = true
			if size > 0 {
				page.slots[i].m = make(map[K]V, size/n)
			}
		}
		m.pages[p], m.owned[p] = page, true
	}
	return m
}

func (m *shardedMap[K, V]) shardOf(k K) int {
	if m.shards == 1 {
		return 0
	}
	return int(hashOf(k) & uint64(m.shards-1))
}

// shard returns the map of shard i, which must not be changed.
func (m *shardedMap[K, V]) shard(i int) map[K]V {
	return m.pages[i>>pageBits].slots[i&(pageShards-1)].m
}

func hashOf[K shardKey](k K) uint64 {
	switch k := any(k).(type) {
	case string:
		return maphash.String(seed, k)
	case uint64:
		return k
	}
	panic("shardedMap: a key type without a shard")
}

// get returns the value of k, or the zero value.
func (m *shardedMap[K, V]) get(k K) V {
	if m.pages == nil {
		var zero V
		return zero
	}
	return m.shard(m.shardOf(k))[k]
}

func (m *shardedMap[K, V]) lookup(k K) (V, bool) {
	if m.pages == nil {
		var zero V
		return zero, false
	}
	v, ok := m.shard(m.shardOf(k))[k]
	return v, ok
}

func (m *shardedMap[K, V]) set(k K, v V) {
	if m.pages == nil {
		*m = newShardedMap[K, V](0)
	}
	s := m.writable(m.shardOf(k))
	s[k] = v
	if len(s) > shardTargetOf[K, V]() && m.shards < maxShards {
		m.split()
	}
}

func (m *shardedMap[K, V]) del(k K) {
	if m.pages == nil {
		return
	}
	i := m.shardOf(k)
	if _, ok := m.shard(i)[k]; ok {
		delete(m.writable(i), k)
	}
}

// writable returns shard i to change, copying its page and itself first when another
// version may share them.
func (m *shardedMap[K, V]) writable(i int) map[K]V {
	p := i >> pageBits
	if !m.owned[p] {
		slots := make([]shardSlot[K, V], len(m.pages[p].slots))
		for j, s := range m.pages[p].slots {
			slots[j].m = s.m
		}
		m.pages[p], m.owned[p] = &shardPage[K, V]{slots: slots}, true
	}
	s := &m.pages[p].slots[i&(pageShards-1)]
	switch {
	case s.m == nil:
		s.m = map[K]V{}
	case !s.owned:
		s.m = maps.Clone(s.m)
	}
	s.owned = true
	return s.m
}

// split moves the keys into as many shards as their number calls for. The shards are
// new, so versions sharing the old ones keep them.
func (m *shardedMap[K, V]) split() {
	out := newShardedMap[K, V](m.len())
	for _, s := range m.eachShard() {
		for k, v := range s {
			out.writable(out.shardOf(k))[k] = v
		}
	}
	*m = out
}

// eachShard iterates over the shards' maps, which must not be changed.
func (m *shardedMap[K, V]) eachShard() iter.Seq2[int, map[K]V] {
	return func(yield func(int, map[K]V) bool) {
		for i := range m.shards {
			if !yield(i, m.shard(i)) {
				return
			}
		}
	}
}

func (m *shardedMap[K, V]) len() int {
	n := 0
	for _, s := range m.eachShard() {
		n += len(s)
	}
	return n
}

// all iterates over the keys and values. A writer may set keys that already exist
// while iterating.
func (m *shardedMap[K, V]) all() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for _, s := range m.eachShard() {
			for k, v := range s {
				if !yield(k, v) {
					return
				}
			}
		}
	}
}

// clone returns a map that shares every page and shard with m until it changes one.
func (m *shardedMap[K, V]) clone() shardedMap[K, V] {
	if m.pages == nil {
		return shardedMap[K, V]{}
	}
	return shardedMap[K, V]{pages: slices.Clone(m.pages), owned: make([]bool, len(m.pages)), shards: m.shards}
}
