package index

import (
	"maps"
	"slices"
	"sync/atomic"

	"github.com/notesls/notesls/analysis"
)

// dupEntry is a duplicate finding of a file: line ln repeats line fl of other, or of the
// file itself when other is nil.
type dupEntry struct {
	ln, fl int32
	other  *fileIndex
}

// dupLists are a file's duplicate lines and duplicate definitions, each in line order,
// as found in snapshot seq. A file's duplicates depend on its own lines and on the files
// before it.
type dupLists struct {
	lines, defs []dupEntry
	seq         uint64
}

// dupState holds a file's duplicates, found when first asked: from the previous
// version's when every change since those were found edited this file only, or in full.
// A messy file of 100,000 lines has 10,000 lines with an earlier copy, and comparing each
// again took a sixth of a keystroke's findings.
type dupState struct {
	lazy[dupLists]
	prev    *dupState      // the previous version's, until used
	prevAST *analysis.File // the previous version's lines
	change  lineChange     // the edit since prev
	// newest are the lists of the latest snapshot asked that shares this version with
	// the one that found them, when later than those.
	newest atomic.Pointer[dupLists]
}

// editRecord is one change that made a snapshot, an edit of lines of one file: what a
// file after it needs to carry its duplicates over the change.
type editRecord struct {
	seq    uint64 // of the snapshot it made
	path   string
	change lineChange
	hashes changedHashes // of the lines it removed and added
}

// maxEditRecords bounds the edits a snapshot keeps: lists older than these are found
// again in full.
const maxEditRecords = 64

// nextDupState is the state of the version after edit c of fi.
func (fi *fileIndex) nextDupState(c *lineChange) *dupState {
	next := &dupState{}
	if fi.dups.done.Load() { // linked only to lists already found, as sortState is
		next.prev, next.prevAST, next.change = fi.dups, fi.ast, *c
	}
	return next
}

// latest returns the lists of the latest snapshot, up to seq, that st knows.
func (st *dupState) latest(seq uint64) dupLists {
	lists := st.val
	if n := st.newest.Load(); n != nil && n.seq > lists.seq && n.seq <= seq {
		lists = *n
	}
	return lists
}

// keep records lists as st's newest, unless a later snapshot's are.
func (st *dupState) keep(lists dupLists) {
	for {
		n := st.newest.Load()
		if n != nil && n.seq >= lists.seq || st.newest.CompareAndSwap(n, &lists) {
			return
		}
	}
}

// dupListsOf returns fi's duplicates in snapshot s.
func (s *Snapshot) dupListsOf(fi *fileIndex) dupLists {
	st := fi.dups
	st.get(func() dupLists {
		prev, prevAST := st.prev, st.prevAST
		st.prev, st.prevAST = nil, nil // run once, by the one computing: the previous version can go
		if prev != nil && prev.done.Load() {
			// The one edit of fi since lists is the one that made this version; edits of
			// other files may have come between (typing in a small file, then Enter here).
			lists := prev.latest(s.seq)
			if edits, ok := s.editsSince(lists.seq); ok && countFunc(edits, func(e editRecord) bool { return e.path == fi.path }) == 1 {
				return s.dupsAfter(fi, lists, prevAST, &st.change, elsewhere(fi, edits))
			}
		}
		return s.dupsInFull(fi)
	})
	lists := st.latest(s.seq)
	switch {
	case lists.seq == s.seq || s.onlyEditedAfter(fi, lists.seq):
		return lists
	case lists.seq < s.seq:
		if carried, ok := s.dupsAcross(fi, lists); ok {
			st.keep(carried)
			return carried
		}
	}
	// Found in another snapshot that shares the file: the files before it may differ.
	lists = s.dupsInFull(fi)
	st.keep(lists)
	return lists
}

// dupsAcross carries fi's duplicates, found in snapshot lists.seq, over the edits since,
// when s records them all and each edited another file: a line's finding can change only
// when an edit of a file before fi removed or added a line of its hash. The others keep
// theirs, moved with the lines of the file they repeat. Typing in a small file before a
// messy file of 100,000 lines found the messy file's 60,000 duplicates again on each of
// its republishes (84-103 ms, BenchmarkTypingBesideMessyShown/before).
func (s *Snapshot) dupsAcross(fi *fileIndex, lists dupLists) (dupLists, bool) {
	edits, ok := s.editsSince(lists.seq)
	if !ok || slices.ContainsFunc(edits, func(e editRecord) bool { return e.path == fi.path }) {
		return dupLists{}, false
	}
	x := elsewhere(fi, edits)
	lists.seq = s.seq
	if len(x.moved) == 0 {
		return lists, true
	}
	dirty := fi.linesOfHashes(x.lineHashes, x.defHashes)
	touched := func(e dupEntry) bool { return dirty[e.ln] || e.other != nil && x.moved[e.other.path] }
	if len(dirty) == 0 && !slices.ContainsFunc(lists.lines, touched) && !slices.ContainsFunc(lists.defs, touched) {
		return lists, true
	}
	carry := func(list []dupEntry) []dupEntry {
		out := make([]dupEntry, 0, len(list))
		for _, e := range list {
			if !dirty[e.ln] {
				out = append(out, x.repoint(s, e))
			}
		}
		return out
	}
	redo := slices.Sorted(maps.Keys(dirty))
	lines := mergeSorted(carry(lists.lines), s.dupEntries(fi, s.laterCopiesAmong(fi, redo, &fi.lineHash, pickLines, lineHashOf), false, nil), compareDupLines)
	defs := mergeSorted(carry(lists.defs), s.dupEntries(fi, s.laterCopiesAmong(fi, redo, &fi.defHash, pickDefs, defHashOf), true, lines), compareDupLines)
	return dupLists{lines: lines, defs: defs, seq: s.seq}, true
}

