package index

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/notesls/notesls/analysis"
)

// A RenameTarget is the topic a rename at a position would rename: the path up to the
// segment under the cursor.
type RenameTarget struct {
	Key  string        // the topic's key
	Name string        // the segment as written there
	Span analysis.Span // the segment's name in the file
	seg  int           // the segment's index in its path
}

// PrepareRename finds the topic under the cursor: a segment of a line's path, or a
// segment of a reference that names one topic (by its path or by its name), as F2 on a
// use renames the thing used in any editor. ok is false on anything else (a body word, an
// alias, a reference that names no topic or several, a blank line).
func (s *Snapshot) PrepareRename(path string, offset int) (RenameTarget, bool) {
	fi := s.file(path)
	if fi == nil || fi.ast.NumLines() == 0 {
		return RenameTarget{}, false
	}
	ln := fi.ast.LineAt(offset)
	l := fi.ast.Line(ln)
	start := fi.ast.Start(ln)
	for i, seg := range l.Segments {
		name := seg.Name().In(start)
		if name.Contains(offset) {
			return RenameTarget{Key: l.TopicKey(i), Name: string(fi.ast.Text.Slice(name.Start, name.End)), Span: name, seg: i}, true
		}
	}
	for _, r := range l.Refs() {
		if target := r.Target.In(start); target.Contains(offset) || target.End == offset {
			return s.referenceTarget(fi.ast.Text.Slice(target.Start, target.End), target.Start, r.Key, offset)
		}
	}
	return RenameTarget{}, false
}

// referenceTarget is the rename target of a reference whose target text starts at
// offset base: with its full path, the segment under the cursor; by a name that one topic
// ends with, that topic.
func (s *Snapshot) referenceTarget(target []byte, base int, key string, offset int) (RenameTarget, bool) {
	if s.hasTopic(key) {
		keys := strings.Split(key, " -- ")
		for i := range keys {
			sp, ok := segmentOf(target, i, false)
			if !ok {
				break
			}
			if sp.Start+base <= offset && offset <= sp.End+base {
				return RenameTarget{Key: strings.Join(keys[:i+1], " -- "), Name: string(target[sp.Start:sp.End]),
					Span: analysis.Span{Start: base + sp.Start, End: base + sp.End}, seg: i}, true
			}
		}
		return RenameTarget{}, false
	}
	if s.hasAlias(key) {
		return RenameTarget{}, false // an alias is a name of its own, renamed where it is written
	}
	topics := s.resolve(key)
	if len(topics) != 1 {
		return RenameTarget{}, false
	}
	sp, _ := segmentOf(target, 0, true)
	return RenameTarget{Key: topics[0], Name: string(target[sp.Start:sp.End]),
		Span: analysis.Span{Start: base + sp.Start, End: base + sp.End}, seg: strings.Count(topics[0], " -- ")}, true
}

// A RenameError is a rename refused, with the reason a user can act on.
type RenameError struct{ Reason string }

func (e *RenameError) Error() string { return e.Reason }

// Rename renames the topic under the cursor to newName everywhere: the segment in every
// line under the topic, and every reference that spells it, as a full path or by its
// name. It returns each changed file's new text. With sorting on, the blocks that hold a
// renamed line are put in order again, so the rename leaves no unsorted line behind.
// References through an alias, and by a name several topics share, are left as they are.
func (s *Snapshot) Rename(path string, offset int, newName string) (map[string][]byte, error) {
	return s.rename(path, offset, newName, false)
}

// RenameInto is Rename that may merge the topic into an existing one of the new name: the
// quick fix of a near-duplicate, whose two spellings are meant to be one.
func (s *Snapshot) RenameInto(path string, offset int, newName string) (map[string][]byte, error) {
	return s.rename(path, offset, newName, true)
}

