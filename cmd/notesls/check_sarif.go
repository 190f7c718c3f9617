package main

import (
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

// The SARIF 2.1.0 log `--format sarif` prints: one run, the rule table with help text, and
// one result a finding. It is what github/codeql-action/upload-sarif expects: artifact URIs
// relative to the repository root (the working directory in a workflow) under %SRCROOT%,
// and columns in code points, declared by run.columnKind.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	toolName     = "notesls"
	toolURI      = "https://github.com/notesls/notesls"
	srcRoot      = "%SRCROOT%"
)

// toolVersion is the module version the binary was built from, without its "v" (SARIF
// wants a version that starts with a digit), or "0.0.0-devel" in a build without one.
func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "0.0.0-devel"
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	Results    []sarifResult `json:"results"`
	ColumnKind string        `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string           `json:"id"`
	Name                 string           `json:"name,omitempty"` // left out when it would only repeat the id
	ShortDescription     sarifText        `json:"shortDescription"`
	FullDescription      sarifText        `json:"fullDescription"`
	Help                 sarifHelp        `json:"help"`
	HelpURI              string           `json:"helpUri"`
	DefaultConfiguration sarifRuleDefault `json:"defaultConfiguration"`
}

type sarifRuleDefault struct {
	Enabled *bool  `json:"enabled,omitempty"` // false only, for a rule turned off
	Level   string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

// sarifHelp carries the help text twice: plain, and as Markdown, which GitHub shows.
type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifResult struct {
	RuleID           string                 `json:"ruleId"`
	RuleIndex        *int                   `json:"ruleIndex,omitempty"`
	Level            string                 `json:"level"`
	Message          sarifText              `json:"message"`
	Locations        []sarifLocation        `json:"locations"`
	RelatedLocations []sarifRelatedLocation `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifRelatedLocation struct {
	ID               int           `json:"id"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

// sarifLevel maps a severity to a SARIF level; SARIF has no hint, so info and hint are
// both "note".
func sarifLevel(s analysis.Severity) string {
	switch s {
	case analysis.SeverityError:
		return "error"
	case analysis.SeverityWarning:
		return "warning"
	case index.RuleOff:
		return "none"
	}
	return "note"
}

// sarifWriter prints the SARIF log: the rule table first, then a result a finding.
type sarifWriter struct {
	w         io.Writer
	cfg       index.Config
	version   string
	cwd       string
	ruleIndex map[string]int
	results   *jsonArray
}

func (s *sarifWriter) begin(int) error {
	s.cwd, _ = os.Getwd()
	driver := sarifDriver{Name: toolName, Version: s.version, InformationURI: toolURI, Rules: []sarifRule{}}
	s.ruleIndex = map[string]int{}
	for i, r := range index.Rules {
		s.ruleIndex[r.Name] = i
		def := sarifRuleDefault{Level: sarifLevel(s.cfg.SeverityOf(r.Name))}
		if s.cfg.SeverityOf(r.Name) == index.RuleOff {
			off := false
			def = sarifRuleDefault{Enabled: &off, Level: sarifLevel(r.Severity)}
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   r.Name,
			Name:                 ruleName(r.Name),
			ShortDescription:     sarifText{r.Title},
			FullDescription:      sarifText{r.Help},
			Help:                 sarifHelp{Text: r.Help, Markdown: r.Help},
			HelpURI:              toolURI + "/blob/main/docs/format.md#diagnostics",
			DefaultConfiguration: def,
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}, ColumnKind: "unicodeCodePoints"}
	doc, err := encodeJSON(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
	if err != nil {
		return err
	}
	s.results, err = startJSONArray(s.w, doc, "results")
	return err
}

func (s *sarifWriter) write(f *finding) error {
	res := sarifResult{
		RuleID:  f.Rule,
		Level:   sarifLevel(f.Severity),
		Message: sarifText{f.Message},
		Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifactFor(f.Path, s.cwd),
			Region: sarifRegion{StartLine: f.Line, StartColumn: f.Column,
				EndLine: f.EndLine, EndColumn: f.EndColumn},
		}}},
	}
	if i, ok := s.ruleIndex[f.Rule]; ok {
		res.RuleIndex = &i
	}
	for i, r := range f.Related {
		rl := sarifRelatedLocation{ID: i + 1, PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifactFor(r.Path, s.cwd),
			Region:           sarifRegion{StartLine: r.Line, StartColumn: r.Column},
		}}
		if r.Message != "" {
			rl.Message = &sarifText{r.Message}
		}
		res.RelatedLocations = append(res.RelatedLocations, rl)
	}
	return s.results.add(res)
}

func (s *sarifWriter) end() error { return s.results.close() }

// sarifArtifactFor names a file as SARIF wants it: a relative URI under %SRCROOT% when the
// file is inside the working directory, else an absolute file URI.
func sarifArtifactFor(p, cwd string) sarifArtifact {
	abs, err := filepath.Abs(p)
	if err == nil && cwd != "" {
		if rel, err := filepath.Rel(cwd, abs); err == nil && rel != ".." &&
			!strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return sarifArtifact{URI: (&url.URL{Path: filepath.ToSlash(rel)}).EscapedPath(), URIBaseID: srcRoot}
		}
	}
	if err != nil {
		return sarifArtifact{URI: (&url.URL{Path: filepath.ToSlash(p)}).EscapedPath()}
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if !strings.HasPrefix(u.Path, "/") { // a Windows drive path
		u.Path = "/" + u.Path
	}
	return sarifArtifact{URI: u.String()}
}

// ruleName turns "near-duplicate" into "NearDuplicate", the form SARIF viewers show as a
// rule's name. SARIF asks that a name differ from the id, so a one-word id ("unsorted")
// gets none.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	if strings.EqualFold(b.String(), id) {
		return ""
	}
	return b.String()
}
