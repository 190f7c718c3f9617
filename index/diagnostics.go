package index

import (
	"bytes"
	"cmp"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/notesls/notesls/analysis"
)

// Diagnostics returns every finding in one file, single-line and cross-line rules alike,
// with the configured severities, sorted by position then rule. It is computed once per
// snapshot and file.
func (s *Snapshot) Diagnostics(path string) []Diagnostic {
	r, fi := s.diagResultOf(path)
	if r == nil {
		return []Diagnostic{}
	}
	r.once.Do(func() { r.diags = r.pendingOf(s, fi).makeAll() })
	return r.diags
}

// compareDiagnostics is the order of Diagnostics.
func compareDiagnostics(a, b Diagnostic) int {
	if c := cmp.Compare(a.Span.Start, b.Span.Start); c != 0 {
		return c
	}
	if c := strings.Compare(a.Rule, b.Rule); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}

func (s *Snapshot) diagResultOf(path string) (*diagResult, *fileIndex) {
	fi := s.file(path)
	if fi == nil {
		return nil, nil
	}
	s.diagMu.Lock()
	defer s.diagMu.Unlock()
	r := s.diags[path]
	if r == nil {
		r = &diagResult{}
		s.diags[path] = r
	}
	return r, fi
}

func (r *diagResult) pendingOf(s *Snapshot, fi *fileIndex) *pendingDiags {
	r.pendingOnce.Do(func() { r.pending = r.partsOf(s, fi).ordered(true) })
	return r.pending
}

func (r *diagResult) partsOf(s *Snapshot, fi *fileIndex) *findingParts {
	r.partsOnce.Do(func() { r.parts = s.findingParts(fi) })
	return r.parts
}

// EachDiagnostic calls yield with the findings of Diagnostics one at a time, in its order,
// until yield returns false. Unless the snapshot holds them already, each is made only
// when it is handed out and none is kept: a caller that asks once per file, as --check
// does, holds one finding at a time instead of all of them (450,000 at a million messy
// lines, 120 bytes each and their messages as much again).
func (s *Snapshot) EachDiagnostic(path string, yield func(Diagnostic) bool) {
	fi := s.file(path)
	if fi == nil {
		return
	}
	s.diagMu.Lock()
	r := s.diags[path]
	s.diagMu.Unlock()
	if r != nil {
		for _, d := range s.Diagnostics(path) {
			if !yield(d) {
				return
			}
		}
		return
	}
	p := s.pendingDiagnostics(fi)
	for i := range p.list {
		if !yield(p.make(i)) {
			return
		}
	}
}

// fixable rules are those that `--check --fix` repairs.
var fixable = map[string]bool{
	analysis.RuleMalformedSeparator: true,
	analysis.RuleDuplicateURL:       true,
	analysis.RuleTrailingWhitespace: true,
	analysis.RuleUnsorted:           true,
}

func (p *pendingDiags) makeAll() []Diagnostic {
	out := make([]Diagnostic, len(p.list))
	for i := range p.list {
		out[i] = p.make(i)
	}
	return out
}

// The kinds of pending finding, by where its message and related places come from.
const (
	fromLine     uint8 = iota // a rule of one line: the b-th of line a's diagnostics
	fromUnsorted              // line a breaks the order of its block
	fromDupLine               // line a is a duplicate of line b of other
	fromDupDef                // line a repeats the definition on line b of other
	fromStub                  // the a-th redundant stub of the file's cross state
	fromBroken                // the a-th broken reference of the file's cross state
	fromMention               // the a-th unlinked mention of the file's mention state
	fromNear                  // the a-th near-duplicate name of the file
	fromMade                  // the a-th of the findings made at once (limits)
)

