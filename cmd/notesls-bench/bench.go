package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf16"
)

// Options configure one benchmark run.
type Options struct {
	Workspace    string
	File         string // the file to open; default the workspace's biggest *.notes
	Command      []string
	Requests     int    // per request kind
	Edits        int    // measured single-character edits (an insert and its delete are two)
	Insert       string // the character each edit types and deletes again; "" means "x"
	Seed         uint64
	LanguageID   string
	Timeout      time.Duration // per request and per awaited diagnostics
	StartTimeout time.Duration // initialize and the first diagnostics
	Deadline     time.Duration // the whole run
	ServerStderr string        // file to copy the server's stderr to
}

// Report is what a run measured. Times are in milliseconds.
type Report struct {
	Command      []string `json:"command"`
	Workspace    string   `json:"workspace"`
	NotesFiles   int      `json:"notesFiles"`
	File         string   `json:"file"`
	FileLines    int      `json:"fileLines"`
	FileBytes    int      `json:"fileBytes"`
	Seed         uint64   `json:"seed"`
	ServerPID    int      `json:"serverPid"`
	TextSync     string   `json:"textSync"` // "incremental", "full" or "none"
	InitializeMs float64  `json:"initializeMs"`
	// FirstDiagnosticsMs runs from didOpen to the first publishDiagnostics for the
	// file; -1 if none came within the start timeout.
	FirstDiagnosticsMs float64 `json:"firstDiagnosticsMs"`
	FirstDiagnostics   int     `json:"firstDiagnosticsCount"`
	Hover              Latency `json:"hover"`
	Definition         Latency `json:"definition"`
	Completion         Latency `json:"completion"`
	// EditToDiagnostics runs from a didChange to the next publishDiagnostics for the
	// file whose version is at least the edit's (any publish, if the server sends no
	// version); timeouts count edits that got none within the timeout.
	EditToDiagnostics Latency `json:"editToDiagnostics"`
	// PeakRSSBytes is the server process's VmHWM read from /proc just before shutdown;
	// 0 if it could not be read (the reason is in Notes).
	PeakRSSBytes int64    `json:"peakRssBytes"`
	Shutdown     string   `json:"shutdown"` // how the server ended
	Notes        []string `json:"notes,omitempty"`
}

// maxConsecutiveTimeouts ends a phase whose server stopped answering, rather than
// waiting out every remaining request's timeout.
const maxConsecutiveTimeouts = 3

// exitWait is how long a server gets to exit after the exit notification.
const exitWait = 5 * time.Second

// session is a running server and what the client knows of it.
type session struct {
	opts   Options
	cmd    *exec.Cmd
	conn   *conn
	stdin  *os.File
	stderr *tailBuffer
	exited chan struct{}
	werr   error // cmd.Wait's result, set before exited closes
	diags  *diagLog
	start  time.Time
}

// Run starts the server, measures and shuts it down. A failure to start, initialize or
// open the file is an error; slow or failing requests are measured and reported.
func Run(opts Options) (*Report, error) {
	rep := &Report{Command: opts.Command, Seed: opts.Seed, FirstDiagnosticsMs: -1}
	ws, err := filepath.Abs(opts.Workspace)
	if err != nil {
		return nil, err
	}
	rep.Workspace = ws
	file, n, err := pickFile(ws, opts.File)
	if err != nil {
		return nil, err
	}
	rep.File, rep.NotesFiles = file, n
	content, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if !validUTF8(string(content)) {
		return nil, fmt.Errorf("%s is not valid UTF-8; a JSON string cannot carry it unchanged", file)
	}
	doc := newDocument(string(content))
	rep.FileLines, rep.FileBytes = len(doc.lines), len(content)
	if rep.FileLines > 0 && doc.lines[rep.FileLines-1] == "" {
		rep.FileLines-- // the empty "line" after a final line end is no line to a reader
	}

	s, err := start(opts)
	if err != nil {
		return nil, err
	}
	rep.ServerPID = s.cmd.Process.Pid
	defer s.kill()
	if err := s.measure(rep, ws, file, doc); err != nil {
		return rep, s.withStderr(err)
	}
	rep.Shutdown = s.shutdown()
	return rep, nil
}

