package index

import (
	"bytes"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/notesls/notesls/analysis"
)

// maxCompletions cuts the list: editors filter further as the user types, and a longer
// list costs more to send than it helps.
const maxCompletions = 200

// completion ranks, best first.
const (
	rankExact = iota // what was typed names the term: its path, its last name or an alias
	rankPrefix
	rankWordPrefix
	rankFuzzy
)

type candidate struct {
	key   string // topic key the item stands for
	label string // text to insert
	kind  CompletionKind
	rank  int
	uses  int
}

// Complete proposes what to write at offset: after " -- " in a head, the children of the
// path before it; at the start of a head, the top-level topics; inside "[[", every term
// and alias. It returns nil where nothing is proposed.
func (s *Snapshot) Complete(path string, offset int) *CompletionResult {
	return s.complete(path, offset, true, waitForTerms)
}

// CompleteWithoutDocs is Complete without the items' documentation, for a client that
// asks for it when an item is selected (TermDocumentation): building 200 items'
// definitions for every keystroke was garbage the collector then made requests pay for.
func (s *Snapshot) CompleteWithoutDocs(path string, offset int) *CompletionResult {
	return s.complete(path, offset, false, waitForTerms)
}

// CompleteWithin is Complete (with docs) or CompleteWithoutDocs for an editor that asks
// on every keystroke: where the answer needs the workspace's term list ("[[" and the
// start of a line) and the list is still being built (seconds at a million lines, right
// after indexing or a change of many terms), it waits at most wait for it, then answers
// from the terms of the file at path alone, marked incomplete, so that the client asks
// again as the user types.
func (s *Snapshot) CompleteWithin(path string, offset int, docs bool, wait time.Duration) *CompletionResult {
	return s.complete(path, offset, docs, max(0, wait))
}

// waitForTerms is the wait of Complete: for as long as the term list takes.
const waitForTerms = time.Duration(-1)

func (s *Snapshot) complete(path string, offset int, docs bool, wait time.Duration) *CompletionResult {
	var f *analysis.File
	if fi := s.file(path); fi != nil {
		f = fi.ast
	}
	if f == nil {
		return nil
	}
	ln := f.LineAt(offset)
	if ln < 0 {
		replace := analysis.Span{Start: offset, End: offset}
		if !s.termsWithin(wait) {
			return s.provisionalTerms(path, "", replace, true, -1, docs)
		}
		return s.completeTopics("", "", replace, path, -1, docs)
	}
	start := f.Start(ln)
	line := f.LineText(ln)
	rel := offset - start
	if rel < 0 || rel > len(line) {
		return nil
	}
	before := line[:rel]
	if open := bytes.LastIndex(before, []byte("[[")); open >= 0 && !bytes.Contains(before[open:], []byte("]]")) {
		typed := string(before[open+2:])
		replace := analysis.Span{Start: start + open + 2, End: offset}
		if !s.termsReady(wait) {
			// A path under a known topic is completed from the topic tables, not the list.
			if _, _, ok := s.termParent(typed); !ok && !s.termsWithin(wait) {
				return s.provisionalTerms(path, typed, replace, false, -1, docs)
			}
		}
		return s.completeTerms(typed, replace, docs)
	}
	l := f.Line(ln)
	if l.Sep != analysis.SepNone && int(l.SepSpan.Start) < rel {
		return nil // in a body
	}
	headStart := 0
	if !l.Box.IsZero() {
		headStart = int(l.Box.End)
	}
	for headStart < rel && (before[headStart] == ' ' || before[headStart] == '\t') {
		headStart++
	}
	if headStart > rel {
		return nil
	}
	head := before[headStart:]
	parent := ""
	typedStart := headStart
	if op := bytes.LastIndex(head, []byte(" -- ")); op >= 0 {
		parent = analysis.PathKey(head[:op])
		typedStart = headStart + op + 4
	}
	typed := string(line[typedStart:rel])
	if strings.Contains(typed, "--") || strings.HasSuffix(typed, " -") {
		return nil // an operator being typed
	}
	replace := analysis.Span{Start: start + typedStart, End: offset}
	if parent == "" && !s.termsWithin(wait) {
		return s.provisionalTerms(path, typed, replace, true, ln, docs)
	}
	return s.completeTopics(parent, typed, replace, path, ln, docs)
}

