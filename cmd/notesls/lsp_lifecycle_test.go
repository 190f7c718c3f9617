package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// One test per lifecycle and error rule of issue 3, against the built binary.

const (
	codeParseError       = -32700
	codeInvalidRequest   = -32600
	codeMethodNotFound   = -32601
	codeInvalidParams    = -32602
	codeInternalError    = -32603
	codeNotInitialized   = -32002
	codeRequestCancelled = -32800
)

func lspWantError(t *testing.T, msg *rpcMessage, code int) {
	t.Helper()
	if msg.Error == nil {
		t.Fatalf("result %s, want error %d", msg.Result, code)
	}
	if msg.Error.Code != code {
		t.Fatalf("error %d %q, want code %d", msg.Error.Code, msg.Error.Message, code)
	}
}

// stillServes checks the connection works: a request is answered.
func stillServes(t *testing.T, c *lspClient) {
	t.Helper()
	msg := c.call("textDocument/hover", textDocPos("untitled:none", lspPosition{}))
	if msg.Error != nil || string(msg.Result) != "null" {
		t.Fatalf("hover after the error: %+v %s, want null", msg.Error, msg.Result)
	}
}

func TestLSPRequestBeforeInitialize(t *testing.T) {
	c := startServer(t)
	c.notify("textDocument/didOpen", map[string]any{ // dropped: not initialized
		"textDocument": map[string]any{"uri": "untitled:a", "languageId": "notes", "version": 1, "text": "a = b\n"},
	})
	lspWantError(t, c.call("textDocument/hover", textDocPos("untitled:a", lspPosition{})), codeNotInitialized)
	lspWantError(t, c.call("shutdown", nil), codeNotInitialized)
	c.initialize("", editorCaps, nil)
	stillServes(t, c)
	if code := c.shutdownAndExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
}

func TestLSPRequestAfterShutdown(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	c.result("shutdown", nil, nil)
	lspWantError(t, c.call("textDocument/hover", textDocPos("untitled:a", lspPosition{})), codeInvalidRequest)
	lspWantError(t, c.call("shutdown", nil), codeInvalidRequest)
	c.notify("exit", nil)
	if code := c.waitExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
}

