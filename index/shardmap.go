package index

import (
	"hash/maphash"
	"iter"
	"maps"
)

// shardedMap is a map cut into shards by hash, for the large tables that versions of a
// file share: a version that changes a few keys copies the shards that hold them, not
// the whole table. A map is built by one writer and then never changed; clone gives a new
// writer a copy that shares every shard until it changes one. Keys are strings, or
// hashes already (uint64), which pick their shard themselves.
type shardedMap[K shardKey, V any] struct {
	shards [mapShards]map[K]V
	owned  [mapShards]bool // shards this map made or copied, free to change
}

type shardKey interface{ string | uint64 }

const mapShards = 64

// newShardedMap returns an empty map sized for about size keys. Its shards are made when
// first written: a small file fills a few of them, and sixty-four empty maps for each of
// ten thousand one-line files would be most of their memory.
func newShardedMap[K shardKey, V any](size int) shardedMap[K, V] {
	var m shardedMap[K, V]
	if per := size / mapShards; per > 0 {
		for i := range m.shards {
			m.shards[i] = make(map[K]V, per)
		}
	}
	for i := range m.owned {
		m.owned[i] = true
	}
	return m
}

func shardOf[K shardKey](k K) uint64 {
	switch k := any(k).(type) {
	case string:
		return maphash.String(seed, k) % mapShards
	case uint64:
		return k % mapShards
	}
	panic("shardedMap: a key type without a shard")
}

// get returns the value of k, or the zero value.
func (m *shardedMap[K, V]) get(k K) V { return m.shards[shardOf(k)][k] }

func (m *shardedMap[K, V]) lookup(k K) (V, bool) {
	v, ok := m.shards[shardOf(k)][k]
	return v, ok
}

func (m *shardedMap[K, V]) set(k K, v V) { m.writable(shardOf(k))[k] = v }

func (m *shardedMap[K, V]) del(k K) {
	i := shardOf(k)
	if _, ok := m.shards[i][k]; ok {
		delete(m.writable(i), k)
	}
}

func (m *shardedMap[K, V]) writable(i uint64) map[K]V {
	switch {
	case m.shards[i] == nil:
		m.shards[i] = map[K]V{}
	case !m.owned[i]:
		m.shards[i] = maps.Clone(m.shards[i])
	}
	m.owned[i] = true
	return m.shards[i]
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
	return shardedMap[K, V]{shards: m.shards}
}
