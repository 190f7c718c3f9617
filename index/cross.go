package index

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/notesls/notesls/analysis"
)

// crossState holds, for every file, the redundant stubs and the broken references: the
// findings whose truth depends on other lines, possibly in other files, through a key.
// It names lines, not offsets, so a later snapshot can carry it over and look again only
// at the keys an edit touched; at 100,000 lines that is the difference between looking
// up ten thousand stubs and references per keystroke and looking up a few.
//
// The lists are kept by path in sharded maps, which a later state shares but for the
// files it changes: rebuilt as maps on each keystroke, the lists of a thousand files were
// walked and copied for one edit.
type crossState struct {
	stubs  shardedMap[string, []stubFinding]
	broken shardedMap[string, []brokenRef]
	// brokenKeys counts the broken references of each key, and brokenNear lists the
	// broken keys by their first or last two runes and their length, as suggest's
	// buckets hold names: a keystroke's names find the broken references whose "did you
	// mean" they may change without walking them all.
	brokenKeys shardedMap[string, int32]
	brokenNear shardedMap[uint64, []string]
	// changed lists the files whose findings differ from those of the state this one was
	// updated from; nil for a state computed in full, which may differ anywhere.
	changed map[string]bool
}

// stubFinding is a redundant stub: line is a stub of key, which (other, otherLine)
// described when the finding was made. The line it names is looked up again for the
// message (describedAt): a file is not looked at when only the describing file's lines
// move.
type stubFinding struct {
	line      int32
	key       string
	other     string
	otherLine int32
}

// brokenRef is a reference that resolves to no term: the ref-th of its line.
type brokenRef struct {
	line int32
	ref  int32
	key  string
}

// crossEdit is what one edit did to a file, for carrying the findings over it: lines
// [from, oldTo) were replaced by lines [from, oldTo+delta), and stubKeys and refKeys are
// the keys whose findings may have changed anywhere in the workspace.
type crossEdit struct {
	lineShift
	stubKeys []string
	refKeys  []string
}

// lineShift is what an edit did to the line numbers of path: lines [from, oldTo)
// replaced, the lines after them moved by delta.
type lineShift struct {
	path        string
	from, oldTo int32
	delta       int32
}

func (l lineShift) shift() lineShift { return l }

// movedLine maps a line of path in the numbering before edits to the numbering after
// them, or false when an edit replaced it.
func movedLine[E interface{ shift() lineShift }](edits []E, path string, line int32) (int32, bool) {
	for _, e := range edits {
		l := e.shift()
		if l.path != path || line < l.from {
			continue
		}
		if line < l.oldTo {
			return 0, false
		}
		line += l.delta
	}
	return line, true
}

func (s *Snapshot) crossFindings() *crossState {
	return s.cross.get(s.computeCross, s.updateCross)
}

// crossEditOf describes an edit of path that replaced lines [c.From, c.OldTo) by
// [c.From, c.To), whose keys are k.
func crossEditOf(path string, c *lineChange, k editKeys) crossEdit {
	return crossEdit{lineShift: lineShift{path: path, from: int32(c.From), oldTo: int32(c.OldTo), delta: int32(c.To - c.OldTo)},
		stubKeys: k.entries,
		// A reference resolves through full paths, aliases and names: a change to any of
		// them may make one resolve or break.
		refKeys: slices.Concat(k.refs, k.names, k.aliases, k.topics)}
}

