package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// lineBreaks keeps a message on its finding's line in the text format.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// textWriter prints one line a finding: `path:line:col: severity: message [rule]`.
type textWriter struct {
	w   io.Writer
	buf []byte
}

func (t *textWriter) begin(int) error { return nil }
func (t *textWriter) end() error      { return nil }

func (t *textWriter) write(f *finding) error {
	msg := f.Message
	if strings.ContainsAny(msg, "\r\n") { // the replacer copies even a message it leaves as it is
		msg = lineBreaks.Replace(msg)
	}
	b := append(t.buf[:0], f.Path...)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(f.Line), 10)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(f.Column), 10)
	b = append(b, ": "...)
	b = append(b, f.Severity.String()...)
	b = append(b, ": "...)
	b = append(b, strings.TrimSpace(msg)...)
	b = append(b, " ["...)
	b = append(b, f.Rule...)
	b = append(b, "]\n"...)
	t.buf = b
	_, err := t.w.Write(b)
	return err
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

// jsonWriter prints the report as one JSON object (see the README for its schema). Lists
// are `[]` when empty, never null.
type jsonWriter struct {
	w           io.Writer
	diagnostics *jsonArray
}

func (j *jsonWriter) begin(files int) error {
	doc, err := encodeJSON(jsonReport{Version: jsonVersion, Files: files, Diagnostics: []jsonDiagnostic{}})
	if err != nil {
		return err
	}
	j.diagnostics, err = startJSONArray(j.w, doc, "diagnostics")
	return err
}

func (j *jsonWriter) write(f *finding) error {
	d := jsonDiagnostic{
		Path: f.Path, Line: f.Line, Column: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn,
		Severity: f.Severity.String(), Rule: f.Rule, Message: f.Message,
		Related: make([]jsonRelated, 0, len(f.Related)), Fixable: f.Fixable,
	}
	for _, r := range f.Related {
		d.Related = append(d.Related, jsonRelated{Path: r.Path, Line: r.Line, Column: r.Column, Message: r.Message})
	}
	return j.diagnostics.add(d)
}

func (j *jsonWriter) end() error { return j.diagnostics.close() }

// encodeJSON encodes v as the report formats print JSON: indented by two spaces, HTML
// characters as they are, and a final line end.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	return b.Bytes(), err
}

// A jsonArray prints a JSON document one element of one of its arrays at a time, byte for
// byte as encodeJSON prints the whole document with every element in it: a report's
// findings go out as they are found instead of being held for one Encode.
type jsonArray struct {
	w     io.Writer
	tail  []byte // the document from the array's "]" on
	inner string // the indentation of the array's elements
	n     int    // elements printed
	buf   bytes.Buffer
	enc   *json.Encoder
}

// startJSONArray prints doc, the document as encodeJSON prints it with the array empty, up
// to where the array's elements go. key names the array: the last `"key": []` of doc.
func startJSONArray(w io.Writer, doc []byte, key string) (*jsonArray, error) {
	marker := []byte(`"` + key + `": []`)
	at := bytes.LastIndex(doc, marker)
	if at < 0 {
		return nil, fmt.Errorf("no %q array in the JSON document", key)
	}
	closing := at + len(marker) - 1
	lineStart := bytes.LastIndexByte(doc[:at], '\n') + 1
	a := &jsonArray{w: w, tail: doc[closing:], inner: string(doc[lineStart:at]) + "  "}
	a.enc = json.NewEncoder(&a.buf)
	a.enc.SetEscapeHTML(false)
	a.enc.SetIndent(a.inner, "  ")
	_, err := w.Write(doc[:closing])
	return a, err
}

// add prints one element.
func (a *jsonArray) add(v any) error {
	a.buf.Reset()
	if a.n > 0 {
		a.buf.WriteByte(',')
	}
	a.buf.WriteByte('\n')
	a.buf.WriteString(a.inner)
	if err := a.enc.Encode(v); err != nil {
		return err
	}
	a.buf.Truncate(a.buf.Len() - 1) // Encode's line end
	a.n++
	_, err := a.w.Write(a.buf.Bytes())
	return err
}

// close prints the rest of the document.
func (a *jsonArray) close() error {
	if a.n > 0 {
		if _, err := io.WriteString(a.w, "\n"+a.inner[:len(a.inner)-2]); err != nil {
			return err
		}
	}
	_, err := a.w.Write(a.tail)
	return err
}

// githubWriter prints GitHub Actions workflow commands, which the runner turns into
// annotations on the pull request:
//
//	::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE
//
// warning stays warning; info and hint become notice.
type githubWriter struct{ w io.Writer }

func (g *githubWriter) begin(int) error { return nil }
func (g *githubWriter) end() error      { return nil }

func (g *githubWriter) write(f *finding) error {
	cmd := "notice"
	switch f.Severity.String() {
	case "error":
		cmd = "error"
	case "warning":
		cmd = "warning"
	}
	_, err := fmt.Fprintf(g.w, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
		cmd, escapeProperty(f.Path), f.Line, f.Column, f.EndLine, f.EndColumn,
		escapeProperty(f.Rule), escapeData(f.Message))
	return err
}

// escapeData escapes a workflow command's message, as the runner's toolkit does
// (@actions/core escapeData).
var dataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// propertyEscaper escapes a workflow command's property value (@actions/core
// escapeProperty): the data escapes plus the property delimiters.
var propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
