package server

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/segmentio/encoding/json"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

// The source actions of notes files: every safe fix (what --fix does), and sorting.
const (
	sourceFixAll protocol.CodeActionKind = "source.fixAll.notesls"
	sourceSort   protocol.CodeActionKind = "source.sortLines.notesls"
)

var codeActionKinds = []protocol.CodeActionKind{protocol.QuickFix, sourceFixAll, sourceSort}

// codeAction offers a quick fix for each finding in the range that has one, and the
// source actions for the whole file.
func (s *Server) codeAction(ctx context.Context, p *protocol.CodeActionParams) ([]protocol.CodeAction, error) {
	out := []protocol.CodeAction{}
	f, tree, err := s.fileTree(ctx, p.TextDocument.URI)
	if err != nil || f == nil || tree.NumLines() == 0 {
		return out, err
	}
	span, err := f.mapper.ClampedRangeSpan(p.Range)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "range: %v", err)
	}
	first, last := tree.LineAt(span.Start), tree.LineAt(span.End)
	fix := &fixer{s: s, f: f, tree: tree, text: f.mapper.Text(), uri: p.TextDocument.URI}
	if wants(p.Context.Only, protocol.QuickFix) {
		end := fix.text.Len() + 1
		if last+1 < tree.NumLines() {
			end = tree.Start(last + 1)
		}
		for _, d := range f.v.snap.DiagnosticsIn(f.path, tree.Start(first), end) {
			ln := tree.LineAt(d.Span.Start)
			for _, a := range fix.quickFixes(d, ln) {
				a.Diagnostics = matching(p.Context.Diagnostics, d, f.mapper)
				out = append(out, a)
			}
		}
	}
	for _, kind := range []protocol.CodeActionKind{sourceFixAll, sourceSort} {
		if !wants(p.Context.Only, kind) {
			continue
		}
		if s.client.resolveEdits {
			// Offered without its edit, which codeAction/resolve makes when the action is
			// chosen: an editor asks for the actions at every cursor move, and the edit of
			// a 100,000-line file (formatted, fixed, diffed) took 430 ms.
			out = append(out, protocol.CodeAction{Title: wholeFileTitles[kind], Kind: kind,
				Data: wholeFileData{URI: p.TextDocument.URI, Kind: kind}})
		} else if a, ok := fix.wholeFile(kind); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

var wholeFileTitles = map[protocol.CodeActionKind]string{
	sourceFixAll: "Fix all: format and apply every safe fix (as --fix)",
	sourceSort:   "Sort the lines of every block",
}

// wholeFileData is what a whole-file action offered without its edit carries to
// codeAction/resolve.
type wholeFileData struct {
	URI  protocol.DocumentURI    `json:"uri"`
	Kind protocol.CodeActionKind `json:"kind"`
}

// codeActionResolve makes the edit of a whole-file action, against the document as it is
// now. An action that is not ours, or whose document is gone, comes back as it was.
func (s *Server) codeActionResolve(ctx context.Context, a *protocol.CodeAction) (*protocol.CodeAction, error) {
	raw, err := json.Marshal(a.Data)
	if err != nil {
		return a, nil
	}
	var data wholeFileData
	if json.Unmarshal(raw, &data) != nil || wholeFileTitles[data.Kind] == "" || data.URI == "" {
		return a, nil
	}
	f, tree, err := s.fileTree(ctx, data.URI)
	if err != nil || f == nil {
		return a, err
	}
	fix := &fixer{s: s, f: f, tree: tree, text: f.mapper.Text(), uri: data.URI}
	resolved := *a
	if whole, ok := fix.wholeFile(data.Kind); ok {
		resolved.Edit = whole.Edit
	} else { // nothing to change: an empty edit, which the editor applies as nothing
		resolved.Edit = &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{data.URI: {}}}
	}
	return &resolved, nil
}

