package index

import (
	"slices"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
)

// maxSuggestions bounds the "did you mean" list: more than three reads as noise.
const maxSuggestions = 3

// suggest returns the known names closest to key for a broken reference. Candidates are
// bucketed by length and by first or last rune, so a lookup compares a few hundred names,
// not the whole workspace: a typo rarely hits both ends of a word at once.
func (s *Snapshot) suggest(key string) []string {
	n := utf8.RuneCountInString(key)
	maxDist := 1
	if n >= 5 {
		maxDist = 2
	}
	if n >= 12 {
		maxDist = 3
	}
	first, _ := utf8.DecodeRuneInString(key)
	last, _ := utf8.DecodeLastRuneInString(key)
	type cand struct {
		text string
		dist int
	}
	var cands []cand
	seen := map[string]bool{}
	consider := func(k string) {
		if seen[k] {
			return
		}
		seen[k] = true
		m := utf8.RuneCountInString(k)
		if m < n-maxDist || m > n+maxDist {
			return
		}
		f, _ := utf8.DecodeRuneInString(k)
		l, _ := utf8.DecodeLastRuneInString(k)
		if f != first && l != last {
			return
		}
		if d := levenshtein.ComputeDistance(key, k); d <= maxDist {
			cands = append(cands, cand{k, d})
		}
	}
	for _, p := range s.paths {
		fi := s.files[p]
		for k := range fi.topics {
			consider(k)
		}
		for k := range fi.aliases {
			consider(k)
		}
		for k := range fi.lastSeg {
			consider(k)
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		if a.text < b.text {
			return -1
		}
		if a.text > b.text {
			return 1
		}
		return 0
	})
	var out []string
	for _, c := range cands {
		if len(out) == maxSuggestions {
			break
		}
		out = append(out, c.text)
	}
	return out
}
