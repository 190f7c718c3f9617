package index

import (
	"fmt"
	"hash/maphash"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/notesls/notesls/analysis"
)

// minTypoLetters is the length from which two names one edit apart count as a typo:
// shorter names one edit apart are usually different words (mttd/mttr, base/hbase).
const minTypoLetters = 8

// maxTypoRunes is the longest name (runes, without its ordinal) the typo rule compares.
// Finding a name's typos hashes each of its one-deletion variants, which costs the square
// of its length; and a name is a few words (the longest of the real corpus has 45 runes),
// so that past 64 runes it is a sentence, where one letter changed is as likely meant as
// mistyped. Longer names are compared by skeleton and plural only.
const maxTypoRunes = 64

// nearWindow bounds the comparisons of a name in a group of names that share a skeleton or
// a one-deletion variant: in key order, each name is compared with the nearWindow names
// before it and the nearWindow after it, so a group of 33 or fewer is compared in full. A
// workspace has a few spellings of a name, not dozens; a generated one can put thousands of
// names in one group, and comparing all of them would be quadratic in the group. A name
// whose window left part of a group out says "at least" in its finding.
const nearWindow = 32

// maxNearShown is how many of its near-duplicates a name's finding names, closest first;
// the others are counted ("and 5 more"): a longer list reads as noise.
const maxNearShown = 3

// The reasons two names are near-duplicates, in the order they are tried: closest first.
const (
	reasonSkeleton = "the same once spaces and punctuation are removed"
	reasonTypo     = "one letter apart"
	reasonPlural   = "singular and plural of one name"
)

// nearWhy is a reason by its rank in nearReasons.
type nearWhy uint8

const (
	whySkeleton nearWhy = iota
	whyTypo
	whyPlural
)

var nearReasons = [...]string{whySkeleton: reasonSkeleton, whyTypo: reasonTypo, whyPlural: reasonPlural}

func whyOf(reason string) nearWhy { return nearWhy(slices.Index(nearReasons[:], reason)) }

// nameRec is a distinct segment name (by key) and the file and topic where it first
// appears. Its line is not kept: it is the topic's, looked up when a finding is shown, so
// that lines moving leave the records as they are.
type nameRec struct {
	key      string // the segment key
	bare     string // the key without its ordinal prefix
	path     string
	topic    string // the key of the first topic of path that ends with the name
	typo     bool   // compared by the typo rule: minTypoLetters letters, maxTypoRunes runes
	skeleton uint64 // hash of the letters and digits; 0 when there are none
}

// nearState is what the near-duplicate pass knows of one snapshot: every name, the tables
// to find a name's group fellows, and the findings by path.
type nearState struct {
	recs shardedMap[string, nameRec]
	// bares holds the forms of each bare name written with an ordinal: its keys, in key
	// order. A bare name absent from it has one form at most, the bare name itself: the
	// workspace without ordinals pays nothing.
	bares   shardedMap[string, []string]
	result  nearResult
	lookup  *nearLookup // the full pass's tables, with a layer per update that added names
	tooMany bool        // more names than the tables hold: nothing was attempted
	// changed lists the files whose findings differ from those of the state this one was
	// updated from; nil for a state computed in full, which may differ anywhere.
	changed map[string]bool
}

// nearResult holds the near-duplicate findings by path, then by name key. A finding names
// keys, not lines, so a later snapshot whose edits only moved lines uses it as it is; an
// update copies the map of a path whose findings it changes, and shares the others.
type nearResult map[string]map[string]nearFinding

// nearFinding is one name's finding: the first of its near-duplicates, closest first,
// and how many more there are.
type nearFinding struct {
	key   string
	topic string      // where the name first appears in its file
	shown []nearMatch // at most maxNearShown
	more  int32       // near-duplicates not shown
	cut   bool        // a group was too large to compare in full: there may be more
}

// nearMatch is a near-duplicate of a name: the key of its first form, the file and topic
// where that first appears, and why; and, for a bare name written in several forms (with
// ordinals: "01 Consistency", "2 Consistency"), how many and where the next ones are.
type nearMatch struct {
	key, path, topic string
	why              nearWhy
	forms            int32
	also             []nearPlace // the forms after the first, up to maxNearShown in all; nil for one
}

func sameMatch(x, y nearMatch) bool {
	return x.key == y.key && x.path == y.path && x.topic == y.topic && x.why == y.why && x.forms == y.forms && slices.Equal(x.also, y.also)
}

// nearPlace is where a form of a name first appears.
type nearPlace struct{ path, topic string }

// Names that differ only in their ordinal are one name, their bare name, written in
// several forms. The near-duplicate rule compares bare names: each is represented by its
// first form in key order, which alone is in the lookup tables and alone carries the
// finding; a finding names the other bare name once, with the lines of its forms. A bare
// name written in more forms than its near-duplicate is taken as the spelling meant: only
// the other is reported.

// formsOf returns the keys of the forms of bare, in key order; one is scratch space for
// the common bare name without ordinals.
func (st *nearState) formsOf(bare string, one *[1]string) []string {
	if keys, ok := st.bares.lookup(bare); ok {
		return keys
	}
	if r, ok := st.recs.lookup(bare); ok && r.bare == bare {
		one[0] = bare
		return one[:]
	}
	return nil
}

// representative returns the first form of bare.
func (st *nearState) representative(bare string) (string, bool) {
	var one [1]string
	if forms := st.formsOf(bare, &one); len(forms) > 0 {
		return forms[0], true
	}
	return "", false
}

// isRepresentative reports whether the live name r is the first form of its bare name.
func (st *nearState) isRepresentative(r nameRec) bool {
	if st.bares.len() == 0 {
		return r.key == r.bare
	}
	if keys, ok := st.bares.lookup(r.bare); ok {
		return keys[0] == r.key
	}
	return r.key == r.bare
}