// editsSince returns the edits that made the snapshots after seq up to s, when s
// records them all.
func (s *Snapshot) editsSince(seq uint64) ([]editRecord, bool) {
	if seq >= s.seq || len(s.edits) == 0 || s.edits[0].seq > seq+1 {
		return nil, false
	}
	return s.edits[seq+1-s.edits[0].seq:], true
}

// editsElsewhere are what edits of other files than fi change of fi's duplicates: the
// hashes of the lines that the edits of files before fi removed or added, and those
// files, whose lines moved.
type editsElsewhere struct {
	lineHashes, defHashes map[uint64]bool
	moved                 map[string]bool
	edits                 []editRecord
}

// elsewhere collects the edits of files before fi; fi's own are left to its caller.
func elsewhere(fi *fileIndex, edits []editRecord) editsElsewhere {
	x := editsElsewhere{lineHashes: map[uint64]bool{}, defHashes: map[uint64]bool{}, moved: map[string]bool{}, edits: edits}
	for _, e := range edits {
		if e.path >= fi.path {
			continue
		}
		x.moved[e.path] = true
		for _, h := range e.hashes.lines {
			x.lineHashes[h] = true
		}
		for _, h := range e.hashes.defs {
			x.defHashes[h] = true
		}
	}
	return x
}

// repoint moves an entry that repeats a line of an edited file with that line, and has
// it name the file's current version. The line kept its hash, or the entry would have
// been looked at again: it only moved.
func (x *editsElsewhere) repoint(s *Snapshot, e dupEntry) dupEntry {
	if e.other == nil || !x.moved[e.other.path] {
		return e
	}
	for _, ed := range x.edits {
		if ed.path == e.other.path && int(e.fl) >= ed.change.OldTo {
			e.fl += int32(ed.change.To - ed.change.OldTo)
		}
	}
	e.other = s.file(e.other.path)
	return e
}

// linesOfHashes returns the lines of fi that hold a line of lineHashes or a definition
// of defHashes.
func (fi *fileIndex) linesOfHashes(lineHashes, defHashes map[uint64]bool) map[int32]bool {
	out := map[int32]bool{}
	for h := range lineHashes {
		for _, l := range fi.lineHash.lines(h) {
			out[l] = true
		}
	}
	for h := range defHashes {
		for _, l := range fi.defHash.lines(h) {
			out[l] = true
		}
	}
	return out
}

// laterCopiesAmong lists the lines of redo, in order, whose hash in table has an earlier
// line: in fi, or in a file before it. It is laterCopies for some lines.
func (s *Snapshot) laterCopiesAmong(fi *fileIndex, redo []int32, table *lineTable[uint64], pick func(*keyTables) *holderTable[uint64], hashOf func(*analysis.File, int, *[]byte) (uint64, bool)) []lineCopy {
	var norm []byte
	var out []lineCopy
	for _, ln := range redo {
		if h, ok := hashOf(fi.ast, int(ln), &norm); ok && s.isLaterCopy(fi, table, pick, h, ln) {
			out = append(out, lineCopy{ln, h})
		}
	}
	return out
}

// onlyEditedAfter reports whether every change after snapshot seq, up to s, edited one
// file that comes after fi in workspace order. fi's duplicates depend on fi and the files
// before it only, so those found at seq still hold: a keystroke in a small file made a
// messy file of 100,000 lines before it, republished for a name both hold, find its
// duplicates again (50 ms of the 100 its findings took, BenchmarkTypingBesideMessyShown).
// The edits a snapshot records tell the same for the last maxEditRecords; this holds for
// a run of edits of one file however long, while the file before it is not asked.
func (s *Snapshot) onlyEditedAfter(fi *fileIndex, seq uint64) bool {
	return seq < s.seq && s.soloPath > fi.path && s.soloSince <= seq+1
}

// dupsInFull finds fi's duplicates: every line with an earlier line of its hash, in fi or
// in a file before it, compared with those lines.
func (s *Snapshot) dupsInFull(fi *fileIndex) dupLists {
	var lineEarlier, defEarlier func(uint64) bool
	if s.tables != nil {
		lineEarlier = func(h uint64) bool { return heldBefore(s, pickLines, h, fi) }
		defEarlier = func(h uint64) bool { return heldBefore(s, pickDefs, h, fi) }
	}
	lines := s.dupEntries(fi, laterCopies(fi, byLine, lineEarlier, s.filesBefore(fi)), false, nil)
	defs := s.dupEntries(fi, laterCopies(fi, byDef, defEarlier, s.filesBefore(fi)), true, lines)
	return dupLists{lines: lines, defs: defs, seq: s.seq}
}

