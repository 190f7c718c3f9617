package index

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
)

var update = flag.Bool("update", false, "rewrite golden files")

// position renders a file offset as line:column, both 1-based, the column in bytes.
func position(src []byte, off int) string {
	line, col := 1, 1
	for _, c := range src[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%d:%d", line, col)
}

func renderDiagnostics(snap *Snapshot, path string) string {
	src, _ := snap.Content(path)
	var b strings.Builder
	for _, d := range snap.Diagnostics(path) {
		fmt.Fprintf(&b, "%s-%s %s %s: %s %q", position(src, d.Span.Start), position(src, d.Span.End),
			d.Severity, d.Rule, d.Message, src[d.Span.Start:d.Span.End])
		for _, r := range d.Related {
			rs, _ := snap.Content(r.Path)
			fmt.Fprintf(&b, " (related %s %s)", position(rs, r.Span.Start), r.Message)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./index -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", golden, want, got)
	}
}

// TestRuleFixtures runs each rule's fixture, with the look-alikes it must not flag, and
// compares every finding with its golden file.
func TestRuleFixtures(t *testing.T) {
	fixtures, err := filepath.Glob("../testdata/rules/*.notes")
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range fixtures {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rule := strings.TrimSuffix(filepath.Base(path), ".notes")
			cfg := DefaultConfig()
			if r, ok := LookupRule(rule); ok && r.OffByDefault { // its fixture turns it on
				cfg.Severity = map[string]analysis.Severity{rule: r.Severity}
			}
			snap, _ := NewWorkspace(cfg).Update(path, src)
			got := renderDiagnostics(snap, path)
			if !strings.Contains(got, " "+rule+": ") {
				t.Errorf("fixture for %s reports no %s finding:\n%s", rule, rule, got)
			}
			checkGolden(t, strings.TrimSuffix(path, ".notes")+".golden", got)
		})
	}
}

// TestRealCorpus holds the exact findings on the real user's file: the spec's list and
// nothing more.
func TestRealCorpus(t *testing.T) {
	const path = "../testdata/system-design.notes"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := NewWorkspace(DefaultConfig()).Update(path, src)
	want := map[string][]int{
		analysis.RuleMalformedSeparator: {83},
		analysis.RuleEmptyDefinition:    {349, 350, 354},
		analysis.RuleDuplicateURL:       {309},
		analysis.RuleRedundantStub:      {68, 382, 388, 488},
		analysis.RuleNearDuplicate:      {38, 88, 120, 293, 301, 334, 362, 434, 441, 475, 568, 569},
		analysis.RuleUnbalanced:         {39, 82, 149, 281},
	}
	got := map[string][]int{}
	for _, d := range snap.Diagnostics(path) {
		got[d.Rule] = append(got[d.Rule], snap.Tree(path).LineAt(d.Span.Start)+1)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings by rule and line:\n got %v\nwant %v", got, want)
	}
	checkGolden(t, "../testdata/system-design.golden", renderDiagnostics(snap, path))
}
