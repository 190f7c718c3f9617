package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The fake server is this test binary run again with NOTESLS_BENCH_FAKE set to a mode.
// It is a real process speaking LSP over stdio, with known delays, so that tests can check
// what the benchmark measures; it also checks what the benchmark sends (positions inside
// the text in UTF-16 units, versions in order, answers to its own request) and exits
// non-zero at `exit` when something was wrong.
const fakeEnv = "NOTESLS_BENCH_FAKE"

// Delays of the fake server: every measured latency must be at least these.
const (
	fakeHoverDelay = 2 * time.Millisecond
	fakeOpenDelay  = 30 * time.Millisecond
	fakeDebounce   = 20 * time.Millisecond
	fakeBallast    = 64 << 20 // bytes touched at initialize, to show in VmHWM
	// In mode "slowindex" the server answers its first fakeIndexHovers hovers with null
	// and publishes the diagnostics of the files opened meanwhile only after them, as a
	// server indexing the workspace does; counted rather than timed, so that the
	// benchmark's retries are known whatever the machine's load.
	fakeIndexHovers = 3
	// In mode "slow" every hover, definition and completion takes this long.
	fakeSlowDelay = 20 * time.Millisecond
	// Completion offers this many items inside "[[", and fakePathItems after " -- ".
	fakeRefItems  = 3
	fakePathItems = 2
)

var ballast []byte

type fakeServer struct {
	mode    string
	wmu     sync.Mutex
	mu      sync.Mutex
	text    map[string]string
	opened  map[string]string
	changes map[string]int
	version map[string]int
	timers  map[string]*time.Timer
	faults  []string
	// heads maps the lower-cased head of every line of the workspace's *.notes files, read
	// from disk at initialize, to its file's URI and line: what [[references]] resolve to.
	heads      map[string]headLoc
	nullHovers int      // hovers answered null while "indexing" (mode slowindex)
	waiting    []string // files opened while indexing, published after it
}

type headLoc struct {
	uri  string
	line int
}

