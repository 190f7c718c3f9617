package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestSARIFMultitool validates --format sarif with Microsoft's SARIF Multitool, which
// checks the SARIF 2.1.0 schema and spec rules plus GitHub code scanning's ingestion rules
// (rule kinds Sarif and Gh). The tool is a 100 MB .NET build, so the test runs only when
// NOTESLS_SARIF_MULTITOOL names it, e.g. after
//
//	npm install --prefix /tmp/sarif @microsoft/sarif-multitool-linux@5.7.0
//	NOTESLS_SARIF_MULTITOOL=/tmp/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
func TestSARIFMultitool(t *testing.T) {
	tool := os.Getenv("NOTESLS_SARIF_MULTITOOL")
	if tool == "" {
		t.Skip("set NOTESLS_SARIF_MULTITOOL to the SARIF Multitool to run this test")
	}
	dir := t.TempDir()
	for name, target := range map[string]string{
		"corpus": filepath.Join("testdata", "system-design.notes"),
		"sample": filepath.Join("testdata", "check", "sample"),
	} {
		stdout, stderr, code := runNotes(t, repoRoot, "--check", "--format", "sarif", target)
		if code == 2 {
			t.Fatalf("--check %s: %s", target, stderr)
		}
		log := filepath.Join(dir, name+".sarif")
		if err := os.WriteFile(log, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		report := filepath.Join(dir, name+".validation.sarif")
		cmd := exec.Command(tool, "validate", "--rule-kind", "Sarif;Gh", "--level", "Error;Warning",
			"-o", report, log)
		cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("Sarif.Multitool validate: %v\n%s", err, out)
		}
		data, err := os.ReadFile(report)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Runs []struct {
				Results []struct {
					RuleID  string `json:"ruleId"`
					Level   string `json:"level"`
					Message struct {
						Text      string   `json:"text"`
						Arguments []string `json:"arguments"`
					} `json:"message"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		for _, run := range v.Runs {
			for _, r := range run.Results {
				if r.RuleID == "SARIF2006" { // "URI not reachable": no network here
					continue
				}
				if r.Level == "error" || r.Level == "warning" || r.Level == "" {
					t.Errorf("%s: %s %s %v", name, r.Level, r.RuleID, r.Message.Arguments)
				}
			}
		}
	}
}