// setForms records the forms of bare; one form that is the bare name itself, or none, is
// left implicit.
func (st *nearState) setForms(bare string, keys []string) {
	if len(keys) == 0 || len(keys) == 1 && keys[0] == bare {
		st.bares.del(bare)
		return
	}
	st.bares.set(bare, keys)
}

// addForm adds key to the forms of bare; recs already holds key.
func (st *nearState) addForm(bare, key string) {
	var one [1]string
	forms := st.formsOf(bare, &one)
	i, found := slices.BinarySearch(forms, key)
	if found {
		return
	}
	st.setForms(bare, slices.Insert(slices.Clone(forms), i, key))
}

// dropForm removes key from the forms of bare; recs no longer holds it under bare.
func (st *nearState) dropForm(bare, key string) {
	forms, ok := st.bares.lookup(bare)
	if !ok {
		return // implicit: it follows recs
	}
	if i, found := slices.BinarySearch(forms, key); found {
		st.setForms(bare, slices.Delete(slices.Clone(forms), i, i+1))
	}
}

// matchOf makes the match of the name whose first form is b.
func (st *nearState) matchOf(b nameRec, why nearWhy) nearMatch {
	var one [1]string
	forms := st.formsOf(b.bare, &one)
	m := nearMatch{key: b.key, path: b.path, topic: b.topic, why: why, forms: int32(len(forms))}
	for _, k := range forms[min(1, len(forms)):min(len(forms), maxNearShown)] {
		r, _ := st.recs.lookup(k)
		m.also = append(m.also, nearPlace{r.path, r.topic})
	}
	return m
}

// nearDuplicates finds the names that are probably one name written two ways, without
// comparing every pair: names meet only when they share a skeleton, a one-deletion
// variant, or a parent.
func (s *Snapshot) nearDuplicates() nearResult {
	return s.near.get(s.computeNearDuplicates, s.updateNear).result
}

// nearEdit is what one edit changed for the near-duplicates: the name keys on the lines
// it replaced and put in. Lines that only moved need nothing: the state holds no line
// numbers.
type nearEdit struct {
	affected []string
}

// updateNear derives the state from prev through edits: the names they touched are
// looked at again. Lines that moved need nothing: the state holds no line numbers.
func (s *Snapshot) updateNear(prev *nearState, edits []nearEdit) *nearState {
	var affected []string
	for _, e := range edits {
		affected = append(affected, e.affected...)
	}
	st := s.updateNearDuplicates(prev, affected)
	if st == prev { // nothing changed; the copy says so
		cp := *prev
		cp.changed = map[string]bool{}
		st = &cp
	}
	return st
}

// nameRecord returns where name key first appears in the workspace.
func (s *Snapshot) nameRecord(key string, buf []byte) (nameRec, []byte, bool) {
	files := s.nameFiles(key)
	if len(files) == 0 {
		return nameRec{}, buf, false
	}
	topicKey, _ := files[0].lastSeg.one.lookup(key)
	rec, buf := nameIn(files[0], key, topicKey, buf)
	return rec, buf, true
}

// nameIn describes name key whose first topic in fi is topicKey; buf is scratch space.
func nameIn(fi *fileIndex, key, topicKey string, buf []byte) (nameRec, []byte) {
	t := fi.topics.get(topicKey)
	bare := key
	if n := fi.ast.Line(int(t.first)).Attrs(int(t.seg)).Ordinal.Len(); n > 0 {
		bare = strings.TrimLeft(key[n:], " ")
	}
	letters, skel := skeleton(bare, buf[:0])
	var skelHash uint64
	if len(skel) > 0 {
		skelHash = maphash.Bytes(seed, skel)
	}
	typo := letters >= minTypoLetters && utf8.RuneCountInString(bare) <= maxTypoRunes
	return nameRec{key: key, bare: bare, path: fi.path, topic: topicKey, typo: typo, skeleton: skelHash}, skel
}

// firstSegment returns the line and segment where the topic first appears in fi.
func firstSegment(fi *fileIndex, topic string) (line, seg int) {
	t := fi.topics.get(topic)
	return int(t.first), int(t.seg)
}

// compareNames tells whether two names of one group are near-duplicates by skeleton or
// by typo, and why.
func compareNames(a, b nameRec) (nearWhy, bool) {
	switch {
	case a.bare == b.bare:
		return 0, false // the same name, or siblings that differ only in numbering
	case a.skeleton != 0 && a.skeleton == b.skeleton:
		return whySkeleton, true
	case a.typo && b.typo && !isPluralPair(a.bare, b.bare) && !diffIsDigit(a.bare, b.bare) && oneEditApart(a.bare, b.bare):
		return whyTypo, true
	}
	return 0, false
}

// pluralPartners calls f with the first form of each other bare name that is the plural
// or the singular of a form of bare, side by side with it (the plural rule); or, if
// anySide, whether side by side or not.
func (s *Snapshot) pluralPartners(st *nearState, bare string, anySide bool, f func(rep string)) {
	var one [1]string
	for _, m := range st.formsOf(bare, &one) {
		partners := [2]string{m + "s", ""}
		if k, ok := strings.CutSuffix(m, "s"); ok {
			partners[1] = k
		}
		for i, p := range partners {
			b, ok := st.recs.lookup(p)
			if !ok || p == "" || b.bare == bare {
				continue
			}
			singular, plural := m, p
			if i == 1 {
				singular, plural = p, m
			}
			if !anySide && !s.sideBySide(singular, plural) {
				continue
			}
			if rep, ok := st.representative(b.bare); ok {
				f(rep)
			}
		}
	}
}

