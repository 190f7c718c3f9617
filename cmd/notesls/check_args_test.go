package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
)

func TestParseCheckArgs(t *testing.T) {
	tests := []struct {
		args []string
		want checkOptions
	}{
		{[]string{"--check"}, checkOptions{paths: []string{"."}, format: "text", failOn: analysis.SeverityError}},
		{[]string{"-check", "a.notes", "dir"}, checkOptions{paths: []string{"a.notes", "dir"}, format: "text", failOn: analysis.SeverityError}},
		{[]string{"a", "--check", "--format", "json", "b"}, checkOptions{paths: []string{"a", "b"}, format: "json", formatSet: true, failOn: analysis.SeverityError}},
		{[]string{"--check", "--format=sarif", "--fail-on=warning"}, checkOptions{paths: []string{"."}, format: "sarif", formatSet: true, failOn: analysis.SeverityWarning}},
		{[]string{"--check", "--format", "github", "--fail-on", "info"}, checkOptions{paths: []string{"."}, format: "github", formatSet: true, failOn: analysis.SeverityHint}},
		{[]string{"--check", "--fix", "x"}, checkOptions{paths: []string{"x"}, format: "text", failOn: analysis.SeverityError, fix: true}},
		{[]string{"--check", "--diff"}, checkOptions{paths: []string{"."}, format: "text", failOn: analysis.SeverityError, diff: true}},
		{[]string{"--check", "--fix", "--diff"}, checkOptions{paths: []string{"."}, format: "text", failOn: analysis.SeverityError, fix: true, diff: true}},
		{[]string{"--check", "--config", "c.json"}, checkOptions{paths: []string{"."}, format: "text", failOn: analysis.SeverityError, config: "c.json"}},
		{[]string{"--check", "--", "--fix", "-"}, checkOptions{paths: []string{"--fix", "-"}, format: "text", failOn: analysis.SeverityError}},
		{[]string{"--check", "--profile.cpu", "c.prof", "--profile.mem=m.prof"}, checkOptions{paths: []string{"."}, format: "text", failOn: analysis.SeverityError, cpuProfile: "c.prof", memProfile: "m.prof"}},
		{[]string{"--check", "--format", "full"}, checkOptions{paths: []string{"."}, format: "full", formatSet: true, failOn: analysis.SeverityError}},
		{[]string{"--check", "-h"}, checkOptions{paths: []string{"."}, format: "text", failOn: analysis.SeverityError, help: true}},
	}
	for _, tt := range tests {
		got, err := parseCheckArgs(tt.args)
		if err != nil {
			t.Errorf("parseCheckArgs(%q): %v", tt.args, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseCheckArgs(%q) = %+v, want %+v", tt.args, got, tt.want)
		}
	}
}

func TestParseCheckArgsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--check", "--bogus"}, "--bogus"},
		{[]string{"--check", "--format"}, "--format needs a value"},
		{[]string{"--check", "--format", "xml"}, `"xml"`},
		{[]string{"--check", "--fail-on", "fatal"}, `"fatal"`},
		{[]string{"--check", "--fail-on=hint"}, `"hint"`},
		{[]string{"--check", "--fix=yes"}, "--fix takes no value"},
		{[]string{"--check", "--diff", "--format", "json"}, "--diff"},
		{[]string{"--check", "--config="}, "--config"},
		{[]string{"--check", "--profile.mem"}, "--profile.mem needs a value"},
	}
	for _, tt := range tests {
		_, err := parseCheckArgs(tt.args)
		if err == nil {
			t.Errorf("parseCheckArgs(%q) succeeded, want an error", tt.args)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseCheckArgs(%q) error %q does not mention %s", tt.args, err, tt.want)
		}
	}
}
