package index

import (
	"slices"

	"github.com/notesls/notesls/analysis"
)

// Definition returns the entries that define the term under the cursor, and the span
// that names it. On a reference: the target's entries; on a path segment: the entries of
// that topic (its first line when none defines it exactly); in a body: the longest known
// term there.
func (s *Snapshot) Definition(path string, offset int) (origin analysis.Span, targets []Location) {
	keys, span := s.termUnder(path, offset)
	for _, k := range keys {
		targets = append(targets, s.definingLines(k)...)
	}
	return span, targets
}

// References returns every reference in the workspace that resolves to the term under
// the cursor.
func (s *Snapshot) References(path string, offset int) []Location {
	keys, _ := s.termUnder(path, offset)
	if len(keys) == 0 {
		return nil
	}
	var out []Location
	for _, p := range s.paths {
		other := s.files[p]
		for rk, lines := range other.refs.all() {
			resolved := s.resolve(rk)
			if !slices.ContainsFunc(keys, func(k string) bool { return slices.Contains(resolved, k) }) {
				continue
			}
			for _, l := range lines {
				for _, r := range other.ast.Line(int(l)).Refs() {
					if r.Key == rk {
						sp := r.Span.In(other.ast.Start(int(l)))
						out = append(out, Location{Path: p, Span: sp, Selection: sp})
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Location) int {
		if a.Path != b.Path {
			if a.Path < b.Path {
				return -1
			}
			return 1
		}
		return a.Span.Start - b.Span.Start
	})
	return slices.CompactFunc(out, func(a, b Location) bool { return a == b })
}