// wants reports whether a client asking for only these kinds wants kind.
func wants(only []protocol.CodeActionKind, kind protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if o == kind || strings.HasPrefix(string(kind), string(o)+".") {
			return true
		}
	}
	return false
}

// matching picks the client's diagnostics that are the finding, so the editor links them.
func matching(sent []protocol.Diagnostic, d index.Diagnostic, m *Mapper) []protocol.Diagnostic {
	rng, err := m.SpanRange(d.Span)
	if err != nil {
		return nil
	}
	var out []protocol.Diagnostic
	for _, c := range sent {
		if fmt.Sprint(c.Code) == d.Rule && c.Range.Start == rng.Start {
			out = append(out, c)
		}
	}
	return out
}

type fixer struct {
	s    *Server
	f    *fileView
	tree *analysis.File
	text analysis.Text
	uri  protocol.DocumentURI
	// whole is text in one slice, made by content for the actions that rewrite the file:
	// an edited text's is a copy, made once per request, not once per action.
	whole []byte

	// The last block fixAndPlace looked at, lines [blockStart, blockEnd), and how many of
	// its lines sort before the line above them: one request's findings share blocks,
	// and scanning a block once for all of them keeps the request linear.
	blockStart, blockEnd, blockDescents int
}

// block returns line ln's block and the number of its lines out of order.
func (x *fixer) block(ln int) (start, end, descents int) {
	if x.blockEnd == 0 || ln < x.blockStart || ln >= x.blockEnd {
		x.blockStart, x.blockEnd = blockAround(x.tree, ln)
		x.blockDescents = 0
		for i := x.blockStart + 1; i < x.blockEnd; i++ {
			if x.descends(i-1, i) {
				x.blockDescents++
			}
		}
	}
	return x.blockStart, x.blockEnd, x.blockDescents
}

// descends reports whether line j sorts before line i, which is above it.
func (x *fixer) descends(i, j int) bool {
	return analysis.CompareFolded(x.tree.LineText(i), x.tree.LineText(j)) > 0
}

// fixAndPlace replaces line ln with fixed and, when the fixed line no longer sorts
// between its neighbours, moves it to its sorted place, as --fix does; ok is false when
// it stays where it is, or when the rest of its block is out of order too (then the
// block's own unsorted findings offer to sort it, and the line is fixed in place).
func (x *fixer) fixAndPlace(title string, ln int, fixed []byte) ([]protocol.CodeAction, bool) {
	start, end, descents := x.block(ln)
	prev, next := ln-1, ln+1
	if prev >= start && x.descends(prev, ln) {
		descents--
	}
	if next < end && x.descends(ln, next) {
		descents--
	}
	if prev >= start && next < end && x.descends(prev, next) {
		descents++
	}
	if descents > 0 {
		return nil, false
	}
	fitsAfter := prev < start || analysis.CompareFolded(x.tree.LineText(prev), fixed) <= 0
	fitsBefore := next >= end || analysis.CompareFolded(fixed, x.tree.LineText(next)) <= 0
	if fitsAfter && fitsBefore {
		return nil, false
	}
	// The other lines of the block are sorted: the first of them after fixed is where it
	// goes.
	others := end - start - 1
	other := func(k int) int {
		if start+k < ln {
			return start + k
		}
		return start + k + 1
	}
	k := sort.Search(others, func(k int) bool { return analysis.CompareFolded(x.tree.LineText(other(k)), fixed) > 0 })

	lnStart := x.tree.Start(ln)
	lnEnd, lnNext := x.text.LineEnd(lnStart)
	eol := string(x.text.Slice(lnEnd, lnNext))
	cut := analysis.Span{Start: lnStart, End: lnNext}
	if eol == "" { // the last line, without a line end: take the one before it instead
		prevEnd, _ := x.text.LineEnd(x.tree.Start(prev))
		eol = string(x.text.Slice(prevEnd, lnStart))
		cut.Start = prevEnd
	}
	var at int
	entry := string(fixed) + eol
	if k < others {
		at = x.tree.Start(other(k))
	} else { // after the block's last other line
		lastEnd, lastNext := x.text.LineEnd(x.tree.Start(other(others - 1)))
		at = lastNext
		if lastNext == lastEnd { // which ends the file without a line end
			entry = eol + string(fixed)
		}
	}
	cutRange, err := x.f.mapper.SpanRange(cut)
	if err != nil {
		return nil, false
	}
	atPos, err := x.f.mapper.OffsetPosition(at)
	if err != nil {
		return nil, false
	}
	edits := []protocol.TextEdit{{Range: cutRange, NewText: ""}, {Range: protocol.Range{Start: atPos, End: atPos}, NewText: entry}}
	if at < cut.Start {
		edits[0], edits[1] = edits[1], edits[0]
	}
	return []protocol.CodeAction{{Title: title, Kind: protocol.QuickFix, IsPreferred: true,
		Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{x.uri: edits}}}}, true
}