// pickFile returns the file to open (the biggest *.notes unless one is named) and how
// many *.notes files the workspace holds.
func pickFile(ws, named string) (string, int, error) {
	var best string
	var bestSize int64 = -1
	count := 0
	err := filepath.WalkDir(ws, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ws && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".notes") {
			return nil
		}
		count++
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > bestSize || (info.Size() == bestSize && path < best) {
			best, bestSize = path, info.Size()
		}
		return nil
	})
	if err != nil {
		return "", 0, fmt.Errorf("walking workspace: %w", err)
	}
	if named != "" {
		abs, err := filepath.Abs(named)
		return abs, count, err
	}
	if best == "" {
		return "", 0, fmt.Errorf("no *.notes file under %s", ws)
	}
	return best, count, nil
}

func start(opts Options) (*session, error) {
	if len(opts.Command) == 0 {
		return nil, errors.New("no server command given (after --)")
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	s := &session{opts: opts, stdin: inW, stderr: &tailBuffer{max: 16 << 10}, exited: make(chan struct{}), diags: newDiagLog()}
	s.cmd = exec.Command(opts.Command[0], opts.Command[1:]...)
	s.cmd.Stdin, s.cmd.Stdout = inR, outW
	var stderrFile *os.File
	if opts.ServerStderr != "" {
		if stderrFile, err = os.Create(opts.ServerStderr); err != nil {
			return nil, err
		}
		s.cmd.Stderr = io.MultiWriter(s.stderr, stderrFile)
	} else {
		s.cmd.Stderr = s.stderr
	}
	s.start = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %q: %w", strings.Join(opts.Command, " "), err)
	}
	inR.Close()
	outW.Close()
	go func() {
		s.werr = s.cmd.Wait()
		if stderrFile != nil {
			stderrFile.Close()
		}
		close(s.exited)
	}()
	s.conn = newConn(outR, inW)
	s.conn.writeTimeout = opts.Timeout
	s.conn.onNotify = s.onNotify
	s.conn.onRequest = onServerRequest
	return s, nil
}

func (s *session) onNotify(method string, params json.RawMessage, at time.Time) {
	if method != "textDocument/publishDiagnostics" {
		return
	}
	var p struct {
		URI         string            `json:"uri"`
		Version     *int              `json:"version"`
		Diagnostics []json.RawMessage `json:"diagnostics"`
	}
	if json.Unmarshal(params, &p) == nil {
		s.diags.add(diagEvent{uri: normURI(p.URI), version: p.Version, count: len(p.Diagnostics), at: at})
	}
}

// onServerRequest answers what servers ask of a client during a session: configuration
// (no settings: null for each item), registrations and progress tokens (accepted).
func onServerRequest(method string, params json.RawMessage) (any, *rpcError) {
	switch method {
	case "workspace/configuration":
		var p struct {
			Items []json.RawMessage `json:"items"`
		}
		_ = json.Unmarshal(params, &p)
		return make([]any, len(p.Items)), nil
	case "client/registerCapability", "client/unregisterCapability",
		"window/workDoneProgress/create", "window/showMessageRequest",
		"workspace/semanticTokens/refresh", "workspace/inlayHint/refresh",
		"workspace/diagnostic/refresh", "workspace/codeLens/refresh":
		return nil, nil
	case "workspace/workspaceFolders":
		return []any{}, nil
	case "workspace/applyEdit":
		return map[string]any{"applied": false, "failureReason": "benchmark client applies no edits"}, nil
	}
	return nil, &rpcError{Code: -32601, Message: "method not found: " + method}
}

func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// normURI makes file URIs comparable whatever their percent-encoding.
func normURI(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "file" {
		return u
	}
	return "file://" + p.Path
}

