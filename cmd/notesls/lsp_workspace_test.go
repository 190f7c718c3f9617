package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The workspace: indexing at initialize with progress, watched files, folders, settings.

func TestLSPWorkspaceIndexedWithProgress(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	b := filepath.Join(dir, "sub", "b.notes")
	lspWriteFile(t, a, "alpha = first, see [[beta]]\n")
	lspWriteFile(t, b, "beta = second (unbalanced\n")
	lspWriteFile(t, filepath.Join(dir, "ignored.txt"), "gamma = [[nothing]]\n")
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)

	// Files never opened get their diagnostics.
	p := c.waitDiagnostics(lspFileURI(b), nil)
	if len(*p.Diagnostics) != 1 || (*p.Diagnostics)[0].Code != "unbalanced-brackets" || p.Version != nil {
		t.Fatalf("b.notes: %s (version %v), want one unbalanced-brackets without version", diagnosticsString(p), p.Version)
	}
	// Progress on a token the client created, from begin to end.
	c.waitNote("$/progress end", func(m *rpcMessage) bool {
		return m.Method == "$/progress" && strings.Contains(string(m.Params), `"kind":"end"`)
	})
	var token json.RawMessage
	for _, r := range c.serverRequests() {
		if r.Method == "window/workDoneProgress/create" {
			var p struct{ Token json.RawMessage }
			_ = json.Unmarshal(r.Params, &p)
			token = p.Token
		}
	}
	if token == nil {
		t.Fatal("no window/workDoneProgress/create before $/progress")
	}
	var kinds []string
	for _, m := range c.notesSince(0) {
		var p struct {
			Token json.RawMessage
			Value struct{ Kind string }
		}
		if m.Method == "$/progress" && json.Unmarshal(m.Params, &p) == nil && string(p.Token) == string(token) {
			kinds = append(kinds, p.Value.Kind)
		}
	}
	if len(kinds) < 2 || kinds[0] != "begin" || kinds[len(kinds)-1] != "end" {
		t.Errorf("progress kinds %v, want begin ... end", kinds)
	}
	// A term of an unopened file resolves from another file.
	var links []struct{ TargetURI string }
	c.result("textDocument/definition", textDocPos(lspFileURI(a), lspPositionOf(t, "alpha = first, see [[beta]]", `\[\[(b)eta`)), &links)
	if len(links) != 1 || links[0].TargetURI != lspFileURI(b) {
		t.Errorf("definition of [[beta]]: %+v, want b.notes", links)
	}
}

func TestLSPNoProgressWithoutCapability(t *testing.T) {
	dir := t.TempDir()
	lspWriteFile(t, filepath.Join(dir, "a.notes"), "alpha = (first\n")
	c := startServer(t)
	c.initialize(dir, map[string]any{}, nil)
	c.waitDiagnostics(lspFileURI(filepath.Join(dir, "a.notes")), nil)
	for _, m := range c.notesSince(0) {
		if m.Method == "$/progress" {
			t.Errorf("progress sent to a client that did not offer it: %s", m.Params)
		}
	}
	for _, r := range c.serverRequests() {
		t.Errorf("request %s sent to a client that supports no dynamic registration nor progress", r.Method)
	}
}

func TestLSPWatchedFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	lspWriteFile(t, a, "alpha = see [[beta]]\n")
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	ua := lspFileURI(a)
	p := c.waitDiagnostics(ua, nil)
	if len(*p.Diagnostics) != 1 {
		t.Fatalf("a.notes: %s, want a broken reference", diagnosticsString(p))
	}
	// The server registered for watched files.
	c.waitRequest("registration of watched files", func(r *rpcMessage) bool {
		return r.Method == "client/registerCapability" && strings.Contains(string(r.Params), "workspace/didChangeWatchedFiles") &&
			strings.Contains(string(r.Params), "*.notes")
	})

	// Created: b.notes defines beta; a.notes is repaired.
	b := filepath.Join(dir, "b.notes")
	lspWriteFile(t, b, "beta = second (unbalanced\n")
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": lspFileURI(b), "type": 1}}})
	c.waitDiagnostics(ua, func(p publishParams) bool { return len(*p.Diagnostics) == 0 })
	c.waitDiagnostics(lspFileURI(b), func(p publishParams) bool { return len(*p.Diagnostics) == 1 })
	// Changed: the bracket is fixed.
	lspWriteFile(t, b, "beta = second\n")
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": lspFileURI(b), "type": 2}}})
	c.waitDiagnostics(lspFileURI(b), func(p publishParams) bool { return len(*p.Diagnostics) == 0 })
	// Deleted: a.notes is broken again.
	if err := os.Remove(b); err != nil {
		t.Fatal(err)
	}
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": lspFileURI(b), "type": 3}}})
	c.waitDiagnostics(ua, func(p publishParams) bool { return len(*p.Diagnostics) == 1 })
}