// sideBySide reports whether some topic ending with plural has a sibling (or, at the top
// level, a fellow root) ending with singular.
func (s *Snapshot) sideBySide(singular, plural string) bool {
	var topics []string
	for _, fi := range s.nameFiles(plural) {
		topics = fi.lastSeg.appendTo(topics[:0], plural)
		for _, t := range topics {
			if s.hasTopic(t[:len(t)-1]) {
				return true
			}
		}
	}
	return false
}

// summarize makes the finding of name a, written in forms forms, from its near-duplicates:
// those written in as many forms or more, the first maxNearShown, closest first, then by
// key, and a count of the others. No near-duplicates, no finding.
func summarize(a nameRec, forms int, matches []nearMatch, cut bool) (nearFinding, bool) {
	if forms > 1 {
		matches = slices.DeleteFunc(matches, func(m nearMatch) bool { return int(m.forms) < forms })
	}
	if len(matches) == 0 {
		return nearFinding{}, false
	}
	before := func(x, y nearMatch) bool { return x.why < y.why || x.why == y.why && x.key < y.key }
	var best [maxNearShown]nearMatch
	n := 0
	for _, m := range matches {
		if n == maxNearShown && !before(m, best[n-1]) {
			continue
		}
		i := min(n, maxNearShown-1)
		for i > 0 && before(m, best[i-1]) {
			best[i] = best[i-1]
			i--
		}
		best[i] = m
		n = min(n+1, maxNearShown)
	}
	return nearFinding{key: a.key, topic: a.topic, shown: slices.Clone(best[:n]), more: int32(len(matches) - n), cut: cut}, true
}

// updateNearDuplicates derives this snapshot's state from prev, whose snapshot differed
// only in lines holding the names in affected. The affected names are looked up again;
// the bare names they were and are forms of are the changed ones, and the findings are
// made anew for those, for the names near their first forms in their groups, whose
// windows they may have entered or left, and for their plural partners; every other
// finding stands.
func (s *Snapshot) updateNearDuplicates(prev *nearState, affected []string) *nearState {
	if len(affected) == 0 || prev.tooMany {
		return prev
	}
	st := &nearState{recs: prev.recs.clone(), bares: prev.bares.clone(), result: maps.Clone(prev.result)}
	touched := slices.Clone(affected)
	slices.Sort(touched)
	touched = slices.Compact(touched)
	changedBares := map[string]bool{}
	var buf []byte
	for _, k := range touched {
		old, hadOld := prev.recs.lookup(k)
		var cur nameRec
		var hasCur bool
		cur, buf, hasCur = s.nameRecord(k, buf)
		switch {
		case hasCur:
			st.recs.set(k, cur)
		case hadOld:
			st.recs.del(k)
		}
		if hadOld {
			changedBares[old.bare] = true
			if !hasCur || old.bare != cur.bare {
				st.dropForm(old.bare, k)
			}
		}
		if hasCur {
			changedBares[cur.bare] = true
			if !hadOld || old.bare != cur.bare {
				st.addForm(cur.bare, k)
			}
		}
	}
	bares := slices.Sorted(maps.Keys(changedBares))
	// The first forms that changed: the new ones are added to the tables, the old ones'
	// entries are dead.
	type firstForms struct {
		old, cur       nameRec
		hadOld, hasCur bool
	}
	firsts := make([]firstForms, len(bares))
	var added []nameRec
	gone := 0
	for i, b := range bares {
		f := &firsts[i]
		if k, ok := prev.representative(b); ok {
			f.old, f.hadOld = prev.recs.lookup(k)
		}
		if k, ok := st.representative(b); ok {
			f.cur, f.hasCur = st.recs.lookup(k)
		}
		if f.hasCur && (!f.hadOld || f.old.key != f.cur.key) {
			added = append(added, f.cur)
		}
		if f.hadOld && (!f.hasCur || f.old.key != f.cur.key) {
			gone++
		}
	}
	st.lookup = prev.lookup
	if st.lookup == nil {
		st.lookup = st.liveLookup()
	} else if len(added) > 0 || gone > 0 {
		st.lookup = st.lookup.with(added, gone, st)
	}
	// The names to look at again: the first forms of the changed bare names, old and new,
	// their plural partners, and up to nearWindow+1 names on either side of them in each
	// of their groups. Those are the names whose window a changed name entered or left,
	// or whose window it pushed one name further (which may change whether the window is
	// cut), and those that name a changed name's forms.
	redo := map[string]bool{}
	var groups []nearGroup
	var before, after []string
	for i, b := range bares {
		f := firsts[i]
		for j, r := range []nameRec{f.old, f.cur} {
			if r.key == "" || j == 1 && r.key == f.old.key {
				continue // not a name, or the same one twice
			}
			redo[r.key] = true
			groups = groupsOf(r, groups[:0])
			for _, g := range groups {
				before, after = st.lookup.neighbours(g, r.key, st, before[:0], after[:0])
				for _, k := range before {
					redo[k] = true
				}
				for _, k := range after {
					redo[k] = true
				}
			}
		}
		mark := func(rep string) { redo[rep] = true }
		s.pluralPartners(prev, b, true, mark)
		s.pluralPartners(st, b, true, mark)
	}
	owned := map[string]bool{} // the paths whose maps this update copied
	writable := func(path string) map[string]nearFinding {
		if !owned[path] {
			owned[path] = true
			st.result[path] = maps.Clone(st.result[path])
			if st.result[path] == nil {
				st.result[path] = map[string]nearFinding{}
			}
		}
		return st.result[path]
	}
	for k := range redo {
		var f nearFinding
		cur, has := st.recs.lookup(k)
		has = has && st.isRepresentative(cur)
		if has {
			f, has = s.nearFindingOf(st, cur)
		}
		old, had := prev.recs.lookup(k)
		var was nearFinding
		if had {
			was, had = prev.result[old.path][k]
		}
		if had && has && old.path == cur.path && sameFinding(was, f) {
			continue
		}
		if had {
			delete(writable(old.path), k)
		}
		if has {
			writable(cur.path)[k] = f
		}
	}
	for p := range owned {
		if len(st.result[p]) == 0 {
			delete(st.result, p)
		}
	}
	st.changed = owned
	return st
}

