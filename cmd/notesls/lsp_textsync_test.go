package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Text synchronization, diagnostics publication and untitled documents, black-box.

// edit is one incremental change, given by the text it replaces in the current document.
type lspEdit struct {
	old, new string // old must occur once; "" with at = -1 appends
}

// applyEdits applies edits to text as the test's own model and returns LSP changes.
func applyEdits(t *testing.T, text string, edits []lspEdit) (string, []map[string]any) {
	t.Helper()
	var changes []map[string]any
	for _, e := range edits {
		i := strings.Index(text, e.old)
		if i < 0 || strings.Count(text, e.old) != 1 {
			t.Fatalf("edit: %q must occur exactly once in %q", e.old, text)
		}
		r := lspRange{lspUTF16Position(text, i), lspUTF16Position(text, i+len(e.old))}
		text = text[:i] + e.new + text[i+len(e.old):]
		changes = append(changes, map[string]any{"range": r, "text": e.new})
	}
	return text, changes
}

func diagnosticsString(p publishParams) string {
	var b strings.Builder
	for _, d := range *p.Diagnostics {
		fmt.Fprintf(&b, "%d:%d-%d:%d %s %s\n", d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, d.Code, d.Message)
	}
	return b.String()
}

func hasVersion(v int) func(publishParams) bool {
	return func(p publishParams) bool { return p.Version != nil && *p.Version == v }
}

func TestLSPMultiByteEdits(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	uri := "untitled:Untitled-1"
	text := "café -- menu = crème brûlée\r\n中文 -- 主题 = 定义\r\nemoji -- 😀 = smile\n"
	c.didOpen(uri, text)
	c.waitDiagnostics(uri, hasVersion(1))

	// Edits around and between multi-byte characters, across CRLF, one didChange each
	// and then several in one didChange.
	steps := [][]lspEdit{
		{{"crème", "crème (fraîche"}},
		{{"主题", "主题 -- 😀😀 [[nothing here]]"}},
		{{"smile\n", "smile 👍🏽 (\r\n"}},
		{{"brûlée", "brûlée 🍮"}, {"定义", "定义 \"unbalanced"}, {"emoji -- ", "emoji -- 𝔘𝔫𝔦 -- "}},
		{{"\r\n中文", "\r中文"}}, // a lone CR ends a line too
	}
	version := 1
	for _, step := range steps {
		var changes []map[string]any
		text, changes = applyEdits(t, text, step)
		version++
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": version},
			"contentChanges": changes,
		})
	}
	edited := c.waitDiagnostics(uri, hasVersion(version))

	// The same text opened fresh gives the same findings at the same positions. (The
	// first is closed first: two equal documents would be duplicates of each other.)
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	fresh := "untitled:Untitled-2"
	c.didOpen(fresh, text)
	want := c.waitDiagnostics(fresh, hasVersion(1))
	if got, want := diagnosticsString(edited), diagnosticsString(want); got != want {
		t.Fatalf("after incremental edits:\n%s\nopened fresh:\n%s", got, want)
	}
	// And positions are UTF-16: the unmatched "(" after the emoji with a skin tone.
	at := lspPositionOf(t, text, `👍🏽 (\()`)
	found := false
	for _, d := range *edited.Diagnostics {
		if d.Code == "unbalanced-brackets" && d.Range.Start == at {
			found = true
		}
	}
	if !found {
		t.Errorf("no unbalanced-brackets at %v (UTF-16) in\n%s", at, diagnosticsString(edited))
	}
}

