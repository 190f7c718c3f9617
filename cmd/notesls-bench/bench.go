package main

import (
	"bytes"
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
	Refs         string // a second file to open, of [[references]] into the others; "" for none
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
	// Scenarios are what to measure (scenario.go): "probes" (the requests and edits
	// above), "typing", "enter", "open". Empty means probes.
	Scenarios []string
	// TypingEntries is how many entries the typing scenario types, one after the other.
	TypingEntries int
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
	// FirstHover is the wait from didOpen to the first hover the server answers.
	FirstHover FirstHover `json:"firstHover"`
	// Hover, Definition and Completion are asked at random positions of the file.
	Hover      Latency `json:"hover"`
	Definition Latency `json:"definition"`
	Completion Latency `json:"completion"`
	// EditToDiagnostics runs from a didChange to the next publishDiagnostics for the
	// file whose version is at least the edit's (any publish, if the server sends no
	// version); timeouts count edits that got none within the timeout.
	EditToDiagnostics Latency `json:"editToDiagnostics"`
	// Targeted are the requests asked where the opened file has something to ask about.
	Targeted Targeted `json:"targeted"`
	// Refs is the second opened file (-refs), measured the same way; nil without it.
	Refs *FileReport `json:"refs,omitempty"`
	// Scenarios are the editor-like workloads measured besides (or instead of) the probes.
	Scenarios *ScenarioReport `json:"scenarios,omitempty"`
	// PeakRSSBytes is the server process's VmHWM read from /proc just before shutdown;
	// 0 if it could not be read (the reason is in Notes).
	PeakRSSBytes int64    `json:"peakRssBytes"`
	Shutdown     string   `json:"shutdown"` // how the server ended
	Notes        []string `json:"notes,omitempty"`
}

// FirstHover is how long the server took to answer a hover on a file just opened. The
// hover is sent right after didOpen and again every firstHoverRetry while its answer is
// empty and the file's first diagnostics have not come (a server still indexing may
// answer nothing); an answer still empty after them is what the place holds.
type FirstHover struct {
	Ms    float64  `json:"ms"` // from didOpen to the answer; -1 if none came
	Tries int      `json:"tries"`
	Empty bool     `json:"empty"` // the last answer was empty
	At    position `json:"position"`
}

// Targeted are requests at the places of a file where a user asks something of the
// whole workspace: hover and definition inside the [[references]], completion right
// after a " -- " of a head (the children of the path before it) and after "[[" with 0 to
// maxTyped characters of the reference typed.
type Targeted struct {
	References            int     `json:"references"`    // [[...]] in the file
	PathOperators         int     `json:"pathOperators"` // " -- " in its heads
	HoverAtReference      Latency `json:"hoverAtReference"`
	DefinitionAtReference Latency `json:"definitionAtReference"`
	CompletionAfterPath   Latency `json:"completionAfterPath"`
	CompletionInReference Latency `json:"completionInReference"`
}

// FileReport is what was measured on the second opened file.
type FileReport struct {
	File               string     `json:"file"`
	FileLines          int        `json:"fileLines"`
	FileBytes          int        `json:"fileBytes"`
	FirstDiagnosticsMs float64    `json:"firstDiagnosticsMs"`
	FirstDiagnostics   int        `json:"firstDiagnosticsCount"`
	FirstHover         FirstHover `json:"firstHover"`
	Targeted
	EditToDiagnostics Latency `json:"editToDiagnostics"`
}

// firstHoverRetry spaces the repeated first hovers: often enough to see the moment the
// server can answer within a few milliseconds, rarely enough not to load it while it
// indexes.
const firstHoverRetry = 5 * time.Millisecond

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
	if opts.count("typing", "enter", "open") > 0 {
		rep.Scenarios = &ScenarioReport{}
	}
	ws, err := filepath.Abs(opts.Workspace)
	if err != nil {
		return nil, err
	}
	rep.Workspace = ws
	file, n, err := pickFile(ws, opts.File, opts.Refs)
	if err != nil {
		return nil, err
	}
	rep.File, rep.NotesFiles = file, n
	main, err := load(file)
	if err != nil {
		return nil, err
	}
	rep.FileLines, rep.FileBytes = main.lines(), len(main.doc.text)
	var refs *openFile
	if opts.Refs != "" {
		if refs, err = load(opts.Refs); err != nil {
			return nil, err
		}
		if refs.path == main.path {
			return nil, fmt.Errorf("-refs names the opened file %s", main.path)
		}
		rep.Refs = &FileReport{File: refs.path, FileLines: refs.lines(), FileBytes: len(refs.doc.text), FirstDiagnosticsMs: -1}
	}

	s, err := start(opts)
	if err != nil {
		return nil, err
	}
	rep.ServerPID = s.cmd.Process.Pid
	defer s.kill()
	if err := s.measure(rep, ws, main, refs); err != nil {
		return rep, s.withStderr(err)
	}
	rep.Shutdown = s.shutdown()
	return rep, nil
}

