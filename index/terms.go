package index

import (
	"cmp"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/notesls/notesls/analysis"
)

// termList holds every term and alias of the workspace for completion inside "[[", with
// its use count beside it, in the order completion ranks the candidates of one match
// quality: most used first, then by topic key and label. A request walks the entries
// that begin like what was typed in that order and stops once the list is full: at one
// or two letters typed nearly everything matches, and the first few hundred matches are
// the answer. The keys an entry is matched by are laid end to end in one block of text,
// and the places where a key or a word in it starts are grouped by their first bytes, so
// that a request looks only at the places that begin like what was typed.
//
// It is built once over some snapshot and shared by the later ones, which look up the
// entries that their edits touched as they are now (see workspaceTerms).
type termList struct {
	text string  // "\nkey\nkey\n...\n", in entry order
	offs []int32 // where each entry's key starts in text
	// The entries, a column each: a million entries as records of three strings took 56
	// bytes each and three pointers for the collector to follow, on top of the keys in
	// text. A term's match and topic are its key in text; an alias's topic and label are
	// kept for the aliases alone.
	uses        []int32
	kinds       []CompletionKind
	aliasAt     []int32  // the entries that are aliases, ascending
	aliasTopics []string // the topic of each of aliasAt
	aliasLabels []string // the alias's text of each of aliasAt

	firstBytes startIndex // the entries whose key starts with a byte, by that byte
	keyStarts  startIndex // the entries whose key starts with two bytes, by those bytes
	wordStarts startIndex // where a word inside a key starts (after " ", "-" or "/"), by its first two bytes

	// roots is the list of the top-level topics alone, for completion at the start of a
	// line, where every line starts; nil in itself.
	roots *termList

	// narrowed is where the last walk that went through found its typed text: a cache
	// beside the list, which never changes, for the goroutines that rank it (narrow.go).
	narrowed atomic.Pointer[narrowing]
}

// termEntry is a term or one file's alias of it, as a completion candidate.
type termEntry struct {
	match string // the key typed text is matched against: the topic key or the alias key
	topic string // the topic key the entry stands for
	label string // the alias's text; "" for the term itself
	uses  int32  // lines under the topic and references to it
	kind  CompletionKind
}

func (e *termEntry) candidate(rank int) candidate {
	return candidate{key: e.topic, label: e.label, kind: e.kind, rank: rank, uses: int(e.uses)}
}

// isRoot reports whether the entry is a term of one segment, a top-level topic.
func (e *termEntry) isRoot() bool {
	return e.kind == CompletionTerm && isRootKey(e.topic)
}

// isRootKey reports whether a topic key is of one segment.
func isRootKey(key string) bool { return !strings.Contains(key, " -- ") }

// asTopic is a top-level term's entry as a topic to write at the start of a line.
func (e termEntry) asTopic() termEntry {
	e.kind = CompletionTopic
	return e
}

// compareEntries is compareCandidates for entries of one rank.
func compareEntries(a, b termEntry) int {
	if a.uses != b.uses {
		return cmp.Compare(b.uses, a.uses)
	}
	if c := strings.Compare(a.topic, b.topic); c != 0 {
		return c
	}
	return strings.Compare(a.label, b.label)
}

// sortEntries sorts entries as compareEntries orders them. A million entries are sorted
// as small records of their use count and the first eight bytes of their topic key, which
// decide most comparisons without following a string, then moved into that order in
// place, a cycle of the permutation at a time.
func sortEntries(entries []termEntry) {
	type sortKey struct {
		uses int32
		i    int32
		head uint64 // the key's first eight bytes, big-endian, zeros after a shorter key
	}
	keys := make([]sortKey, len(entries))
	for i := range entries {
		var head uint64
		t := entries[i].topic
		for j := range 8 {
			head <<= 8
			if j < len(t) {
				head |= uint64(t[j])
			}
		}
		keys[i] = sortKey{entries[i].uses, int32(i), head}
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		if a.uses != b.uses {
			return cmp.Compare(b.uses, a.uses)
		}
		if a.head != b.head {
			return cmp.Compare(a.head, b.head)
		}
		return compareEntries(entries[a.i], entries[b.i])
	})
	// Entry j is to be entries[keys[j].i]; a done place is marked -1.
	for j := range keys {
		if keys[j].i < 0 {
			continue
		}
		first := entries[j]
		at := j
		for {
			from := int(keys[at].i)
			keys[at].i = -1
			if from == j {
				entries[at] = first
				break
			}
			entries[at] = entries[from]
			at = from
		}
	}
}