func TestLSPFullTextChange(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	uri := "untitled:full"
	c.didOpen(uri, "a = (unbalanced\n")
	p := c.waitDiagnostics(uri, hasVersion(1))
	if len(*p.Diagnostics) == 0 {
		t.Fatal("no finding for an unbalanced bracket")
	}
	// A change without a range replaces the whole document, not inserts at 0:0.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []map[string]any{{"text": "b = balanced\n"}},
	})
	p = c.waitDiagnostics(uri, hasVersion(2))
	if len(*p.Diagnostics) != 0 {
		t.Fatalf("after full replacement: %s", diagnosticsString(p))
	}
	var hover json.RawMessage
	c.result("textDocument/hover", textDocPos(uri, lspPosition{0, 0}), &hover)
	if !strings.Contains(string(hover), "balanced") || strings.Contains(string(hover), "unbalanced") {
		t.Fatalf("hover after full replacement: %s", hover)
	}
}

func TestLSPUntitledDocument(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	uri := "untitled:Untitled-3"
	text := "alpha = first letter\nbeta = after [[alpha]] and [[gamma]]\n"
	c.didOpen(uri, text)
	p := c.waitDiagnostics(uri, hasVersion(1))
	if len(*p.Diagnostics) != 1 || (*p.Diagnostics)[0].Code != "broken-reference" {
		t.Fatalf("untitled diagnostics: %s, want one broken-reference", diagnosticsString(p))
	}
	var links []struct {
		TargetURI   string   `json:"targetUri"`
		TargetRange lspRange `json:"targetRange"`
	}
	c.result("textDocument/definition", textDocPos(uri, lspPositionOf(t, text, `\[\[al(p)ha`)), &links)
	if len(links) != 1 || links[0].TargetURI != uri || links[0].TargetRange.Start.Line != 0 {
		t.Fatalf("definition in an untitled document: %+v", links)
	}
	var refs []struct {
		URI   string   `json:"uri"`
		Range lspRange `json:"range"`
	}
	c.result("textDocument/references", map[string]any{
		"textDocument": map[string]any{"uri": uri}, "position": lspPositionOf(t, text, `^al(p)ha`),
		"context": map[string]any{"includeDeclaration": false},
	}, &refs)
	if len(refs) != 1 || refs[0].URI != uri || refs[0].Range.Start.Line != 1 {
		t.Fatalf("references to alpha: %+v, want line 1", refs)
	}
	// Closing it forgets it: its diagnostics are cleared.
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	c.waitDiagnostics(uri, func(p publishParams) bool { return len(*p.Diagnostics) == 0 && p.Version == nil })
	if msg := c.call("textDocument/hover", textDocPos(uri, lspPosition{0, 1})); string(msg.Result) != "null" {
		t.Fatalf("hover in a closed untitled document: %s", msg.Result)
	}
}

func TestLSPEmptyResultsAreArrays(t *testing.T) {
	c := startServer(t)
	c.initialize("", editorCaps, nil)
	uri := "untitled:empty"
	c.didOpen(uri, "plain = words only\n")
	p := c.waitDiagnostics(uri, hasVersion(1)) // fails on null
	if len(*p.Diagnostics) != 0 {
		t.Fatalf("diagnostics %s, want []", diagnosticsString(p))
	}
	for _, method := range []string{"textDocument/definition", "textDocument/references"} {
		msg := c.call(method, map[string]any{
			"textDocument": map[string]any{"uri": uri}, "position": lspPositionOf(t, "plain = words only", `(w)ords`),
			"context": map[string]any{"includeDeclaration": true},
		})
		if msg.Error != nil || string(msg.Result) != "[]" {
			t.Errorf("%s on nothing: %+v %s, want []", method, msg.Error, msg.Result)
		}
	}
	msg := c.call("textDocument/completion", textDocPos("untitled:not-open", lspPosition{}))
	if msg.Error != nil || !strings.Contains(string(msg.Result), `"items":[]`) {
		t.Errorf("completion in an unknown document: %+v %s, want an empty items array", msg.Error, msg.Result)
	}
}

