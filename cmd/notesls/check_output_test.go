package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

// checkTestdata holds the fixtures and golden files of the --check tests.
var checkTestdata = filepath.Join("..", "..", "testdata", "check")

func init() {
	// Another test file of this package may define -update as well; share it.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/ with the current output")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// golden compares got with the golden file name under testdata/check, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join(checkTestdata, name)
	if updating() {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", p,
			unifiedDiff("want/"+name, "got/"+name, want, got))
	}
}

// sampleReport has a finding of each severity, special characters in paths and messages
// (the github format's escapes), non-ASCII text and related locations.
func sampleReport() *report {
	return &report{
		Files: 2,
		Lines: 40,
		Findings: []finding{
			{Path: "notes/a.notes", Line: 3, Column: 5, EndLine: 3, EndColumn: 7, Severity: analysis.SeverityError,
				Rule: "malformed-separator", Message: "path operator written as \"--\"; write \" -- \"",
				Related: []relatedPos{}, Fixable: true},
			{Path: "notes/a.notes", Line: 9, Column: 1, EndLine: 9, EndColumn: 14, Severity: analysis.SeverityInfo,
				Rule: "redundant-stub", Message: "stub \"load shedding\" adds nothing: line 12 defines it",
				Related:     []relatedPos{{Path: "notes/a.notes", Line: 12, Column: 1, Message: "defined here"}},
				Unnecessary: true},
			{Path: "notes/b,c:d.notes", Line: 2, Column: 3, EndLine: 2, EndColumn: 4, Severity: analysis.SeverityWarning,
				Rule: "unbalanced-brackets", Message: "unmatched \"(\" at 100% of\nthe line\r", Related: []relatedPos{}},
			{Path: "notes/b,c:d.notes", Line: 7, Column: 12, EndLine: 7, EndColumn: 15, Severity: analysis.SeverityHint,
				Rule: "trailing-whitespace", Message: "trailing white space", Related: []relatedPos{}, Fixable: true},
			{Path: "notes/b,c:d.notes", Line: 8, Column: 1, EndLine: 8, EndColumn: 9, Severity: analysis.SeverityWarning,
				Rule: "duplicate-line", Message: "duplicate of a line in notes/a.notes — «café»",
				Related: []relatedPos{{Path: "notes/a.notes", Line: 2, Column: 1, Message: "first written here"},
					{Path: "notes/b,c:d.notes", Line: 1, Column: 1, Message: ""}}},
		},
	}
}

