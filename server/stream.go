package server

import (
	"bufio"
	"bytes"
	"context"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

const (
	// maxMessageBytes bounds the Content-Length the server accepts. A notes workspace of
	// 100,000 entries is about 10 MB; a didOpen of all of it in one file, JSON-escaped, fits
	// well below this. A larger declared length is never allocated: the frame is skipped.
	maxMessageBytes = 64 << 20

	// maxHeaderLineBytes bounds one header line; real headers are a few dozen bytes.
	maxHeaderLineBytes = 4 << 10

	// initialBodyBuffer is what a frame's buffer starts with before the body arrives, so a
	// declared length is only allocated as the bytes come in.
	initialBodyBuffer = 64 << 10
)

// contentLengthKey is the header name, compared case-insensitively as HTTP headers are.
const contentLengthKey = "content-length"

// Stream is the LSP base-protocol framer, replacing jsonrpc2.NewStream, which fails the
// whole connection on one bad frame. This one reads header names case-insensitively,
// refuses a Content-Length above maxMessageBytes without allocating it, and survives
// malformed frames: it answers -32700 (invalid JSON) or -32600 (not a request) when the
// frame's id can be found, skips the frame, and reads on. Only a read or write error of
// the underlying connection ends the stream.
type Stream struct {
	in     *bufio.Reader
	out    io.Writer
	closer io.Closer
	log    *zap.Logger
	long   *longTexts // of the frame last read

	writeMu sync.Mutex
	// frame is where writeParts lays out a frame of a small body, reused under writeMu:
	// a keystroke's findings and answer were each copied into a new buffer, 90 KB a
	// keystroke at m1000.
	frame []byte
}

var _ jsonrpc2.Stream = (*Stream)(nil)

// NewStream frames messages over rwc.
func NewStream(rwc io.ReadWriteCloser, log *zap.Logger) *Stream {
	if log == nil {
		log = zap.NewNop()
	}
	return &Stream{in: bufio.NewReaderSize(rwc, 64<<10), out: rwc, closer: rwc, log: log, long: newLongTexts()}
}

// errBadFrame marks a frame whose headers cannot be trusted; the reader resynchronizes.
var errBadFrame = errors.New("bad frame")

// Read returns the next well-formed message.
func (s *Stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	resync := false
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		if resync {
			if err := s.skipToHeader(); err != nil {
				return nil, 0, err
			}
		}
		length, err := s.readHeaders(resync)
		resync = false
		if errors.Is(err, errBadFrame) {
			s.log.Warn("skipping malformed frame", zap.Error(err))
			resync = true
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		body, err := readBody(s.in, length)
		if err != nil {
			return nil, 0, err
		}
		// A long document text is taken out of the frame first (longtext.go); only a string
		// changes, so the frame decodes, or fails, as the whole one would.
		body = s.long.cut(body)
		msg, err := decodeFrame(body)
		if err == nil {
			// The library reads "id": null as no id, a notification; JSON-RPC wants such a
			// request refused, and the sender would wait for an answer forever.
			if _, isNote := msg.(*jsonrpc2.Notification); !isNote || !hasNullID(body) {
				return msg, int64(len(body)), nil
			}
			err = errors.New(`"id" is null`)
		}
		s.reject(ctx, body, err)
	}
}

// readHeaders reads one header block and returns the declared content length. With
// afterKey, the reader stands just after a "Content-Length:" found by skipToHeader.
func (s *Stream) readHeaders(afterKey bool) (int64, error) {
	length := int64(-1)
	first := true
	for {
		line, err := s.readLine()
		if err != nil {
			return 0, err
		}
		if afterKey && first {
			line = contentLengthKey + ":" + line
		}
		if line == "" {
			if first {
				continue // stray blank lines between frames are harmless
			}
			break
		}
		first = false
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return 0, fmt.Errorf("%w: header line %q has no colon", errBadFrame, truncate(line))
		}
		if !strings.EqualFold(strings.TrimSpace(name), contentLengthKey) {
			continue // Content-Type and unknown headers carry nothing we need
		}
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%w: Content-Length %q", errBadFrame, truncate(value))
		}
		if n > maxMessageBytes {
			return 0, fmt.Errorf("%w: Content-Length %d above the limit of %d bytes", errBadFrame, n, maxMessageBytes)
		}
		length = n
	}
	if length < 0 {
		return 0, fmt.Errorf("%w: no Content-Length header", errBadFrame)
	}
	return length, nil
}

