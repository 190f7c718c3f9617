package server

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/index"
)

// The differential sync test: random didChange notifications go to the real Server over
// a pipe, and the same changes to a plain string model that knows nothing of the Mapper.
// After every notification the server's text (the document store's and the index's) must
// be the model's, and the index's findings a fresh index's of it; every few notifications
// the published diagnostics must be those of an index built fresh from the model's text,
// and hovers and completions those of a second server that opened the model's text
// afresh.

// syncLine is one line of the model's text: where its content starts and ends (without
// its line end).
type syncLine struct{ start, end int }

// modelLines splits text at "\r\n", "\r" and "\n"; a leading byte order mark belongs to no
// column of the first line.
func modelLines(text string) []syncLine {
	start := 0
	if strings.HasPrefix(text, "\uFEFF") {
		start = 3
	}
	var lines []syncLine
	for i := start; i < len(text); i++ {
		switch text[i] {
		case '\n':
			lines = append(lines, syncLine{start, i})
			start = i + 1
		case '\r':
			lines = append(lines, syncLine{start, i})
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	return append(lines, syncLine{start, len(text)})
}

// modelOffset is the byte offset of an LSP (UTF-16) position, as the protocol defines it
// plus the server's documented leniency: a line past the last one means the end of the
// text, a character past its line's end means that end. ok is false for a character
// inside a surrogate pair, which names no place in the text.
func modelOffset(text string, p protocol.Position) (offset int, ok bool) {
	lines := modelLines(text)
	if int(p.Line) >= len(lines) {
		return len(text), true
	}
	l := lines[p.Line]
	col := 0
	for i := l.start; i < l.end; {
		if col == int(p.Character) {
			return i, true
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		width := 1
		if r >= 0x10000 {
			width = 2
		}
		if col+width > int(p.Character) {
			return 0, false
		}
		col += width
		i += size
	}
	return l.end, true
}

// modelApply applies one notification's changes in order; ok is false when one of them
// names no place (inside a surrogate pair, or ending before it starts), and then none is
// applied, as the server refuses the whole notification.
func modelApply(text string, changes []textChange) (string, bool) {
	for _, c := range changes {
		if c.Range == nil {
			text = c.Text
			continue
		}
		start, ok1 := modelOffset(text, c.Range.Start)
		end, ok2 := modelOffset(text, c.Range.End)
		if !ok1 || !ok2 || end < start {
			return "", false
		}
		text = text[:start] + c.Text + text[end:]
	}
	return text, true
}

// modelValidPosition reports whether p names a place in text exactly: on a line of it,
// at or before the line's end, not inside a surrogate pair. An answer's ranges must.
func modelValidPosition(text string, p protocol.Position) bool {
	lines := modelLines(text)
	if int(p.Line) >= len(lines) {
		return false
	}
	l := lines[p.Line]
	if utf16Len([]byte(text[l.start:l.end])) < int(p.Character) {
		return false
	}
	_, ok := modelOffset(text, p)
	return ok
}

// A chooser makes the random choices of the edits: from a seeded generator for the long
// test, from the fuzzer's bytes for the fuzz target.
type chooser interface {
	intn(n int) int // in [0, n)
	done() bool
}

type randChooser struct{ r *rand.Rand }

func (c randChooser) intn(n int) int { return c.r.IntN(n) }
func (c randChooser) done() bool     { return false }

type byteChooser struct{ data []byte }

func (c *byteChooser) intn(n int) int {
	if len(c.data) == 0 {
		return 0
	}
	b := int(c.data[0])
	c.data = c.data[1:]
	return b % n
}
func (c *byteChooser) done() bool { return len(c.data) == 0 }

// syncPalette is what the edits insert: multi-byte text (é, CJK, emoji outside the BMP,
// which are surrogate pairs in UTF-16), every kind of line end, and the syntax that makes
// findings (separators, references, tasks, duplicates, out-of-order lines).
var syncPalette = []string{
	"a", "é", "中文", "😀", "x😀y", "👍🏽", "\n", "\r", "\r\n", "\n\n", " -- ", " = ", " -> ", " ~ ", ": ",
	"[[", "]]", "[[alpha]]", "[[beta -- gamma]]", "alpha", "Beta", "beta -- gamma", "[ ] ", "+++",
	"https://x.io/a", "(API)", "application programming interface", "zeta = last\n", "alpha = first\n",
	"\t", "  ", "\uFEFF",
}

func pick(c chooser) string { return syncPalette[c.intn(len(syncPalette))] }

// syncMaxText bounds the model's text: past it, edits delete more than they insert.
const syncMaxText = 4000

// genNotification makes the changes of one didChange on text: mostly one change, at times
// several, each relative to the text the one before leaves; most at places an editor's
// cursor can be, some past the end of a line or of the text (to be clamped), a few that
// name no place (to be refused).
func genNotification(c chooser, text string) []textChange {
	n := 1
	if c.intn(4) == 0 {
		n = 2 + c.intn(3)
	}
	var changes []textChange
	for range n {
		ch := genChange(c, text)
		changes = append(changes, ch)
		if next, ok := modelApply(text, []textChange{ch}); ok {
			text = next
		}
	}
	return changes
}

func genChange(c chooser, text string) textChange {
	kind := c.intn(100)
	var insert strings.Builder
	for k := c.intn(4); k > 0; k-- {
		insert.WriteString(pick(c))
	}
	if kind < 1 { // the whole text
		var b strings.Builder
		for k := c.intn(40); k > 0; k-- {
			b.WriteString(pick(c))
		}
		return textChange{Text: b.String()}
	}
	bs := boundaries(text)
	lines := modelLines(text)
	at := func(i int) protocol.Position { return modelPosition(text, bs[min(i, len(bs)-1)]) }
	i := c.intn(len(bs))
	var r protocol.Range
	switch {
	case kind < 81: // at cursor places: an insertion, or a short or long deletion
		span := c.intn(3)
		if c.intn(8) == 0 || len(text) > syncMaxText {
			span = c.intn(60)
		}
		r = protocol.Range{Start: at(i), End: at(i + span)}
	case kind < 86: // reaching past the last line: clamped to the end of the text
		past := protocol.Position{Line: uint32(len(lines) + c.intn(3)), Character: uint32(c.intn(5))}
		if c.intn(2) == 0 {
			r = protocol.Range{Start: at(i), End: past}
		} else {
			r = protocol.Range{Start: past, End: past}
		}
	case kind < 93: // a character past its line's end: that end
		line := c.intn(len(lines))
		l := lines[line]
		p := protocol.Position{Line: uint32(line), Character: uint32(utf16Len([]byte(text[l.start:l.end])) + 1 + c.intn(4))}
		if c.intn(2) == 0 {
			r = protocol.Range{Start: at(i), End: p}
			if start, _ := modelOffset(text, r.Start); start > l.end {
				r = protocol.Range{Start: p, End: at(i)}
			}
		} else {
			r = protocol.Range{Start: p, End: p}
		}
	case kind < 98: // any line and character: may fall inside a surrogate pair
		p := protocol.Position{Line: uint32(c.intn(len(lines) + 1)), Character: uint32(c.intn(8))}
		q := protocol.Position{Line: p.Line, Character: p.Character + uint32(c.intn(3))}
		r = protocol.Range{Start: p, End: q}
	default: // ending before it starts: refused
		r = protocol.Range{Start: at(i + 1 + c.intn(3)), End: at(i)}
		if r.Start == r.End {
			r.Start.Line++
		}
	}
	return textChange{Range: &r, Text: insert.String()}
}

// syncSession is the server under test, its model, and the fresh server that answers
// what the server should.
type syncSession struct {
	t         *testing.T
	c         *pipeClient // edited incrementally
	ref       *pipeClient // opened afresh with the model's text at each check
	uri       protocol.DocumentURI
	path      string
	model     string
	sent      int32 // the last version sent
	version   int32 // the version the server holds: the last one not refused
	refOpen   bool
	refChecks int
	// hoversOnly compares hovers alone with the fresh server's: a completion over a
	// large text is capped (200 items, isIncomplete), and ranked from the workspace's
	// term tables or, while a server builds them, from the file alone, as the fresh
	// server does right after opening.
	hoversOnly bool
}

func newSyncSession(t *testing.T, initial string) *syncSession {
	t.Helper()
	return newSyncSessionWith(t, initial, nil)
}

// newSyncSessionWith is newSyncSession with the edited server's settings.
func newSyncSessionWith(t *testing.T, initial string, options any) *syncSession {
	t.Helper()
	s := &syncSession{t: t, uri: "file:///notesls-sync/doc.notes", model: initial, sent: 1, version: 1}
	s.path, _, _ = uriPath(s.uri)
	// The default delay: diagnostics wait for a pause, as an editor's burst of edits
	// would; the checks wait for them.
	s.c = startPipe(t, Options{TestHooks: true})
	s.c.initializeWith(options)
	s.ref = startPipe(t, Options{TestHooks: true, DiagnosticsDelay: 1})
	s.ref.initialize()
	s.c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: s.uri, LanguageID: "notes", Version: 1, Text: initial,
	}})
	s.checkText("didOpen")
	return s
}

