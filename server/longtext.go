package server

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// A 10 MB didOpen was read three times over before the document reached the index: the
// library's decoder copied it into a growing buffer to find the params, the params'
// decoder unquoted the text a byte at a time (a line end is an escape), and the text was
// copied again into bytes. That took 0.27 s of CPU while the folder was indexed on both
// cores, and the first diagnostics waited for it. Now the frame reader takes a long
// document text out of a didOpen or didChange frame, unquotes it in one pass, and leaves
// a token in its place; the rest of the frame is small and decoded as any other, and the
// handler swaps the token for the text.

// minLongText is the quoted length from which a document text is taken out of its frame.
const minLongText = 64 << 10

// longTexts holds the texts taken out of the frame last read. The connection handles a
// notification before it reads the next frame (jsonrpc2's conn.run calls the handler in
// its read loop, and didOpen and didChange are serial), so each frame's texts replace the
// last one's: none outlives its message, whether its handler took it or failed first.
type longTexts struct {
	prefix string // "\x00notesls-long-text:" and a nonce, so that no client text is taken for a token
	min    int    // minLongText, but in tests
	mu     sync.Mutex
	texts  [][]byte
}

func newLongTexts() *longTexts {
	var nonce [8]byte
	_, _ = rand.Read(nonce[:]) // never fails; a zero nonce still names only this stream's texts
	return &longTexts{prefix: "\x00notesls-long-text:" + hex.EncodeToString(nonce[:]) + ":", min: minLongText}
}

// take returns the text a token names, or false when s is no token of the frame last read.
func (l *longTexts) take(s string) ([]byte, bool) {
	if l == nil || len(s) <= len(l.prefix) || s[:len(l.prefix)] != l.prefix {
		return nil, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	i, err := strconv.Atoi(s[len(l.prefix):])
	if err != nil || i < 0 || i >= len(l.texts) || l.texts[i] == nil {
		return nil, false
	}
	text := l.texts[i]
	l.texts[i] = nil // each token is read once
	return text, true
}

// cut returns body with the long document texts of a didOpen or didChange frame replaced
// by tokens, keeping the texts; or body itself, keeping none, when the frame is not one,
// holds no long text, or holds one that unquoteFast does not read (the frame is then
// decoded whole, as before).
func (l *longTexts) cut(body []byte) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.texts = nil
	spans := longTextSpans(body, l.min)
	if len(spans) == 0 {
		return body
	}
	texts := make([][]byte, len(spans))
	size := len(body)
	for i, sp := range spans {
		t, ok := unquoteFast(body[sp[0]:sp[1]])
		if !ok {
			return body
		}
		texts[i] = t
		size += len(`"\u0000`) + len(l.prefix) + 20 + 1 - (sp[1] - sp[0])
	}
	small := make([]byte, 0, size)
	at := 0
	for i, sp := range spans {
		small = append(small, body[at:sp[0]]...)
		small = append(small, `"\u0000`...)
		small = append(small, l.prefix[1:]...)
		small = strconv.AppendInt(small, int64(i), 10)
		small = append(small, '"')
		at = sp[1]
	}
	small = append(small, body[at:]...)
	l.texts = texts
	return small
}

// longTextSpans returns the spans, quotes included, of the document texts of at least
// min bytes in a didOpen frame (params.textDocument.text) or a didChange frame
// (params.contentChanges[i].text), in order; none when the frame is neither, or is not
// plainly so: a key given twice on the way leaves it to the decoder.
func longTextSpans(body []byte, min int) [][2]int {
	if len(body) < min {
		return nil
	}
	top, ok := objectMembers(body, skipSpace(body, 0))
	method, hasMethod := top[`"method"`]
	params, hasParams := top[`"params"`]
	if !ok || !hasMethod || !hasParams {
		return nil
	}
	p, ok := objectMembers(body, params[0])
	if !ok {
		return nil
	}
	var spans [][2]int
	long := func(m map[string][2]int) {
		if sp, ok := m[`"text"`]; ok && sp[1]-sp[0] >= min && body[sp[0]] == '"' {
			spans = append(spans, sp)
		}
	}
	switch string(body[method[0]:method[1]]) {
	case `"textDocument/didOpen"`:
		docAt, ok := p[`"textDocument"`]
		if !ok {
			return nil
		}
		if doc, ok := objectMembers(body, docAt[0]); ok {
			long(doc)
		}
	case `"textDocument/didChange"`:
		at, ok := p[`"contentChanges"`]
		if !ok || body[at[0]] != '[' {
			return nil
		}
		for i := skipSpace(body, at[0]+1); i < at[1] && body[i] != ']'; {
			change, ok := objectMembers(body, i)
			if !ok {
				return nil
			}
			long(change)
			i = skipSpace(body, skipValue(body, i))
			if i < len(body) && body[i] == ',' {
				i = skipSpace(body, i+1)
			}
		}
	}
	return spans
}

// objectMembers returns the value spans of the members of the JSON object at b[i], by
// key as written, quotes included; false when b[i] is no object or a key comes twice.
func objectMembers(b []byte, i int) (map[string][2]int, bool) {
	if i < 0 || i >= len(b) || b[i] != '{' {
		return nil, false
	}
	out := map[string][2]int{}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return out, true
	}
	for i < len(b) && b[i] == '"' {
		keyEnd := skipString(b, i)
		key := string(b[i:keyEnd])
		i = skipSpace(b, keyEnd)
		if i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i = skipSpace(b, i+1)
		end := skipValue(b, i)
		if _, twice := out[key]; twice || end == i {
			return nil, false
		}
		out[key] = [2]int{i, end}
		i = skipSpace(b, end)
		switch {
		case i < len(b) && b[i] == '}':
			return out, true
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		default:
			return nil, false
		}
	}
	return nil, false
}

// unquoteFast unquotes the JSON string q, quotes included, as the decoder would: false
// when q holds what it leaves to the decoder, whose reading of it is then the one that
// counts (a control character, bytes that are not UTF-8, a \u escape of a surrogate, or
// a malformed escape).
func unquoteFast(q []byte) ([]byte, bool) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return nil, false
	}
	s := q[1 : len(q)-1]
	if hasControlByte(s) || !utf8.Valid(s) {
		return nil, false
	}
	out := make([]byte, 0, len(s))
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return append(out, s...), true
		}
		out = append(out, s[:i]...)
		if i+1 >= len(s) {
			return nil, false
		}
		c := s[i+1]
		s = s[i+2:]
		switch c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'u':
			if len(s) < 4 {
				return nil, false
			}
			r, err := strconv.ParseUint(string(s[:4]), 16, 16)
			if err != nil || utf16.IsSurrogate(rune(r)) {
				return nil, false
			}
			out = utf8.AppendRune(out, rune(r))
			s = s[4:]
		default:
			return nil, false
		}
	}
}

// hasControlByte reports whether s holds a byte below 0x20, eight bytes at a time: a
// byte x is below 0x20 when x - 0x20 borrows and x has no high bit.
func hasControlByte(s []byte) bool {
	const highs, below = 0x8080808080808080, 0x20 * 0x0101010101010101
	for len(s) >= 8 {
		w := binary.LittleEndian.Uint64(s)
		if (w-below)&^w&highs != 0 {
			return true
		}
		s = s[8:]
	}
	for _, c := range s {
		if c < 0x20 {
			return true
		}
	}
	return false
}
