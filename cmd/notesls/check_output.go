package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// lineBreaks keeps a message on its finding's line in the text format.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// writeText prints one line a finding: `path:line:col: severity: message [rule]`.
func writeText(w io.Writer, rep *report) error {
	for _, f := range rep.Findings {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s [%s]\n",
			f.Path, f.Line, f.Column, f.Severity, strings.TrimSpace(lineBreaks.Replace(f.Message)), f.Rule); err != nil {
			return err
		}
	}
	return nil
}

// jsonVersion is the version of the JSON output's schema; it changes only when a field
// changes meaning or goes away (new fields may appear without a new version).
const jsonVersion = 1

type jsonReport struct {
	Version     int              `json:"version"`
	Files       int              `json:"files"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
}

type jsonDiagnostic struct {
	Path      string        `json:"path"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	EndLine   int           `json:"endLine"`
	EndColumn int           `json:"endColumn"`
	Severity  string        `json:"severity"`
	Rule      string        `json:"rule"`
	Message   string        `json:"message"`
	Related   []jsonRelated `json:"related"`
	Fixable   bool          `json:"fixable"`
}

type jsonRelated struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// writeJSON prints the report as one JSON object (see the README for its schema). Lists are
// `[]` when empty, never null.
func writeJSON(w io.Writer, rep *report) error {
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

// writeGitHub prints GitHub Actions workflow commands, which the runner turns into
// annotations on the pull request:
//
//	::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE
//
// warning stays warning; info and hint become notice.
func writeGitHub(w io.Writer, rep *report) error {
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

// escapeData escapes a workflow command's message, as the runner's toolkit does
// (@actions/core escapeData).
var dataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// propertyEscaper escapes a workflow command's property value (@actions/core
// escapeProperty): the data escapes plus the property delimiters.
var propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