func TestOutputFormats(t *testing.T) {
	cfg, err := index.ParseConfig([]byte(`{"rules": {"near-duplicate": "off", "unsorted": "error"}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		golden string
		write  func(*bytes.Buffer, *report) error
	}{
		{"output.txt", func(b *bytes.Buffer, r *report) error { return writeText(b, r) }},
		{"output.json", func(b *bytes.Buffer, r *report) error { return writeJSON(b, r) }},
		{"output.sarif", func(b *bytes.Buffer, r *report) error { return writeSARIF(b, r, cfg, "1.2.3") }},
		{"output.github", func(b *bytes.Buffer, r *report) error { return writeGitHub(b, r) }},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b, sampleReport()); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, b.Bytes())
		})
	}
}

func TestTextOutputShape(t *testing.T) {
	var b bytes.Buffer
	if err := writeText(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(sampleReport().Findings) {
		t.Fatalf("%d lines for %d findings (a message's line break must not split a finding):\n%s",
			len(lines), len(sampleReport().Findings), b.String())
	}
	if want := `notes/a.notes:3:5: error: path operator written as "--"; write " -- " [malformed-separator]`; lines[0] != want {
		t.Errorf("first line = %q, want %q", lines[0], want)
	}
}

func TestJSONOutputEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := writeJSON(&b, &report{Files: 3}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if d, ok := got["diagnostics"].([]any); !ok || len(d) != 0 {
		t.Errorf("diagnostics = %#v, want []", got["diagnostics"])
	}
	if got["version"] != 1.0 || got["files"] != 3.0 {
		t.Errorf("version, files = %v, %v; want 1, 3", got["version"], got["files"])
	}
}

func TestJSONOutputFields(t *testing.T) {
	var b bytes.Buffer
	if err := writeJSON(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Diagnostics []map[string]any `json:"diagnostics"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	keys := []string{"path", "line", "column", "endLine", "endColumn", "severity", "rule", "message", "related", "fixable"}
	for i, d := range got.Diagnostics {
		for _, k := range keys {
			if _, ok := d[k]; !ok {
				t.Errorf("diagnostic %d lacks %q", i, k)
			}
		}
		if len(d) != len(keys) {
			t.Errorf("diagnostic %d has keys %v, want exactly %v", i, d, keys)
		}
		if _, ok := d["related"].([]any); !ok {
			t.Errorf("diagnostic %d: related = %#v, want a list", i, d["related"])
		}
	}
}

// TestSARIFShape checks what GitHub code scanning requires of an upload, beyond the golden
// file: version, one run with a named driver, rules with ids and help, results whose
// ruleIndex points at their rule, relative URIs and 1-based regions.
func TestSARIFShape(t *testing.T) {
	var b bytes.Buffer
	cfg := index.DefaultConfig()
	cfg.Severity = map[string]analysis.Severity{"unsorted": index.RuleOff}
	rep := sampleReport()
	rep.Findings = append(rep.Findings, finding{Path: "x.notes", Line: 1, Column: 1, EndLine: 1, EndColumn: 1,
		Severity: analysis.SeverityError, Rule: "not-a-rule", Message: "m", Related: []relatedPos{}})
	if err := writeSARIF(&b, rep, cfg, "devel"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			ColumnKind string `json:"columnKind"`
			Tool       struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID                   string            `json:"id"`
						Help                 map[string]string `json:"help"`
						ShortDescription     map[string]string `json:"shortDescription"`
						DefaultConfiguration map[string]any    `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    *string `json:"ruleId"`
				RuleIndex *int    `json:"ruleIndex"`
				Level     string  `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, EndLine, EndColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q with %d runs, want 2.1.0 with 1", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" || run.Tool.Driver.Name != "notesls" {
		t.Errorf("columnKind %q, driver %q", run.ColumnKind, run.Tool.Driver.Name)
	}
	if len(run.Tool.Driver.Rules) != len(index.Rules) {
		t.Errorf("%d rules, want %d", len(run.Tool.Driver.Rules), len(index.Rules))
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.Help["text"] == "" || r.ShortDescription["text"] == "" {
			t.Errorf("rule %s lacks help or a short description", r.ID)
		}
		if r.ID == "unsorted" && (r.DefaultConfiguration["enabled"] != false) {
			t.Errorf("rule unsorted is off in the config but %v", r.DefaultConfiguration)
		}
	}
	if len(run.Results) != len(rep.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(rep.Findings))
	}
	levels := map[analysis.Severity]string{analysis.SeverityError: "error", analysis.SeverityWarning: "warning",
		analysis.SeverityInfo: "note", analysis.SeverityHint: "note"}
	for i, res := range run.Results {
		f := rep.Findings[i]
		if res.RuleID == nil || *res.RuleID != f.Rule {
			t.Errorf("result %d: ruleId %v, want %s", i, res.RuleID, f.Rule)
		}
		if _, known := index.LookupRule(f.Rule); known {
			if res.RuleIndex == nil || run.Tool.Driver.Rules[*res.RuleIndex].ID != f.Rule {
				t.Errorf("result %d: ruleIndex %v does not point at %s", i, res.RuleIndex, f.Rule)
			}
		} else if res.RuleIndex != nil {
			t.Errorf("result %d: ruleIndex %d for an unknown rule", i, *res.RuleIndex)
		}
		if res.Level != levels[f.Severity] || res.Message.Text == "" {
			t.Errorf("result %d: level %q message %q", i, res.Level, res.Message.Text)
		}
		loc := res.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || strings.Contains(loc.ArtifactLocation.URI, "://") ||
			strings.HasPrefix(loc.ArtifactLocation.URI, "/") {
			t.Errorf("result %d: artifact %+v, want a relative URI under %%SRCROOT%%", i, loc.ArtifactLocation)
		}
		if loc.Region.StartLine != f.Line || loc.Region.StartColumn != f.Column ||
			loc.Region.EndLine != f.EndLine || loc.Region.EndColumn != f.EndColumn {
			t.Errorf("result %d: region %+v, want %d:%d-%d:%d", i, loc.Region, f.Line, f.Column, f.EndLine, f.EndColumn)
		}
	}
	if got := run.Results[2].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "notes/b,c:d.notes" {
		t.Errorf("URI of notes/b,c:d.notes = %q", got)
	}
}

func TestSARIFArtifactURIs(t *testing.T) {
	cwd := filepath.FromSlash("/work/repo")
	tests := []struct{ path, uri, base string }{
		{"notes/a.notes", "notes/a.notes", "%SRCROOT%"},
		{"my notes/a b.notes", "my%20notes/a%20b.notes", "%SRCROOT%"},
		{filepath.FromSlash("/work/repo/x/y.notes"), "x/y.notes", "%SRCROOT%"},
		{filepath.FromSlash("/elsewhere/z.notes"), "file:///elsewhere/z.notes", ""},
		{filepath.FromSlash("/work/repo2/z.notes"), "file:///work/repo2/z.notes", ""},
	}
	for _, tt := range tests {
		p := tt.path
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p) // as if the working directory were cwd
		}
		got := sarifArtifactFor(p, cwd)
		if got.URI != tt.uri || got.URIBaseID != tt.base {
			t.Errorf("sarifArtifactFor(%q) = %+v, want %s under %q", tt.path, got, tt.uri, tt.base)
		}
	}
}