func sameFinding(x, y nearFinding) bool {
	return x.key == y.key && x.topic == y.topic && x.more == y.more && x.cut == y.cut && slices.EqualFunc(x.shown, y.shown, sameMatch)
}

// nearFindingOf makes the finding of name a, the first form of its bare name, from the
// names of its groups' windows and the plural partners of its forms.
func (s *Snapshot) nearFindingOf(st *nearState, a nameRec) (nearFinding, bool) {
	// A typed name's finding is made again at each keystroke: the lists for its groups
	// are made in the same few slices, not in new ones a group.
	var window, before, after []string
	var groups [40]nearGroup // a skeleton and one variant a rune and one: a name of up to 38 runes fits
	cut := false
	for _, g := range groupsOf(a, groups[:0]) {
		before, after = st.lookup.neighbours(g, a.key, st, before[:0], after[:0])
		if len(before) > nearWindow || len(after) > nearWindow {
			cut = true
		}
		window = append(window, before[:min(len(before), nearWindow)]...)
		window = append(window, after[:min(len(after), nearWindow)]...)
	}
	slices.Sort(window)
	window = slices.Compact(window)
	why := map[string]nearWhy{}
	for _, k := range window {
		b, _ := st.recs.lookup(k)
		if w, ok := compareNames(a, b); ok {
			why[k] = w
		}
	}
	s.pluralPartners(st, a.bare, false, func(rep string) {
		if _, ok := why[rep]; !ok {
			why[rep] = whyPlural
		}
	})
	matches := make([]nearMatch, 0, len(why))
	for k, w := range why {
		b, _ := st.recs.lookup(k)
		matches = append(matches, st.matchOf(b, w))
	}
	var one [1]string
	return summarize(a, len(st.formsOf(a.bare, &one)), matches, cut)
}

// liveLookup builds the lookup tables anew from the state's names.
func (st *nearState) liveLookup() *nearLookup {
	live := make([]nameRec, 0, st.recs.len())
	for _, r := range st.recs.all() {
		if st.isRepresentative(r) {
			live = append(live, r)
		}
	}
	return newNearLookup(live)
}

// nearLookup finds the names of a group: by skeleton, by one-deletion variant. An update
// adds a small layer over the tables of the last full build instead of copying them;
// entries of names gone or respelled since are dead, and skipped.
//
// The tables are sorted arrays of hashes, each packed above the index of its record, as
// the full pass builds them: at a hundred thousand names a map of lists is tens of
// megabytes of small objects that every garbage collection walks, these are a few
// megabytes it skips. Within a hash, the entries of a group larger than nearWindow+1 are
// in key order, for the windows; a smaller group is compared in full, in any order.
type nearLookup struct {
	recs       []nameRec // what the low bits of the entries index
	bySkeleton []uint64  // skeleton hash << nameBits | record index
	byVariant  []uint64  // variant hash << nameBits | record index
	under      *nearLookup
	depth      int
	size       int // names in this layer and those under it
	gone       int // dead entries: names removed or respelled since the bottom layer was built
}

// nameBits is the width of a record index in a packed table entry: sixteen million
// names, far beyond any notes workspace; the full pass gives up above it.
const nameBits = 24

const nameMask = 1<<nameBits - 1

// maxLookupLayers bounds the layers before the tables are built anew from all names.
const maxLookupLayers = 64

func newNearLookup(recs []nameRec) *nearLookup {
	recs = recs[:min(len(recs), 1<<nameBits)]
	l := &nearLookup{recs: recs, size: len(recs)}
	l.bySkeleton = make([]uint64, 0, len(recs))
	var g analysis.Group
	g.Go(func() {
		for i, n := range recs {
			if n.skeleton != 0 {
				l.bySkeleton = append(l.bySkeleton, n.skeleton<<nameBits|uint64(i))
			}
		}
		radixSort(l.bySkeleton)
		l.orderLargeGroups(l.bySkeleton)
	})
	// The variants, ten a name, are hashed in parts side by side, each into its own
	// stretch of the table.
	parts := 1
	if len(recs) >= minPartNames {
		parts = runtime.GOMAXPROCS(0)
	}
	starts := make([]int, parts+1)
	for p := range parts {
		lo, hi := len(recs)*p/parts, len(recs)*(p+1)/parts
		n := 0
		for _, r := range recs[lo:hi] {
			if r.typo {
				n += len(r.bare) + 1 // bytes bound the runes
			}
		}
		starts[p+1] = starts[p] + n
	}
	l.byVariant = make([]uint64, starts[parts])
	ends := make([]int, parts)
	analysis.Each(parts, func(p int) {
		out := l.byVariant[starts[p]:starts[p]:starts[p+1]]
		for i := len(recs) * p / parts; i < len(recs)*(p+1)/parts; i++ {
			if n := recs[i]; n.typo {
				eachVariant(n.bare, func(h uint64) { out = append(out, h<<nameBits|uint64(i)) })
			}
		}
		ends[p] = starts[p] + len(out)
	})
	kept := ends[0]
	for p := 1; p < parts; p++ {
		kept += copy(l.byVariant[kept:], l.byVariant[starts[p]:ends[p]])
	}
	l.byVariant = l.byVariant[:kept]
	radixSort(l.byVariant)
	l.orderLargeGroups(l.byVariant)
	g.Wait()
	return l
}