func runFake(mode string) int {
	if mode == "crash" {
		fmt.Fprintln(os.Stderr, "fake server: boom, cannot start")
		return 7
	}
	s := &fakeServer{mode: mode, text: map[string]string{}, opened: map[string]string{}, changes: map[string]int{},
		version: map[string]int{}, timers: map[string]*time.Timer{}}
	r := bufio.NewReader(os.Stdin)
	shutdown := false
	for {
		body, err := readFrame(r, maxFrame)
		if err != nil {
			return 1
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			s.fault("invalid JSON from client: %v", err)
			continue
		}
		if m.Method == "" { // the client's answer to workspace/configuration
			var items []any
			if m.Error != nil || json.Unmarshal(m.Result, &items) != nil || len(items) != 2 {
				s.fault("bad answer to workspace/configuration: %s", body)
			}
			continue
		}
		switch m.Method {
		case "initialize":
			if mode == "silent" {
				continue
			}
			if mode != "slow" { // the deadline test wants its time for requests
				ballast = make([]byte, fakeBallast)
				for i := range ballast {
					ballast[i] = byte(i)
				}
			}
			var p struct {
				RootURI          string `json:"rootUri"`
				WorkspaceFolders []struct {
					URI string `json:"uri"`
				} `json:"workspaceFolders"`
			}
			_ = json.Unmarshal(m.Params, &p)
			if p.RootURI == "" || len(p.WorkspaceFolders) != 1 || p.WorkspaceFolders[0].URI != p.RootURI {
				s.fault("initialize without the workspace: %s", m.Params)
			}
			s.heads = readHeads(p.RootURI)
			s.reply(&m, map[string]any{"capabilities": map[string]any{
				"textDocumentSync":   map[string]any{"openClose": true, "change": 2},
				"hoverProvider":      true,
				"definitionProvider": true,
				"completionProvider": map[string]any{"triggerCharacters": []string{"-"}},
			}})
		case "initialized":
			s.write(&message{ID: json.RawMessage(`"cfg-1"`), Method: "workspace/configuration",
				Params: json.RawMessage(`{"items":[{"section":"notes"},{"section":"other"}]}`)})
		case "textDocument/didOpen":
			var p struct {
				TextDocument struct {
					URI     string `json:"uri"`
					Version int    `json:"version"`
					Text    string `json:"text"`
				} `json:"textDocument"`
			}
			_ = json.Unmarshal(m.Params, &p)
			s.mu.Lock()
			s.text[p.TextDocument.URI] = p.TextDocument.Text
			s.opened[p.TextDocument.URI] = p.TextDocument.Text
			s.version[p.TextDocument.URI] = p.TextDocument.Version
			indexing := mode == "slowindex" && s.nullHovers < fakeIndexHovers
			if indexing {
				s.waiting = append(s.waiting, p.TextDocument.URI)
			}
			s.mu.Unlock()
			if !indexing {
				s.publishAfter(p.TextDocument.URI, fakeOpenDelay)
			}
		case "textDocument/didChange":
			s.change(m.Params)
		case "textDocument/hover", "textDocument/definition", "textDocument/completion":
			line, col, err := s.checkPosition(m.Params)
			if err != nil {
				s.replyError(&m, -32602, err.Error())
				continue
			}
			if mode == "slow" {
				time.Sleep(fakeSlowDelay)
			}
			switch m.Method {
			case "textDocument/hover":
				time.Sleep(fakeHoverDelay)
				s.mu.Lock()
				indexing := mode == "slowindex" && s.nullHovers < fakeIndexHovers
				var done []string
				if indexing {
					if s.nullHovers++; s.nullHovers == fakeIndexHovers {
						done, s.waiting = s.waiting, nil
					}
				}
				s.mu.Unlock()
				if mode == "nohover" || indexing {
					s.reply(&m, nil)
					for _, uri := range done {
						s.publishAfter(uri, fakeOpenDelay)
					}
					continue
				}
				s.reply(&m, map[string]any{"contents": map[string]any{"kind": "markdown", "value": "**term**"}})
			case "textDocument/definition":
				locs := []any{}
				if ref, ok := inReference(line, col); ok {
					if h, ok := s.heads[strings.ToLower(ref)]; ok {
						locs = append(locs, map[string]any{"uri": h.uri, "range": lspRange{Start: position{Line: h.line}, End: position{Line: h.line}}})
					}
				}
				s.reply(&m, locs)
			default:
				s.reply(&m, map[string]any{"isIncomplete": false, "items": completionItems(line, col)})
			}
		case "shutdown":
			shutdown = true
			s.reply(&m, nil)
		case "exit":
			s.mu.Lock()
			defer s.mu.Unlock()
			for uri, n := range s.changes {
				if n%2 == 0 && s.text[uri] != s.opened[uri] {
					s.faults = append(s.faults, "after inserts and their deletes the text differs from the opened one")
				}
			}
			if len(s.faults) > 0 {
				fmt.Fprintln(os.Stderr, strings.Join(s.faults, "\n"))
				return 4
			}
			if !shutdown {
				return 1
			}
			return 0
		default:
			if len(m.ID) > 0 {
				s.replyError(&m, -32601, "method not found")
			}
		}
	}
}

