package server

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// FuzzServerStream feeds arbitrary bytes to a whole server as its stdin, then ends the
// input, as an editor that dies does. Properties: no panic; the server ends (a hang
// shows as an input that never finishes, and under -fuzz as fuzzHangLimit); everything
// it wrote is well-formed frames, each a JSON-RPC 2.0 message.
func FuzzServerStream(f *testing.F) {
	for _, seed := range streamSeeds() {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		out := serveBytes(t, input)
		if err := checkFrames(out); err != nil {
			t.Fatalf("the server wrote a malformed stream: %v\ninput %q\noutput %q", err, input, out)
		}
	})
}

// fuzzHangLimit is how long an input may keep the server running once its stdin has
// ended, only while fuzzing: the fuzzer has no timeout of its own and would wait for good.
// Normal test runs have no deadline (go test -timeout catches a hang there), so a slow
// machine cannot make them fail.
const fuzzHangLimit = 20 * time.Second

func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// serveBytes runs Serve with input as its stdin and returns what it wrote to stdout.
// After the input comes a probe request, a hover, answered once the server has taken in
// everything before it; stdin ends when the probe is answered (or after probeWait, when
// the input swallowed it, as a frame cut short does), so that the input's requests are
// answered rather than cancelled by the end of the stream.
func serveBytes(t *testing.T, input []byte) []byte {
	t.Helper()
	conn := newStdioConn(input)
	ctx := context.Background()
	if fuzzing() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, fuzzHangLimit)
		defer cancel()
	}
	// No workspace folder is ever walked: a mutated rootUri of "/" would index the disk.
	err := Serve(ctx, NewStream(conn, nil), Options{rootsUnder: t.TempDir()})
	if ctx.Err() != nil {
		t.Fatalf("the server still ran %v after its input ended (Serve: %v)\ninput %q", fuzzHangLimit, err, input)
	}
	if err != nil && !errors.Is(err, ErrExitWithoutShutdown) {
		t.Fatalf("Serve: %v", err)
	}
	return conn.written()
}

const probeID = `"notesls-fuzz-probe"`

var probe = []byte(frame(`{"jsonrpc":"2.0","id":` + probeID + `,"method":"textDocument/hover","params":{"textDocument":{"uri":"untitled:fuzz"},"position":{"line":0,"character":0}}}`))

// probeWait bounds the wait for the probe's answer. It only decides how much of the
// input's work is seen before the end of input; no property depends on it.
const probeWait = 10 * time.Millisecond

// stdioConn is stdin and stdout: the input and the probe, then EOF once the probe is
// answered; writes recorded until Close.
type stdioConn struct {
	in       io.Reader
	answered chan struct{} // closed when the probe's answer is written, or on Close
	once     sync.Once

	mu     sync.Mutex
	out    bytes.Buffer
	closed bool
}

func newStdioConn(input []byte) *stdioConn {
	return &stdioConn{in: io.MultiReader(bytes.NewReader(input), bytes.NewReader(probe)), answered: make(chan struct{})}
}

func (c *stdioConn) Read(p []byte) (int, error) {
	n, err := c.in.Read(p)
	if err != io.EOF {
		return n, err
	}
	t := time.NewTimer(probeWait)
	defer t.Stop()
	select {
	case <-c.answered:
	case <-t.C:
	}
	return 0, io.EOF
}

func (c *stdioConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, io.ErrClosedPipe
	}
	c.out.Write(p)
	if bytes.Contains(p, []byte(`"id":`+probeID)) {
		c.once.Do(func() { close(c.answered) })
	}
	return len(p), nil
}

func (c *stdioConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.once.Do(func() { close(c.answered) })
	return nil
}

func (c *stdioConn) written() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.out.Bytes())
}