// minPartNames is the number of names from which the pass cuts its work into parts
// for the cores: below it a part would cost less than starting it.
const minPartNames = 1 << 14

// orderLargeGroups puts the entries of each group larger than nearWindow+1 in key order.
// The table stays sorted by hash, which is all a binary search for a group needs.
func (l *nearLookup) orderLargeGroups(table []uint64) {
	for lo := 0; lo < len(table); {
		hi := groupEnd(table, lo)
		if hi-lo > nearWindow+1 {
			slices.SortFunc(table[lo:hi], func(x, y uint64) int {
				return strings.Compare(l.recs[x&nameMask].key, l.recs[y&nameMask].key)
			})
		}
		lo = hi
	}
}

// cutAtGroups cuts table into up to parts stretches of about equal length, each of
// whole groups; a table of fewer than minPartNames entries is one.
func cutAtGroups(table []uint64, parts int) [][]uint64 {
	if len(table) < minPartNames {
		parts = 1
	}
	var out [][]uint64
	lo := 0
	for p := 1; p <= parts && lo < len(table); p++ {
		hi := len(table) * p / parts
		if hi <= lo {
			continue
		}
		for hi < len(table) && table[hi]>>nameBits == table[hi-1]>>nameBits {
			hi++ // to the end of the group the cut falls in
		}
		out = append(out, table[lo:hi])
		lo = hi
	}
	return out
}

// groupEnd returns the end of the group of entries that starts at lo.
func groupEnd(table []uint64, lo int) int {
	hi := lo + 1
	for hi < len(table) && table[hi]>>nameBits == table[lo]>>nameBits {
		hi++
	}
	return hi
}

// with returns the lookup plus the added names, gone more entries being dead. Past
// maxLookupLayers the layers over the full build are merged into one; when that one grows
// to a quarter of the full build, or a quarter of the full build's entries are dead, all
// is built anew from the live names.
func (l *nearLookup) with(added []nameRec, gone int, st *nearState) *nearLookup {
	bottom := l
	for bottom.under != nil {
		bottom = bottom.under
	}
	gone += l.gone
	if gone > bottom.size/4 {
		return st.liveLookup()
	}
	if l.depth >= maxLookupLayers {
		// The newest record of a key first: an older one is dead.
		seen := map[string]bool{}
		var merged []nameRec
		for layer := l; layer != bottom; layer = layer.under {
			for _, r := range layer.recs {
				if !seen[r.key] {
					seen[r.key] = true
					merged = append(merged, r)
				}
			}
		}
		if len(merged)+len(added) > bottom.size/4 {
			return st.liveLookup()
		}
		l = newNearLookup(merged)
		l.under, l.depth, l.size = bottom, 1, bottom.size+l.size
	}
	if len(added) == 0 {
		top := *l
		top.gone = gone
		return &top
	}
	top := newNearLookup(added)
	top.under, top.depth, top.size, top.gone = l, l.depth+1, l.size+top.size, gone
	return top
}

// nearGroup is a group of names: those with one skeleton, or one variant.
type nearGroup struct {
	variant bool
	h       uint64
}

// groupsOf appends the groups of name n to out.
func groupsOf(n nameRec, out []nearGroup) []nearGroup {
	if n.skeleton != 0 {
		out = append(out, nearGroup{false, n.skeleton})
	}
	if n.typo {
		eachVariant(n.bare, func(h uint64) { out = append(out, nearGroup{true, h}) })
	}
	return out
}

// neighbours returns the keys of the live names of group g nearest to key, other than
// key: up to nearWindow+1 before it, nearest first, and as many after it, appended to
// before and after.
func (l *nearLookup) neighbours(g nearGroup, key string, st *nearState, before, after []string) ([]string, []string) {
	live := func(r nameRec) bool {
		cur, ok := st.recs.lookup(r.key)
		return ok && cur.bare == r.bare && r.key != key && st.isRepresentative(cur)
	}
	for layer := l; layer != nil; layer = layer.under {
		table := layer.bySkeleton
		if g.variant {
			table = layer.byVariant
		}
		i, _ := slices.BinarySearch(table, g.h<<nameBits)
		hi := i
		for hi < len(table) && table[hi]>>nameBits == g.h<<nameBits>>nameBits {
			hi++
		}
		group := table[i:hi]
		if len(group) <= nearWindow+1 {
			for _, e := range group {
				if r := layer.recs[e&nameMask]; live(r) {
					if r.key < key {
						before = append(before, r.key)
					} else {
						after = append(after, r.key)
					}
				}
			}
			continue
		}
		// In key order: walk out from key's place.
		at, _ := slices.BinarySearchFunc(group, key, func(e uint64, k string) int {
			return strings.Compare(layer.recs[e&nameMask].key, k)
		})
		for j, n := at-1, 0; j >= 0 && n <= nearWindow; j-- {
			if r := layer.recs[group[j]&nameMask]; live(r) {
				before = append(before, r.key)
				n++
			}
		}
		for j, n := at, 0; j < len(group) && n <= nearWindow; j++ {
			if r := layer.recs[group[j]&nameMask]; live(r) {
				after = append(after, r.key)
				n++
			}
		}
	}
	// A key may be in several layers; the nearest nearWindow+1 of all are among the
	// nearest of each.
	slices.SortFunc(before, func(x, y string) int { return strings.Compare(y, x) })
	before = slices.Compact(before)
	slices.Sort(after)
	after = slices.Compact(after)
	return before[:min(len(before), nearWindow+1)], after[:min(len(after), nearWindow+1)]
}

