package index

import (
	"slices"
	"strings"

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
	return s.referencesTo(keys)
}

// ReferencesTo lists every reference that resolves to topic key, in file and offset
// order: what a hover's RefCount counts, without finding the term again.
func (s *Snapshot) ReferencesTo(key string) []Location { return s.referencesTo([]string{key}) }

// referencesTo lists every reference that resolves to one of the topic keys, in file
// and offset order.
func (s *Snapshot) referencesTo(keys []string) []Location {
	if len(keys) == 0 {
		return nil
	}
	var out []Location
	for _, rk := range s.refKeysNaming(keys) {
		for _, other := range s.refFiles(rk) {
			for _, l := range other.refs.lines(rk) {
				for _, r := range other.ast.Line(int(l)).Refs() {
					if r.Key == rk {
						sp := r.Span.In(other.ast.Start(int(l)))
						out = append(out, Location{Path: other.path, Span: sp, Selection: sp})
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

// refKeysNaming lists the reference keys that resolve to any of the topics: a reference
// names a topic by its full path, an alias or its last segment, so those are the only
// keys to look up, whatever the workspace's size.
func (s *Snapshot) refKeysNaming(topics []string) []string {
	var out []string
	for _, k := range topics {
		out = s.appendKeysNaming(out, k)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// appendKeysNaming appends to out the reference keys that resolve to topic k, possibly
// repeated. Resolution tries a path, then an alias, then a last segment, and the first
// kind that exists decides, so k's own path, aliases and last segments are decided by
// whether a topic or an alias of that key exists: asking resolve instead lists every
// topic a shared last segment names, which made counting the references of the
// thousand topics named "overview" a million steps.
func (s *Snapshot) appendKeysNaming(out []string, k string) []string {
	recs := s.topicRecs(k)
	if len(recs) == 0 {
		return out // not a topic: nothing resolves to it
	}
	out = append(out, k)
	for _, r := range recs {
		for _, a := range r.aliases() {
			if ak := analysis.NameKey([]byte(a)); !s.hasTopic(ak) {
				out = append(out, ak)
			}
		}
		name := r.fi.ast.Line(int(r.t.first)).SegmentKey(int(r.t.seg))
		if name != k && !s.hasTopic(name) && !s.hasAlias(name) {
			out = append(out, name)
		}
	}
	return out
}

// Uses returns every place in the workspace that uses the term under the cursor: the
// references that resolve to it (by path, alias or name, hard or soft), and the lines
// whose path runs through it (its descendants' entries, at its segment). With
// includeDeclaration, its defining lines too. In file and offset order.
func (s *Snapshot) Uses(path string, offset int, includeDeclaration bool) []Location {
	keys, _ := s.termUnder(path, offset)
	out := append(s.References(path, offset), s.pathUses(keys, "")...)
	if includeDeclaration {
		for _, k := range keys {
			out = append(out, s.definingLines(k)...)
		}
	}
	return sortLocations(out)
}

// PathUses returns the places in file inPath where the term under the cursor is a
// segment of a longer path: its descendants' entries, at its segment.
func (s *Snapshot) PathUses(path string, offset int, inPath string) []Location {
	keys, _ := s.termUnder(path, offset)
	return sortLocations(s.pathUses(keys, inPath))
}

// pathUses lists the descendants' entries of keys at their segment, in file only (every
// file when only is "").
func (s *Snapshot) pathUses(keys []string, only string) []Location {
	var out []Location
	for _, k := range keys {
		seg := strings.Count(k, " -- ")
		for _, d := range s.descendants(k)[1:] {
			for _, fi := range s.topicFiles(d) {
				if only != "" && fi.path != only {
					continue
				}
				for _, ln := range fi.entryLines(d) {
					out = append(out, s.entryLocation(fi, ln, seg))
				}
			}
		}
	}
	return out
}

// sortLocations orders locations by file and offset, each place once.
func sortLocations(out []Location) []Location {
	slices.SortFunc(out, func(a, b Location) int {
		if a.Path != b.Path {
			return strings.Compare(a.Path, b.Path)
		}
		return a.Selection.Start - b.Selection.Start
	})
	return slices.CompactFunc(out, func(a, b Location) bool { return a.Path == b.Path && a.Selection == b.Selection })
}

// Suggestions returns, for a [[reference]] under the cursor that resolves to nothing,
// its target as written and the known terms closest to it (what its broken-reference
// finding suggests); ok is false on anything else.
func (s *Snapshot) Suggestions(path string, offset int) (target analysis.Span, terms []string, ok bool) {
	fi := s.file(path)
	if fi == nil || fi.ast.NumLines() == 0 {
		return analysis.Span{}, nil, false
	}
	ln := fi.ast.LineAt(offset)
	start := fi.ast.Start(ln)
	for _, r := range fi.ast.Line(ln).Refs() {
		if sp := r.Span.In(start); sp.Contains(offset) && r.Key != "" && !r.Soft && !s.resolves(r.Key) {
			return r.Target.In(start), s.suggest(r.Key), true
		}
	}
	return analysis.Span{}, nil, false
}
