package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
)

// pipeConn feeds the stream fixed input and records what it writes.
type pipeConn struct {
	in  io.Reader
	out bytes.Buffer
}

func (c *pipeConn) Read(p []byte) (int, error)  { return c.in.Read(p) }
func (c *pipeConn) Write(p []byte) (int, error) { return c.out.Write(p) }
func (c *pipeConn) Close() error                { return nil }

func frame(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

// readAll reads messages until the input ends, returning the method of each request.
func readAll(t *testing.T, s *Stream) []string {
	t.Helper()
	var methods []string
	for {
		msg, _, err := s.Read(context.Background())
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return methods
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		if req, ok := msg.(jsonrpc2.Request); ok {
			methods = append(methods, req.Method())
		}
	}
}

// responses decodes the frames the stream wrote.
func responses(t *testing.T, out []byte) []map[string]any {
	t.Helper()
	var got []map[string]any
	r := NewStream(&pipeConn{in: bytes.NewReader(out)}, nil)
	for {
		length, err := r.readHeaders(false)
		if err != nil {
			return got
		}
		body, err := readBody(r.in, length)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("server wrote invalid JSON %q", body)
		}
		got = append(got, m)
	}
}

func TestStreamHeaderCase(t *testing.T) {
	a, b := `{"jsonrpc":"2.0","method":"a","id":1}`, `{"jsonrpc":"2.0","method":"b","id":2}`
	in := fmt.Sprintf("content-length: %d\r\n\r\n%s", len(a), a) +
		fmt.Sprintf("CONTENT-LENGTH:%d\r\ncontent-type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n%s", len(b), b)
	s := NewStream(&pipeConn{in: strings.NewReader(in)}, nil)
	if got := readAll(t, s); strings.Join(got, ",") != "a,b" {
		t.Fatalf("methods %v, want [a b]", got)
	}
}

func TestStreamSkipsHugeLength(t *testing.T) {
	in := "Content-Length: 99999999999\r\n\r\n" + `{"jsonrpc":"2.0","method":"huge","id":1}` +
		frame(`{"jsonrpc":"2.0","method":"after","id":2}`)
	s := NewStream(&pipeConn{in: strings.NewReader(in)}, nil)
	if got := readAll(t, s); strings.Join(got, ",") != "after" {
		t.Fatalf("methods %v, want [after]", got)
	}
}

func TestStreamBadHeaders(t *testing.T) {
	for name, bad := range map[string]string{
		"no length":       "Content-Type: x\r\n\r\n{}",
		"negative length": "Content-Length: -5\r\n\r\n{}",
		"words":           "Content-Length: ten\r\n\r\n{}",
		"no colon":        "garbage line\r\n\r\n{}",
		"long line":       strings.Repeat("x", 2*maxHeaderLineBytes) + "\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			in := bad + frame(`{"jsonrpc":"2.0","method":"after","id":2}`)
			s := NewStream(&pipeConn{in: strings.NewReader(in)}, nil)
			if got := readAll(t, s); strings.Join(got, ",") != "after" {
				t.Fatalf("methods %v, want [after]", got)
			}
		})
	}
}

