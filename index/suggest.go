package index

import (
	"hash/maphash"
	"iter"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/notesls/notesls/analysis"
)

// maxSuggestions bounds the "did you mean" list: more than three reads as noise.
const maxSuggestions = 3

// suggestBucket groups candidate names by length and by their first or last two runes.
type suggestBucket struct {
	end    [2]rune // the first two runes (last == false) or the last two (last == true)
	last   bool
	length int
}

// ends returns the first and the last two runes of k.
func ends(k string) (first, last [2]rune) {
	r0, n0 := utf8.DecodeRuneInString(k)
	r1, _ := utf8.DecodeRuneInString(k[n0:])
	z1, m1 := utf8.DecodeLastRuneInString(k)
	z0, _ := utf8.DecodeLastRuneInString(k[:len(k)-m1])
	return [2]rune{r0, r1}, [2]rune{z0, z1}
}

// maxSuggestScan is the most names of one bucket a lookup compares with the reference one
// by one: more than any bucket of a real workspace holds. A larger bucket (numbered
// names: "item 1" to "item 100000" share "it" and the length) is looked up through an
// index of its names instead, so that a lookup does not cost the whole bucket.
const maxSuggestScan = 64

// maxSuggestIndexedRunes is the longest part of a name, beyond the two runes its bucket
// shares, that the index of a large bucket holds by its deletions: a name of r such runes
// enters it 1+r+r(r-1) times (101 at 10), so longer ones would make it large. A large
// bucket of longer names is looked up in part: the maxSuggestScan names nearest the
// reference in sorted order (of reversed names, for a bucket of shared last runes), which
// finds a typo away from the runes the bucket shares.
const maxSuggestIndexedRunes = 10

// bucketIndex is the index of a large bucket, built on its first lookup.
type bucketIndex struct {
	once  sync.Once
	names []string // the bucket's
	// By deletions: each name's rest (the name without the two runes the bucket shares)
	// with up to two runes deleted, hashed above the name's index, sorted. Names within
	// distance d of a reference share with it a rest with up to d runes deleted from each.
	deletions []uint64
	slots     []int32 // slots[t] is the first of the deletions whose top slotBits bits are t or more
	slotBits  uint
	restLen   int // runes in the rest of every name of the bucket
	// Or, for names longer than maxSuggestIndexedRunes: the names in sorted order, of
	// their reversed runes for a bucket of shared last runes, and the names themselves in
	// that order, so that a lookup hands them out without reversing them back.
	sorted, sortedNames []string
}

// suggestIndex is built once per snapshot, on the first broken reference, and kept by
// later snapshots while the names stay the same; so are the answers it gave.
type suggestIndex struct {
	buckets map[suggestBucket][]string
	answers *sync.Map // key -> []string
	large   *sync.Map // suggestBucket -> *bucketIndex, for the large buckets looked up
	// under is the index this one adds names to; a name gone since may still be listed,
	// so every candidate is checked against the snapshot.
	under *suggestIndex
	depth int
	size  int // names added to buckets by this layer (a full build: all of them)
}

// maxSuggestLayers bounds the layers before the index is built anew.
const maxSuggestLayers = 64

// followSuggest makes the index of a snapshot that may add the keys in added to old's: a
// thin layer over old's index when that was built, else a fresh build on demand.
func followSuggest(old *lazy[suggestIndex], added []string) *lazy[suggestIndex] {
	base, ok := old.ready()
	if ok && base.depth >= maxSuggestLayers {
		base, ok = base.flatten()
	}
	if !ok {
		return &lazy[suggestIndex]{}
	}
	layer := suggestIndex{buckets: map[suggestBucket][]string{}, answers: &sync.Map{}, large: &sync.Map{}, under: &base, depth: base.depth + 1}
	for _, k := range added {
		layer.add(k)
	}
	l := &lazy[suggestIndex]{}
	l.get(func() suggestIndex { return layer })
	return l
}

// flatten merges the layers over the full build into one, with idx's answers, which
// hold for the same names. It fails when the merged layer would be so large, against
// the full build, that building anew is the better deal.
func (idx suggestIndex) flatten() (suggestIndex, bool) {
	bottom := &idx
	for bottom.under != nil {
		bottom = bottom.under
	}
	merged := suggestIndex{buckets: map[suggestBucket][]string{}, answers: idx.answers, large: &sync.Map{}, under: bottom, depth: 1}
	seen := map[string]bool{}
	for layer := &idx; layer != bottom; layer = layer.under {
		for _, keys := range layer.buckets {
			for _, k := range keys {
				if !seen[k] {
					seen[k] = true
					merged.add(k)
				}
			}
		}
	}
	return merged, len(seen) <= bottom.size/4
}