// eachVariant calls f with the hash of s and of every distinct string made by deleting
// one rune.
func eachVariant(s string, f func(uint64)) {
	f(maphash.String(seed, s))
	var buf []byte
	last := ""
	for at, r := range s {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(s[at:])
		}
		if s[at:at+size] == last {
			continue // deleting either of two equal runes in a row makes the same string
		}
		last = s[at : at+size]
		buf = append(append(buf[:0], s[:at]...), s[at+size:]...)
		f(maphash.Bytes(seed, buf))
	}
}

// A near pair packs a pair of names (by record index) that are near-duplicates, and
// why, into one word that sorts by the first name, then the second, then the reason.
func nearPair(a, b int, why nearWhy) uint64 { return uint64(a)<<32 | uint64(b)<<8 | uint64(why) }

func unpackPair(p uint64) (a, b int, why nearWhy) {
	return int(p >> 32), int(p >> 8 & nameMask), nearWhy(p & 0xff)
}

// computeNearDuplicates is the full pass over every name of the workspace.
func (s *Snapshot) computeNearDuplicates() *nearState {
	files := s.allFiles()
	names := s.allNames(files)
	if len(names) >= 1<<nameBits {
		return &nearState{result: nearResult{}, tooMany: true} // beyond sixteen million names: not attempted
	}
	// The two tables of every name, one beside the other.
	st := &nearState{recs: newShardedMap[string, nameRec](len(names)), result: nearResult{}}
	var recs analysis.Group
	recs.Go(func() {
		for _, n := range names {
			st.recs.set(n.key, n)
		}
	})
	index := make(map[string]int32, len(names))
	for i, n := range names {
		index[n.key] = int32(i)
	}
	recs.Wait()
	// The forms of each bare name written with an ordinal; every other name is the one
	// form of its bare name. Only the first form of each bare name is compared.
	var numbered []int32
	for i, n := range names {
		if n.bare != n.key {
			numbered = append(numbered, int32(i))
		}
	}
	slices.SortFunc(numbered, func(x, y int32) int {
		if c := strings.Compare(names[x].bare, names[y].bare); c != 0 {
			return c
		}
		return strings.Compare(names[x].key, names[y].key)
	})
	first := make([]int32, len(names)) // the index of a name's first form
	for i := range first {
		first[i] = int32(i)
	}
	formCount := map[int32]int{} // the first forms of more forms than one, or of a numbered one
	st.bares = newShardedMap[string, []string](len(numbered))
	for lo := 0; lo < len(numbered); {
		bare := names[numbered[lo]].bare
		hi := lo + 1
		for hi < len(numbered) && names[numbered[hi]].bare == bare {
			hi++
		}
		forms := make([]string, 0, hi-lo+1)
		for _, i := range numbered[lo:hi] {
			forms = append(forms, names[i].key)
		}
		if i, ok := index[bare]; ok && names[i].bare == bare {
			at, _ := slices.BinarySearch(forms, bare)
			forms = slices.Insert(forms, at, bare)
		}
		head := index[forms[0]]
		for _, k := range forms {
			first[index[k]] = head
		}
		formCount[head] = len(forms)
		st.bares.set(bare, forms)
		lo = hi
	}
	reps, slot := names, first      // without ordinals every name is the first of its forms
	numberedReps := map[int32]int{} // forms by slot, for the first forms in formCount
	if len(numbered) > 0 {
		reps = make([]nameRec, 0, len(names))
		slot = make([]int32, len(names)) // a first form's index in reps
		for i, n := range names {
			if first[i] == int32(i) {
				slot[i] = int32(len(reps))
				if c, ok := formCount[int32(i)]; ok {
					numberedReps[slot[i]] = c
				}
				reps = append(reps, n)
			}
		}
	}
	// matchOf is st.matchOf without its look-ups for the common name of one form.
	matchOf := func(b int, why nearWhy) nearMatch {
		if _, ok := numberedReps[int32(b)]; ok {
			return st.matchOf(reps[b], why)
		}
		return nearMatch{key: reps[b].key, path: reps[b].path, topic: reps[b].topic, why: why, forms: 1}
	}
	reporter := func(pairs *[]uint64) func(a, b int, why string) {
		return func(a, b int, why string) {
			if reps[a].bare == reps[b].bare {
				return // the same name, or siblings that differ only in numbering
			}
			w := whyOf(why)
			*pairs = append(*pairs, nearPair(a, b, w), nearPair(b, a, w))
		}
	}
	// Singular and plural side by side: top-level or under one parent; a pair of forms
	// makes a pair of their bare names. Found beside the groups below, on the other core:
	// the pairs are sorted before they are read, so their order does not matter.
	var pluralPairs []uint64
	var plurals analysis.Group
	plurals.Go(func() {
		report := reporter(&pluralPairs)
		repOf := func(key string) int { return int(slot[first[index[key]]]) }
		for _, fi := range files {
			for key, t := range fi.topics.all() {
				if !strings.HasSuffix(key, "s") || strings.HasSuffix(key, " -- s") || key == "s" {
					continue
				}
				if singular := key[:len(key)-1]; !s.hasTopic(singular) {
					continue
				}
				name := fi.ast.Line(int(t.first)).SegmentKey(int(t.seg))
				report(repOf(name[:len(name)-1]), repOf(name), reasonPlural)
			}
		}
	})
	var pairs []uint64
	// The same skeleton, or one edit apart and both long enough (names that share a
	// one-deletion variant): the names of each group of the tables, each compared with
	// the nearWindow names after it, which compares it with the nearWindow before it too.
	// A false match of the hash bits only costs one comparison.
	lookup := newNearLookup(reps)
	st.lookup = lookup
	// The tables are cut into parts at group bounds, compared side by side, each part
	// with its own pairs and names cut.
	var stretches [][]uint64
	for _, table := range [][]uint64{lookup.bySkeleton, lookup.byVariant} {
		stretches = append(stretches, cutAtGroups(table, runtime.GOMAXPROCS(0))...)
	}
	partPairs := make([][]uint64, len(stretches))
	partCut := make([][]int32, len(stretches))
	analysis.Each(len(stretches), func(p int) {
		report := reporter(&partPairs[p])
		table := stretches[p]
		for lo := 0; lo < len(table); {
			hi := groupEnd(table, lo)
			group := table[lo:hi]
			for x, ex := range group {
				ia := int(ex & nameMask)
				if x > nearWindow || len(group)-1-x > nearWindow {
					partCut[p] = append(partCut[p], int32(ia))
				}
				for _, ey := range group[x+1 : min(len(group), x+1+nearWindow)] {
					ib := int(ey & nameMask)
					if why, ok := compareNames(reps[ia], reps[ib]); ok {
						report(ia, ib, nearReasons[why])
					}
				}
			}
			lo = hi
		}
	})
	cut := make([]bool, len(reps))
	for p := range stretches {
		pairs = append(pairs, partPairs[p]...)
		for _, ia := range partCut[p] {
			cut[ia] = true
		}
	}
	plurals.Wait()
	pairs = append(pairs, pluralPairs...)
	// Each name's pairs together, a pair found twice (in several groups, or by several
	// forms) once, with its closest reason.
	radixSort(pairs)
	var matches []nearMatch
	for lo := 0; lo < len(pairs); {
		a, _, _ := unpackPair(pairs[lo])
		matches = matches[:0]
		hi := lo
		for ; hi < len(pairs) && pairs[hi]>>32 == pairs[lo]>>32; hi++ {
			if hi == lo || pairs[hi]>>8 != pairs[hi-1]>>8 {
				_, b, why := unpackPair(pairs[hi])
				matches = append(matches, matchOf(b, why))
			}
		}
		forms := 1
		if c, ok := numberedReps[int32(a)]; ok {
			forms = c
		}
		if f, ok := summarize(reps[a], forms, matches, cut[a]); ok {
			byName := st.result[reps[a].path]
			if byName == nil {
				byName = map[string]nearFinding{}
				st.result[reps[a].path] = byName
			}
			byName[f.key] = f
		}
		lo = hi
	}
	return st
}

