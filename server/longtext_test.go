package server

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// unquoteFast reads each string as the decoder does, or leaves it to the decoder.
func TestUnquoteFastAsTheDecoder(t *testing.T) {
	for _, c := range []struct {
		quoted string
		fast   bool // read by unquoteFast, not left to the decoder
	}{
		{`""`, true},
		{`"plain text"`, true},
		{`"a\nb\tc\rd\"e\\f\/g\bh\fi"`, true},
		{`"line one\nline two\n"`, true},
		{`"caf\u00e9 \u65e5\u672c \u0000 \u001f \u003c\u0026\u003E"`, true},
		{`"é 日本 😀 raw"`, true},
		{`"ends in an escape\\"`, true},
		{`"\ud83d\ude00 a surrogate pair"`, false},
		{`"\udc00 a lone surrogate"`, false},
		{"\"a raw tab\there\"", false},
		{"\"a raw newline\nhere\"", false},
		{"\"bytes that are not UTF-8: \xff\xfe\"", false},
		{`"\x41 no such escape"`, false},
		{`"\u12 too short"`, false},
		{`"\u12zz not hex"`, false},
		{`"\u+123 a sign"`, false},
		{`"trailing backslash\"`, false},
	} {
		got, ok := unquoteFast([]byte(c.quoted))
		if ok != c.fast {
			t.Errorf("unquoteFast(%s): read %v, want %v", c.quoted, ok, c.fast)
		}
		if !ok {
			continue
		}
		var want string
		if err := json.Unmarshal([]byte(c.quoted), &want); err != nil {
			t.Errorf("unquoteFast read %s, which the decoder refuses: %v", c.quoted, err)
			continue
		}
		if string(got) != want {
			t.Errorf("unquoteFast(%s) = %q, the decoder %q", c.quoted, got, want)
		}
	}
}

