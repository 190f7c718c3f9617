package index

import (
	"iter"
	"slices"
)

// lineTable maps a key to the lines that have it: a line's hash (duplicates), or a
// reference key (the lines that refer to it). Nearly every key has one line, kept
// flat; hashes of two or more lines move to a second map. At a million lines this saves a
// million small slices. Both maps are sharded (see shardedMap): a keystroke changes one or
// two lines, so the next version copies one or two shards of them, where copying the
// second whole cost a messy file's keystroke a tenth of its index update.
//
// The flat map holds no line number but a slot in firstLines, which holds the numbers:
// Enter moves every later line, and rewriting a list of numbers costs four bytes a line,
// where setting each hash again in copied shards cost 8 ms and 3.6 MB at 100,000 lines.
type lineTable[K shardKey] struct {
	slots      shardedMap[K, int32]   // key -> its slot in firstLines
	firstLines chunkList[int32]       // slot -> the first line of its key; a slot whose key went is never read
	more       shardedMap[K, []int32] // every line of the key, in order, when there are several
	// shared says the lists in more may belong to another table too (after clone), so
	// they are copied before they change.
	shared bool
}

func newLineTable[K shardKey](size int) lineTable[K] {
	t := lineTable[K]{slots: newShardedMap[K, int32](size), more: newShardedMap[K, []int32](0)}
	t.firstLines.reserve(size)
	return t
}

// firstLine returns the first line of hash h.
func (t *lineTable[K]) firstLine(h K) (int32, bool) {
	slot, ok := t.slots.lookup(h)
	if !ok {
		return 0, false
	}
	return *t.firstLines.at(int(slot)), true
}

// setFirst makes line the first line of h.
func (t *lineTable[K]) setFirst(h K, line int32) {
	if slot, ok := t.slots.lookup(h); ok {
		*t.firstLines.writable(int(slot)) = line
		return
	}
	t.slots.set(h, int32(t.firstLines.len()))
	t.firstLines.push(line)
}

func (t *lineTable[K]) add(h K, line int32) {
	first, ok := t.firstLine(h)
	if !ok {
		t.setFirst(h, line) // the common case: a new hash
		return
	}
	lines, ok := t.more.lookup(h)
	if !ok {
		t.more.set(h, []int32{min(first, line), max(first, line)})
		t.setFirst(h, min(first, line))
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
	t.setFirst(h, lines[0])
}

// lines returns the lines of a hash, in order.
func (t *lineTable[K]) lines(h K) []int32 {
	if lines, ok := t.more.lookup(h); ok {
		return lines
	}
	if first, ok := t.firstLine(h); ok {
		return []int32{first}
	}
	return nil
}

// len returns the number of hashes.
func (t *lineTable[K]) len() int { return t.slots.len() }

// all iterates over the hashes and the first line of each.
func (t *lineTable[K]) all() iter.Seq2[K, int32] {
	return func(yield func(K, int32) bool) {
		for h, slot := range t.slots.all() {
			if !yield(h, *t.firstLines.at(int(slot))) {
				return
			}
		}
	}
}

// clone returns a table that can change while the original is shared: it shares every
// shard and chunk until it changes one.
func (t *lineTable[K]) clone() lineTable[K] {
	return lineTable[K]{slots: t.slots.clone(), firstLines: t.firstLines.clone(), more: t.more.clone(), shared: true}
}

// remove takes line out of the lines of h. Slices are replaced, never changed in place,
// since a clone shares them.
func (t *lineTable[K]) remove(h K, line int32) {
	if lines, ok := t.more.lookup(h); ok {
		rest := slices.DeleteFunc(slices.Clone(lines), func(l int32) bool { return l == line })
		switch len(rest) {
		case 0:
			t.more.del(h)
			t.slots.del(h)
		case 1:
			t.more.del(h)
			t.setFirst(h, rest[0])
		default:
			t.more.set(h, rest)
			t.setFirst(h, rest[0])
		}
		return
	}
	if first, ok := t.firstLine(h); ok && first == line {
		t.slots.del(h)
	}
}

// shift adds delta to every line number from `from` on, after lines were inserted or
// removed before them.
func (t *lineTable[K]) shift(from, delta int32) {
	if t.firstLines.len() > 2*t.slots.len()+listChunk {
		t.compact() // the slots of removed hashes outnumber the live ones
	}
	shiftLines(&t.firstLines, from, delta)
	for h, lines := range t.more.all() {
		if lines[len(lines)-1] >= from {
			t.more.set(h, shifted(lines, from, delta))
		}
	}
}

// compact gives the hashes new slots, leaving out those of removed hashes: every edit of
// a line frees one and takes another.
func (t *lineTable[K]) compact() {
	slots := newShardedMap[K, int32](t.slots.len())
	firstLines := chunkList[int32]{}
	firstLines.reserve(t.slots.len())
	for h, line := range t.all() {
		slots.set(h, int32(firstLines.len()))
		firstLines.push(line)
	}
	t.slots, t.firstLines = slots, firstLines
}

func (t *lineTable[K]) has(h K) bool {
	_, ok := t.slots.lookup(h)
	return ok
}

// each yields the lines of h in order, as lines returns them, without making a list.
func (t *lineTable[K]) each(h K) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		if lines, ok := t.more.lookup(h); ok {
			for _, l := range lines {
				if !yield(l) {
					return
				}
			}
			return
		}
		if first, ok := t.firstLine(h); ok {
			yield(first)
		}
	}
}