// checkFrames parses a server's output strictly: frames of a Content-Length header (and
// optionally a Content-Type), a blank line and that many bytes, each a JSON-RPC 2.0 message
// (a request or notification with a method, or a response with an id, string, number or
// null, and exactly one of result and error); nothing before, between or after.
func checkFrames(out []byte) error {
	for n := 0; len(out) > 0; n++ {
		head, rest, ok := bytes.Cut(out, []byte("\r\n\r\n"))
		if !ok {
			return fmt.Errorf("frame %d: no end of headers in %q", n, truncateBytes(out))
		}
		length := -1
		for _, line := range strings.Split(string(head), "\r\n") {
			name, value, ok := strings.Cut(line, ": ")
			switch {
			case !ok:
				return fmt.Errorf("frame %d: header line %q", n, line)
			case name == "Content-Length":
				v, err := strconv.Atoi(value)
				if err != nil || v < 0 || length >= 0 {
					return fmt.Errorf("frame %d: Content-Length %q", n, value)
				}
				length = v
			case name == "Content-Type":
			default:
				return fmt.Errorf("frame %d: unknown header %q", n, line)
			}
		}
		if length < 0 {
			return fmt.Errorf("frame %d: no Content-Length", n)
		}
		if length > len(rest) {
			return fmt.Errorf("frame %d: Content-Length %d, %d bytes left", n, length, len(rest))
		}
		if err := checkMessage(rest[:length]); err != nil {
			return fmt.Errorf("frame %d: %v: %q", n, err, rest[:length])
		}
		out = rest[length:]
	}
	return nil
}

func checkMessage(body []byte) error {
	if !stdjson.Valid(body) {
		return errors.New("invalid JSON")
	}
	var m map[string]stdjson.RawMessage
	if err := stdjson.Unmarshal(body, &m); err != nil {
		return errors.New("not an object")
	}
	if string(m["jsonrpc"]) != `"2.0"` {
		return errors.New(`no "jsonrpc": "2.0"`)
	}
	id, hasID := m["id"]
	if hasID {
		var probe any
		_ = stdjson.Unmarshal(id, &probe)
		switch probe.(type) {
		case string, float64, nil:
		default:
			return fmt.Errorf("id %s", id)
		}
	}
	if method, ok := m["method"]; ok {
		var s string
		if stdjson.Unmarshal(method, &s) != nil || s == "" {
			return fmt.Errorf("method %s", method)
		}
		if _, ok := m["result"]; ok {
			return errors.New("a request with a result")
		}
		return nil
	}
	_, hasResult := m["result"]
	e, hasError := m["error"]
	if !hasID || hasResult == hasError {
		return errors.New("a response needs an id and exactly one of result and error")
	}
	if hasError {
		var rpcErr struct {
			Code    *int64  `json:"code"`
			Message *string `json:"message"`
		}
		if stdjson.Unmarshal(e, &rpcErr) != nil || rpcErr.Code == nil || rpcErr.Message == nil {
			return fmt.Errorf("error %s", e)
		}
	}
	return nil
}