// openFile is a file the client opens: its text and how the server names it.
type openFile struct {
	path    string
	uri     string
	key     string // normURI(uri)
	doc     *document
	version int // of the last didOpen or didChange sent
}

func load(name string) (*openFile, error) {
	path, err := filepath.Abs(name)
	if err != nil {
		return nil, err
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !validUTF8(string(content)) {
		return nil, fmt.Errorf("%s is not valid UTF-8; a JSON string cannot carry it unchanged", path)
	}
	uri := fileURI(path)
	return &openFile{path: path, uri: uri, key: normURI(uri), doc: newDocument(string(content))}, nil
}

// lines counts the file's lines as a reader does: the empty "line" after a final line
// end is none.
func (f *openFile) lines() int {
	n := len(f.doc.lines)
	if n > 0 && f.doc.lines[n-1] == "" {
		n--
	}
	return n
}

// pickFile returns the file to open (the biggest *.notes other than the references file
// unless one is named) and how many *.notes files the workspace holds.
func pickFile(ws, named, refs string) (string, int, error) {
	if refs != "" {
		refs, _ = filepath.Abs(refs)
	}
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
		if path == refs {
			return nil
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

func (s *session) measure(rep *Report, ws string, main, refs *openFile) error {
	o := s.opts
	deadline := s.start.Add(o.Deadline)
	wsURI := fileURI(ws)

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

	var first firstOpen
	if o.has("open") {
		rep.Scenarios.Open, first, err = s.openCold(main)
	} else {
		first, err = s.open(main)
	}
	if err != nil {
		return err
	}
	rep.FirstDiagnosticsMs, rep.FirstDiagnostics, rep.FirstHover = first.diagMs, first.diags, first.hover
	if first.diagMs < 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("no publishDiagnostics for the opened file within %v", o.StartTimeout))
	}
	if refs != nil {
		first, err := s.open(refs)
		if err != nil {
			return err
		}
		r := rep.Refs
		r.FirstDiagnosticsMs, r.FirstDiagnostics, r.FirstHover = first.diagMs, first.diags, first.hover
		if first.diagMs < 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("no publishDiagnostics for %s within %v", filepath.Base(refs.path), o.StartTimeout))
		}
	}

	for _, c := range []struct {
		name     string
		provider json.RawMessage
	}{{"hover", caps.HoverProvider}, {"definition", caps.DefinitionProvider}, {"completion", caps.CompletionProvider}} {
		if !provides(c.provider) {
			rep.Notes = append(rep.Notes, c.name+": the server does not announce it; requests sent anyway")
		}
	}

	// The random positions come from their own stream, as before the targeted requests
	// existed, so that a seed still asks the same questions there.
	rng := rand.New(rand.NewPCG(o.Seed, 0x62656e6368))
	aimed := rand.New(rand.NewPCG(o.Seed, 0x7461726765747321))
	random := func(d *document) func() position { return func() position { return d.randomPosition(rng) } }
	phases := []phase{
		{name: "hover", method: "textDocument/hover", file: main, pos: random(main.doc), out: &rep.Hover},
		{name: "definition", method: "textDocument/definition", file: main, pos: random(main.doc), out: &rep.Definition},
		{name: "completion", method: "textDocument/completion", file: main, pos: random(main.doc), out: &rep.Completion},
	}
	phases = append(phases, targetedPhases("", main, &rep.Targeted, aimed)...)
	if refs != nil {
		phases = append(phases, targetedPhases(filepath.Base(refs.path)+": ", refs, &rep.Refs.Targeted, aimed)...)
	}
	edited := []struct {
		f   *openFile
		out *Latency
	}{{main, &rep.EditToDiagnostics}}
	if refs != nil {
		edited = append(edited, struct {
			f   *openFile
			out *Latency
		}{refs, &rep.Refs.EditToDiagnostics})
	}

	if !o.has("probes") {
		phases, edited = nil, nil
	}
	// Each phase gets an equal share of the time left, so that a slow server still shows
	// a few samples of every kind instead of the first kind only.
	left := len(phases)
	if sync != 0 {
		left += len(edited) + o.count("typing", "enter")
	}
	share := func() time.Time {
		end := time.Now().Add(time.Until(deadline) / time.Duration(max(left, 1)))
		left--
		return end
	}
	for _, ph := range phases {
		if err := s.requests(rep, ph, o.Requests, share()); err != nil {
			return err
		}
	}

	if sync == 0 {
		rep.Notes = append(rep.Notes, "edits: the server announces no text synchronization; none sent")
	} else {
		for _, e := range edited {
			random := func() position { return e.f.doc.randomPosition(rng) }
			*e.out = s.edits(e.f, sync, random, o.Insert, share())
			if e.out.Count < o.Edits {
				rep.Notes = append(rep.Notes, fmt.Sprintf("edits of %s: %d of %d measured", filepath.Base(e.f.path), e.out.Count, o.Edits))
			}
		}
		if o.has("enter") {
			middle := func() position { return position{Line: len(main.doc.lines) / 2} }
			s.metered(rep, "enter", func() { rep.Scenarios.Enter = s.edits(main, sync, middle, "\n", share()) })
		}
		if o.has("typing") {
			typedIn := main
			if refs != nil {
				typedIn = refs // as a user adds an entry to a small file beside the big ones
			}
			s.metered(rep, "typing", func() { rep.Scenarios.Typing = s.typing(typedIn, main, sync, aimed, share()) })
		}
	}

	rss, err := peakRSS(s.cmd.Process.Pid)
	if err != nil {
		rep.Notes = append(rep.Notes, "peak RSS: "+err.Error())
	}
	rep.PeakRSSBytes = rss
	return nil
}