func (s *session) measure(rep *Report, ws, file string, doc *document) error {
	o := s.opts
	deadline := s.start.Add(o.Deadline)
	wsURI, uri := fileURI(ws), fileURI(file)
	key := normURI(uri)

	result, lat, err := s.conn.call("initialize", initializeParams(ws, wsURI), o.StartTimeout)
	if err != nil {
		return err
	}
	rep.InitializeMs = ms(lat)
	var init struct {
		Capabilities struct {
			TextDocumentSync   json.RawMessage `json:"textDocumentSync"`
			HoverProvider      json.RawMessage `json:"hoverProvider"`
			DefinitionProvider json.RawMessage `json:"definitionProvider"`
			CompletionProvider json.RawMessage `json:"completionProvider"`
		} `json:"capabilities"`
	}
	if err := json.Unmarshal(result, &init); err != nil {
		return fmt.Errorf("initialize: result is not an InitializeResult: %w", err)
	}
	caps := init.Capabilities
	sync := syncKind(caps.TextDocumentSync)
	rep.TextSync = [...]string{"none", "full", "incremental"}[sync]
	if err := s.conn.notify("initialized", struct{}{}); err != nil {
		return err
	}

	mark := s.diags.mark(key)
	openedAt := time.Now()
	err = s.conn.notifyWithin("textDocument/didOpen", map[string]any{
		"textDocument": map[string]any{"uri": uri, "languageId": o.LanguageID, "version": 1, "text": doc.text},
	}, o.StartTimeout)
	if err != nil {
		return err
	}
	if ev, ok := s.diags.wait(key, mark, 0, o.StartTimeout); ok {
		rep.FirstDiagnosticsMs = ms(ev.at.Sub(openedAt))
		rep.FirstDiagnostics = ev.count
	} else {
		rep.Notes = append(rep.Notes, fmt.Sprintf("no publishDiagnostics for the opened file within %v", o.StartTimeout))
	}

	rng := rand.New(rand.NewPCG(o.Seed, 0x62656e6368))
	textDoc := map[string]any{"uri": uri}
	phases := []struct {
		name     string
		method   string
		provider json.RawMessage
		out      *Latency
		extra    map[string]any
	}{
		{"hover", "textDocument/hover", caps.HoverProvider, &rep.Hover, nil},
		{"definition", "textDocument/definition", caps.DefinitionProvider, &rep.Definition, nil},
		{"completion", "textDocument/completion", caps.CompletionProvider, &rep.Completion,
			map[string]any{"context": map[string]any{"triggerKind": 1}}},
	}
	for _, ph := range phases {
		if !provides(ph.provider) {
			rep.Notes = append(rep.Notes, ph.name+": the server does not announce it; requests sent anyway")
		}
		var rec recorder
		streak := 0
		for i := 0; i < o.Requests && time.Now().Before(deadline); i++ {
			params := map[string]any{"textDocument": textDoc, "position": doc.randomPosition(rng)}
			for k, v := range ph.extra {
				params[k] = v
			}
			res, lat, err := s.conn.call(ph.method, params, o.Timeout)
			if err != nil {
				timeout := errors.Is(err, errTimeout)
				rec.fail(err, timeout)
				if !timeout {
					if isRPCError(err) {
						continue // an error answer: counted, the server goes on
					}
					*ph.out = rec.summary()
					return err // the connection is gone
				}
				if streak++; streak >= maxConsecutiveTimeouts {
					rep.Notes = append(rep.Notes, fmt.Sprintf("%s: stopped after %d timeouts in a row", ph.name, streak))
					break
				}
				continue
			}
			streak = 0
			rec.add(lat)
			if isEmptyResult(res) {
				rec.lat.Empty++
			}
		}
		*ph.out = rec.summary()
	}

	if sync == 0 {
		rep.Notes = append(rep.Notes, "edits: the server announces no text synchronization; none sent")
	} else {
		rep.EditToDiagnostics = s.edits(doc, uri, key, sync, rng, deadline)
	}
	if rep.EditToDiagnostics.Count < o.Edits && sync != 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("edits: %d of %d measured", rep.EditToDiagnostics.Count, o.Edits))
	}

	rss, err := peakRSS(s.cmd.Process.Pid)
	if err != nil {
		rep.Notes = append(rep.Notes, "peak RSS: "+err.Error())
	}
	rep.PeakRSSBytes = rss
	return nil
}

func isRPCError(err error) bool {
	var re *rpcError
	return errors.As(err, &re)
}

