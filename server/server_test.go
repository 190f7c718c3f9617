package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/notesls/notesls/index"
)

// In-process tests: server and client in one process over net.Pipe, as buf's language
// server tests do. The client's handler exists before the connection starts.

type pipeClient struct {
	t    *testing.T
	conn jsonrpc2.Conn
	done chan error // Serve's result

	mu    sync.Mutex
	diags map[protocol.DocumentURI][]protocol.PublishDiagnosticsParams
	wake  chan struct{}
}

func startPipe(t *testing.T, opts Options) *pipeClient {
	t.Helper()
	serverSide, clientSide := net.Pipe()
	c := &pipeClient{t: t, done: make(chan error, 1), diags: map[protocol.DocumentURI][]protocol.PublishDiagnosticsParams{}, wake: make(chan struct{}, 1)}
	go func() { c.done <- Serve(context.Background(), NewStream(serverSide, nil), opts) }()
	c.conn = jsonrpc2.NewConn(NewStream(clientSide, nil))
	c.conn.Go(context.Background(), func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		if req.Method() == "textDocument/publishDiagnostics" {
			var p protocol.PublishDiagnosticsParams
			if err := json.Unmarshal(req.Params(), &p); err != nil {
				t.Errorf("publishDiagnostics: %v", err)
			}
			c.mu.Lock()
			c.diags[p.URI] = append(c.diags[p.URI], p)
			c.mu.Unlock()
			select {
			case c.wake <- struct{}{}:
			default:
			}
		}
		return reply(ctx, nil, nil)
	})
	t.Cleanup(func() {
		c.conn.Close()
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after the connection closed")
		}
	})
	return c
}

func (c *pipeClient) call(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.conn.Call(ctx, method, params, result)
	return err
}

func (c *pipeClient) notify(method string, params any) {
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatal(err)
	}
}

func (c *pipeClient) initialize() { c.initializeWith(nil) }

// initializeWith is initialize with the editor's settings, when options is not nil.
func (c *pipeClient) initializeWith(options any) {
	c.t.Helper()
	var res protocol.InitializeResult
	params := map[string]any{"capabilities": map[string]any{}}
	if options != nil {
		params["initializationOptions"] = options
	}
	if err := c.call("initialize", params, &res); err != nil {
		c.t.Fatal(err)
	}
	c.notify("initialized", map[string]any{})
}

// waitDiags waits until the publications for uri satisfy pred.
func (c *pipeClient) waitDiags(uri protocol.DocumentURI, pred func([]protocol.PublishDiagnosticsParams) bool) []protocol.PublishDiagnosticsParams {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		got := append([]protocol.PublishDiagnosticsParams(nil), c.diags[uri]...)
		c.mu.Unlock()
		if pred(got) {
			return got
		}
		select {
		case <-c.wake:
		case <-deadline:
			c.t.Fatalf("diagnostics for %s: got %+v", uri, got)
		}
	}
}

func TestServeOverPipe(t *testing.T) {
	c := startPipe(t, Options{})
	c.initialize()
	uri := protocol.DocumentURI("untitled:pipe")
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "notes", Version: 1, Text: "alpha = first [[beta]]\nbeta = second\n",
	}})
	c.waitDiags(uri, func(p []protocol.PublishDiagnosticsParams) bool { return len(p) > 0 && p[len(p)-1].Version == 1 })
	var hover *protocol.Hover
	if err := c.call("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: protocol.Position{Line: 0, Character: 17},
	}}, &hover); err != nil {
		t.Fatal(err)
	}
	if hover == nil || hover.Range == nil || hover.Range.Start.Line != 0 {
		t.Fatalf("hover on [[beta]]: %+v", hover)
	}
	var again protocol.InitializeResult
	if err := c.call("initialize", map[string]any{"capabilities": map[string]any{}}, &again); err == nil || toRPCError(err).Code != jsonrpc2.InvalidRequest {
		t.Fatalf("second initialize: %v, want -32600", err)
	}
}