// A phase is one kind of request, asked Requests times, one at a time.
type phase struct {
	name   string
	method string
	file   *openFile
	pos    func() position
	out    *Latency
}

// targetedPhases are the requests at the file's references and path operators; a kind
// the file has no place for is left out.
func targetedPhases(prefix string, f *openFile, t *Targeted, rng *rand.Rand) []phase {
	refs, ops := f.doc.references(), f.doc.pathOperators()
	t.References, t.PathOperators = len(refs), len(ops)
	var out []phase
	if len(refs) > 0 {
		inRef := func() position { return f.doc.inside(rng, refs[rng.IntN(len(refs))]) }
		out = append(out,
			phase{name: prefix + "hover at [[ref]]", method: "textDocument/hover", file: f, pos: inRef, out: &t.HoverAtReference},
			phase{name: prefix + "definition at [[ref]]", method: "textDocument/definition", file: f, pos: inRef, out: &t.DefinitionAtReference})
	}
	if len(ops) > 0 {
		out = append(out, phase{name: prefix + `completion after " -- "`, method: "textDocument/completion", file: f, out: &t.CompletionAfterPath,
			pos: func() position { o := ops[rng.IntN(len(ops))]; return f.doc.position(o.line, o.from) }})
	}
	if len(refs) > 0 {
		out = append(out, phase{name: prefix + "completion in [[", method: "textDocument/completion", file: f, out: &t.CompletionInReference,
			pos: func() position { return f.doc.typed(rng, refs[rng.IntN(len(refs))]) }})
	}
	return out
}

// requests asks n requests of one phase until end, and summarizes them into ph.out. Only
// a lost connection is an error.
func (s *session) requests(rep *Report, ph phase, n int, end time.Time) error {
	var rec recorder
	streak := 0
	textDoc := map[string]any{"uri": ph.file.uri}
	for i := 0; i < n && time.Now().Before(end); i++ {
		params := map[string]any{"textDocument": textDoc, "position": ph.pos()}
		if ph.method == "textDocument/completion" {
			params["context"] = map[string]any{"triggerKind": 1}
		}
		res, lat, err := s.conn.call(ph.method, params, s.opts.Timeout)
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
		if ph.method != "textDocument/hover" {
			items, cross := resultItems(res, ph.file.key)
			rec.lat.Items += items
			if cross {
				rec.lat.CrossFile++
			}
		}
	}
	*ph.out = rec.summary()
	return nil
}

// firstOpen is what the client saw of a file it just opened.
type firstOpen struct {
	diagMs float64 // -1: none within the start timeout
	diags  int
	hover  FirstHover
}

// open sends didOpen, hovers at once (inside the file's first reference, else at its
// start) until the server answers, and waits for the file's first diagnostics.
func (s *session) open(f *openFile) (firstOpen, error) {
	o := s.opts
	res := firstOpen{diagMs: -1, hover: FirstHover{Ms: -1}}
	mark := s.diags.mark(f.key)
	at := position{}
	if refs := f.doc.references(); len(refs) > 0 {
		at = f.doc.middle(refs[0])
	}
	openedAt := time.Now()
	if err := s.sendOpen(f); err != nil {
		return res, err
	}
	res.hover = s.firstHover(f, at, openedAt, mark)
	if ev, ok := s.diags.wait(f.key, mark, 0, max(o.StartTimeout-time.Since(openedAt), 0)); ok {
		res.diagMs = ms(ev.at.Sub(openedAt))
		res.diags = ev.count
	}
	return res, nil
}