func (x *fixer) quickFixes(d index.Diagnostic, ln int) []protocol.CodeAction {
	switch d.Rule {
	case analysis.RuleMalformedSeparator, analysis.RuleTrailingWhitespace, analysis.RuleDuplicateURL, analysis.RuleEmptySegment:
		if !d.Fixable && d.Rule == analysis.RuleDuplicateURL {
			return nil // a copy glued to a word stays: --fix leaves it too
		}
		line := x.tree.LineText(ln)
		fixed := bytes.TrimRight(analysis.Fix(append(slices.Clone(line), '\n'), false), "\n")
		if bytes.Equal(fixed, line) {
			return nil
		}
		title := fmt.Sprintf("Fix the line (%s)", d.Rule)
		if x.f.v.snap.Config().Sorting {
			if a, ok := x.fixAndPlace(title, ln, fixed); ok {
				return a
			}
		}
		return x.lineAction(title, ln, string(fixed), true)
	case analysis.RuleRedundantStub:
		return x.deleteLine("Delete the redundant stub", ln)
	case analysis.RuleDuplicateLine, analysis.RuleDuplicateDef:
		return x.deleteLine("Delete this repeat", ln)
	case analysis.RuleUnsorted:
		start, end := blockAround(x.tree, ln)
		sorted := sortBlocks(x.tree, x.content(), start, end)
		if a, ok := x.replaceText("Sort the block", protocol.QuickFix, sorted); ok {
			a.IsPreferred = true
			return []protocol.CodeAction{a}
		}
	case analysis.RuleNearDuplicate:
		return x.mergeNames(d)
	case analysis.RuleBrokenReference:
		return x.brokenReference(d, ln)
	case index.RuleUnlinkedMention:
		return x.linkMention(d)
	}
	return nil
}

// linkMention wraps an unlinked mention in [[ ]] as the user spelled it: a reference
// resolves case-insensitively, through the same names and aliases the rule looked for.
func (x *fixer) linkMention(d index.Diagnostic) []protocol.CodeAction {
	if d.Span.End > x.text.Len() {
		return nil
	}
	rng, err := x.f.mapper.SpanRange(d.Span)
	if err != nil {
		return nil
	}
	link := "[[" + string(x.text.Slice(d.Span.Start, d.Span.End)) + "]]"
	return []protocol.CodeAction{{Title: "Link it as " + link, Kind: protocol.QuickFix, IsPreferred: true,
		Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{x.uri: {{Range: rng, NewText: link}}}}}}
}

