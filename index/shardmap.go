package index

import (
	"hash/maphash"
	"iter"
	"maps"
	"math/bits"
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
// large one still copies a few thousand keys when it changes one. At a million lines the
// workspace tables hold three million keys: in sixty-four shards a keystroke copied 4 MB
// of them, the garbage that kept the collector busy.
type shardedMap[K shardKey, V any] struct {
	shards []map[K]V // a power of two of them
	owned  []bool    // shards this map made or copied, free to change
}

type shardKey interface{ string | uint64 }

const (
	maxShards = 1024
	// shardTarget is the number of keys a shard of small entries is sized for. A shard
	// that grows to 4 times its target splits the map into more shards: a map built small
	// and grown by edits keeps its copies short, and each key is moved O(1) times on the
	// average.
	shardTarget = 1024
	shardSplit  = 4 * shardTarget
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
	n := (size + target - 1) / target
	if n <= 1 {
		return 1
	}
	return min(maxShards, 1<<bits.Len(uint(n-1)))
}

// newShardedMap returns an empty map sized for about size keys. Its shards are made when
// first written.
func newShardedMap[K shardKey, V any](size int) shardedMap[K, V] {
	n := shardsForTarget(size, shardTargetOf[K, V]())
	m := shardedMap[K, V]{shards: make([]map[K]V, n), owned: make([]bool, n)}
	if size > 0 {
		per := size / n
		for i := range m.shards {
			m.shards[i] = make(map[K]V, per)
		}
	}
	for i := range m.owned {
		m.owned[i] = true
	}
	return m
}

func (m *shardedMap[K, V]) shardOf(k K) int {
	if len(m.shards) == 1 {
		return 0
	}
	return int(hashOf(k) & uint64(len(m.shards)-1))
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
	if m.shards == nil {
		var zero V
		return zero
	}
	return m.shards[m.shardOf(k)][k]
}

func (m *shardedMap[K, V]) lookup(k K) (V, bool) {
	if m.shards == nil {
		var zero V
		return zero, false
	}
	v, ok := m.shards[m.shardOf(k)][k]
	return v, ok
}

func (m *shardedMap[K, V]) set(k K, v V) {
	if m.shards == nil {
		*m = newShardedMap[K, V](0)
	}
	s := m.writable(m.shardOf(k))
	s[k] = v
	if len(s) > 4*shardTargetOf[K, V]() && len(m.shards) < maxShards {
		m.split()
	}
}

func (m *shardedMap[K, V]) del(k K) {
	if m.shards == nil {
		return
	}
	i := m.shardOf(k)
	if _, ok := m.shards[i][k]; ok {
		delete(m.writable(i), k)
	}
}

func (m *shardedMap[K, V]) writable(i int) map[K]V {
	switch {
	case m.shards[i] == nil:
		m.shards[i] = map[K]V{}
	case !m.owned[i]:
		m.shards[i] = maps.Clone(m.shards[i])
	}
	m.owned[i] = true
	return m.shards[i]
}

// split moves the keys into as many shards as their number calls for. The shards are
// new, so versions sharing the old ones keep them.
func (m *shardedMap[K, V]) split() {
	out := newShardedMap[K, V](m.len())
	for _, s := range m.shards {
		for k, v := range s {
			out.shards[out.shardOf(k)][k] = v
		}
	}
	*m = out
}

func (m *shardedMap[K, V]) len() int {
	n := 0
	for _, s := range m.shards {
		n += len(s)
	}
	return n
}

// all iterates over the keys and values. A writer may set keys that already exist
// while iterating.
func (m *shardedMap[K, V]) all() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for _, s := range m.shards {
			for k, v := range s {
				if !yield(k, v) {
					return
				}
			}
		}
	}
}

// clone returns a map that shares every shard with m until it changes one.
func (m *shardedMap[K, V]) clone() shardedMap[K, V] {
	if m.shards == nil {
		return shardedMap[K, V]{}
	}
	shards := make([]map[K]V, len(m.shards))
	copy(shards, m.shards)
	return shardedMap[K, V]{shards: shards, owned: make([]bool, len(shards))}
}