// edits sends single-character edits, alternately inserting the Insert character ("x"
// by default, "\n" for Enter) at a random position and deleting it again, and times each
// until the server publishes diagnostics for that version (or, for a server that sends no
// version, until its next publish).
func (s *session) edits(doc *document, uri, key string, sync int, rng *rand.Rand, deadline time.Time) Latency {
	var rec recorder
	version := 1
	streak := 0
	var at position
	typed := s.opts.Insert
	if typed == "" {
		typed = "x"
	}
	for i := 0; i < s.opts.Edits && time.Now().Before(deadline); i++ {
		version++
		var change map[string]any
		insert := i%2 == 0
		if insert {
			at = doc.randomPosition(rng)
			// A line end typed right after a lone CR would join it into one CRLF: pick
			// another place (a few tries; a file of lone CRs keeps the last).
			for try := 0; try < 100 && typed == "\n" && doc.afterLoneCR(at); try++ {
				at = doc.randomPosition(rng)
			}
			if sync == 2 {
				change = map[string]any{"range": lspRange{at, at}, "text": typed}
			} else {
				change = map[string]any{"text": doc.withInsert(at, typed)}
			}
		} else {
			if sync == 2 {
				change = map[string]any{"range": lspRange{at, afterInsert(at, typed)}, "text": ""}
			} else {
				change = map[string]any{"text": doc.text}
			}
		}
		mark := s.diags.mark(key)
		sent := time.Now()
		err := s.conn.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": version},
			"contentChanges": []any{change},
		})
		if err != nil {
			rec.fail(err, false)
			break
		}
		ev, ok := s.diags.wait(key, mark, version, s.opts.Timeout)
		if !ok {
			rec.fail(fmt.Errorf("no diagnostics for version %d within %v", version, s.opts.Timeout), true)
			if streak++; streak >= maxConsecutiveTimeouts {
				break
			}
			continue
		}
		streak = 0
		rec.add(ev.at.Sub(sent))
	}
	return rec.summary()
}

