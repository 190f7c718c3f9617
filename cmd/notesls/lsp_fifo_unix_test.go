//go:build unix

package main

import (
	"path/filepath"
	"syscall"
	"testing"
)

// A watched-file event naming a FIFO, inside the workspace or outside every folder, must
// not block the server: it reads only regular files, and only inside its folders.
func TestLSPWatchedFIFO(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	lspWriteFile(t, a, "alpha = (first\n")
	inFIFO := filepath.Join(dir, "x.notes")
	outFIFO := filepath.Join(outside, "y.notes")
	for _, p := range []string{inFIFO, outFIFO} {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	c.waitDiagnostics(lspFileURI(a), nil)
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{
		{"uri": lspFileURI(inFIFO), "type": 1},
		{"uri": lspFileURI(outFIFO), "type": 2},
	}})
	var hover struct{ Contents struct{ Value string } }
	c.result("textDocument/hover", textDocPos(lspFileURI(a), lspPosition{Line: 0, Character: 1}), &hover)
	if hover.Contents.Value == "" {
		t.Fatal("no hover after the FIFO events")
	}
	stillServes(t, c)
}
