package analysis

import "slices"

// A Symbol is one topic of a file's outline: a distinct path, its children nested.
type Symbol struct {
	Name      string // the segment as written, alias, qualifier and gloss included
	Key       string // the topic's key, the path up to this segment
	Detail    string // the first definition's body in this file, "" when none
	Range     Span   // from the start of the topic's first line to the end of its last
	Selection Span   // the segment in the topic's first line
	Children  []Symbol
}

// Outline returns the topics of the file as a tree, in the order they first appear. A
// topic's range covers every line under it, so a parent's holds its children's.
func Outline(f *File) []Symbol {
	type node struct {
		sym      Symbol
		children []int
		index    map[string]int // child key -> node
	}
	nodes := []node{{index: map[string]int{}}} // nodes[0] is the root
	for i := range f.NumLines() {
		l := f.Line(i)
		if len(l.Segments) == 0 {
			continue
		}
		start := f.Start(i)
		lineSpan := Span{Start: start, End: start + int(l.Len)}
		parent := 0
		for k := range l.Segments {
			key := l.TopicKey(k)
			at, ok := nodes[parent].index[key]
			if !ok {
				seg := l.Segments[k].Span.In(start)
				at = len(nodes)
				nodes = append(nodes, node{sym: Symbol{
					Name:      string(f.Text.Slice(seg.Start, seg.End)),
					Key:       key,
					Range:     lineSpan,
					Selection: seg,
				}})
				nodes[parent].index[key] = at
				nodes[parent].children = append(nodes[parent].children, at)
			}
			n := &nodes[at]
			n.sym.Range.End = lineSpan.End
			if k == len(l.Segments)-1 && n.sym.Detail == "" && l.Sep.Defines() {
				body := l.Body.In(start)
				n.sym.Detail = string(f.Text.Slice(body.Start, body.End))
			}
			if n.index == nil && k+1 < len(l.Segments) {
				n.index = map[string]int{}
			}
			parent = at
		}
	}
	// Built bottom-up: a node's children come after it, so one backward pass finishes
	// every child before its parent takes it.
	built := make([][]Symbol, len(nodes))
	for i := len(nodes) - 1; i >= 0; i-- {
		for _, c := range nodes[i].children {
			s := nodes[c].sym
			s.Children = built[c]
			built[i] = append(built[i], s)
		}
	}
	return built[0]
}

// A FoldRange is a range of whole lines an editor may fold, from the start of the first to the
// end of the last.
type FoldRange struct {
	FirstLine, LastLine int
}

// Folds returns one fold per block (lines between blank lines) and, nested inside, one per
// run of consecutive lines under the same topic at each depth, for runs of two lines or
// more; a fold that another already covers exactly is left out.
func Folds(f *File) []FoldRange {
	var out []FoldRange
	type open struct {
		key   string
		first int
	}
	var stack []open // stack[d]: the run of lines under the topic of depth d+1
	blockStart := -1
	closeFrom := func(depth, last int) {
		for d := len(stack) - 1; d >= depth; d-- {
			if last > stack[d].first {
				out = append(out, FoldRange{FirstLine: stack[d].first, LastLine: last})
			}
		}
		stack = stack[:depth]
	}
	closeBlock := func(last int) {
		closeFrom(0, last)
		if blockStart >= 0 && last > blockStart {
			out = append(out, FoldRange{FirstLine: blockStart, LastLine: last})
		}
		blockStart = -1
	}
	for i := range f.NumLines() {
		l := f.Line(i)
		if l.Kind == Blank {
			closeBlock(i - 1)
			continue
		}
		if blockStart < 0 {
			blockStart = i
		}
		depth := 0
		for depth < len(stack) && depth < len(l.Segments) && stack[depth].key == l.TopicKey(depth) {
			depth++
		}
		closeFrom(depth, i-1)
		for d := depth; d < len(l.Segments); d++ {
			stack = append(stack, open{key: l.TopicKey(d), first: i})
		}
	}
	closeBlock(f.NumLines() - 1)
	// Sorted by first line, outer folds first; exact repeats dropped.
	sortFolds(out)
	kept := out[:0]
	for i, fd := range out {
		if i == 0 || fd != out[i-1] {
			kept = append(kept, fd)
		}
	}
	return kept
}

func sortFolds(folds []FoldRange) {
	slices.SortFunc(folds, func(a, b FoldRange) int {
		if a.FirstLine != b.FirstLine {
			return a.FirstLine - b.FirstLine
		}
		return b.LastLine - a.LastLine
	})
}

// SelectionSpans returns the spans an editor's "expand selection" steps through from
// offset, each holding the one before: the path segment under it, the head, the line, the
// run of lines under each topic of its path from the one under the cursor out, the block
// (lines between blank lines).
// Spans equal to the previous one are left out.
func SelectionSpans(f *File, offset int) []Span {
	if f.NumLines() == 0 {
		return nil
	}
	i := f.LineAt(offset)
	l := f.Line(i)
	start := f.Start(i)
	var out []Span
	add := func(s Span) {
		if n := len(out); n == 0 || s != out[n-1] && s.Start <= out[n-1].Start && s.End >= out[n-1].End {
			out = append(out, s)
		}
	}
	deepest := len(l.Segments) - 1 // the topic under the cursor: its segment's, else the line's
	for k, seg := range l.Segments {
		if sp := seg.Span.In(start); sp.Contains(offset) {
			add(sp)
			deepest = k
			break
		}
	}
	if len(l.Segments) > 0 {
		if head := l.Head.In(start); head.Contains(offset) {
			add(head)
		}
	}
	add(f.LineSpan(i))
	if l.Kind == Blank {
		return out
	}
	// The runs of lines under each topic of the path, innermost first: each holds the one
	// before, so each grows from where the last stopped, and the lines are looked at
	// once per side per level beyond that.
	first, last := i, i
	for d := deepest; d >= 0; d-- {
		key := l.TopicKey(d)
		same := func(j int) bool { m := f.Line(j); return len(m.Segments) > d && m.TopicKey(d) == key }
		for first > 0 && same(first-1) {
			first--
		}
		for last+1 < f.NumLines() && same(last+1) {
			last++
		}
		add(Span{Start: f.Start(first), End: f.LineSpan(last).End})
	}
	for first > 0 && f.Line(first-1).Kind != Blank {
		first--
	}
	for last+1 < f.NumLines() && f.Line(last+1).Kind != Blank {
		last++
	}
	add(Span{Start: f.Start(first), End: f.LineSpan(last).End})
	return out
}