func (s *Snapshot) rename(path string, offset int, newName string, merge bool) (map[string][]byte, error) {
	t, ok := s.PrepareRename(path, offset)
	if !ok {
		return nil, &RenameError{"only a topic can be renamed: put the cursor on a segment of a path, or on a reference to one topic"}
	}
	if err := validName(newName); err != nil {
		return nil, err
	}
	parent := ""
	if t.seg > 0 {
		parent = t.Key[:strings.LastIndex(t.Key, " -- ")]
	}
	newKey := joinKey(parent, analysis.NameKey([]byte(newName)))
	if newKey == t.Key {
		if newName == t.Name {
			return map[string][]byte{}, nil
		}
		// Only the spelling changes (case, spaces): the same topic, written anew.
	} else if !merge && s.hasTopic(newKey) {
		where := ""
		if recs := s.topicRecs(newKey); len(recs) > 0 {
			where = fmt.Sprintf(" (%s:%d)", recs[0].fi.path, recs[0].t.first+1)
		}
		return nil, &RenameError{fmt.Sprintf("%q already exists%s: renaming would merge two topics", s.display(newKey), where)}
	}
	edits := map[*fileIndex][]textEdit{}
	// The segment in every line under the topic: the lines whose path is the topic or
	// one below it.
	under := s.descendants(t.Key)
	for _, fi := range s.topicFiles(t.Key) {
		for _, k := range under {
			for _, ln := range fi.entryLines(k) {
				l := fi.ast.Line(ln)
				if len(l.Segments) <= t.seg || l.TopicKey(t.seg) != t.Key {
					continue
				}
				edits[fi] = append(edits[fi], textEdit{span: l.Segments[t.seg].Name().In(fi.ast.Start(ln)), text: newName, line: ln})
			}
		}
	}
	// References spelling a path through the topic, and those naming it alone.
	nameKey := analysis.NameKey([]byte(t.Name))
	refKeys := slices.Clone(under)
	if resolved := s.resolve(nameKey); len(resolved) == 1 && resolved[0] == t.Key && nameKey != t.Key {
		refKeys = append(refKeys, nameKey)
	}
	for _, rk := range refKeys {
		byName := rk == nameKey && rk != t.Key
		for _, fi := range s.refFiles(rk) {
			for _, ln := range fi.refs.lines(rk) {
				start := fi.ast.Start(int(ln))
				for _, r := range fi.ast.Line(int(ln)).Refs() {
					if r.Key != rk {
						continue
					}
					target := r.Target.In(start)
					if sp, ok := segmentOf(fi.ast.Text.Slice(target.Start, target.End), t.seg, byName); ok {
						edits[fi] = append(edits[fi], textEdit{span: analysis.Span{Start: target.Start + sp.Start, End: target.Start + sp.End}, text: newName, line: int(ln)})
					}
				}
			}
		}
	}
	out := map[string][]byte{}
	for fi, es := range edits {
		out[fi.path] = applyRename(fi.ast, es, s.ConfigOf(fi.path).Sorting)
	}
	return out, nil
}

type textEdit struct {
	span analysis.Span
	text string
	line int
}

// validName refuses a name that would not stay one segment of one line.
func validName(name string) error {
	trimmed := strings.TrimSpace(name)
	switch {
	case trimmed == "":
		return &RenameError{"the new name is empty"}
	case trimmed != name:
		return &RenameError{"the new name starts or ends with white space"}
	case strings.ContainsAny(name, "\r\n"):
		return &RenameError{"the new name holds a line end"}
	case strings.Contains(name, "--"):
		return &RenameError{`the new name holds "--", the path operator`}
	case strings.Contains(name, "[[") || strings.Contains(name, "]]"):
		return &RenameError{"the new name holds [[ or ]], which make a reference"}
	}
	for _, sep := range []string{" = ", " == ", ": ", " -> ", " ~ "} {
		if strings.Contains(name+" ", sep) || strings.HasPrefix(sep, strings.TrimSpace(name)+" ") {
			return &RenameError{fmt.Sprintf("the new name holds %q, a separator that would end the head", strings.TrimSpace(sep))}
		}
	}
	l := analysis.ParseLine([]byte(name))
	if len(l.Segments) != 1 || l.Sep != analysis.SepNone || len(l.URLs) > 0 || len(l.Refs()) > 0 ||
		l.Segments[0].Name() != (analysis.LineSpan{Start: 0, End: int32(len(name))}) {
		return &RenameError{fmt.Sprintf("%q would not read back as one name (a parenthetical, a quoted gloss or a URL is not part of a name)", name)}
	}
	return nil
}

func joinKey(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + " -- " + name
}

