package main

import (
	"maps"
	"path/filepath"
	"strings"
	"testing"
)

// An edit in one file moves the line a reference in another open file leads to: the
// server asks the client to refresh its inlay hints and code lenses, and the hints it
// then answers lead to the new line. A client without refreshSupport is not asked.
func TestLSPRefreshesHintsAndLenses(t *testing.T) {
	for _, refresh := range []bool{true, false} {
		dir := t.TempDir()
		a, b := filepath.Join(dir, "a.notes"), filepath.Join(dir, "b.notes")
		aText, bText := "alpha = see [[beta]]\n", "beta = the second letter\n"
		lspWriteFile(t, a, aText)
		lspWriteFile(t, b, bText)
		caps := maps.Clone(editorCaps)
		if refresh {
			ws := maps.Clone(editorCaps["workspace"].(map[string]any))
			ws["inlayHint"] = map[string]any{"refreshSupport": true}
			ws["codeLens"] = map[string]any{"refreshSupport": true}
			caps["workspace"] = ws
		}
		c := startServer(t)
		c.initialize(dir, caps, nil)
		aURI, bURI := lspFileURI(a), lspFileURI(b)
		c.didOpen(aURI, aText)
		c.didOpen(bURI, bText)
		c.waitDiagnostics(bURI, hasVersion(1))
		hint := func() string {
			var hints []struct {
				Label string `json:"label"`
			}
			c.result("textDocument/inlayHint", map[string]any{
				"textDocument": map[string]any{"uri": aURI},
				"range":        lspRange{End: lspPosition{Line: 1}},
			}, &hints)
			if len(hints) != 1 {
				t.Fatalf("hints of a.notes: %+v", hints)
			}
			return hints[0].Label
		}
		if got := hint(); got != "→ b.notes:1" {
			t.Fatalf("hint before the edit: %q", got)
		}
		before := len(c.serverRequests())
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": bURI, "version": 2},
			"contentChanges": []map[string]any{{"range": lspRange{}, "text": "aardvark = first\n"}},
		})
		c.waitDiagnostics(bURI, hasVersion(2))
		if refresh {
			for _, m := range []string{"workspace/inlayHint/refresh", "workspace/codeLens/refresh"} {
				c.waitRequest(m, func(r *rpcMessage) bool { return r.Method == m })
			}
		} else {
			c.result("textDocument/hover", textDocPos(aURI, lspPosition{}), nil) // a round trip after the round
			for _, r := range c.serverRequests()[before:] {
				if strings.HasSuffix(r.Method, "/refresh") {
					t.Errorf("a client without refreshSupport got %s", r.Method)
				}
			}
		}
		if got := hint(); got != "→ b.notes:2" {
			t.Errorf("hint after the edit: %q, want the new line", got)
		}
		c.shutdownAndExit()
	}
}
