package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxFrame bounds the Content-Length the client accepts before reading a body: a
// publishDiagnostics of a huge file is tens of megabytes; anything past this is a broken
// stream, not a message.
const maxFrame = 512 << 20

// writeFrame writes one message with LSP base-protocol framing.
func writeFrame(w io.Writer, body []byte) error {
	var b bytes.Buffer
	b.Grow(len(body) + 32)
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	_, err := w.Write(b.Bytes())
	return err
}

// readFrame reads one message: header lines (field names case-insensitive, CRLF or LF),
// an empty line, then exactly Content-Length bytes.
func readFrame(r *bufio.Reader, limit int) ([]byte, error) {
	length := -1
	sawHeader := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if err == io.EOF && !sawHeader && line == "" {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("reading header: %w", unexpectedEOF(err))
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if !sawHeader {
				continue // tolerate stray blank lines between frames
			}
			break
		}
		sawHeader = true
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed header line %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad Content-Length %q", strings.TrimSpace(value))
			}
			length = n
		}
	}
	if length < 0 {
		return nil, errors.New("frame without Content-Length")
	}
	if length > limit {
		return nil, fmt.Errorf("Content-Length %d exceeds the limit of %d bytes", length, limit)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("reading %d-byte body: %w", length, unexpectedEOF(err))
	}
	return body, nil
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// message is any JSON-RPC 2.0 message; which fields are set tells its kind.
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int64           `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("JSON-RPC error %d: %s", e.Code, e.Message) }

// A response is a reply to one of our requests with the time it was read.
type response struct {
	msg *message
	at  time.Time
}

// conn is a minimal JSON-RPC client over a byte stream: requests with numeric ids,
// notifications, and answers to the server's own requests.
type conn struct {
	w            io.Writer
	writeTimeout time.Duration
	wmu          sync.Mutex

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan response
	err     error // set once the read loop stops
	done    chan struct{}

	// onNotify sees every notification from the server with the time it was read; it
	// runs on the read loop and must not block.
	onNotify func(method string, params json.RawMessage, at time.Time)
	// onRequest answers a request from the server.
	onRequest func(method string, params json.RawMessage) (any, *rpcError)
}

type deadlineWriter interface {
	SetWriteDeadline(time.Time) error
}

func newConn(r io.Reader, w io.Writer) *conn {
	c := &conn{w: w, pending: map[int64]chan response{}, done: make(chan struct{}), writeTimeout: 10 * time.Second}
	go c.readLoop(bufio.NewReaderSize(r, 1<<20))
	return c
}

func (c *conn) readLoop(r *bufio.Reader) {
	var err error
	for {
		var body []byte
		body, err = readFrame(r, maxFrame)
		if err != nil {
			break
		}
		at := time.Now()
		var m message
		if jerr := json.Unmarshal(body, &m); jerr != nil {
			err = fmt.Errorf("invalid JSON from server (%v): %.200q", jerr, body)
			break
		}
		switch {
		case m.Method != "" && len(m.ID) > 0:
			c.answer(&m)
		case m.Method != "":
			if c.onNotify != nil {
				c.onNotify(m.Method, m.Params, at)
			}
		case len(m.ID) > 0:
			id, perr := strconv.ParseInt(string(m.ID), 10, 64)
			c.mu.Lock()
			ch, ok := c.pending[id]
			delete(c.pending, id)
			c.mu.Unlock()
			if perr == nil && ok {
				ch <- response{&m, at}
			}
		}
	}
	if err == io.EOF {
		err = errors.New("server closed its output")
	}
	c.mu.Lock()
	c.err = err
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
	c.mu.Unlock()
	close(c.done)
}

// answer replies to a server request from the read loop. Writing from here is safe: the
// write has a deadline, so a server that stops reading cannot block the loop for good.
func (c *conn) answer(m *message) {
	var result any
	var rerr *rpcError
	if c.onRequest != nil {
		result, rerr = c.onRequest(m.Method, m.Params)
	} else {
		rerr = &rpcError{Code: -32601, Message: "method not found: " + m.Method}
	}
	reply := message{JSONRPC: "2.0", ID: m.ID, Error: rerr}
	if rerr == nil {
		b, err := json.Marshal(result)
		if err != nil {
			b = []byte("null")
		}
		reply.Result = b
	}
	_ = c.send(&reply)
}

func (c *conn) send(m *message) error { return c.sendWithin(m, c.writeTimeout) }

// sendWithin writes a message, giving up after timeout if the server does not read it
// (a server busy indexing may not read a big didOpen for a while).
func (c *conn) sendWithin(m *message, timeout time.Duration) error {
	m.JSONRPC = "2.0"
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if dw, ok := c.w.(deadlineWriter); ok && timeout > 0 {
		_ = dw.SetWriteDeadline(time.Now().Add(timeout))
	}
	if err := writeFrame(c.w, body); err != nil {
		return fmt.Errorf("writing %s to the server: %w", describe(m), err)
	}
	return nil
}

func describe(m *message) string {
	switch {
	case m.Method != "" && len(m.ID) > 0:
		return "request " + m.Method
	case m.Method != "":
		return "notification " + m.Method
	}
	return "response " + string(m.ID)
}

// errTimeout marks a request the server did not answer in time.
var errTimeout = errors.New("timeout")

// call sends a request and waits for its response at most timeout. It returns the
// result, the time from just before the write to the moment the response was read, and
// an error for a timeout, a closed stream or an error response (result stays nil then).
func (c *conn) call(method string, params any, timeout time.Duration) (json.RawMessage, time.Duration, error) {
	p, err := encodeParams(params)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: encoding params: %w", method, err)
	}
	ch := make(chan response, 1)
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, 0, fmt.Errorf("%s: %w", method, err)
	}
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()

	start := time.Now()
	if err := c.send(&message{ID: json.RawMessage(strconv.FormatInt(id, 10)), Method: method, Params: p}); err != nil {
		c.forget(id)
		return nil, 0, err
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r, ok := <-ch:
		if !ok {
			return nil, time.Since(start), fmt.Errorf("%s: %w", method, c.readErr())
		}
		lat := r.at.Sub(start)
		if r.msg.Error != nil {
			return nil, lat, fmt.Errorf("%s: %w", method, r.msg.Error)
		}
		return r.msg.Result, lat, nil
	case <-timer.C:
		c.forget(id)
		return nil, timeout, fmt.Errorf("%s: %w after %v", method, errTimeout, timeout)
	}
}

func (c *conn) forget(id int64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *conn) readErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		return errors.New("connection closed")
	}
	return c.err
}

// notify sends a notification.
func (c *conn) notify(method string, params any) error {
	return c.notifyWithin(method, params, c.writeTimeout)
}

// notifyWithin sends a notification whose write may take up to timeout.
func (c *conn) notifyWithin(method string, params any, timeout time.Duration) error {
	p, err := encodeParams(params)
	if err != nil {
		return fmt.Errorf("%s: encoding params: %w", method, err)
	}
	return c.sendWithin(&message{Method: method, Params: p}, timeout)
}

// encodeParams leaves params out for nil (shutdown and exit take none).
func encodeParams(params any) (json.RawMessage, error) {
	if params == nil {
		return nil, nil
	}
	return json.Marshal(params)
}
