package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// soakFor is how long TestSoak edits and asks; scripts/soak.sh sets it. Zero skips the
// test: it is long by design and not part of the normal run.
var soakFor = flag.Duration("soak", 0, "run TestSoak for this long (scripts/soak.sh)")

// soakLines is the size of the generated notes beside the edited corpus: the live heap of
// a workspace of real size, against which the bounded caches of a session are small.
var soakLines = flag.Int("soak.lines", 30000, "lines of generated notes in the soaked workspace")

// soakProfile, when set, is where the soaked server writes its heap profile at exit (after
// the text is back to the start), to see what a failing heap check kept.
var soakProfile = flag.String("soak.memprofile", "", "heap profile of the soaked server at exit")

// soakRequests are asked at random positions between edits, as an editor asks them
// while the user types and moves around.
var soakRequests = []string{
	"textDocument/hover", "textDocument/definition", "textDocument/references",
	"textDocument/completion", "textDocument/documentHighlight", "textDocument/documentSymbol",
	"textDocument/foldingRange", "textDocument/selectionRange", "textDocument/semanticTokens/full",
	"textDocument/inlayHint", "textDocument/codeAction", "textDocument/documentLink",
	"textDocument/codeLens", "textDocument/formatting",
}

// soakTyped are the characters typed one at a time: ASCII, the format's separators, and
// text of one, two, three and four UTF-8 bytes (a surrogate pair in UTF-16).
var soakTyped = []string{"a", "z", " ", "-", "=", "[", "]", "é", "数", "🙂", "\t"}