func (idx *suggestIndex) add(k string) {
	if k == "" {
		return
	}
	idx.size++
	n := utf8.RuneCountInString(k)
	first, last := ends(k)
	idx.buckets[suggestBucket{first, false, n}] = append(idx.buckets[suggestBucket{first, false, n}], k)
	idx.buckets[suggestBucket{last, true, n}] = append(idx.buckets[suggestBucket{last, true, n}], k)
}

// known reports whether k is still a name (or, for paths, a topic) of the snapshot.
func (s *Snapshot) known(k string, paths bool) bool {
	if paths {
		return s.hasTopic(k)
	}
	return s.hasName(k) || s.hasAlias(k)
}

// suggestions returns the index of names (last segments and aliases), or of full paths
// when paths is set: a reference written as a path is most likely a path with a typo.
func (s *Snapshot) suggestions(paths bool) suggestIndex {
	return s.suggestionsOn(paths, runtime.GOMAXPROCS(0))
}

// suggestionsOn is suggestions built, if it must be, on at most workers goroutines.
func (s *Snapshot) suggestionsOn(paths bool, workers int) suggestIndex {
	build := func() suggestIndex {
		idx := s.buildSuggestIndex(paths, workers)
		idx.large = &sync.Map{}
		return idx
	}
	return s.suggestIndexOf(paths).get(build)
}

// suggestIndexOf is the snapshot's suggestion index of paths, or of names and aliases.
func (s *Snapshot) suggestIndexOf(paths bool) *lazy[suggestIndex] {
	if paths {
		return s.suggestPaths
	}
	return s.suggestNames
}

// suggestsPaths says whether a reference of key is answered from the paths (a key of
// several segments) rather than from the names and aliases.
func suggestsPaths(key string) bool { return strings.Contains(key, " -- ") }

// startSuggestionsFor starts on g the suggestion indexes that the "did you mean" of the
// broken references asks and that are not built yet: the first such message built them
// after the near-duplicate pass, where they can be built beside it. An edit's snapshot
// has them at once, layered over the last ones, so a keystroke starts nothing.
func (s *Snapshot) startSuggestionsFor(g *analysis.Group, broken []brokenRef) {
	for _, paths := range [2]bool{false, true} {
		if _, built := s.suggestIndexOf(paths).ready(); built {
			continue
		}
		if slices.ContainsFunc(broken, func(b brokenRef) bool { return suggestsPaths(b.key) == paths }) {
			g.Go(func() { s.suggestions(paths) })
		}
	}
}

// Prepare builds ahead of need what a request would otherwise wait for, for a caller
// that has time now (a server once diagnostics are out and edits pause): the suggestion
// indexes, which the first broken reference typed would wait for and which later
// snapshots layer over only once they exist, and the workspace's term list for "[["
// completion, which a change of paths makes anew. At 100,000 lines each takes tens of
// milliseconds, at a million lines seconds; nothing when already built.
//
// The term list goes first: every completion waits for it, and a user who opens a file
// types at once, while the suggestion indexes wait only for a broken reference's finding.
func (s *Snapshot) Prepare() { s.PrepareOn(runtime.GOMAXPROCS(0)) }

// PrepareOn is Prepare on at most workers goroutines at a time, for a caller that keeps
// the other cores for what it answers meanwhile.
func (s *Snapshot) PrepareOn(workers int) {
	s.termList()
	s.suggestionsOn(false, workers)
	s.suggestionsOn(true, workers)
}

// PrepareFindings builds the part of Prepare that findings wait for: the suggestion
// indexes of broken references.
func (s *Snapshot) PrepareFindings() {
	s.suggestions(false)
	s.suggestions(true)
}

