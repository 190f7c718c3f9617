package index

import "github.com/notesls/notesls/analysis"

// A LookupMatch is one term a lookup found, with the references to it.
type LookupMatch struct {
	*HoverResult
	References []Location
}

// Lookup finds a term by name, as `notesls lookup` asks: the topics it names (a path,
// an alias or a last segment, as a reference resolves); when none, the closest known
// terms (a typo or two away, as a broken reference's suggestions), with exact false.
func (s *Snapshot) Lookup(term string) (matches []LookupMatch, exact bool) {
	key := analysis.PathKey([]byte(term))
	topics := s.resolve(key)
	exact = len(topics) > 0
	if !exact {
		for _, near := range s.suggest(key) {
			topics = append(topics, s.resolve(analysis.PathKey([]byte(near)))...)
		}
	}
	seen := map[string]bool{}
	for _, k := range topics {
		if seen[k] || !s.hasTopic(k) {
			continue
		}
		seen[k] = true
		matches = append(matches, LookupMatch{HoverResult: s.describe(k), References: s.referencesTo([]string{k})})
	}
	return matches, exact
}