// edit sends one notification and checks the text after it.
func (s *syncSession) edit(changes []textChange) {
	s.t.Helper()
	s.send(changes)
	s.checkText(describeChanges(changes))
}

// send sends one notification without waiting for it: several sent in a row may reach the
// workspace together, as a fast typist's do, and are indexed as one change.
func (s *syncSession) send(changes []textChange) {
	s.t.Helper()
	s.sent++
	if next, ok := modelApply(s.model, changes); ok {
		s.model, s.version = next, s.sent
	}
	wire := make([]map[string]any, len(changes))
	for i, ch := range changes {
		wire[i] = map[string]any{"text": ch.Text}
		if ch.Range != nil {
			wire[i]["range"] = *ch.Range
		}
	}
	s.c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": s.uri, "version": s.sent},
		"contentChanges": wire,
	})
}

func describeChanges(changes []textChange) string {
	var b strings.Builder
	for _, c := range changes {
		if c.Range == nil {
			fmt.Fprintf(&b, "whole text %q; ", c.Text)
			continue
		}
		r := c.Range
		fmt.Fprintf(&b, "%d:%d-%d:%d %q; ", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character, c.Text)
	}
	return b.String()
}

// checkText compares the document store's and the index's text with the model's.
func (s *syncSession) checkText(after string) {
	s.t.Helper()
	var got testTextResult
	if err := s.c.call("notesls/test/text", testTextParams{URI: s.uri}, &got); err != nil {
		s.t.Fatalf("after %s: notesls/test/text: %v", after, err)
	}
	if !got.Open || got.Text != s.model || got.Version != s.version {
		s.t.Fatalf("after version %d (%s):\nserver v%d %q\n model v%d %q", s.sent, after, got.Version, got.Text, s.version, s.model)
	}
	if got.Indexed != s.model || got.IndexedVersion != s.version {
		s.t.Fatalf("after version %d (%s): the index holds v%d %q, the model v%d %q", s.sent, after, got.IndexedVersion, got.Indexed, s.version, s.model)
	}
	// The incrementally updated index's findings, after every notification, are those
	// of an index built fresh from the model's text.
	fresh := index.NewWorkspace(index.DefaultConfig()).UpdateMany(map[string][]byte{s.path: []byte(s.model)})
	var want []string
	for _, d := range fresh.Diagnostics(s.path) {
		want = append(want, findingLine(d))
	}
	if !slices.Equal(got.Findings, want) {
		s.t.Fatalf("after version %d (%s): the index's findings differ from a fresh index's of %q:\n got %q\nwant %q", s.sent, after, s.model, got.Findings, want)
	}
}