// syncKind reads textDocumentSync: a number, or an object with change.
func syncKind(raw json.RawMessage) int {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return min(max(n, 0), 2)
	}
	var o struct {
		Change int `json:"change"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return min(max(o.Change, 0), 2)
	}
	return 0
}

func provides(raw json.RawMessage) bool {
	t := strings.TrimSpace(string(raw))
	return t != "" && t != "null" && t != "false"
}

func isEmptyResult(raw json.RawMessage) bool {
	t := strings.TrimSpace(string(raw))
	if t == "null" || t == "[]" || t == "" {
		return true
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if strings.HasPrefix(t, "{") && json.Unmarshal(raw, &list) == nil && list.Items != nil && len(list.Items) == 0 {
		return true
	}
	return false
}

func initializeParams(ws, wsURI string) map[string]any {
	return map[string]any{
		"processId":        os.Getpid(),
		"clientInfo":       map[string]any{"name": "notesls-bench", "version": "1"},
		"rootUri":          wsURI,
		"rootPath":         ws,
		"workspaceFolders": []any{map[string]any{"uri": wsURI, "name": filepath.Base(ws)}},
		"capabilities": map[string]any{
			"general": map[string]any{"positionEncodings": []string{"utf-16"}},
			"workspace": map[string]any{
				"workspaceFolders":       true,
				"configuration":          true,
				"didChangeWatchedFiles":  map[string]any{"dynamicRegistration": true},
				"didChangeConfiguration": map[string]any{"dynamicRegistration": false},
			},
			"textDocument": map[string]any{
				"synchronization":    map[string]any{"dynamicRegistration": false, "didSave": true},
				"hover":              map[string]any{"contentFormat": []string{"markdown", "plaintext"}},
				"definition":         map[string]any{"linkSupport": true},
				"completion":         map[string]any{"completionItem": map[string]any{"snippetSupport": false}, "contextSupport": true},
				"publishDiagnostics": map[string]any{"relatedInformation": true, "versionSupport": true, "codeDescriptionSupport": true},
			},
			"window": map[string]any{"workDoneProgress": true},
		},
	}
}

// peakRSS reads VmHWM (the resident set's high-water mark) of a process.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("reading /proc status: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				if err == nil {
					return kb << 10, nil
				}
			}
			return 0, fmt.Errorf("unreadable VmHWM line %q", line)
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// shutdown asks the server to stop as the protocol says and reports how it ended.
func (s *session) shutdown() string {
	if _, _, err := s.conn.call("shutdown", nil, s.opts.Timeout); err != nil {
		return "shutdown failed: " + err.Error() + "; killed"
	}
	if err := s.conn.notify("exit", nil); err != nil {
		return "exit notification failed: " + err.Error() + "; killed"
	}
	s.stdin.Close()
	select {
	case <-s.exited:
		if s.werr != nil {
			return "exited after shutdown: " + s.werr.Error()
		}
		return "clean (exit 0)"
	case <-time.After(exitWait):
		return fmt.Sprintf("still running %v after exit; killed", exitWait)
	}
}

// kill ends the server if it still runs, and waits for it.
func (s *session) kill() {
	s.stdin.Close()
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-s.exited:
	case <-time.After(exitWait):
	}
}

// withStderr adds how the server ended and the end of its stderr to an error.
func (s *session) withStderr(err error) error {
	select {
	case <-s.exited:
		err = fmt.Errorf("%w (server exited: %v)", err, s.werr)
	case <-time.After(100 * time.Millisecond):
	}
	if tail := strings.TrimSpace(s.stderr.String()); tail != "" {
		err = fmt.Errorf("%w\nserver stderr:\n%s", err, tail)
	}
	return err
}

// diagEvent is one publishDiagnostics notification.
type diagEvent struct {
	seq     int
	uri     string
	version *int
	count   int
	at      time.Time
}

// diagLog keeps the publishDiagnostics notifications of each URI since its last mark.
type diagLog struct {
	mu      sync.Mutex
	seq     int
	events  map[string][]diagEvent
	changed chan struct{} // closed and replaced on every event
}

func newDiagLog() *diagLog {
	return &diagLog{events: map[string][]diagEvent{}, changed: make(chan struct{})}
}

func (l *diagLog) add(ev diagEvent) {
	l.mu.Lock()
	l.seq++
	ev.seq = l.seq
	l.events[ev.uri] = append(l.events[ev.uri], ev)
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

// mark forgets the events of uri so far and returns a sequence number; wait then sees
// only later events.
func (l *diagLog) mark(uri string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.events, uri)
	return l.seq
}

// wait returns the first event for uri after mark whose version is at least minVersion
// (an event without version always counts), waiting at most timeout.
func (l *diagLog) wait(uri string, mark, minVersion int, timeout time.Duration) (diagEvent, bool) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		l.mu.Lock()
		for _, ev := range l.events[uri] {
			if ev.seq > mark && (ev.version == nil || *ev.version >= minVersion) {
				l.mu.Unlock()
				return ev, true
			}
		}
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			return diagEvent{}, false
		}
	}
}

// tailBuffer keeps the first and the last bytes written to it: a crashing Go server
// prints its reason first and thousands of lines of goroutine dump after.
type tailBuffer struct {
	mu   sync.Mutex
	max  int
	head []byte
	buf  []byte
	cut  bool
}

// stderrHead is how much of the start of the server's stderr is kept.
const stderrHead = 2 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if room := stderrHead - len(t.head); room > 0 {
		k := min(room, len(p))
		t.head = append(t.head, p[:k]...)
		p = p[k:]
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
		t.cut = true
	}
	return n, nil
}

// String gives the first lines and the last lines, marking what was left out.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	const keep = 10
	all := strings.Split(strings.TrimRight(string(t.head)+string(t.buf), "\n"), "\n")
	if t.cut || len(all) > 3*keep {
		headLines := strings.Split(strings.TrimRight(string(t.head), "\n"), "\n")
		if len(headLines) > keep {
			headLines = headLines[:keep]
		}
		tail := all[max(len(all)-keep, 0):]
		return strings.Join(headLines, "\n") + "\n[...]\n" + strings.Join(tail, "\n")
	}
	return strings.Join(all, "\n")
}

// afterInsert returns the position right after text inserted at p: the start of the next
// line for a line end, else p moved by the text's UTF-16 length.
func afterInsert(p position, text string) position {
	if text == "\n" {
		return position{Line: p.Line + 1}
	}
	return position{Line: p.Line, Character: p.Character + len(utf16.Encode([]rune(text)))}
}
