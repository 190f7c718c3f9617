package analysis

// A File is the syntax tree of one notes file. Lines hold spans relative to their own
// start (LineSpan), so that an edit re-parses only the lines it touches and reuses the
// others unchanged; Start gives each line's absolute offset. A File is immutable.
type File struct {
	// Text is the file's text, in chunks: a line's bytes are a slice of one.
	Text Text
	// BOM is the length of a leading byte order mark (0 or 3), which is not part of line 0.
	BOM int

	chunks []lineChunk
	blocks []int32 // the chunk holding line i*blockLines, for each i
	n      int
}

// LineKind classifies a line.
type LineKind uint8

const (
	Blank LineKind = iota
	Task
	Entry
)

func (k LineKind) String() string {
	switch k {
	case Blank:
		return "blank"
	case Task:
		return "task"
	case Entry:
		return "entry"
	}
	return "unknown"
}

// SepKind is the separator that ends a head.
type SepKind uint8

const (
	SepNone  SepKind = iota
	SepEq            // " = "
	SepEqEq          // " == "
	SepColon         // ": "
	SepArrow         // " -> " see also
	SepTilde         // " ~ " related
)

var sepText = [...]string{SepNone: "", SepEq: "=", SepEqEq: "==", SepColon: ":", SepArrow: "->", SepTilde: "~"}

func (k SepKind) String() string { return sepText[k] }

// Defines reports whether the separator introduces a definition (as opposed to a
// see-also or related link).
func (k SepKind) Defines() bool { return k == SepEq || k == SepEqEq || k == SepColon }

// A LineSpan is a half-open byte range relative to the start of its line.
type LineSpan struct {
	Start, End int32
}

// In converts the span to file offsets for a line that starts at lineStart.
func (s LineSpan) In(lineStart int) Span {
	return Span{Start: lineStart + int(s.Start), End: lineStart + int(s.End)}
}

// IsZero reports whether the span is absent.
func (s LineSpan) IsZero() bool { return s.Start == 0 && s.End == 0 }

// Len reports the number of bytes the span covers.
func (s LineSpan) Len() int { return int(s.End - s.Start) }

// Text returns the span's bytes within line.
func (s LineSpan) Text(line []byte) string { return string(line[s.Start:s.End]) }

// Line is one line's tree. All spans are relative to the line's start.
type Line struct {
	Len  int32 // length of the content without the line end
	Kind LineKind
	Done bool     // a task box with x
	Sep  SepKind  // the separator that ends the head, beside the other bytes: 8 bytes less
	Box  LineSpan // the task box, "[ ]"; for a malformed task, the broken box

	Head     LineSpan  // the head: from the entry's start to the separator, trimmed
	Segments []Segment // the path, in order
	// Note is the text of the head from its first URL on: a URL attached to the path and
	// what follows it.
	Note LineSpan

	SepSpan LineSpan // the separator's characters, without the spaces around it
	Body    LineSpan // after the separator, trimmed

	URLs []LineSpan

	// Key is the path key: the segments' keys joined by " -- ". Segment keys are
	// substrings of it, so a line holds one key allocation.
	Key string

	// extra holds what few lines have, so that a line takes 120 bytes, not 192: a million
	// lines are held at once.
	extra *lineExtra
}

type lineExtra struct {
	marks    []LineSpan
	refs     []Ref
	diags    []LineDiag
	segAttrs []SegmentAttrs // those of the segments that have any, in order
}

// Marks returns the "+++" importance markers of the line.
func (l *Line) Marks() []LineSpan {
	if l.extra == nil {
		return nil
	}
	return l.extra.marks
}

// Refs returns the references of the line: "[[x]]" and the target of "->" and "~".
func (l *Line) Refs() []Ref {
	if l.extra == nil {
		return nil
	}
	return l.extra.refs
}

// Diags returns the findings of the single-line rules, in the order of their spans.
func (l *Line) Diags() []LineDiag {
	if l.extra == nil {
		return nil
	}
	return l.extra.diags
}

// IsStub reports whether the entry has neither a definition, a link nor a URL.
func (l *Line) IsStub() bool {
	return l.Kind != Blank && len(l.Segments) > 0 && l.Sep == SepNone && len(l.URLs) == 0
}

// HasMeaning reports whether the entry says something about its term: a body or a URL.
func (l *Line) HasMeaning() bool {
	return l.Sep != SepNone && l.Body.Len() > 0 || len(l.URLs) > 0
}

// A Segment is one step of a path, such as "sharding" in "data store -- sharding". It
// takes 20 bytes, where it took 56 with its rarer attributes inline: a million lines
// hold four million segments, and all but a few have neither alias, qualifier, gloss nor
// ordinal. Those live in the line's extra record (Line.Attrs).
type Segment struct {
	Span    LineSpan // the whole segment, trimmed: name, alias or qualifier, gloss
	nameEnd int32
	// keyEnd is where the segment's key ends inside the line's Key; the key of the topic
	// ending at this segment is Key[:keyEnd].
	keyEnd int32
	attrs  int32 // 1 + the index of the segment's attributes in its line's, or 0: none
}

// Name returns the segment's name, without alias, qualifier or gloss.
func (s Segment) Name() LineSpan { return LineSpan{Start: s.Span.Start, End: s.nameEnd} }

// SegmentAttrs are the rarer parts of a segment.
type SegmentAttrs struct {
	Alias     LineSpan // the other side of an acronym pair: "BFF", or the expansion of "REST"
	Qualifier LineSpan // a parenthetical that is not an alias, without the parentheses
	Gloss     LineSpan // a quoted gloss, without the quotes
	Ordinal   LineSpan // a numbering prefix of the name: "1", "01b", "1."
}

// Attrs returns the alias, qualifier, gloss and ordinal of segment i, zero when absent.
func (l *Line) Attrs(i int) SegmentAttrs {
	if a := l.Segments[i].attrs; a > 0 {
		return l.extra.segAttrs[a-1]
	}
	return SegmentAttrs{}
}

// Alias returns the alias of segment i: the other side of an acronym pair.
func (l *Line) Alias(i int) LineSpan { return l.Attrs(i).Alias }

// SegmentKey returns the key of segment i of the line.
func (l *Line) SegmentKey(i int) string {
	start := int32(0)
	if i > 0 {
		// The keys are joined by " -- " (keyBuilder in parsePath), and none is empty.
		start = l.Segments[i-1].keyEnd + int32(len(" -- "))
	}
	return l.Key[start:l.Segments[i].keyEnd]
}

// TopicKey returns the key of the path up to and including segment i.
func (l *Line) TopicKey(i int) string { return l.Key[:l.Segments[i].keyEnd] }

// A Ref is a reference to a term: "[[target]]", or the target of "->" and "~".
type Ref struct {
	Span   LineSpan // the whole reference, "[[x]]"; the target for a soft one
	Target LineSpan // the target's text
	Soft   bool     // from "->" or "~": unresolved is no error
	Key    string   // the target's key
}

// A LineDiag is a finding of a single-line rule; its span is relative to its line.
type LineDiag struct {
	Rule    string
	Span    LineSpan
	Message string
	Fixable bool
}
