package index

import "slices"

// lineTable maps a hash to the lines that have it. Nearly every hash has one line, kept
// in a flat map; hashes of two or more lines move to a second map. At a million lines this
// saves a million small slices. Both maps are sharded (see shardedMap): a keystroke
// changes one or two lines, so the next version copies one or two shards of them, where
// copying the second whole cost a messy file's keystroke a tenth of its index update.
type lineTable struct {
	first shardedMap[uint64, int32]
	more  shardedMap[uint64, []int32] // every line of the hash, in order, when there are several
	// shared says the lists in more may belong to another table too (after clone), so
	// they are copied before they change.
	shared bool
}

func newLineTable(size int) lineTable {
	return lineTable{first: newShardedMap[uint64, int32](size), more: newShardedMap[uint64, []int32](0)}
}

func (t *lineTable) add(h uint64, line int32) {
	first, ok := t.first.lookup(h)
	if !ok {
		t.first.set(h, line) // the common case: one lookup and one insert
		return
	}
	lines, ok := t.more.lookup(h)
	if !ok {
		t.more.set(h, []int32{min(first, line), max(first, line)})
		t.first.set(h, min(first, line))
		return
	}
	if !t.shared && line > lines[len(lines)-1] {
		t.more.set(h, append(lines, line)) // indexing a file: lines come in order
		return
	}
	// Keep the lines in order: an edit may add a line before others of its hash.
	i, _ := slices.BinarySearch(lines, line)
	lines = slices.Insert(slices.Clone(lines), i, line)
	t.more.set(h, lines)
	t.first.set(h, lines[0])
}

// lines returns the lines of a hash, in order.
func (t *lineTable) lines(h uint64) []int32 {
	if lines, ok := t.more.lookup(h); ok {
		return lines
	}
	if first, ok := t.first.lookup(h); ok {
		return []int32{first}
	}
	return nil
}

// clone returns a table that can change while the original is shared: it shares every
// shard until it changes one.
func (t *lineTable) clone() lineTable {
	return lineTable{first: t.first.clone(), more: t.more.clone(), shared: true}
}

// remove takes line out of the lines of h. Slices are replaced, never changed in place,
// since a clone shares them.
func (t *lineTable) remove(h uint64, line int32) {
	if lines, ok := t.more.lookup(h); ok {
		rest := slices.DeleteFunc(slices.Clone(lines), func(l int32) bool { return l == line })
		switch len(rest) {
		case 0:
			t.more.del(h)
			t.first.del(h)
		case 1:
			t.more.del(h)
			t.first.set(h, rest[0])
		default:
			t.more.set(h, rest)
			t.first.set(h, rest[0])
		}
		return
	}
	if first, ok := t.first.lookup(h); ok && first == line {
		t.first.del(h)
	}
}

// shift adds delta to every line number from `from` on, after lines were inserted or
// removed before them.
func (t *lineTable) shift(from, delta int32) {
	for h, l := range t.first.all() {
		if l >= from {
			t.first.set(h, l+delta)
		}
	}
	for h, lines := range t.more.all() {
		if lines[len(lines)-1] >= from {
			t.more.set(h, shifted(lines, from, delta))
		}
	}
}

func (t *lineTable) has(h uint64) bool {
	_, ok := t.first.lookup(h)
	return ok
}

// keyTable maps a key to one or more keys, the common single value kept flat.
type keyTable struct {
	one  shardedMap[string, string] // every key, with its first value
	more map[string][]string        // all values, when there are several
}

func newKeyTable(size int) keyTable {
	return keyTable{one: newShardedMap[string, string](size), more: make(map[string][]string, size/2)}
}

func (t *keyTable) add(k, v string) {
	if vs, ok := t.more[k]; ok {
		t.more[k] = append(vs, v)
		return
	}
	if first, ok := t.one.lookup(k); ok {
		t.more[k] = []string{first, v}
		return
	}
	t.one.set(k, v)
}

// appendTo appends the values of k to dst.
func (t *keyTable) appendTo(dst []string, k string) []string {
	if vs, ok := t.more[k]; ok {
		return append(dst, vs...)
	}
	if v, ok := t.one.lookup(k); ok {
		return append(dst, v)
	}
	return dst
}