// descendants lists the topic and every topic below it, in every file.
func (s *Snapshot) descendants(key string) []string {
	seen := map[string]bool{key: true}
	out := []string{key}
	for i := 0; i < len(out); i++ {
		for _, r := range s.topicRecs(out[i]) {
			for _, c := range r.children() {
				if !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// entryLines lists the lines of the file whose whole path is key.
func (fi *fileIndex) entryLines(key string) []int {
	t := fi.topics.get(key)
	if t == nil || t.entry < 0 {
		return nil
	}
	out := []int{int(t.entry)}
	for ln := range fi.moreEntries.each(key) {
		out = append(out, int(ln))
	}
	return out
}

// segmentOf finds segment i of a reference's target text ("a -- b -- c"), or, for a
// reference by name, the whole target; spans are relative to the text.
func segmentOf(target []byte, i int, byName bool) (analysis.Span, bool) {
	if byName {
		return trimSpan(target, 0, len(target)), true
	}
	at := 0
	for k := 0; ; k++ {
		end := bytes.Index(target[at:], []byte(" -- "))
		if k == i {
			if end < 0 {
				return trimSpan(target, at, len(target)), true
			}
			return trimSpan(target, at, at+end), true
		}
		if end < 0 {
			return analysis.Span{}, false
		}
		at += end + len(" -- ")
	}
}

func trimSpan(b []byte, start, end int) analysis.Span {
	for start < end && b[start] == ' ' {
		start++
	}
	for end > start && b[end-1] == ' ' {
		end--
	}
	return analysis.Span{Start: start, End: end}
}

// applyRename writes the edits into the file's text and, with sorting on, puts the blocks
// holding an edited line back in order: the renamed lines merged into the others where
// those are in order, the whole block sorted where they were not.
func applyRename(f *analysis.File, edits []textEdit, sorting bool) []byte {
	slices.SortFunc(edits, func(a, b textEdit) int { return a.span.Start - b.span.Start })
	edits = slices.CompactFunc(edits, func(a, b textEdit) bool { return a.span == b.span })
	renamed := map[int]bool{}
	lines := make([][]byte, f.NumLines())
	ends := make([][]byte, f.NumLines())
	e := 0
	for i := range f.NumLines() {
		start, text := f.Start(i), f.LineText(i)
		end, next := f.Text.LineEnd(start)
		ends[i] = f.Text.Slice(end, next)
		var b []byte
		at := start
		for e < len(edits) && edits[e].span.Start < start+len(text) {
			b = append(b, f.Text.Slice(at, edits[e].span.Start)...)
			b = append(b, edits[e].text...)
			at = edits[e].span.End
			renamed[i] = true
			e++
		}
		if b == nil {
			lines[i] = text
		} else {
			lines[i] = append(b, f.Text.Slice(at, start+len(text))...)
		}
	}
	if sorting {
		for start := 0; start < len(lines); {
			end := start
			for end < len(lines) && len(bytes.TrimSpace(lines[end])) != 0 {
				end++
			}
			if end > start && blockHas(renamed, start, end) {
				reorder(lines[start:end], renamed, start)
			}
			start = end + 1
		}
	}
	var out bytes.Buffer
	out.Grow(f.Text.Len() + len(edits)*8)
	out.Write(f.Text.Slice(0, f.BOM))
	for i, l := range lines {
		out.Write(l)
		out.Write(ends[i])
	}
	return out.Bytes()
}

func blockHas(renamed map[int]bool, start, end int) bool {
	for i := start; i < end; i++ {
		if renamed[i] {
			return true
		}
	}
	return false
}

// reorder sorts a block: the renamed lines (first is the block's first line number) are
// merged into the others in order when those are sorted, so that nothing else moves;
// otherwise the whole block is sorted as formatting does.
func reorder(block [][]byte, renamed map[int]bool, first int) {
	var moved, kept [][]byte
	for i, l := range block {
		if renamed[first+i] {
			moved = append(moved, l)
		} else {
			kept = append(kept, l)
		}
	}
	if !slices.IsSortedFunc(kept, analysis.CompareFolded) {
		slices.SortStableFunc(block, analysis.CompareFolded)
		return
	}
	slices.SortStableFunc(moved, analysis.CompareFolded)
	merged := block[:0:0]
	i, j := 0, 0
	for i < len(kept) || j < len(moved) {
		if j == len(moved) || i < len(kept) && analysis.CompareFolded(kept[i], moved[j]) <= 0 {
			merged = append(merged, kept[i])
			i++
		} else {
			merged = append(merged, moved[j])
			j++
		}
	}
	copy(block, merged)
}