// startIndex lists places in a termList's text (or entry numbers) grouped by their first
// bytes: the places of group g are at[from[g]:from[g+1]], in text order, which is the
// entries' order.
type startIndex struct {
	from []int32 // groups + 1 bounds
	at   []int32
}

func (x *startIndex) group(g int) []int32 { return x.at[x.from[g]:x.from[g+1]] }

func bigram(text string, pos int) int {
	return int(text[pos])<<8 | int(text[pos+1]) // text ends with "\n", so pos+1 exists
}

// newTermList lays out entries, which must be in rank order.
func newTermList(entries []termEntry) *termList {
	size := 1
	for _, e := range entries {
		size += len(e.match) + 1
	}
	var text strings.Builder
	text.Grow(size)
	text.WriteByte('\n')
	tl := &termList{offs: make([]int32, len(entries)+1), uses: make([]int32, len(entries)), kinds: make([]CompletionKind, len(entries))}
	for i, e := range entries {
		tl.offs[i] = int32(text.Len())
		text.WriteString(e.match)
		text.WriteByte('\n')
		tl.uses[i], tl.kinds[i] = e.uses, e.kind
		if e.kind == CompletionAlias {
			tl.aliasAt = append(tl.aliasAt, int32(i))
			tl.aliasTopics = append(tl.aliasTopics, e.topic)
			tl.aliasLabels = append(tl.aliasLabels, e.label)
		}
	}
	tl.offs[len(entries)] = int32(text.Len()) // one past the last key's "\n"
	tl.text = text.String()
	tl.buildStartIndexes()
	return tl
}

// size is the number of entries.
func (tl *termList) size() int { return len(tl.uses) }

// entry returns entry i, whose strings are parts of the list's text and tables.
func (tl *termList) entry(i int) termEntry {
	key := tl.key(i)
	e := termEntry{match: key, topic: key, uses: tl.uses[i], kind: tl.kinds[i]}
	if e.kind == CompletionAlias {
		j, _ := slices.BinarySearch(tl.aliasAt, int32(i))
		e.topic, e.label = tl.aliasTopics[j], tl.aliasLabels[j]
	}
	return e
}

// buildStartIndexes groups the entries by the first bytes of their keys, and the words
// inside the keys by their first two bytes, in two passes over the text: one to count
// the places of each group, one to put them in.
func (tl *termList) buildStartIndexes() {
	text := tl.text
	firsts := &tl.firstBytes
	keys, words := &tl.keyStarts, &tl.wordStarts
	firsts.from, keys.from, words.from = make([]int32, 1<<8+1), make([]int32, 1<<16+1), make([]int32, 1<<16+1)
	// isWordStart tells whether a word inside a key starts at pos.
	isWordStart := func(pos int) bool {
		if c := text[pos]; c == '\n' || c == ' ' {
			return false // typed text is trimmed: it never starts with a space
		}
		c := text[pos-1]
		return c == ' ' || c == '-' || c == '/'
	}
	eachPlace := func(key func(i, pos int), word func(pos int)) {
		for i := range tl.size() {
			start, end := int(tl.offs[i]), int(tl.offs[i+1])-1
			if start == end {
				continue // an empty key matches only when nothing is typed
			}
			key(i, start)
			for pos := start + 1; pos < end; pos++ {
				if isWordStart(pos) {
					word(pos)
				}
			}
		}
	}
	eachPlace(func(_, pos int) {
		firsts.from[int(text[pos])+1]++
		keys.from[bigram(text, pos)+1]++
	}, func(pos int) { words.from[bigram(text, pos)+1]++ })
	for _, x := range []*startIndex{firsts, keys, words} {
		for g := 1; g < len(x.from); g++ {
			x.from[g] += x.from[g-1]
		}
		x.at = make([]int32, x.from[len(x.from)-1])
	}
	nextFirst, nextKey, nextWord := slices.Clone(firsts.from), slices.Clone(keys.from), slices.Clone(words.from)
	eachPlace(func(i, pos int) {
		g := int(text[pos])
		firsts.at[nextFirst[g]] = int32(i)
		nextFirst[g]++
		g = bigram(text, pos)
		keys.at[nextKey[g]] = int32(i)
		nextKey[g]++
	}, func(pos int) {
		g := bigram(text, pos)
		words.at[nextWord[g]] = int32(pos)
		nextWord[g]++
	})
}