// A pendingDiag is a finding known by its span and by where its message comes from; the
// message, its related places and the rest of the Diagnostic are made when it is handed
// out. A messy file has a finding on every other line, and the Diagnostic of each with its
// message and related places took about 150 bytes; this takes 40.
type pendingDiag struct {
	span  analysis.Span
	other *fileIndex
	a, b  int32
	from  uint8
	// sev is a line finding's severity, found when it is listed: working it out again
	// read the line's tree once more, for each of a messy file's forty thousand.
	sev analysis.Severity
}

// pendingDiags are one file's findings, sorted by position then rule and message.
type pendingDiags struct {
	s          *Snapshot
	cfg        Config                       // the file's
	severities map[string]analysis.Severity // cfg's, of every rule
	fi         *fileIndex
	list       []pendingDiag
	stubs      []stubFinding
	broken     []brokenRef
	mentions   []mention
	near       []nearFinding
	made       []Diagnostic
}

// findingParts are one file's findings before they are put in order: the cross-line ones
// as they were found, and the lines of the unsorted rule. Ordered whole they make
// pendingDiags' list; a caller that shows some of them orders only those, and a messy file
// of 40,000 findings shows 1,000.
type findingParts struct {
	*pendingDiags
	cross []pendingDiag
	// dupLines and dupDefs are the duplicates reported, in line order: the lists the
	// budget left of the file's, apart from cross. A messy file has 60,000 of them, most
	// only counted, and as pending findings each took 40 bytes and a look at its line.
	dupLines, dupDefs []dupEntry
	unsorted          []int // in order; nil when the rule is off
}

// findingParts finds every finding of fi, single-line and cross-line alike.
func (s *Snapshot) findingParts(fi *fileIndex) *findingParts {
	// The workspace-wide near-duplicate pass is the longest; it runs beside this file's
	// own rules.
	p := &pendingDiags{s: s, fi: fi, cfg: s.ConfigOf(fi.path)}
	p.severities = p.cfg.severities()
	on := func(rule string) bool { return p.severityOf(rule) != RuleOff }
	var nearPass analysis.Group // a panic in the pass is raised here, where the caller recovers
	var nearFound nearResult
	if on(analysis.RuleNearDuplicate) { // the pass costs a fifth of a million-line check
		nearPass.Go(func() { nearFound = s.nearDuplicates() })
	}
	f := fi.ast
	var unsorted []int
	if p.cfg.Sorting {
		unsorted = fi.unsortedList()
	}
	// The cross-line findings are found first, since the budget counts them, and go last,
	// where they always went: the list is made once at its final size.
	var cross []pendingDiag
	var dupLines, dupDefs []dupEntry
	if s.oversized(fi) {
		nearPass.Wait()
		if d := s.oversizedFinding(fi); on(d.Rule) {
			cross = append(cross, p.madeOne(d))
		}
	} else {
		budget := newFindingBudget(p.cfg.MaxCrossFindings)
		// may says whether a finding of rule is reported, counting it; asked before the
		// finding's message is made, which for a broken reference costs its suggestions.
		may := func(rule string) bool { return on(rule) && budget.take() }
		dups := s.dupListsOf(fi)
		cs := s.crossFindings()
		p.stubs, p.broken = cs.stubs.get(fi.path), cs.broken.get(fi.path)
		if on(analysis.RuleBrokenReference) {
			s.startSuggestionsFor(&nearPass, p.broken)
		}
		if on(RuleUnlinkedMention) {
			p.mentions = s.mentionFindings().byFile[fi.path]
		}
		nearPass.Wait()
		findings := nearFound[fi.path]
		// Made once at its size: grown as found, the list of a file of 60,000 duplicates
		// was copied a dozen times. Each finding carries its severity, which every
		// keystroke's count and choice of what is shown read, three times a finding.
		cross = make([]pendingDiag, 0, len(p.stubs)+len(p.broken)+len(findings)+len(p.mentions)+1)
		if on(analysis.RuleDuplicateLine) {
			dupLines = dups.lines[:budget.takeN(len(dups.lines))]
		}
		if on(analysis.RuleDuplicateDef) {
			dupDefs = dups.defs[:budget.takeN(len(dups.defs))]
		}
		sev := p.severityOf
		for i, st := range p.stubs {
			if may(analysis.RuleRedundantStub) {
				cross = append(cross, pendingDiag{span: f.LineSpan(int(st.line)), a: int32(i), from: fromStub, sev: sev(analysis.RuleRedundantStub)})
			}
		}
		for i, b := range p.broken {
			if may(analysis.RuleBrokenReference) {
				r := f.Line(int(b.line)).Refs()[b.ref]
				cross = append(cross, pendingDiag{span: r.Span.In(f.Start(int(b.line))), a: int32(i), from: fromBroken, sev: sev(analysis.RuleBrokenReference)})
			}
		}
		// By key, not in the map's order, which changes from run to run, when the budget
		// runs out: the same names must be the ones reported. When all are reported, the
		// order they are found in is lost in the findings' own. A name's span is found
		// when it is ordered (withSpans): in a messy file the names are mostly counted.
		keys := maps.Keys(findings)
		if !budget.fits(len(findings)) {
			keys = slices.Values(slices.Sorted(keys))
		}
		for key := range keys {
			if may(analysis.RuleNearDuplicate) {
				p.near = append(p.near, findings[key])
				cross = append(cross, pendingDiag{a: int32(len(p.near) - 1), from: fromNear, sev: sev(analysis.RuleNearDuplicate)})
			}
		}
		if on(RuleUnlinkedMention) {
			for i, m := range p.mentions {
				if may(RuleUnlinkedMention) {
					sp := analysis.LineSpan{Start: m.start, End: m.end}
					cross = append(cross, pendingDiag{span: sp.In(f.Start(int(m.line))), a: int32(i), from: fromMention, sev: sev(RuleUnlinkedMention)})
				}
			}
		}
		if budget.skipped > 0 {
			if d := s.budgetFinding(fi, budget.skipped); on(d.Rule) {
				cross = append(cross, p.madeOne(d))
			}
		}
	}
	if !on(analysis.RuleUnsorted) {
		unsorted = nil
	} else if !slices.IsSorted(unsorted) {
		unsorted = slices.Sorted(slices.Values(unsorted))
	}
	return &findingParts{pendingDiags: p, cross: cross, dupLines: dupLines, dupDefs: dupDefs, unsorted: unsorted}
}