// completeTopics proposes the children of parent ("" for the top level) matching typed.
// A topic that exists only on the line being typed (path, line) is what the user is
// writing, not a proposal.
func (s *Snapshot) completeTopics(parent, typed string, replace analysis.Span, path string, line int, docs bool) *CompletionResult {
	if parent == "" {
		return s.completeRoots(typed, replace, path, line, docs)
	}
	var childKeys []string
	for _, fi := range s.topicFiles(parent) {
		childKeys = append(childKeys, fi.children.get(parent)...)
	}
	if s.only == nil {
		slices.Sort(childKeys)
		childKeys = slices.Compact(childKeys)
	}
	m := newMatcher(typed)
	cands := newTopK(keepCandidates, compareCandidates)
	for _, k := range childKeys {
		seg := k[len(parent):]
		if parent != "" {
			seg = seg[len(" -- "):]
		}
		rank, ok := m.match(seg)
		if !ok {
			continue
		}
		var uses int
		if s.only != nil {
			// One file, the common case: its record gives both answers in one lookup.
			t := s.only.topics.get(k)
			if t.uses == 1 && int(t.first) == line && s.only.path == path {
				continue
			}
			uses = int(t.uses) + s.refCount(k)
		} else {
			if s.onlyOn(k, path, line) {
				continue
			}
			uses = s.uses(k)
		}
		cands.add(candidate{key: k, rank: rank, kind: CompletionTopic, uses: uses})
	}
	return s.finish(cands, replace, docs, segmentLabel(path, line))
}

// completeRoots is completeTopics at the top level, where every line starts: it walks
// the top-level topics of the term list most used first, so that a short prefix stops
// after the list is full instead of ranking every top-level topic of the workspace.
func (s *Snapshot) completeRoots(typed string, replace analysis.Span, path string, line int, docs bool) *CompletionResult {
	m := newMatcher(typed)
	cands := newTopK(keepCandidates, compareCandidates)
	var hide func(key string) bool
	if line >= 0 {
		hide = func(key string) bool { return s.onlyOn(key, path, line) }
	}
	s.rankRootsOf(&m, hide, cands)
	return s.finish(cands, replace, docs, segmentLabel(path, line))
}

// completeTerms proposes every term and alias matching typed, for "[[".
func (s *Snapshot) completeTerms(typed string, replace analysis.Span, docs bool) *CompletionResult {
	// A target written as a path under a known topic is completed one segment at a time,
	// as in a head.
	if parent, i, ok := s.termParent(typed); ok {
		last := analysis.Span{Start: replace.Start + i, End: replace.End}
		return s.completeTopics(parent, typed[i:], last, "", -1, docs)
	}
	var ranked rankedCandidates
	if strings.TrimSpace(typed) == "" {
		// Right after "[[": every term, the most used first. The ranking is the same for
		// every such request until uses change, so it is made once.
		ranked = *s.untypedTerms.get(func() *rankedCandidates { return s.rankTerms(typed) })
	} else {
		ranked = s.exactFirst(typed, *s.rankTerms(typed))
	}
	return s.finishSorted(ranked.cands, ranked.cut, replace, docs, termLabel)
}

// segmentLabel labels a topic proposed in a head by its last segment, as the file at path
// spells it (but line, being typed).
func segmentLabel(path string, line int) func(candidate, []topicRef) string {
	return func(c candidate, recs []topicRef) string { return lastSegment(spelling(recs, c.key, path, line)) }
}

// termParent finds in a target typed after "[[" the path of a known topic before its last
// " -- ", and where the segment after it starts.
func (s *Snapshot) termParent(typed string) (parent string, at int, ok bool) {
	i := strings.LastIndex(typed, " -- ")
	if i < 0 {
		return "", 0, false
	}
	parent = analysis.PathKey([]byte(typed[:i]))
	return parent, i + len(" -- "), s.hasTopic(parent)
}

