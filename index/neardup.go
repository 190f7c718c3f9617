package index

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"unicode"

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
	parent   string // the parent topic key at the first appearance
	letters  int
	skeleton string
}

// nearDuplicates finds pairs of segment names that are probably the same name written
// two ways, once per snapshot, without comparing every pair: names meet only when they
// share a skeleton, a one-deletion variant, or a parent.
func (s *Snapshot) nearDuplicates() map[string][]Diagnostic {
	s.global.Do(func() { s.nearDups = s.computeNearDuplicates() })
	return s.nearDups
}

func (s *Snapshot) computeNearDuplicates() map[string][]Diagnostic {
	var names []nameRec
	index := map[string]int{}
	for _, p := range s.paths {
		fi := s.files[p]
		f := fi.ast
		for i := range f.Lines {
			l := &f.Lines[i]
			for sg := range l.Segments {
				key := l.SegmentKey(sg)
				if _, ok := index[key]; ok {
					continue
				}
				parent := ""
				if sg > 0 {
					parent = l.TopicKey(sg - 1)
				}
				seg := l.Segments[sg]
				bare := key
				if n := seg.Ordinal.Len(); n > 0 {
					bare = strings.TrimLeft(key[n:], " ")
				}
				index[key] = len(names)
				names = append(names, nameRec{key: key, bare: bare, fi: fi, line: int32(i), seg: int16(sg),
					parent: parent, letters: countLetters(bare), skeleton: skeleton(bare)})
			}
		}
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
	bySkeleton := map[string]int{}
	for i, n := range names {
		if n.skeleton == "" {
			continue
		}
		if j, ok := bySkeleton[n.skeleton]; ok {
			report(j, i, "the same once spaces and punctuation are removed")
		} else {
			bySkeleton[n.skeleton] = i
		}
	}
	// One edit apart, both long enough: names that share a one-deletion variant.
	variants := map[uint64][]int32{}
	var buf []byte
	for i, n := range names {
		if n.letters < minTypoLetters {
			continue
		}
		k := n.bare
		variants[maphash.String(seed, k)] = append(variants[maphash.String(seed, k)], int32(i))
		for at, r := range k {
			buf = append(append(buf[:0], k[:at]...), k[at+len(string(r)):]...)
			h := maphash.Bytes(seed, buf)
			variants[h] = append(variants[h], int32(i))
		}
	}
	for _, ids := range variants {
		if len(ids) < 2 {
			continue
		}
		for x := 0; x < len(ids); x++ {
			for y := x + 1; y < len(ids); y++ {
				a, b := names[ids[x]], names[ids[y]]
				if a.bare == b.bare || isPluralPair(a.bare, b.bare) || diffIsDigit(a.bare, b.bare) {
					continue
				}
				if levenshtein.ComputeDistance(a.bare, b.bare) == 1 {
					report(int(ids[x]), int(ids[y]), "one letter apart")
				}
			}
		}
	}
	// Singular and plural side by side: top-level or under one parent.
	for _, p := range s.paths {
		fi := s.files[p]
		for key, t := range fi.topics {
			plural := key + "s"
			if fi.topics[plural] == nil && !s.hasTopic(plural) {
				continue
			}
			l := &fi.ast.Lines[t.first]
			a, b := index[l.SegmentKey(int(t.seg))], index[l.SegmentKey(int(t.seg))+"s"]
			report(a, b, "singular and plural of one name")
		}
	}
	out := map[string][]Diagnostic{}
	for pr, why := range found {
		a, b := names[pr.a], names[pr.b]
		out[a.fi.path] = append(out[a.fi.path], nearDiag(a, b, why))
		out[b.fi.path] = append(out[b.fi.path], nearDiag(b, a, why))
	}
	for _, ds := range out {
		slices.SortFunc(ds, func(x, y Diagnostic) int { return x.Span.Start - y.Span.Start })
	}
	return out
}

func nearDiag(n, other nameRec, why string) Diagnostic {
	otherLine := other.fi.ast
	name := n.fi.ast.Lines[n.line].Segments[n.seg].Name
	oname := otherLine.Lines[other.line].Segments[other.seg].Name
	otherText := oname.Text(otherLine.LineText(int(other.line)))
	loc := fmt.Sprintf("line %d", other.line+1)
	if other.fi != n.fi {
		loc = fmt.Sprintf("%s:%d", other.fi.path, other.line+1)
	}
	return Diagnostic{
		Span:    name.In(n.fi.ast.Starts[n.line]),
		Rule:    analysis.RuleNearDuplicate,
		Message: fmt.Sprintf("%q (%s) looks like the same name: %s", otherText, loc, why),
		Related: []Related{{Path: other.fi.path, Span: oname.In(otherLine.Starts[other.line]), Message: "the other spelling"}},
	}
}

func countLetters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// skeleton keeps only letters and digits.
func skeleton(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isPluralPair(a, b string) bool {
	return a+"s" == b || b+"s" == a
}

// diffIsDigit reports whether two names one edit apart differ in a digit (numbered
// siblings such as "learning 01" and "learning 02").
func diffIsDigit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	i := 0
	for i < len(ra) && i < len(rb) && ra[i] == rb[i] {
		i++
	}
	digit := func(rs []rune) bool { return i < len(rs) && unicode.IsDigit(rs[i]) }
	return digit(ra) || digit(rb)
}