// entryAt returns the index of the entry whose key holds offset at of the text.
func (tl *termList) entryAt(at int) int {
	i, found := slices.BinarySearch(tl.offs, int32(at))
	if !found {
		i--
	}
	return i
}

// key returns entry i's key, a part of the text.
func (tl *termList) key(i int) string { return tl.text[tl.offs[i] : tl.offs[i+1]-1] }

// rank adds the entries that m accepts to cands, but those skip rejects, best first, and
// stops once no entry left could be among the best cands keeps. Which entries those are
// is then settled; what is left is whether any other matches at all, which makes the
// list incomplete, and the walk goes on to the first one.
func (tl *termList) rank(m *matcher, skip func(e termEntry) bool, cands *topK[candidate]) {
	added := 0
	// add adds entry i at rank, and reports whether the walk should go on.
	add := func(i, rank int) bool {
		e := tl.entry(i)
		if skip(e) {
			return true
		}
		if added == cands.k {
			cands.seen++ // one more match than the list keeps, worse than all of them
			return false
		}
		cands.add(e.candidate(rank))
		added++
		// The list is full of entries better than any not yet walked; whether it is
		// cut is known when it holds more than it keeps.
		return added < cands.k || cands.seen <= cands.k
	}
	if m.typed == "" {
		for i := range tl.size() {
			if !add(i, rankPrefix) {
				return
			}
		}
		return
	}
	typed := m.typed
	if len(typed) == 1 {
		// Every key of its group starts with it; one letter is too short for the words
		// inside keys and for typos.
		for _, i := range tl.firstBytes.group(int(typed[0])) {
			if !add(int(i), rankPrefix) {
				return
			}
		}
		return
	}
	// The walks go through the places an earlier text that typed starts with was found
	// at, if they are known, and record where typed is found for the next keystroke's.
	prev, next := tl.narrowingFor(m), (*narrowing)(nil)
	if narrowable(m) {
		next = &narrowing{typed: typed, maxTyp: m.maxTyp}
	}
	walked := func(walk int, group []int32) []int32 {
		if prev != nil {
			return prev.places[walk]
		}
		return group
	}
	// Keys that start with the typed text: those of the group of the first two bytes that
	// go on like it.
	for _, i := range walked(keyWalk, tl.keyStarts.group(bigram(typed, 0))) {
		if strings.HasPrefix(tl.text[tl.offs[i]:], typed) {
			next.keep(keyWalk, i)
			if !add(int(i), rankPrefix) {
				return
			}
		}
	}
	// Keys with a word inside that starts with it, but for those that start with it
	// themselves. A key's places are next to each other.
	if len(m.runes) >= minWordPrefix {
		last := -1
		for _, pos := range walked(wordWalk, tl.wordStarts.group(bigram(typed, 0))) {
			if !strings.HasPrefix(tl.text[pos:], typed) {
				continue
			}
			next.keep(wordWalk, pos)
			i := tl.entryAt(int(pos))
			if i == last {
				continue
			}
			last = i
			if !strings.HasPrefix(tl.key(i), typed) && !add(i, rankWordPrefix) {
				return
			}
		}
	}
	if m.maxTyp > 0 {
		// Keys within a typo or two: a typo rarely hits the first letter, so the keys that
		// start with it are the ones worth the distance table.
		first := string(m.runes[0])
		var group []int32
		if len(first) == 1 {
			group = tl.firstBytes.group(int(first[0]))
		} else {
			group = tl.keyStarts.group(bigram(first, 0))
		}
		for _, i := range walked(typoWalk, group) {
			// The table reads no further than len(typed)+maxTyp runes of the key.
			key := tl.key(int(i))
			head := key[:min(len(key), 4*(len(m.runes)+m.maxTyp))]
			if !strings.HasPrefix(head, first) || m.tooManyMissing(head, m.maxTyp) {
				continue
			}
			rank, ok := m.match(key)
			if !ok {
				continue
			}
			next.keep(typoWalk, i)
			if rank == rankFuzzy && !add(int(i), rankFuzzy) {
				return
			}
		}
	}
	// Only a walk that went through: one that stopped early did not see every place.
	if next != nil && !next.full {
		tl.narrowed.Store(next)
	}
}