func TestServeDebouncesDiagnostics(t *testing.T) {
	c := startPipe(t, Options{DiagnosticsDelay: 100 * time.Millisecond})
	c.initialize()
	uri := protocol.DocumentURI("untitled:burst")
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "notes", Version: 1, Text: "a = b\n",
	}})
	const edits = 20
	for v := 2; v <= edits+1; v++ { // a burst of keystrokes, faster than the delay
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": v},
			"contentChanges": []map[string]any{{"range": protocol.Range{Start: protocol.Position{Line: 0, Character: 5}, End: protocol.Position{Line: 0, Character: 5}}, "text": "("}},
		})
	}
	got := c.waitDiags(uri, func(p []protocol.PublishDiagnosticsParams) bool {
		return len(p) > 0 && p[len(p)-1].Version == edits+1
	})
	if len(got) > 3 {
		t.Errorf("%d publications for a burst of %d edits, want them merged", len(got), edits)
	}
	last := got[len(got)-1]
	if len(last.Diagnostics) != 1 || last.Diagnostics[0].Range.Start.Character != 5 {
		t.Errorf("after the burst: %+v", last.Diagnostics)
	}
}

// TestServeEditAfterPause: the first edit after a pause is published without waiting
// for the debounce delay, which here is far longer than the test allows.
func TestServeEditAfterPause(t *testing.T) {
	c := startPipe(t, Options{DiagnosticsDelay: 5 * time.Second})
	c.initialize()
	uri := protocol.DocumentURI("untitled:pause")
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "notes", Version: 1, Text: "a = b\n",
	}})
	c.waitDiags(uri, func(p []protocol.PublishDiagnosticsParams) bool { return len(p) > 0 && p[len(p)-1].Version == 1 })
	time.Sleep(2 * quietBeforeEdit)
	start := time.Now()
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []map[string]any{{"range": protocol.Range{Start: protocol.Position{Line: 0, Character: 5}, End: protocol.Position{Line: 0, Character: 5}}, "text": "("}},
	})
	c.waitDiags(uri, func(p []protocol.PublishDiagnosticsParams) bool { return len(p) > 0 && p[len(p)-1].Version == 2 })
	if waited := time.Since(start); waited >= 5*time.Second {
		t.Errorf("the edit after a pause waited %v, the whole debounce delay", waited)
	}
}