func (s *Snapshot) buildSuggestIndex(paths bool, workers int) suggestIndex {
	if s.tables != nil { // the workspace tables hold each key once
		if paths {
			return buildSuggestIndexOf(shardsOf(&s.tables.topics.one, nil), workers)
		}
		return buildSuggestIndexOf(slices.Concat(shardsOf(&s.tables.aliases.one, nil),
			shardsOf(&s.tables.names.one, s.tables.aliases.has)), workers)
	}
	idx := suggestIndex{buckets: map[suggestBucket][]string{}, answers: &sync.Map{}}
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			idx.add(k)
		}
	}
	for _, fi := range s.allFiles() {
		if paths {
			for k := range fi.topics.all() {
				add(k)
			}
			continue
		}
		for k := range fi.aliases {
			add(k)
		}
		for k := range fi.lastSeg.one.all() {
			add(k)
		}
	}
	return idx
}

// keyShard is one shard of a workspace table's keys, with the keys of it to skip.
type keyShard struct {
	keys iter.Seq2[string, fileID]
	skip func(string) bool // nil: none
}

// shardsOf cuts the keys of a workspace table into its shards, for a build in parallel.
func shardsOf(m *shardedMap[string, fileID], skip func(string) bool) []keyShard {
	out := make([]keyShard, 0, m.shards)
	for i := range m.shards {
		if m.shardLen(i) > 0 {
			out = append(out, keyShard{m.shardAll(i), skip})
		}
	}
	return out
}

// buildSuggestIndexOf builds the index of the keys of shards, which hold each key once:
// the shards are shared out among the cores, each adds its keys to an index of its own,
// and the buckets are joined. At a million lines the keys are millions, seconds of work
// for one core, and the first findings after indexing wait for it.
func buildSuggestIndexOf(shards []keyShard, workers int) suggestIndex {
	workers = max(1, min(workers, len(shards)))
	parts := make([]suggestIndex, workers)
	var next atomic.Int64
	var g analysis.Group
	for w := range parts {
		parts[w] = suggestIndex{buckets: map[suggestBucket][]string{}}
		g.Go(func() {
			part := &parts[w]
			for {
				i := int(next.Add(1)) - 1
				if i >= len(shards) {
					return
				}
				sh := shards[i]
				for k := range sh.keys {
					if sh.skip == nil || !sh.skip(k) {
						part.add(k)
					}
				}
			}
		})
	}
	g.Wait()
	idx := parts[0]
	idx.answers = &sync.Map{}
	for _, part := range parts[1:] {
		idx.size += part.size
		for b, keys := range part.buckets {
			idx.buckets[b] = append(idx.buckets[b], keys...)
		}
	}
	return idx
}

// suggest returns the known names closest to key for a broken reference. Candidates come
// from buckets of similar length that share the first two or the last two runes, so a
// lookup compares a few names, not the whole workspace: a typo or two rarely hits both
// ends of a name at once.
func (s *Snapshot) suggest(key string) []string {
	paths := suggestsPaths(key)
	idx := s.suggestions(paths)
	if cached, ok := idx.answers.Load(key); ok {
		return cached.([]string)
	}
	known := func(k string) bool { return idx.under == nil || s.known(k, paths) }
	// The closest names are the closest of an earlier layer's answer and of the names the
	// layers above it add: any other name ranked below that answer already. A layer that
	// was not asked (its snapshot's findings were never computed) is looked through.
	var out []string
	answered := false
	for l := idx.under; l != nil; l = l.under {
		if prev, ok := l.answer(key); ok {
			if all(prev, known) {
				out, answered = idx.closestOf(key, known, l, prev), true
			}
			break
		}
	}
	if !answered {
		out = idx.closestOf(key, known, nil, nil)
	}
	idx.answers.Store(key, out)
	return out
}

// answer returns the suggestions idx gave for key, if it was asked.
func (idx *suggestIndex) answer(key string) ([]string, bool) {
	if idx == nil {
		return nil, false
	}
	a, ok := idx.answers.Load(key)
	if !ok {
		return nil, false
	}
	return a.([]string), true
}

func all(items []string, ok func(string) bool) bool {
	for _, it := range items {
		if !ok(it) {
			return false
		}
	}
	return true
}