func TestLSPWorkspaceFolders(t *testing.T) {
	one, two := t.TempDir(), t.TempDir()
	a := filepath.Join(one, "a.notes")
	b := filepath.Join(two, "b.notes")
	lspWriteFile(t, a, "alpha = see [[beta]]\n")
	lspWriteFile(t, b, "beta = (second\n")
	c := startServer(t)
	c.initialize(one, editorCaps, nil)
	c.waitDiagnostics(lspFileURI(a), func(p publishParams) bool { return len(*p.Diagnostics) == 1 })

	folder := []map[string]string{{"uri": lspFileURI(two), "name": "two"}}
	c.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{"added": folder, "removed": []any{}}})
	c.waitDiagnostics(lspFileURI(a), func(p publishParams) bool { return len(*p.Diagnostics) == 0 })
	c.waitDiagnostics(lspFileURI(b), func(p publishParams) bool { return len(*p.Diagnostics) == 1 })

	c.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{"added": []any{}, "removed": folder}})
	c.waitDiagnostics(lspFileURI(b), func(p publishParams) bool { return len(*p.Diagnostics) == 0 })
	c.waitDiagnostics(lspFileURI(a), func(p publishParams) bool { return len(*p.Diagnostics) == 1 })
}

// TestLSPFolderConfigs: each workspace folder is ruled by its own .notesls.json (a rule
// off and sorting off in one, a severity changed in the other), and a change of one
// folder's file re-evaluates that folder's files only.
func TestLSPFolderConfigs(t *testing.T) {
	one, two := t.TempDir(), t.TempDir()
	a := filepath.Join(one, "a.notes")
	b := filepath.Join(two, "b.notes")
	lspWriteFile(t, filepath.Join(one, ".notesls.json"), `{"rules": {"trailing-whitespace": "off"}, "sorting": false}`)
	lspWriteFile(t, filepath.Join(two, ".notesls.json"), `{"rules": {"unbalanced-brackets": "error"}}`)
	lspWriteFile(t, a, "b = (first  \na = x\n")
	lspWriteFile(t, b, "d = (second  \nc = y\n")
	ua, ub := lspFileURI(a), lspFileURI(b)
	severities := func(p publishParams) string {
		var out []string
		for _, d := range *p.Diagnostics {
			out = append(out, fmt.Sprintf("%s:%d", d.Code, d.Severity))
		}
		return strings.Join(out, ",")
	}
	c := startServer(t)
	c.initialize(one, editorCaps, nil)
	c.waitDiagnostics(ua, nil)
	folder := []map[string]string{{"uri": lspFileURI(two), "name": "two"}}
	c.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{"added": folder, "removed": []any{}}})

	wantA, wantB := "unbalanced-brackets:2", "unsorted:2,unbalanced-brackets:1,trailing-whitespace:4"
	if p := c.waitDiagnostics(ub, func(p publishParams) bool { return severities(p) == wantB }); severities(p) != wantB {
		t.Fatalf("b.notes: %s", diagnosticsString(p))
	}
	pa := c.waitDiagnostics(ua, nil)
	if got := severities(pa); got != wantA {
		t.Fatalf("a.notes under its own config: %s, want %s", got, wantA)
	}

	// One folder's config changes: its files are published again, the other's are not.
	published := func(uri string) int {
		n := 0
		for _, m := range c.notesSince(0) {
			if m.Method == "textDocument/publishDiagnostics" && strings.Contains(string(m.Params), `"uri":"`+uri+`"`) {
				n++
			}
		}
		return n
	}
	beforeB := published(ub)
	lspWriteFile(t, filepath.Join(one, ".notesls.json"), `{"rules": {"trailing-whitespace": "off"}}`)
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": lspFileURI(filepath.Join(one, ".notesls.json")), "type": 2}}})
	wantA = "unsorted:2,unbalanced-brackets:2"
	if p := c.waitDiagnostics(ua, func(p publishParams) bool { return severities(p) == wantA }); severities(p) != wantA {
		t.Fatalf("a.notes after its config changed: %s", diagnosticsString(p))
	}
	var hover any
	c.result("textDocument/hover", textDocPos(ub, lspPositionOf(t, "d = (second  ", "(d)")), &hover) // answered after the change
	if n := published(ub); n != beforeB {
		t.Errorf("b.notes published %d more times after a.notes's folder config changed", n-beforeB)
	}
}