// request sends a hover or a completion at a cursor place of the model's text, and checks
// that every range of the answer is a place in that text: an answer from a stale snapshot
// would point past a deleted end or into a removed character.
func (s *syncSession) request(c chooser) {
	s.t.Helper()
	bs := boundaries(s.model)
	pos := modelPosition(s.model, bs[c.intn(len(bs))])
	method, raw := s.ask(s.c, c.intn(5) > 0, pos)
	for _, r := range rangesIn(raw) {
		if !modelValidPosition(s.model, r.Start) || !modelValidPosition(s.model, r.End) {
			s.t.Fatalf("version %d: %s at %v answered range %v, no place in %q", s.version, method, pos, r, s.model)
		}
	}
}

// ask sends a hover (or a completion) at pos and returns its raw answer.
func (s *syncSession) ask(c *pipeClient, hover bool, pos protocol.Position) (string, json.RawMessage) {
	s.t.Helper()
	method := "textDocument/completion"
	if hover {
		method = "textDocument/hover"
	}
	var raw json.RawMessage
	params := protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri}, Position: pos}
	if err := c.call(method, params, &raw); err != nil {
		s.t.Fatalf("version %d: %s at %v: %v", s.version, method, pos, err)
	}
	return method, raw
}

// rangesIn finds every LSP range in a JSON answer.
func rangesIn(raw json.RawMessage) []protocol.Range {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil
	}
	var out []protocol.Range
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k == "range" || k == "insert" || k == "replace" {
					b, _ := json.Marshal(e)
					var r protocol.Range
					if json.Unmarshal(b, &r) == nil {
						out = append(out, r)
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// checkDiagnostics waits for the diagnostics of the server's version and compares them
// with those of an index built fresh from the model's text; then asks the server and a
// fresh one the same hovers and completions.
func (s *syncSession) checkDiagnostics(c chooser) {
	s.t.Helper()
	got := s.c.waitDiags(s.uri, func(p []protocol.PublishDiagnosticsParams) bool {
		return len(p) > 0 && p[len(p)-1].Version == uint32(s.version)
	})
	want := freshDiagnostics(s.path, s.uri, s.model)
	if g, w := marshal(got[len(got)-1].Diagnostics), marshal(want); !bytes.Equal(g, w) {
		s.t.Fatalf("version %d: published diagnostics differ from a fresh index's of the same text %q:\n got %s\nwant %s", s.version, s.model, g, w)
	}

	if s.refOpen {
		s.ref.notify("textDocument/didClose", protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri}})
	}
	s.refChecks++
	s.ref.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: s.uri, LanguageID: "notes", Version: int32(s.refChecks), Text: s.model,
	}})
	s.refOpen = true
	bs := boundaries(s.model)
	for range 2 {
		pos := modelPosition(s.model, bs[c.intn(len(bs))])
		hover := s.hoversOnly || c.intn(2) == 0
		method, g := s.ask(s.c, hover, pos)
		_, w := s.ask(s.ref, hover, pos)
		if !bytes.Equal(g, w) {
			s.t.Fatalf("version %d: %s at %v of %q:\n edited %s\n  fresh %s", s.version, method, pos, s.model, g, w)
		}
	}
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// freshDiagnostics converts the findings of a fresh index of text as the server does.
func freshDiagnostics(path string, uri protocol.DocumentURI, text string) []protocol.Diagnostic {
	snap := index.NewWorkspace(index.DefaultConfig()).UpdateMany(map[string][]byte{path: []byte(text)})
	m := NewMapper([]byte(text))
	out := []protocol.Diagnostic{}
	for _, d := range snap.Diagnostics(path) {
		rng, err := m.SpanRange(d.Span)
		if err != nil {
			panic(err)
		}
		pd := protocol.Diagnostic{Range: rng, Severity: toProtocolSeverity(d.Severity), Code: d.Rule, Source: diagnosticSource, Message: d.Message}
		if d.Unnecessary {
			pd.Tags = []protocol.DiagnosticTag{protocol.DiagnosticTagUnnecessary}
		}
		for _, r := range d.Related {
			rr, err := m.SpanRange(r.Span)
			if err != nil {
				panic(err)
			}
			pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{
				Location: protocol.Location{URI: uri, Range: rr}, Message: r.Message,
			})
		}
		out = append(out, pd)
	}
	return out
}