// withSpans gives the near-duplicate names among list, the caller's, their spans, which
// findingParts leaves out.
func (fp *findingParts) withSpans(list []pendingDiag) []pendingDiag {
	for i := range list {
		fp.withSpan(&list[i])
	}
	return list
}

// withSpan gives d its span if it is a near-duplicate name's, which findingParts leaves out.
func (fp *findingParts) withSpan(d *pendingDiag) {
	if d.from == fromNear {
		d.span = fp.near[d.a].span(fp.fi)
	}
}

// appendDups appends to out the pending findings of the duplicates whose lines are in
// [from, to), the lines first, each kind in line order.
func (fp *findingParts) appendDups(out []pendingDiag, from, to int) []pendingDiag {
	out = fp.appendDupList(out, fp.dupLines, fromDupLine, from, to)
	return fp.appendDupList(out, fp.dupDefs, fromDupDef, from, to)
}

// admittedDups appends the duplicates of the kinds whose severity admits allows.
func (fp *findingParts) admittedDups(out []pendingDiag, admits func(analysis.Severity) bool) []pendingDiag {
	if admits(fp.severityOf(analysis.RuleDuplicateLine)) {
		out = fp.appendDupList(out, fp.dupLines, fromDupLine, 0, math.MaxInt)
	}
	if admits(fp.severityOf(analysis.RuleDuplicateDef)) {
		out = fp.appendDupList(out, fp.dupDefs, fromDupDef, 0, math.MaxInt)
	}
	return out
}