// exactFirst puts the terms typed names outright (by path, last name or alias) before
// the ranked ones: among hundreds of more used terms that start like it ("CAP theorem"
// before "CAP"), the ranking by uses may place them late or leave them out.
func (s *Snapshot) exactFirst(typed string, ranked rankedCandidates) rankedCandidates {
	key := analysis.PathKey([]byte(typed))
	if key == "" {
		return ranked
	}
	var exact []candidate
	var isExact func(k string) bool
	cut := ranked.cut
	switch {
	case s.hasTopic(key):
		exact = []candidate{{key: key, kind: CompletionTerm, rank: rankExact, uses: s.uses(key)}}
		isExact = func(k string) bool { return k == key }
	case s.hasAlias(key) || s.hasName(key):
		// An alias or a last name can be shared by a thousand topics, of which the list
		// shows the most used.
		alias := s.hasAlias(key)
		var more bool
		exact, more = s.exactTerms(key, alias, keepCandidates)
		cut = cut || more
		named := make(map[string]bool, len(exact))
		for _, c := range exact {
			named[c.key] = true
		}
		isExact = func(k string) bool { return named[k] || !alias && isLastSegment(k, key) }
	default:
		return ranked
	}
	out := slices.Grow(exact, len(ranked.cands))
	for _, c := range ranked.cands {
		if c.kind != CompletionTerm || !isExact(c.key) {
			out = append(out, c)
		}
	}
	return rankedCandidates{out, cut}
}

// rankedCandidates are the best candidates, best first; cut says others were left out.
type rankedCandidates struct {
	cands []candidate
	cut   bool
}

// rankTerms ranks every term and alias against typed, for completeTerms.
func (s *Snapshot) rankTerms(typed string) *rankedCandidates {
	m := newMatcher(typed)
	cands := newTopK(keepCandidates, compareCandidates)
	s.rankTermsOf(&m, cands)
	sorted, cut := cands.sorted()
	return &rankedCandidates{sorted, cut}
}

// onlyOn reports whether topic key appears on no line but (path, line).
func (s *Snapshot) onlyOn(key, path string, line int) bool {
	fi := s.file(path)
	if fi == nil {
		return false
	}
	t := fi.topics.get(key)
	if t == nil || t.uses != 1 || int(t.first) != line {
		return false
	}
	return s.tables == nil || len(s.tables.topics.get(key)) == 1 // no other file has it
}

// uses counts how often a topic is used: the lines under it and the references to it.
func (s *Snapshot) uses(key string) int { return s.refCount(key) + s.topicUses(key) }

// topicUses counts the lines under a topic, in every file; 0 for no topic.
func (s *Snapshot) topicUses(key string) int {
	if s.tables == nil {
		if s.only == nil {
			return 0
		}
		if t := s.only.topics.get(key); t != nil {
			return int(t.uses)
		}
		return 0
	}
	n := 0
	for _, id := range s.tables.topics.get(key) {
		n += int(s.byID[id].topics.get(key).uses)
	}
	return n
}

// keepCandidates is how many ranked candidates are kept for the list: twice the list,
// since labels can repeat and repeats are dropped.
const keepCandidates = 2 * maxCompletions

func (s *Snapshot) finish(top *topK[candidate], replace analysis.Span, docs bool, label func(candidate, []topicRef) string) *CompletionResult {
	cands, cut := top.sorted()
	return s.finishSorted(cands, cut, replace, docs, label)
}

// termLabel is the label of a term or alias: the alias as written, the term as first
// written.
func termLabel(c candidate, recs []topicRef) string {
	if c.label != "" {
		return c.label
	}
	return spelling(recs, c.key, "", -1)
}

// finishSorted makes the items of ranked candidates: labels without repeats, each with
// the term's definitions as they are now. label gets the candidate's topic records, which
// the item's documentation reads too: looked up once, they are most of an item's cost.
func (s *Snapshot) finishSorted(cands []candidate, cut bool, replace analysis.Span, docs bool, label func(candidate, []topicRef) string) *CompletionResult {
	n := min(len(cands), maxCompletions)
	res := &CompletionResult{Replace: replace, Items: make([]CompletionItem, 0, n)}
	res.Incomplete = cut
	seen := make(map[string]bool, n)
	for _, c := range cands {
		recs := s.topicRecs(c.key)
		lbl := label(c, recs)
		if seen[lbl] {
			continue
		}
		if len(res.Items) == maxCompletions {
			res.Incomplete = true
			break
		}
		seen[lbl] = true
		item := CompletionItem{Label: lbl, Kind: c.kind, Key: c.key}
		if docs {
			item.Detail, item.Documentation = termDoc(recs, c.key)
		} else {
			item.Detail = termDetail(recs)
		}
		res.Items = append(res.Items, item)
	}
	return res
}

