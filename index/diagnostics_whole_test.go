package index

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/notesls/notesls/analysis"
)

// The diagnostics as they were computed before findings were kept pending and made one at
// a time: every Diagnostic made with its message as it was found, then sorted. The
// reference that TestPendingDiagnosticsMatchWhole compares with.

func (s *Snapshot) wholeDiagnostics(fi *fileIndex) []Diagnostic {
	// The workspace-wide near-duplicate pass is the longest; it runs beside this file's
	// own rules.
	near := make(chan nearResult, 1)
	go func() { near <- s.nearDuplicates() }()
	// A messy file has a finding on every other line: the list is made once at its final
	// size rather than grown by doubling, which at a million lines wasted 200 MB. The
	// cross-line findings, whose number is known only once they are found, are made first
	// and go last, where they always went.
	var cross []Diagnostic
	dst := &cross
	add := func(d Diagnostic) {
		sev := s.cfg.SeverityOf(d.Rule)
		if sev == RuleOff {
			return
		}
		d.Severity = sev
		d.Path = fi.path
		d.Fixable = fixable[d.Rule]
		d.Unnecessary = d.Rule == analysis.RuleRedundantStub
		*dst = append(*dst, d)
	}
	f := fi.ast
	var unsorted []int
	if s.cfg.Sorting {
		unsorted = fi.unsorted.get(func() []int { return unsortedLines(f, &fi.sortKeys) })
	}
	if s.oversized(fi) {
		<-near
		add(s.oversizedFinding(fi))
	} else {
		budget := newFindingBudget(s.cfg.MaxCrossFindings)
		// may says whether a finding of rule is reported, counting it; asked before the
		// finding's message is made, which for a broken reference costs its suggestions.
		may := func(rule string) bool { return s.cfg.SeverityOf(rule) != RuleOff && budget.take() }
		crossOne := func(d Diagnostic) {
			if may(d.Rule) {
				add(d)
			}
		}
		// Only the duplicates are counted as they are found; the list then grows once to
		// hold the stubs, the broken references and the near-duplicates.
		s.wholeDuplicates(fi, crossOne)
		findings := (<-near)[fi.path]
		cs := s.crossFindings()
		cross = slices.Grow(cross, len(cs.stubs.get(fi.path))+len(cs.broken.get(fi.path))+len(findings)+1)
		s.wholeRedundantStubs(fi, crossOne)
		s.wholeBrokenReferences(fi, may, add)
		// By key, not in the map's order, which changes from run to run: when the budget
		// runs out, the same names must be the ones reported.
		for _, key := range slices.Sorted(maps.Keys(findings)) {
			if may(analysis.RuleNearDuplicate) {
				add(findings[key].diagnostic(s, fi))
			}
		}
		if budget.skipped > 0 {
			add(s.budgetFinding(fi, budget.skipped))
		}
	}
	size := len(unsorted) + len(cross)
	for i := range f.NumLines() {
		size += len(f.Line(i).Diags())
	}
	out := make([]Diagnostic, 0, size)
	dst = &out
	for i := range f.NumLines() {
		for _, d := range f.Line(i).Diags() {
			add(Diagnostic{Span: d.Span.In(f.Start(i)), Rule: d.Rule, Message: d.Message})
		}
	}
	for _, ln := range unsorted {
		add(Diagnostic{Span: f.LineSpan(ln), Rule: analysis.RuleUnsorted,
			Message: "line breaks the case-insensitive order of its block"})
	}
	out = append(out, cross...)
	slices.SortFunc(out, func(a, b Diagnostic) int {
		if a.Span.Start != b.Span.Start {
			return a.Span.Start - b.Span.Start
		}
		if a.Rule != b.Rule {
			if a.Rule < b.Rule {
				return -1
			}
			return 1
		}
		if a.Message < b.Message {
			return -1
		}
		if a.Message > b.Message {
			return 1
		}
		return 0
	})
	return out
}