// appendDupList appends the entries of list, of kind which, whose lines are in [from, to).
func (fp *findingParts) appendDupList(out []pendingDiag, list []dupEntry, which uint8, from, to int) []pendingDiag {
	lo, _ := slices.BinarySearchFunc(list, int32(min(from, math.MaxInt32)), func(e dupEntry, ln int32) int { return cmp.Compare(e.ln, ln) })
	for _, e := range list[lo:] {
		if int(e.ln) >= to {
			break
		}
		other := e.other
		if other == nil {
			other = fp.fi
		}
		out = append(out, pendingDiag{span: fp.fi.ast.LineSpan(int(e.ln)), other: other, a: e.ln, b: e.fl, from: which})
	}
	return out
}

// order is the order of Diagnostics. The message is made only to order two findings of
// one rule at one place.
func (p *pendingDiags) order(a, b pendingDiag) int {
	if a.span.Start != b.span.Start {
		return a.span.Start - b.span.Start
	}
	if c := strings.Compare(p.rule(&a), p.rule(&b)); c != 0 {
		return c
	}
	return strings.Compare(p.message(&a), p.message(&b))
}

// byLine yields the findings of single lines from line from on whose severity keep
// admits, one line at a time, in order: a line's findings start inside it, so each line's
// few, sorted alone, are in order. Sorting all of them at once took a tenth of a messy
// file's keystroke. The slice yielded is reused for the next line.
func (fp *findingParts) byLine(from int, keep func(analysis.Severity) bool) iter.Seq[[]pendingDiag] {
	return func(yield func([]pendingDiag) bool) {
		f := fp.fi.ast
		at, _ := slices.BinarySearch(fp.unsorted, from)
		unsorted := fp.unsorted[at:]
		if len(unsorted) > 0 && !keep(fp.severityOf(analysis.RuleUnsorted)) {
			unsorted = nil
		}
		var group []pendingDiag
		unsortedUpTo := func(i int) bool { // the lines before i that only the unsorted rule flags
			for len(unsorted) > 0 && unsorted[0] < i {
				group = append(group[:0], pendingDiag{span: f.LineSpan(unsorted[0]), a: int32(unsorted[0]), from: fromUnsorted})
				unsorted = unsorted[1:]
				if !yield(group) {
					return false
				}
			}
			return true
		}
		for i, diags := range f.DiagLinesFrom(from) {
			if !unsortedUpTo(i) {
				return
			}
			group = group[:0]
			if len(unsorted) > 0 && unsorted[0] == i {
				group = append(group, pendingDiag{span: f.LineSpan(i), a: int32(i), from: fromUnsorted})
				unsorted = unsorted[1:]
			}
			start := f.Start(i)
			for j, d := range diags {
				if sev := fp.severityOf(d.Rule); sev != RuleOff && keep(sev) {
					group = append(group, pendingDiag{span: d.Span.In(start), a: int32(i), b: int32(j), from: fromLine, sev: sev})
				}
			}
			if len(group) > 1 {
				slices.SortFunc(group, fp.order)
			}
			if len(group) > 0 && !yield(group) {
				return
			}
		}
		unsortedUpTo(math.MaxInt)
	}
}

// pendingDiagnostics finds every finding of fi, single-line and cross-line alike, in the
// order Diagnostics returns them.
func (s *Snapshot) pendingDiagnostics(fi *fileIndex) *pendingDiags {
	return s.findingParts(fi).ordered(false)
}

// ordered puts every finding in order; the parts are left as they were found when kept,
// for the next caller.
func (fp *findingParts) ordered(kept bool) *pendingDiags {
	size := len(fp.unsorted)
	for _, diags := range fp.fi.ast.DiagLines() {
		size += len(diags)
	}
	lines := make([]pendingDiag, 0, size)
	for group := range fp.byLine(0, func(analysis.Severity) bool { return true }) {
		lines = append(lines, group...)
	}
	cross := fp.cross
	if kept || len(fp.dupLines)+len(fp.dupDefs) > 0 {
		cross = fp.appendDups(slices.Clip(slices.Clone(cross)), 0, math.MaxInt)
	}
	slices.SortFunc(fp.withSpans(cross), fp.order)
	fp.list = mergeSorted(lines, cross, fp.order)
	return fp.pendingDiags
}