// exactTerms returns the topics that [[key]] resolves to through an alias (alias) or a
// last segment (not alias), as terms, best first, at most limit of them, and whether
// more were left out. An alias or a last name can be shared by a thousand topics, whose
// uses would each take a count; the term list has them counted, in rank order.
func (s *Snapshot) exactTerms(key string, alias bool, limit int) ([]candidate, bool) {
	tl, now := s.termListNow()
	var out []candidate
	seen := map[string]bool{} // a topic has an alias once in each file that gives it
	add := func(e termEntry) {
		if !seen[e.topic] {
			seen[e.topic] = true
			out = append(out, candidate{key: e.topic, kind: CompletionTerm, rank: rankExact, uses: int(e.uses)})
		}
	}
	for i := range now.entries {
		if e := &now.entries[i]; alias && e.kind == CompletionAlias && e.match == key ||
			!alias && e.kind == CompletionTerm && isLastSegment(e.topic, key) {
			add(*e)
		}
	}
	touched, more := len(out), false
	if !alias || !now.staleAliases.get(key) { // else the touched entries replace the list's
		for e := range tl.namedBy(key, alias) {
			if now.staleTopics.get(e.topic) || seen[e.topic] {
				continue
			}
			if len(out)-touched == limit {
				more = true
				break
			}
			add(e)
		}
	}
	slices.SortFunc(out, compareCandidates)
	if len(out) > limit {
		out, more = out[:limit], true
	}
	return out, more
}

// namedBy yields the entries of tl that key names outright, in rank order: with alias,
// its aliases called key; else its terms whose last segment is key. They are found
// among the places grouped by their first two bytes (a one-byte key's second is its
// end): where keys start, or where words inside them do.
func (tl *termList) namedBy(key string, alias bool) iter.Seq[termEntry] {
	return func(yield func(termEntry) bool) {
		ending := " -- " + key + "\n"
		g := bigram(ending, len(" -- "))
		if alias {
			for _, i := range tl.keyStarts.group(g) {
				if tl.kinds[i] == CompletionAlias && tl.key(int(i)) == key && !yield(tl.entry(int(i))) {
					return
				}
			}
			return
		}
		for _, pos := range tl.wordStarts.group(g) {
			if at := int(pos) - len(" -- "); at < 0 || !strings.HasPrefix(tl.text[at:], ending) {
				continue
			}
			if i := tl.entryAt(int(pos)); tl.kinds[i] == CompletionTerm && !yield(tl.entry(i)) {
				return
			}
		}
	}
}

// isLastSegment reports whether name is the last segment of a path key of two or more.
func isLastSegment(topic, name string) bool {
	rest, ok := strings.CutSuffix(topic, name)
	return ok && strings.HasSuffix(rest, " -- ")
}

// rankTermsOf ranks the terms and aliases of s against m into cands: the entries of the
// term list that still hold, then those the edits since it was built touched, as they
// are now.
func (s *Snapshot) rankTermsOf(m *matcher, cands *topK[candidate]) {
	tl, now := s.termListNow()
	rankWithTouched(tl, now.entries, now, m, nil, cands)
}

// rankRootsOf ranks the top-level topics of s against m into cands, but those that
// hide rejects.
func (s *Snapshot) rankRootsOf(m *matcher, hide func(key string) bool, cands *topK[candidate]) {
	tl, now := s.termListNow()
	rankWithTouched(tl.roots, now.roots, now, m, hide, cands)
}

