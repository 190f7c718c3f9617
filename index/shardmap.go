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

// A shard is a map and the changes made to it since it was last copied. A version that
// changes a shard it shares records the change beside the map, copying only the few
// changes before it, and copies the map once the changes are many: typing one line
// changes a key of each of a dozen workspace tables at every keystroke, and copying the
// shards that held them (256 keys each) was a fifth of what a keystroke allocated at a
// million lines.
type shardSlot[K shardKey, V any] struct {
	m     map[K]V
	delta map[K]shardChange[V] // the changes over m, or nil; while there are any, m is shared and never changed
	owned bool                 // m, or the delta when there is one, was made or copied by the page's map: free to change
	added int32                // keys in delta but not in m, less keys of m it removes
}

// shardChange is a key's value, or its removal, over a shard's map.
type shardChange[V any] struct {
	v    V
	gone bool
}

// foldAt is the number of changes at which a shard's map is copied with them: a change
// copies at most this many earlier ones, and the copies of the map are this many
// changes apart.
const foldAt = 16

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

func (m *shardedMap[K, V]) slot(i int) *shardSlot[K, V] {
	return &m.pages[i>>pageBits].slots[i&(pageShards-1)]
}

func (s *shardSlot[K, V]) lookup(k K) (V, bool) {
	if s.delta != nil {
		if c, ok := s.delta[k]; ok {
			return c.v, !c.gone
		}
	}
	v, ok := s.m[k]
	return v, ok
}

func (s *shardSlot[K, V]) len() int { return len(s.m) + int(s.added) }

// allChanged iterates over the keys and values of a shard with changes: the changed
// ones first, so that a writer setting the key just yielded records a change the
// iteration has passed. A shard without changes is walked as its map, where the
// caller's loop is inlined.
func (s *shardSlot[K, V]) allChanged(yield func(K, V) bool) bool {
	m, delta := s.m, s.delta
	for k, c := range delta {
		if !c.gone && !yield(k, c.v) {
			return false
		}
	}
	for k, v := range m {
		if _, changed := delta[k]; changed {
			continue
		}
		if !yield(k, v) {
			return false
		}
	}
	return true
}

// shardAll iterates over the keys and values of shard i.
func (m *shardedMap[K, V]) shardAll(i int) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		s := m.slot(i)
		if s.delta != nil {
			s.allChanged(yield)
			return
		}
		for k, v := range s.m {
			if !yield(k, v) {
				return
			}
		}
	}
}

// shardLen returns the number of keys in shard i.
func (m *shardedMap[K, V]) shardLen(i int) int { return m.slot(i).len() }

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
	v, _ := m.lookup(k)
	return v
}

func (m *shardedMap[K, V]) lookup(k K) (V, bool) {
	if m.pages == nil {
		var zero V
		return zero, false
	}
	s := m.slot(m.shardOf(k))
	if s.delta == nil {
		v, ok := s.m[k]
		return v, ok
	}
	return s.lookup(k)
}

func (m *shardedMap[K, V]) set(k K, v V) {
	if m.pages == nil {
		*m = newShardedMap[K, V](0)
	}
	s := m.writable(m.shardOf(k))
	if s.delta == nil {
		s.m[k] = v
	} else {
		if c, ok := s.delta[k]; ok && c.gone {
			s.added++ // a key of m, back
		} else if _, inMap := s.m[k]; !ok && !inMap {
			s.added++
		}
		s.delta[k] = shardChange[V]{v: v}
		s.foldIfLong()
	}
	if s.len() > shardTargetOf[K, V]() && m.shards < maxShards {
		m.split()
	}
}

func (m *shardedMap[K, V]) del(k K) {
	if m.pages == nil {
		return
	}
	i := m.shardOf(k)
	if _, ok := m.slot(i).lookup(k); !ok {
		return
	}
	s := m.writable(i)
	if s.delta == nil {
		delete(s.m, k)
		return
	}
	s.added--
	if _, inMap := s.m[k]; inMap {
		s.delta[k] = shardChange[V]{gone: true}
		s.foldIfLong()
	} else {
		delete(s.delta, k)
	}
}

// foldIfLong copies the shard's map with its changes once they are many.
func (s *shardSlot[K, V]) foldIfLong() {
	if len(s.delta) < foldAt {
		return
	}
	m := maps.Clone(s.m)
	for k, c := range s.delta {
		if c.gone {
			delete(m, k)
		} else {
			m[k] = c.v
		}
	}
	s.m, s.delta, s.added = m, nil, 0
}

// writable returns shard i to change, copying its page first when another version may
// share it. A shard another version may share gets changes of its own (a copy of the
// ones it had) over the shared map: the caller changes the map when the shard has no
// changes, else the changes.
func (m *shardedMap[K, V]) writable(i int) *shardSlot[K, V] {
	p := i >> pageBits
	if !m.owned[p] {
		slots := make([]shardSlot[K, V], len(m.pages[p].slots))
		for j, s := range m.pages[p].slots {
			slots[j] = shardSlot[K, V]{m: s.m, delta: s.delta, added: s.added}
		}
		m.pages[p], m.owned[p] = &shardPage[K, V]{slots: slots}, true
	}
	s := &m.pages[p].slots[i&(pageShards-1)]
	switch {
	case s.m == nil:
		s.m = map[K]V{}
	case s.owned:
	case s.delta == nil:
		s.delta = make(map[K]shardChange[V], 1)
	default:
		s.delta = maps.Clone(s.delta)
	}
	s.owned = true
	return s
}

// split moves the keys into as many shards as their number calls for. The shards are
// new, so versions sharing the old ones keep them.
func (m *shardedMap[K, V]) split() {
	out := newShardedMap[K, V](m.len())
	for k, v := range m.all() {
		out.writable(out.shardOf(k)).m[k] = v
	}
	*m = out
}

func (m *shardedMap[K, V]) len() int {
	n := 0
	for i := range m.shards {
		n += m.shardLen(i)
	}
	return n
}

// all iterates over the keys and values. A writer may set the key just yielded while
// iterating.
func (m *shardedMap[K, V]) all() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for i := range m.shards {
			s := m.slot(i)
			if s.delta == nil {
				for k, v := range s.m {
					if !yield(k, v) {
						return
					}
				}
			} else if !s.allChanged(yield) {
				return
			}
		}
	}
}

// keys iterates over the keys.
func (m *shardedMap[K, V]) keys() iter.Seq[K] {
	return func(yield func(K) bool) {
		for k := range m.all() {
			if !yield(k) {
				return
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