func (s *fakeServer) fault(format string, args ...any) {
	s.mu.Lock()
	s.faults = append(s.faults, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

func (s *fakeServer) write(m *message) {
	m.JSONRPC = "2.0"
	b, _ := json.Marshal(m)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = writeFrame(os.Stdout, b)
}

func (s *fakeServer) reply(req *message, result any) {
	b, _ := json.Marshal(result)
	s.write(&message{ID: req.ID, Result: b})
}

func (s *fakeServer) replyError(req *message, code int64, msg string) {
	s.write(&message{ID: req.ID, Error: &rpcError{Code: code, Message: msg}})
}

// publishAfter publishes the document's diagnostics once no change came for d
// (a debounce, as real servers do), with the version they are for.
func (s *fakeServer) publishAfter(uri string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.timers[uri]; t != nil {
		t.Stop()
	}
	s.timers[uri] = time.AfterFunc(d, func() {
		s.mu.Lock()
		v := s.version[uri]
		s.mu.Unlock()
		p := map[string]any{"uri": uri, "diagnostics": []any{map[string]any{
			"range":   lspRange{},
			"message": "fake finding",
		}}}
		if s.mode != "noversion" {
			p["version"] = v
		}
		b, _ := json.Marshal(p)
		s.write(&message{Method: "textDocument/publishDiagnostics", Params: b})
	})
}

// lineCol validates an LSP position against the text and returns its byte offset.
func lineCol(text string, p position) (int, error) {
	d := newDocument(text)
	if p.Line < 0 || p.Line >= len(d.lines) {
		return 0, fmt.Errorf("line %d outside 0..%d", p.Line, len(d.lines)-1)
	}
	line := d.lines[p.Line]
	units := 0
	for _, r := range line {
		if units == p.Character {
			break
		}
		units += runeUnits(r)
		if units > p.Character {
			return 0, fmt.Errorf("character %d splits a surrogate pair in line %d", p.Character, p.Line)
		}
	}
	if p.Character > units {
		return 0, fmt.Errorf("character %d past the end (%d units) of line %d", p.Character, units, p.Line)
	}
	return d.offset(p), nil
}

// checkPosition validates a request's position and returns its line and the byte offset
// in it.
func (s *fakeServer) checkPosition(params json.RawMessage) (string, int, error) {
	var p struct {
		TextDocument struct {
			URI string `json:"uri"`
		} `json:"textDocument"`
		Position position `json:"position"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return "", 0, err
	}
	s.mu.Lock()
	text, ok := s.text[p.TextDocument.URI]
	s.mu.Unlock()
	if !ok {
		return "", 0, fmt.Errorf("unknown document %s", p.TextDocument.URI)
	}
	if _, err := lineCol(text, p.Position); err != nil {
		return "", 0, err
	}
	line := newDocument(text).lines[p.Position.Line]
	return line, utf16ToByte(line, p.Position.Character), nil
}

// readHeads reads the heads of the workspace's files: the text before " = " of each line.
func readHeads(rootURI string) map[string]headLoc {
	heads := map[string]headLoc{}
	u, err := url.Parse(rootURI)
	if err != nil {
		return heads
	}
	_ = filepath.WalkDir(u.Path, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".notes") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range newDocument(string(b)).lines {
			if head, _, ok := strings.Cut(line, " = "); ok {
				heads[strings.ToLower(head)] = headLoc{uri: fileURI(path), line: i}
			}
		}
		return nil
	})
	return heads
}

// inReference returns the target of the [[reference]] around byte col of line.
func inReference(line string, col int) (string, bool) {
	open := strings.LastIndex(line[:col], "[[")
	if open < 0 || strings.Contains(line[open:col], "]]") {
		return "", false
	}
	end := strings.Index(line[open:], "]]")
	if end < 0 {
		return "", false
	}
	return line[open+2 : open+end], true
}

// completionItems offers fakeRefItems inside an open "[[", fakePathItems right after a
// " -- " of a head with nothing typed, and nothing elsewhere.
func completionItems(line string, col int) []any {
	before := line[:col]
	n := 0
	if open := strings.LastIndex(before, "[["); open >= 0 && !strings.Contains(before[open:], "]]") {
		n = fakeRefItems
	} else if strings.HasSuffix(before, " -- ") && !strings.Contains(before, " = ") {
		n = fakePathItems
	}
	items := []any{}
	for i := 0; i < n; i++ {
		items = append(items, map[string]any{"label": fmt.Sprintf("item %d", i)})
	}
	return items
}

func (s *fakeServer) change(params json.RawMessage) {
	var p struct {
		TextDocument struct {
			URI     string `json:"uri"`
			Version int    `json:"version"`
		} `json:"textDocument"`
		ContentChanges []struct {
			Range *lspRange `json:"range"`
			Text  string    `json:"text"`
		} `json:"contentChanges"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		s.fault("didChange: %v", err)
		return
	}
	uri := p.TextDocument.URI
	s.mu.Lock()
	text := s.text[uri]
	if p.TextDocument.Version != s.version[uri]+1 {
		s.faults = append(s.faults, fmt.Sprintf("didChange version %d after %d", p.TextDocument.Version, s.version[uri]))
	}
	for _, c := range p.ContentChanges {
		if c.Range == nil {
			text = c.Text
			continue
		}
		a, err1 := lineCol(text, c.Range.Start)
		b, err2 := lineCol(text, c.Range.End)
		if err1 != nil || err2 != nil || b < a {
			s.faults = append(s.faults, fmt.Sprintf("didChange range %+v invalid: %v %v", *c.Range, err1, err2))
			continue
		}
		text = text[:a] + c.Text + text[b:]
	}
	s.text[uri] = text
	s.changes[uri]++
	s.version[uri] = p.TextDocument.Version
	s.mu.Unlock()
	s.publishAfter(uri, fakeDebounce)
}