// allNames returns the record of every name of files, the snapshot's in path order, in
// no set order. A name's record is made from the first file that holds it, as nameRecord
// makes it; the first topic recorded for a name is where the name first appears.
func (s *Snapshot) allNames(files []*fileIndex) []nameRec {
	// The files side by side, and the shards of a large file's names, each making the
	// records of the names it holds first, asked of the workspace's table of names: the
	// records are made while the file's topics and lines are in the cache, where walking
	// the files in turn, dropping the names seen, took a third of the pass at a million
	// lines on one core.
	rank := make([]int32, len(s.byID))
	type unit struct{ file, shard int32 }
	var units []unit
	for i, fi := range files {
		rank[fi.id] = int32(i)
		for sh := range fi.lastSeg.one.shards {
			units = append(units, unit{int32(i), int32(sh)})
		}
	}
	var holds *holderTable[string] // nil for one file (no workspace tables): its names are each once
	if s.tables != nil {
		holds = &s.tables.names
	}
	parts := make([][]nameRec, len(units))
	analysis.Each(len(units), func(u int) {
		i := units[u].file
		fi := files[i]
		shard := int(units[u].shard)
		var buf []byte
		out := make([]nameRec, 0, fi.lastSeg.one.shardLen(shard))
		for key, topicKey := range fi.lastSeg.one.shardAll(shard) {
			if ids, ok := holds.moreOf(key); ok {
				if slices.ContainsFunc(ids, func(id fileID) bool { return rank[id] < i }) {
					continue // an earlier file makes it
				}
			}
			var rec nameRec
			rec, buf = nameIn(fi, key, topicKey, buf)
			out = append(out, rec)
		}
		parts[u] = out
	})
	return slices.Concat(parts...)
}

// diagnostic renders a finding of file fi against the snapshot's current trees. A name
// with one near-duplicate says which and why, as it always did; one with more lists the
// first few, each with its reason, and counts the others. A near-duplicate written in
// several forms is named by its bare name, with the lines of its forms.
func (n nearFinding) diagnostic(s *Snapshot, fi *fileIndex) Diagnostic {
	d := Diagnostic{
		Span:    n.span(fi),
		Rule:    analysis.RuleNearDuplicate,
		Related: make([]Related, 0, len(n.shown)),
	}
	single := len(n.shown) == 1 && n.more == 0 && !n.cut
	relatedMessage := "another spelling"
	if single {
		relatedMessage = "the other spelling"
	}
	items := make([]string, 0, len(n.shown)+1)
	for _, m := range n.shown {
		text, at := m.render(s, fi, func(path string, span analysis.Span) {
			d.Related = append(d.Related, Related{Path: path, Span: span, Message: relatedMessage})
		})
		if single {
			d.Message = fmt.Sprintf("%q (%s) looks like the same name: %s", text, at, nearReasons[m.why])
			return d
		}
		items = append(items, fmt.Sprintf("%q (%s, %s)", text, at, nearReasons[m.why]))
	}
	switch {
	case n.more > 0 && n.cut:
		items = append(items, fmt.Sprintf("at least %d more", n.more))
	case n.more > 0:
		items = append(items, fmt.Sprintf("%d more", n.more))
	case n.cut:
		items = append(items, "maybe others")
	}
	d.Message = strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1] + " look like the same name"
	return d
}

