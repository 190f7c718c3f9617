package index

import (
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
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

// The reasons two names are near-duplicates, in the order they are tried.
const (
	reasonSkeleton = "the same once spaces and punctuation are removed"
	reasonTypo     = "one letter apart"
	reasonPlural   = "singular and plural of one name"
)

// nameRec is a distinct segment name (by key) and where it first appears.
type nameRec struct {
	key      string // the segment key
	bare     string // the key without its ordinal prefix
	path     string
	line     int32
	seg      int16
	typo     bool   // compared by the typo rule: minTypoLetters letters, maxTypoRunes runes
	skeleton uint64 // hash of the letters and digits; 0 when there are none
}

// namePair is a pair of name keys, a < b.
type namePair struct{ a, b string }

func pairOf(x, y string) namePair {
	if x > y {
		x, y = y, x
	}
	return namePair{x, y}
}

// nearState is what the near-duplicate pass knows of one snapshot: every name, every
// pair with its reason, and the findings by path.
type nearState struct {
	names  map[string]int32 // name key -> its record in recs
	recs   []nameRec
	pairs  map[namePair]string
	result nearResult
	lookup *nearLookup // the full pass's tables, with a layer per update that added names
}

// nearResult holds the near-duplicate findings by path. It names lines, not offsets, so a
// later snapshot whose edits kept the line count can use it as it is.
type nearResult map[string][]nearFinding

type nearFinding struct {
	line      int32
	seg       int16
	other     string // the other name's path
	otherLine int32
	otherSeg  int16
	why       string
}

// nearDuplicates finds pairs of segment names that are probably the same name written
// two ways, without comparing every pair: names meet only when they share a skeleton, a
// one-deletion variant, or a parent.
func (s *Snapshot) nearDuplicates() nearResult {
	return s.near.get(s.computeNearDuplicates, s.updateNear).result
}

// nearEdit is what one edit changed for the near-duplicates: the name keys on the lines
// it replaced and put in, and how it moved the lines after them (nil: not moved).
type nearEdit struct {
	affected []string
	moved    *lineShift
}

// A lineShift says that in one file, the lines from `from` on moved by delta.
type lineShift struct {
	path        string
	from, delta int32
}

// updateNear derives the state from prev through edits: the names they touched are
// looked at again, the lines they moved are moved.
func (s *Snapshot) updateNear(prev *nearState, edits []nearEdit) *nearState {
	var affected []string
	var moves []lineShift
	for _, e := range edits {
		affected = append(affected, e.affected...)
		if e.moved != nil {
			moves = append(moves, *e.moved)
		}
	}
	return s.updateNearDuplicates(prev, affected, moves)
}

// nameRecord returns where name key first appears in the workspace.
func (s *Snapshot) nameRecord(key string, buf []byte) (nameRec, []byte, bool) {
	for _, p := range s.paths {
		if topicKey, ok := s.files[p].lastSeg.one.lookup(key); ok {
			rec, buf := nameIn(s.files[p], key, topicKey, buf)
			return rec, buf, true
		}
	}
	return nameRec{}, buf, false
}

// nameIn describes name key whose first topic in fi is topicKey; buf is scratch space.
func nameIn(fi *fileIndex, key, topicKey string, buf []byte) (nameRec, []byte) {
	t := fi.topics.get(topicKey)
	seg := fi.ast.Line(int(t.first)).Segments[t.seg]
	bare := key
	if n := seg.Ordinal.Len(); n > 0 {
		bare = strings.TrimLeft(key[n:], " ")
	}
	letters, skel := skeleton(bare, buf[:0])
	var skelHash uint64
	if len(skel) > 0 {
		skelHash = maphash.Bytes(seed, skel)
	}
	typo := letters >= minTypoLetters && utf8.RuneCountInString(bare) <= maxTypoRunes
	return nameRec{key: key, bare: bare, path: fi.path, line: t.first, seg: t.seg,
		typo: typo, skeleton: skelHash}, skel
}

// nearReason tells whether two names are near-duplicates, and why. The full pass finds
// exactly the pairs for which this holds; the incremental one asks it directly.
func (s *Snapshot) nearReason(a, b nameRec) (string, bool) {
	switch {
	case a.bare == b.bare:
		return "", false // the same name, or siblings that differ only in numbering
	case a.skeleton != 0 && a.skeleton == b.skeleton:
		return reasonSkeleton, true
	case a.typo && b.typo && !isPluralPair(a.bare, b.bare) && !diffIsDigit(a.bare, b.bare) && oneEditApart(a.bare, b.bare):
		return reasonTypo, true
	case a.key+"s" == b.key && s.sideBySide(a.key, b.key), b.key+"s" == a.key && s.sideBySide(b.key, a.key):
		return reasonPlural, true
	}
	return "", false
}

// sideBySide reports whether some topic ending with plural has a sibling (or, at the top
// level, a fellow root) ending with singular.
func (s *Snapshot) sideBySide(singular, plural string) bool {
	var topics []string
	for _, p := range s.paths {
		topics = s.files[p].lastSeg.appendTo(topics[:0], plural)
		for _, t := range topics {
			if s.hasTopic(t[:len(t)-1]) {
				return true
			}
		}
	}
	return false
}

// name returns the record of name key.
func (st *nearState) name(key string) (nameRec, bool) {
	i, ok := st.names[key]
	if !ok {
		return nameRec{}, false
	}
	return st.recs[i], true
}

func (st *nearState) buildResult() {
	count := map[string]int{}
	for pr := range st.pairs {
		a, _ := st.name(pr.a)
		b, _ := st.name(pr.b)
		count[a.path]++
		count[b.path]++
	}
	st.result = make(nearResult, len(count))
	for p, n := range count {
		st.result[p] = make([]nearFinding, 0, n)
	}
	for pr, why := range st.pairs {
		a, _ := st.name(pr.a)
		b, _ := st.name(pr.b)
		st.result[a.path] = append(st.result[a.path], nearFinding{a.line, a.seg, b.path, b.line, b.seg, why})
		st.result[b.path] = append(st.result[b.path], nearFinding{b.line, b.seg, a.path, a.line, a.seg, why})
	}
}

// updateNearDuplicates derives this snapshot's state from prev, whose snapshot differed
// only in lines (same count) holding the names in affected: pairs of other names stand,
// the affected names are looked up again and paired through the lookup tables.
func (s *Snapshot) updateNearDuplicates(prev *nearState, affected []string, moves []lineShift) *nearState {
	if len(affected) == 0 && len(moves) == 0 {
		return prev
	}
	st := &nearState{names: maps.Clone(prev.names), recs: slices.Clip(prev.recs), pairs: maps.Clone(prev.pairs)}
	if len(moves) > 0 {
		st.recs = slices.Clone(prev.recs)
		for _, m := range moves {
			for i := range st.recs {
				if r := &st.recs[i]; r.path == m.path && r.line >= m.from {
					r.line += m.delta
				}
			}
		}
	}
	touched := make(map[string]bool, len(affected))
	for _, k := range affected {
		touched[k] = true
	}
	for pr := range st.pairs {
		if touched[pr.a] || touched[pr.b] {
			delete(st.pairs, pr)
		}
	}
	lookup := prev.lookup
	if lookup == nil {
		lookup = newNearLookup(prev.recs)
	}
	var added, present []nameRec
	var buf []byte
	for k := range touched {
		rec, b, ok := s.nameRecord(k, buf)
		buf = b
		if !ok {
			delete(st.names, k)
			continue
		}
		if _, existed := st.names[k]; !existed {
			added = append(added, rec)
		}
		st.names[k] = int32(len(st.recs))
		st.recs = append(st.recs, rec) // a new record; the old one, if any, is left unused
		present = append(present, rec)
	}
	if len(added) > 0 {
		lookup = lookup.with(added, st)
	}
	st.lookup = lookup
	for _, a := range present {
		for _, other := range lookup.candidates(a) {
			if b, ok := st.name(other); ok && other != a.key {
				if why, ok := s.nearReason(a, b); ok {
					st.pairs[pairOf(a.key, other)] = why
				}
			}
		}
	}
	st.buildResult()
	return st
}

// nearLookup finds the names that may pair with a name: by skeleton, by one-deletion
// variant, by plural. An update adds a small layer over the tables of the last full build
// instead of copying them; entries of names gone since are skipped by the caller.
//
// The tables are sorted arrays of hashes, each packed above the index of its record, as
// the full pass builds them: at a hundred thousand names a map of lists is tens of
// megabytes of small objects that every garbage collection walks, these are a few
// megabytes it skips.
type nearLookup struct {
	recs       []nameRec // what the low bits of the entries index
	bySkeleton []uint64  // skeleton hash << nameBits | record index, sorted
	byVariant  []uint64  // variant hash << nameBits | record index, sorted
	under      *nearLookup
	depth      int
	size       int // names in this layer and those under it
}

// nameBits is the width of a record index in a packed table entry: sixteen million
// names, far beyond any notes workspace; the full pass gives up above it.
const nameBits = 24

// maxLookupLayers bounds the layers before the tables are built anew from all names.
const maxLookupLayers = 64

func newNearLookup(recs []nameRec) *nearLookup {
	recs = recs[:min(len(recs), 1<<nameBits)]
	l := &nearLookup{recs: recs, size: len(recs)}
	for i, n := range recs {
		if n.skeleton != 0 {
			l.bySkeleton = append(l.bySkeleton, n.skeleton<<nameBits|uint64(i))
		}
		if n.typo {
			eachVariant(n.bare, func(h uint64) { l.byVariant = append(l.byVariant, h<<nameBits|uint64(i)) })
		}
	}
	radixSort(l.bySkeleton)
	radixSort(l.byVariant)
	return l
}

// with returns the lookup plus the added names. Past maxLookupLayers the layers over
// the full build are merged into one, and when that one grows to a quarter of the full
// build, all is built anew from the live names.
func (l *nearLookup) with(added []nameRec, st *nearState) *nearLookup {
	if l.depth >= maxLookupLayers {
		bottom := l
		var merged []nameRec
		for ; bottom.under != nil; bottom = bottom.under {
			merged = append(merged, bottom.recs...)
		}
		if len(merged)+len(added) > bottom.size/4 {
			var live []nameRec
			for _, i := range st.names {
				live = append(live, st.recs[i])
			}
			return newNearLookup(live)
		}
		l = newNearLookup(merged)
		l.under, l.depth, l.size = bottom, 1, bottom.size+l.size
	}
	top := newNearLookup(added)
	top.under, top.depth, top.size = l, l.depth+1, l.size+top.size
	return top
}

// candidates lists the keys of names that may pair with n, possibly with repeats.
func (l *nearLookup) candidates(n nameRec) []string {
	out := []string{n.key + "s"}
	if strings.HasSuffix(n.key, "s") {
		out = append(out, n.key[:len(n.key)-1])
	}
	var hashes []uint64
	if n.typo {
		eachVariant(n.bare, func(h uint64) { hashes = append(hashes, h) })
	}
	for layer := l; layer != nil; layer = layer.under {
		if n.skeleton != 0 {
			out = layer.appendMatches(out, layer.bySkeleton, n.skeleton)
		}
		for _, h := range hashes {
			out = layer.appendMatches(out, layer.byVariant, h)
		}
	}
	return out
}

// appendMatches appends the keys of the entries of table whose hash bits are h's.
func (l *nearLookup) appendMatches(out []string, table []uint64, h uint64) []string {
	const mask = 1<<nameBits - 1
	i, _ := slices.BinarySearch(table, h<<nameBits)
	for ; i < len(table) && table[i]>>nameBits == h<<nameBits>>nameBits; i++ {
		out = append(out, l.recs[table[i]&mask].key)
	}
	return out
}

// eachVariant calls f with the hash of s and of every string made by deleting one rune.
func eachVariant(s string, f func(uint64)) {
	f(maphash.String(seed, s))
	var buf []byte
	for at, r := range s {
		buf = append(append(buf[:0], s[:at]...), s[at+utf8.RuneLen(r):]...)
		f(maphash.Bytes(seed, buf))
	}
}

// computeNearDuplicates is the full pass over every name of the workspace.
func (s *Snapshot) computeNearDuplicates() *nearState {
	total := 0
	for _, fi := range s.files {
		total += fi.lastSeg.one.len()
	}
	names := make([]nameRec, 0, total)
	index := make(map[string]int32, total)
	var buf []byte
	// The distinct names of a file are the keys of its last-segment table; the first topic
	// recorded for a name is where the name first appears.
	for _, p := range s.paths {
		for key, topicKey := range s.files[p].lastSeg.one.all() {
			if _, ok := index[key]; ok {
				continue
			}
			rec, b := nameIn(s.files[p], key, topicKey, buf)
			buf = b
			index[key] = int32(len(names))
			names = append(names, rec)
		}
	}
	found := map[namePair]string{}
	report := func(a, b int, why string) {
		if names[a].bare == names[b].bare {
			return // the same name, or siblings that differ only in numbering
		}
		if _, ok := found[pairOf(names[a].key, names[b].key)]; !ok {
			found[pairOf(names[a].key, names[b].key)] = why
		}
	}
	// Same once spaces and punctuation are removed: every pair of a skeleton, found by
	// sorting the skeletons (the high bits of the hash over the name's index, as below).
	if len(names) >= 1<<nameBits {
		return &nearState{result: nearResult{}} // beyond sixteen million names: not attempted
	}
	skeletons := make([]uint64, 0, len(names))
	for i, n := range names {
		if n.skeleton != 0 {
			skeletons = append(skeletons, n.skeleton<<nameBits|uint64(i))
		}
	}
	radixSort(skeletons)
	for lo := 0; lo < len(skeletons); {
		hi := lo + 1
		for hi < len(skeletons) && skeletons[hi]>>nameBits == skeletons[lo]>>nameBits {
			hi++
		}
		for x := lo; x < hi; x++ {
			for y := x + 1; y < hi; y++ {
				a, b := int(skeletons[x]&(1<<nameBits-1)), int(skeletons[y]&(1<<nameBits-1))
				if names[a].skeleton == names[b].skeleton {
					report(a, b, reasonSkeleton)
				}
			}
		}
		lo = hi
	}
	// One edit apart, both long enough: names that share a one-deletion variant. The
	// variants are hashed into one flat table and sorted, which is far cheaper than a map
	// of lists at a million names. A variant packs the high bits of its hash above the
	// name's index; a false match of the hash bits only costs one distance computation.
	type variant = uint64
	count := 0
	for _, n := range names {
		if n.typo {
			count += len(n.bare) + 1 // bytes bound the runes
		}
	}
	variants := make([]variant, 0, count)
	for i, n := range names {
		if n.typo {
			eachVariant(n.bare, func(h uint64) { variants = append(variants, h<<nameBits|uint64(i)) })
		}
	}
	radixSort(variants)
	for lo := 0; lo < len(variants); {
		hi := lo + 1
		for hi < len(variants) && variants[hi]>>nameBits == variants[lo]>>nameBits {
			hi++
		}
		for x := lo; x < hi; x++ {
			for y := x + 1; y < hi; y++ {
				ia, ib := int(variants[x]&(1<<nameBits-1)), int(variants[y]&(1<<nameBits-1))
				if ia == ib {
					continue
				}
				a, b := names[ia], names[ib]
				if a.bare == b.bare || isPluralPair(a.bare, b.bare) || diffIsDigit(a.bare, b.bare) {
					continue
				}
				if oneEditApart(a.bare, b.bare) {
					report(ia, ib, reasonTypo)
				}
			}
		}
		lo = hi
	}
	// Singular and plural side by side: top-level or under one parent.
	for _, p := range s.paths {
		fi := s.files[p]
		for key, t := range fi.topics.all() {
			if !strings.HasSuffix(key, "s") || strings.HasSuffix(key, " -- s") || key == "s" {
				continue
			}
			if singular := key[:len(key)-1]; !s.hasTopic(singular) {
				continue
			}
			name := fi.ast.Line(int(t.first)).SegmentKey(int(t.seg))
			report(int(index[name[:len(name)-1]]), int(index[name]), reasonPlural)
		}
	}
	st := &nearState{names: index, recs: names, pairs: found,
		lookup: &nearLookup{recs: names, bySkeleton: skeletons, byVariant: variants, size: len(names)}}
	st.buildResult()
	return st
}

// diagnostic renders a finding of file fi against the snapshot's current trees.
func (n nearFinding) diagnostic(s *Snapshot, fi *fileIndex) Diagnostic {
	other := s.files[n.other]
	name := fi.ast.Line(int(n.line)).Segments[n.seg].Name
	oname := other.ast.Line(int(n.otherLine)).Segments[n.otherSeg].Name
	otherText := oname.Text(other.ast.LineText(int(n.otherLine)))
	return Diagnostic{
		Span:    name.In(fi.ast.Start(int(n.line))),
		Rule:    analysis.RuleNearDuplicate,
		Message: fmt.Sprintf("%q (%s) looks like the same name: %s", otherText, where(other, n.otherLine, fi), n.why),
		Related: []Related{{Path: n.other, Span: oname.In(other.ast.Start(int(n.otherLine))), Message: "the other spelling"}},
	}
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
