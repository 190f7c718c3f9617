package index

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
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

// DiagnosticsOnce returns what Diagnostics does, computed again unless the snapshot holds
// it already, and without keeping it: for a caller that asks once per file, as --check
// does, so that a file's findings go once it has printed them.
func (s *Snapshot) DiagnosticsOnce(path string) []Diagnostic {
	fi := s.file(path)
	if fi == nil {
		return []Diagnostic{}
	}
	s.diagMu.Lock()
	r := s.diags[path]
	s.diagMu.Unlock()
	if r != nil {
		r.once.Do(func() { r.diags = s.computeDiagnostics(fi) })
		return r.diags
	}
	return s.computeDiagnostics(fi)
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
		s.duplicates(fi, crossOne)
		s.redundantStubs(fi, crossOne)
		s.brokenReferences(fi, may, add)
		// By key, not in the map's order, which changes from run to run: when the budget
		// runs out, the same names must be the ones reported.
		findings := (<-near)[fi.path]
		cross = slices.Grow(cross, len(findings)+1)
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
// tells whether a file before fi has a line of a hash; nil says no file can. The lines
// come in order, not in the tables' order, which changes from run to run: when the
// maxCrossLineFindings budget runs out, the same duplicates must be the ones reported.
func laterCopies(fi *fileIndex, table func(*fileIndex) *lineTable, earlier func(uint64) bool, report func(h uint64, ln int32)) {
	type copyOf struct {
		ln int32
		h  uint64
	}
	var copies []copyOf
	t := table(fi)
	for h, lines := range t.more {
		for _, ln := range lines[1:] {
			copies = append(copies, copyOf{ln, h})
		}
	}
	if earlier != nil {
		for h, ln := range t.first.all() {
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
