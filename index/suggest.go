package index

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
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

// suggestIndex is built once per snapshot, on the first broken reference, and kept by
// later snapshots while the names stay the same; so are the answers it gave.
type suggestIndex struct {
	buckets map[suggestBucket][]string
	answers *sync.Map // key -> []string
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
	layer := suggestIndex{buckets: map[suggestBucket][]string{}, answers: &sync.Map{}, under: &base, depth: base.depth + 1}
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
	merged := suggestIndex{buckets: map[suggestBucket][]string{}, answers: idx.answers, under: bottom, depth: 1}
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
	if paths {
		return s.suggestPaths.get(func() suggestIndex { return s.buildSuggestIndex(true) })
	}
	return s.suggestNames.get(func() suggestIndex { return s.buildSuggestIndex(false) })
}

// Prepare builds ahead of need what a request would otherwise wait for, for a caller
// that has time now (a server after indexing, or once diagnostics are out): the
// suggestion indexes, which the first broken reference typed would wait for and which
// later snapshots layer over only once they exist, and the workspace's term list for "[["
// completion, which a change of paths makes anew. Each takes tens of milliseconds at
// 100,000 lines, and nothing when already built.
func (s *Snapshot) Prepare() {
	s.suggestions(false)
	s.suggestions(true)
	s.termList()
}

func (s *Snapshot) buildSuggestIndex(paths bool) suggestIndex {
	idx := suggestIndex{buckets: map[suggestBucket][]string{}, answers: &sync.Map{}}
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			idx.add(k)
		}
	}
	if s.tables != nil { // the workspace tables hold each key once
		if paths {
			for k := range s.tables.topics.all() {
				idx.add(k)
			}
			return idx
		}
		for k := range s.tables.aliases.all() {
			idx.add(k)
		}
		for k := range s.tables.names.all() {
			if !s.tables.aliases.has(k) {
				idx.add(k)
			}
		}
		return idx
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

// suggest returns the known names closest to key for a broken reference. Candidates come
// from buckets of similar length that share the first two or the last two runes, so a
// lookup compares a few names, not the whole workspace: a typo or two rarely hits both
// ends of a name at once.
func (s *Snapshot) suggest(key string) []string {
	paths := strings.Contains(key, " -- ")
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
	n := utf8.RuneCountInString(key)
	maxDist := suggestDistance(n)
	first, last := ends(key)
	type cand struct {
		text string
		dist int
	}
	var cands []cand
	for _, k := range extra {
		cands = append(cands, cand{k, levenshtein.ComputeDistance(key, k)})
	}
	for layer := &idx; layer != nil && layer != until; layer = layer.under {
		for m := n - maxDist; m <= n+maxDist; m++ {
			for _, b := range []suggestBucket{{first, false, m}, {last, true, m}} {
				for _, k := range layer.buckets[b] {
					if d := levenshtein.ComputeDistance(key, k); d <= maxDist && known(k) {
						cands = append(cands, cand{k, d})
					}
				}
			}
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return strings.Compare(a.text, b.text)
	})
	cands = slices.CompactFunc(cands, func(a, b cand) bool { return a.text == b.text })
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