func TestGitHubEscapes(t *testing.T) {
	if got, want := escapeData("100% a\r\nb, c: d"), "100%25 a%0D%0Ab, c: d"; got != want {
		t.Errorf("escapeData = %q, want %q", got, want)
	}
	if got, want := escapeProperty("a,b:c%d\ne"), "a%2Cb%3Ac%25d%0Ae"; got != want {
		t.Errorf("escapeProperty = %q, want %q", got, want)
	}
	var b bytes.Buffer
	if err := writeGitHub(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	wantCmd := []string{"::error ", "::notice ", "::warning ", "::notice ", "::warning "}
	if len(lines) != len(wantCmd) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(wantCmd), b.String())
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, wantCmd[i]) {
			t.Errorf("line %d = %q, want it to start with %q", i, l, wantCmd[i])
		}
	}
	if want := "::warning file=notes/b%2Cc%3Ad.notes,line=2,col=3,endLine=2,endColumn=4,title=unbalanced-brackets::unmatched \"(\" at 100%25 of%0Athe line%0D"; lines[2] != want {
		t.Errorf("escaped line = %q, want %q", lines[2], want)
	}
}

// --format full: each finding, its line, a caret under its range; plain with NO_COLOR.
func TestCheckFormatFull(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	var out, errOut bytes.Buffer
	code := run([]string{"--check", "--format", "full", filepath.Join("..", "..", "testdata", "system-design.notes")}, nil, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want := "testdata/system-design.notes:83:5: error: path operator written as \"--\": write \" -- \" [malformed-separator]\n" +
		"83 | API --gateway\n" +
		"   |     ^^\n"
	if !strings.Contains(filepath.ToSlash(out.String()), want) {
		t.Errorf("full output lacks\n%s\ngot:\n%s", want, out.String()[:min(len(out.String()), 1500)])
	}
	if strings.Contains(out.String(), "\x1b[") {
		t.Error("colour despite NO_COLOR")
	}
	if n := strings.Count(out.String(), " | "); n < 2*25 {
		t.Errorf("%d source and caret rows, want two for each of the 25 findings", n)
	}
	os.Unsetenv("NO_COLOR")
	t.Setenv("TERM", "xterm")
	out.Reset()
	run([]string{"--check", "--format", "full", filepath.Join("..", "..", "testdata", "system-design.notes")}, nil, &out, &errOut)
	if !strings.Contains(out.String(), "\x1b[1;31merror\x1b[0m") {
		t.Errorf("no coloured error without NO_COLOR:\n%.500s", out.String())
	}
	// Not a terminal, no --format: one line a finding, as scripts read it.
	out.Reset()
	run([]string{"--check", filepath.Join("..", "..", "testdata", "system-design.notes")}, nil, &out, &errOut)
	if strings.Contains(out.String(), " | ") || strings.Count(out.String(), "\n") != 25 {
		t.Errorf("default output to a pipe is not the text form:\n%.300s", out.String())
	}
}

// A file removed between the walk and the read is a warning; the others are checked.
func TestCheckFileVanished(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.notes"), filepath.Join(dir, "b.notes")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte("x = (open\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	defer func(old func(string) ([]byte, error)) { readFile = old }(readFile)
	readFile = func(p string) ([]byte, error) {
		if p == b {
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		}
		return os.ReadFile(p)
	}
	var out, errOut bytes.Buffer
	code := run([]string{"--check", "--format", "text", dir}, nil, &out, &errOut)
	if code != 0 || !strings.Contains(errOut.String(), "b.notes: removed while being checked; skipped") ||
		!strings.Contains(out.String(), "a.notes:1:5") || strings.Contains(out.String(), "b.notes") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
}