// appendLines appends the lines of h to dst.
func (t *lineTable[K]) appendLines(dst []int32, h K) []int32 {
	if lines, ok := t.more.lookup(h); ok {
		return append(dst, lines...)
	}
	if first, ok := t.firstLine(h); ok {
		return append(dst, first)
	}
	return dst
}

// drop takes h and all its lines out.
func (t *lineTable[K]) drop(h K) {
	t.more.del(h)
	t.slots.del(h)
}

// counts yields every key with its number of lines: count for each key of all, with one
// lookup a key instead of three.
func (t *lineTable[K]) counts() iter.Seq2[K, int] {
	return func(yield func(K, int) bool) {
		for h := range t.slots.all() {
			n := 1
			if lines, ok := t.more.lookup(h); ok {
				n = len(lines)
			}
			if !yield(h, n) {
				return
			}
		}
	}
}

// count returns the number of lines of h.
func (t *lineTable[K]) count(h K) int {
	if lines, ok := t.more.lookup(h); ok {
		return len(lines)
	}
	if t.has(h) {
		return 1
	}
	return 0
}

// keyTable maps a key to one or more keys, the common single value kept flat. Both maps
// are sharded: every edit of a head clones the table, and a copy of the second whole was
// 1.4 ms of each at 100,000 lines.
type keyTable struct {
	one  shardedMap[string, string]   // every key, with its first value
	more shardedMap[string, []string] // all values, when there are several
	// shared says the lists in more may belong to another table too (after clone), so
	// they are copied before they grow.
	shared bool
}

func newKeyTable(size int) keyTable {
	return keyTable{one: newShardedMap[string, string](size), more: newShardedMap[string, []string](size / 2)}
}

// clone returns a table that can change while the original is shared.
func (t *keyTable) clone() keyTable {
	return keyTable{one: t.one.clone(), more: t.more.clone(), shared: true}
}

func (t *keyTable) add(k, v string) {
	if vs, ok := t.more.lookup(k); ok {
		if t.shared {
			vs = slices.Clip(vs)
		}
		t.more.set(k, append(vs, v))
		return
	}
	if first, ok := t.one.lookup(k); ok {
		t.more.set(k, []string{first, v})
		return
	}
	t.one.set(k, v)
}

// put sets the values of k to vs, which the table keeps: adding them one by one copied a
// shared list on each, a name of a thousand topics a thousand times.
func (t *keyTable) put(k string, vs []string) {
	if len(vs) == 0 {
		t.del(k)
		return
	}
	t.one.set(k, vs[0])
	if len(vs) > 1 {
		t.more.set(k, vs)
	} else {
		t.more.del(k)
	}
}

// del removes k and its values.
func (t *keyTable) del(k string) {
	t.one.del(k)
	t.more.del(k)
}

// appendTo appends the values of k to dst.
func (t *keyTable) appendTo(dst []string, k string) []string {
	if vs, ok := t.more.lookup(k); ok {
		return append(dst, vs...)
	}
	if v, ok := t.one.lookup(k); ok {
		return append(dst, v)
	}
	return dst
}