func TestLSPNoWorkspaceFolder(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.notes"), filepath.Join(dir, "b.notes")
	lspWriteFile(t, a, "alpha = see [[beta]]\n")
	lspWriteFile(t, b, "beta = second\n")
	c := startServer(t)
	c.initialize("", editorCaps, nil) // no folder: open files only
	c.didOpen(lspFileURI(a), "alpha = see [[beta]]\n")
	p := c.waitDiagnostics(lspFileURI(a), hasVersion(1))
	if len(*p.Diagnostics) != 1 || (*p.Diagnostics)[0].Code != "broken-reference" {
		t.Fatalf("with no folder, b.notes must not be indexed: %s", diagnosticsString(p))
	}
}

// rulesOf lists the rules of a publication.
func rulesOf(p publishParams) string {
	var rules []string
	for _, d := range *p.Diagnostics {
		rules = append(rules, d.Code)
	}
	return strings.Join(rules, ",")
}

func TestLSPSettings(t *testing.T) {
	text := "alpha = (first\nbeta = second  \n"
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	lspWriteFile(t, a, text)
	ua := lspFileURI(a)

	// initializationOptions, with the outer "notesls" key, turn a rule off.
	c := startServer(t)
	c.initialize(dir, editorCaps, map[string]any{"notesls": map[string]any{"rules": map[string]string{"unbalanced-brackets": "off"}}})
	p := c.waitDiagnostics(ua, nil)
	if rulesOf(p) != "trailing-whitespace" {
		t.Fatalf("with unbalanced-brackets off: %s", diagnosticsString(p))
	}
	// didChangeConfiguration, without the outer key, replaces the editor's settings.
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"rules": map[string]string{"trailing-whitespace": "off"}}})
	c.waitDiagnostics(ua, func(p publishParams) bool { return rulesOf(p) == "unbalanced-brackets" })
	// And with the outer key, changing a severity.
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"notesls": map[string]any{"rules": map[string]string{"unbalanced-brackets": "error"}}}})
	p = c.waitDiagnostics(ua, func(p publishParams) bool { return len(*p.Diagnostics) == 2 && (*p.Diagnostics)[0].Severity == 1 })

	// .notesls.json wins over the editor: the workspace and `notesls --check` agree.
	lspWriteFile(t, filepath.Join(dir, ".notesls.json"), `{"rules": {"unbalanced-brackets": "hint"}}`)
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": lspFileURI(filepath.Join(dir, ".notesls.json")), "type": 1}}})
	c.waitDiagnostics(ua, func(p publishParams) bool {
		return len(*p.Diagnostics) == 2 && (*p.Diagnostics)[0].Code == "unbalanced-brackets" && (*p.Diagnostics)[0].Severity == 4
	})

	// A fresh server reads the config file at initialize.
	c2 := startServer(t)
	c2.initialize(dir, editorCaps, nil)
	p = c2.waitDiagnostics(ua, nil)
	if len(*p.Diagnostics) != 2 || (*p.Diagnostics)[0].Severity != 4 {
		t.Fatalf("with .notesls.json: %s", diagnosticsString(p))
	}
}

func TestLSPProgressOnInitializeToken(t *testing.T) {
	dir := t.TempDir()
	lspWriteFile(t, filepath.Join(dir, "a.notes"), "alpha = first\n")
	c := startServer(t)
	c.result("initialize", map[string]any{
		"processId": nil, "rootUri": lspFileURI(dir), "capabilities": editorCaps, "workDoneToken": "init-token",
	}, nil)
	c.notify("initialized", map[string]any{})
	c.waitNote("progress end on the initialize token", func(m *rpcMessage) bool {
		return m.Method == "$/progress" && strings.Contains(string(m.Params), `"token":"init-token"`) &&
			strings.Contains(string(m.Params), `"kind":"end"`)
	})
	for _, r := range c.serverRequests() {
		if r.Method == "window/workDoneProgress/create" {
			t.Errorf("created a token although initialize gave one: %s", r.Params)
		}
	}
}