// closestOf ranks the names of idx's buckets and of the layers under it down to until
// (not included; nil: all of them), and the names in extra, by their distance to key.
func (idx suggestIndex) closestOf(key string, known func(string) bool, until *suggestIndex, extra []string) []string {
	sc := scratchPool.Get().(*suggestScratch)
	defer scratchPool.Put(sc)
	sc.key = appendRunes(sc.key[:0], key)
	keyRunes := sc.key
	n := len(keyRunes)
	maxDist := suggestDistance(n)
	first, last := ends(key)
	cands := sc.cands[:0]
	defer func() { sc.cands = cands[:0] }()
	for layer := &idx; layer != nil && layer != until; layer = layer.under {
		for m := n - maxDist; m <= n+maxDist; m++ {
			for _, b := range []suggestBucket{{first, false, m}, {last, true, m}} {
				for _, k := range layer.candidates(b, keyRunes, maxDist, sc) {
					sc.runes = appendRunes(sc.runes[:0], k)
					if d := editDistanceWithin(keyRunes, sc.runes, maxDist); d <= maxDist && known(k) {
						cands = append(cands, suggestCand{k, d})
					}
				}
			}
		}
	}
	if until != nil && len(cands) == 0 {
		// Nothing the layers above added is within reach: the earlier answer stands as it
		// was ranked. Each shown broken reference of a messy file asks again after every
		// keystroke, and the few names a keystroke adds are out of reach of nearly all.
		return extra
	}
	for _, k := range extra {
		sc.runes = appendRunes(sc.runes[:0], k)
		cands = append(cands, suggestCand{k, editDistanceWithin(keyRunes, sc.runes, maxDist)})
	}
	slices.SortFunc(cands, func(a, b suggestCand) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return strings.Compare(a.text, b.text)
	})
	cands = slices.CompactFunc(cands, func(a, b suggestCand) bool { return a.text == b.text })
	var out []string
	for _, c := range cands[:min(len(cands), maxSuggestions)] {
		out = append(out, c.text)
	}
	return out
}

// suggestDistance is how many edits a suggestion may be from a broken key of n runes:
// two from five runes on, one below, where two edits make most short names alike.
func suggestDistance(n int) int {
	if n >= 5 {
		return 2
	}
	return 1
}

// candidates returns the names of bucket bk that may be within maxDist of key (whose
// runes keyRunes are): all of a small bucket, those its index finds in a large one.
func (idx *suggestIndex) candidates(bk suggestBucket, keyRunes []rune, maxDist int, sc *suggestScratch) []string {
	names := idx.buckets[bk]
	if len(names) <= maxSuggestScan || idx.large == nil {
		return names
	}
	v, ok := idx.large.Load(bk)
	if !ok {
		v, _ = idx.large.LoadOrStore(bk, &bucketIndex{})
	}
	b := v.(*bucketIndex)
	b.once.Do(func() { b.build(names, bk.last) })
	return b.lookup(keyRunes, bk.last, maxDist, sc)
}

// lookup returns the names of the bucket that may be within maxDist of key.
func (b *bucketIndex) lookup(keyRunes []rune, last bool, maxDist int, sc *suggestScratch) []string {
	if b.sorted != nil {
		return b.nearestSorted(keyRunes, last, sc)
	}
	// Two strings within distance d have a common subsequence made by deleting dx runes
	// from one and dy from the other, dx, dy ≤ d: one for each substitution, plus one on
	// one side for each insertion or deletion. Rests of lengths differing by Δ need
	// dx-dy = Δ; for equal lengths and two deletions each, the two substitutions are at
	// the same places on both sides, which the positioned hashes say.
	keyRest := rest(keyRunes, last)
	delta := len(keyRest) - b.restLen
	sc.rh.of(keyRest)
	sc.hashes = sc.hashes[:0]
	for dx := range maxDist + 1 {
		if dy := dx - delta; dy >= 0 && dy <= maxDist {
			sc.hashes = sc.rh.appendDeletions(sc.hashes, dx, delta == 0 && dx == 2, nameBits, 0)
		}
	}
	at := sc.at[:0]
	for _, h := range sc.hashes {
		t := h >> (64 - b.slotBits)
		for _, e := range b.deletions[b.slots[t]:b.slots[t+1]] {
			if e>>nameBits == h>>nameBits {
				at = append(at, int(e&nameMask))
			}
		}
	}
	slices.Sort(at)
	at = slices.Compact(at)
	sc.at = at
	out := sc.names[:0]
	for _, j := range at {
		out = append(out, b.names[j])
	}
	sc.names = out
	return out
}

// scratchPool keeps the scratch of lookups between them: a check of a messy million
// lines asks for the suggestions of 50,000 broken references, and each lookup's own
// scratch was a fifth of the check's allocation, which its collector then scanned for.
var scratchPool = sync.Pool{New: func() any { return new(suggestScratch) }}