// hasControlByte agrees with a byte-at-a-time scan at every length and position.
func TestHasControlByte(t *testing.T) {
	for n := range 20 {
		for at := -1; at < n; at++ {
			for _, c := range []byte{0x00, 0x1f, 0x20, 0x7f, 0x80, 0x9f, 0xff} {
				b := bytes.Repeat([]byte{'a'}, n)
				if at >= 0 {
					b[at] = c
				}
				want := bytes.ContainsFunc(b, func(r rune) bool { return r < 0x20 })
				if got := hasControlByte(b); got != want {
					t.Errorf("hasControlByte(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
}

// longText is a document text of n bytes or more, with characters of every kind the
// encoder writes as they are or escapes.
func longText(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString("queue -- backlog \"quoted\" \\ back\tslash = é 日本 😀 <b>&amp; \x01\x7f\n")
		if i%3 == 0 {
			b.WriteString("\r\n")
		}
	}
	return b.String()
}

// decodedWithTexts decodes body as the handlers would, the texts the stream took out put back:
// every string of the decoded params that is a token becomes its text.
func decodedWithTexts(t *testing.T, l *longTexts, body []byte) any {
	t.Helper()
	msg, err := decodeFrame(body)
	if err != nil {
		t.Fatalf("decoding %.200s: %v", body, err)
	}
	var v any
	if err := decodeParams(msg.(jsonrpc2.Request).Params(), &v); err != nil {
		t.Fatal(err)
	}
	return putTexts(l, v, "taken:")
}

// putTexts replaces each string of x that is a token of l by mark and its text.
func putTexts(l *longTexts, x any, mark string) any {
	switch x := x.(type) {
	case string:
		if text, ok := l.take(x); ok {
			return mark + string(text)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = putTexts(l, e, mark)
		}
	case []any:
		for i, e := range x {
			x[i] = putTexts(l, e, mark)
		}
	}
	return x
}

// A frame with its long texts taken out decodes, texts put back, as the whole frame
// does; the frames that are not plainly a didOpen or a didChange are left whole.
func TestLongTextsCutAsTheDecoder(t *testing.T) {
	long, short := longText(600), "a short text\n"
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	open := func(doc string) string {
		return `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":` + doc + `}}`
	}
	for _, c := range []struct {
		name, body string
		taken      int
	}{
		{"didOpen", open(`{"uri":"file:///a.notes","languageId":"notes","version":1,"text":` + q(long) + `}`), 1},
		{"didOpen, text first, spaced", "{ \"params\" : { \"textDocument\" : {\n\"text\" : " + q(long) + " , \"uri\":\"file:///a.notes\", \"version\": 3 } } , \"method\" : \"textDocument/didOpen\", \"jsonrpc\": \"2.0\" }", 1},
		{"didOpen, short text", open(`{"uri":"file:///a.notes","text":` + q(short) + `,"pad":` + q(long) + `}`), 0},
		{"didOpen, text twice", open(`{"uri":"file:///a.notes","text":` + q(long) + `,"text":` + q(short) + `}`), 0},
		{"didOpen, textDocument twice", `{"method":"textDocument/didOpen","params":{"textDocument":{"text":` + q(long) + `},"textDocument":{"text":"x"}}}`, 0},
		{"didOpen, text not a string", open(`{"uri":"file:///a.notes","text":[` + q(long) + `]}`), 0},
		{"didOpen, text the decoder reads", open(`{"uri":"file:///a.notes","text":"\ud83d\ude00` + q(long)[1:] + `}`), 0},
		{"didChange, whole and ranged", `{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.notes","version":2},"contentChanges":[{"text":` + q(long) + `},{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":1}},"text":` + q(short) + `},{"text":` + q(long+"more") + `}]}}`, 2},
		{"didChange, no changes", `{"method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.notes","version":2},"contentChanges":[],"pad":` + q(long) + `}}`, 0},
		{"another method", `{"jsonrpc":"2.0","method":"textDocument/didSave","params":{"textDocument":{"uri":"file:///a.notes"},"text":` + q(long) + `}}`, 0},
		{"a call", `{"jsonrpc":"2.0","id":7,"method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.notes","text":` + q(long) + `}}}`, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := newLongTexts()
			l.min = 500
			small := l.cut([]byte(c.body))
			if got := len(l.texts); got != c.taken {
				t.Fatalf("took %d texts, want %d", got, c.taken)
			}
			if c.taken > 0 && len(small) >= len(c.body)-500 {
				t.Errorf("the frame stayed %d bytes of %d", len(small), len(c.body))
			}
			got := decodedWithTexts(t, l, small)
			whole := decodedWithTexts(t, newLongTexts(), []byte(c.body))
			if c.taken > 0 {
				// The taken texts came back through their tokens.
				if s := fmtJSON(got); strings.Count(s, "taken:") != c.taken {
					t.Errorf("%d texts came back through tokens, want %d", strings.Count(s, "taken:"), c.taken)
				}
			}
			if g, w := strings.ReplaceAll(fmtJSON(got), "taken:", ""), fmtJSON(whole); g != w {
				t.Errorf("decoded with the texts taken out:\n%.300s\nwhole:\n%.300s", g, w)
			}
			for i, text := range l.texts {
				if text != nil {
					t.Errorf("text %d was not taken back", i)
				}
			}
		})
	}
}

func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A token names a text of the frame last read only, once; a client's string that looks
// like one is a string.
func TestLongTextTokens(t *testing.T) {
	l := newLongTexts()
	l.min = 10
	body := []byte(`{"method":"textDocument/didOpen","params":{"textDocument":{"text":"0123456789abcdef"}}}`)
	small := l.cut(body)
	var p protocol.DidOpenTextDocumentParams
	msg, err := decodeFrame(small)
	if err != nil {
		t.Fatal(err)
	}
	if err := decodeParams(msg.(jsonrpc2.Request).Params(), &p); err != nil {
		t.Fatal(err)
	}
	token := p.TextDocument.Text
	other := newLongTexts()
	if _, ok := other.take(token); ok {
		t.Error("another stream's token was taken")
	}
	if text, ok := l.take(token); !ok || string(text) != "0123456789abcdef" {
		t.Fatalf("take(%q) = %q, %v", token, text, ok)
	}
	if _, ok := l.take(token); ok {
		t.Error("a token was taken twice")
	}
	for _, s := range []string{"", "\x00notesls-long-text:", l.prefix, l.prefix + "1", l.prefix + "-1", l.prefix + "x"} {
		if _, ok := l.take(s); ok {
			t.Errorf("take(%q) took a text", s)
		}
	}
	l.cut(body)
	l.cut([]byte(`{"method":"initialized","params":{}}`))
	if _, ok := l.take(token); ok {
		t.Error("a text outlived the next frame")
	}
}

// Long document texts reach the document store and the index exactly, opened and changed
// over the real stream, whole and in ranges: notesls/test/text compares them with the
// model's text.
func TestLongDocumentTextsOverTheStream(t *testing.T) {
	initial := longText(minLongText + 1000)
	frame, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen",
		"params": protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: "file:///a.notes", Text: initial}}})
	if len(longTextSpans(frame, minLongText)) != 1 {
		t.Fatalf("the didOpen of %d bytes is not taken apart: the test tests nothing", len(initial))
	}
	s := newSyncSession(t, initial)
	s.edit([]textChange{{Text: longText(2*minLongText) + "the end\n"}})
	at := protocol.Position{Line: 3, Character: 2}
	s.edit([]textChange{{Range: &protocol.Range{Start: at, End: at}, Text: longText(minLongText)}, {Text: "short again\n"}, {Text: initial}})
}