// brokenReference offers each suggested term in place of the target, then an entry for
// the target at its sorted place in the reference's block.
func (x *fixer) brokenReference(d index.Diagnostic, ln int) []protocol.CodeAction {
	target, terms, ok := x.f.v.snap.Suggestions(x.f.path, d.Span.Start)
	if !ok {
		return nil
	}
	rng, err := x.f.mapper.SpanRange(target)
	if err != nil {
		return nil
	}
	var out []protocol.CodeAction
	for i, t := range terms {
		out = append(out, protocol.CodeAction{Title: fmt.Sprintf("Change to [[%s]]", t), Kind: protocol.QuickFix, IsPreferred: i == 0,
			Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{x.uri: {{Range: rng, NewText: t}}}}})
	}
	name := string(x.text.Slice(target.Start, target.End))
	at := x.sortedPlace(ln, []byte(name))
	pos, err := x.f.mapper.OffsetPosition(at)
	if err != nil {
		return out
	}
	eol := "\n"
	if end, next := x.text.LineEnd(x.tree.Start(ln)); next-end == 2 {
		eol = "\r\n"
	}
	entry := name + eol
	if at == x.text.Len() && at > 0 && x.text.At(at-1) != '\n' && x.text.At(at-1) != '\r' {
		entry = eol + name // after a last line without a line end
	}
	out = append(out, protocol.CodeAction{Title: fmt.Sprintf("Create an entry for %q", name), Kind: protocol.QuickFix,
		Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{x.uri: {{Range: protocol.Range{Start: pos, End: pos}, NewText: entry}}}}})
	return out
}

// sortedPlace is the offset at which a line of text goes in line ln's block to keep it
// sorted: before the first line that sorts after it, else after the block's last line.
func (x *fixer) sortedPlace(ln int, text []byte) int {
	start, end := blockAround(x.tree, ln)
	for i := start; i < end; i++ {
		if analysis.CompareFolded(x.tree.LineText(i), text) > 0 {
			return x.tree.Start(i)
		}
	}
	_, next := x.text.LineEnd(x.tree.Start(end - 1))
	return next
}

// lineAction replaces line ln's text (its line end kept).
func (x *fixer) lineAction(title string, ln int, text string, preferred bool) []protocol.CodeAction {
	rng, err := x.f.mapper.SpanRange(x.tree.LineSpan(ln))
	if err != nil {
		return nil
	}
	return []protocol.CodeAction{{Title: title, Kind: protocol.QuickFix, IsPreferred: preferred,
		Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{x.uri: {{Range: rng, NewText: text}}}}}}
}

// deleteLine removes line ln with its line end.
func (x *fixer) deleteLine(title string, ln int) []protocol.CodeAction {
	start := x.tree.Start(ln)
	_, next := x.text.LineEnd(start)
	rng, err := x.f.mapper.SpanRange(analysis.Span{Start: start, End: next})
	if err != nil {
		return nil
	}
	return []protocol.CodeAction{{Title: title, Kind: protocol.QuickFix, IsPreferred: true,
		Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{x.uri: {{Range: rng, NewText: ""}}}}}}
}

// wholeFile is the source action of kind over the whole file; ok is false when nothing
// would change.
func (x *fixer) wholeFile(kind protocol.CodeActionKind) (protocol.CodeAction, bool) {
	if kind == sourceFixAll {
		return x.replaceText(wholeFileTitles[kind], kind, analysis.Fix(x.content(), x.f.v.snap.ConfigOf(x.f.path).Sorting))
	}
	return x.replaceText(wholeFileTitles[kind], kind, sortBlocks(x.tree, x.content(), 0, x.tree.NumLines()))
}

// content returns the file's text in one slice.
func (x *fixer) content() []byte {
	if x.whole == nil {
		x.whole = x.text.Bytes()
	}
	return x.whole
}

// replaceText turns the file's new text into an action of a few edits, of the lines that
// differ; ok is false when nothing would change.
func (x *fixer) replaceText(title string, kind protocol.CodeActionKind, text []byte) (protocol.CodeAction, bool) {
	edits, err := lineEdits(x.f.mapper, x.content(), 0, text)
	if err != nil || len(edits) == 0 {
		return protocol.CodeAction{}, false
	}
	return protocol.CodeAction{Title: title, Kind: kind,
		Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{x.uri: edits}}}, true
}