// suggestScratch is the space one lookup reuses from bucket to bucket.
type suggestScratch struct {
	rh     runeHashes
	hashes []uint64
	at     []int
	names  []string
	runes  []rune
	key    []rune
	cands  []suggestCand
}

// suggestCand is a name within reach of the key, and how far.
type suggestCand struct {
	text string
	dist int
}

// rest returns the runes of a name of a bucket without the two runes the bucket shares:
// the first two, or the last two. The distance of two names that share them is the
// distance of the rests.
func rest(r []rune, last bool) []rune {
	if last {
		return r[:max(0, len(r)-2)]
	}
	return r[min(2, len(r)):]
}

// build makes the index of a large bucket of names: by deletions, or sorted for long
// names. The names of a bucket have one length.
func (b *bucketIndex) build(names []string, last bool) {
	b.names = names
	if utf8.RuneCountInString(b.names[0])-2 > maxSuggestIndexedRunes || len(b.names) >= 1<<nameBits {
		order := make([]int, len(b.names))
		keys := make([]string, len(b.names))
		for i, k := range b.names {
			order[i], keys[i] = i, k
			if last {
				keys[i] = reverseRunes(k)
			}
		}
		slices.SortFunc(order, func(x, y int) int { return strings.Compare(keys[x], keys[y]) })
		b.sorted, b.sortedNames = make([]string, len(order)), make([]string, len(order))
		for j, i := range order {
			b.sorted[j], b.sortedNames[j] = keys[i], b.names[i]
		}
		return
	}
	b.restLen = len(rest([]rune(b.names[0]), last))
	// Each name enters once with nothing deleted, r times with one rune deleted, and
	// r(r-1)/2 times with two, positioned and not. Repeats (deleting either rune of a
	// run) make repeated candidates, which a lookup removes. The entries are placed by
	// their top bits, a slot for about every eight: the slots, four bytes each, take half
	// a byte an entry and mostly stay in the cache, and a lookup reads one line of
	// entries.
	r := b.restLen
	per := 1 + r + r*(r-1)
	b.slotBits = uint(max(1, bits.Len(uint(per*len(b.names)/8))))
	shift := 64 - b.slotBits
	b.deletions = make([]uint64, 0, per*len(b.names))
	var rh runeHashes
	var runes []rune
	for i, k := range b.names {
		runes = append(runes[:0], []rune(k)...)
		rh.of(rest(runes, last))
		for d := range 3 {
			b.deletions = rh.appendDeletions(b.deletions, d, false, nameBits, uint64(i))
		}
		b.deletions = rh.appendDeletions(b.deletions, 2, true, nameBits, uint64(i))
	}
	sortTopBits(b.deletions, b.slotBits)
	b.slots = make([]int32, 1<<b.slotBits+1)
	for _, e := range b.deletions {
		b.slots[e>>shift+1]++
	}
	for t := 1; t < len(b.slots); t++ {
		b.slots[t] += b.slots[t-1]
	}
}

