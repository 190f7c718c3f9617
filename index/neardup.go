package index

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
	"github.com/notesls/notesls/analysis"
)

// minTypoLetters is the length from which two names one edit apart count as a typo:
// shorter names one edit apart are usually different words (mttd/mttr, base/hbase).
const minTypoLetters = 8

// nameRec is a distinct segment name (by key) and where it first appears.
type nameRec struct {
	key      string // the segment key
	bare     string // the key without its ordinal prefix
	fi       *fileIndex
	line     int32
	seg      int16
	letters  int32
	skeleton uint64 // hash of the letters and digits; 0 when there are none
}

// nearDuplicates finds pairs of segment names that are probably the same name written
// two ways, once per snapshot, without comparing every pair: names meet only when they
// share a skeleton, a one-deletion variant, or a parent.
func (s *Snapshot) nearDuplicates() nearResult {
	return s.near.get(s.computeNearDuplicates)
}

// nearResult holds the near-duplicate findings by path. It names lines, not offsets, so a
// later snapshot whose edits kept every path can use it as it is.
type nearResult map[string][]nearFinding

type nearFinding struct {
	line      int32
	seg       int16
	other     string // the other name's path
	otherLine int32
	otherSeg  int16
	why       string
}

func (s *Snapshot) computeNearDuplicates() nearResult {
	total := 0
	for _, fi := range s.files {
		total += len(fi.lastSeg.one)
	}
	names := make([]nameRec, 0, total)
	index := make(map[string]int, total)
	var skelBuf []byte
	// The distinct names of a file are the keys of its last-segment table; the first topic
	// recorded for a name is where the name first appears.
	for _, p := range s.paths {
		fi := s.files[p]
		for key, topicKey := range fi.lastSeg.one {
			if _, ok := index[key]; ok {
				continue
			}
			t := fi.topics[topicKey]
			seg := fi.ast.Lines[t.first].Segments[t.seg]
			bare := key
			if n := seg.Ordinal.Len(); n > 0 {
				bare = strings.TrimLeft(key[n:], " ")
			}
			index[key] = len(names)
			letters, skel := skeleton(bare, skelBuf[:0])
			skelBuf = skel
			var skelHash uint64
			if len(skel) > 0 {
				skelHash = maphash.Bytes(seed, skel)
			}
			names = append(names, nameRec{key: key, bare: bare, fi: fi, line: t.first, seg: t.seg,
				letters: int32(letters), skeleton: skelHash})
		}
	}
	// Map order is random; workspace order makes the findings the same on every run.
	order := make(map[*fileIndex]int, len(s.paths))
	for i, p := range s.paths {
		order[s.files[p]] = i
	}
	slices.SortFunc(names, func(a, b nameRec) int {
		if c := cmp.Compare(order[a.fi], order[b.fi]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.line, b.line); c != 0 {
			return c
		}
		return cmp.Compare(a.seg, b.seg)
	})
	for i, n := range names {
		index[n.key] = i
	}
	type pair struct{ a, b int }
	found := map[pair]string{}
	report := func(a, b int, why string) {
		if a == b || names[a].bare == names[b].bare {
			return // the same name, or siblings that differ only in numbering
		}
		if a > b {
			a, b = b, a
		}
		if _, ok := found[pair{a, b}]; !ok {
			found[pair{a, b}] = why
		}
	}
	// Same once spaces and punctuation are removed.
	bySkeleton := make(map[uint64]int, len(names))
	for i, n := range names {
		if n.skeleton == 0 {
			continue
		}
		if j, ok := bySkeleton[n.skeleton]; ok {
			report(j, i, "the same once spaces and punctuation are removed")
		} else {
			bySkeleton[n.skeleton] = i
		}
	}
	// One edit apart, both long enough: names that share a one-deletion variant. The
	// variants are hashed into one flat table and sorted, which is far cheaper than a map
	// of lists at a million names.
	// A variant packs the high bits of its hash above the name's index; a false match of
	// the hash bits only costs one distance computation.
	type variant = uint64
	const nameBits = 24
	if len(names) >= 1<<nameBits {
		return nil // beyond sixteen million names the pass would not fit in memory anyway
	}
	pack := func(h uint64, i int) variant { return h<<nameBits | uint64(i) }
	count := 0
	for _, n := range names {
		if n.letters >= minTypoLetters {
			count += len(n.bare) + 1 // bytes bound the runes
		}
	}
	variants := make([]variant, 0, count)
	var buf []byte
	for i, n := range names {
		if n.letters < minTypoLetters {
			continue
		}
		k := n.bare
		variants = append(variants, pack(maphash.String(seed, k), i))
		for at, r := range k {
			buf = append(append(buf[:0], k[:at]...), k[at+utf8.RuneLen(r):]...)
			variants = append(variants, pack(maphash.Bytes(seed, buf), i))
		}
	}
	slices.Sort(variants)
	for lo := 0; lo < len(variants); {
		hi := lo + 1
		for hi < len(variants) && variants[hi]>>nameBits == variants[lo]>>nameBits {
			hi++
		}
		for x := lo; x < hi; x++ {
			for y := x + 1; y < hi; y++ {
				ia, ib := int32(variants[x]&(1<<nameBits-1)), int32(variants[y]&(1<<nameBits-1))
				if ia == ib {
					continue
				}
				a, b := names[ia], names[ib]
				if a.bare == b.bare || isPluralPair(a.bare, b.bare) || diffIsDigit(a.bare, b.bare) {
					continue
				}
				if levenshtein.ComputeDistance(a.bare, b.bare) == 1 {
					report(int(ia), int(ib), "one letter apart")
				}
			}
		}
		lo = hi
	}
	// Singular and plural side by side: top-level or under one parent.
	for _, p := range s.paths {
		fi := s.files[p]
		for key, t := range fi.topics {
			if !strings.HasSuffix(key, "s") || strings.HasSuffix(key, " -- s") || key == "s" {
				continue
			}
			if singular := key[:len(key)-1]; !s.hasTopic(singular) {
				continue
			}
			name := fi.ast.Lines[t.first].SegmentKey(int(t.seg))
			report(index[name[:len(name)-1]], index[name], "singular and plural of one name")
		}
	}
	out := nearResult{}
	for pr, why := range found {
		a, b := names[pr.a], names[pr.b]
		out[a.fi.path] = append(out[a.fi.path], nearFinding{a.line, a.seg, b.fi.path, b.line, b.seg, why})
		out[b.fi.path] = append(out[b.fi.path], nearFinding{b.line, b.seg, a.fi.path, a.line, a.seg, why})
	}
	return out
}

// diagnostic renders a finding of file fi against the snapshot's current trees.
func (n nearFinding) diagnostic(s *Snapshot, fi *fileIndex) Diagnostic {
	other := s.files[n.other]
	name := fi.ast.Lines[n.line].Segments[n.seg].Name
	oname := other.ast.Lines[n.otherLine].Segments[n.otherSeg].Name
	otherText := oname.Text(other.ast.LineText(int(n.otherLine)))
	return Diagnostic{
		Span:    name.In(fi.ast.Starts[n.line]),
		Rule:    analysis.RuleNearDuplicate,
		Message: fmt.Sprintf("%q (%s) looks like the same name: %s", otherText, where(other, n.otherLine, fi), n.why),
		Related: []Related{{Path: n.other, Span: oname.In(other.ast.Starts[n.otherLine]), Message: "the other spelling"}},
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
