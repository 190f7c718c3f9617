package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// A fake editor for the black-box tests: it starts the built notesls binary, speaks LSP
// to it over stdio as an editor does, answers the server's own requests, and collects
// notifications. Anything on stdout that is not a well-formed frame fails the test.

// lspTimeout bounds every wait; generous for the race detector on a shared machine.
const lspTimeout = 20 * time.Second

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type rpcMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type lspClient struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *lockedBuffer

	writeMu sync.Mutex

	mu        sync.Mutex
	nextID    int
	pending   map[string]chan *rpcMessage
	notes     []*rpcMessage  // notifications, in arrival order
	requests  []*rpcMessage  // requests from the server
	answers   map[string]any // results to give the server's requests, by method; null otherwise
	changed   chan struct{}  // closed and replaced whenever notes or requests grow
	readErr   error
	exited    chan struct{}
	exitCode  int
	readerEnd chan struct{}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs `notesls serve` with debug logging on stderr (which the test shows on
// failure) and the test hooks on.
func startServer(t *testing.T, args ...string) *lspClient {
	t.Helper()
	return startServerUnder(t, nil, args...)
}

// startServerUnder runs the server as the last arguments of wrapper (a tracer such as
// strace), or directly when wrapper is empty.
func startServerUnder(t *testing.T, wrapper []string, args ...string) *lspClient {
	t.Helper()
	argv := append(append(append([]string{}, wrapper...), notesBinary, "serve", "--log-level", "debug"), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), testHooksEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &lspClient{
		t: t, cmd: cmd, stdin: stdin, stderr: &lockedBuffer{},
		pending: map[string]chan *rpcMessage{}, changed: make(chan struct{}), answers: map[string]any{},
		exited: make(chan struct{}), readerEnd: make(chan struct{}),
	}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go c.read(bufio.NewReader(stdout))
	go func() {
		<-c.readerEnd
		err := cmd.Wait()
		c.exitCode = cmd.ProcessState.ExitCode()
		if err != nil && c.exitCode < 0 {
			c.exitCode = -1
		}
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			// Closing stdin ends the server; a kill alone would leave a traced server
			// running behind its tracer, holding stdout open.
			_ = stdin.Close()
			select {
			case <-c.exited:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				<-c.exited
			}
		}
		if t.Failed() {
			t.Logf("server stderr:\n%s", c.stderr.String())
		}
		if c.readErr != nil && !t.Failed() {
			t.Errorf("server stdout: %v", c.readErr)
		}
	})
	return c
}

var contentLength = regexp.MustCompile(`^Content-Length: (\d+)$`)

// read parses the server's stdout strictly: only Content-Length framed JSON-RPC.
func (c *lspClient) read(r *bufio.Reader) {
	defer close(c.readerEnd)
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if err != io.EOF || line != "" {
					c.fail(fmt.Errorf("reading header: %v (got %q)", err, line))
				}
				return
			}
			if !strings.HasSuffix(line, "\r\n") {
				c.fail(fmt.Errorf("header line without CRLF: %q", line))
				return
			}
			line = strings.TrimSuffix(line, "\r\n")
			if line == "" {
				break
			}
			m := contentLength.FindStringSubmatch(line)
			if m == nil {
				c.fail(fmt.Errorf("not a protocol header on stdout: %q", line))
				return
			}
			length, _ = strconv.Atoi(m[1])
		}
		if length < 0 {
			c.fail(errors.New("frame without Content-Length"))
			return
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			c.fail(err)
			return
		}
		var msg rpcMessage
		if err := json.Unmarshal(body, &msg); err != nil || msg.JSONRPC != "2.0" {
			c.fail(fmt.Errorf("invalid message %q: %v", body, err))
			return
		}
		c.dispatch(&msg)
	}
}

func (c *lspClient) fail(err error) {
	c.mu.Lock()
	if c.readErr == nil {
		c.readErr = err
	}
	c.mu.Unlock()
}

func (c *lspClient) dispatch(msg *rpcMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case msg.Method != "" && msg.ID != nil: // a request from the server: accept it
		c.requests = append(c.requests, msg)
		go c.send(map[string]any{"jsonrpc": "2.0", "id": msg.ID, "result": c.answers[msg.Method]})
	case msg.Method != "":
		c.notes = append(c.notes, msg)
	default:
		if ch, ok := c.pending[string(msg.ID)]; ok {
			delete(c.pending, string(msg.ID))
			ch <- msg
			return
		}
		c.readErr = fmt.Errorf("response to no request: %s", msg.ID)
	}
	close(c.changed)
	c.changed = make(chan struct{})
}

// answer sets the result the client gives the server's requests of method.
func (c *lspClient) answer(method string, result any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers[method] = result
}

// send writes one framed message.
func (c *lspClient) send(v any) {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	c.sendRaw(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
}

// sendRaw writes bytes as they are, for malformed input.
func (c *lspClient) sendRaw(s string) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_, _ = io.WriteString(c.stdin, s)
}

