package index

// lineTable maps a hash to the lines that have it. Nearly every hash has one line, kept
// in a flat map; hashes of two or more lines move to a second map. At a million lines this
// saves a million small slices.
type lineTable struct {
	first map[uint64]int32
	more  map[uint64][]int32 // every line of the hash, in order, when there are several
}

func newLineTable(size int) lineTable {
	return lineTable{first: make(map[uint64]int32, size), more: map[uint64][]int32{}}
}

func (t *lineTable) add(h uint64, line int32) {
	if lines, ok := t.more[h]; ok {
		t.more[h] = append(lines, line)
		return
	}
	if first, ok := t.first[h]; ok {
		t.more[h] = []int32{first, line}
		return
	}
	t.first[h] = line
}

// lines returns the lines of a hash, in order.
func (t *lineTable) lines(h uint64) []int32 {
	if lines, ok := t.more[h]; ok {
		return lines
	}
	if first, ok := t.first[h]; ok {
		return []int32{first}
	}
	return nil
}

func (t *lineTable) has(h uint64) bool {
	_, ok := t.first[h]
	return ok
}

// keyTable maps a key to one or more keys, the common single value kept flat.
type keyTable struct {
	one  map[string]string   // every key, with its first value
	more map[string][]string // all values, when there are several
}

func newKeyTable(size int) keyTable {
	return keyTable{one: make(map[string]string, size), more: map[string][]string{}}
}

func (t *keyTable) add(k, v string) {
	if vs, ok := t.more[k]; ok {
		t.more[k] = append(vs, v)
		return
	}
	if first, ok := t.one[k]; ok {
		t.more[k] = []string{first, v}
		return
	}
	t.one[k] = v
}

// appendTo appends the values of k to dst.
func (t *keyTable) appendTo(dst []string, k string) []string {
	if vs, ok := t.more[k]; ok {
		return append(dst, vs...)
	}
	if v, ok := t.one[k]; ok {
		return append(dst, v)
	}
	return dst
}