// readLine reads a header line without its line end. A line longer than
// maxHeaderLineBytes is a bad frame; its rest is left for the resynchronization.
func (s *Stream) readLine() (string, error) {
	var buf []byte
	for {
		chunk, err := s.in.ReadSlice('\n')
		buf = append(buf, chunk...)
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(buf) > maxHeaderLineBytes {
				return "", fmt.Errorf("%w: header line longer than %d bytes", errBadFrame, maxHeaderLineBytes)
			}
			continue
		}
		if err == io.EOF && len(buf) > 0 {
			return "", io.ErrUnexpectedEOF
		}
		return "", err
	}
	if len(buf) > maxHeaderLineBytes {
		return "", fmt.Errorf("%w: header line longer than %d bytes", errBadFrame, maxHeaderLineBytes)
	}
	return strings.TrimRight(string(buf), "\r\n"), nil
}

// skipToHeader discards input up to and including the next "Content-Length:" (any case),
// the only way back into step once a frame's length is unknown. Frames follow each other
// without a separator, so the header need not start a line. JSON text cannot hold the
// key outside a string, so a well-formed next frame is found.
func (s *Stream) skipToHeader() error {
	const key = contentLengthKey + ":"
	matched := 0
	for {
		c, err := s.in.ReadByte()
		if err != nil {
			return err
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch {
		case c == key[matched]:
			matched++
			if matched == len(key) {
				return nil
			}
		case c == key[0]: // the key's first byte occurs nowhere else in it
			matched = 1
		default:
			matched = 0
		}
	}
}

// readBody reads length bytes, growing the buffer only as they arrive.
func readBody(r io.Reader, length int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(min(length, initialBodyBuffer)))
	if _, err := io.CopyN(&buf, r, length); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf.Bytes(), nil
}

var idPattern = regexp.MustCompile(`"id"\s*:\s*(-?[0-9]+|"(?:[^"\\]|\\.)*")`)

// reject answers a frame that is not a message: -32700 when its JSON is invalid, -32600
// when it is valid JSON but no valid request. The answer carries the frame's id when it
// is a string or a number, else null, as JSON-RPC 2.0 says. Only what looks like a
// response (an object without "method") is not answered: a reply to it would be answered
// in turn.
func (s *Stream) reject(ctx context.Context, body []byte, decodeErr error) {
	code, msg := jsonrpc2.ParseError, "parse error: invalid JSON"
	id := []byte("null")
	if stdjson.Valid(body) {
		code, msg = jsonrpc2.InvalidRequest, "invalid request: "+decodeErr.Error()
		var probe struct {
			ID     stdjson.RawMessage `json:"id"`
			Method stdjson.RawMessage `json:"method"`
		}
		isObject := stdjson.Unmarshal(body, &probe) == nil
		if isObject && probe.Method == nil {
			s.log.Warn("ignoring a malformed response", zap.Error(decodeErr), zap.Int("bytes", len(body)))
			return
		}
		if len(probe.ID) > 0 {
			if c := probe.ID[0]; c == '"' || c == '-' || ('0' <= c && c <= '9') {
				id = probe.ID
			}
		}
	} else if m := idPattern.FindSubmatch(body); m != nil {
		id = m[1]
	}
	s.log.Warn("rejecting frame", zap.Int32("code", int32(code)), zap.ByteString("id", id),
		zap.Error(decodeErr), zap.Int("bytes", len(body)))
	resp, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0",
		"id":      stdjson.RawMessage(id),
		"error":   map[string]any{"code": code, "message": msg},
	})
	if err != nil {
		s.log.Error("encoding error response", zap.Error(err))
		return
	}
	if _, err := s.writeFrame(resp); err != nil {
		s.log.Warn("writing error response", zap.Error(err))
	}
}

// Write sends one message.
func (s *Stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	switch m := msg.(type) {
	case *jsonrpc2.Response:
		if m.Err() == nil {
			return s.writeResult(m)
		}
	case *jsonrpc2.Notification:
		return s.writeRequest(m.Method(), m.Params(), nil)
	case *jsonrpc2.Call:
		id := m.ID()
		return s.writeRequest(m.Method(), m.Params(), &id)
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return 0, fmt.Errorf("encoding message: %w", err)
	}
	return s.writeFrame(data)
}