// firstHover repeats a hover at p until it has an answer (see FirstHover), for at most
// the start timeout after openedAt.
func (s *session) firstHover(f *openFile, p position, openedAt time.Time, mark int) FirstHover {
	h := FirstHover{Ms: -1, At: p}
	params := map[string]any{"textDocument": map[string]any{"uri": f.uri}, "position": p}
	for {
		left := s.opts.StartTimeout - time.Since(openedAt)
		if left <= 0 {
			return h
		}
		h.Tries++
		sent := time.Now()
		res, lat, err := s.conn.call("textDocument/hover", params, left)
		answered := sent.Add(lat)
		_, published := s.diags.wait(f.key, mark, 0, 0)
		switch {
		case err != nil && !isRPCError(err):
			return h // a timeout or a lost connection: no answer
		case err == nil && (!isEmptyResult(res) || published):
			h.Ms = ms(answered.Sub(openedAt))
			h.Empty = isEmptyResult(res)
			return h
		}
		time.Sleep(firstHoverRetry)
	}
}

// sendOpen sends the file's didOpen, as version 1.
func (s *session) sendOpen(f *openFile) error {
	f.version = 1
	return s.conn.notifyWithin("textDocument/didOpen", map[string]any{
		"textDocument": map[string]any{"uri": f.uri, "languageId": s.opts.LanguageID, "version": 1, "text": f.doc.text},
	}, s.opts.StartTimeout)
}

func isRPCError(err error) bool {
	var re *rpcError
	return errors.As(err, &re)
}

// edits sends single-character edits, alternately inserting the Insert character ("x"
// by default, "\n" for Enter) at a random position and deleting it again, and times each
// until the server publishes diagnostics for that version (or, for a server that sends no
// version, until its next publish).
func (s *session) edits(f *openFile, sync int, pick func() position, typed string, deadline time.Time) Latency {
	var rec recorder
	doc, uri, key := f.doc, f.uri, f.key
	streak := 0
	var at position
	if typed == "" {
		typed = "x"
	}
	for i := 0; i < s.opts.Edits && time.Now().Before(deadline); i++ {
		f.version++
		version := f.version
		var change map[string]any
		insert := i%2 == 0
		if insert {
			at = pick()
			// A line end typed right after a lone CR would join it into one CRLF: pick
			// another place (a few tries; a file of lone CRs keeps the last).
			for try := 0; try < 100 && typed == "\n" && doc.afterLoneCR(at); try++ {
				at = pick()
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
				"synchronization": map[string]any{"dynamicRegistration": false, "didSave": true},
				"hover":           map[string]any{"contentFormat": []string{"markdown", "plaintext"}},
				"definition":      map[string]any{"linkSupport": true},
				// As VS Code offers: documentation may come on completionItem/resolve, and a
				// list may give its items' defaults once (vscode-languageclient 9).
				"completion": map[string]any{"contextSupport": true, "completionItem": map[string]any{
					"snippetSupport": false, "documentationFormat": []string{"markdown", "plaintext"},
					"resolveSupport": map[string]any{"properties": []string{"documentation", "detail", "additionalTextEdits"}},
				}, "completionList": map[string]any{
					"itemDefaults": []string{"commitCharacters", "editRange", "insertTextFormat", "insertTextMode", "data"},
				}},
				"publishDiagnostics": map[string]any{"relatedInformation": true, "versionSupport": true, "codeDescriptionSupport": true},
			},
			"window": map[string]any{"workDoneProgress": true},
		},
	}
}

// metered runs a scenario and records the server's CPU time over it in
// rep.Scenarios.CPUMs, or a note when /proc cannot tell it.
func (s *session) metered(rep *Report, name string, run func()) {
	before, err := cpuTime(s.cmd.Process.Pid)
	run()
	after, err2 := cpuTime(s.cmd.Process.Pid)
	if err = errors.Join(err, err2); err != nil {
		rep.Notes = append(rep.Notes, "server CPU over "+name+": "+err.Error())
		return
	}
	if rep.Scenarios.CPUMs == nil {
		rep.Scenarios.CPUMs = map[string]float64{}
	}
	rep.Scenarios.CPUMs[name] = ms(after - before)
}

// cpuTime reads the user and system time a process has used from /proc/PID/stat, whose
// fields 14 and 15 count clock ticks of 1/100 s (USER_HZ, which Linux fixes at 100 for
// /proc).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("reading /proc stat: %w", err)
	}
	// The command name, field 2, is in parentheses and may hold spaces: count after it.
	_, rest, ok := bytes.Cut(b, []byte(") "))
	f := strings.Fields(string(rest))
	if !ok || len(f) < 13 {
		return 0, fmt.Errorf("unreadable /proc stat %q", b)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("unreadable /proc stat times: %w", err)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
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
