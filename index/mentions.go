package index

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/notesls/notesls/analysis"
)

// RuleUnlinkedMention is a known term named in a definition without [[ ]]. It is off by
// default: a glossary names its own terms everywhere, and only a user who wants every
// mention linked turns it on.
const RuleUnlinkedMention = "unlinked-mention"

// mentionsOn reports whether the configuration reports unlinked mentions: when it does not,
// nothing of the rule is built or kept.
func (c Config) mentionsOn() bool { return c.SeverityOf(RuleUnlinkedMention) != RuleOff }

// A mention is a known term written without [[ ]] in a body: bytes [start, end) of its
// line, whose words make key.
type mention struct {
	line       int32
	start, end int32
	key        string
}

// minTermLetters is how many letters a term needs to be looked for in bodies: "db" or
// "3" in prose are seldom the term.
const minTermLetters = 3

// termWords returns how many words a term key has when the rule looks for it in bodies,
// else 0: the key must be words (wordSpans) joined by single spaces, as a body's words
// fold to, at most maxTermWords of them, with minTermLetters letters or more. A key with
// other characters between its words ("by key, range, directory") cannot be matched
// word by word and is left out.
func termWords(key string) int {
	words := wordSpans([]byte(key))
	if len(words) == 0 || len(words) > maxTermWords || words[0].Start != 0 || words[len(words)-1].End != len(key) {
		return 0
	}
	for i := 1; i < len(words); i++ {
		if words[i].Start != words[i-1].End+1 || key[words[i-1].End] != ' ' {
			return 0
		}
	}
	letters := 0
	for _, r := range key {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < minTermLetters {
		return 0
	}
	return len(words)
}

// firstWord is the first word of a term key.
func firstWord(key string) string {
	if i := strings.IndexByte(key, ' '); i >= 0 {
		return key[:i]
	}
	return key
}

// mentionTerms answers the matcher's two questions about a run of folded body words
// joined by single spaces: is it a term the rule looks for, and does a longer term start
// with it.
type mentionTerms struct {
	isTerm  func(key string) bool
	extends func(key string) bool
}

// scanLineMentions appends the unlinked mentions of line i of f to dst, and gives each
// folded word of its body to word (nil: none wanted). Only definitions count (after `=`,
// `==` or `:`): the body of `->` and `~` is a reference already. References and URLs are
// left out, and a match never spans one. At each word the longest term wins, and the
// words it covers are used up even when it is not reported; a term is reported once a
// line, at its first mention, and not when it is the line's own name or alias (a term
// mentioned in its own definition) or the line links it already. The cost is the body's
// words times the words of the longest term that starts at each.
func scanLineMentions(dst []mention, f *analysis.File, i int, terms mentionTerms, word func(string)) []mention {
	l := f.Line(i)
	if l.Kind == analysis.Blank || !l.Sep.Defines() || l.Body.Len() == 0 {
		return dst
	}
	text := f.LineText(i)
	var skip []analysis.LineSpan // in the line, sorted
	for _, r := range l.Refs() {
		skip = append(skip, r.Span)
	}
	skip = append(skip, l.URLs...)
	slices.SortFunc(skip, func(a, b analysis.LineSpan) int { return cmp.Compare(a.Start, b.Start) })
	var reported []string
	excluded := func(key string) bool {
		if slices.Contains(reported, key) {
			return true
		}
		for s := range l.Segments {
			if l.SegmentKey(s) == key {
				return true
			}
			if a := l.Alias(s); !a.IsZero() && analysis.NameKey(text[a.Start:a.End]) == key {
				return true
			}
		}
		for _, r := range l.Refs() {
			if r.Key == key {
				return true
			}
		}
		return false
	}
	var keys []string
	scanPiece := func(from, to int32) {
		if from >= to {
			return
		}
		piece := text[from:to]
		words := wordSpans(piece)
		if len(words) == 0 {
			return
		}
		// One string for the piece, whose words are their own keys when they are folded
		// already (lowercase ASCII): a key each cost most of the rule's allocations.
		str := string(piece)
		keys = keys[:0]
		for _, w := range words {
			k := str[w.Start:w.End]
			if !isFoldedASCII(k) {
				k = analysis.NameKey(piece[w.Start:w.End])
			}
			keys = append(keys, k)
			if word != nil {
				word(k)
			}
		}
		for w := 0; w < len(words); {
			best, bestKey := -1, ""
			key := keys[w]
			for j := w; ; j++ {
				if terms.isTerm(key) {
					best, bestKey = j, key
				}
				if j+1 >= len(words) || j+1-w >= maxTermWords || !onlyBlanks(piece[words[j].End:words[j+1].Start]) || !terms.extends(key) {
					break
				}
				key += " " + keys[j+1]
			}
			if best < 0 {
				w++
				continue
			}
			if !excluded(bestKey) {
				reported = append(reported, bestKey)
				dst = append(dst, mention{line: int32(i), start: from + int32(words[w].Start), end: from + int32(words[best].End), key: bestKey})
			}
			w = best + 1
		}
	}
	at := l.Body.Start
	for _, sp := range skip {
		if sp.End <= at || sp.Start >= l.Body.End {
			continue
		}
		scanPiece(at, min(sp.Start, l.Body.End))
		at = max(at, sp.End)
	}
	scanPiece(at, l.Body.End)
	return dst
}

// isFoldedASCII reports whether w is ASCII without capitals, so that it is its own key.
func isFoldedASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

func onlyBlanks(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return len(b) > 0
}

// mentionState holds every file's unlinked mentions, and what finds them again after an
// edit without reading every body: the word prefixes of the multi-word terms, and which
// files' bodies hold each word. It is built only when the rule is on.
type mentionState struct {
	byFile map[string][]mention // sorted by line, then start
	// prefixes counts, for each run of a term's first words (not the whole term), the
	// multi-word terms that start with it: the matcher extends a run only while it is one.
	prefixes shardedMap[string, int32]
	// words maps a folded body word to the files whose definitions may hold it: an edit
	// adds the words of the lines it puts in and takes none out (that would need a count
	// per file and word), so a list may name a file that no longer has the word, which
	// costs a needless look at that file, never a missed one. Removed files' ids stay too;
	// ids are not reused.
	words holderTable[string]
	// changed lists the files whose findings differ from those of the state this one was
	// updated from; nil for a state computed in full.
	changed map[string]bool
}

// termFlip is a term key that an edit made known (added) or unknown.
type termFlip struct {
	key   string
	added bool
}

// mentionEdit is what one edit did, for carrying the mentions over it: lines [from,
// oldTo) of path were replaced by [from, oldTo+delta), or the file was removed; flips
// are the terms it made known or unknown, moved the terms whose first place (named in
// the message) it changed.
type mentionEdit struct {
	lineShift
	removed bool
	flips   []termFlip
	moved   []string
}

func (s *Snapshot) mentionFindings() *mentionState {
	return s.mentions.get(s.computeMentions, s.updateMentions)
}

// linkableTerm reports whether key is a term the rule looks for: a name (last segment of
// a topic, top-level ones included) or an alias of the workspace, the keys a bare
// [[reference]] resolves through, that termWords accepts.
func (s *Snapshot) linkableTerm(key string) bool {
	return (s.hasName(key) || s.hasAlias(key)) && termWords(key) > 0
}

func (st *mentionState) terms(s *Snapshot) mentionTerms {
	return mentionTerms{isTerm: s.linkableTerm, extends: func(key string) bool { return st.prefixes.get(key) > 0 }}
}

// addPrefixes counts the proper word prefixes of term key by delta.
func (st *mentionState) addPrefixes(key string, delta int32) {
	for i := 0; i < len(key); i++ {
		if key[i] != ' ' {
			continue
		}
		p := key[:i]
		if n := st.prefixes.get(p) + delta; n > 0 {
			st.prefixes.set(p, n)
		} else {
			st.prefixes.del(p)
		}
	}
}

// eachTermKey calls f with every name and alias key of the workspace, each once.
func (s *Snapshot) eachTermKey(f func(string)) {
	switch {
	case s.tables != nil:
		for k := range s.tables.names.all() {
			f(k)
		}
		for k := range s.tables.aliases.all() {
			if !s.tables.names.has(k) {
				f(k)
			}
		}
	case s.only != nil:
		for k := range s.only.lastSeg.one.all() {
			f(k)
		}
		for k, list := range s.only.aliases {
			if _, ok := s.only.lastSeg.one.lookup(k); !ok && len(list) > 0 {
				f(k)
			}
		}
	}
}

func (s *Snapshot) computeMentions() *mentionState {
	st := &mentionState{byFile: map[string][]mention{}, prefixes: newShardedMap[string, int32](0),
		words: newHolderTable[string](0, &singleLists{})}
	s.eachTermKey(func(k string) {
		if termWords(k) > 1 {
			st.addPrefixes(k, 1)
		}
	})
	terms := st.terms(s)
	// Files in id order, so that a word's list of files grows at its end.
	files := slices.SortedFunc(slices.Values(s.allFiles()), func(a, b *fileIndex) int { return cmp.Compare(a.id, b.id) })
	for _, fi := range files {
		seen := map[string]bool{}
		id := fi.id
		var list []mention
		for i := range fi.ast.NumLines() {
			list = scanLineMentions(list, fi.ast, i, terms, func(w string) {
				if !seen[w] {
					seen[w] = true
					st.words.addLast(w, id)
				}
			})
		}
		if len(list) > 0 {
			st.byFile[fi.path] = list
		}
	}
	return st
}

// lineRange is lines [from, to).
type lineRange struct{ from, to int32 }

// replaced carries the line ranges of a file that edits put in (in the numbering after
// them) over one more edit e: a range before e stays, one after it moves, one that
// touches it joins the lines e put in.
func replaced(ranges []lineRange, e mentionEdit) []lineRange {
	put := lineRange{e.from, e.oldTo + e.delta}
	var out []lineRange
	for _, r := range ranges {
		switch {
		case r.to < e.from:
			out = append(out, r)
		case r.from > e.oldTo:
			out = append(out, lineRange{r.from + e.delta, r.to + e.delta})
		default:
			put.from = min(put.from, r.from)
			put.to = max(put.to, r.to+e.delta)
		}
	}
	out = append(out, put)
	slices.SortFunc(out, func(a, b lineRange) int { return cmp.Compare(a.from, b.from) })
	return out
}

// updateMentions derives this snapshot's mentions from prev through edits. A file's
// mentions on lines no edit put in stand, moved with their lines; the lines edits put in
// are read again. A term made known or unknown changes mentions only in bodies holding its
// first word: those files are read again, found through the words table, and no other.
func (s *Snapshot) updateMentions(prev *mentionState, edits []mentionEdit) *mentionState {
	st := &mentionState{byFile: maps.Clone(prev.byFile), prefixes: prev.prefixes.clone(), words: prev.words.clone(),
		changed: map[string]bool{}}
	terms := st.terms(s)
	put := map[string][]lineRange{}
	whole := map[string]bool{} // removed at some point: the path's findings are all new
	var flipped, moved []string
	for _, e := range edits {
		for _, fl := range e.flips {
			if termWords(fl.key) > 1 {
				delta := int32(-1)
				if fl.added {
					delta = 1
				}
				st.addPrefixes(fl.key, delta)
			}
			flipped = append(flipped, fl.key)
		}
		moved = append(moved, e.moved...)
		if e.removed {
			whole[e.path] = true
			continue
		}
		put[e.path] = replaced(put[e.path], e)
	}
	rescan := map[string]bool{}
	for p := range whole {
		delete(st.byFile, p)
		st.changed[p] = true
		if s.file(p) != nil {
			rescan[p] = true
		}
	}
	for p, ranges := range put {
		fi := s.file(p)
		if fi == nil || whole[p] {
			continue
		}
		st.changed[p] = true
		list := make([]mention, 0, len(prev.byFile[p])+8)
		in := func(line int32) bool {
			return slices.ContainsFunc(ranges, func(r lineRange) bool { return r.from <= line && line < r.to })
		}
		for _, m := range prev.byFile[p] {
			if line, ok := movedLine(edits, p, m.line); ok && !in(line) {
				m.line = line
				list = append(list, m)
			}
		}
		id := fi.id
		for _, r := range ranges {
			for i := r.from; i < r.to && int(i) < fi.ast.NumLines(); i++ {
				list = scanLineMentions(list, fi.ast, int(i), terms, func(w string) { st.words.add(w, id) })
			}
		}
		slices.SortFunc(list, compareMentions)
		st.setFile(p, list)
	}
	filesWith := func(word string, f func(*fileIndex)) {
		for _, id := range st.words.get(word) {
			if fi := s.byID[id]; fi != nil {
				f(fi)
			}
		}
	}
	for p := range rescan {
		fi := s.file(p)
		var list []mention
		for i := range fi.ast.NumLines() {
			list = scanLineMentions(list, fi.ast, i, terms, func(w string) { st.words.add(w, fi.id) })
		}
		st.setFile(p, list)
	}
	// The lines holding a flipped term's first word are read again, in the files that
	// may hold it; their other lines cannot have changed.
	again := map[*fileIndex][]int32{}
	for _, k := range flipped {
		w := firstWord(k)
		filesWith(w, func(fi *fileIndex) {
			if !rescan[fi.path] {
				again[fi] = append(again[fi], fi.bodyWordLines()[w]...)
			}
		})
	}
	for fi, lines := range again {
		slices.Sort(lines)
		lines = slices.Compact(lines)
		before := st.byFile[fi.path]
		list := slices.DeleteFunc(slices.Clone(before), func(m mention) bool {
			_, found := slices.BinarySearch(lines, m.line)
			return found
		})
		for _, ln := range lines {
			list = scanLineMentions(list, fi.ast, int(ln), terms, nil)
		}
		slices.SortFunc(list, compareMentions)
		if !slices.Equal(list, before) {
			st.changed[fi.path] = true
		}
		st.setFile(fi.path, list)
	}
	// A term that moved keeps its mentions, but their message names its first place.
	for _, k := range moved {
		filesWith(firstWord(k), func(fi *fileIndex) {
			if slices.ContainsFunc(st.byFile[fi.path], func(m mention) bool { return m.key == k }) {
				st.changed[fi.path] = true
			}
		})
	}
	return st
}

func compareMentions(a, b mention) int {
	return cmp.Or(cmp.Compare(a.line, b.line), cmp.Compare(a.start, b.start))
}

// bodyWordLines maps each folded word of fi's definitions (as scanLineMentions reads
// them) to the lines that hold it, in order. It is made once a file version, when a term
// made known or unknown sends the rule to the file.
func (fi *fileIndex) bodyWordLines() map[string][]int32 {
	return fi.bodyWords.get(func() map[string][]int32 {
		none := func(string) bool { return false }
		m := map[string][]int32{}
		for i := range fi.ast.NumLines() {
			ln := int32(i)
			scanLineMentions(nil, fi.ast, i, mentionTerms{none, none}, func(w string) {
				if l := m[w]; len(l) == 0 || l[len(l)-1] != ln {
					m[w] = append(l, ln)
				}
			})
		}
		return m
	})
}

func (st *mentionState) setFile(path string, list []mention) {
	if len(list) == 0 {
		delete(st.byFile, path)
	} else {
		st.byFile[path] = list
	}
}

// mentionEditOf describes, for the mentions, an edit that made snap from old: path's
// lines [from, oldTo) became [from, to) (the whole file for a new, rebuilt or removed
// one), and the term keys on those lines, old and new, are terms.
func mentionEditOf(old, snap *Snapshot, path string, from, oldTo, to int, removed bool, terms []string) mentionEdit {
	e := mentionEdit{lineShift: lineShift{path: path, from: int32(from), oldTo: int32(oldTo), delta: int32(to - oldTo)}, removed: removed}
	slices.Sort(terms)
	for _, k := range slices.Compact(terms) {
		if termWords(k) == 0 {
			continue
		}
		was, now := old.hasName(k) || old.hasAlias(k), snap.hasName(k) || snap.hasAlias(k)
		switch {
		case was != now:
			e.flips = append(e.flips, termFlip{k, now})
		case now && old.firstPlace(k) != snap.firstPlace(k):
			e.moved = append(e.moved, k)
		}
	}
	return e
}

// termKeysOfLines lists the name and alias keys of lines [from, to) of f.
func termKeysOfLines(dst []string, f *analysis.File, from, to int) []string {
	if f == nil {
		return dst
	}
	for i := from; i < to; i++ {
		l := f.Line(i)
		text := f.LineText(i)
		for s := range l.Segments {
			dst = append(dst, l.SegmentKey(s))
			if a := l.Alias(s); !a.IsZero() {
				dst = append(dst, analysis.NameKey(text[a.Start:a.End]))
			}
		}
	}
	return dst
}

// place is a line of a file.
type place struct {
	path string
	line int32
}

// placeCache holds the first places of the keys asked for.
type placeCache struct {
	mu     sync.Mutex
	places map[string]place
}

// firstPlace is the first line, in workspace order, with a segment or alias of key. It
// looks at every topic of key in the first file that has one, thousands for a common
// name of a large file: each key is looked up once, not once a mention.
func (s *Snapshot) firstPlace(key string) place {
	c := s.firstPlaces
	c.mu.Lock()
	p, ok := c.places[key]
	c.mu.Unlock()
	if ok {
		return p
	}
	p = s.findFirstPlace(key)
	c.mu.Lock()
	if c.places == nil {
		c.places = map[string]place{}
	}
	c.places[key] = p
	c.mu.Unlock()
	return p
}

func (s *Snapshot) findFirstPlace(key string) place {
	best := place{line: -1}
	better := func(p place) {
		if best.line < 0 || p.path < best.path || p.path == best.path && p.line < best.line {
			best = p
		}
	}
	if fi := firstHolder(s, pickNames, key, func(fi *fileIndex) bool { _, ok := fi.lastSeg.one.lookup(key); return ok }); fi != nil {
		for _, t := range fi.lastSeg.appendTo(nil, key) {
			better(place{fi.path, fi.topics.get(t).first})
		}
	}
	if fi := firstHolder(s, pickAliases, key, func(fi *fileIndex) bool { return len(fi.aliases[key]) > 0 }); fi != nil {
		for _, a := range fi.aliases[key] {
			better(place{fi.path, a.line})
		}
	}
	return best
}

// firstHolder is holdersOf's first file, found without sorting them: a common name is in
// hundreds of files, and every mention's message asks.
func firstHolder[K shardKey](s *Snapshot, pick func(*keyTables) *holderTable[K], k K, holds func(*fileIndex) bool) *fileIndex {
	if s.tables == nil {
		if s.only != nil && holds(s.only) {
			return s.only
		}
		return nil
	}
	var first *fileIndex
	for _, id := range pick(s.tables).get(k) {
		if fi := s.byID[id]; first == nil || fi.path < first.path {
			first = fi
		}
	}
	return first
}

// mentionMessage says which term a mention names, where it is, and how to link it.
func (s *Snapshot) mentionMessage(fi *fileIndex, m mention) string {
	written := string(fi.ast.LineText(int(m.line))[m.start:m.end])
	at := s.firstPlace(m.key)
	var b strings.Builder
	b.WriteString(strconv.Quote(written))
	b.WriteString(" is a term (")
	if other := s.file(at.path); other != nil {
		b.WriteString(where(other, at.line, fi))
	}
	b.WriteString("): link it as [[")
	b.WriteString(written)
	b.WriteString("]]")
	return b.String()
}
