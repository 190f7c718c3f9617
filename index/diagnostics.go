package index

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/notesls/notesls/analysis"
)

// Diagnostics returns every finding in one file, single-line and cross-line rules alike,
// with the configured severities, sorted by position then rule. It is computed once per
// snapshot and file.
func (s *Snapshot) Diagnostics(path string) []Diagnostic {
	fi := s.file(path)
	if fi == nil {
		return []Diagnostic{}
	}
	s.diagMu.Lock()
	r := s.diags[path]
	if r == nil {
		r = &diagResult{}
		s.diags[path] = r
	}
	s.diagMu.Unlock()
	r.once.Do(func() { r.diags = s.computeDiagnostics(fi) })
	return r.diags
}

// fixable rules are those that `--check --fix` repairs.
var fixable = map[string]bool{
	analysis.RuleMalformedSeparator: true,
	analysis.RuleDuplicateURL:       true,
	analysis.RuleTrailingWhitespace: true,
	analysis.RuleUnsorted:           true,
}

func (s *Snapshot) computeDiagnostics(fi *fileIndex) []Diagnostic {
	// The workspace-wide near-duplicate pass is the longest; it runs beside this file's
	// own rules.
	near := make(chan nearResult, 1)
	go func() { near <- s.nearDuplicates() }()
	out := []Diagnostic{}
	add := func(d Diagnostic) {
		sev := s.cfg.SeverityOf(d.Rule)
		if sev == RuleOff {
			return
		}
		d.Severity = sev
		d.Path = fi.path
		d.Fixable = fixable[d.Rule]
		d.Unnecessary = d.Rule == analysis.RuleRedundantStub
		out = append(out, d)
	}
	f := fi.ast
	for i := range f.NumLines() {
		for _, d := range f.Line(i).Diags() {
			add(Diagnostic{Span: d.Span.In(f.Start(i)), Rule: d.Rule, Message: d.Message})
		}
	}
	if s.cfg.Sorting {
		for _, ln := range fi.unsorted.get(func() []int { return unsortedLines(f, &fi.sortKeys) }) {
			add(Diagnostic{Span: f.LineSpan(ln), Rule: analysis.RuleUnsorted,
				Message: "line breaks the case-insensitive order of its block"})
		}
	}
	if s.oversized(fi) {
		<-near
		add(s.oversizedFinding(fi))
	} else {
		budget := newFindingBudget(s.cfg.MaxCrossFindings)
		// may says whether a finding of rule is reported, counting it; asked before the
		// finding's message is made, which for a broken reference costs its suggestions.
		may := func(rule string) bool { return s.cfg.SeverityOf(rule) != RuleOff && budget.take() }
		cross := func(d Diagnostic) {
			if may(d.Rule) {
				add(d)
			}
		}
		s.duplicates(fi, cross)
		s.redundantStubs(fi, cross)
		s.brokenReferences(fi, may, add)
		// Near-duplicates can be the most numerous findings of a large file: the list
		// grows once to its final size rather than by doubling.
		findings := (<-near)[fi.path]
		out = slices.Grow(out, len(findings))
		for _, n := range findings {
			if may(analysis.RuleNearDuplicate) {
				add(n.diagnostic(s, fi))
			}
		}
		if budget.skipped > 0 {
			add(s.budgetFinding(fi, budget.skipped))
		}
	}
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

// firstEqual finds the first line in the workspace, before (fi, ln), whose normalized
// form under hash h equals want: in the files before fi, then in fi's earlier lines.
// holders lists the files with a line of hash h, in workspace order.
func firstEqual(holders []*fileIndex, fi *fileIndex, ln int32, h uint64, want []byte,
	table func(*fileIndex) *lineTable, norm func(*analysis.File, int) []byte) (*fileIndex, int32, bool) {
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
// tells whether a file before fi has a line of a hash; nil says no file can.
func laterCopies(fi *fileIndex, table func(*fileIndex) *lineTable, earlier func(uint64) bool, report func(h uint64, ln int32)) {
	t := table(fi)
	for h, lines := range t.more {
		for _, ln := range lines[1:] {
			report(h, ln)
		}
	}
	if earlier == nil {
		return
	}
	for h, ln := range t.first.all() {
		if earlier(h) {
			report(h, ln) // fi's other lines of h came from t.more above
		}
	}
}

// duplicates reports duplicate lines and duplicate definitions on the later line.
func (s *Snapshot) duplicates(fi *fileIndex, add func(Diagnostic)) {
	byLine := func(x *fileIndex) *lineTable { return &x.lineHash }
	byDef := func(x *fileIndex) *lineTable { return &x.defHash }
	dupLine := map[int32]bool{}
	var lineEarlier, defEarlier func(uint64) bool
	if s.tables != nil {
		lineEarlier = func(h uint64) bool { return heldBefore(s, pickLines, h, fi) }
		defEarlier = func(h uint64) bool { return heldBefore(s, pickDefs, h, fi) }
	}
	laterCopies(fi, byLine, lineEarlier, func(h uint64, ln int32) {
		if dupLine[ln] {
			return
		}
		want := lineNormalized(fi.ast, int(ln))
		if first, fl, ok := firstEqual(s.lineFiles(h), fi, ln, h, want, byLine, lineNormalized); ok {
			dupLine[ln] = true
			add(Diagnostic{Span: fi.ast.LineSpan(int(ln)), Rule: analysis.RuleDuplicateLine,
				Message: "duplicate of " + where(first, fl, fi),
				Related: []Related{{Path: first.path, Span: first.ast.LineSpan(int(fl)), Message: "first written here"}}})
		}
	})
	seenDef := map[int32]bool{}
	laterCopies(fi, byDef, defEarlier, func(h uint64, ln int32) {
		if dupLine[ln] || seenDef[ln] {
			return
		}
		seenDef[ln] = true
		want := defNormalized(fi.ast, int(ln))
		if first, fl, ok := firstEqual(s.defFiles(h), fi, ln, h, want, byDef, defNormalized); ok {
			add(Diagnostic{Span: fi.ast.LineSpan(int(ln)), Rule: analysis.RuleDuplicateDef,
				Message: "the same definition of this term is given at " + where(first, fl, fi),
				Related: []Related{{Path: first.path, Span: first.ast.LineSpan(int(fl)), Message: "first defined here"}}})
		}
	})
}

// where names a line for a message: "line 12", or "other.notes:12" in another file.
func where(fi *fileIndex, ln int32, from *fileIndex) string {
	if fi == from {
		return fmt.Sprintf("line %d", ln+1)
	}
	return fmt.Sprintf("%s:%d", fi.path, ln+1)
}

// redundantStubs reports stubs whose term also has an entry with a definition or URL.
func (s *Snapshot) redundantStubs(fi *fileIndex, add func(Diagnostic)) {
	for _, st := range s.crossFindings().stubs[fi.path] {
		other := s.file(st.other)
		add(Diagnostic{Span: fi.ast.LineSpan(int(st.line)), Rule: analysis.RuleRedundantStub,
			Message: "stub of a term that " + where(other, st.otherLine, fi) + " already describes",
			Related: []Related{{Path: other.path, Span: other.ast.LineSpan(int(st.otherLine)), Message: "described here"}}})
	}
}

// meaningfulEntry finds the first entry of key with a definition or a URL.
func (s *Snapshot) meaningfulEntry(key string) (*fileIndex, int32, bool) {
	meaningful := func(fi *fileIndex, ln int32) bool {
		l := fi.ast.Line(int(ln))
		return l.Sep.Defines() && l.Body.Len() > 0 || len(l.URLs) > 0
	}
	for _, fi := range s.topicFiles(key) {
		t := fi.topics.get(key)
		if t.entry < 0 {
			continue
		}
		if meaningful(fi, t.entry) {
			return fi, t.entry, true
		}
		for _, ln := range fi.moreEntries[key] {
			if meaningful(fi, ln) {
				return fi, ln, true
			}
		}
	}
	return nil, 0, false
}

// brokenReferences reports [[x]] that resolve to nothing, with the closest known terms;
// may says whether one more may be reported.
func (s *Snapshot) brokenReferences(fi *fileIndex, may func(rule string) bool, add func(Diagnostic)) {
	f := fi.ast
	for _, b := range s.crossFindings().broken[fi.path] {
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
