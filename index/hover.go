package index

import (
	"slices"
	"strings"
)

// Hover describes the term under the cursor, or returns nil when nothing known is there.
func (s *Snapshot) Hover(path string, offset int) *HoverResult {
	keys, span := s.termUnder(path, offset)
	if len(keys) == 0 {
		return nil
	}
	h := s.describe(keys[0])
	h.Span = span
	return h
}

// describe gathers what the index knows of topic key.
func (s *Snapshot) describe(key string) *HoverResult {
	h := &HoverResult{Term: s.display(key), Key: key, RefCount: s.refCount(key)}
	for _, r := range s.topicRecs(key) {
		for _, a := range r.aliases() {
			if !slices.Contains(h.Aliases, a) {
				h.Aliases = append(h.Aliases, a)
			}
		}
	}
	h.Definitions = s.definitions(key)
	// A stub says nothing; it is shown only when the term has nothing else.
	if meaningful := slices.DeleteFunc(slices.Clone(h.Definitions), func(d Definition) bool {
		return d.Body == "" && len(d.URLs) == 0
	}); len(meaningful) > 0 {
		h.Definitions = meaningful
	}
	for _, d := range h.Definitions {
		for _, u := range d.URLs {
			if !slices.Contains(h.URLs, u) {
				h.URLs = append(h.URLs, u)
			}
		}
	}
	h.Children = s.childNames(key)
	return h
}

// definitions returns every entry whose whole path is key, in workspace order.
func (s *Snapshot) definitions(key string) []Definition {
	var out []Definition
	for _, r := range s.topicRecs(key) {
		f := r.fi.ast
		for _, ln := range r.entries() {
			l := f.Line(int(ln))
			text := f.LineText(int(ln))
			d := Definition{
				Location:  s.entryLocation(r.fi, int(ln), len(l.Segments)-1),
				Line:      int(ln),
				Separator: l.Sep.String(),
				Body:      l.Body.Text(text),
			}
			for _, u := range l.URLs {
				d.URLs = append(d.URLs, u.Text(text))
			}
			out = append(out, d)
		}
	}
	return out
}

// childNames lists the names of a topic's children, sorted case-insensitively.
func (s *Snapshot) childNames(key string) []string {
	var keys []string
	for _, r := range s.topicRecs(key) {
		keys = append(keys, r.children()...)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = s.lastName(k)
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return names
}

// refCount counts the lines whose references resolve to topic key: through the few
// reference keys that can name it, so that a hover costs the same whatever the number
// of references in the workspace. refTotals counts them all at once, for ranking.
func (s *Snapshot) refCount(key string) int {
	if s.refsCounted() {
		return s.refCounts[key]
	}
	n := 0
	for _, rk := range s.refKeysNaming([]string{key}) {
		for _, fi := range s.refFiles(rk) {
			n += fi.refs.count(rk)
		}
	}
	return n
}

// refsCounted reports whether refTotals has counted every topic's references already.
func (s *Snapshot) refsCounted() bool { return s.refsDone.Load() }

// refTotals counts, for every topic, the lines whose references resolve to it. It is
// computed once per snapshot.
func (s *Snapshot) refTotals() map[string]int {
	s.refOnce.Do(func() {
		s.refCounts = map[string]int{}
		count := func(rk string, lines int) {
			for _, k := range s.resolve(rk) {
				s.refCounts[k] += lines
			}
		}
		if s.tables != nil { // each key once, with the files that refer to it
			for rk, ids := range s.tables.refs.all() {
				lines := 0
				for _, id := range ids {
					lines += s.byID[id].refs.count(rk)
				}
				count(rk, lines)
			}
		} else if s.only != nil {
			for rk, n := range s.only.refs.counts() {
				count(rk, n)
			}
		}
		s.refsDone.Store(true)
	})
	return s.refCounts
}
