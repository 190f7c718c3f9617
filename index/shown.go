package index

import (
	"slices"

	"github.com/notesls/notesls/analysis"
)

// DiagnosticsUpTo returns what an editor is shown of one file's findings: Diagnostics when
// there are at most max of them, or max is 0. Otherwise the max most severe (errors
// first, each severity in file order), in Diagnostics' order, and a limit-reached
// finding on line 1 that counts the rest by severity.
//
// Only the findings shown are put in order and made: the others are counted. A messy
// file of 47,500 findings, 10,300 of them errors, reads its lines up to the thousandth
// error on each keystroke, and of its 19,000 cross-line findings sorts only the 5,300
// broken references, which are errors; ordering all of them took 15 of the 36 ms of a
// keystroke's findings.
func (s *Snapshot) DiagnosticsUpTo(path string, max int) []Diagnostic {
	r, fi := s.diagResultOf(path)
	if r == nil {
		return []Diagnostic{}
	}
	if max <= 0 {
		return s.Diagnostics(path)
	}
	fp := r.partsOf(s, fi)
	count := fp.countBySeverity()
	total := 0
	for _, n := range count {
		total += n
	}
	if total <= max {
		return s.Diagnostics(path)
	}
	// Every finding more severe than cut is shown, and the first room of cut's.
	cut, room, better := analysis.SeverityHint, max, 0
	for sv := analysis.SeverityError; sv <= analysis.SeverityHint; sv++ {
		if count[sv-analysis.SeverityError] >= room {
			cut = sv
			break
		}
		room -= count[sv-analysis.SeverityError]
		better += count[sv-analysis.SeverityError]
	}
	admits := func(sev analysis.Severity) bool { return sev <= cut }
	shown := make([]pendingDiag, 0, max)
	var taken [4]int
	take := func(d *pendingDiag, sev analysis.Severity) {
		switch {
		case sev < cut:
			better--
		case room > 0:
			room--
		default:
			return
		}
		shown = append(shown, *d)
		taken[sev-analysis.SeverityError]++
	}
	cross := fp.crossAdmitted(admits)
	for group := range fp.byLine(0, admits) {
		if better == 0 && room == 0 {
			break // what is left is counted, not shown
		}
		for i := range group {
			for len(cross) > 0 && fp.order(cross[0], group[i]) < 0 {
				take(&cross[0], fp.severity(&cross[0]))
				cross = cross[1:]
			}
			take(&group[i], fp.severity(&group[i]))
		}
	}
	for i := range cross {
		take(&cross[i], fp.severity(&cross[i]))
	}
	out := make([]Diagnostic, len(shown), len(shown)+1)
	for i := range shown {
		out[i] = fp.makeOf(&shown[i])
	}
	var omitted [4]int
	for sv := range omitted {
		omitted[sv] = count[sv] - taken[sv]
	}
	if d := s.shownFinding(fi, max, omitted); fp.cfg.SeverityOf(d.Rule) != RuleOff {
		d.Severity, d.Path = fp.cfg.SeverityOf(d.Rule), fi.path
		at, _ := slices.BinarySearchFunc(out, d, compareDiagnostics)
		out = slices.Insert(out, at, d)
	}
	return out
}

// countBySeverity counts the findings by severity, error first.
func (fp *findingParts) countBySeverity() [4]int {
	var count [4]int
	for rc := range fp.fi.ast.RuleCounts() {
		if sev := fp.severityOf(rc.Rule); sev != RuleOff {
			count[sev-analysis.SeverityError] += rc.N
		}
	}
	if len(fp.unsorted) > 0 {
		count[fp.severityOf(analysis.RuleUnsorted)-analysis.SeverityError] += len(fp.unsorted)
	}
	for i := range fp.cross {
		count[fp.severity(&fp.cross[i])-analysis.SeverityError]++
	}
	if len(fp.dupLines) > 0 {
		count[fp.severityOf(analysis.RuleDuplicateLine)-analysis.SeverityError] += len(fp.dupLines)
	}
	if len(fp.dupDefs) > 0 {
		count[fp.severityOf(analysis.RuleDuplicateDef)-analysis.SeverityError] += len(fp.dupDefs)
	}
	return count
}

// crossAdmitted returns the cross-line findings whose severity admits allows, in order.
func (fp *findingParts) crossAdmitted(admits func(analysis.Severity) bool) []pendingDiag {
	n := 0
	for i := range fp.cross {
		if admits(fp.severity(&fp.cross[i])) {
			n++
		}
	}
	if admits(fp.severityOf(analysis.RuleDuplicateLine)) {
		n += len(fp.dupLines)
	}
	if admits(fp.severityOf(analysis.RuleDuplicateDef)) {
		n += len(fp.dupDefs)
	}
	out := make([]pendingDiag, 0, n)
	for i := range fp.cross {
		if admits(fp.severity(&fp.cross[i])) {
			out = append(out, fp.cross[i])
		}
	}
	out = fp.admittedDups(fp.withSpans(out), admits)
	slices.SortFunc(out, fp.order)
	return out
}

// DiagnosticsIn returns the findings of one file that start at an offset in [from, to),
// as Diagnostics orders them; only those are ordered and made.
func (s *Snapshot) DiagnosticsIn(path string, from, to int) []Diagnostic {
	r, fi := s.diagResultOf(path)
	if r == nil || from >= to {
		return nil
	}
	fp := r.partsOf(s, fi)
	f := fi.ast
	inRange := func(d *pendingDiag) bool { return d.span.Start >= from && d.span.Start < to }
	var cross []pendingDiag
	for i := range fp.cross {
		d := fp.cross[i]
		if fp.withSpan(&d); inRange(&d) {
			cross = append(cross, d)
		}
	}
	// A duplicate starts its line: it is in the range when its line starts there.
	firstLine, endLine := linesStartingIn(f, from, to)
	cross = fp.appendDups(cross, firstLine, endLine)
	slices.SortFunc(cross, fp.order)
	var lines []pendingDiag
	for group := range fp.byLine(f.LineAt(max(from, 0)), func(analysis.Severity) bool { return true }) {
		if group[0].span.Start >= to {
			break
		}
		for i := range group {
			if inRange(&group[i]) {
				lines = append(lines, group[i])
			}
		}
	}
	var out []Diagnostic
	for _, d := range mergeSorted(lines, cross, fp.order) {
		out = append(out, fp.makeOf(&d))
	}
	return out
}

// linesStartingIn returns the lines [first, end) of f that start at an offset in
// [from, to).
func linesStartingIn(f *analysis.File, from, to int) (first, end int) {
	startsBefore := func(off int) int { // the number of lines that start before off
		if off <= 0 || f.NumLines() == 0 {
			return 0
		}
		ln := f.LineAt(off - 1)
		return ln + 1
	}
	return startsBefore(from), startsBefore(to)
}