func truncateBytes(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

// streamSeeds are the fuzzer's starting points: a whole session, then the ways a stream
// goes wrong (broken headers, huge lengths, partial frames, invalid JSON, bad ids, a
// valid start then garbage).
func streamSeeds() []string {
	msg := func(id any, method, params string) string {
		body := `{"jsonrpc":"2.0","method":"` + method + `"`
		if id != nil {
			body += fmt.Sprintf(`,"id":%v`, id)
		}
		if params != "" {
			body += `,"params":` + params
		}
		return frame(body + "}")
	}
	uri := `"untitled:fuzz"`
	doc := `{"textDocument":{"uri":` + uri + `},"position":{"line":0,"character":17}}`
	initialize := msg(1, "initialize", `{"capabilities":{"general":{"positionEncodings":["utf-16"]},"window":{"workDoneProgress":true}},"rootUri":"file:///notesls-fuzz-root"}`) +
		msg(nil, "initialized", `{}`)
	open := msg(nil, "textDocument/didOpen", `{"textDocument":{"uri":`+uri+`,"languageId":"notes","version":1,"text":"alpha = first [[beta]]\r\nbeta = 😀 second\rzeta\nbeta = 😀 second\n"}}`)
	session := initialize + open +
		msg(nil, "textDocument/didChange", `{"textDocument":{"uri":`+uri+`,"version":2},"contentChanges":[{"range":{"start":{"line":0,"character":5},"end":{"line":0,"character":5}},"text":"é中"},{"range":{"start":{"line":9,"character":0},"end":{"line":9,"character":3}},"text":"past the end\n"}]}`) +
		msg(2, "textDocument/hover", doc) +
		msg(3, "textDocument/completion", doc) +
		msg(4, "textDocument/definition", doc) +
		msg(5, "textDocument/formatting", `{"textDocument":{"uri":`+uri+`},"options":{"tabSize":4,"insertSpaces":true}}`) +
		msg(6, "textDocument/documentSymbol", `{"textDocument":{"uri":`+uri+`}}`) +
		msg(7, "textDocument/semanticTokens/full", `{"textDocument":{"uri":`+uri+`}}`) +
		msg(8, "textDocument/codeAction", `{"textDocument":{"uri":`+uri+`},"range":{"start":{"line":0,"character":0},"end":{"line":3,"character":0}},"context":{"diagnostics":[]}}`) +
		msg(9, "textDocument/rename", `{"textDocument":{"uri":`+uri+`},"position":{"line":1,"character":1},"newName":"gamma"}`) +
		msg(10, "workspace/symbol", `{"query":"al"}`) +
		msg(nil, "$/cancelRequest", `{"id":3}`) +
		msg(11, "shutdown", "") + msg(nil, "exit", "")
	return []string{
		"",
		session,
		initialize + open + msg(2, "textDocument/hover", `{"textDocument":{"uri":`+uri+`},"position":{"line":99,"character":0}}`),
		msg(1, "textDocument/hover", doc) + initialize, // a request before initialize
		"Content-Length: abc\r\n\r\n{}" + initialize,
		"Content-Length: 99999999999\r\n\r\n" + initialize,
		"Content-Length: 10\r\n\r\n{\"jsonrpc\"",                       // a partial frame
		initialize + "Content-Length: 500\r\n\r\n{\"jsonrpc\":\"2.0\"", // the input ends in a frame
		initialize + "\x00\xff garbage \r\n\r\n\r\nContent-Length:\r\n" + strings.Repeat("x", 5000),
		"content-length: 2\r\ncontent-type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}" + frame("[1,2]") + frame("not json"),
		initialize + frame(`{"jsonrpc":"2.0","id":{},"method":"x"}`) + frame(`{"jsonrpc":"2.0","id":[1],"method":"x"}`) +
			frame(`{"jsonrpc":"2.0","id":true,"method":"x"}`) + frame(`{"jsonrpc":"2.0","id":null,"method":"shutdown"}`) +
			frame(`{"jsonrpc":"2.0","id":7,"result":null}`) + frame(`{"jsonrpc":"2.0","id":8}`),
		initialize + msg(nil, "exit", "") + msg(2, "textDocument/hover", doc), // exit without shutdown, then more
		initialize + msg(2, "initialize", `{}`) + msg(3, "shutdown", "") + msg(4, "textDocument/hover", doc),
		initialize + open + msg(nil, "workspace/didChangeWatchedFiles", `{"changes":[{"uri":"file:///dev/zero","type":2},{"uri":"file:///notesls-fuzz-root/a.notes","type":1}]}`) +
			msg(nil, "workspace/didChangeWorkspaceFolders", `{"event":{"added":[{"uri":"file:///","name":"root"}],"removed":[]}}`) +
			msg(nil, "workspace/didChangeConfiguration", `{"settings":{"notesls":{"sorting":false}}}`),
		"Content-Length: 2\r\n" + strings.Repeat("X-Header: y\r\n", 3) + "\r\n{}" + strings.Repeat("Content-Length: 1\r\n\r\n{", 4),
	}
}