func (s *Snapshot) computeCross() *crossState {
	st := &crossState{}
	// The files side by side, each line of a large one in parts: at a million lines the
	// walk took a core for 0.2 s while the first findings waited for it.
	type part struct {
		fi       *fileIndex
		from, to int
		stubs    []stubFinding
		broken   []brokenRef
	}
	var parts []part
	for _, fi := range s.allFiles() {
		n := fi.ast.NumLines()
		for from := 0; from < n; from += crossPartLines {
			parts = append(parts, part{fi: fi, from: from, to: min(n, from+crossPartLines)})
		}
	}
	analysis.Each(len(parts), func(j int) {
		pt := &parts[j]
		f := pt.fi.ast
		for i := pt.from; i < pt.to; i++ {
			l := f.Line(i)
			if l.IsStub() {
				if other, ln, ok := s.meaningfulEntry(l.Key); ok {
					pt.stubs = append(pt.stubs, stubFinding{int32(i), l.Key, other.path, ln})
				}
			}
			for k, r := range l.Refs() {
				if !r.Soft && r.Key != "" && !s.resolves(r.Key) {
					pt.broken = append(pt.broken, brokenRef{int32(i), int32(k), r.Key})
				}
			}
		}
	})
	stubs, broken := map[string][]stubFinding{}, map[string][]brokenRef{}
	for _, pt := range parts { // in line order within a file
		if len(pt.stubs) > 0 {
			stubs[pt.fi.path] = append(stubs[pt.fi.path], pt.stubs...)
		}
		if len(pt.broken) > 0 {
			broken[pt.fi.path] = append(broken[pt.fi.path], pt.broken...)
		}
	}
	st.stubs, st.broken = newShardedMap[string, []stubFinding](len(stubs)), newShardedMap[string, []brokenRef](len(broken))
	for p, list := range stubs {
		st.stubs.set(p, slices.Clip(list))
	}
	counts := map[string]int32{}
	for p, list := range broken {
		st.broken.set(p, slices.Clip(list))
		for _, b := range list {
			counts[b.key]++
		}
	}
	st.brokenKeys = newShardedMap[string, int32](len(counts))
	near := map[uint64][]string{}
	for k, n := range counts {
		st.brokenKeys.set(k, n)
		first, last := nearBuckets(k)
		near[first] = append(near[first], k)
		near[last] = append(near[last], k)
	}
	st.brokenNear = newShardedMap[uint64, []string](len(near))
	for b, keys := range near {
		st.brokenNear.set(b, slices.Clip(keys))
	}
	return st
}

// nearBucket packs a suggestion bucket (the first or last two runes of a key, and its
// length in runes) into a table key.
func nearBucket(end [2]rune, last bool, length int) uint64 {
	b := uint64(end[0]&0x1fffff)<<43 | uint64(end[1]&0x1fffff)<<22 | uint64(min(length, 1<<21-1))<<1
	if last {
		b |= 1
	}
	return b
}

// nearBuckets returns the two buckets of key.
func nearBuckets(key string) (first, last uint64) {
	f, l := ends(key)
	n := utf8.RuneCountInString(key)
	return nearBucket(f, false, n), nearBucket(l, true, n)
}

// countBroken adds delta to the broken references of key, entering the key in its
// buckets or taking it out when its count leaves or reaches zero.
func (st *crossState) countBroken(key string, delta int32) {
	before := st.brokenKeys.get(key)
	after := before + delta
	if after == 0 {
		st.brokenKeys.del(key)
	} else {
		st.brokenKeys.set(key, after)
	}
	if (before == 0) == (after == 0) {
		return
	}
	first, last := nearBuckets(key)
	for _, b := range []uint64{first, last} {
		keys := st.brokenNear.get(b)
		switch {
		case after > 0:
			st.brokenNear.set(b, append(slices.Clip(keys), key))
		case len(keys) == 1:
			st.brokenNear.del(b)
		default:
			st.brokenNear.set(b, slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == key }))
		}
	}
}

// crossPartLines is the most lines of one file that the cross-file walk gives one part.
const crossPartLines = 1 << 14