// sortTopBits sorts a by its top n bits (the rest in no order), in passes of at most
// eleven bits: the counts and the places written to of one pass stay in the cache, where
// placing each entry straight into its slot of a table of millions would miss it nearly
// every time.
func sortTopBits(a []uint64, n uint) {
	if len(a) == 0 {
		return
	}
	buf := make([]uint64, len(a))
	src, dst := a, buf
	var count [1 << 11]int
	for low := 64 - n; low < 64; low += 11 {
		width := min(11, 64-low)
		mask := uint64(1)<<width - 1
		clear(count[:])
		for _, v := range src {
			count[v>>low&mask]++
		}
		sum := 0
		for i := range count[:1<<width] {
			count[i], sum = sum, sum+count[i]
		}
		for _, v := range src {
			d := v >> low & mask
			dst[count[d]] = v
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}

// nearestSorted returns the maxSuggestScan names nearest key in the bucket's sorted order.
func (b *bucketIndex) nearestSorted(keyRunes []rune, last bool, sc *suggestScratch) []string {
	key := string(keyRunes)
	if last {
		key = reverseRunes(key)
	}
	i, _ := slices.BinarySearch(b.sorted, key)
	lo := max(0, min(i-maxSuggestScan/2, len(b.sorted)-maxSuggestScan))
	sc.names = append(sc.names[:0], b.sortedNames[lo:lo+maxSuggestScan]...)
	return sc.names
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

func reverseRunes(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// runeHashes are the prefix hashes of a rune string, from which the hash of the string
// with any one or two runes deleted costs the same whatever its length. The hashes are
// polynomial, modulo 2^64 with a random odd base: the strings hashed are at most a dozen
// runes, far too short for the strings that collide for every base.
type runeHashes struct {
	prefix []uint64 // prefix[k] is the hash of r[:k]
	pow    []uint64 // pow[k] is polyBase^k
}

func (rh *runeHashes) of(r []rune) {
	rh.prefix = append(rh.prefix[:0], 0)
	rh.pow = append(rh.pow[:0], 1)
	for i, c := range r {
		rh.prefix = append(rh.prefix, rh.prefix[i]*polyBase+uint64(c)+1)
		rh.pow = append(rh.pow, rh.pow[i]*polyBase)
	}
}

// appendDeletions appends to dst the hash of every string made by deleting exactly d
// (at most 2) runes of the string, shifted left by shift and or-ed with low; positioned,
// the hash also says which runes, so that only strings with the same two places deleted
// hash alike.
func (rh *runeHashes) appendDeletions(dst []uint64, d int, positioned bool, shift uint, low uint64) []uint64 {
	n := len(rh.prefix) - 1
	if d > n {
		return dst
	}
	prefix, pow := rh.prefix, rh.pow
	length := uint64(n-d) * 0x9e3779b97f4a7c15 // strings of other lengths hash apart
	switch d {
	case 0:
		dst = append(dst, mix64(prefix[n]+length)<<shift|low)
	case 1:
		for i := range n {
			h := prefix[i]*pow[n-1-i] + prefix[n] - prefix[i+1]*pow[n-1-i]
			dst = append(dst, mix64(h+length)<<shift|low)
		}
	case 2:
		for i := range n - 1 {
			head := prefix[i] * pow[n-2-i]
			for j := i + 1; j < n; j++ {
				// r[:i] r[i+1:j] r[j+1:], each from the prefix hashes
				h := head + (prefix[j]-prefix[i+1]*pow[j-i-1])*pow[n-1-j] + prefix[n] - prefix[j+1]*pow[n-1-j]
				if positioned {
					h += uint64(i+1)*0xc2b2ae3d27d4eb4f + uint64(j+1)*0x165667b19e3779f9
				}
				dst = append(dst, mix64(h+length)<<shift|low)
			}
		}
	}
	return dst
}

// polyBase is the base of the polynomial hashes: odd, random for each process.
var polyBase = maphash.String(seed, "polyBase") | 1

// mix64 scrambles the bits of x (the finalizer of SplitMix64).
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// editDistanceWithin returns the Levenshtein distance of a and b if it is at most k, else
// k+1, in time O(k·len): only the cells within k of the diagonal can hold k or less.
func editDistanceWithin(a, b []rune, k int) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > k {
		return k + 1
	}
	// row[d] is the distance of a[:i] and b[:j] for j = i-k+d.
	width := 2*k + 1
	var rows [2][8]int // room for k up to 3 without allocating
	prev, cur := rows[0][:], rows[1][:]
	if width > len(prev) {
		prev, cur = make([]int, width), make([]int, width)
	}
	prev, cur = prev[:width], cur[:width]
	for d := range width {
		prev[d] = k + 1
		if j := d - k; j >= 0 && j <= len(b) {
			prev[d] = j
		}
	}
	for i := 1; i <= len(a); i++ {
		best := k + 1
		for d := range width {
			j := i - k + d
			if j < 0 || j > len(b) {
				cur[d] = k + 1
				continue
			}
			v := k + 1
			if j == 0 {
				v = i
			} else {
				cost := 1
				if a[i-1] == b[j-1] {
					cost = 0
				}
				v = prev[d] + cost // from (i-1, j-1)
				if d+1 < width {
					v = min(v, prev[d+1]+1) // from (i-1, j)
				}
				if d > 0 {
					v = min(v, cur[d-1]+1) // from (i, j-1)
				}
			}
			cur[d] = min(v, k+1)
			best = min(best, cur[d])
		}
		if best > k {
			return k + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)-len(a)+k]
}
