package index

import (
	"cmp"
	"hash/maphash"
	"slices"
	"unicode/utf8"

	"github.com/notesls/notesls/analysis"
)

// fileIndex is what the workspace knows of one file version. It is built once per
// version and never changed, so snapshots share it freely.
type fileIndex struct {
	path string
	id   fileID // set by the snapshot that holds it; versions of a file share it
	ast  *analysis.File

	topics topicTable // every path prefix in the file, by key
	// The rarer facts of topics live beside them, so that a topic takes 16 bytes:
	children     shardedMap[string, []string] // topic key -> child topic keys, first-seen order
	moreEntries  lineTable[string]            // topic key -> its entry lines after the first
	topicAliases shardedMap[string, []string] // topic key -> alias texts, without repeats
	aliases      map[string][]alias           // alias key -> the topics it names
	lastSeg      keyTable                     // last segment key -> the topics ending with it
	refs         lineTable[string]            // reference key -> lines that refer to it, a line once a reference
	roots        []string                     // top-level topic keys, in first-seen order

	sortKeys chunkList[lineKey] // sortKey of each line, for the unsorted rule
	sortSums []keySpan          // of each chunk of sortKeys, for sameOrder
	unsorted *sortState
	dups     *dupState
	// bodyWords is made only for unlinked-mention, see bodyWordLines.
	bodyWords *lazy[map[string][]int32]
	lineHash  lineTable[uint64] // normalized line -> lines, for duplicate-line
	defHash   lineTable[uint64] // term key + normalized definition -> lines
}

// topic is one path prefix as seen in one file.
type topic struct {
	first int32 // first line the topic appears on
	entry int32 // first line whose whole path is this topic, or -1
	uses  int32 // lines under the topic, itself included
	seg   int16 // the topic's last segment index on its first line
}

type alias struct {
	topic string
	text  string
	line  int32
}

var seed = maphash.MakeSeed()

// parallelIndexLines is the size from which a file's two kinds of tables are built on two
// goroutines: below it, the goroutine costs more than it saves.
const parallelIndexLines = 50_000

// How a new version of a file relates to the previous one, for the caches built on them.
type fileChange uint8

const (
	changedAll        fileChange = iota // indexed from scratch
	changedLines                        // some lines replaced: the tables were updated, not rebuilt
	changedBodiesOnly                   // lines changed in place, every path and alias as it was
)

// buildFile indexes a new version of a file. prev, the file's previous index, lets the
// parser keep every line that the edit did not touch, and the tables follow the changed
// lines instead of being built again; an edit that keeps the line count and every path
// (typing in a body) keeps the topic tables as they are. change says which lines changed.
func buildFile(path string, src analysis.Text, prev *fileIndex, same Unchanged) (fi *fileIndex, how fileChange, change *lineChange) {
	if prev == nil {
		return indexFile(path, parseParallel(src)), changedAll, nil
	}
	ast, change := reparseRange(prev.ast, src, same)
	if change == nil {
		return indexFile(path, ast), changedAll, nil
	}
	fi = prev.withLines(ast, change)
	if change.To == change.OldTo && samePaths(prev.ast, ast, change) {
		return fi, changedBodiesOnly, change
	}
	fi.updateTopics(prev.ast, change)
	return fi, changedLines, change
}

// editKeys are the keys on the lines an edit replaced and put in: what caches over
// names, entries and references must look at again.
type editKeys struct {
	names, aliases, topics []string // segment, alias and topic keys
	entries                []string // the whole path of every entry line
	refs                   []string // reference keys
}

// changedKeys collects the keys of lines [c.From, c.OldTo) of old and [c.From, c.To) of
// cur; the names, aliases and topics only when paths changed.
func changedKeys(c *lineChange, old, cur *analysis.File, paths bool) editKeys {
	var k editKeys
	collect := func(f *analysis.File, from, to int) {
		for i := from; i < to; i++ {
			l := f.Line(i)
			if len(l.Segments) > 0 {
				k.entries = append(k.entries, l.Key)
			}
			for _, r := range l.Refs() {
				if r.Key != "" {
					k.refs = append(k.refs, r.Key)
				}
			}
			if !paths {
				continue
			}
			text := f.LineText(i)
			for s := range l.Segments {
				k.names = append(k.names, l.SegmentKey(s))
				k.topics = append(k.topics, l.TopicKey(s))
				if a := l.Alias(s); !a.IsZero() {
					k.aliases = append(k.aliases, analysis.NameKey(text[a.Start:a.End]))
				}
			}
		}
	}
	collect(old, c.From, c.OldTo)
	collect(cur, c.From, c.To)
	return k
}