// updateCross derives this snapshot's state from prev through edits: findings on lines
// that no edit replaced and whose keys no edit touched stand, moved with their lines;
// the touched keys are looked up again. Every line an edit put in has its keys among
// the touched ones, so it is looked at too.
func (s *Snapshot) updateCross(prev *crossState, edits []crossEdit) *crossState {
	stubKeys := map[string]bool{}
	refKeys := map[string]bool{}
	for _, e := range edits {
		for _, k := range e.stubKeys {
			stubKeys[k] = true
		}
		for _, k := range e.refKeys {
			refKeys[k] = true
		}
	}
	st := &crossState{stubs: prev.stubs.clone(), broken: prev.broken.clone(), brokenKeys: prev.brokenKeys.clone(),
		brokenNear: prev.brokenNear.clone(), changed: map[string]bool{}}
	edited := editedPaths(edits)
	// An edited file's findings move with its lines; those on lines an edit replaced, or
	// of a touched key, go, and are looked for again below.
	for p := range edited {
		if s.file(p) == nil {
			st.stubs.del(p)
			st.setBroken(p, nil)
			continue
		}
		var stubs []stubFinding
		for _, f := range prev.stubs.get(p) {
			line, ok := movedLine(edits, p, f.line)
			if !ok || stubKeys[f.key] {
				st.changed[p] = true
				continue
			}
			// The describing entry has f.key too, so no edit replaced it: it only moved.
			other, _ := movedLine(edits, f.other, f.otherLine)
			stubs = append(stubs, stubFinding{line, f.key, f.other, other})
		}
		var broken []brokenRef
		for _, b := range prev.broken.get(p) {
			line, ok := movedLine(edits, p, b.line)
			if !ok || refKeys[b.key] {
				st.changed[p] = true
				continue
			}
			broken = append(broken, brokenRef{line, b.ref, b.key})
		}
		st.setStubs(p, stubs)
		st.setBroken(p, broken)
	}
	// Another file keeps its lines, and loses only the findings of touched keys: those
	// of a file that holds the key, found through the workspace's tables. No other file
	// is looked at, however many the workspace has.
	// A holder of a common key (a topic that hundreds of files use) seldom has a finding
	// of it: its list is copied only when it has.
	stubTouched := func(f stubFinding) bool { return stubKeys[f.key] }
	for _, fi := range s.holdersOfKeys(stubKeys, s.topicFiles, edited) {
		if list := prev.stubs.get(fi.path); slices.ContainsFunc(list, stubTouched) {
			st.setStubs(fi.path, slices.DeleteFunc(slices.Clone(list), stubTouched))
			st.changed[fi.path] = true
		}
	}
	refTouched := func(b brokenRef) bool { return refKeys[b.key] }
	for _, fi := range s.holdersOfKeys(refKeys, s.refFiles, edited) {
		if list := prev.broken.get(fi.path); slices.ContainsFunc(list, refTouched) {
			st.setBroken(fi.path, slices.DeleteFunc(slices.Clone(list), refTouched))
			st.changed[fi.path] = true
		}
	}
	addedStubs := map[string][]stubFinding{}
	for k := range stubKeys {
		other, otherLine, ok := s.meaningfulEntry(k)
		if !ok {
			continue
		}
		for _, fi := range s.topicFiles(k) {
			for _, ln := range fi.entriesOf(k) {
				if fi.ast.Line(int(ln)).IsStub() {
					addedStubs[fi.path] = append(addedStubs[fi.path], stubFinding{ln, k, other.path, otherLine})
					st.changed[fi.path] = true
				}
			}
		}
	}
	addedBroken := map[string][]brokenRef{}
	for k := range refKeys {
		if s.resolves(k) {
			continue
		}
		for _, fi := range s.refFiles(k) {
			p := fi.path
			lines := fi.refs.lines(k)
			for i, ln := range lines {
				if i > 0 && lines[i-1] == ln {
					continue // a line that refers to k twice is listed twice
				}
				for r, ref := range fi.ast.Line(int(ln)).Refs() {
					if ref.Key == k && !ref.Soft {
						addedBroken[p] = append(addedBroken[p], brokenRef{ln, int32(r), k})
						st.changed[p] = true
					}
				}
			}
		}
	}
	// Clipped, so that the lists a state shares are never appended to in place.
	for p, added := range addedStubs {
		st.setStubs(p, append(slices.Clip(st.stubs.get(p)), added...))
	}
	for p, added := range addedBroken {
		st.setBroken(p, append(slices.Clip(st.broken.get(p)), added...))
	}
	st.keepUnchanged(prev, edits, edited)
	s.markSuggestionsOf(st, refKeys, edited)
	return st
}

// holdersOfKeys returns the files not in edited that hold one of keys, each once, as
// files finds the holders of a key.
func (s *Snapshot) holdersOfKeys(keys map[string]bool, files func(key string) []*fileIndex, edited map[string]bool) []*fileIndex {
	var out []*fileIndex
	seen := map[string]bool{}
	for k := range keys {
		for _, fi := range files(k) {
			if !edited[fi.path] && !seen[fi.path] {
				seen[fi.path] = true
				out = append(out, fi)
			}
		}
	}
	return out
}

