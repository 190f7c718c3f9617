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
	fi := s.files[path]
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
	for i := range f.Lines {
		for _, d := range f.Lines[i].Diags {
			add(Diagnostic{Span: d.Span.In(f.Starts[i]), Rule: d.Rule, Message: d.Message})
		}
	}
	if s.cfg.Sorting {
		for _, ln := range unsortedLines(f) {
			add(Diagnostic{Span: f.LineSpan(ln), Rule: analysis.RuleUnsorted,
				Message: "line breaks the case-insensitive order of its block"})
		}
	}
	s.duplicates(fi, add)
	s.redundantStubs(fi, add)
	s.brokenReferences(fi, add)
	for _, d := range s.nearDuplicates()[fi.path] {
		add(d)
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
// form under hash h equals want. It looks in files before fi and in fi's earlier lines.
func (s *Snapshot) firstEqual(fi *fileIndex, ln int32, h uint64, want []byte,
	table func(*fileIndex) map[uint64][]int32, norm func(*analysis.File, int) []byte) (*fileIndex, int32, bool) {
	for _, p := range s.paths {
		other := s.files[p]
		for _, cand := range table(other)[h] {
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

func (s *Snapshot) hasEarlierCandidate(fi *fileIndex, ln int32, h uint64, table func(*fileIndex) map[uint64][]int32) bool {
	if own := table(fi)[h]; len(own) > 0 && own[0] < ln {
		return true
	}
	for _, p := range s.paths {
		other := s.files[p]
		if other == fi {
			return false
		}
		if len(table(other)[h]) > 0 {
			return true
		}
	}
	return false
}

// duplicates reports duplicate lines and duplicate definitions on the later line.
func (s *Snapshot) duplicates(fi *fileIndex, add func(Diagnostic)) {
	lineTable := func(x *fileIndex) map[uint64][]int32 { return x.lineHash }
	defTable := func(x *fileIndex) map[uint64][]int32 { return x.defHash }
	dupLine := map[int32]bool{}
	for h, lines := range fi.lineHash {
		for _, ln := range lines {
			if !s.hasEarlierCandidate(fi, ln, h, lineTable) {
				continue
			}
			want := lineNormalized(fi.ast, int(ln))
			if first, fl, ok := s.firstEqual(fi, ln, h, want, lineTable, lineNormalized); ok {
				dupLine[ln] = true
				add(Diagnostic{Span: fi.ast.LineSpan(int(ln)), Rule: analysis.RuleDuplicateLine,
					Message: "duplicate of " + where(first, fl, fi),
					Related: []Related{{Path: first.path, Span: first.ast.LineSpan(int(fl)), Message: "first written here"}}})
			}
		}
	}
	for h, lines := range fi.defHash {
		for _, ln := range lines {
			if dupLine[ln] || !s.hasEarlierCandidate(fi, ln, h, defTable) {
				continue
			}
			want := defNormalized(fi.ast, int(ln))
			if first, fl, ok := s.firstEqual(fi, ln, h, want, defTable, defNormalized); ok {
				add(Diagnostic{Span: fi.ast.LineSpan(int(ln)), Rule: analysis.RuleDuplicateDef,
					Message: "the same definition of this term is given at " + where(first, fl, fi),
					Related: []Related{{Path: first.path, Span: first.ast.LineSpan(int(fl)), Message: "first defined here"}}})
			}
		}
	}
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
	f := fi.ast
	for i := range f.Lines {
		l := &f.Lines[i]
		if !l.IsStub() {
			continue
		}
		if other, ln, ok := s.meaningfulEntry(l.Key); ok {
			add(Diagnostic{Span: f.LineSpan(i), Rule: analysis.RuleRedundantStub,
				Message: "stub of a term that " + where(other, ln, fi) + " already describes",
				Related: []Related{{Path: other.path, Span: other.ast.LineSpan(int(ln)), Message: "described here"}}})
		}
	}
}

// meaningfulEntry finds the first entry of key with a definition or a URL.
func (s *Snapshot) meaningfulEntry(key string) (*fileIndex, int32, bool) {
	for _, r := range s.topicRecs(key) {
		for _, ln := range r.t.entries {
			l := &r.fi.ast.Lines[ln]
			if l.Sep.Defines() && l.Body.Len() > 0 || len(l.URLs) > 0 {
				return r.fi, ln, true
			}
		}
	}
	return nil, 0, false
}

// brokenReferences reports [[x]] that resolve to nothing, with the closest known terms.
func (s *Snapshot) brokenReferences(fi *fileIndex, add func(Diagnostic)) {
	f := fi.ast
	for i := range f.Lines {
		for _, r := range f.Lines[i].Refs {
			if r.Soft || r.Key == "" || len(s.resolve(r.Key)) > 0 {
				continue
			}
			target := r.Target.Text(f.LineText(i))
			msg := fmt.Sprintf("no term %q in the workspace", target)
			if sugg := s.suggest(r.Key); len(sugg) > 0 {
				msg += "; did you mean " + quoteList(sugg) + "?"
			}
			add(Diagnostic{Span: r.Span.In(f.Starts[i]), Rule: analysis.RuleBrokenReference, Message: msg})
		}
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