// syncInitial is the text the long run starts from: entries with findings (a broken
// reference, out of order, a duplicate), multi-byte text and mixed line ends.
const syncInitial = "\uFEFFalpha = first [[beta]]\r\nzeta -- 中文 = 😀 wide\nbeta -- gamma = x😀y\rbeta -- gamma = x😀y\r\n[ ] é https://x.io/a\n"

// syncEdits is how many notifications the long run sends; syncCheckEvery is how often
// it compares diagnostics and answers (the text is compared after every one).
const (
	syncEdits      = 10_000
	syncCheckEvery = 25
)

// TestSyncAgainstModel sends 10,000 random didChange notifications (one to four changes
// each, some clamped, some refused), compares the server's text with the model's after
// each, asks a hover (or at times a completion) after one in five, and every syncCheckEvery
// notifications (and after the last) compares the diagnostics with a fresh index's and
// the answers with a fresh server's.
func TestSyncAgainstModel(t *testing.T) {
	edits := syncEdits
	if testing.Short() {
		edits = 1000
	}
	c := randChooser{rand.New(rand.NewPCG(12, 3))}
	s := newSyncSession(t, syncInitial)
	clamped, refused, multi, total := 0, 0, 0, 0
	for i := 1; i <= edits; i++ {
		if c.intn(10) == 0 {
			// A burst, checked after its last notification.
			for range 1 + c.intn(4) {
				s.send(genNotification(c, s.model))
				i++
			}
		}
		changes := genNotification(c, s.model)
		if len(changes) > 1 {
			multi++
		}
		if _, ok := modelApply(s.model, changes); !ok {
			refused++
		} else if m := NewMapper([]byte(s.model)); slices.ContainsFunc(changes, func(ch textChange) bool {
			if ch.Range == nil {
				return false
			}
			_, past := m.clampRange(*ch.Range)
			return past
		}) {
			clamped++
		}
		s.edit(changes)
		if c.intn(5) == 0 {
			s.request(c)
		}
		total += len(s.model)
		if i%syncCheckEvery == 0 || i == edits {
			s.checkDiagnostics(c)
		}
	}
	t.Logf("%d notifications (%d with several changes, %d with a range past the end, %d refused), %d diagnostics checks, text of %d bytes on average",
		edits, multi, clamped, refused, s.refChecks, total/edits)
	if refused == 0 || clamped == 0 || multi == 0 {
		t.Errorf("the edits missed a case: %d refused, %d clamped, %d with several changes", refused, clamped, multi)
	}
}