// termDetail is termDoc's detail alone: the first body among the term's definitions.
func termDetail(recs []topicRef) string {
	for _, r := range recs {
		if r.t.entry < 0 {
			continue
		}
		f := r.fi.ast
		if body := f.Line(int(r.t.entry)).Body.Text(f.LineText(int(r.t.entry))); body != "" {
			return body
		}
		for ln := range r.fi.moreEntries.each(r.key) {
			if body := f.Line(int(ln)).Body.Text(f.LineText(int(ln))); body != "" {
				return body
			}
		}
	}
	return ""
}

// termDoc returns what an item shows of a term: the first body among its definitions, and
// its spelling with every definition's body and URLs, as definitions lists them.
func termDoc(recs []topicRef, key string) (detail, doc string) {
	var b strings.Builder
	b.WriteString(spelling(recs, key, "", -1))
	entry := func(f *analysis.File, ln int32) {
		l := f.Line(int(ln))
		text := f.LineText(int(ln))
		if body := l.Body.Text(text); body != "" {
			if detail == "" {
				detail = body
			}
			b.WriteString("\n" + l.Sep.String() + " " + body)
		}
		for _, u := range l.URLs {
			b.WriteString("\n" + u.Text(text))
		}
	}
	for _, r := range recs {
		if r.t.entry < 0 {
			continue
		}
		entry(r.fi.ast, r.t.entry)
		for ln := range r.fi.moreEntries.each(r.key) {
			entry(r.fi.ast, ln)
		}
	}
	return detail, b.String()
}

func compareCandidates(a, b candidate) int {
	if a.rank != b.rank {
		return a.rank - b.rank
	}
	if a.uses != b.uses {
		return b.uses - a.uses
	}
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	return strings.Compare(a.label, b.label)
}

// topK keeps the k smallest items added, by cmp, in a heap of k items: a list of a
// hundred thousand terms is neither kept nor sorted to show two hundred.
type topK[T any] struct {
	k    int
	cmp  func(a, b T) int
	h    []T // a max-heap once full: h[0] is the worst of the best so far
	seen int
}

func newTopK[T any](k int, cmp func(a, b T) int) *topK[T] { return &topK[T]{k: k, cmp: cmp} }

func (t *topK[T]) add(x T) {
	t.seen++
	if len(t.h) < t.k {
		if len(t.h) == cap(t.h) {
			// A list holds a few items or fills up: room for a few, then for all k at
			// once, rather than the doublings on the way to 400, which were a
			// completion's largest garbage.
			room := t.k
			if cap(t.h) == 0 {
				room = min(t.k, 16)
			}
			t.h = slices.Grow(t.h, room-len(t.h))
		}
		t.h = append(t.h, x)
		if len(t.h) == t.k {
			for i := len(t.h)/2 - 1; i >= 0; i-- {
				t.down(i)
			}
		}
		return
	}
	if t.cmp(x, t.h[0]) < 0 {
		t.h[0] = x
		t.down(0)
	}
}