// TestSoak edits a workspace of files that refer to each other for -soak long, with
// requests between the edits. Every minute, and at the end, the published findings must
// equal --check's on the same text; at the end a fresh server must publish the same and
// answer the same hovers; and the server's live heap, measured with the files back at
// their first text, must be within 10% at the end of what it was after the first fifth.
func TestSoak(t *testing.T) {
	if *soakFor <= 0 {
		t.Skip("run by scripts/soak.sh (-soak DURATION)")
	}
	dir := t.TempDir()
	texts, names := splitCorpusWorkspace(t, dir)
	if *soakLines > 0 {
		gen := filepath.Join(dir, "generated")
		out, err := exec.Command("go", "run", "../notesgen", "-lines", strconv.Itoa(*soakLines), "-seed", "5",
			"-files", "10", "-dir", gen, "-refs", "500").CombinedOutput()
		if err != nil {
			t.Fatalf("notesgen: %v\n%s", err, out)
		}
		files, _ := filepath.Glob(filepath.Join(gen, "*.notes"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts[f] = string(b)
			names = append(names, f)
		}
		slices.Sort(names)
	}
	original := map[string]string{}
	for k, v := range texts {
		original[k] = v
	}
	var args []string
	if *soakProfile != "" {
		args = []string{"--profile.mem", *soakProfile}
	}
	// Every finding is published, as --check reports it: the soaked files gather
	// thousands, past the editor's default limit of a file.
	allFindings := map[string]any{"maxDiagnosticsPerFile": 0}
	c := startServer(t, args...)
	c.initialize(dir, editorCaps, allFindings)
	for _, name := range names {
		c.waitDiagnostics(lspFileURI(name), nil)
	}
	open := []string{filepath.Join(dir, "part0.notes"), filepath.Join(dir, "part1.notes")}
	version := map[string]int{}
	for _, name := range open {
		c.didOpen(lspFileURI(name), texts[name])
		version[name] = 1
		c.waitDiagnostics(lspFileURI(name), hasVersion(1))
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	edits, requests := 0, 0
	start := time.Now()
	// session edits and asks for d, checking the findings against --check every minute.
	session := func(d time.Duration) {
		begin, lastCheck := time.Now(), time.Now()
		for time.Since(begin) < d {
			name := open[r.IntN(len(open))]
			for _, change := range soakEdit(r, texts, name, dir) {
				texts[name] = applySoakChange(texts[name], change)
				version[name]++
				c.notify("textDocument/didChange", map[string]any{
					"textDocument":   map[string]any{"uri": lspFileURI(name), "version": version[name]},
					"contentChanges": []map[string]any{change.lsp},
				})
				edits++
				if edits%500 == 0 {
					c.compactNotes()
				}
				if r.IntN(3) == 0 {
					soakAsk(t, c, name, texts[name], r)
					requests++
				}
			}
			if time.Since(lastCheck) > time.Minute {
				for _, name := range open {
					lspWriteFile(t, name, texts[name])
				}
				awaitCheckAgreement(t, c, dir, names, texts)
				lastCheck = time.Now()
				t.Logf("%v: %d edits, %d requests, findings agree with --check", time.Since(start).Round(time.Second), edits, requests)
			}
		}
	}
	// revert puts the open files back to their first text and measures the live heap.
	revert := func() uint64 {
		saved := map[string]string{}
		for _, name := range open {
			saved[name] = texts[name]
			version[name]++
			c.notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": lspFileURI(name), "version": version[name]},
				"contentChanges": []map[string]any{{"text": original[name]}},
			})
			c.waitDiagnostics(lspFileURI(name), hasVersion(version[name]))
			texts[name] = original[name]
		}
		soakWarm(t, c, open, texts, rand.New(rand.NewPCG(1, 2)))
		heap := serverHeap(t, c)
		for _, name := range open { // and back to where the session was
			texts[name] = saved[name]
			version[name]++
			c.notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": lspFileURI(name), "version": version[name]},
				"contentChanges": []map[string]any{{"text": texts[name]}},
			})
		}
		return heap
	}
	// The heap is compared at the same text, after a first fifth of the session and at
	// its end: the caches a session fills, which are bounded (the term list carries up to
	// maxTouchedTerms touched topics before it is rebuilt, for one), are full both times,
	// and what grows with time shows.
	session(*soakFor / 5)
	heapBefore := revert()
	session(*soakFor - *soakFor/5)
	for _, name := range open {
		lspWriteFile(t, name, texts[name])
	}
	awaitCheckAgreement(t, c, dir, names, texts)

	// A fresh server on the same text publishes the same findings and answers the same.
	fresh := startServer(t)
	fresh.initialize(dir, editorCaps, allFindings)
	for _, name := range names {
		fresh.waitDiagnostics(lspFileURI(name), nil)
	}
	awaitCheckAgreement(t, fresh, dir, names, texts)
	probe := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		name := open[probe.IntN(len(open))]
		at := textDocPos(lspFileURI(name), lspUTF16Position(texts[name], soakOffset(probe, texts[name])))
		a, b := c.call("textDocument/hover", at), fresh.call("textDocument/hover", at)
		if string(a.Result) != string(b.Result) {
			t.Fatalf("hover at %v differs from a fresh server's:\n%s\n%s", at["position"], a.Result, b.Result)
		}
	}
	fresh.shutdownAndExit()

	heapAfter := revert()
	t.Logf("%v: %d edits, %d requests; live heap %d KB after the first fifth, %d KB at the end (both at the first text)",
		time.Since(start).Round(time.Second), edits, requests, heapBefore/1024, heapAfter/1024)
	if float64(heapAfter) > 1.10*float64(heapBefore) {
		t.Errorf("the live heap grew from %d to %d KB over the session, at the same text", heapBefore/1024, heapAfter/1024)
	}
	c.shutdownAndExit()
}

// soakChange is one incremental change, as the model applies it and as LSP sends it.
type soakChange struct {
	from, to int // byte offsets in the text before the change
	text     string
	lsp      map[string]any
}

func applySoakChange(text string, ch soakChange) string {
	return text[:ch.from] + ch.text + text[ch.to:]
}