// span is where the name of the finding first appears in fi.
func (n nearFinding) span(fi *fileIndex) analysis.Span {
	line, seg := firstSegment(fi, n.topic)
	return fi.ast.Line(line).Segments[seg].Name().In(fi.ast.Start(line))
}

// render returns the text of the match and where it is, as seen from file fi, and calls
// related with the span of each of its forms named. A name of one form is its name and
// line; one of several forms is its bare name and the lines of up to maxNearShown of its
// forms ("lines 3, 4, 5"), with their count when there are more.
func (m nearMatch) render(s *Snapshot, fi *fileIndex, related func(string, analysis.Span)) (text, at string) {
	if m.forms <= 1 {
		other := s.file(m.path)
		ol, os := firstSegment(other, m.topic)
		oname := other.ast.Line(ol).Segments[os].Name()
		related(m.path, oname.In(other.ast.Start(ol)))
		return oname.Text(other.ast.LineText(ol)), where(other, int32(ol), fi)
	}
	type place struct {
		fi   *fileIndex
		line int
		name analysis.LineSpan
	}
	places := make([]place, 0, maxNearShown)
	for _, p := range append([]nearPlace{{m.path, m.topic}}, m.also...) {
		other := s.file(p.path)
		ol, os := firstSegment(other, p.topic)
		places = append(places, place{other, ol, bareName(other.ast.Line(ol), os, other.ast.LineText(ol))})
	}
	text = places[0].name.Text(places[0].fi.ast.LineText(places[0].line))
	slices.SortStableFunc(places, func(x, y place) int {
		if c := strings.Compare(x.fi.path, y.fi.path); x.fi != y.fi && (x.fi == fi || y.fi == fi) {
			if x.fi == fi {
				return -1
			}
			return 1
		} else if c != 0 {
			return c
		}
		return x.line - y.line
	})
	wheres := make([]string, len(places))
	sameFile := true
	for i, p := range places {
		related(p.fi.path, p.name.In(p.fi.ast.Start(p.line)))
		wheres[i] = where(p.fi, int32(p.line), fi)
		if p.fi != fi {
			sameFile = false
		}
	}
	if sameFile {
		for i, p := range places {
			wheres[i] = strconv.Itoa(p.line + 1)
		}
		at = "lines " + strings.Join(wheres, ", ")
	} else {
		at = strings.Join(wheres, ", ")
	}
	if int(m.forms) > len(places) {
		at += fmt.Sprintf(" and %d more", int(m.forms)-len(places))
	}
	return text, at
}

// bareName returns the name of segment seg of line l, whose text is text, without its
// ordinal.
func bareName(l *analysis.Line, seg int, text []byte) analysis.LineSpan {
	name := l.Segments[seg].Name()
	ord := l.Attrs(seg).Ordinal
	if ord.Len() == 0 {
		return name
	}
	start := ord.End
	for start < name.End && (text[start] == ' ' || text[start] == '\t') {
		start++
	}
	return analysis.LineSpan{Start: start, End: name.End}
}

// skeleton appends the letters and digits of s to buf and counts the letters.
func skeleton(s string, buf []byte) (letters int, skel []byte) {
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'):
			letters++
			buf = append(buf, byte(r))
		case r < utf8.RuneSelf && '0' <= r && r <= '9':
			buf = append(buf, byte(r))
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
			letters++
			buf = utf8.AppendRune(buf, r)
		case r >= utf8.RuneSelf && unicode.IsDigit(r):
			buf = utf8.AppendRune(buf, r)
		}
	}
	return letters, buf
}

func isPluralPair(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(b) == len(a)+1 && b[len(a)] == 's' && strings.HasPrefix(b, a)
}

// diffIsDigit reports whether two names one edit apart differ in a digit (numbered
// siblings such as "learning 01" and "learning 02").
func diffIsDigit(a, b string) bool {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	for i > 0 && i < len(a) && !utf8.RuneStart(a[i]) {
		i-- // back to the start of the rune that differs
	}
	digit := func(s string) bool {
		if i >= len(s) {
			return false
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		return unicode.IsDigit(r)
	}
	return digit(a) || digit(b)
}

// oneEditApart reports whether a and b are at Levenshtein distance exactly 1, counted in
// runes, in time linear in their length: past the first rune that differs, the rest must
// be equal once one rune is dropped from one side or from both.
func oneEditApart(a, b string) bool {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	for i > 0 && (i < len(a) && !utf8.RuneStart(a[i]) || i < len(b) && !utf8.RuneStart(b[i])) {
		i-- // back to the start of the rune that differs
	}
	_, na := utf8.DecodeRuneInString(a[i:]) // 0 at the end
	_, nb := utf8.DecodeRuneInString(b[i:])
	switch {
	case na == 0 && nb == 0:
		return false // equal
	case na == 0:
		return i+nb == len(b) // b is a plus one rune
	case nb == 0:
		return i+na == len(a)
	}
	return a[i+na:] == b[i+nb:] || a[i+na:] == b[i:] || a[i:] == b[i+nb:]
}

// radixSort sorts in four passes of sixteen bits: for the millions of variants of a large
// workspace it is several times faster than a comparison sort.
func radixSort(a []uint64) {
	if len(a) < 1<<12 {
		slices.Sort(a)
		return
	}
	buf := make([]uint64, len(a))
	src, dst := a, buf
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, v := range src {
			count[v>>shift&0xffff]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, v := range src {
			d := v >> shift & 0xffff
			dst[count[d]] = v
			count[d]++
		}
		src, dst = dst, src
	}
	// Four passes leave the result where it started.
}
