package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"go.lsp.dev/jsonrpc2"
)

// decodeMessage must read every message as jsonrpc2.DecodeMessage does: the same kind,
// method, id, error, and the same params or result as JSON values (absent reads as null).
func FuzzDecodeMessageMatchesLibrary(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a.notes"},"position":{"line":0,"character":3}}}`,
		`{"jsonrpc":"2.0","id":"abc","method":"shutdown"}`,
		`{"jsonrpc":"2.0","method":"exit"}`,
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"contentChanges":[{"text":"é 数 🙂 \"q\" \\ \u2028"}]}}`,
		`{"jsonrpc":"2.0","id":7,"result":null}`,
		`{"jsonrpc":"2.0","id":7,"result":{"a":[1,2,3]}}`,
		`{"jsonrpc":"2.0","id":8,"error":{"code":-32601,"message":"no such method"}}`,
		`{"jsonrpc":"1.0","id":1,"method":"x"}`,
		`{"id":null,"method":"x"}`,
		`{"id":{},"method":"x"}`,
		`{"id":[1],"method":"x"}`,
		`{"id":true,"method":"x"}`,
		`{"jsonrpc":"2.0"}`,
		`{"method":"x","params":[1, 2 ,3 ]}`,
		`{ "method" : "x" , "params" : { "a" : "b" } }`,
		`{"method":"x"} trailing`,
		`[{"method":"x"}]`,
		`{"method":1}`,
		`{"method":"x","params":`,
		``, `null`, `{}`, `{"id":1}`, `{"id":1.5,"method":"x"}`, `{"id":-3,"method":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, werr := jsonrpc2.DecodeMessage(bytes.Clone(body))
		got, gerr := decodeMessage(bytes.Clone(body))
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: library error %v, decodeMessage error %v", body, werr, gerr)
		}
		if werr != nil {
			return
		}
		if reflect.TypeOf(want) != reflect.TypeOf(got) {
			t.Fatalf("%q: library %T, decodeMessage %T", body, want, got)
		}
		switch w := want.(type) {
		case *jsonrpc2.Call:
			g := got.(*jsonrpc2.Call)
			if w.Method() != g.Method() || w.ID() != g.ID() || !sameJSON(w.Params(), g.Params()) {
				t.Fatalf("%q: call %v %v %s, got %v %v %s", body, w.Method(), w.ID(), w.Params(), g.Method(), g.ID(), g.Params())
			}
		case *jsonrpc2.Notification:
			g := got.(*jsonrpc2.Notification)
			if w.Method() != g.Method() || !sameJSON(w.Params(), g.Params()) {
				t.Fatalf("%q: notification %v %s, got %v %s", body, w.Method(), w.Params(), g.Method(), g.Params())
			}
		case *jsonrpc2.Response:
			g := got.(*jsonrpc2.Response)
			if w.ID() != g.ID() || !sameJSON(w.Result(), g.Result()) || !reflect.DeepEqual(w.Err(), g.Err()) {
				t.Fatalf("%q: response %v %s %v, got %v %s %v", body, w.ID(), w.Result(), w.Err(), g.ID(), g.Result(), g.Err())
			}
		}
	})
}

// sameJSON compares two JSON texts as values; empty reads as null.
func sameJSON(a, b []byte) bool {
	var va, vb any
	if len(bytes.TrimSpace(a)) > 0 && json.Unmarshal(a, &va) != nil {
		return false
	}
	if len(bytes.TrimSpace(b)) > 0 && json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}
