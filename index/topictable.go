package index

// topicTable holds a file's topics: the records in a chunkList, found through a map from
// key to record number. Versions of a file share the map's shards and the
// chunks until they change them. Keeping line numbers out of the map matters when lines
// move (Enter in the middle of a file): every later topic's first line changes, and the
// records are then adjusted chunk by chunk, in order, without touching the map.
type topicTable struct {
	index shardedMap[string, int32]
	recs  chunkList[topic] // records of deleted topics included
	holes int              // records of deleted topics
}

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
	return t.recs.at(int(i))
}

func (t *topicTable) len() int { return t.index.len() }

// all iterates over the topics and their keys.
func (t *topicTable) all() func(yield func(string, *topic) bool) {
	return func(yield func(string, *topic) bool) {
		for k, i := range t.index.all() {
			if !yield(k, t.recs.at(int(i))) {
				return
			}
		}
	}
}

// clone returns a table that shares every shard and chunk with t until it changes one.
func (t *topicTable) clone() topicTable {
	return topicTable{index: t.index.clone(), recs: t.recs.clone(), holes: t.holes}
}

// own returns the topic of key, or nil, in a record this table may change.
func (t *topicTable) own(key string) *topic {
	i, ok := t.index.lookup(key)
	if !ok {
		return nil
	}
	return t.recs.writable(int(i))
}

// add enters a new topic of key and returns its record.
func (t *topicTable) add(key string, rec topic) *topic {
	t.index.set(key, int32(t.recs.len()))
	return t.recs.push(rec)
}

// del removes the topic of key; its record stays, unused, until the table is compacted.
func (t *topicTable) del(key string) {
	if _, ok := t.index.lookup(key); ok {
		t.index.del(key)
		t.holes++
	}
}

// shift adds delta to every first line and entry line from `from` on, in record order.
func (t *topicTable) shift(from, delta int32) {
	for i := range t.recs.len() {
		if r := t.recs.at(i); r.first < from && r.entry < from {
			continue
		}
		r := t.recs.writable(i)
		if r.first >= from {
			r.first += delta
		}
		if r.entry >= from {
			r.entry += delta
		}
	}
}

// compacted returns the table without the records of deleted topics once they are the
// larger part: edits that delete topics would otherwise grow it for ever.
func (t *topicTable) compacted() topicTable {
	if t.holes < listChunk || t.holes < t.recs.len()/2 {
		return *t
	}
	out := newTopicTable(t.len())
	for k, r := range t.all() {
		out.add(k, *r)
	}
	return out
}