// mergeNames offers to rename the near-duplicate name into the other spelling, every line
// of it in every file. Ordinals are numbering, not spelling: the name keeps its own and
// takes the other's bare name ("3 Consistensy" into "3 Consistency").
func (x *fixer) mergeNames(d index.Diagnostic) []protocol.CodeAction {
	if len(d.Related) == 0 {
		return nil
	}
	r := d.Related[0]
	other, ok := x.f.v.snap.Text(r.Path)
	otherTree := x.f.v.snap.Tree(r.Path)
	if !ok || otherTree == nil || r.Span.End > other.Len() {
		return nil
	}
	ordinal, _ := nameParts(x.tree, x.text, d.Span)
	_, bare := nameParts(otherTree, other, r.Span)
	name := ordinal + bare
	here := string(x.text.Slice(d.Span.Start, d.Span.End))
	files, err := x.f.v.snap.RenameInto(x.f.path, d.Span.Start, name)
	if err != nil || len(files) == 0 {
		return nil
	}
	edit, err := x.s.workspaceEdit(x.f.v, files)
	if err != nil {
		return nil
	}
	return []protocol.CodeAction{{Title: fmt.Sprintf("Rename %q to %q everywhere", here, name), Kind: protocol.QuickFix, Edit: edit}}
}

// nameParts splits the segment name at span (the whole name, or its part after the
// ordinal) into its ordinal with the space after it ("3 ", or "") and the rest.
func nameParts(tree *analysis.File, content analysis.Text, span analysis.Span) (ordinal, bare string) {
	ln := tree.LineAt(span.Start)
	l, start := tree.Line(ln), tree.Start(ln)
	for i, seg := range l.Segments {
		name := seg.Name().In(start)
		if name.Start != span.Start || name.End != span.End {
			continue
		}
		if o := l.Attrs(i).Ordinal; o.Len() > 0 {
			ord := o.In(start)
			rest := content.Slice(ord.End, span.End)
			trimmed := bytes.TrimLeft(rest, " \t")
			return string(content.Slice(ord.Start, ord.End)) + string(rest[:len(rest)-len(trimmed)]), string(trimmed)
		}
	}
	return "", string(content.Slice(span.Start, span.End))
}

// blockAround returns the lines [start, end) of the block (lines between blank ones)
// holding line ln.
func blockAround(f *analysis.File, ln int) (int, int) {
	start, end := ln, ln+1
	for start > 0 && f.Line(start-1).Kind != analysis.Blank {
		start--
	}
	for end < f.NumLines() && f.Line(end).Kind != analysis.Blank {
		end++
	}
	return start, end
}

// sortBlocks returns the text with the lines of each block within [first, last) sorted
// as formatting sorts them, and nothing else changed.
func sortBlocks(f *analysis.File, content []byte, first, last int) []byte {
	var out bytes.Buffer
	out.Grow(len(content))
	out.Write(content[:f.Start(first)])
	for i := first; i < last; {
		if f.Line(i).Kind == analysis.Blank {
			_, next := analysis.LineEnd(content, f.Start(i))
			out.Write(content[f.Start(i):next])
			i++
			continue
		}
		_, end := blockAround(f, i)
		end = min(end, last)
		lines := make([][]byte, 0, end-i)
		ends := make([][]byte, 0, end-i)
		for j := i; j < end; j++ {
			e, next := analysis.LineEnd(content, f.Start(j))
			lines = append(lines, f.LineText(j))
			ends = append(ends, content[e:next])
		}
		slices.SortStableFunc(lines, analysis.CompareFolded)
		for j, l := range lines {
			out.Write(l)
			out.Write(ends[j])
		}
		i = end
	}
	if last < f.NumLines() {
		out.Write(content[f.Start(last):])
	}
	return out.Bytes()
}
