package index

import (
	"slices"
	"strings"

	"github.com/notesls/notesls/analysis"
)

// topicRef is one file's record of a topic.
type topicRef struct {
	fi  *fileIndex
	t   *topic
	key string
}

// entries lists the lines whose whole path is the topic.
func (r topicRef) entries() []int32 {
	if r.t.entry < 0 {
		return nil
	}
	return r.fi.moreEntries.appendLines([]int32{r.t.entry}, r.key)
}

func (r topicRef) children() []string { return r.fi.children.get(r.key) }
func (r topicRef) aliases() []string  { return r.fi.topicAliases.get(r.key) }

// topicRecs returns every file's record of a topic key, in workspace order.
func (s *Snapshot) topicRecs(key string) []topicRef {
	files := s.topicFiles(key)
	out := make([]topicRef, 0, len(files))
	for _, fi := range files {
		out = append(out, topicRef{fi, fi.topics.get(key), key})
	}
	return out
}

// resolve returns the topics a reference key names, trying in order: a full path, an
// alias, the last segment of a path (all matches, when several).
func (s *Snapshot) resolve(key string) []string {
	if key == "" {
		return nil
	}
	if s.hasTopic(key) {
		return []string{key}
	}
	out := s.aliasTopics(key)
	if len(out) == 0 {
		for _, fi := range s.nameFiles(key) {
			out = fi.lastSeg.appendTo(out, key)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// aliasTopics lists the topics alias key names, in workspace order, possibly repeated.
func (s *Snapshot) aliasTopics(key string) []string {
	var out []string
	for _, fi := range s.aliasFiles(key) {
		for _, a := range fi.aliases[key] {
			out = append(out, a.topic)
		}
	}
	return out
}

// resolves reports whether a reference key names anything, without listing what.
func (s *Snapshot) resolves(key string) bool {
	return s.hasTopic(key) || s.hasAlias(key) || s.hasName(key)
}

// display returns how a topic was first written: its segment names joined by " -- ".
func (s *Snapshot) display(key string) string { return s.displayAvoiding(key, "", -1) }

// displayAvoiding is display that takes the spelling from another line than (path, line)
// when it can: the line being typed is not how the user wrote the term before.
func (s *Snapshot) displayAvoiding(key, path string, line int) string {
	return spelling(s.topicRecs(key), key, path, line)
}

// spelling is displayAvoiding over recs, the records of key, for a caller that has them.
func spelling(recs []topicRef, key, path string, line int) string {
	if len(recs) == 0 {
		return key
	}
	r, ln, seg := spellingLine(recs, path, line)
	l := r.fi.ast.Line(ln)
	text := r.fi.ast.LineText(ln)
	var b strings.Builder
	for i := 0; i <= seg; i++ {
		if i > 0 {
			b.WriteString(" -- ")
		}
		n := l.Segments[i].Name()
		b.Write(text[n.Start:n.End])
	}
	return b.String()
}

// spellingLine picks the line whose spelling of a topic to show: its first line, or when
// that is (path, line), the first entry of the topic on another line.
func spellingLine(recs []topicRef, path string, line int) (topicRef, int, int) {
	r := recs[0]
	if r.fi.path != path || int(r.t.first) != line {
		return r, int(r.t.first), int(r.t.seg)
	}
	for _, other := range recs {
		for _, e := range other.entries() {
			if other.fi.path != path || int(e) != line {
				return other, int(e), len(other.fi.ast.Line(int(e)).Segments) - 1
			}
		}
	}
	return r, int(r.t.first), int(r.t.seg)
}

// lastName returns how a topic's last segment was first written.
func (s *Snapshot) lastName(key string) string { return lastSegment(s.display(key)) }

func lastSegment(path string) string {
	if i := strings.LastIndex(path, " -- "); i >= 0 {
		return path[i+4:]
	}
	return path
}

// definingLines returns the entries whose whole path is key, in workspace order; when
// there are none, the topic's first line, so that a jump always lands somewhere.
func (s *Snapshot) definingLines(key string) []Location {
	recs := s.topicRecs(key)
	var out []Location
	for _, r := range recs {
		for _, ln := range r.entries() {
			out = append(out, s.entryLocation(r.fi, int(ln), len(r.fi.ast.Line(int(ln)).Segments)-1))
		}
	}
	if len(out) == 0 && len(recs) > 0 {
		out = append(out, s.entryLocation(recs[0].fi, int(recs[0].t.first), int(recs[0].t.seg)))
	}
	return out
}

func (s *Snapshot) entryLocation(fi *fileIndex, line, seg int) Location {
	start := fi.ast.Start(line)
	l := fi.ast.Line(line)
	return Location{
		Path:      fi.path,
		Span:      fi.ast.LineSpan(line),
		Selection: l.Segments[seg].Name().In(start),
	}
}

// termUnder finds the term under the cursor at offset in path, as termAt does; no keys
// means nothing known is there.
func (s *Snapshot) termUnder(path string, offset int) ([]string, analysis.Span) {
	fi := s.file(path)
	if fi == nil {
		return nil, analysis.Span{}
	}
	ln := fi.ast.LineAt(offset)
	if ln < 0 {
		return nil, analysis.Span{}
	}
	return s.termAt(fi, ln, offset)
}

// termAt finds the term under the cursor in line ln of fi: a path prefix up to the
// hovered segment, a reference's target, or in a body the longest known term or alias.
// It returns the topic keys and the span that names them.
func (s *Snapshot) termAt(fi *fileIndex, ln int, offset int) ([]string, analysis.Span) {
	f := fi.ast
	start := f.Start(ln)
	l := f.Line(ln)
	rel := int32(offset - start)
	for _, r := range l.Refs() {
		if r.Span.Start <= rel && rel <= r.Span.End && r.Key != "" {
			if keys := s.resolve(r.Key); len(keys) > 0 {
				return keys, r.Span.In(start)
			}
		}
	}
	for i, seg := range l.Segments {
		if seg.Span.Start <= rel && rel <= seg.Span.End {
			if a := l.Alias(i); !a.IsZero() && a.Start <= rel && rel <= a.End {
				return []string{l.TopicKey(i)}, a.In(start)
			}
			return []string{l.TopicKey(i)}, seg.Name().In(start)
		}
	}
	return s.knownTermAt(f.LineText(ln), int(rel), start)
}

// maxTermWords bounds how many words a term found inside free text may have, so the
// search around the cursor stays small.
const maxTermWords = 8

// knownTermAt looks for the longest run of words around pos in text that is a known
// topic or alias.
func (s *Snapshot) knownTermAt(text []byte, pos, lineStart int) ([]string, analysis.Span) {
	words := wordSpans(text)
	at := -1
	for i, w := range words {
		if w.Start <= pos && pos <= w.End {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, analysis.Span{}
	}
	var bestKeys []string
	var best analysis.Span
	for i := max(0, at-maxTermWords+1); i <= at; i++ {
		for j := at; j < len(words) && j-i < maxTermWords; j++ {
			sp := analysis.Span{Start: words[i].Start, End: words[j].End}
			if sp.Len() <= best.Len() {
				continue
			}
			key := analysis.NameKey(text[sp.Start:sp.End])
			if s.hasTopic(key) {
				bestKeys, best = []string{key}, sp
				continue
			}
			if keys := s.aliasTopics(key); len(keys) > 0 {
				slices.Sort(keys)
				bestKeys, best = slices.Compact(keys), sp
			}
		}
	}
	if bestKeys == nil {
		return nil, analysis.Span{}
	}
	return bestKeys, analysis.Span{Start: lineStart + best.Start, End: lineStart + best.End}
}

// wordSpans splits text into words: runs of letters, digits and the joiners - / . ' _
// inside them, so that "pub/sub" and "load-shedding" stay whole.
func wordSpans(text []byte) []analysis.Span {
	var out []analysis.Span
	start := -1
	for i := 0; i <= len(text); i++ {
		in := i < len(text) && isWordByte(text[i])
		if in && start < 0 {
			start = i
		}
		if !in && start >= 0 {
			end := i
			for end > start && strings.ContainsRune("-/.'_", rune(text[end-1])) {
				end--
			}
			if end > start {
				out = append(out, analysis.Span{Start: start, End: end})
			}
			start = -1
		}
	}
	return out
}

func isWordByte(c byte) bool {
	return c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '/' || c == '.' || c == '\'' || c == '_' || c == '+' || c == '&'
}