// rankWithTouched ranks the entries of tl that still hold, and touched, the entries
// that replace the others, against m into cands, but for the topics hide rejects.
func rankWithTouched(tl *termList, touched []termEntry, now *termsNow, m *matcher, hide func(key string) bool, cands *topK[candidate]) {
	// The touched entries go first: the walk of the list stops when it has filled the
	// list, which is then exact only if they are in it already.
	for i := range touched {
		e := &touched[i]
		if rank, ok := m.match(e.match); ok && (hide == nil || !hide(e.topic)) {
			cands.add(e.candidate(rank))
		}
	}
	skip := func(e termEntry) bool {
		if now.staleTopics.get(e.topic) || e.kind == CompletionAlias && now.staleAliases.get(e.match) {
			return true
		}
		return hide != nil && hide(e.topic)
	}
	tl.rank(m, skip, cands)
}

// termsNow is what a snapshot knows beyond its term list: the entries whose topic or
// alias key its edits touched, as they are now, in rank order, and the keys of the
// list's entries they replace.
type termsNow struct {
	entries []termEntry
	roots   []termEntry // the top-level terms among them, as topics
	// staleTopics and staleAliases hold every key touched since the list was built, up
	// to maxTouchedTerms; sharded, so that each keystroke's snapshot copies a shard's
	// changes of them rather than all of them.
	staleTopics  shardedMap[string, bool] // the term of each, and its aliases, no longer hold
	staleAliases shardedMap[string, bool] // the aliases of each key no longer hold
}

// termList returns the term list of the workspace, built from this snapshot or taken
// over from an earlier one.
func (s *Snapshot) termList() *termList {
	return s.terms.base.get()
}

// termListNow returns the term list and what this snapshot's edits changed in it.
func (s *Snapshot) termListNow() (*termList, *termsNow) {
	tl := s.termList()
	return tl, s.terms.now.get(s.touchedTerms) // after the list: its entries are relative to it
}

// buildTermList lists every term and alias of the workspace with its uses.
func (s *Snapshot) buildTermList() *termList {
	refs := map[string]int32{}
	s.eachRefKey(func(rk string, lines int) {
		for _, k := range s.resolve(rk) {
			refs[k] += int32(lines)
		}
	})
	lines := s.topicLines()
	// The aliases counted first, so that the entries are allocated once at their size:
	// grown by appending, a million of them were 80 MB of garbage on the way, and kept
	// apart until the terms were in, 40 MB more at m1000, made while the server answers.
	nAliases := 0
	s.eachAlias(func(_ string, as []alias) { nAliases += len(as) })
	entries := make([]termEntry, 0, len(lines)+nAliases)
	nRoots := 0
	for k, n := range lines {
		entries = append(entries, termEntry{match: k, topic: k, uses: n + refs[k], kind: CompletionTerm})
		if isRootKey(k) {
			nRoots++
		}
	}
	s.eachAlias(func(ak string, as []alias) {
		for _, a := range as {
			entries = append(entries, termEntry{match: ak, topic: a.topic, label: a.text, kind: CompletionAlias, uses: lines[a.topic] + refs[a.topic]})
		}
	})
	sortEntries(entries)
	roots := make([]termEntry, 0, nRoots)
	for i := range entries {
		if entries[i].isRoot() {
			roots = append(roots, entries[i].asTopic())
		}
	}
	tl := newTermList(entries)
	tl.roots = newTermList(roots)
	return tl
}

// touchedTerms finds the entries of the term list that the edits since it was built may
// have changed, and makes them anew: the terms of the touched topics, the aliases of
// those topics and of the touched alias keys. When a snapshot since the list made its
// own, only the entries of the edits after that one are made anew.
func (s *Snapshot) touchedTerms() *termsNow {
	w := s.terms
	if prev := w.prev; prev != nil {
		topics, aliases := w.edit.topics, w.edit.aliases
		fresh := s.freshTerms(maps.Keys(topics), maps.Keys(aliases), func(ak string) bool { return aliases[ak] })
		now := &termsNow{staleTopics: prev.staleTopics.clone(), staleAliases: prev.staleAliases.clone()}
		for k := range topics {
			now.staleTopics.set(k, true)
		}
		for k := range aliases {
			now.staleAliases.set(k, true)
		}
		replaced := func(e termEntry) bool {
			return topics[e.topic] || e.kind == CompletionAlias && aliases[e.match]
		}
		now.entries = mergeEntries(prev.entries, replaced, fresh)
		now.findRoots()
		return now
	}
	now := &termsNow{staleTopics: w.topics.clone(), staleAliases: w.aliases.clone()}
	now.entries = s.freshTerms(w.topics.keys(), w.aliases.keys(), now.staleAliases.get)
	now.findRoots()
	return now
}