func TestLSPCrossFileDiagnostics(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.notes"), filepath.Join(dir, "b.notes")
	lspWriteFile(t, a, "alpha = first\n")
	lspWriteFile(t, b, "beta = see [[gamma]]\n")
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	ua, ub := lspFileURI(a), lspFileURI(b)
	p := c.waitDiagnostics(ub, nil)
	if len(*p.Diagnostics) != 1 || (*p.Diagnostics)[0].Code != "broken-reference" {
		t.Fatalf("b.notes: %s, want one broken-reference", diagnosticsString(p))
	}
	c.didOpen(ua, "alpha = first\n")
	c.waitDiagnostics(ua, hasVersion(1))
	n := c.noteCount()
	// Defining gamma in a.notes repairs b.notes, which is not open.
	text, changes := applyEdits(t, "alpha = first\n", []lspEdit{{"first\n", "first\ngamma = third\n"}})
	_ = text
	c.notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": ua, "version": 2}, "contentChanges": changes,
	})
	c.waitDiagnostics(ub, func(p publishParams) bool { return len(*p.Diagnostics) == 0 })
	// The edited file is published first.
	var order []string
	for _, m := range c.notesSince(n) {
		var p publishParams
		if m.Method == "textDocument/publishDiagnostics" && json.Unmarshal(m.Params, &p) == nil {
			order = append(order, p.URI)
		}
	}
	if len(order) < 2 || order[0] != ua {
		t.Errorf("publication order %v, want %s first", order, ua)
	}
}

func TestLSPDidCloseFallsBackToDisk(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	lspWriteFile(t, a, "alpha = first\n")
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	ua := lspFileURI(a)
	c.didOpen(ua, "alpha = (first\n")
	p := c.waitDiagnostics(ua, hasVersion(1))
	if len(*p.Diagnostics) != 1 {
		t.Fatalf("open with an unbalanced bracket: %s", diagnosticsString(p))
	}
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": ua}})
	c.waitDiagnostics(ua, func(p publishParams) bool { return len(*p.Diagnostics) == 0 && p.Version == nil })
	var hover struct{ Contents struct{ Value string } }
	c.result("textDocument/hover", textDocPos(ua, lspPosition{0, 1}), &hover)
	if !strings.Contains(hover.Contents.Value, "- first") || strings.Contains(hover.Contents.Value, "(first") {
		t.Errorf("hover after close shows %q, want the disk's definition", hover.Contents.Value)
	}
}

func lspWriteFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A client that offers the utf-8 position encoding gets it: every column, sent and
// received, counts bytes; one that does not gets UTF-16 columns.
func TestLSPPositionEncoding(t *testing.T) {
	text := "café -- crème 😀 = see [[brûlée]] (open\nbrûlée = dessert\n"
	bytePos := func(pattern string) lspPosition {
		loc := regexp.MustCompile(pattern).FindStringSubmatchIndex(text)
		lineStart := strings.LastIndexByte(text[:loc[2]], '\n') + 1
		return lspPosition{Line: strings.Count(text[:loc[2]], "\n"), Character: loc[2] - lineStart}
	}
	for _, tc := range []struct {
		offered []string
		want    string
	}{
		{[]string{"utf-8", "utf-16"}, "utf-8"},
		{[]string{"utf-16"}, "utf-16"},
		{nil, "utf-16"},
	} {
		t.Run(tc.want+fmt.Sprint(len(tc.offered)), func(t *testing.T) {
			at := func(pattern string) lspPosition {
				if tc.want == "utf-8" {
					return bytePos(pattern)
				}
				return lspPositionOf(t, text, pattern)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "a.notes")
			lspWriteFile(t, file, text)
			uri := lspFileURI(file)
			c := startServer(t)
			caps := map[string]any{"textDocument": map[string]any{"definition": map[string]any{"linkSupport": true}}}
			if tc.offered != nil {
				caps["general"] = map[string]any{"positionEncodings": tc.offered}
			}
			var res struct {
				Capabilities struct {
					PositionEncoding string `json:"positionEncoding"`
					HoverProvider    bool   `json:"hoverProvider"`
				} `json:"capabilities"`
			}
			c.result("initialize", map[string]any{"processId": os.Getpid(), "capabilities": caps, "rootUri": lspFileURI(dir)}, &res)
			if res.Capabilities.PositionEncoding != tc.want || !res.Capabilities.HoverProvider {
				t.Fatalf("capabilities %+v, want positionEncoding %q beside the others", res.Capabilities, tc.want)
			}
			c.notify("initialized", map[string]any{})
			c.didOpen(uri, text)
			p := c.waitDiagnostics(uri, func(p publishParams) bool { return p.Version != nil })
			var found bool
			for _, d := range *p.Diagnostics {
				if d.Code == "unbalanced-brackets" {
					found = true
					if want := at(`(\()open`); d.Range.Start != want {
						t.Errorf("unbalanced-brackets at %+v, want %+v", d.Range.Start, want)
					}
				}
			}
			if !found {
				t.Fatalf("no unbalanced-brackets finding: %s", diagnosticsString(p))
			}
			var links []struct {
				TargetURI            string   `json:"targetUri"`
				OriginSelectionRange lspRange `json:"originSelectionRange"`
			}
			c.result("textDocument/definition", textDocPos(uri, at(`\[\[br(û)lée`)), &links)
			if len(links) != 1 || links[0].OriginSelectionRange.Start != at(`(\[)\[brûlée`) || links[0].OriginSelectionRange.End != at(`\[\[brûlée\]\]()`) {
				t.Errorf("definition from [[brûlée]]: %+v", links)
			}
			// An edit after the emoji, addressed in the chosen encoding, lands where meant.
			c.notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": uri, "version": 2},
				"contentChanges": []map[string]any{{"range": lspRange{at(`(\(open)`), at(`\((open)`)}, "text": ""}},
			})
			p = c.waitDiagnostics(uri, func(p publishParams) bool { return p.Version != nil && *p.Version == 2 })
			for _, d := range *p.Diagnostics {
				if d.Code == "unbalanced-brackets" {
					t.Errorf("the edit did not delete the \"(\": %s", diagnosticsString(p))
				}
			}
		})
	}
}

// A change range past the end of the text is clamped to its end, so the server's text
// stays the editor's; a request at a line past the end is answered "nothing here".
func TestLSPPastTheEnd(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.notes")
	text := "alpha = first\n"
	lspWriteFile(t, file, text)
	uri := lspFileURI(file)
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	c.didOpen(uri, text)
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []map[string]any{{"range": lspRange{lspPosition{Line: 40}, lspPosition{Line: 41, Character: 3}}, "text": "beta = (second\n"}},
	})
	p := c.waitDiagnostics(uri, func(p publishParams) bool { return p.Version != nil && *p.Version == 2 })
	if len(*p.Diagnostics) != 1 || (*p.Diagnostics)[0].Code != "unbalanced-brackets" || (*p.Diagnostics)[0].Range.Start.Line != 1 {
		t.Fatalf("after a change past the end: %s, want the appended line's unbalanced bracket on line 2", diagnosticsString(p))
	}
	if !c.logged("clamped") {
		t.Errorf("the clamp was not logged:\n%s", c.stderr.String())
	}
	for _, method := range []string{"textDocument/hover", "textDocument/definition", "textDocument/completion", "textDocument/references", "textDocument/documentHighlight"} {
		msg := c.call(method, map[string]any{
			"textDocument": map[string]any{"uri": uri}, "position": lspPosition{Line: 500, Character: 2},
			"context": map[string]any{"includeDeclaration": true},
		})
		if msg.Error != nil {
			t.Errorf("%s past the end: error %+v, want an empty answer", method, msg.Error)
			continue
		}
		switch r := strings.TrimSpace(string(msg.Result)); r {
		case "null", "[]", `{"isIncomplete":false,"items":[]}`:
		default:
			t.Errorf("%s past the end: %s, want null or empty", method, r)
		}
	}
}
