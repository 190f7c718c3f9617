package index

import "slices"

// topicTable holds a file's topics: the records in chunks of a fixed size, found through
// a map from key to record number. Versions of a file share the map's shards and the
// chunks until they change them. Keeping line numbers out of the map matters when lines
// move (Enter in the middle of a file): every later topic's first line changes, and the
// records are then adjusted chunk by chunk, in order, without touching the map.
type topicTable struct {
	index  shardedMap[string, int32]
	chunks [][]topic // record i is chunks[i/topicChunk][i%topicChunk]
	owned  []bool    // chunks this table made or copied, free to change
	n      int       // records, those of deleted topics included
	holes  int       // records of deleted topics
}

const (
	topicChunkShift = 10
	topicChunk      = 1 << topicChunkShift
)

func newTopicTable(size int) topicTable {
	return topicTable{index: newShardedMap[string, int32](size)}
}

// get returns the topic of key, or nil. The record is shared between versions: read it,
// do not change it.
func (t *topicTable) get(key string) *topic {
	i, ok := t.index.lookup(key)
	if !ok {
		return nil
	}
	return &t.chunks[i>>topicChunkShift][i&(topicChunk-1)]
}

func (t *topicTable) len() int { return t.index.len() }

// all iterates over the topics and their keys.
func (t *topicTable) all() func(yield func(string, *topic) bool) {
	return func(yield func(string, *topic) bool) {
		for k, i := range t.index.all() {
			if !yield(k, &t.chunks[i>>topicChunkShift][i&(topicChunk-1)]) {
				return
			}
		}
	}
}

// clone returns a table that shares every shard and chunk with t until it changes one.
func (t *topicTable) clone() topicTable {
	return topicTable{index: t.index.clone(), chunks: slices.Clone(t.chunks),
		owned: make([]bool, len(t.chunks)), n: t.n, holes: t.holes}
}

// own returns the topic of key, or nil, in a record this table may change.
func (t *topicTable) own(key string) *topic {
	i, ok := t.index.lookup(key)
	if !ok {
		return nil
	}
	return &t.writable(int(i >> topicChunkShift))[i&(topicChunk-1)]
}

// writable returns chunk c, copied first if another table shares it. A chunk keeps room
// for a full chunk of records, so that records added later never move it.
func (t *topicTable) writable(c int) []topic {
	if !t.owned[c] {
		t.chunks[c] = append(make([]topic, 0, topicChunk), t.chunks[c]...)
		t.owned[c] = true
	}
	return t.chunks[c]
}

// add enters a new topic of key and returns its record.
func (t *topicTable) add(key string, rec topic) *topic {
	c := t.n >> topicChunkShift
	if c == len(t.chunks) {
		t.chunks = append(t.chunks, make([]topic, 0, topicChunk))
		t.owned = append(t.owned, true)
	}
	chunk := append(t.writable(c), rec)
	t.chunks[c] = chunk
	t.index.set(key, int32(t.n))
	t.n++
	return &chunk[len(chunk)-1]
}

// del removes the topic of key; its record stays, unused, until the table is compacted.
func (t *topicTable) del(key string) {
	if _, ok := t.index.lookup(key); ok {
		t.index.del(key)
		t.holes++
	}
}

// shift adds delta to every first line and entry line from `from` on, chunk by chunk.
func (t *topicTable) shift(from, delta int32) {
	for c := range t.chunks {
		for j := range t.chunks[c] {
			r := &t.chunks[c][j]
			if r.first < from && r.entry < from {
				continue
			}
			r = &t.writable(c)[j]
			if r.first >= from {
				r.first += delta
			}
			if r.entry >= from {
				r.entry += delta
			}
		}
	}
}

// compacted returns the table without the records of deleted topics once they are the
// larger part: edits that delete topics would otherwise grow it for ever.
func (t *topicTable) compacted() topicTable {
	if t.holes < topicChunk || t.holes < t.n/2 {
		return *t
	}
	out := newTopicTable(t.len())
	for k, r := range t.all() {
		out.add(k, *r)
	}
	return out
}