// freshTerms makes the entries of topics and of alias keys (touched tells the latter),
// and of the aliases of those topics, as they are now, in rank order.
func (s *Snapshot) freshTerms(topics, aliases iter.Seq[string], touched func(aliasKey string) bool) []termEntry {
	counted := map[string]bool{} // the topics whose uses the entries need
	for k := range topics {
		counted[k] = true
	}
	var aliasEntries []termEntry
	for ak := range aliases {
		for _, fi := range s.aliasFiles(ak) {
			for _, a := range fi.aliases[ak] {
				aliasEntries = append(aliasEntries, termEntry{match: ak, topic: a.topic, label: a.text, kind: CompletionAlias})
				counted[a.topic] = true
			}
		}
	}
	// A touched topic's aliases, found in the files that hold the topic: the other
	// topics of the same alias key keep their entries. Made through the alias key, an
	// abbreviation that hundreds of files give hundreds of topics remade them all, and
	// counted their uses, whenever one of them was touched: 7 ms a keystroke at m1000.
	var keys []string
	for k := range topics {
		for _, fi := range s.topicFiles(k) {
			keys = keys[:0]
			for _, text := range fi.topicAliases.get(k) {
				if ak := analysis.NameKey([]byte(text)); !touched(ak) && !slices.Contains(keys, ak) {
					keys = append(keys, ak)
				}
			}
			for _, ak := range keys {
				for _, a := range fi.aliases[ak] {
					if a.topic == k {
						aliasEntries = append(aliasEntries, termEntry{match: ak, topic: k, label: a.text, kind: CompletionAlias})
					}
				}
			}
		}
	}
	refs := s.refCountsOf(counted)
	var entries []termEntry
	for k := range topics {
		if lines := s.topicUses(k); lines > 0 {
			entries = append(entries, termEntry{match: k, topic: k, uses: int32(lines + refs[k]), kind: CompletionTerm})
		}
	}
	for _, e := range aliasEntries {
		e.uses = int32(s.topicUses(e.topic) + refs[e.topic])
		entries = append(entries, e)
	}
	slices.SortFunc(entries, compareEntries)
	return entries
}

// findRoots lists the top-level terms among the entries, as topics.
func (now *termsNow) findRoots() {
	for i := range now.entries {
		if now.entries[i].isRoot() {
			now.roots = append(now.roots, now.entries[i].asTopic())
		}
	}
}