func TestServeExitStatus(t *testing.T) {
	for _, shutdown := range []bool{true, false} {
		serverSide, clientSide := net.Pipe()
		done := make(chan error, 1)
		go func() { done <- Serve(context.Background(), NewStream(serverSide, nil), Options{}) }()
		conn := jsonrpc2.NewConn(NewStream(clientSide, nil))
		conn.Go(context.Background(), jsonrpc2.MethodNotFoundHandler)
		ctx := context.Background()
		if _, err := conn.Call(ctx, "initialize", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
			t.Fatal(err)
		}
		if shutdown {
			if _, err := conn.Call(ctx, "shutdown", nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := conn.Notify(ctx, "exit", nil); err != nil {
			t.Fatal(err)
		}
		err := <-done
		if shutdown && err != nil {
			t.Errorf("exit after shutdown: %v, want nil", err)
		}
		if !shutdown && !errors.Is(err, ErrExitWithoutShutdown) {
			t.Errorf("exit without shutdown: %v, want ErrExitWithoutShutdown", err)
		}
		conn.Close()
	}
}

func TestParseSettings(t *testing.T) {
	tests := []struct {
		name, raw string
		rules     int
		sorting   *bool
		wantErr   bool
	}{
		{"absent", ``, 0, nil, false},
		{"null", `null`, 0, nil, false},
		{"outer key", `{"notesls": {"rules": {"near-duplicate": "off"}, "sorting": false}}`, 1, new(bool), false},
		{"no outer key", `{"rules": {"near-duplicate": "hint", "unsorted": "error"}}`, 2, nil, false},
		{"editor extras ignored", `{"notesls": {"trace": {"server": "verbose"}, "sorting": true}}`, 0, ptr(true), false},
		{"unknown rule", `{"rules": {"no-such-rule": "off"}}`, 0, nil, true},
		{"bad severity", `{"rules": {"near-duplicate": "loud"}}`, 0, nil, true},
		{"not an object", `[1]`, 0, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := parseSettings(json.RawMessage(tt.raw))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if len(st.rules) != tt.rules {
				t.Errorf("rules %v, want %d", st.rules, tt.rules)
			}
			if (st.sorting == nil) != (tt.sorting == nil) || (st.sorting != nil && *st.sorting != *tt.sorting) {
				t.Errorf("sorting %v, want %v", st.sorting, tt.sorting)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestParseID(t *testing.T) {
	for raw, want := range map[string]jsonrpc2.ID{
		`7`:          jsonrpc2.NewNumberID(7),
		`7.0`:        jsonrpc2.NewNumberID(7),
		` 12 `:       jsonrpc2.NewNumberID(12),
		`"abc"`:      jsonrpc2.NewStringID("abc"),
		`-3`:         jsonrpc2.NewNumberID(-3),
		`1e3`:        jsonrpc2.NewNumberID(1000),
		`"7"`:        jsonrpc2.NewStringID("7"),
		`7.5`:        {},
		`true`:       {},
		`9999999999`: {},
	} {
		got, ok := parseID(json.RawMessage(raw))
		if want == (jsonrpc2.ID{}) {
			if ok {
				t.Errorf("parseID(%s) = %v, want no id", raw, got)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("parseID(%s) = %v %v, want %v", raw, got, ok, want)
		}
	}
}

// TestServeOpenDocumentFirstAfterIndexing: a document opened while the workspace is
// indexed gets its findings, of the editor's text, before most of the other files get
// theirs, and none of the disk's text.
func TestServeOpenDocumentFirstAfterIndexing(t *testing.T) {
	dir := t.TempDir()
	const files = 300
	for i := range files {
		// Every file has a finding (a broken reference), so every one is published.
		text := fmt.Sprintf("topic %d = see [[nowhere %d]]\n", i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.notes", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opened := filepath.Join(dir, fmt.Sprintf("f%03d.notes", files-1)) // last in path order
	c := startPipe(t, Options{})
	var res protocol.InitializeResult
	if err := c.call("initialize", map[string]any{"capabilities": map[string]any{}, "rootUri": string(pathURI(dir))}, &res); err != nil {
		t.Fatal(err)
	}
	c.notify("initialized", map[string]any{})
	uri := pathURI(opened)
	editorText := "edited = see [[nowhere]] and [[elsewhere]]\n"
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "notes", Version: 1, Text: editorText,
	}})
	got := c.waitDiags(uri, func(p []protocol.PublishDiagnosticsParams) bool { return len(p) > 0 })
	if n := len(got[0].Diagnostics); n != 2 {
		t.Errorf("first publication of the open document: %d findings, want the editor text's 2: %+v", n, got[0])
	}
	c.mu.Lock()
	before := 0
	for u, p := range c.diags {
		if u != uri && len(p) > 0 {
			before++
		}
	}
	c.mu.Unlock()
	if before > files/2 {
		t.Errorf("%d of %d other files were published before the open document", before, files-1)
	}
}

// A file that an edit elsewhere made the server look at again is not sent its findings
// again when they are the same: b.notes's duplicate points into a.notes, so each edit of
// a.notes republishes b.notes, which an edit at a.notes's end leaves as it was and one at
// its start changes.
func TestUnchangedFindingsNotSentAgain(t *testing.T) {
	c := startPipe(t, Options{DiagnosticsDelay: 1})
	c.initialize()
	a, b := protocol.DocumentURI("untitled:a"), protocol.DocumentURI("untitled:b")
	text := "alpha = one\n"
	for _, uri := range []protocol.DocumentURI{a, b} {
		c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
			URI: uri, LanguageID: "notes", Version: 1, Text: text,
		}})
	}
	first := c.waitDiags(b, func(p []protocol.PublishDiagnosticsParams) bool {
		return len(p) > 0 && len(p[len(p)-1].Diagnostics) == 1
	})
	change := func(version int32, line uint32, text string) {
		at := protocol.Position{Line: line}
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": a, "version": version},
			"contentChanges": []map[string]any{{"range": protocol.Range{Start: at, End: at}, "text": text}},
		})
		c.waitDiags(a, func(p []protocol.PublishDiagnosticsParams) bool {
			return len(p) > 0 && p[len(p)-1].Version == uint32(version)
		})
	}
	change(2, 1, "omega = end\n")   // b's finding stays "duplicate of untitled:a:1"
	change(3, 0, "gamma = start\n") // now line 2
	got := c.waitDiags(b, func(p []protocol.PublishDiagnosticsParams) bool {
		return len(p) > len(first) && len(p[len(p)-1].Diagnostics) == 1 && strings.Contains(p[len(p)-1].Diagnostics[0].Message, ":2")
	})
	if len(got) != len(first)+1 {
		for _, p := range got {
			t.Logf("b: version %d, %+v", p.Version, p.Diagnostics)
		}
		t.Errorf("b.notes was sent %d publications after the edits, want 1: the unchanged one went out again", len(got)-len(first))
	}
}

// The findings of a file that an edit elsewhere reached wait for a pause in editing, at
// most maxOthersDelay. b.notes repeats a line of a.notes; each edit of a.notes inserts a
// line above it, so b.notes's finding ("duplicate of untitled:a:N") changes each time.
func TestOtherFilesWaitForAPause(t *testing.T) {
	a, b := protocol.DocumentURI("untitled:a"), protocol.DocumentURI("untitled:b")
	start := func(t *testing.T, opts Options) (*pipeClient, func(version int32)) {
		c := startPipe(t, opts)
		c.initialize()
		for _, uri := range []protocol.DocumentURI{a, b} {
			c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
				URI: uri, LanguageID: "notes", Version: 1, Text: "alpha = one\n",
			}})
		}
		c.waitDiags(b, func(p []protocol.PublishDiagnosticsParams) bool {
			return len(p) > 0 && len(p[len(p)-1].Diagnostics) == 1
		})
		return c, func(version int32) {
			c.notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": a, "version": version},
				"contentChanges": []map[string]any{{"range": protocol.Range{}, "text": fmt.Sprintf("line%d = x\n", version)}},
			})
			c.waitDiags(a, func(p []protocol.PublishDiagnosticsParams) bool {
				return len(p) > 0 && p[len(p)-1].Version == uint32(version)
			})
		}
	}
	bSays := func(line int) func([]protocol.PublishDiagnosticsParams) bool {
		return func(p []protocol.PublishDiagnosticsParams) bool {
			return len(p) > 0 && len(p[len(p)-1].Diagnostics) == 1 && strings.HasSuffix(p[len(p)-1].Diagnostics[0].Message, fmt.Sprintf(":%d", line))
		}
	}
	t.Run("while editing", func(t *testing.T) {
		c, edit := start(t, Options{DiagnosticsDelay: 1, othersPause: time.Hour, maxOthersDelay: time.Hour})
		before := len(c.waitDiags(b, bSays(1)))
		for v := int32(2); v <= 5; v++ {
			edit(v) // each edit's round would have published b.notes right after a.notes:
		} // those of the first three came before a.notes's last
		c.mu.Lock()
		got := c.diags[b]
		c.mu.Unlock()
		if len(got) != before {
			t.Errorf("b.notes was published %d times while a.notes was edited: %+v", len(got)-before, got[len(got)-1])
		}
	})
	t.Run("after a pause", func(t *testing.T) {
		c, edit := start(t, Options{DiagnosticsDelay: 1, othersPause: 20 * time.Millisecond, maxOthersDelay: time.Hour})
		for v := int32(2); v <= 5; v++ {
			edit(v)
		}
		c.waitDiags(b, bSays(5)) // four lines above its copy now
	})
	t.Run("at most maxOthersDelay", func(t *testing.T) {
		c, edit := start(t, Options{DiagnosticsDelay: 1, othersPause: time.Hour, maxOthersDelay: 20 * time.Millisecond})
		edit(2)
		time.Sleep(30 * time.Millisecond)
		edit(3) // past the longest wait: b.notes goes out with this round
		c.waitDiags(b, bSays(3))
	})
}