func TestLSPSettingsPulled(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	lspWriteFile(t, a, "alpha = (first\nbeta = second  \n")
	ua := lspFileURI(a)
	c := startServer(t)
	// The client answers workspace/configuration with its "notesls" section.
	c.answer("workspace/configuration", []any{map[string]any{"rules": map[string]string{"trailing-whitespace": "off"}, "path": "/usr/bin/notesls"}})
	c.initialize(dir, editorCaps, nil)
	c.waitDiagnostics(ua, func(p publishParams) bool { return rulesOf(p) == "unbalanced-brackets" })
	// Null settings in didChangeConfiguration: pull again, keep them meanwhile.
	c.answer("workspace/configuration", []any{map[string]any{"rules": map[string]string{"unbalanced-brackets": "off"}}})
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
	c.waitDiagnostics(ua, func(p publishParams) bool { return rulesOf(p) == "trailing-whitespace" })
}

func TestLSPOpenDocumentOverridesDisk(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	lspWriteFile(t, a, "alpha = first\n")
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	ua := lspFileURI(a)
	c.didOpen(ua, "alpha = (first\n")
	c.waitDiagnostics(ua, func(p publishParams) bool { return rulesOf(p) == "unbalanced-brackets" })
	// The file changes on disk while open: the editor's text still counts.
	lspWriteFile(t, a, "alpha = first [[nowhere]]\n")
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": ua, "type": 2}}})
	var hover struct{ Contents struct{ Value string } }
	c.result("textDocument/hover", textDocPos(ua, lspPosition{0, 1}), &hover)
	if !strings.Contains(hover.Contents.Value, "(first") || strings.Contains(hover.Contents.Value, "nowhere") {
		t.Fatalf("hover shows %q, want the open document's text", hover.Contents.Value)
	}
	// Closed, the disk's text counts.
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": ua}})
	c.waitDiagnostics(ua, func(p publishParams) bool { return rulesOf(p) == "broken-reference" })
}

// An edit of one file republishes the other files whose findings it changed, and only
// those: a reference that now resolves (found through the index's keys), a duplicate
// whose first line moved (found through what was published).
func TestLSPEditRepublishesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	b := filepath.Join(dir, "b.notes")
	d := filepath.Join(dir, "d.notes")
	unrelated := filepath.Join(dir, "c.notes")
	aText := "alpha = first\nshared = the same line\n"
	lspWriteFile(t, a, aText)
	lspWriteFile(t, b, "beta = see [[gamma]]\n")
	lspWriteFile(t, d, "shared = the same line\n")
	lspWriteFile(t, unrelated, "zulu = unrelated (open\n")
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	codes := func(p publishParams) string {
		var out []string
		for _, d := range *p.Diagnostics {
			out = append(out, d.Code+": "+d.Message)
		}
		return strings.Join(out, "\n")
	}
	if got := codes(c.waitDiagnostics(lspFileURI(b), nil)); !strings.Contains(got, "broken-reference") {
		t.Fatalf("b.notes at start:\n%s", got)
	}
	if got := codes(c.waitDiagnostics(lspFileURI(d), nil)); !strings.Contains(got, a+":2") {
		t.Fatalf("d.notes at start:\n%s", got)
	}
	c.waitDiagnostics(lspFileURI(unrelated), nil)
	c.didOpen(lspFileURI(a), aText)
	mark := c.noteCount()

	// A new first line defines gamma and moves the line d.notes duplicates.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": lspFileURI(a), "version": 2},
		"contentChanges": []map[string]any{{"range": lspRange{}, "text": "gamma = now defined\n"}},
	})
	c.waitDiagnostics(lspFileURI(b), func(p publishParams) bool { return len(*p.Diagnostics) == 0 })
	c.waitDiagnostics(lspFileURI(d), func(p publishParams) bool { return strings.Contains(codes(p), a+":3") })
	// c.notes goes out once, at the start. The publisher would send it right after
	// d.notes were it affected; index.TestAffectedByEdits pins the sets exactly.
	c.result("textDocument/hover", textDocPos(lspFileURI(a), lspPosition{Line: 0, Character: 1}), new(json.RawMessage))
	if code := c.shutdownAndExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	for _, m := range c.notesSince(mark) {
		if m.Method == "textDocument/publishDiagnostics" && strings.Contains(string(m.Params), lspFileURI(unrelated)) {
			t.Errorf("c.notes, which the edit cannot change, was published again: %s", m.Params)
		}
	}
}