// setStubs makes list the stubs of path; an empty list takes the path out.
func (st *crossState) setStubs(path string, list []stubFinding) {
	if len(list) == 0 {
		st.stubs.del(path)
		return
	}
	st.stubs.set(path, list)
}

// setBroken makes list the broken references of path; an empty list takes the path out.
func (st *crossState) setBroken(path string, list []brokenRef) {
	old := st.broken.get(path)
	// An edited file's references mostly only move with its lines, in the same order: the
	// keys' counts stand, and a keystroke need not count them in a map.
	if !slices.EqualFunc(old, list, func(a, b brokenRef) bool { return a.key == b.key }) {
		st.countDelta(old, list)
	}
	if len(list) == 0 {
		st.broken.del(path)
		return
	}
	st.broken.set(path, list)
}

// countDelta counts the broken references of list in and those of old out.
func (st *crossState) countDelta(old, list []brokenRef) {
	delta := map[string]int32{}
	for _, b := range old {
		delta[b.key]--
	}
	for _, b := range list {
		delta[b.key]++
	}
	for k, d := range delta {
		if d != 0 {
			st.countBroken(k, d)
		}
	}
}

// describedAt returns the entry that describes the stub f's key in this snapshot: where
// it was when f was found, moved since. A key's describing entry that an edit replaced
// or removed makes the stub's key touched, which finds the stub again.
func (s *Snapshot) describedAt(f stubFinding) (*fileIndex, int32) {
	if other, ln, ok := s.meaningfulEntry(f.key); ok {
		return other, ln
	}
	return s.file(f.other), f.otherLine
}

// keepUnchanged unmarks the files no edit touched whose stubs and broken references are
// the ones they had: a touched key marks every file holding a finding of it, though the
// edit seldom changes what it resolves to. Typing in a small file would otherwise
// republish a large file that refers to the topics typed, on each keystroke.
// edited holds the paths of edits.
func (st *crossState) keepUnchanged(prev *crossState, edits []crossEdit, edited map[string]bool) {
	for p := range st.changed {
		if edited[p] {
			continue
		}
		before := make([]stubFinding, len(prev.stubs.get(p)))
		for i, f := range prev.stubs.get(p) {
			// A describing line that an edit replaced keeps its number: the message names
			// the line, so the finding stands if the new description is there too.
			other, ok := movedLine(edits, f.other, f.otherLine)
			if !ok {
				other = f.otherLine
			}
			before[i] = stubFinding{f.line, f.key, f.other, other}
		}
		if sameFindings(before, st.stubs.get(p), compareStubs) && sameFindings(prev.broken.get(p), st.broken.get(p), compareBroken) {
			delete(st.changed, p)
		}
	}
}

// sameFindings reports whether a and b hold the same findings in any order; it sorts
// copies, not the lists, which the states share.
func sameFindings[E comparable](a, b []E, compare func(x, y E) int) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.SortFunc(a, compare)
	slices.SortFunc(b, compare)
	return slices.Equal(a, b)
}

func compareStubs(x, y stubFinding) int {
	return cmp.Or(cmp.Compare(x.line, y.line), strings.Compare(x.key, y.key), strings.Compare(x.other, y.other), cmp.Compare(x.otherLine, y.otherLine))
}

func compareBroken(x, y brokenRef) int {
	return cmp.Or(cmp.Compare(x.line, y.line), cmp.Compare(x.ref, y.ref), strings.Compare(x.key, y.key))
}

// entriesOf lists the lines of fi whose whole path is key.
func (fi *fileIndex) entriesOf(key string) []int32 {
	t := fi.topics.get(key)
	if t == nil || t.entry < 0 {
		return nil
	}
	return fi.moreEntries.appendLines([]int32{t.entry}, key)
}