func TestLSPShutdownParams(t *testing.T) {
	for name, params := range map[string]string{
		"omitted": ``,
		"null":    `,"params":null`,
		"empty":   `,"params":{}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := startServer(t)
			c.initialize("", editorCaps, nil)
			msg := c.await(c.startRaw("7", `{"jsonrpc":"2.0","id":7,"method":"shutdown"`+params+`}`), "shutdown")
			if msg.Error != nil || string(msg.Result) != "null" {
				t.Fatalf("shutdown with params %q: %+v %s, want result null", params, msg.Error, msg.Result)
			}
			c.notify("exit", nil)
			if code := c.waitExit(); code != 0 {
				t.Fatalf("exit status %d, want 0", code)
			}
		})
	}
}

func TestLSPExitWithoutShutdown(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	c.notify("exit", nil)
	if code := c.waitExit(); code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
}

func TestLSPExitAfterShutdown(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	if code := c.shutdownAndExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
}

func TestLSPStdinClosed(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	c.stdin.Close()
	if code := c.waitExit(); code != 1 {
		t.Fatalf("exit status %d after stdin closed without shutdown, want 1", code)
	}
}

func TestLSPUnknownRequest(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	lspWantError(t, c.call("notes/noSuchMethod", map[string]any{}), codeMethodNotFound)
	lspWantError(t, c.call("$/noSuchMethod", map[string]any{}), codeMethodNotFound)
	lspWantError(t, c.call("textDocument/declaration", map[string]any{}), codeMethodNotFound)
	stillServes(t, c)
}

func TestLSPUnknownNotificationIgnored(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	n := c.noteCount()
	c.notify("notes/noSuchNotification", map[string]any{"x": 1})
	c.notify("$/noSuchNotification", nil)
	stillServes(t, c)
	for _, m := range c.notesSince(n) {
		if m.Method != "textDocument/publishDiagnostics" && m.Method != "$/progress" {
			t.Errorf("unexpected message after an unknown notification: %s %s", m.Method, m.Params)
		}
	}
}

func TestLSPInvalidParams(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	lspWantError(t, c.call("textDocument/hover", map[string]any{"textDocument": 5}), codeInvalidParams)
	lspWantError(t, c.call("textDocument/hover", nil), codeInvalidParams)
	lspWantError(t, c.call("textDocument/definition", map[string]any{
		"textDocument": map[string]any{"uri": "untitled:a"}, "position": map[string]any{"line": -1, "character": 0},
	}), codeInvalidParams)
	lspWantError(t, c.call("textDocument/completion", map[string]any{
		"textDocument": map[string]any{"uri": 7}, "position": map[string]any{"line": 0, "character": 0},
	}), codeInvalidParams)
	stillServes(t, c)
}

func TestLSPInternalError(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	lspWantError(t, c.call("notesls/test/fail", map[string]any{}), codeInternalError)
	stillServes(t, c)
}

func TestLSPPanicRecovered(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	lspWantError(t, c.call("notesls/test/panic", map[string]any{}), codeInternalError)
	lspWantError(t, c.call("notesls/test/panicSerial", map[string]any{}), codeInternalError)
	lspWantError(t, c.call("notesls/test/panicInWorker", map[string]any{}), codeInternalError)
	stillServes(t, c)
	for _, want := range []string{"test hook panic", "test hook panic on a worker goroutine", "worker goroutine:"} {
		if !c.logged(want) {
			t.Errorf("%q was not logged to stderr:\n%s", want, c.stderr.String())
		}
	}
}

func TestLSPCancelRequest(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	for _, tc := range []struct{ id, cancelID string }{
		{"41", "41"},
		{"42", "42.0"}, // the same number, written as a float
		{`"req-43"`, `"req-43"`},
	} {
		ch := c.start(tc.id, "notesls/test/block", map[string]any{})
		stillServes(t, c) // the blocked request holds up nothing
		c.notify("$/cancelRequest", map[string]any{"id": lspRawJSON(tc.cancelID)})
		lspWantError(t, c.await(ch, "cancelled request "+tc.id), codeRequestCancelled)
	}
	stillServes(t, c)
}

func TestLSPMalformedInput(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)

	// Invalid JSON with a recognizable id: -32700 for that id, and the connection lives.
	bad := `{"jsonrpc":"2.0","id":500,"method":"textDocument/hover","params":{"textDocument":`
	lspWantError(t, c.await(c.startRaw("500", bad), "invalid JSON"), codeParseError)
	stillServes(t, c)

	// A lowercase header name is read.
	resp := make(chan *rpcMessage, 1)
	c.mu.Lock()
	c.pending["501"] = resp
	c.mu.Unlock()
	body := `{"jsonrpc":"2.0","id":501,"method":"textDocument/hover","params":{"textDocument":{"uri":"untitled:x"},"position":{"line":0,"character":0}}}`
	c.sendRaw(fmt.Sprintf("content-length: %d\r\n\r\n%s", len(body), body))
	if msg := c.await(resp, "lowercase header"); msg.Error != nil {
		t.Fatalf("lowercase content-length: error %+v", msg.Error)
	}

	// A huge declared length is skipped, not allocated, and the next frame is served.
	c.sendRaw("Content-Length: 99999999999999\r\n\r\n{}")
	c.sendRaw("Content-Length: 1099511627776\r\n\r\n")
	stillServes(t, c)
	if code := c.shutdownAndExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
}

type lspRawJSON string

func (r lspRawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

func TestLSPLogFile(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "notesls.log")
	c := startServer(t, "--log-file", logFile, "--stdio")
	c.initialize("", editorCaps, nil)
	stillServes(t, c) // stdout carries frames only: the client's reader checks every byte
	if code := c.shutdownAndExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "initialize") || !strings.Contains(string(data), "textDocument/hover") {
		t.Errorf("log file lacks the session:\n%s", data)
	}
	if s := c.stderr.String(); s != "" {
		t.Errorf("with --log-file, stderr got:\n%s", s)
	}
}

func TestLSPUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"serve", "--no-such-flag"}, {"serve", "--log-level", "loud"}, {"serve", "extra"}} {
		cmd := exec.Command(notesBinary, args...)
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != 2 {
			t.Errorf("notesls %v: exit status %d, want 2\n%s", args, code, out)
		}
	}
}

// --version names the same version as initialize's serverInfo, so a bug report's version
// line is the one the editor's log shows.
func TestVersionMatchesServerInfo(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"--check", "--version"}, {"serve", "-version"}} {
		out, errOut, code := runNotes(t, repoRoot, args...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || errOut != "" || !strings.HasPrefix(lines[0], "notesls ") ||
			!strings.HasPrefix(lines[len(lines)-1], "built with go") {
			t.Fatalf("notesls %q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		c := startServer(t)
		var res struct {
			ServerInfo struct{ Name, Version string } `json:"serverInfo"`
		}
		c.result("initialize", map[string]any{"processId": os.Getpid(), "capabilities": map[string]any{}, "rootUri": nil}, &res)
		if got := "notesls " + res.ServerInfo.Version; res.ServerInfo.Name != "notesls" || got != lines[0] {
			t.Errorf("serverInfo %+v, want the first line of --version: %q", res.ServerInfo, lines[0])
		}
	}
}

// The server's profiles for performance reports are written once the session ends: a CPU
// profile and a heap profile (gzipped protocol buffers) and an execution trace.
func TestLSPWritesProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, mem, tr := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof"), filepath.Join(dir, "trace.out")
	c := startServer(t, "--profile.cpu", cpu, "--profile.mem", mem, "--profile.trace", tr)
	c.initialize("", editorCaps, nil)
	if code := c.shutdownAndExit(); code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	for _, f := range []struct{ path, magic string }{
		{cpu, "\x1f\x8b"}, {mem, "\x1f\x8b"}, {tr, "go 1."},
	} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), f.magic) {
			t.Errorf("%s starts %q, want %q", filepath.Base(f.path), b[:min(len(b), 8)], f.magic)
		}
	}
}
