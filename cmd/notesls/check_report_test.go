package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

// A report is a whole check's outcome in output order, for the tests of the writers, which
// print a report as it is found.
type report struct {
	Files    int
	Lines    int
	Findings []finding
}

// writeAll prints rep through w.
func writeAll(w reportWriter, rep *report) error {
	if err := w.begin(rep.Files); err != nil {
		return err
	}
	for i := range rep.Findings {
		if err := w.write(&rep.Findings[i]); err != nil {
			return err
		}
	}
	return w.end()
}

func writeText(w io.Writer, rep *report) error   { return writeAll(&textWriter{w: w}, rep) }
func writeJSON(w io.Writer, rep *report) error   { return writeAll(&jsonWriter{w: w}, rep) }
func writeGitHub(w io.Writer, rep *report) error { return writeAll(&githubWriter{w: w}, rep) }
func writeSARIF(w io.Writer, rep *report, cfg index.Config, version string) error {
	return writeAll(&sarifWriter{w: w, cfg: cfg, version: version}, rep)
}

// The whole-report writers and report builder as they were before the report was printed
// as it is found: the reference the streaming ones must match byte for byte.

func wholeReport(snap *index.Snapshot, paths []string, contents map[string][]byte) *report {
	rep := &report{Files: len(paths), Findings: []finding{}}
	indexes := map[string]*lineIndex{}
	lines := func(p string) *lineIndex {
		if x, ok := indexes[p]; ok {
			return x
		}
		src, ok := snap.Content(p)
		if !ok {
			src = contents[p]
		}
		x := newLineIndex(src)
		indexes[p] = x
		return x
	}
	for _, p := range paths {
		x := lines(p)
		rep.Lines += x.Lines()
		for _, d := range snap.Diagnostics(p) {
			if d.Severity < analysis.SeverityError || d.Severity > analysis.SeverityHint {
				continue
			}
			f := finding{Path: p, Severity: d.Severity, Rule: d.Rule, Message: d.Message,
				Related: []relatedPos{}, Fixable: d.Fixable, Unnecessary: d.Unnecessary}
			f.Line, f.Column = x.OffsetPosition(d.Span.Start)
			f.EndLine, f.EndColumn = x.OffsetPosition(d.Span.End)
			for _, r := range d.Related {
				rp := relatedPos{Path: r.Path, Message: r.Message}
				rp.Line, rp.Column = lines(r.Path).OffsetPosition(r.Span.Start)
				f.Related = append(f.Related, rp)
			}
			rep.Findings = append(rep.Findings, f)
		}
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := &rep.Findings[i], &rep.Findings[j]
		switch {
		case a.Path != b.Path:
			return a.Path < b.Path
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.Column != b.Column:
			return a.Column < b.Column
		case a.EndLine != b.EndLine:
			return a.EndLine < b.EndLine
		case a.EndColumn != b.EndColumn:
			return a.EndColumn < b.EndColumn
		case a.Severity != b.Severity:
			return a.Severity < b.Severity
		case a.Rule != b.Rule:
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
	return rep
}

func wholeText(w io.Writer, rep *report) error {
	for _, f := range rep.Findings {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s [%s]\n",
			f.Path, f.Line, f.Column, f.Severity, strings.TrimSpace(lineBreaks.Replace(f.Message)), f.Rule); err != nil {
			return err
		}
	}
	return nil
}

func wholeJSON(w io.Writer, rep *report) error {
	out := jsonReport{Version: jsonVersion, Files: rep.Files, Diagnostics: []jsonDiagnostic{}}
	for _, f := range rep.Findings {
		d := jsonDiagnostic{
			Path: f.Path, Line: f.Line, Column: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn,
			Severity: f.Severity.String(), Rule: f.Rule, Message: f.Message,
			Related: []jsonRelated{}, Fixable: f.Fixable,
		}
		for _, r := range f.Related {
			d.Related = append(d.Related, jsonRelated{Path: r.Path, Line: r.Line, Column: r.Column, Message: r.Message})
		}
		out.Diagnostics = append(out.Diagnostics, d)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func wholeSARIF(w io.Writer, rep *report, cfg index.Config, version string) error {
	cwd, _ := os.Getwd()
	s := &sarifWriter{w: io.Discard, cfg: cfg, version: version}
	if err := s.begin(rep.Files); err != nil { // for the rule table and its index
		return err
	}
	driver := sarifDriver{Name: toolName, Version: version, InformationURI: toolURI, Rules: []sarifRule{}}
	for _, r := range index.Rules {
		def := sarifRuleDefault{Level: sarifLevel(cfg.SeverityOf(r.Name))}
		if cfg.SeverityOf(r.Name) == index.RuleOff {
			off := false
			def = sarifRuleDefault{Enabled: &off, Level: sarifLevel(r.Severity)}
		}
		driver.Rules = append(driver.Rules, sarifRule{ID: r.Name, Name: ruleName(r.Name),
			ShortDescription: sarifText{r.Title}, FullDescription: sarifText{r.Help},
			Help: sarifHelp{Text: r.Help, Markdown: r.Help}, HelpURI: toolURI + "/blob/main/docs/format.md#diagnostics",
			DefaultConfiguration: def})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}, ColumnKind: "unicodeCodePoints"}
	for _, f := range rep.Findings {
		res := sarifResult{RuleID: f.Rule, Level: sarifLevel(f.Severity), Message: sarifText{f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifactFor(f.Path, cwd),
				Region:           sarifRegion{StartLine: f.Line, StartColumn: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn},
			}}}}
		if i, ok := s.ruleIndex[f.Rule]; ok {
			res.RuleIndex = &i
		}
		for i, r := range f.Related {
			rl := sarifRelatedLocation{ID: i + 1, PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifactFor(r.Path, cwd),
				Region:           sarifRegion{StartLine: r.Line, StartColumn: r.Column}}}
			if r.Message != "" {
				rl.Message = &sarifText{r.Message}
			}
			res.RelatedLocations = append(res.RelatedLocations, rl)
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func wholeGitHub(w io.Writer, rep *report) error {
	for _, f := range rep.Findings {
		cmd := "notice"
		switch f.Severity.String() {
		case "error":
			cmd = "error"
		case "warning":
			cmd = "warning"
		}
		if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
			cmd, escapeProperty(f.Path), f.Line, f.Column, f.EndLine, f.EndColumn,
			escapeProperty(f.Rule), escapeData(f.Message)); err != nil {
			return err
		}
	}
	return nil
}

// messyNotes makes a notes file with a finding of every rule on many of its lines: broken
// paths, references that resolve to nothing, repeated lines and URLs, stray brackets,
// trailing white space, control characters, CR line ends, non-ASCII and HTML characters.
func messyNotes(rng *rand.Rand, lines int, shared []string) []byte {
	words := []string{"cache", "caches", "load shedding", "load-shedding", "loadshedding", "backpressure",
		"back pressure", "replication", "replicaton", "idempotency", "idempotencyy", "Queue", "queue", "café",
		"naïve", "<script>", "a&b", "x", "Data Store"}
	pick := func() string { return words[rng.Intn(len(words))] }
	var b bytes.Buffer
	if rng.Intn(4) == 0 {
		b.WriteString("\uFEFF")
	}
	var written []string
	for range lines {
		var l string
		switch rng.Intn(16) {
		case 0:
			l = ""
		case 1:
			if len(written) > 0 {
				l = written[rng.Intn(len(written))] // a duplicate line
			}
		case 2:
			if len(shared) > 0 {
				l = shared[rng.Intn(len(shared))] // a duplicate of another file's line
			}
		case 3:
			l = pick() + " --" + pick() + " = " + pick() // malformed separator
		case 4:
			l = pick() + " --  -- " + pick() + " = x" // empty segment
		case 5:
			l = "= " + pick()
		case 6:
			l = pick() + " ="
		case 7:
			l = pick() + " = see [[" + pick() + "]] and [[" + pick() + "s]] [[]]"
		case 8:
			l = pick() + " -- " + pick() // a stub
		case 9:
			l = pick() + " = https://e.org/" + pick() + " https://e.org/" + pick()
		case 10:
			l = "[x]" + pick()
		case 11:
			l = pick() + " = (" + pick() + " \"" + pick()
		case 12:
			l = pick() + " = " + pick() + " \x00\x01 \xff"
		default:
			l = pick() + " -- " + pick() + " = " + pick() + " " + pick()
		}
		if rng.Intn(8) == 0 {
			l += "  \t"
		}
		written = append(written, l)
		b.WriteString(l)
		switch rng.Intn(10) {
		case 0:
			b.WriteString("\r\n")
		case 1:
			b.WriteString("\r")
		default:
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

// TestStreamedReportMatchesWhole compares the report printed as it is found with the
// report built whole, sorted and then printed, in every format, on generated messy
// workspaces of one and of several files, with every rule on.
func TestStreamedReportMatchesWhole(t *testing.T) {
	cfg, err := index.ParseConfig([]byte(`{"maxFileSize": 0, "maxCrossLineFindings": 0, "rules": {"unsorted": "error"}}`))
	if err != nil {
		t.Fatal(err)
	}
	capped, err := index.ParseConfig([]byte(`{"maxCrossLineFindings": 7, "rules": {"trailing-whitespace": "off"}}`))
	if err != nil {
		t.Fatal(err)
	}
	for seed := range int64(12) {
		rng := rand.New(rand.NewSource(seed))
		contents := map[string][]byte{}
		var paths []string
		var shared []string
		for i := range 1 + rng.Intn(4) {
			p := filepath.Join("ws", fmt.Sprintf("f%d,<%d>.notes", i, rng.Intn(3)))
			contents[p] = messyNotes(rng, 1+rng.Intn(300), shared)
			shared = append(shared, strings.Split(string(contents[p]), "\n")[:3]...)
			paths = append(paths, p)
		}
		sort.Strings(paths)
		c := cfg
		if seed%3 == 2 {
			c = capped
		}
		for _, format := range []struct {
			name   string
			whole  func(io.Writer, *report) error
			stream func(io.Writer) reportWriter
		}{
			{"text", wholeText, func(w io.Writer) reportWriter { return &textWriter{w: w} }},
			{"json", wholeJSON, func(w io.Writer) reportWriter { return &jsonWriter{w: w} }},
			{"sarif", func(w io.Writer, r *report) error { return wholeSARIF(w, r, c, "1.0") },
				func(w io.Writer) reportWriter { return &sarifWriter{w: w, cfg: c, version: "1.0"} }},
			{"github", wholeGitHub, func(w io.Writer) reportWriter { return &githubWriter{w: w} }},
		} {
			// A snapshot each, so that the streamed report does not find the whole one's
			// diagnostics kept in the snapshot.
			want := wholeReport(index.NewWorkspace(c).UpdateMany(contents), paths, contents)
			var wantOut, gotOut bytes.Buffer
			if err := format.whole(&wantOut, want); err != nil {
				t.Fatal(err)
			}
			tot, err := writeReport(index.NewWorkspace(c).UpdateMany(contents), paths, contents, format.stream(&gotOut))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(gotOut.Bytes(), wantOut.Bytes()) {
				t.Fatalf("seed %d, %s: streamed report differs from the whole one:\n%s", seed, format.name,
					unifiedDiff("whole", "streamed", wantOut.Bytes(), gotOut.Bytes()))
			}
			var count [analysis.SeverityHint + 1]int
			for _, f := range want.Findings {
				count[f.Severity]++
			}
			if tot.Files != want.Files || tot.Lines != want.Lines || tot.bySeverity != count {
				t.Fatalf("seed %d: totals %+v, want %d files, %d lines, %v", seed, tot, want.Files, want.Lines, count)
			}
			if len(want.Findings) < 3 {
				t.Fatalf("seed %d: only %d findings; the generator should make a messy file", seed, len(want.Findings))
			}
		}
	}
}

// TestJSONArrayEmpty checks the streamed JSON of a report without findings: "[]", as the
// whole encoder prints it.
func TestJSONArrayEmpty(t *testing.T) {
	for _, files := range []int{0, 3} {
		var got, want bytes.Buffer
		if err := writeJSON(&got, &report{Files: files}); err != nil {
			t.Fatal(err)
		}
		if err := wholeJSON(&want, &report{Files: files}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("got %q, want %q", got.String(), want.String())
		}
	}
}