func indexFile(path string, ast *analysis.File) *fileIndex {
	fi := &fileIndex{path: path, ast: ast, unsorted: &sortState{}, dups: &dupState{}, bodyWords: &lazy[map[string][]int32]{}}
	if ast.NumLines() >= parallelIndexLines {
		var g analysis.Group
		g.Go(fi.indexLines)
		fi.indexTopics()
		g.Wait()
	} else {
		fi.indexTopics()
		fi.indexLines()
	}
	return fi
}

// sameOrder reports whether the changed lines compare with every other line of their
// block as they did in the version before, so that the lines out of order are the same,
// where finding them again costs n log n. A line compares the same with every line whose
// key lies outside both its old and its new key: a chunk of such keys is passed over by
// its span, and in the chunks that are not, most lines cost one or two integer
// comparisons. It runs when the unsorted lines are asked for, not in the edit: at
// 100,000 lines in a block it took 0.7 ms of every keystroke before the completion that
// follows could answer.
func sameOrder(old *sortedVersion, cur *fileIndex, c *lineChange) bool {
	keys := &cur.sortKeys
	for i := c.From; i < c.To; i++ {
		was, now := old.keys.at(i), keys.at(i)
		if was.blank || now.blank {
			return false
		}
		lo, hi := was, now
		if keyBefore(hi, lo) {
			lo, hi = hi, lo
		}
		fast := was.valid == 2 && now.valid == 2
		outside := func(other *lineKey) bool {
			return fast && other.valid == 2 && (keyBefore(other, lo) || keyBefore(hi, other))
		}
		passed := func(c int) bool {
			sp := &cur.sortSums[c]
			return fast && sp.plain && (keyBefore(&sp.max, lo) || keyBefore(hi, &sp.min))
		}
		// The walks out from the line to the blank lines that end its block compare as
		// they go, a chunk of keys at a time.
	after:
		for j := i + 1; j < keys.len(); {
			chunk, first := keys.chunkAt(j)
			if j == first && passed(j>>listChunkShift) {
				j = first + len(chunk)
				continue
			}
			for k := j - first; k < len(chunk); k++ {
				other := &chunk[k]
				if other.blank {
					break after
				}
				if !outside(other) && !sameComparison(old, cur, was, now, other, i, first+k) {
					return false
				}
			}
			j = first + len(chunk)
		}
	before:
		for j := i - 1; j >= 0; {
			chunk, first := keys.chunkAt(j)
			if j == first+len(chunk)-1 && passed(j>>listChunkShift) {
				j = first - 1
				continue
			}
			for k := j - first; k >= 0; k-- {
				other := &chunk[k]
				if other.blank {
					break before
				}
				if !outside(other) && !sameComparison(old, cur, was, now, other, i, first+k) {
					return false
				}
			}
			j = first - 1
		}
	}
	return true
}

// A keySpan is what sameOrder needs of a chunk of sort keys to pass over it: the least
// and the greatest key, and whether every line holds sixteen ASCII bytes and none is
// blank. The lines of a sorted block lie in chunks of disjoint spans, so that a changed
// line is compared with the lines of one or two chunks, not with the whole block.
type keySpan struct {
	min, max lineKey
	plain    bool
}

// resummed returns the spans of the chunks of keys, those of chunks [from, to] made
// anew and the others taken from old.
func resummed(old []keySpan, keys *chunkList[lineKey], from, to int) []keySpan {
	n := len(keys.chunks)
	out := make([]keySpan, n)
	copy(out, old[:min(len(old), n)])
	for c := max(from, 0); c <= min(to, n-1); c++ {
		out[c] = spanOf(keys.chunks[c])
	}
	return out
}