// start sends a request with the given raw id and returns a channel for its response.
func (c *lspClient) start(id, method string, params any) <-chan *rpcMessage {
	ch := make(chan *rpcMessage, 1)
	c.mu.Lock()
	c.pending[id] = ch
	c.mu.Unlock()
	msg := map[string]any{"jsonrpc": "2.0", "id": json.RawMessage(id), "method": method}
	if params != nil {
		msg["params"] = params
	}
	c.send(msg)
	return ch
}

// startRaw sends body, framed, as a request with the given raw id, and returns a channel
// for its response.
func (c *lspClient) startRaw(id, body string) <-chan *rpcMessage {
	ch := make(chan *rpcMessage, 1)
	c.mu.Lock()
	c.pending[id] = ch
	c.mu.Unlock()
	c.sendRaw(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
	return ch
}

// call sends a request and waits for its response.
func (c *lspClient) call(method string, params any) *rpcMessage {
	c.t.Helper()
	c.mu.Lock()
	c.nextID++
	id := strconv.Itoa(c.nextID)
	c.mu.Unlock()
	return c.await(c.start(id, method, params), method)
}

func (c *lspClient) await(ch <-chan *rpcMessage, what string) *rpcMessage {
	c.t.Helper()
	select {
	case msg := <-ch:
		return msg
	case <-c.exited:
		c.t.Fatalf("%s: server exited (status %d) without answering", what, c.exitCode)
	case <-time.After(lspTimeout):
		c.t.Fatalf("%s: no response within %v", what, lspTimeout)
	}
	return nil
}

// result calls and decodes a successful result into v (which may be nil).
func (c *lspClient) result(method string, params any, v any) {
	c.t.Helper()
	msg := c.call(method, params)
	if msg.Error != nil {
		c.t.Fatalf("%s: error %d %s", method, msg.Error.Code, msg.Error.Message)
	}
	if v != nil {
		if err := json.Unmarshal(msg.Result, v); err != nil {
			c.t.Fatalf("%s: result %s: %v", method, msg.Result, err)
		}
	}
}

func (c *lspClient) notify(method string, params any) {
	msg := map[string]any{"jsonrpc": "2.0", "method": method}
	if params != nil {
		msg["params"] = params
	}
	c.send(msg)
}

// waitNote waits for a notification satisfying pred, among all received so far or later.
func (c *lspClient) waitNote(what string, pred func(*rpcMessage) bool) *rpcMessage {
	c.t.Helper()
	deadline := time.After(lspTimeout)
	seen := 0
	for {
		c.mu.Lock()
		notes, changed := c.notes, c.changed
		c.mu.Unlock()
		for _, n := range notes[seen:] {
			if pred(n) {
				return n
			}
		}
		seen = len(notes)
		select {
		case <-changed:
		case <-c.exited:
			c.t.Fatalf("waiting for %s: server exited", what)
		case <-deadline:
			c.t.Fatalf("no %s within %v", what, lspTimeout)
		}
	}
}

// waitRequest waits for a request from the server satisfying pred.
func (c *lspClient) waitRequest(what string, pred func(*rpcMessage) bool) *rpcMessage {
	c.t.Helper()
	deadline := time.After(lspTimeout)
	for {
		c.mu.Lock()
		reqs, changed := c.requests, c.changed
		c.mu.Unlock()
		for _, r := range reqs {
			if pred(r) {
				return r
			}
		}
		select {
		case <-changed:
		case <-c.exited:
			c.t.Fatalf("waiting for %s: server exited", what)
		case <-deadline:
			c.t.Fatalf("no %s within %v", what, lspTimeout)
		}
	}
}

// notesSince returns the notifications received after the first n.
func (c *lspClient) notesSince(n int) []*rpcMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*rpcMessage(nil), c.notes[n:]...)
}

func (c *lspClient) noteCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.notes)
}

func (c *lspClient) serverRequests() []*rpcMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*rpcMessage(nil), c.requests...)
}

