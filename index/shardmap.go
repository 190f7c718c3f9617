package index

import (
	"hash/maphash"
	"iter"
	"maps"
)

// shardedMap is a string-keyed map cut into shards by hash, for the large tables that
// versions of a file share: a version that changes a few keys copies the shards that
// hold them, not the whole table. A map is built by one writer and then never changed;
// clone gives a new writer a copy that shares every shard until it changes one.
type shardedMap[V any] struct {
	shards [mapShards]map[string]V
	owned  [mapShards]bool // shards this map made or copied, free to change
}

const mapShards = 64

func newShardedMap[V any](size int) shardedMap[V] {
	var m shardedMap[V]
	for i := range m.shards {
		m.shards[i] = make(map[string]V, size/mapShards)
		m.owned[i] = true
	}
	return m
}

func shardOf(k string) uint64 { return maphash.String(seed, k) % mapShards }

// get returns the value of k, or the zero value.
func (m *shardedMap[V]) get(k string) V { return m.shards[shardOf(k)][k] }

func (m *shardedMap[V]) lookup(k string) (V, bool) {
	v, ok := m.shards[shardOf(k)][k]
	return v, ok
}

func (m *shardedMap[V]) set(k string, v V) { m.writable(shardOf(k))[k] = v }

func (m *shardedMap[V]) del(k string) {
	i := shardOf(k)
	if _, ok := m.shards[i][k]; ok {
		delete(m.writable(i), k)
	}
}

func (m *shardedMap[V]) writable(i uint64) map[string]V {
	if !m.owned[i] {
		m.shards[i] = maps.Clone(m.shards[i])
		m.owned[i] = true
	}
	return m.shards[i]
}

func (m *shardedMap[V]) len() int {
	n := 0
	for _, s := range m.shards {
		n += len(s)
	}
	return n
}

// all iterates over the keys and values. A writer may set keys that already exist
// while iterating.
func (m *shardedMap[V]) all() iter.Seq2[string, V] {
	return func(yield func(string, V) bool) {
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
func (m *shardedMap[V]) clone() shardedMap[V] {
	return shardedMap[V]{shards: m.shards}
}
