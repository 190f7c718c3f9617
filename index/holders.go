package index

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/notesls/notesls/analysis"
)

// fileID names a file in the workspace tables. A path keeps its id while it is in the
// workspace; a removed file's id is not given again.
type fileID uint32

// holderTable maps a key to the files that hold it, sorted by id: the workspace-wide
// answer to "which files have this topic, name, alias, reference or line", which per-file
// tables can only give by asking every file. Most keys are in one file: that file's id
// is kept flat, four bytes beside the key, and only the keys of two files or more have a
// list. At a million lines the tables hold three million keys. Lists are replaced, never
// changed in place, since versions share them.
type holderTable[K shardKey] struct {
	one     shardedMap[K, fileID]   // every key, with its first holder
	more    shardedMap[K, []fileID] // all the holders, for keys of two files or more
	singles *singleLists
}

func newHolderTable[K shardKey](size int, singles *singleLists) holderTable[K] {
	return holderTable[K]{one: newShardedMap[K, fileID](size), more: newShardedMap[K, []fileID](0), singles: singles}
}

// get lists the holders of k; the list is shared, not to be changed.
func (t *holderTable[K]) get(k K) []fileID {
	id, ok := t.one.lookup(k)
	if !ok {
		return nil
	}
	if ids, ok := t.more.lookup(k); ok {
		return ids
	}
	return t.singles.of(id)
}

// moreOf returns the holders of k when there are two or more; a nil table has none.
func (t *holderTable[K]) moreOf(k K) ([]fileID, bool) {
	if t == nil {
		return nil, false
	}
	return t.more.lookup(k)
}

func (t *holderTable[K]) has(k K) bool {
	_, ok := t.one.lookup(k)
	return ok
}

func (t *holderTable[K]) len() int { return t.one.len() }

// all iterates over the keys and their holders.
func (t *holderTable[K]) all() func(yield func(K, []fileID) bool) {
	return func(yield func(K, []fileID) bool) {
		for k, id := range t.one.all() {
			ids, ok := t.more.lookup(k)
			if !ok {
				ids = t.singles.of(id)
			}
			if !yield(k, ids) {
				return
			}
		}
	}
}

// add records that file id holds k.
func (t *holderTable[K]) add(k K, id fileID) {
	first, ok := t.one.lookup(k)
	switch {
	case !ok:
		t.one.set(k, id)
	case first == id:
	default:
		ids, ok := t.more.lookup(k)
		if !ok {
			ids = t.singles.of(first)
		}
		i, found := slices.BinarySearch(ids, id)
		if found {
			return
		}
		ids = slices.Insert(slices.Clip(ids), i, id)
		t.more.set(k, ids)
		if ids[0] != first {
			t.one.set(k, ids[0])
		}
	}
}

// addLast is add for a writer that enters files in increasing id order into a table of
// its own, as a full build does: a key's list only grows at its end.
func (t *holderTable[K]) addLast(k K, id fileID) {
	first, ok := t.one.lookup(k)
	if !ok {
		t.one.set(k, id)
		return
	}
	if ids, ok := t.more.lookup(k); ok {
		t.more.set(k, append(ids, id))
	} else {
		t.more.set(k, []fileID{first, id})
	}
}

// remove records that file id no longer holds k.
func (t *holderTable[K]) remove(k K, id fileID) {
	ids := t.get(k)
	i, found := slices.BinarySearch(ids, id)
	if !found {
		return
	}
	switch len(ids) {
	case 1:
		t.one.del(k)
	case 2:
		t.more.del(k)
		t.one.set(k, ids[1-i])
	default:
		ids = slices.Delete(slices.Clone(ids), i, i+1)
		t.more.set(k, ids)
		t.one.set(k, ids[0])
	}
}

func (t *holderTable[K]) clone() holderTable[K] {
	return holderTable[K]{one: t.one.clone(), more: t.more.clone(), singles: t.singles}
}

// singleLists holds the one-item id lists that get hands out for keys of one file, so
// that a lookup allocates nothing. The backing array only grows by copying, so lists
// handed out earlier never change.
type singleLists struct {
	mu  sync.Mutex
	ids atomic.Pointer[[]fileID]
}