// writeResult writes a successful response around its result, which the replier has
// already encoded: marshalling the response would validate and compact that JSON once
// more, the largest cost of a big answer (200 completion items).
func (s *Stream) writeResult(r *jsonrpc2.Response) (int64, error) {
	rid := r.ID()
	id, err := json.Marshal(&rid) // ID marshals itself through its pointer
	if err != nil {
		return 0, fmt.Errorf("encoding message: %w", err)
	}
	result := r.Result()
	if len(result) == 0 {
		result = json.RawMessage("null")
	}
	const head = `{"jsonrpc":"2.0","result":`
	suffix := append(append([]byte(`,"id":`), id...), '}')
	prefix := append(frameHeader(make([]byte, 0, 32+len(head)), len(head)+len(result)+len(suffix)), head...)
	return s.writeParts(prefix, result, suffix)
}

// writeRequest writes a notification (id nil) or a request around its params, which are
// encoded already: marshalling the message would parse and compact them once more, most
// of the cost of publishing a file's 40,000 findings.
func (s *Stream) writeRequest(method string, params json.RawMessage, id *jsonrpc2.ID) (int64, error) {
	name, err := json.Marshal(method)
	if err != nil {
		return 0, fmt.Errorf("encoding message: %w", err)
	}
	if len(params) == 0 {
		params = json.RawMessage("null")
	}
	suffix := []byte("}")
	if id != nil {
		idJSON, err := json.Marshal(id)
		if err != nil {
			return 0, fmt.Errorf("encoding message: %w", err)
		}
		suffix = append(append([]byte(`,"id":`), idJSON...), '}')
	}
	const head, mid = `{"jsonrpc":"2.0","method":`, `,"params":`
	size := len(head) + len(name) + len(mid) + len(params) + len(suffix)
	prefix := frameHeader(make([]byte, 0, 64+len(name)), size)
	prefix = append(prefix, head...)
	prefix = append(prefix, name...)
	prefix = append(prefix, mid...)
	return s.writeParts(prefix, params, suffix)
}

// copiedParams bounds the params that writeParts copies into one frame: a big file's
// findings (300 KB) go out in three writes instead of being copied on every keystroke.
const copiedParams = 64 << 10

// writeParts writes the frame made of prefix, body and suffix whole: in one write when
// body is small, in three under the lock that keeps frames from interleaving otherwise.
func (s *Stream) writeParts(prefix, body, suffix []byte) (int64, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if len(body) <= copiedParams {
		s.frame = append(append(append(s.frame[:0], prefix...), body...), suffix...)
		n, err := s.out.Write(s.frame)
		return int64(n), err
	}
	var n int64
	for _, part := range [][]byte{prefix, body, suffix} {
		if len(part) == 0 {
			continue
		}
		k, err := s.out.Write(part)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// writeFrame writes a frame of a message encoded whole.
func (s *Stream) writeFrame(data []byte) (int64, error) {
	return s.writeParts(frameHeader(make([]byte, 0, 32), len(data)), data, nil)
}

// frameHeader appends the header of a frame whose body is size bytes.
func frameHeader(dst []byte, size int) []byte {
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(size), 10)
	return append(dst, "\r\n\r\n"...)
}

// Close closes the underlying connection.
func (s *Stream) Close() error { return s.closer.Close() }

func truncate(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// hasNullID reports whether the JSON object body has a top-level "id" whose value is
// null. It skips values without decoding them, so a large didOpen costs one pass.
func hasNullID(body []byte) bool {
	if !bytes.Contains(body, []byte(`"id"`)) {
		return false
	}
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return false
	}
	i++
	for {
		i = skipSpace(body, i)
		if i >= len(body) || body[i] != '"' {
			return false
		}
		keyEnd := skipString(body, i)
		key := body[i:keyEnd]
		i = skipSpace(body, keyEnd)
		if i >= len(body) || body[i] != ':' {
			return false
		}
		i = skipSpace(body, i+1)
		valueEnd := skipValue(body, i)
		if string(key) == `"id"` {
			return string(body[i:valueEnd]) == "null"
		}
		i = skipSpace(body, valueEnd)
		if i >= len(body) || body[i] != ',' {
			return false
		}
		i++
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'. It looks for
// quotes only, with the vectorized IndexByte, and counts the backslashes before each: a
// text has an escape on every line, and stopping at each took half of reading a didOpen.
func skipString(b []byte, i int) int {
	i++
	for i < len(b) {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		i += j
		k := i
		for k > 0 && b[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 { // not escaped
			return i + 1
		}
		i++
	}
	return len(b)
}

// skipValue returns the index after the JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' {
		i++
	}
	return i
}