func spanOf(chunk []lineKey) keySpan {
	if len(chunk) == 0 {
		return keySpan{}
	}
	// The bounds keep the sixteen bytes alone: a line's afterPrev bit changes when the
	// line before it does, and its chunk's span stays.
	sp := keySpan{plain: true, min: lineKey{hi: chunk[0].hi, lo: chunk[0].lo}, max: lineKey{hi: chunk[0].hi, lo: chunk[0].lo}}
	for i := range chunk {
		k := &chunk[i]
		if k.blank || k.valid != 2 {
			return keySpan{}
		}
		if keyBefore(k, &sp.min) {
			sp.min.hi, sp.min.lo = k.hi, k.lo
		}
		if keyBefore(&sp.max, k) {
			sp.max.hi, sp.max.lo = k.hi, k.lo
		}
	}
	return sp
}

// keyBefore reports whether key a sorts before key b by its sixteen bytes.
func keyBefore(a, b *lineKey) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

// sameComparison reports whether line i, whose key was was and is now, compares with
// line j, whose key is other, as it did.
func sameComparison(old *sortedVersion, cur *fileIndex, was, now, other *lineKey, i, j int) bool {
	if decidedByKeys(was, other) && decidedByKeys(now, other) {
		return compareKeys(was, other) == compareKeys(now, other)
	}
	return sign(compareLines(old.ast, &old.keys, i, j)) == sign(compareLines(cur.ast, &cur.sortKeys, i, j))
}