// mergeSorted merges two sorted lists into a new one.
func mergeSorted[E any](a, b []E, order func(x, y E) int) []E {
	if len(b) == 0 {
		return a
	}
	out := make([]E, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if order(b[0], a[0]) < 0 {
			out = append(out, b[0])
			b = b[1:]
		} else {
			out = append(out, a[0])
			a = a[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

// madeOne keeps a finding made whole, and returns it pending.
func (p *pendingDiags) madeOne(d Diagnostic) pendingDiag {
	p.made = append(p.made, d)
	return pendingDiag{span: d.Span, a: int32(len(p.made) - 1), from: fromMade}
}

func (p *pendingDiags) rule(d *pendingDiag) string {
	switch d.from {
	case fromLine:
		return p.fi.ast.Line(int(d.a)).Diags()[d.b].Rule
	case fromUnsorted:
		return analysis.RuleUnsorted
	case fromDupLine:
		return analysis.RuleDuplicateLine
	case fromDupDef:
		return analysis.RuleDuplicateDef
	case fromStub:
		return analysis.RuleRedundantStub
	case fromBroken:
		return analysis.RuleBrokenReference
	case fromMention:
		return RuleUnlinkedMention
	case fromNear:
		return analysis.RuleNearDuplicate
	}
	return p.made[d.a].Rule
}

func (p *pendingDiags) message(d *pendingDiag) string {
	msg, _ := p.messageAndRelated(d)
	return msg
}

// messageAndRelated makes the message of a pending finding and its related places.
func (p *pendingDiags) messageAndRelated(d *pendingDiag) (string, []Related) {
	fi := p.fi
	switch d.from {
	case fromLine:
		return fi.ast.Line(int(d.a)).Diags()[d.b].Message, nil
	case fromUnsorted:
		return "line breaks the case-insensitive order of its block", nil
	case fromDupLine:
		return whereMessage("duplicate of ", d.other, d.b, fi, ""),
			[]Related{{Path: d.other.path, Span: d.other.ast.LineSpan(int(d.b)), Message: "first written here"}}
	case fromDupDef:
		return whereMessage("the same definition of this term is given at ", d.other, d.b, fi, ""),
			[]Related{{Path: d.other.path, Span: d.other.ast.LineSpan(int(d.b)), Message: "first defined here"}}
	case fromStub:
		other, ln := p.s.describedAt(p.stubs[d.a])
		return whereMessage("stub of a term that ", other, ln, fi, " already describes"),
			[]Related{{Path: other.path, Span: other.ast.LineSpan(int(ln)), Message: "described here"}}
	case fromBroken:
		return p.s.brokenMessage(fi, p.broken[d.a]), nil
	case fromMention:
		return p.s.mentionMessage(fi, p.mentions[d.a]), nil
	case fromNear:
		m := p.near[d.a].diagnostic(p.s, fi)
		return m.Message, m.Related
	}
	m := &p.made[d.a]
	return m.Message, m.Related
}

// severity is the configured severity of a pending finding.
func (p *pendingDiags) severity(d *pendingDiag) analysis.Severity {
	if d.sev != 0 {
		return d.sev
	}
	return p.severityOf(p.rule(d))
}

// severityOf is the file's configuration's severity of rule.
func (p *pendingDiags) severityOf(rule string) analysis.Severity {
	if sev, ok := p.severities[rule]; ok {
		return sev
	}
	return p.cfg.SeverityOf(rule)
}

// make makes the i-th finding whole, with its configured severity.
func (p *pendingDiags) make(i int) Diagnostic { return p.makeOf(&p.list[i]) }

// makeOf makes a pending finding whole, with its configured severity.
func (p *pendingDiags) makeOf(pd *pendingDiag) Diagnostic {
	var d Diagnostic
	if pd.from == fromMade {
		d = p.made[pd.a]
	} else {
		d.Span, d.Rule = pd.span, p.rule(pd)
		d.Message, d.Related = p.messageAndRelated(pd)
	}
	d.Severity = p.severityOf(d.Rule)
	d.Path = p.fi.path
	d.Fixable = fixable[d.Rule]
	if pd.from == fromLine && d.Rule == analysis.RuleDuplicateURL {
		d.Fixable = p.fi.ast.Line(int(pd.a)).Diags()[pd.b].Fixable // not a copy glued to a word
	}
	d.Unnecessary = d.Rule == analysis.RuleRedundantStub
	return d
}

// firstEqual finds the first line in the workspace, before (fi, ln), whose normalized
// form under hash h equals that of (fi, ln): in the files before fi, then in fi's earlier
// lines. holders lists the files with a line of hash h, in workspace order. norm appends a
// line's normalized form; want and scratch are reused for them: a messy file compares a
// line with every earlier line of its hash, and a copy each cost more than the findings.
func firstEqual(holders []*fileIndex, fi *fileIndex, ln int32, h uint64, want *[]byte,
	table func(*fileIndex) *lineTable[uint64], norm normalizer, scratch *[]byte) (*fileIndex, int32, bool) {
	// A line's form is made of its text alone, so a candidate of the same text is equal
	// without either form made: most copies in a messy file are exact ones.
	text := fi.ast.LineText(int(ln))
	*want = (*want)[:0]
	for _, other := range holders {
		for _, cand := range table(other).lines(h) {
			if other == fi && cand >= ln {
				break
			}
			if bytes.Equal(other.ast.LineText(int(cand)), text) {
				return other, cand, true
			}
			if len(*want) == 0 {
				*want = norm(*want, fi.ast, int(ln))
			}
			*scratch = norm((*scratch)[:0], other.ast, int(cand))
			if bytes.Equal(*scratch, *want) {
				return other, cand, true
			}
		}
		if other == fi {
			break
		}
	}
	return nil, 0, false
}

// A normalizer appends the normalized form of line i of f to dst: lines compare equal as
// duplicates when their forms do.
type normalizer func(dst []byte, f *analysis.File, i int) []byte

// appendLineNormalized is lineNormalized into dst.
func appendLineNormalized(dst []byte, f *analysis.File, i int) []byte {
	return appendNormalized(dst, f.LineText(i))
}

// appendDefNormalized is defNormalized into dst.
func appendDefNormalized(dst []byte, f *analysis.File, i int) []byte {
	l := f.Line(i)
	text := f.LineText(i)
	dst = append(appendNormalized(dst, l.Key), 0)
	return appendNormalized(dst, text[l.Body.Start:l.Body.End])
}

// laterCopies lists every line of fi that has an earlier line with the same hash, in fi or
// in a file before it: the candidates for a duplicate finding, with their hashes. earlier
// tells whether a file before fi has a line of a hash; nil says no file can. The lines
// come in order, each once, not in the tables' order, which changes from run to run: when
// the maxCrossLineFindings budget runs out, the same duplicates must be the ones reported.
func laterCopies(fi *fileIndex, table func(*fileIndex) *lineTable[uint64], earlier func(uint64) bool, before iter.Seq[*fileIndex]) []lineCopy {
	t := table(fi)
	n := 0
	for _, lines := range t.more.all() {
		n += len(lines) - 1
	}
	copies := make([]lineCopy, 0, n)
	for h, lines := range t.more.all() {
		for _, ln := range lines[1:] {
			copies = append(copies, lineCopy{ln, h})
		}
	}
	// fi's first line of a hash is a copy when a file before it has the hash: asked of
	// each of fi's hashes, or of each hash of the files before, whichever are fewer. The
	// first file of a large workspace has none before it; the last of a thousand small
	// ones, many.
	own, held := t.len(), 0
	var few []*fileIndex // the files before fi, while their hashes are fewer than fi's
	if earlier != nil {
		for b := range before {
			if held >= own {
				break
			}
			held += table(b).len()
			few = append(few, b)
		}
	}
	switch {
	case earlier == nil || len(few) == 0:
	case held < own:
		seen := map[uint64]bool{}
		for _, b := range few {
			for h := range table(b).all() {
				if ln, ok := t.firstLine(h); ok && !seen[h] {
					seen[h] = true
					copies = append(copies, lineCopy{ln, h})
				}
			}
		}
	default:
		for h, ln := range t.all() {
			if earlier(h) {
				copies = append(copies, lineCopy{ln, h}) // fi's other lines of h came from t.more above
			}
		}
	}
	slices.SortFunc(copies, func(a, b lineCopy) int { return cmp.Compare(a.ln, b.ln) })
	return copies
}

// filesBefore yields the files before fi in workspace order.
func (s *Snapshot) filesBefore(fi *fileIndex) iter.Seq[*fileIndex] {
	return func(yield func(*fileIndex) bool) {
		for _, p := range s.paths {
			if p >= fi.path || !yield(s.file(p)) {
				return
			}
		}
	}
}

// lineCopy is a line and its hash.
type lineCopy struct {
	ln int32
	h  uint64
}

// whereMessage is prefix + where(fi, ln, from) + suffix, made in one allocation: there is
// one a duplicate or stub.
func whereMessage(prefix string, fi *fileIndex, ln int32, from *fileIndex, suffix string) string {
	var b strings.Builder
	b.Grow(len(prefix) + len(fi.path) + 16 + len(suffix))
	b.WriteString(prefix)
	if fi == from {
		b.WriteString("line ")
	} else {
		b.WriteString(fi.path)
		b.WriteByte(':')
	}
	var num [20]byte
	b.Write(strconv.AppendInt(num[:0], int64(ln)+1, 10))
	b.WriteString(suffix)
	return b.String()
}

// where names a line for a message: "line 12", or "other.notes:12" in another file.
func where(fi *fileIndex, ln int32, from *fileIndex) string {
	if fi == from {
		return fmt.Sprintf("line %d", ln+1)
	}
	return fmt.Sprintf("%s:%d", fi.path, ln+1)
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
		for ln := range fi.moreEntries.each(key) {
			if meaningful(fi, ln) {
				return fi, ln, true
			}
		}
	}
	return nil, 0, false
}

// brokenMessage says that a reference resolves to nothing, with the closest known terms,
// made in one allocation: a messy file has tens of thousands of them.
func (s *Snapshot) brokenMessage(fi *fileIndex, b brokenRef) string {
	f := fi.ast
	i := int(b.line)
	r := f.Line(i).Refs()[b.ref]
	target := r.Target.Text(f.LineText(i))
	sugg := s.suggest(r.Key)
	size := len(target) + 40
	for _, it := range sugg {
		size += len(it) + 8
	}
	var msg strings.Builder
	msg.Grow(size)
	msg.WriteString("no term ")
	writeQuoted(&msg, target) // as %q
	msg.WriteString(" in the workspace")
	if len(sugg) > 0 {
		msg.WriteString("; did you mean ")
		writeQuoteList(&msg, sugg)
		msg.WriteByte('?')
	}
	return msg.String()
}

// writeQuoted writes s quoted as strconv.Quote does, through a buffer on the stack.
func writeQuoted(b *strings.Builder, s string) {
	var buf [128]byte
	b.Write(strconv.AppendQuote(buf[:0], s))
}

// writeQuoteList writes "a", "b" or "c".
func writeQuoteList(b *strings.Builder, items []string) {
	for i, it := range items {
		if i > 0 {
			if i == len(items)-1 {
				b.WriteString(" or ")
			} else {
				b.WriteString(", ")
			}
		}
		writeQuoted(b, it)
	}
}