// A file past a limit says so on line 1 and once in the client's log, not on every edit.
func TestLSPLimitReachedIsLoggedOnce(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.notes")
	text := "alpha = one\nalpha = one\nsee [[nowhere]] and more words to pass the limit\n"
	lspWriteFile(t, filepath.Join(dir, ".notesls.json"), `{"maxFileSize": 60}`)
	lspWriteFile(t, big, text)
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	p := c.waitDiagnostics(lspFileURI(big), nil)
	if len(*p.Diagnostics) != 1 || (*p.Diagnostics)[0].Code != "limit-reached" || (*p.Diagnostics)[0].Range.Start.Line != 0 ||
		!strings.Contains((*p.Diagnostics)[0].Message, `"maxFileSize"`) {
		t.Fatalf("big.notes: %s, want one limit-reached on line 1 naming the setting", diagnosticsString(p))
	}
	c.didOpen(lspFileURI(big), text)
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": lspFileURI(big), "version": 2},
		"contentChanges": []map[string]any{{"range": lspRange{}, "text": "x"}},
	})
	c.waitDiagnostics(lspFileURI(big), hasVersion(2))
	logged := c.logMessagesNaming("maxFileSize")
	if logged != 1 {
		t.Errorf("the limit was logged %d times, want once", logged)
	}
}

// A file whose findings never finish computing holds back neither the other files'
// diagnostics, nor a request, nor the exit (the test hook makes that file's
// computation block for good).
func TestLSPNoFileHoldsAnotherHostage(t *testing.T) {
	dir := t.TempDir()
	stuck := filepath.Join(dir, "a-notesls-test-stuck.notes") // published first, in path order
	other := filepath.Join(dir, "b.notes")
	lspWriteFile(t, stuck, "alpha = first\n")
	lspWriteFile(t, other, "beta = second (open\n")
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	if p := c.waitDiagnostics(lspFileURI(other), nil); len(*p.Diagnostics) != 1 {
		t.Fatalf("b.notes: %s, want its one finding", diagnosticsString(p))
	}
	var hover struct{ Contents struct{ Value string } }
	c.result("textDocument/hover", textDocPos(lspFileURI(other), lspPosition{Line: 0, Character: 1}), &hover)
	if !strings.Contains(hover.Contents.Value, "second") {
		t.Errorf("hover on beta: %q", hover.Contents.Value)
	}
	if code := c.shutdownAndExit(); code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
}

// VS Code registers its handler for window/workDoneProgress/create only when it sends
// initialized; a create sent before that is refused and the progress never shows.
func TestLSPProgressTokenWaitsForInitialized(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	lspWriteFile(t, a, "alpha = (first\n")
	c := startServer(t)
	params := map[string]any{
		"processId": os.Getpid(), "capabilities": editorCaps,
		"rootUri":          lspFileURI(dir),
		"workspaceFolders": []map[string]string{{"uri": lspFileURI(dir), "name": "w"}},
	}
	c.result("initialize", params, nil)
	// The index is built and published without initialized; the token must wait.
	c.waitDiagnostics(lspFileURI(a), nil)
	for _, r := range c.serverRequests() {
		if r.Method == "window/workDoneProgress/create" {
			t.Fatal("window/workDoneProgress/create sent before the client's initialized")
		}
	}
	c.notify("initialized", map[string]any{})
	c.waitRequest("window/workDoneProgress/create", func(r *rpcMessage) bool {
		return r.Method == "window/workDoneProgress/create"
	})
	c.waitNote("$/progress end", func(m *rpcMessage) bool {
		return m.Method == "$/progress" && strings.Contains(string(m.Params), `"kind":"end"`)
	})
}