func (s *singleLists) of(id fileID) []fileID {
	if p := s.ids.Load(); p != nil && int(id) < len(*p) {
		return (*p)[id : id+1 : id+1]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.ids.Load()
	if p == nil || int(id) >= len(*p) {
		n := int(id) + 1
		if p != nil {
			n = max(n, 2*len(*p))
		}
		grown := make([]fileID, n)
		for i := range grown {
			grown[i] = fileID(i)
		}
		p = &grown
		s.ids.Store(p)
	}
	return (*p)[id : id+1 : id+1]
}

// keyTables are the workspace-wide tables: for every kind of key a cross-file rule or a
// query looks up, the files that hold it. They exist once a workspace has two files; with
// one, that file's own tables answer.
type keyTables struct {
	topics  holderTable[string] // topic key (every path prefix)
	names   holderTable[string] // last-segment key
	aliases holderTable[string] // alias key
	refs    holderTable[string] // reference key
	lines   holderTable[uint64] // normalized line hash, for duplicate-line
	defs    holderTable[uint64] // term and normalized definition hash, for duplicate-definition
}

func (t *keyTables) clone() *keyTables {
	return &keyTables{topics: t.topics.clone(), names: t.names.clone(), aliases: t.aliases.clone(),
		refs: t.refs.clone(), lines: t.lines.clone(), defs: t.defs.clone()}
}

// buildKeyTables enters every key of every file. The tables are built side by side:
// at a hundred thousand lines they are a few hundred thousand keys.
func buildKeyTables(files []*fileIndex) *keyTables {
	lines := 0
	for _, fi := range files {
		lines += fi.ast.NumLines()
	}
	// Files in id order, so that a key's list grows at its end.
	files = slices.SortedFunc(slices.Values(files), func(a, b *fileIndex) int { return cmp.Compare(a.id, b.id) })
	singles := &singleLists{}
	t := &keyTables{}
	var builds []func()
	for _, k := range stringKinds {
		builds = append(builds, func() { *k.pick(t) = buildHolders(files, k.sizeFor(files, lines), singles, k.each) })
	}
	for _, k := range hashKinds {
		builds = append(builds, func() { *k.pick(t) = buildHolders(files, k.sizeFor(files, lines), singles, k.each) })
	}
	analysis.Each(len(builds), func(i int) { builds[i]() })
	return t
}

// buildHolders makes the table of one kind of key, listed by each, of files in id order.
func buildHolders[K shardKey](files []*fileIndex, size int, singles *singleLists, each func(*fileIndex, func(K))) holderTable[K] {
	t := newHolderTable[K](size, singles)
	for _, fi := range files {
		id := fi.id
		each(fi, func(k K) { t.addLast(k, id) })
	}
	return t
}

func (fi *fileIndex) eachTopic(f func(string)) {
	for k := range fi.topics.all() {
		f(k)
	}
}

func (fi *fileIndex) eachName(f func(string)) {
	for k := range fi.lastSeg.one.all() {
		f(k)
	}
}

func (fi *fileIndex) eachAlias(f func(string)) {
	for k := range fi.aliases {
		f(k)
	}
}

func (fi *fileIndex) eachRef(f func(string)) {
	for k := range fi.refs.all() {
		f(k)
	}
}

func (fi *fileIndex) eachLineHash(f func(uint64)) {
	for h := range fi.lineHash.all() {
		f(h)
	}
}

func (fi *fileIndex) eachDefHash(f func(uint64)) {
	for h := range fi.defHash.all() {
		f(h)
	}
}

// keyKind is one kind of key of the workspace tables: its table, how a file lists its
// keys, and how a table of them is sized. Topics, lines and definitions are mostly in one
// file each, so the sum of the files' own counts sizes the table: an estimate from the
// lines (one topic for every two, once) left the topics of a million lines half the room
// they took, and every shard grew by rehashing, a third of the tables' build. Names are
// in many files each (a million lines: 633,000 in the files, 208,000 in all) and are
// sized by how many lines make about one; 0 for too few to size for.
type keyKind[K shardKey] struct {
	pick         func(*keyTables) *holderTable[K]
	each         func(*fileIndex, func(K))
	count        func(*fileIndex) int
	linesEachKey int
}

// sizeFor returns the keys to size the table of files, of lines lines in all, for.
func (k keyKind[K]) sizeFor(files []*fileIndex, lines int) int {
	switch {
	case k.count != nil:
		n := 0
		for _, fi := range files {
			n += k.count(fi)
		}
		return n
	case k.linesEachKey == 0:
		return 0
	}
	return lines / k.linesEachKey
}

var (
	stringKinds = []keyKind[string]{
		{pick: pickTopics, each: (*fileIndex).eachTopic, count: func(fi *fileIndex) int { return fi.topics.len() }},
		{pick: pickNames, each: (*fileIndex).eachName, linesEachKey: 4},
		{pick: pickAliases, each: (*fileIndex).eachAlias},
		{pick: pickRefs, each: (*fileIndex).eachRef},
	}
	hashKinds = []keyKind[uint64]{
		{pick: pickLines, each: (*fileIndex).eachLineHash, count: func(fi *fileIndex) int { return fi.lineHash.len() }},
		{pick: pickDefs, each: (*fileIndex).eachDefHash, count: func(fi *fileIndex) int { return fi.defHash.len() }},
	}
)

// addFile enters every key of fi.
func (t *keyTables) addFile(fi *fileIndex) {
	forEachKey(t, fi, (*holderTable[string]).add, (*holderTable[uint64]).add)
}

// removeFile takes every key of fi out.
func (t *keyTables) removeFile(fi *fileIndex) {
	forEachKey(t, fi, (*holderTable[string]).remove, (*holderTable[uint64]).remove)
}

// forEachKey calls op with each key of fi, of every kind, and its table.
func forEachKey(t *keyTables, fi *fileIndex, op func(*holderTable[string], string, fileID), hashOp func(*holderTable[uint64], uint64, fileID)) {
	for _, k := range stringKinds {
		table := k.pick(t)
		k.each(fi, func(key string) { op(table, key, fi.id) })
	}
	for _, k := range hashKinds {
		table := k.pick(t)
		k.each(fi, func(key uint64) { hashOp(table, key, fi.id) })
	}
}

// changedHashes are the line and definition hashes of the lines an edit replaced and
// put in.
type changedHashes struct{ lines, defs []uint64 }

func hashesOf(c *lineChange, old, cur *analysis.File) changedHashes {
	var out changedHashes
	var norm []byte
	collect := func(f *analysis.File, from, to int) {
		for i := from; i < to; i++ {
			if h, ok := lineHashOf(f, i, &norm); ok {
				out.lines = append(out.lines, h)
			}
			if h, ok := defHashOf(f, i, &norm); ok {
				out.defs = append(out.defs, h)
			}
		}
	}
	collect(old, c.From, c.OldTo)
	collect(cur, c.From, c.To)
	return out
}

// updateKeys brings the tables up to date with an edit of one file from prev to cur
// whose changed lines hold keys and hashes: each is entered or taken out as cur holds it.
func (t *keyTables) updateKeys(cur *fileIndex, keys editKeys, hashes changedHashes) {
	id := cur.id
	set := func(h *holderTable[string], k string, holds bool) {
		if holds {
			h.add(k, id)
		} else {
			h.remove(k, id)
		}
	}
	for _, k := range keys.topics {
		set(&t.topics, k, cur.topics.get(k) != nil)
	}
	for _, k := range keys.names {
		_, ok := cur.lastSeg.one.lookup(k)
		set(&t.names, k, ok)
	}
	for _, k := range keys.aliases {
		set(&t.aliases, k, len(cur.aliases[k]) > 0)
	}
	for _, k := range keys.refs {
		set(&t.refs, k, cur.refs.has(k))
	}
	for _, h := range hashes.lines {
		if cur.lineHash.has(h) {
			t.lines.add(h, id)
		} else {
			t.lines.remove(h, id)
		}
	}
	for _, h := range hashes.defs {
		if cur.defHash.has(h) {
			t.defs.add(h, id)
		} else {
			t.defs.remove(h, id)
		}
	}
}

// holdersOf lists the files that hold k, in workspace order: from the workspace table
// pick picks, or in a one-file workspace from that file's own tables, which holds asks.
func holdersOf[K shardKey](s *Snapshot, pick func(*keyTables) *holderTable[K], k K, holds func(*fileIndex) bool) []*fileIndex {
	if s.tables == nil {
		if s.only != nil && holds(s.only) {
			return []*fileIndex{s.only}
		}
		return nil
	}
	ids := pick(s.tables).get(k)
	if len(ids) == 0 {
		return nil
	}
	out := make([]*fileIndex, len(ids))
	for i, id := range ids {
		out[i] = s.byID[id]
	}
	if len(out) > 1 {
		slices.SortFunc(out, func(a, b *fileIndex) int { return strings.Compare(a.path, b.path) })
	}
	return out
}

// anyHolds is holdersOf's answer to "does any file hold k", without a list.
func anyHolds[K shardKey](s *Snapshot, pick func(*keyTables) *holderTable[K], k K, holds func(*fileIndex) bool) bool {
	if s.tables == nil {
		return s.only != nil && holds(s.only)
	}
	return pick(s.tables).has(k)
}

func pickTopics(t *keyTables) *holderTable[string]  { return &t.topics }
func pickNames(t *keyTables) *holderTable[string]   { return &t.names }
func pickAliases(t *keyTables) *holderTable[string] { return &t.aliases }
func pickRefs(t *keyTables) *holderTable[string]    { return &t.refs }
func pickLines(t *keyTables) *holderTable[uint64]   { return &t.lines }
func pickDefs(t *keyTables) *holderTable[uint64]    { return &t.defs }

// topicFiles lists the files that have topic key.
func (s *Snapshot) topicFiles(key string) []*fileIndex {
	return holdersOf(s, pickTopics, key, func(fi *fileIndex) bool { return fi.topics.get(key) != nil })
}

func (s *Snapshot) hasTopic(key string) bool {
	return anyHolds(s, pickTopics, key, func(fi *fileIndex) bool { return fi.topics.get(key) != nil })
}

// nameFiles lists the files that have a topic whose last segment is key.
func (s *Snapshot) nameFiles(key string) []*fileIndex {
	return holdersOf(s, pickNames, key, func(fi *fileIndex) bool { _, ok := fi.lastSeg.one.lookup(key); return ok })
}

func (s *Snapshot) hasName(key string) bool {
	return anyHolds(s, pickNames, key, func(fi *fileIndex) bool { _, ok := fi.lastSeg.one.lookup(key); return ok })
}

// aliasFiles lists the files that define alias key.
func (s *Snapshot) aliasFiles(key string) []*fileIndex {
	return holdersOf(s, pickAliases, key, func(fi *fileIndex) bool { return len(fi.aliases[key]) > 0 })
}

func (s *Snapshot) hasAlias(key string) bool {
	return anyHolds(s, pickAliases, key, func(fi *fileIndex) bool { return len(fi.aliases[key]) > 0 })
}

// refFiles lists the files with a reference whose key is key.
func (s *Snapshot) refFiles(key string) []*fileIndex {
	return holdersOf(s, pickRefs, key, func(fi *fileIndex) bool { return fi.refs.has(key) })
}

// lineFiles lists the files with a line of normalized hash h.
func (s *Snapshot) lineFiles(h uint64) []*fileIndex {
	return holdersOf(s, pickLines, h, func(fi *fileIndex) bool { return fi.lineHash.has(h) })
}

// defFiles lists the files with a definition of hash h.
func (s *Snapshot) defFiles(h uint64) []*fileIndex {
	return holdersOf(s, pickDefs, h, func(fi *fileIndex) bool { return fi.defHash.has(h) })
}

// heldBefore reports whether a file before fi in workspace order holds k, without a list.
func heldBefore[K shardKey](s *Snapshot, pick func(*keyTables) *holderTable[K], k K, fi *fileIndex) bool {
	if s.tables == nil {
		return false
	}
	ids := pick(s.tables).get(k)
	if len(ids) < 2 {
		return false
	}
	for _, id := range ids {
		if s.byID[id].path < fi.path {
			return true
		}
	}
	return false
}