func (t *topK[T]) down(i int) {
	h := t.h
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && t.cmp(h[c+1], h[c]) > 0 {
			c++
		}
		if t.cmp(h[c], h[i]) <= 0 {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// sorted returns the kept items, best first, and whether any were left out.
func (t *topK[T]) sorted() ([]T, bool) {
	slices.SortFunc(t.h, t.cmp)
	return t.h, t.seen > t.k
}

// matcher ranks a candidate against what the user typed: prefix, then the prefix of a
// word inside, then a prefix with a typo or two.
type matcher struct {
	typed  string // folded
	runes  []rune
	maxTyp int
	// counts holds how often each ASCII byte occurs in typed, for a quick bound on the
	// edit distance; ascii is false when typed has other runes and the bound is not used.
	counts [128]int8
	ascii  bool
}

// minWordPrefix is the length from which the prefix of an inner word counts: one letter
// would match a word of nearly every term.
const minWordPrefix = 2

func newMatcher(typed string) matcher {
	t := analysis.NameKey([]byte(typed))
	runes := []rune(t)
	maxTypos := 0
	switch {
	case len(runes) >= 6:
		maxTypos = 2
	case len(runes) >= 3:
		maxTypos = 1
	}
	m := matcher{typed: t, runes: runes, maxTyp: maxTypos, ascii: len(runes) < 128}
	for _, r := range runes {
		if r >= utf8.RuneSelf {
			m.ascii = false
			break
		}
		m.counts[r]++
	}
	return m
}

// tooManyMissing reports whether more than k letters of the typed text (with repeats)
// are missing from the first len(typed)+k bytes of key. Each edit supplies at most one
// missing letter, so then no prefix of key is within k edits of the typed text: a bound
// that costs a pass over a few bytes, where the distance table costs a cell for every
// pair of them.
func (m *matcher) tooManyMissing(key string, k int) bool {
	if !m.ascii {
		return false
	}
	counts := m.counts
	missing := len(m.runes)
	for i := 0; i < len(key) && i < len(m.runes)+k; i++ {
		c := key[i]
		if c >= utf8.RuneSelf {
			return false // the bound counts bytes; other runes are left to the table
		}
		if counts[c] > 0 {
			counts[c]--
			missing--
		}
	}
	return missing > k
}

func (m matcher) match(key string) (int, bool) {
	// The first byte settles most keys without a call to compare the rest.
	if m.typed == "" || len(key) >= len(m.typed) && key[0] == m.typed[0] && key[:len(m.typed)] == m.typed {
		return rankPrefix, true
	}
	if len(m.runes) >= minWordPrefix {
		// Find the typed text anywhere (a fast search), then ask whether a word starts there.
		for off := 0; ; {
			i := strings.Index(key[off:], m.typed)
			if i < 0 {
				break
			}
			if c := key[off+i-1]; c == ' ' || c == '-' || c == '/' {
				return rankWordPrefix, true
			}
			off += i + 1
		}
	}
	if m.maxTyp == 0 {
		return 0, false
	}
	// A typo rarely hits the first letter; checking it first keeps the distance off most
	// candidates.
	if first, _ := utf8.DecodeRuneInString(key); first != m.runes[0] {
		return 0, false
	}
	if prefixWithin(m.runes, key, m.maxTyp) {
		return rankFuzzy, true
	}
	return 0, false
}

// prefixWithin reports whether typed is at most k edits (insertions, deletions,
// substitutions) from some prefix of key. It fills the edit-distance table row by row,
// typed letter by letter, over the key's first len(typed)+k runes, and stops as soon as a
// whole row exceeds k: no later row can do better.
func prefixWithin[T string | []byte](typed []rune, key T, k int) bool {
	var buf [64]rune
	cols := buf[:0]
	for _, r := range string(key) {
		if len(cols) == len(typed)+k || len(cols) == cap(buf) {
			break
		}
		cols = append(cols, r)
	}
	var rowBuf [2][65]int
	prev, cur := rowBuf[0][:len(cols)+1], rowBuf[1][:len(cols)+1]
	for j := range prev {
		prev[j] = j
	}
	for i, t := range typed {
		cur[0] = i + 1
		best := cur[0]
		for j, c := range cols {
			d := prev[j]
			if c != t {
				d = 1 + min(prev[j], prev[j+1], cur[j])
			}
			cur[j+1] = d
			best = min(best, d)
		}
		if best > k {
			return false
		}
		prev, cur = cur, prev
	}
	return slices.Min(prev) <= k
}

// TermDocumentation is a completion item's documentation for topic key, for a client
// that asks for it when the item is selected (completionItem/resolve).
func (s *Snapshot) TermDocumentation(key string) string {
	recs := s.topicRecs(key)
	if len(recs) == 0 {
		return ""
	}
	_, doc := termDoc(recs, key)
	return doc
}