// dupEntries compares the candidates, in line order, with the earlier lines of their
// hashes: as lines, or as definitions when defs, leaving out the lines of dupLines (a
// duplicate line repeats its definition too: it is reported once).
func (s *Snapshot) dupEntries(fi *fileIndex, cands []lineCopy, defs bool, dupLines []dupEntry) []dupEntry {
	var want, scratch []byte
	var out []dupEntry
	for _, c := range cands {
		if _, isDup := slices.BinarySearchFunc(dupLines, c.ln, func(e dupEntry, l int32) int { return int(e.ln - l) }); isDup {
			continue
		}
		if e, ok := s.dupOf(fi, c.ln, c.h, defs, &want, &scratch); ok {
			out = append(out, e)
		}
	}
	return out
}

// dupsAfter derives fi's duplicates from those of the version before edit c, whose lines
// were old: a line's finding can change only when the edit removed or added a line of its
// hash, or the line itself. The others only move. x are the edits of other files since
// prev, whose lines of touched hashes are looked at again too.
func (s *Snapshot) dupsAfter(fi *fileIndex, prev dupLists, old *analysis.File, c *lineChange, x editsElsewhere) dupLists {
	var norm []byte
	lineHashes, defHashes := map[uint64]bool{}, map[uint64]bool{}
	note := func(f *analysis.File, from, to int) {
		for i := from; i < to; i++ {
			if h, ok := lineHashOf(f, i, &norm); ok {
				lineHashes[h] = true
			}
			if h, ok := defHashOf(f, i, &norm); ok {
				defHashes[h] = true
			}
		}
	}
	note(old, c.From, c.OldTo)
	note(fi.ast, c.From, c.To)
	maps.Copy(lineHashes, x.lineHashes)
	maps.Copy(defHashes, x.defHashes)
	dirty := fi.linesOfHashes(lineHashes, defHashes)
	for i := c.From; i < c.To; i++ {
		dirty[int32(i)] = true
	}
	redo := slices.Sorted(maps.Keys(dirty))
	delta, from, oldTo := int32(c.To-c.OldTo), int32(c.From), int32(c.OldTo)
	// kept are prev's entries of the lines not looked at again, moved.
	kept := func(list []dupEntry) []dupEntry {
		out := make([]dupEntry, 0, len(list))
		for _, e := range list {
			if e.ln >= from && e.ln < oldTo {
				continue
			}
			if e.ln >= oldTo {
				e.ln += delta
			}
			if e.other == nil && e.fl >= oldTo {
				e.fl += delta
			}
			if !dirty[e.ln] {
				out = append(out, x.repoint(s, e))
			}
		}
		return out
	}
	lines := mergeSorted(kept(prev.lines), s.dupEntries(fi, s.laterCopiesAmong(fi, redo, &fi.lineHash, pickLines, lineHashOf), false, nil), compareDupLines)
	defs := mergeSorted(kept(prev.defs), s.dupEntries(fi, s.laterCopiesAmong(fi, redo, &fi.defHash, pickDefs, defHashOf), true, lines), compareDupLines)
	return dupLists{lines: lines, defs: defs, seq: s.seq}
}

func compareDupLines(a, b dupEntry) int { return int(a.ln - b.ln) }

// isLaterCopy reports whether line ln of fi, of hash h in table, has an earlier line of
// that hash: in fi, or in a file before it.
func (s *Snapshot) isLaterCopy(fi *fileIndex, table *lineTable[uint64], pick func(*keyTables) *holderTable[uint64], h uint64, ln int32) bool {
	if first, ok := table.firstLine(h); ok && first != ln {
		return true
	}
	return heldBefore(s, pick, h, fi)
}

// dupOf compares line ln of fi, of hash h, with the earlier lines of that hash: as lines,
// or as definitions when defs.
func (s *Snapshot) dupOf(fi *fileIndex, ln int32, h uint64, defs bool, want, scratch *[]byte) (dupEntry, bool) {
	holders, table, norm := s.lineFiles(h), byLine, normalizer(appendLineNormalized)
	if defs {
		holders, table, norm = s.defFiles(h), byDef, appendDefNormalized
	}
	first, fl, ok := firstEqual(holders, fi, ln, h, want, table, norm, scratch)
	if !ok {
		return dupEntry{}, false
	}
	e := dupEntry{ln: ln, fl: fl, other: first}
	if first == fi {
		e.other = nil
	}
	return e, true
}

func byLine(x *fileIndex) *lineTable[uint64] { return &x.lineHash }
func byDef(x *fileIndex) *lineTable[uint64]  { return &x.defHash }

func countFunc[E any](s []E, f func(E) bool) int {
	n := 0
	for _, e := range s {
		if f(e) {
			n++
		}
	}
	return n
}