// markSuggestionsOf marks the files of the broken references whose "did you mean" the
// edit changed. Only names of the edit (names) can change it: a name it added that is
// now among the suggestions, or a name it may have removed that would rank among them.
// A broken key is looked at when one of names is within the suggestion distance and
// shares its first or last two runes, as suggest's buckets require, found in the buckets
// of broken keys; typing a name used to republish every file with a broken reference
// within that distance of it, the largest file of a messy workspace on one keystroke in
// three, and to look at every broken reference of the workspace to learn which.
// edited holds the paths the edits changed.
func (s *Snapshot) markSuggestionsOf(st *crossState, names, edited map[string]bool) {
	if len(names) == 0 {
		return
	}
	type shape struct {
		key         string
		runes       []rune
		first, last [2]rune
		path        bool
	}
	var shapes []shape
	near := map[string]bool{}
	for k := range names {
		if k == "" {
			continue
		}
		f, l := ends(k)
		runes := []rune(k)
		shapes = append(shapes, shape{k, runes, f, l, strings.Contains(k, " -- ")})
		// A broken key of m runes is within suggestDistance(m) (at most 2) of k.
		n := len(runes)
		for m := max(1, n-2); m <= n+2; m++ {
			if abs(m-n) > suggestDistance(m) {
				continue
			}
			for _, b := range []uint64{nearBucket(f, false, m), nearBucket(l, true, m)} {
				for _, key := range st.brokenNear.get(b) {
					near[key] = true
				}
			}
		}
	}
	var keyRunes, answerRunes []rune
	for _, key := range slices.Sorted(maps.Keys(near)) {
		n := utf8.RuneCountInString(key)
		d := suggestDistance(n)
		f, l := ends(key)
		path := strings.Contains(key, " -- ")
		keyRunes = appendRunes(keyRunes[:0], key)
		var answer []string
		lastDist, checks := 0, 0
		changed := false
	shapes:
		for _, sh := range shapes {
			// As closestOf picks its candidates: a path is suggested for a path, a name
			// for a name, within the distance, from a bucket of the same first or last
			// runes.
			if sh.path != path || abs(len(sh.runes)-n) > d || (sh.first != f && sh.last != l) {
				continue
			}
			dist := editDistanceWithin(keyRunes, sh.runes, d)
			if dist > d {
				continue
			}
			if checks++; checks > maxSuggestionChecks {
				changed = true // a crowd of alike names: looking costs more than publishing
				break
			}
			if answer == nil {
				answer = s.suggest(key)
				if len(answer) > 0 {
					answerRunes = appendRunes(answerRunes[:0], answer[len(answer)-1])
					lastDist = editDistanceWithin(keyRunes, answerRunes, d)
				}
			}
			if s.known(sh.key, sh.path) {
				if slices.Contains(answer, sh.key) && !s.heldOutside(sh.key, sh.path, edited) {
					changed = true // added
					break shapes
				}
				continue
			}
			// Gone, or never there: had it been there, would it have ranked among them?
			if len(answer) < maxSuggestions || dist < lastDist || dist == lastDist && sh.key < answer[len(answer)-1] {
				changed = true
				break
			}
		}
		if !changed {
			continue
		}
		for _, fi := range s.refFiles(key) {
			if !st.changed[fi.path] && slices.ContainsFunc(st.broken.get(fi.path), func(b brokenRef) bool { return b.key == key }) {
				st.changed[fi.path] = true
			}
		}
	}
}

// heldOutside reports whether a file not in edited has name (a path, with path): then
// the edits did not add it.
func (s *Snapshot) heldOutside(name string, path bool, edited map[string]bool) bool {
	unedited := func(fi *fileIndex) bool { return !edited[fi.path] }
	if path {
		return slices.ContainsFunc(s.topicFiles(name), unedited)
	}
	return slices.ContainsFunc(s.nameFiles(name), unedited) || slices.ContainsFunc(s.aliasFiles(name), unedited)
}

// editedPaths returns the set of the paths of edits.
func editedPaths(edits []crossEdit) map[string]bool {
	out := make(map[string]bool, len(edits))
	for _, e := range edits {
		out[e.path] = true
	}
	return out
}

// maxSuggestionChecks bounds the names markSuggestionsOf weighs for one broken key.
const maxSuggestionChecks = 256

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