// brokenRefsWorkspace writes three files of one broken reference each into a new
// folder, and returns it and the first file, the one the tests open.
func brokenRefsWorkspace(t *testing.T) (dir, first string) {
	dir = t.TempDir()
	for i := range 3 {
		text := fmt.Sprintf("topic %d = see [[nowhere %d]]\n", i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.notes", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, filepath.Join(dir, "f0.notes")
}

// The caches built after indexing (the "[[" term list: seconds at a million lines, on
// both cores) wait for the opened file's first findings even when those are slow, and
// go out late: built beside them, they took the cores those findings needed.
func TestCachesWaitForASlowOpenedFile(t *testing.T) {
	dir, opened := brokenRefsWorkspace(t)
	release := make(chan struct{})
	var once sync.Once
	core, logs := observer.New(zap.DebugLevel)
	c := startPipe(t, Options{Logger: zap.New(core), computing: func(path string) {
		if path == opened {
			once.Do(func() { <-release }) // its first findings wait well past slowFileWait
		}
	}})
	var res protocol.InitializeResult
	if err := c.call("initialize", map[string]any{"capabilities": map[string]any{}, "rootUri": string(pathURI(dir))}, &res); err != nil {
		t.Fatal(err)
	}
	free := sync.OnceFunc(func() { close(release) })
	t.Cleanup(free) // before the server's, which waits for it to stop
	c.notify("initialized", map[string]any{})
	uri := pathURI(opened)
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "notes", Version: 1, Text: "topic 0 = see [[nowhere 0]]\n",
	}})
	building := func() int { return logs.FilterMessage("building caches after indexing").Len() }
	deadline := time.Now().Add(10 * time.Second)
	for logs.FilterMessage("slow diagnostics, publishing the other files first").Len() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the opened file's findings were never reported slow")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(2 * idleBeforePrepare) // past every wait of the caches but the findings'
	if n := building(); n != 0 {
		t.Errorf("the caches were built %d times while the opened file's first findings were computed", n)
	}
	free()
	c.waitDiags(uri, func(p []protocol.PublishDiagnosticsParams) bool { return len(p) > 0 })
	for building() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the caches were not built after the opened file's late findings went out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The files nobody edited wait for a place in the background lane, while the opened