// duplicates reports duplicate lines and duplicate definitions on the later line.
func (s *Snapshot) wholeDuplicates(fi *fileIndex, add func(Diagnostic)) {
	byLine := func(x *fileIndex) *lineTable[uint64] { return &x.lineHash }
	byDef := func(x *fileIndex) *lineTable[uint64] { return &x.defHash }
	dupLine := map[int32]bool{}
	var lineEarlier, defEarlier func(uint64) bool
	if s.tables != nil {
		lineEarlier = func(h uint64) bool { return heldBefore(s, pickLines, h, fi) }
		defEarlier = func(h uint64) bool { return heldBefore(s, pickDefs, h, fi) }
	}
	wholeLaterCopies(fi, byLine, lineEarlier, func(h uint64, ln int32) {
		if dupLine[ln] {
			return
		}
		want := lineNormalized(fi.ast, int(ln))
		if first, fl, ok := wholeFirstEqual(s.lineFiles(h), fi, ln, h, want, byLine, lineNormalized); ok {
			dupLine[ln] = true
			add(Diagnostic{Span: fi.ast.LineSpan(int(ln)), Rule: analysis.RuleDuplicateLine,
				Message: "duplicate of " + where(first, fl, fi),
				Related: []Related{{Path: first.path, Span: first.ast.LineSpan(int(fl)), Message: "first written here"}}})
		}
	})
	seenDef := map[int32]bool{}
	wholeLaterCopies(fi, byDef, defEarlier, func(h uint64, ln int32) {
		if dupLine[ln] || seenDef[ln] {
			return
		}
		seenDef[ln] = true
		want := defNormalized(fi.ast, int(ln))
		if first, fl, ok := wholeFirstEqual(s.defFiles(h), fi, ln, h, want, byDef, defNormalized); ok {
			add(Diagnostic{Span: fi.ast.LineSpan(int(ln)), Rule: analysis.RuleDuplicateDef,
				Message: "the same definition of this term is given at " + where(first, fl, fi),
				Related: []Related{{Path: first.path, Span: first.ast.LineSpan(int(fl)), Message: "first defined here"}}})
		}
	})
}

// redundantStubs reports stubs whose term also has an entry with a definition or URL.
func (s *Snapshot) wholeRedundantStubs(fi *fileIndex, add func(Diagnostic)) {
	for _, st := range s.crossFindings().stubs.get(fi.path) {
		other, ln := s.describedAt(st)
		add(Diagnostic{Span: fi.ast.LineSpan(int(st.line)), Rule: analysis.RuleRedundantStub,
			Message: "stub of a term that " + where(other, ln, fi) + " already describes",
			Related: []Related{{Path: other.path, Span: other.ast.LineSpan(int(ln)), Message: "described here"}}})
	}
}

// brokenReferences reports [[x]] that resolve to nothing, with the closest known terms;
// may says whether one more may be reported.
func (s *Snapshot) wholeBrokenReferences(fi *fileIndex, may func(rule string) bool, add func(Diagnostic)) {
	f := fi.ast
	for _, b := range s.crossFindings().broken.get(fi.path) {
		if !may(analysis.RuleBrokenReference) {
			continue
		}
		i := int(b.line)
		r := f.Line(i).Refs()[b.ref]
		target := r.Target.Text(f.LineText(i))
		msg := fmt.Sprintf("no term %q in the workspace", target)
		if sugg := s.suggest(r.Key); len(sugg) > 0 {
			msg += "; did you mean " + quoteList(sugg) + "?"
		}
		add(Diagnostic{Span: r.Span.In(f.Start(i)), Rule: analysis.RuleBrokenReference, Message: msg})
	}
}

// firstEqual finds the first line in the workspace, before (fi, ln), whose normalized
// form under hash h equals want: in the files before fi, then in fi's earlier lines.
// holders lists the files with a line of hash h, in workspace order.
func wholeFirstEqual(holders []*fileIndex, fi *fileIndex, ln int32, h uint64, want []byte,
	table func(*fileIndex) *lineTable[uint64], norm func(*analysis.File, int) []byte) (*fileIndex, int32, bool) {
	for _, other := range holders {
		for _, cand := range table(other).lines(h) {
			if other == fi && cand >= ln {
				break
			}
			if bytes.Equal(norm(other.ast, int(cand)), want) {
				return other, cand, true
			}
		}
		if other == fi {
			break
		}
	}
	return nil, 0, false
}

// laterCopies calls report for every line of fi that has an earlier line with the same
// hash, in fi or in a file before it: the candidates for a duplicate finding. earlier
// tells whether a file before fi has a line of a hash; nil says no file can. The lines
// come in order, not in the tables' order, which changes from run to run: when the
// maxCrossLineFindings budget runs out, the same duplicates must be the ones reported.
func wholeLaterCopies(fi *fileIndex, table func(*fileIndex) *lineTable[uint64], earlier func(uint64) bool, report func(h uint64, ln int32)) {
	type copyOf struct {
		ln int32
		h  uint64
	}
	var copies []copyOf
	t := table(fi)
	for h, lines := range t.more.all() {
		for _, ln := range lines[1:] {
			copies = append(copies, copyOf{ln, h})
		}
	}
	if earlier != nil {
		for h, ln := range t.all() {
			if earlier(h) {
				copies = append(copies, copyOf{ln, h}) // fi's other lines of h came from t.more above
			}
		}
	}
	slices.SortFunc(copies, func(a, b copyOf) int { return cmp.Compare(a.ln, b.ln) })
	for _, c := range copies {
		report(c.h, c.ln)
	}
}

func quoteList(items []string) string {
	var b bytes.Buffer
	for i, it := range items {
		if i > 0 {
			if i == len(items)-1 {
				b.WriteString(" or ")
			} else {
				b.WriteString(", ")
			}
		}
		fmt.Fprintf(&b, "%q", it)
	}
	return b.String()
}