// soakEdit returns the changes of one user action on name: a line pasted from another
// file, a reference typed, a line deleted, characters typed one by one, or undone by
// backspace.
func soakEdit(r *rand.Rand, texts map[string]string, name, dir string) []soakChange {
	text := texts[name]
	lineStarts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	change := func(text string, from, to int, insert string) soakChange {
		return soakChange{from, to, insert, map[string]any{
			"range": map[string]any{"start": lspUTF16Position(text, from), "end": lspUTF16Position(text, to)},
			"text":  insert,
		}}
	}
	at := lineStarts[r.IntN(len(lineStarts))]
	switch r.IntN(5) {
	case 0:
		other := strings.Split(texts[filepath.Join(dir, fmt.Sprintf("part%d.notes", 2+r.IntN(2)))], "\n")
		return []soakChange{change(text, at, at, other[r.IntN(len(other))]+"\n")}
	case 1:
		other := strings.Split(texts[filepath.Join(dir, "part3.notes")], "\n")
		term := strings.SplitN(strings.SplitN(other[r.IntN(len(other))], " = ", 2)[0], " -- ", 2)[0]
		return []soakChange{change(text, at, at, fmt.Sprintf("note %d = see [[%s]]\n", r.IntN(1000), term))}
	case 2:
		end := slices.IndexFunc(lineStarts, func(s int) bool { return s > at })
		if end < 0 {
			return nil
		}
		return []soakChange{change(text, at, lineStarts[end], "")}
	default:
		// Typing, then perhaps backspacing over what was typed, one change per key.
		pos := soakOffset(r, text)
		var out []soakChange
		var typed []string
		for range 1 + r.IntN(8) {
			k := soakTyped[r.IntN(len(soakTyped))]
			out = append(out, change(text, pos, pos, k))
			text = text[:pos] + k + text[pos:]
			pos += len(k)
			typed = append(typed, k)
		}
		for r.IntN(2) == 0 && len(typed) > 0 {
			k := typed[len(typed)-1]
			typed = typed[:len(typed)-1]
			out = append(out, change(text, pos-len(k), pos, ""))
			text = text[:pos-len(k)] + text[pos:]
			pos -= len(k)
		}
		return out
	}
}

// soakOffset is a random byte offset of text on a character boundary.
func soakOffset(r *rand.Rand, text string) int {
	if text == "" {
		return 0
	}
	off := r.IntN(len(text) + 1)
	for off > 0 && off < len(text) && text[off]&0xC0 == 0x80 {
		off--
	}
	return off
}

// soakAsk sends one random request at a random place of name and fails on an error answer.
func soakAsk(t *testing.T, c *lspClient, name, text string, r *rand.Rand) {
	t.Helper()
	method := soakRequests[r.IntN(len(soakRequests))]
	uri := lspFileURI(name)
	pos := lspUTF16Position(text, soakOffset(r, text))
	doc := map[string]any{"uri": uri}
	whole := map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": lspUTF16Position(text, len(text))}
	var params any
	switch method {
	case "textDocument/references":
		params = map[string]any{"textDocument": doc, "position": pos, "context": map[string]any{"includeDeclaration": true}}
	case "textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/semanticTokens/full",
		"textDocument/documentLink", "textDocument/codeLens":
		params = map[string]any{"textDocument": doc}
	case "textDocument/selectionRange":
		params = map[string]any{"textDocument": doc, "positions": []any{pos}}
	case "textDocument/inlayHint":
		params = map[string]any{"textDocument": doc, "range": whole}
	case "textDocument/codeAction":
		params = map[string]any{"textDocument": doc, "range": map[string]any{"start": pos, "end": pos}, "context": map[string]any{"diagnostics": []any{}}}
	case "textDocument/formatting":
		params = map[string]any{"textDocument": doc, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}
	default:
		params = map[string]any{"textDocument": doc, "position": pos}
	}
	if msg := c.call(method, params); msg.Error != nil {
		t.Fatalf("%s at %v: error %d %s", method, pos, msg.Error.Code, msg.Error.Message)
	}
}

// soakWarm asks every kind of request once per open file, so that the caches a session
// fills are full both times the heap is measured.
func soakWarm(t *testing.T, c *lspClient, open []string, texts map[string]string, r *rand.Rand) {
	t.Helper()
	for _, name := range open {
		for range 3 * len(soakRequests) {
			soakAsk(t, c, name, texts[name], r)
		}
	}
}

func serverHeap(t *testing.T, c *lspClient) uint64 {
	t.Helper()
	msg := c.call("notesls/test/heap", nil)
	var heap struct {
		HeapAlloc uint64 `json:"heapAlloc"`
	}
	if msg.Error != nil || json.Unmarshal(msg.Result, &heap) != nil || heap.HeapAlloc == 0 {
		t.Fatalf("notesls/test/heap: %s %v", msg.Result, msg.Error)
	}
	return heap.HeapAlloc
}