// file's findings go out without one, including its late findings, which come while
// the others wait.
func TestOtherFilesWaitForTheBackgroundLane(t *testing.T) {
	dir, opened := brokenRefsWorkspace(t)
	release := make(chan struct{})
	var once sync.Once
	lane := newBackgroundLaneOf(1)
	if !lane.enter(context.Background()) {
		t.Fatal("no place in an empty lane")
	}
	core, logs := observer.New(zap.DebugLevel)
	c := startPipe(t, Options{Logger: zap.New(core), lane: lane, computing: func(path string) {
		if path == opened {
			once.Do(func() { <-release }) // late: past slowFileWait
		}
	}})
	if err := c.call("initialize", map[string]any{"capabilities": map[string]any{}, "rootUri": string(pathURI(dir))}, nil); err != nil {
		t.Fatal(err)
	}
	free := sync.OnceFunc(func() { close(release) })
	t.Cleanup(free)
	leave := sync.OnceFunc(lane.leave)
	t.Cleanup(leave)
	c.notify("initialized", map[string]any{})
	uri := pathURI(opened)
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "notes", Version: 1, Text: "topic 0 = see [[nowhere 0]]\n",
	}})
	// Once the others' round has begun, its first file waits for the lane; then the
	// opened file's findings are let through.
	othersRound := func() int {
		return logs.FilterMessage("publishing").Filter(func(e observer.LoggedEntry) bool {
			return e.ContextMap()["others"] == int64(2)
		}).Len()
	}
	deadline := time.Now().Add(10 * time.Second)
	for logs.FilterMessage("slow diagnostics, publishing the other files first").Len() == 0 || othersRound() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the opened file's findings were never reported slow, or the others' round never began")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(slowFileWait) // time for the others to go out, were they not waiting
	free()
	c.waitDiags(uri, func(p []protocol.PublishDiagnosticsParams) bool { return len(p) > 0 })
	others := []protocol.DocumentURI{pathURI(filepath.Join(dir, "f1.notes")), pathURI(filepath.Join(dir, "f2.notes"))}
	for _, u := range others {
		c.mu.Lock()
		n := len(c.diags[u])
		c.mu.Unlock()
		if n != 0 {
			t.Errorf("%s: published %d times while the lane was full", u, n)
		}
	}
	leave()
	for _, u := range others {
		c.waitDiags(u, func(p []protocol.PublishDiagnosticsParams) bool { return len(p) > 0 })
	}
}

// After indexing every file is queued but the opened ones, which are published first:
// all are, and the index is not asked what changed.
func TestAllQueuedCountsThePublished(t *testing.T) {
	ws := index.NewWorkspace(index.DefaultConfig())
	snap := ws.UpdateMany(map[string][]byte{"/w/a.notes": []byte("a = 1\n"), "/w/b.notes": []byte("b = 2\n"), "/w/c.notes": []byte("c = 3\n")})
	for _, tc := range []struct {
		queued    []string
		published []string
		want      bool
	}{
		{[]string{"/w/a.notes", "/w/b.notes", "/w/c.notes"}, nil, true},
		{[]string{"/w/b.notes", "/w/c.notes"}, []string{"/w/a.notes"}, true},
		{[]string{"/w/b.notes", "/w/c.notes"}, nil, false},
		{[]string{"/w/b.notes", "/w/x.notes"}, []string{"/w/a.notes"}, false},
		{nil, []string{"/w/a.notes"}, false},
	} {
		queued := map[string]bool{}
		for _, p := range tc.queued {
			queued[p] = true
		}
		if got := allQueued(snap, queued, tc.published); got != tc.want {
			t.Errorf("allQueued(%v, %v) = %v, want %v", tc.queued, tc.published, got, tc.want)
		}
	}
}