// waitExit waits for the process to end and returns its status.
// logged waits until the server's stderr holds want, for up to ten seconds. Stderr is a
// pipe of its own, read beside stdout: a line logged before an answer may reach the
// test after the answer does.
func (c *lspClient) logged(want string) bool {
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(c.stderr.String(), want) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

func (c *lspClient) waitExit() int {
	c.t.Helper()
	select {
	case <-c.exited:
		return c.exitCode
	case <-time.After(lspTimeout):
		c.t.Fatalf("server did not exit within %v", lspTimeout)
	}
	return -1
}

// Editor-level helpers.

// editorCaps are the capabilities a modern editor offers.
var editorCaps = map[string]any{
	"workspace": map[string]any{
		"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true},
		"workspaceFolders":      true,
		"configuration":         true,
	},
	"textDocument": map[string]any{
		"definition":         map[string]any{"linkSupport": true},
		"hover":              map[string]any{"contentFormat": []string{"markdown", "plaintext"}},
		"publishDiagnostics": map[string]any{"relatedInformation": true, "versionSupport": true},
	},
	"window": map[string]any{"workDoneProgress": true},
}

// initialize runs the handshake with a workspace folder (none when dir is "").
func (c *lspClient) initialize(dir string, caps map[string]any, options any) {
	c.t.Helper()
	params := map[string]any{"processId": os.Getpid(), "capabilities": caps}
	if dir != "" {
		params["rootUri"] = lspFileURI(dir)
		params["workspaceFolders"] = []map[string]string{{"uri": lspFileURI(dir), "name": filepath.Base(dir)}}
	} else {
		params["rootUri"] = nil
	}
	if options != nil {
		params["initializationOptions"] = options
	}
	var res struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	c.result("initialize", params, &res)
	if res.Capabilities["hoverProvider"] != true {
		c.t.Fatalf("initialize: capabilities %v", res.Capabilities)
	}
	c.notify("initialized", map[string]any{})
}

// shutdownAndExit ends the session as an editor does and returns the exit status.
func (c *lspClient) shutdownAndExit() int {
	c.t.Helper()
	c.result("shutdown", nil, nil)
	c.notify("exit", nil)
	return c.waitExit()
}

func (c *lspClient) didOpen(uri, text string) {
	c.notify("textDocument/didOpen", map[string]any{
		"textDocument": map[string]any{"uri": uri, "languageId": "notes", "version": 1, "text": text},
	})
}

// typeAt inserts text, which holds no line break and only characters of one UTF-16 unit,
// at at in version of the document, as a keystroke or a paste does, and returns the
// position after it.
func (c *lspClient) typeAt(uri string, version int, at lspPosition, text string) lspPosition {
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": []map[string]any{{"range": lspRange{at, at}, "text": text}},
	})
	return lspPosition{Line: at.Line, Character: at.Character + len(text)}
}

type lspPosition struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start lspPosition `json:"start"`
	End   lspPosition `json:"end"`
}

type lspDiagnostic struct {
	Range              lspRange `json:"range"`
	Severity           int      `json:"severity"`
	Code               string   `json:"code"`
	Source             string   `json:"source"`
	Message            string   `json:"message"`
	Tags               []int    `json:"tags"`
	RelatedInformation []struct {
		Location struct {
			URI   string   `json:"uri"`
			Range lspRange `json:"range"`
		} `json:"location"`
		Message string `json:"message"`
	} `json:"relatedInformation"`
}

type publishParams struct {
	URI         string           `json:"uri"`
	Version     *int             `json:"version"`
	Diagnostics *[]lspDiagnostic `json:"diagnostics"`
}

// waitDiagnostics waits for a publication for uri that satisfies pred.
func (c *lspClient) waitDiagnostics(uri string, pred func(publishParams) bool) publishParams {
	c.t.Helper()
	var got publishParams
	c.waitNote("diagnostics for "+uri, func(m *rpcMessage) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		var p publishParams
		if err := json.Unmarshal(m.Params, &p); err != nil || p.URI != uri {
			return false
		}
		if p.Diagnostics == nil {
			c.t.Errorf("publishDiagnostics for %s: diagnostics is null, want an array", uri)
			return false
		}
		if pred == nil || pred(p) {
			got = p
			return true
		}
		return false
	})
	return got
}

func lspFileURI(path string) string {
	return "file://" + filepath.ToSlash(path)
}

// positionOf finds the LSP position (UTF-16) of the first match of pattern in text, at the
// start of submatch 1 if the pattern has one: tests point by pattern, never by counting.
func lspPositionOf(t *testing.T, text, pattern string) lspPosition {
	t.Helper()
	re := regexp.MustCompile(pattern)
	loc := re.FindStringSubmatchIndex(text)
	if loc == nil {
		t.Fatalf("pattern %q not found", pattern)
	}
	off := loc[0]
	if len(loc) > 2 && loc[2] >= 0 {
		off = loc[2]
	}
	return lspUTF16Position(text, off)
}

// utf16Position converts a byte offset, independently of the server's mapper.
func lspUTF16Position(text string, off int) lspPosition {
	line, col := 0, 0
	for i, r := range text[:off] {
		switch {
		case r == '\n':
			line, col = line+1, 0
		case r == '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				continue
			}
			line, col = line+1, 0
		case r >= 0x10000:
			col += 2
		default:
			col++
		}
	}
	return lspPosition{Line: line, Character: col}
}

func textDocPos(uri string, p lspPosition) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": p}
}

// compactNotes forgets every notification but the last publishDiagnostics of each
// document, so that a session of tens of thousands of edits (the soak test) keeps waits
// and scans short. Call it only when no wait is looking at the notes.
func (c *lspClient) compactNotes() {
	c.mu.Lock()
	defer c.mu.Unlock()
	latest := map[string]int{}
	for i, n := range c.notes {
		if n.Method != "textDocument/publishDiagnostics" {
			continue
		}
		var p struct {
			URI string `json:"uri"`
		}
		if json.Unmarshal(n.Params, &p) == nil {
			latest[p.URI] = i
		}
	}
	var kept []*rpcMessage
	for i, n := range c.notes {
		var p struct {
			URI string `json:"uri"`
		}
		if n.Method == "textDocument/publishDiagnostics" && json.Unmarshal(n.Params, &p) == nil && latest[p.URI] == i {
			kept = append(kept, n)
		}
	}
	c.notes = kept
}