// A file with more findings than maxDiagnosticsPerFile is published with its most severe
// ones and a limit-reached finding that counts the rest, as VS Code itself shows a file's
// problems; quick fixes still work past the limit, and 0 lifts it.
func TestLSPDiagnosticsPerFileLimit(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	var b strings.Builder
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "t%02d = body %d \n", i, i) // a trailing blank each
	}
	b.WriteString("zz1 = (open\nzz2 = (open\nzz3 = (open\n")
	lspWriteFile(t, a, b.String())
	ua := lspFileURI(a)
	rules := map[string]string{"trailing-whitespace": "hint", "unbalanced-brackets": "error"}
	c := startServer(t)
	c.initialize(dir, editorCaps, map[string]any{"rules": rules, "maxDiagnosticsPerFile": 10})
	p := c.waitDiagnostics(ua, nil)
	ds := *p.Diagnostics
	if len(ds) != 11 {
		t.Fatalf("published %d findings, want 10 and the limit's: %s", len(ds), diagnosticsString(p))
	}
	if ds[0].Code != "limit-reached" || ds[0].Range.Start.Line != 0 ||
		!strings.HasPrefix(ds[0].Message, "33 more findings not shown (33 hints)") || !strings.Contains(ds[0].Message, `"maxDiagnosticsPerFile"`) {
		t.Errorf("first finding %+v, want limit-reached on line 1 counting 33 hints and naming the setting", ds[0])
	}
	errors, hints := 0, 0
	for _, d := range ds[1:] {
		switch {
		case d.Code == "unbalanced-brackets" && d.Severity == 1:
			errors++
		case d.Code == "trailing-whitespace" && d.Range.Start.Line < 7:
			hints++
		default:
			t.Errorf("published %+v: not among the 3 errors and the first 7 hints", d)
		}
	}
	if errors != 3 || hints != 7 {
		t.Errorf("%d errors and %d hints published, want 3 and 7", errors, hints)
	}
	var actions []struct{ Title string }
	c.result("textDocument/codeAction", map[string]any{
		"textDocument": map[string]string{"uri": ua},
		"range":        lspRange{Start: lspPosition{Line: 29}, End: lspPosition{Line: 29, Character: 3}},
		"context":      map[string]any{"diagnostics": []any{}, "only": []string{"quickfix"}},
	}, &actions)
	if len(actions) == 0 {
		t.Errorf("no quick fix on line 30, past the limit")
	}
	logged := c.logMessagesNaming("maxDiagnosticsPerFile")
	if logged != 1 {
		t.Errorf("the limit was logged %d times, want once", logged)
	}
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"rules": rules, "maxDiagnosticsPerFile": 0}})
	c.waitDiagnostics(ua, func(p publishParams) bool { return len(*p.Diagnostics) == 43 })
}

// The caches that completion needs are built once the workspace is indexed and the open
// documents' findings are out, without waiting for a pause in typing: a user types at
// once, and the first "[[" completion would otherwise build the term list itself.
func TestLSPCachesBuiltAfterIndexingWhileTyping(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	lspWriteFile(t, a, "alpha = first\nbeta = see [[alpha]]\n")
	lspWriteFile(t, filepath.Join(dir, "b.notes"), "gamma = third\n")
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	ua := lspFileURI(a)
	c.didOpen(ua, "alpha = first\nbeta = see [[alpha]]\n")
	c.waitDiagnostics(ua, nil)
	deadline := time.Now().Add(10 * time.Second)
	for v := 2; !strings.Contains(c.stderr.String(), "caches built after indexing"); v++ {
		if time.Now().After(deadline) {
			t.Fatalf("no caches built while typing went on; log:\n%s", c.stderr.String())
		}
		// A keystroke every 50 ms: never the pause after which caches are built anyway.
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": ua, "version": v},
			"contentChanges": []map[string]any{{"range": lspRange{Start: lspPosition{Line: 2}, End: lspPosition{Line: 2}}, "text": "x"}},
		})
		time.Sleep(50 * time.Millisecond)
	}
	var list struct{ Items []struct{ Label string } }
	c.result("textDocument/completion", textDocPos(ua, lspPosition{Line: 1, Character: 13}), &list)
	if len(list.Items) == 0 {
		t.Errorf("no completion after [[")
	}
}

// logMessagesNaming counts the window/logMessage notifications so far that name text.
func (c *lspClient) logMessagesNaming(text string) int {
	n := 0
	for _, m := range c.notesSince(0) {
		if m.Method == "window/logMessage" && strings.Contains(string(m.Params), text) {
			n++
		}
	}
	return n
}