// FuzzLongTextCut: whatever the frame, taking its long texts out and putting them back
// decodes as the whole frame, or the frame is left whole.
func FuzzLongTextCut(f *testing.F) {
	for _, seed := range []string{
		`{"method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","text":"0123456789\n\u00e9"}}}`,
		`{"method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a"},"contentChanges":[{"text":"0123456789abc"},{"text":"x"}]}}`,
		`{"method":"textDocument/didOpen","params":{"textDocument":{"text":"0123456789","text":"0123456789"}}}`,
		`{"method":"textDocument/didChange","params":{"contentChanges":[{"text":"0123456789abc"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		l := newLongTexts()
		l.min = 8
		small := l.cut(body)
		if bytes.Equal(small, body) {
			return
		}
		msgWhole, errWhole := decodeFrame(body)
		msgSmall, errSmall := decodeFrame(small)
		if (errWhole == nil) != (errSmall == nil) {
			t.Fatalf("whole frame: %v; taken apart: %v", errWhole, errSmall)
		}
		if errWhole != nil {
			return
		}
		var whole, got any
		errWhole = decodeParams(msgWhole.(jsonrpc2.Request).Params(), &whole)
		errSmall = decodeParams(msgSmall.(jsonrpc2.Request).Params(), &got)
		if (errWhole == nil) != (errSmall == nil) {
			t.Fatalf("whole params: %v; taken apart: %v", errWhole, errSmall)
		}
		if errWhole != nil {
			return
		}
		if got = putTexts(l, got, ""); !reflect.DeepEqual(got, whole) {
			t.Fatalf("taken apart and put back:\n%s\nwhole:\n%s", fmtJSON(got), fmtJSON(whole))
		}
	})
}

// BenchmarkReadLongDidOpen reads a didOpen of a 10 MB notes text off the stream and
// decodes it as the handler does: "taken" takes the text out of the frame, "whole" (the
// way before) decodes the whole frame.
func BenchmarkReadLongDidOpen(b *testing.B) {
	var text strings.Builder
	for i := 0; text.Len() < 10<<20; i++ {
		fmt.Fprintf(&text, "data store -- database %d -- sharding = splitting data by key, see [[partition %d]] https://example.com/%d\n", i, i, i)
	}
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen",
		"params": protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: "file:///a.notes", Version: 1, Text: text.String()}}})
	framed := []byte(frame(string(body)))
	for _, c := range []struct {
		name string
		min  int
	}{{"taken", minLongText}, {"whole", math.MaxInt}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(framed)))
			for b.Loop() {
				st := NewStream(&pipeConn{in: bytes.NewReader(framed)}, nil)
				st.long.min = c.min
				msg, _, err := st.Read(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				var p protocol.DidOpenTextDocumentParams
				if err := decodeParams(msg.(jsonrpc2.Request).Params(), &p); err != nil {
					b.Fatal(err)
				}
				got, ok := st.long.take(p.TextDocument.Text)
				if !ok {
					got = []byte(p.TextDocument.Text)
				}
				if len(got) != text.Len() {
					b.Fatalf("read %d bytes of text, want %d", len(got), text.Len())
				}
			}
		})
	}
}