func TestStreamRejectsInvalidJSON(t *testing.T) {
	in := frame(`{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{`) + // truncated
		frame(`{"jsonrpc":"2.0","id":"s-1","method":5}`) + // valid JSON, not a request
		frame(`not json at all`) + // no id: answered with id null
		frame(`{"jsonrpc":"2.0","id":{},"method":"textDocument/hover"}`) + // ids of the wrong type
		frame(`{"jsonrpc":"2.0","id":[1],"method":"textDocument/hover"}`) +
		frame(`{"jsonrpc":"2.0","id":true,"method":"textDocument/hover"}`) +
		frame(`{"jsonrpc":"2.0","method":"textDocument/hover","params":{"id":1,"text":"\"id\": null"},"id" : null}`) + // a null id
		frame(`[{"jsonrpc":"2.0","id":9,"method":"batch"}]`) + // batches are not LSP
		frame(`{"jsonrpc":"2.0","result":{"id":null}}`) + // a response without id: never answered
		frame(`{"jsonrpc":"2.0","method":"note","params":{"id":null}}`) + // a notification, nested id
		frame(`{"jsonrpc":"2.0","method":"after","id":3}`)
	conn := &pipeConn{in: strings.NewReader(in)}
	s := NewStream(conn, nil)
	if got := readAll(t, s); strings.Join(got, ",") != "note,after" {
		t.Fatalf("methods %v, want [note after]", got)
	}
	got := responses(t, conn.out.Bytes())
	want := []struct {
		id   any
		code float64
	}{{7.0, -32700}, {"s-1", -32600}, {nil, -32700}, {nil, -32600}, {nil, -32600}, {nil, -32600}, {nil, -32600}, {nil, -32600}}
	if len(got) != len(want) {
		t.Fatalf("%d responses, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		e, _ := got[i]["error"].(map[string]any)
		id, hasID := got[i]["id"]
		if !hasID || id != w.id || e == nil || e["code"] != w.code {
			t.Errorf("response %d = %v, want id %v code %v", i, got[i], w.id, w.code)
		}
	}
}

func TestHasNullID(t *testing.T) {
	for body, want := range map[string]bool{
		`{"id":null,"method":"m"}`: true,
		` { "method" : "m" , "params":{"a":[1,{"b":"}"}]}, "id" :  null }`: true,
		`{"method":"m","params":{"id":null}}`:                              false,
		`{"method":"m","params":"\"id\":null"}`:                            false,
		`{"method":"m","id":1}`:                                            false,
		`{"method":"m"}`:                                                   false,
		`[{"id":null}]`:                                                    false,
		`{"method":"m","params":{"x":"a\\"},"id":null}`:                    true,
	} {
		if got := hasNullID([]byte(body)); got != want {
			t.Errorf("hasNullID(%s) = %v, want %v", body, got, want)
		}
	}
}

func TestStreamWrite(t *testing.T) {
	conn := &pipeConn{in: strings.NewReader("")}
	s := NewStream(conn, nil)
	call, err := jsonrpc2.NewCall(jsonrpc2.NewNumberID(4), "x", []int{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(context.Background(), call); err != nil {
		t.Fatal(err)
	}
	got := responses(t, conn.out.Bytes())
	if len(got) != 1 || got[0]["method"] != "x" || got[0]["id"] != 4.0 {
		t.Fatalf("wrote %v", got)
	}
}

// A result is written as the library would write the response, byte for byte.
// Notifications and requests to the client are written as the library writes them,
// byte for byte, without its second pass over the params.
func TestStreamWritesRequestsAsLibrary(t *testing.T) {
	params := []any{nil, []int{}, map[string]any{"a": "<b> & \"c\" \u2028", "n": 1.5, "d": []any{"é😀", nil}}, "é😀"}
	for _, p := range params {
		for _, method := range []string{"textDocument/publishDiagnostics", "a<b>&\"c\""} {
			note, err := jsonrpc2.NewNotification(method, p)
			if err != nil {
				t.Fatal(err)
			}
			call, err := jsonrpc2.NewCall(jsonrpc2.NewNumberID(3), method, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, msg := range []jsonrpc2.Message{note, call} {
				want, err := json.Marshal(msg)
				if err != nil {
					t.Fatal(err)
				}
				conn := &pipeConn{in: strings.NewReader("")}
				if _, err := NewStream(conn, nil).Write(context.Background(), msg); err != nil {
					t.Fatal(err)
				}
				if got := conn.out.String(); got != frame(string(want)) {
					t.Errorf("%T %q params %v:\n got %q\nwant %q", msg, method, p, got, frame(string(want)))
				}
			}
		}
	}
}

func TestStreamWritesResultAsLibrary(t *testing.T) {
	for _, result := range []any{nil, []int{}, map[string]any{"a": "<b> & \"c\"", "n": 1.5}, "é😀"} {
		for _, id := range []jsonrpc2.ID{jsonrpc2.NewNumberID(7), jsonrpc2.NewStringID("s-1")} {
			resp, err := jsonrpc2.NewResponse(id, result, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			conn := &pipeConn{in: strings.NewReader("")}
			if _, err := NewStream(conn, nil).Write(context.Background(), resp); err != nil {
				t.Fatal(err)
			}
			if got := conn.out.String(); got != frame(string(want)) {
				t.Errorf("result %v id %v:\n got %q\nwant %q", result, id, got, frame(string(want)))
			}
		}
	}
}

// TestStreamWritesFramesOfEverySize: a notification, a request, a result and an error
// are framed the same whether their encoded params, result or message are copied into
// one write through the stream's buffer (small) or written around (big), on both sides
// of the bound, one frame after another.
func TestStreamWritesFramesOfEverySize(t *testing.T) {
	for _, n := range []int{0, 10, copiedParams - 8, copiedParams - 7, copiedParams + 1, 300 << 10} {
		body := `"` + strings.Repeat("x", max(0, n-2)) + `"`
		c := &pipeConn{in: strings.NewReader("")}
		s := NewStream(c, nil)
		id := jsonrpc2.NewNumberID(7)
		if _, err := s.writeRequest("m/x", json.RawMessage(body), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.writeRequest("m/y", json.RawMessage(body), &id); err != nil {
			t.Fatal(err)
		}
		resp, err := jsonrpc2.NewResponse(id, json.RawMessage(body), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Write(context.Background(), resp); err != nil {
			t.Fatal(err)
		}
		// An error is encoded whole and framed by writeFrame.
		failed, err := jsonrpc2.NewResponse(id, nil, jsonrpc2.NewError(-32000, strings.Repeat("y", n)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Write(context.Background(), failed); err != nil {
			t.Fatal(err)
		}
		encoded, err := json.Marshal(failed)
		if err != nil {
			t.Fatal(err)
		}
		want := frame(`{"jsonrpc":"2.0","method":"m/x","params":`+body+`}`) +
			frame(`{"jsonrpc":"2.0","method":"m/y","params":`+body+`,"id":7}`) +
			frame(`{"jsonrpc":"2.0","result":`+body+`,"id":7}`) +
			frame(string(encoded))
		if got := c.out.String(); got != want {
			t.Fatalf("body of %d bytes: the frames differ (%d bytes written, %d wanted)", len(body), len(got), len(want))
		}
	}
}