// FuzzServerSync is TestSyncAgainstModel with the edits decoded from the fuzzer's bytes:
// the text after every notification, the diagnostics, hovers and completions after the
// last. Its seed corpus runs in every go test.
func FuzzServerSync(f *testing.F) {
	f.Add("", []byte{0, 1, 0, 3})
	f.Add(syncInitial, []byte{3, 9, 4, 0, 2, 80, 0, 7, 1, 2, 1, 95, 2, 0, 1, 5})
	f.Add("a\r\nb", []byte{0, 81, 2, 6, 7, 1, 86, 0, 0, 3})           // past the last line, past a line end
	f.Add("😀😀😀", []byte{0, 93, 0, 0, 1, 2, 0, 98, 1, 0})              // inside a surrogate pair, reversed
	f.Add("x = y\n", []byte{1, 0, 1, 20, 3, 4, 5, 0, 40, 2, 6, 0, 1}) // several changes in one notification
	f.Add("\uFEFFbom\r", []byte{0, 85, 1, 31, 0, 1, 2, 0, 10, 1, 6, 6})
	f.Fuzz(func(t *testing.T, initial string, data []byte) {
		if !utf8.ValidString(initial) || len(initial) > 1<<12 || len(data) > 1<<10 {
			return // LSP text arrives as JSON strings, always valid UTF-8
		}
		c := &byteChooser{data: data}
		s := newSyncSession(t, initial)
		for !c.done() {
			s.edit(genNotification(c, s.model))
			if c.intn(4) == 0 {
				s.request(c)
			}
		}
		s.checkDiagnostics(c)
	})
}

