package server

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesFlowOneWay checks the layering: only this package imports go.lsp.dev, and
// analysis and index import neither go.lsp.dev nor zap (directly or through others).
func TestDependenciesFlowOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/notesls/notesls/"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasPrefix(fields[0], module) {
			continue
		}
		pkg := strings.TrimPrefix(fields[0], module)
		for _, imp := range fields[1:] {
			lsp := strings.HasPrefix(imp, "go.lsp.dev/")
			zap := strings.HasPrefix(imp, "go.uber.org/zap")
			if lsp && pkg != "server" {
				t.Errorf("%s imports %s: only server/ may use go.lsp.dev", pkg, imp)
			}
			if (lsp || zap) && (pkg == "analysis" || strings.HasPrefix(pkg, "analysis/") || pkg == "index" || strings.HasPrefix(pkg, "index/")) {
				t.Errorf("%s imports %s: the core packages know no editor and no logger", pkg, imp)
			}
		}
	}
	deps, err := exec.Command("go", "list", "-deps", "../analysis", "../index").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, d := range strings.Fields(string(deps)) {
		if strings.HasPrefix(d, "go.lsp.dev/") || strings.HasPrefix(d, "go.uber.org/zap") {
			t.Errorf("analysis or index depends on %s", d)
		}
	}
}