// compareKeys orders two keys that decidedByKeys.
func compareKeys(a, b *lineKey) int {
	if a.hi != b.hi {
		return cmp.Compare(a.hi, b.hi)
	}
	return cmp.Compare(a.lo, b.lo)
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// samePaths reports whether the re-parsed lines have the paths and aliases they had, so
// that the topic tables of the old version still hold.
func samePaths(old, cur *analysis.File, c *lineChange) bool {
	for i := c.From; i < c.To; i++ {
		o, n := old.Line(i), cur.Line(i)
		if o.Key != n.Key || len(o.Segments) != len(n.Segments) {
			return false
		}
		ot, nt := old.LineText(i), cur.LineText(i)
		for k := range o.Segments {
			if o.Alias(k).Text(ot) != n.Alias(k).Text(nt) {
				return false
			}
		}
	}
	return true
}

// withLines returns the index of a new version whose lines [c.From, c.To) changed but
// kept their paths: the topic tables are shared, the line tables are copied and updated.
func (fi *fileIndex) withLines(ast *analysis.File, c *lineChange) *fileIndex {
	next := *fi
	next.ast = ast
	next.lineHash = fi.lineHash.clone()
	next.defHash = fi.defHash.clone()
	next.refs = fi.refs.clone()
	var norm []byte
	for i := c.From; i < c.OldTo; i++ {
		if h, ok := lineHashOf(fi.ast, i, &norm); ok {
			next.lineHash.remove(h, int32(i))
		}
		if h, ok := defHashOf(fi.ast, i, &norm); ok {
			next.defHash.remove(h, int32(i))
		}
		for _, r := range fi.ast.Line(i).Refs() {
			if r.Key != "" {
				next.refs.remove(r.Key, int32(i))
			}
		}
	}
	if delta := int32(c.To - c.OldTo); delta != 0 {
		from := int32(c.OldTo)
		next.lineHash.shift(from, delta)
		next.defHash.shift(from, delta)
		next.refs.shift(from, delta)
	}
	next.sortKeys = fi.sortKeys.spliced(c.From, c.OldTo, c.To)
	for i := c.From; i < c.To; i++ {
		*next.sortKeys.writable(i) = lineSortKey(ast, i)
		next.addLine(i, &norm)
	}
	setAfterPrev(ast, &next.sortKeys, c.From, c.To+1)
	last := len(next.sortKeys.chunks) - 1
	if c.To == c.OldTo {
		last = max(c.To-1, c.From) >> listChunkShift
	}
	next.sortSums = resummed(fi.sortSums, &next.sortKeys, c.From>>listChunkShift, last)
	next.unsorted = &sortState{}
	next.dups = fi.nextDupState(c)
	next.bodyWords = &lazy[map[string][]int32]{}
	if fi.unsorted.done.Load() {
		// Linked only to a list already found: a chain of versions nobody asked about
		// would hold each other.
		next.unsorted.prev, next.unsorted.change = fi.unsorted, *c
		if c.To == c.OldTo {
			next.unsorted.was = &sortedVersion{ast: fi.ast, keys: fi.sortKeys}
		}
	}
	return &next
}

// shifted returns a copy of the sorted line numbers with delta added to those from on.
func shifted(lines []int32, from, delta int32) []int32 {
	out := slices.Clone(lines)
	for i, l := range out {
		if l >= from {
			out[i] = l + delta
		}
	}
	return out
}

// indexTopics builds the topic tree, aliases and last segments.
func (fi *fileIndex) indexTopics() {
	ast := fi.ast
	// Sized from the segment count: a large file has about two topics in five segments and
	// far fewer distinct names and parents. A table that grows rehashes and leaves garbage.
	segs := 0
	for i := range ast.NumLines() {
		segs += len(ast.Line(i).Segments)
	}
	fi.topics = newTopicTable(segs / 2)
	// The loop below keeps pointers to records while it adds more: the first chunk, the
	// only one that grows, gets its room at once, for a topic in every segment, and gives
	// back what it did not use at the end.
	fi.topics.recs.reserve(min(segs, listChunk))
	defer fi.topics.recs.trim()
	fi.roots = nil
	fi.aliases = map[string][]alias{}
	fi.lastSeg = newKeyTable(segs / 8)
	fi.children = newShardedMap[string, []string](segs / 8)
	fi.moreEntries = newLineTable[string](0)
	fi.topicAliases = newShardedMap[string, []string](0)
	// A sorted file repeats the path of the line before: the topics of the previous line
	// are kept so that a shared prefix costs a string comparison, not a map lookup.
	var prevKeys []string
	var prevTopics []*topic
	for i := range ast.NumLines() {
		l := ast.Line(i)
		if len(l.Segments) == 0 {
			continue
		}
		text := ast.LineText(i)
		parent := ""
		shared := true
		for s := range l.Segments {
			key := l.TopicKey(s)
			var t *topic
			if shared && s < len(prevKeys) && prevKeys[s] == key {
				t = prevTopics[s]
			} else {
				shared = false
				t = fi.topics.get(key)
			}
			if s < len(prevKeys) {
				prevKeys[s], prevTopics[s] = key, t
			} else {
				prevKeys, prevTopics = append(prevKeys, key), append(prevTopics, t)
			}
			if t == nil {
				t = fi.topics.add(key, topic{first: int32(i), entry: -1, seg: int16(s)})
				prevTopics[s] = t
				seg := l.SegmentKey(s)
				fi.lastSeg.add(seg, key)
				if s == 0 {
					fi.roots = append(fi.roots, key)
				} else {
					fi.children.set(parent, append(fi.children.get(parent), key))
				}
			}
			t.uses++
			if a := l.Alias(s); !a.IsZero() {
				ak := analysis.NameKey(text[a.Start:a.End])
				at := string(text[a.Start:a.End])
				fi.aliases[ak] = append(fi.aliases[ak], alias{topic: key, text: at, line: int32(i)})
				if texts := fi.topicAliases.get(key); !slices.Contains(texts, at) {
					fi.topicAliases.set(key, append(texts, at))
				}
			}
			parent = key
		}
		if t := fi.topics.get(l.Key); t.entry < 0 {
			t.entry = int32(i)
		} else {
			fi.moreEntries.add(l.Key, int32(i))
		}
	}
}

// indexLines builds the tables of whole lines: normalized lines and definitions, and
// references.
func (fi *fileIndex) indexLines() {
	ast := fi.ast
	fi.refs = newLineTable[string](0)
	fi.lineHash = newLineTable[uint64](ast.NumLines())
	fi.defHash = newLineTable[uint64](ast.NumLines() / 2)
	fi.sortKeys = newChunkList[lineKey](ast.NumLines())
	var norm []byte
	for i := range ast.NumLines() {
		*fi.sortKeys.at(i) = lineSortKey(ast, i)
		fi.addLine(i, &norm)
	}
	setAfterPrev(ast, &fi.sortKeys, 1, ast.NumLines())
	fi.sortSums = resummed(nil, &fi.sortKeys, 0, len(fi.sortKeys.chunks)-1)
}

// addLine enters line i into the line tables; norm is scratch space. A table that is a
// copy (after clone) copies the lists another version still uses before it changes them.
func (fi *fileIndex) addLine(i int, norm *[]byte) {
	if h, ok := lineHashOf(fi.ast, i, norm); ok {
		fi.lineHash.add(h, int32(i))
	}
	if h, ok := defHashOf(fi.ast, i, norm); ok {
		fi.defHash.add(h, int32(i))
	}
	for _, r := range fi.ast.Line(i).Refs() {
		if r.Key != "" {
			fi.refs.add(r.Key, int32(i))
		}
	}
}

// lineHashOf hashes the normalized text of line i, for duplicate-line.
func lineHashOf(ast *analysis.File, i int, norm *[]byte) (uint64, bool) {
	if ast.Line(i).Kind == analysis.Blank {
		return 0, false
	}
	*norm = appendNormalized((*norm)[:0], ast.LineText(i))
	return maphash.Bytes(seed, *norm), true
}

// defHashOf hashes the term and normalized definition of line i, for
// duplicate-definition.
func defHashOf(ast *analysis.File, i int, norm *[]byte) (uint64, bool) {
	l := ast.Line(i)
	if len(l.Segments) == 0 || !l.Sep.Defines() || l.Body.Len() == 0 {
		return 0, false
	}
	text := ast.LineText(i)
	*norm = append(appendNormalized((*norm)[:0], l.Key), 0)
	*norm = appendNormalized(*norm, text[l.Body.Start:l.Body.End])
	return maphash.Bytes(seed, *norm), true
}

// appendNormalized appends text case-folded with white space runs collapsed and trimmed,
// the form in which two lines or definitions count as the same.
func appendNormalized[T string | []byte](dst []byte, text T) []byte {
	for len(text) > 0 && (text[0] == ' ' || text[0] == '\t') {
		text = text[1:]
	}
	for len(text) > 0 && (text[len(text)-1] == ' ' || text[len(text)-1] == '\t') {
		text = text[:len(text)-1]
	}
	space := false
	// ASCII fast path, up to the first other byte.
	i := 0
	for ; i < len(text) && text[i] < utf8.RuneSelf; i++ {
		if !space {
			// A run that stays as it is, copied at once: lower-case ASCII and single
			// spaces between words, most of a line. Hashing every line of a
			// million-line file went through here a byte at a time.
			j := i
			for j < len(text) {
				c := text[j]
				if c >= utf8.RuneSelf || c == '\t' || 'A' <= c && c <= 'Z' ||
					c == ' ' && (j+1 == len(text) || text[j+1] == ' ' || text[j+1] == '\t') {
					break
				}
				j++
			}
			dst = append(dst, text[i:j]...)
			if i = j; i == len(text) || text[i] >= utf8.RuneSelf {
				break
			}
		}
		c := text[i]
		if c == ' ' || c == '\t' {
			space = true
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	text = text[i:]
	for _, r := range string(text) {
		if r == ' ' || r == '\t' {
			space = true
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		r = analysis.Fold(r)
		if r < 0x80 {
			dst = append(dst, byte(r))
		} else {
			dst = appendRune(dst, r)
		}
	}
	return dst
}

func appendRune(dst []byte, r rune) []byte {
	var buf [4]byte
	n := encodeRune(buf[:], r)
	return append(dst, buf[:n]...)
}

// lineNormalized returns the normalized text of line i of ast.
func lineNormalized(ast *analysis.File, i int) []byte {
	return appendNormalized(nil, ast.LineText(i))
}

// defNormalized returns the normalized key and definition of line i of ast.
func defNormalized(ast *analysis.File, i int) []byte {
	l := ast.Line(i)
	text := ast.LineText(i)
	norm := append(appendNormalized(nil, l.Key), 0)
	return appendNormalized(norm, text[l.Body.Start:l.Body.End])
}