// TestCloseOrDiskEventRightAfterAnEdit: an edit and the notification after it may reach
// the workspace together. A didClose then reads the disk; a watcher's event for the file
// still open leaves the editor's text in the index.
func TestCloseOrDiskEventRightAfterAnEdit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.notes")
	const disk = "alpha = on disk\n"
	if err := os.WriteFile(path, []byte(disk), 0o644); err != nil {
		t.Fatal(err)
	}
	uri := pathURI(path)
	c := startPipe(t, Options{TestHooks: true})
	var res protocol.InitializeResult
	if err := c.call("initialize", map[string]any{"capabilities": map[string]any{}, "rootUri": string(pathURI(dir))}, &res); err != nil {
		t.Fatal(err)
	}
	c.notify("initialized", map[string]any{})
	indexed := func() testTextResult {
		var got testTextResult
		if err := c.call("notesls/test/text", testTextParams{URI: uri}, &got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	// A large document whose every change keeps the workspace busy for a while, so that
	// the notifications after it arrive together.
	var big strings.Builder
	for i := range 20_000 {
		fmt.Fprintf(&big, "busy %d -- topic %d = a line to index [[busy %d]]\n", i, i%97, i+1)
	}
	busy := pathURI(filepath.Join(dir, "busy.notes"))
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: busy, LanguageID: "notes", Version: 1, Text: big.String(),
	}})
	end := protocol.Range{Start: protocol.Position{Line: 1}, End: protocol.Position{Line: 1}}
	for round := range 20 {
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": busy, "version": round + 2},
			"contentChanges": []any{map[string]any{"text": fmt.Sprintf("round %d\n%s", round, big.String())}},
		})
		c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
			URI: uri, LanguageID: "notes", Version: 1, Text: disk,
		}})
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": 2},
			"contentChanges": []any{map[string]any{"range": end, "text": "beta = typed\n"}},
		})
		if round%2 == 0 {
			c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": uri, "type": 2}}})
			if got := indexed(); got.Indexed != disk+"beta = typed\n" {
				t.Fatalf("round %d: a watcher's event after an edit: the index holds %q, want the editor's text", round, got.Indexed)
			}
		}
		c.notify("textDocument/didClose", protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}})
		if got := indexed(); got.Open || got.Indexed != disk {
			t.Fatalf("round %d: closed after an edit: open %v, the index holds %q, want the disk's %q", round, got.Open, got.Indexed, disk)
		}
	}
}

// TestSyncAgainstModelInChunks is TestSyncAgainstModel on a text of 100 KB, several
// chunks (the document's text is cut about every 32 KB): random edits fall in different chunks, and
// one notification in ten moves 33 KB of the text elsewhere, a cut and a paste, each of
// which spans chunks. The text is of small sorted blocks, so that a move breaks the order
// of a few lines only. Whole-text changes,
// which would leave a text of one chunk, are left out, as are the others that would cut
// the text short.
func TestSyncAgainstModelInChunks(t *testing.T) {
	edits := 100
	if testing.Short() {
		edits = 40
	}
	c := randChooser{rand.New(rand.NewPCG(5, 9))}
	var b strings.Builder
	for i := 0; b.Len() < 100_000; i++ {
		if i%8 == 7 {
			b.WriteString("\n")
			continue
		}
		fmt.Fprintf(&b, "topic %05d -- é %d = see [[topic %05d]] 😀%s", i, i%7, i/2, []string{"\n", "\r\n", "\n", "\r"}[i%4])
	}
	// Every finding is published, as the fresh index of the comparison has them all.
	s := newSyncSessionWith(t, b.String(), map[string]any{"maxDiagnosticsPerFile": 0})
	s.hoversOnly = true
	moves := 0
	for i := 1; i <= edits; i++ {
		var changes []textChange
		if i%10 == 0 {
			bs := boundaries(s.model)
			from := c.intn(len(bs))
			to := min(len(bs)-1, sort.SearchInts(bs, bs[from]+33_000))
			cut := s.model[bs[from]:bs[to]]
			rest := s.model[:bs[from]] + s.model[bs[to]:]
			restBs := boundaries(rest)
			at := modelPosition(rest, restBs[c.intn(len(restBs))])
			changes = []textChange{
				{Range: &protocol.Range{Start: modelPosition(s.model, bs[from]), End: modelPosition(s.model, bs[to])}},
				{Range: &protocol.Range{Start: at, End: at}, Text: cut},
			}
			moves++
		} else {
			// Left out too: ranges past the last line, and from one line to a far one,
			// which cut the text short.
			changes = genNotification(c, s.model)
			lines := uint32(len(modelLines(s.model)))
			if slices.ContainsFunc(changes, func(ch textChange) bool {
				return ch.Range == nil || ch.Range.End.Line+1 >= lines || ch.Range.End.Line > ch.Range.Start.Line+2
			}) {
				continue
			}
		}
		s.edit(changes)
		if c.intn(5) == 0 {
			s.request(c)
		}
		if i%25 == 0 || i == edits {
			s.checkDiagnostics(c)
		}
	}
	if len(s.model) < 66_000 || moves == 0 {
		t.Errorf("the text shrank to %d bytes, or nothing moved (%d)", len(s.model), moves)
	}
}