// mergeEntries merges the entries of a that drop does not reject with those of b, both
// in rank order, into one list in one pass: a is every entry touched since the list was
// built, remade at each keystroke.
func mergeEntries(a []termEntry, drop func(termEntry) bool, b []termEntry) []termEntry {
	out := make([]termEntry, 0, len(a)+len(b))
	for len(a) > 0 {
		if drop(a[0]) {
			a = a[1:]
			continue
		}
		if len(b) > 0 && compareEntries(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(out, b...)
}

// refCountsOf counts the reference lines that name each of topics, as refCount does
// one at a time, but counting the lines of each reference key once: the touched topics
// of a few hundred edits share their last segments, and a last segment can name
// hundreds of topics.
func (s *Snapshot) refCountsOf(topics map[string]bool) map[string]int {
	out := make(map[string]int, len(topics))
	if s.refsCounted() {
		for k := range topics {
			out[k] = s.refCounts[k]
		}
		return out
	}
	lines := map[string]int{}
	var naming []string
	for k := range topics {
		naming = s.appendKeysNaming(naming[:0], k)
		slices.Sort(naming)
		for _, rk := range slices.Compact(naming) {
			n, ok := lines[rk]
			if !ok {
				for _, fi := range s.refFiles(rk) {
					n += fi.refs.count(rk)
				}
				lines[rk] = n
			}
			out[k] += n
		}
	}
	return out
}

// topicLines counts the lines under every topic of the workspace, in every file. Each
// file's topics are read in one pass over its table: at a million topics, looking each
// up in the workspace table and then in its files misses the cache for nearly every one.
func (s *Snapshot) topicLines() map[string]int32 {
	files := s.allFiles()
	size := 0
	if s.tables != nil {
		size = s.tables.topics.len()
	} else if s.only != nil {
		size = s.only.topics.len()
	}
	lines := make(map[string]int32, size)
	for _, fi := range files {
		for k, t := range fi.topics.all() {
			lines[k] += t.uses
		}
	}
	return lines
}

// eachAlias calls f with every alias key of the workspace and, once per file that
// defines it, that file's aliases of the key.
func (s *Snapshot) eachAlias(f func(key string, as []alias)) {
	if s.tables == nil {
		if s.only != nil {
			for ak, as := range s.only.aliases {
				f(ak, as)
			}
		}
		return
	}
	for ak, ids := range s.tables.aliases.all() {
		for _, id := range ids {
			f(ak, s.byID[id].aliases[ak])
		}
	}
}

// eachRefKey calls f with every reference key of the workspace and the lines that hold it.
func (s *Snapshot) eachRefKey(f func(key string, lines int)) {
	if s.tables == nil {
		if s.only != nil {
			for rk, n := range s.only.refs.counts() {
				f(rk, n)
			}
		}
		return
	}
	for rk, ids := range s.tables.refs.all() {
		lines := 0
		for _, id := range ids {
			lines += s.byID[id].refs.count(rk)
		}
		f(rk, lines)
	}
}

// workspaceTerms is the term list of a workspace: one built over every term and alias at
// some snapshot and shared by the later ones, the keys edits touched since, and what
// those keys make of the list at this snapshot.
type workspaceTerms struct {
	base *termBase
	// Since the list was built: the topics whose lines or references may differ, and
	// the alias keys defined or taken away. Sharded: a keystroke's snapshot adds a key or
	// two to sets of up to maxTouchedTerms, which copying whole cost 40 KB a keystroke
	// at m1000.
	topics, aliases shardedMap[string, bool]
	// What they made of the list at the last snapshot that made it, if one did since the
	// list was built, and the share of the edits since that one: only their entries are
	// made anew.
	edit termEdit
	prev *termsNow
	now  *lazy[*termsNow]
}

// termEdit is what one edit touched of the term list.
type termEdit struct{ topics, aliases map[string]bool }

// maxTouchedTerms is how many touched topics and alias keys a term list carries before
// it is built anew: a snapshot whose predecessor had not made its touched entries makes
// every one of them, a few thousand cost tens of milliseconds.
const maxTouchedTerms = 4096

// newWorkspaceTerms returns the terms of snap, whose list is built from snap on first use.
func newWorkspaceTerms(snap *Snapshot) workspaceTerms {
	return workspaceTerms{base: &termBase{from: snap, built: make(chan struct{})}, now: &lazy[*termsNow]{}}
}

// termBase is a term list built on first use from the snapshot it was made for, whichever
// later snapshot sharing it asks first: what they touched is relative to that one.
type termBase struct {
	once    sync.Once
	from    *Snapshot // until the list is built
	list    *termList
	started atomic.Bool
	done    atomic.Bool
	built   chan struct{} // closed once the list is built
	slow    atomic.Bool   // a completion's wait for the list ran out (see termsWithin)
}

func (b *termBase) get() *termList {
	b.once.Do(func() {
		b.started.Store(true)
		b.list = b.from.buildTermList()
		b.from = nil
		b.done.Store(true)
		close(b.built)
	})
	return b.list
}

func (b *termBase) ready() bool { return b.done.Load() }

// termKeys are what an edit changed of the term list: the topics whose line counts
// changed, the alias keys whose aliases changed, the reference keys whose lines changed,
// and the keys that may name other topics since: the topic and alias keys that came or
// went. (A topic that comes or goes changes what its last segment names by itself
// alone, and it is touched.)
type termKeys struct {
	topics, aliases, refs, names []string
}

// termKeysOfChange compares lines [oldFrom, oldTo) of old with lines [curFrom, curTo) of
// cur, either nil for a file added or removed: what they hold alike, in whatever order,
// changes nothing. Typing in a body keeps every reference of the line, and typing in a
// head keeps the topics before the segment typed in.
func termKeysOfChange(old *analysis.File, oldFrom, oldTo int, cur *analysis.File, curFrom, curTo int) *termKeys {
	type aliasRec struct{ key, topic, text string }
	topics := map[string]int{} // topic key -> lines
	aliases, refs := map[aliasRec]int{}, map[string]int{}
	count := func(f *analysis.File, from, to, d int) {
		if f == nil {
			return
		}
		for i := from; i < to; i++ {
			l := f.Line(i)
			text := f.LineText(i)
			for s := range l.Segments {
				k := l.TopicKey(s)
				topics[k] += d
				if a := l.Alias(s); !a.IsZero() {
					aliases[aliasRec{analysis.NameKey(text[a.Start:a.End]), k, string(text[a.Start:a.End])}] += d
				}
			}
			for _, r := range l.Refs() {
				if r.Key != "" {
					refs[r.Key] += d
				}
			}
		}
	}
	count(old, oldFrom, oldTo, -1)
	count(cur, curFrom, curTo, +1)
	keys := &termKeys{}
	for k, d := range topics {
		if d != 0 {
			keys.topics = append(keys.topics, k)
			keys.names = append(keys.names, k)
		}
	}
	seen := map[string]bool{}
	for a, d := range aliases {
		if d != 0 && !seen[a.key] {
			seen[a.key] = true
			keys.aliases = append(keys.aliases, a.key)
			keys.names = append(keys.names, a.key)
		}
	}
	for rk, d := range refs {
		if d != 0 {
			keys.refs = append(keys.refs, rk)
		}
	}
	return keys
}

// touching returns the terms of snap, made from old by an edit of keys. The topics a
// reference key names before the edit and after it are touched when its lines changed
// or it names others: their reference counts may differ. A list nobody has started to
// build is built from the snapshot it is first asked of, so there is nothing to carry;
// one being built (in the background, when the edits come) is built from the snapshot it
// was made for, and not again.
func (w workspaceTerms) touching(old, snap *Snapshot, keys *termKeys) workspaceTerms {
	if len(keys.topics)+len(keys.aliases)+len(keys.refs)+len(keys.names) == 0 {
		return w // the same lines again, as when an editor opens a file as it is on disk
	}
	if !w.base.started.Load() {
		return newWorkspaceTerms(snap)
	}
	edit := termEdit{topics: map[string]bool{}, aliases: map[string]bool{}}
	topics, aliases := w.topics.clone(), w.aliases.clone()
	full := func() bool { return topics.len()+aliases.len() > maxTouchedTerms }
	for _, k := range keys.topics {
		edit.topics[k] = true
		topics.set(k, true)
	}
	for _, k := range keys.aliases {
		edit.aliases[k] = true
		aliases.set(k, true)
	}
	if full() {
		return newWorkspaceTerms(snap)
	}
	linesChanged := map[string]bool{}
	for _, rk := range keys.refs {
		linesChanged[rk] = true
	}
	seen := map[string]bool{}
	for _, rk := range slices.Concat(keys.refs, keys.names) {
		if seen[rk] {
			continue
		}
		seen[rk] = true
		before, after := old.resolve(rk), snap.resolve(rk)
		if !linesChanged[rk] && slices.Equal(before, after) {
			continue
		}
		for _, k := range slices.Concat(before, after) {
			edit.topics[k] = true
			topics.set(k, true)
		}
		if full() {
			return newWorkspaceTerms(snap)
		}
	}
	if len(edit.topics) == 0 && len(edit.aliases) == 0 {
		return w // nothing the list holds changed
	}
	prev, ok := w.now.ready()
	if !ok && w.prev != nil {
		// The snapshot before made no entries (no completion asked it): this one makes
		// those of its edits as well, over the last entries made. Else a "[[" after a
		// few keystrokes in a body made the entries of every topic touched since the
		// list was built, a few thousand in a long session without a pause.
		prev = w.prev
		maps.Copy(edit.topics, w.edit.topics)
		maps.Copy(edit.aliases, w.edit.aliases)
	}
	return workspaceTerms{base: w.base, topics: topics, aliases: aliases, edit: edit, prev: prev, now: &lazy[*termsNow]{}}
}
