package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeEnv); mode != "" {
		os.Exit(runFake(mode))
	}
	os.Exit(m.Run())
}

func TestFrameRoundTrip(t *testing.T) {
	var b bytes.Buffer
	bodies := []string{`{"a":1}`, `{}`, `{"s":"é😀\r\n"}`}
	for _, body := range bodies {
		if err := writeFrame(&b, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.HasPrefix(b.String(), "Content-Length: 7\r\n\r\n{\"a\":1}") {
		t.Fatalf("frame bytes: %q", b.String())
	}
	r := bufio.NewReader(&b)
	for _, want := range bodies {
		got, err := readFrame(r, 1<<20)
		if err != nil || string(got) != want {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
	}
	if _, err := readFrame(r, 1<<20); err != io.EOF {
		t.Fatalf("after the last frame: %v, want EOF", err)
	}
}

func TestReadFrame(t *testing.T) {
	for _, tc := range []struct {
		name, in, body, err string
	}{
		{"lowercase name, LF only", "content-length: 2\n\n{}", "{}", ""},
		{"extra header", "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}", "{}", ""},
		{"blank line before", "\r\nContent-Length: 2\r\n\r\n{}", "{}", ""},
		{"length with spaces", "Content-Length:   3  \r\n\r\n[1]", "[1]", ""},
		{"no length", "Content-Type: x\r\n\r\n{}", "", "without Content-Length"},
		{"negative", "Content-Length: -1\r\n\r\n", "", "bad Content-Length"},
		{"not a number", "Content-Length: ten\r\n\r\n", "", "bad Content-Length"},
		{"over limit", "Content-Length: 2000\r\n\r\n", "", "exceeds the limit"},
		{"short body", "Content-Length: 10\r\n\r\n{}", "", "unexpected EOF"},
		{"cut header", "Content-Len", "", "reading header"},
		{"header without colon", "garbage\r\n\r\n", "", "malformed header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readFrame(bufio.NewReader(strings.NewReader(tc.in)), 1000)
			if tc.err == "" {
				if err != nil || string(got) != tc.body {
					t.Fatalf("got %q, %v; want %q", got, err, tc.body)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want one containing %q", err, tc.err)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	thousand := make([]int, 1000)
	for i := range thousand {
		thousand[i] = i + 1
	}
	for _, tc := range []struct {
		samples []time.Duration
		p       float64
		want    time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(1, 2), 50, 1 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
		{ms(hundred...), 50, 50 * time.Millisecond},
		{ms(hundred...), 99, 99 * time.Millisecond},
		{ms(hundred...), 100, 100 * time.Millisecond},
		{ms(thousand...), 99, 990 * time.Millisecond},
		{ms(thousand...), 99.9, 999 * time.Millisecond},
	} {
		if got := percentile(tc.samples, tc.p); got != tc.want {
			t.Errorf("p%v of %d samples = %v, want %v", tc.p, len(tc.samples), got, tc.want)
		}
	}
}

func TestRecorderSummary(t *testing.T) {
	var r recorder
	for _, d := range []time.Duration{3, 1, 2, 10} {
		r.add(d * time.Millisecond)
	}
	r.fail(errTimeout, true)
	r.fail(&rpcError{Code: -32602, Message: "bad"}, false)
	s := r.summary()
	if s.Count != 5 || s.Errors != 1 || s.Timeouts != 1 || s.P50 != 2 || s.P99 != 10 || s.Max != 10 || s.Mean != 4 {
		t.Fatalf("summary %+v", s)
	}
	if s.FirstError != "timeout" {
		t.Fatalf("first error %q", s.FirstError)
	}
}

func TestUTF16(t *testing.T) {
	line := "aé中😀b" // 1 + 1 + 1 + 2 + 1 units; 1 + 2 + 3 + 4 + 1 bytes
	if n := utf16Len(line); n != 6 {
		t.Fatalf("utf16Len = %d, want 6", n)
	}
	for col, want := range map[int]int{0: 0, 1: 1, 2: 3, 3: 6, 5: 10, 6: 11, 9: 11} {
		if got := utf16ToByte(line, col); got != want {
			t.Errorf("utf16ToByte(%d) = %d, want %d", col, got, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[int]bool{}
	for i := 0; i < 2000; i++ {
		c := randomColumn(rng, line)
		if c == 4 {
			t.Fatal("column 4 splits the surrogate pair of 😀")
		}
		if c < 0 || c > 6 {
			t.Fatalf("column %d outside the line", c)
		}
		seen[c] = true
	}
	if len(seen) != 6 {
		t.Fatalf("columns seen %v, want all of 0,1,2,3,5,6", seen)
	}
}

func TestDocumentLines(t *testing.T) {
	d := newDocument("a\r\nbé\rc\n\nd")
	want := []string{"a", "bé", "c", "", "d"}
	if strings.Join(d.lines, "|") != strings.Join(want, "|") {
		t.Fatalf("lines %q, want %q", d.lines, want)
	}
	if off := d.offset(position{Line: 2, Character: 1}); off != 8 {
		t.Fatalf("offset of 2:1 = %d, want 8", off)
	}
	if got := d.withInsert(position{Line: 1, Character: 2}, "x"); got != "a\r\nbéx\rc\n\nd" {
		t.Fatalf("withInsert: %q", got)
	}
}

// writeWorkspace makes a workspace with a small file and a bigger one full of multi-byte
// text and mixed line ends, the one the benchmark must open.
func writeWorkspace(t *testing.T) (dir, big string) {
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "small.notes"), []byte("a = b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := 0; i < 200; i++ {
		switch i % 5 {
		case 0:
			b.WriteString("café -- naïve = résumé 😀 and 𝄞 music\n")
		case 1:
			b.WriteString("中文 -- 漢字 = CJK text\r\n")
		case 2:
			b.WriteString("\n")
		case 3:
			b.WriteString("plain ascii line = with a [[reference]]\r")
		default:
			b.WriteString("emoji 👩‍💻 -- dev = person\n")
		}
	}
	big = filepath.Join(dir, "sub", "big.notes")
	if err := os.MkdirAll(filepath.Dir(big), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, big
}

func fakeCommand(t *testing.T, mode string) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(fakeEnv, mode)
	return []string{exe, "-test.run=^$"}
}

// TestMeasuresFakeServer runs the benchmark against the fake server and checks each
// number against the delays the fake server is built with.
func TestMeasuresFakeServer(t *testing.T) {
	ws, big := writeWorkspace(t)
	opts := Options{
		Workspace: ws, Command: fakeCommand(t, "ok"), Requests: 150, Edits: 20, Seed: 3,
		LanguageID: "notes", Timeout: 5 * time.Second, StartTimeout: 10 * time.Second, Deadline: time.Minute,
	}
	rep, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.File != big || rep.NotesFiles != 2 || rep.FileLines != 200 {
		t.Errorf("opened %s (%d lines) of %d files; want %s, 200 lines, 2 files", rep.File, rep.FileLines, rep.NotesFiles, big)
	}
	if rep.TextSync != "incremental" {
		t.Errorf("text sync %q", rep.TextSync)
	}
	if rep.InitializeMs <= 0 {
		t.Errorf("initialize %v ms", rep.InitializeMs)
	}
	if open := ms(fakeOpenDelay); rep.FirstDiagnosticsMs < open || rep.FirstDiagnosticsMs > 5000 || rep.FirstDiagnostics != 1 {
		t.Errorf("first diagnostics after %v ms (%d), want >= %v ms", rep.FirstDiagnosticsMs, rep.FirstDiagnostics, open)
	}
	for name, l := range map[string]Latency{"hover": rep.Hover, "definition": rep.Definition, "completion": rep.Completion} {
		if l.Count != 150 || l.Errors != 0 || l.Timeouts != 0 {
			t.Errorf("%s: %+v, want 150 answered without error (positions must be valid UTF-16)", name, l)
		}
		if !(0 < l.P50 && l.P50 <= l.P99 && l.P99 <= l.Max) {
			t.Errorf("%s: percentiles out of order: %+v", name, l)
		}
	}
	if rep.Hover.P50 < ms(fakeHoverDelay) {
		t.Errorf("hover p50 %v ms below the server's delay %v", rep.Hover.P50, fakeHoverDelay)
	}
	if rep.Definition.Empty != 150 || rep.Hover.Empty != 0 {
		t.Errorf("empty results: definition %d (want 150), hover %d (want 0)", rep.Definition.Empty, rep.Hover.Empty)
	}
	e := rep.EditToDiagnostics
	if e.Count != 20 || e.Timeouts != 0 || e.P50 < ms(fakeDebounce) || e.Max > 2000 {
		t.Errorf("edits: %+v, want 20 measured, p50 >= %v", e, fakeDebounce)
	}
	if rep.PeakRSSBytes < fakeBallast {
		t.Errorf("peak RSS %d bytes, want at least the fake server's %d", rep.PeakRSSBytes, fakeBallast)
	}
	// The fake server exits non-zero if anything it received was wrong.
	if rep.Shutdown != "clean (exit 0)" {
		t.Errorf("shutdown: %s", rep.Shutdown)
	}

	// Table and JSON both render.
	var out bytes.Buffer
	writeTable(&out, rep)
	for _, want := range []string{"hover", "edit -> diagnostics", "peak RSS", "clean (exit 0)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	writeJSON(&out, rep)
	var back Report
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || back.Hover.Count != 150 {
		t.Errorf("JSON report does not read back: %v", err)
	}
}

// TestTypesEnter: with -insert "\n" every edit breaks a line and the next joins it
// again; the fake server checks each range and, after each pair, that the text is the
// one it opened.
func TestTypesEnter(t *testing.T) {
	ws, _ := writeWorkspace(t)
	opts := Options{Workspace: ws, Command: fakeCommand(t, "ok"), Requests: 5, Edits: 20, Seed: 5, Insert: "\n",
		ServerStderr: filepath.Join(t.TempDir(), "stderr"),
		LanguageID:   "notes", Timeout: 5 * time.Second, StartTimeout: 10 * time.Second, Deadline: time.Minute}
	rep, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if e := rep.EditToDiagnostics; e.Count != 20 || e.Errors != 0 || e.Timeouts != 0 {
		t.Errorf("edits: %+v, want 20 measured", e)
	}
	if rep.Shutdown != "clean (exit 0)" {
		t.Errorf("shutdown: %s (the fake server exits non-zero when a change was wrong)", rep.Shutdown)
		b, _ := os.ReadFile(opts.ServerStderr)
		t.Logf("server stderr:\n%s", b)
	}
}

func TestServerWithoutVersions(t *testing.T) {
	ws, _ := writeWorkspace(t)
	rep, err := Run(Options{Workspace: ws, Command: fakeCommand(t, "noversion"), Requests: 5, Edits: 6, Seed: 1,
		Timeout: 5 * time.Second, StartTimeout: 10 * time.Second, Deadline: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if e := rep.EditToDiagnostics; e.Count != 6 || e.P50 < ms(fakeDebounce) {
		t.Fatalf("edits against a server without versions: %+v", e)
	}
}

func TestServerFailuresAreBoundedAndExplained(t *testing.T) {
	ws, _ := writeWorkspace(t)
	for _, tc := range []struct {
		mode string
		want []string
	}{
		{"silent", []string{"initialize", "timeout after 300ms"}},
		{"crash", []string{"initialize", "boom, cannot start", "exit status 7"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			start := time.Now()
			_, err := Run(Options{Workspace: ws, Command: fakeCommand(t, tc.mode), Requests: 5, Edits: 2,
				Timeout: 300 * time.Millisecond, StartTimeout: 300 * time.Millisecond, Deadline: time.Minute})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if d := time.Since(start); d > 8*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	if _, err := Run(Options{Workspace: ws, Command: []string{filepath.Join(ws, "no-such-server")},
		Timeout: time.Second, StartTimeout: time.Second, Deadline: time.Second}); err == nil || !strings.Contains(err.Error(), "starting") {
		t.Errorf("missing command: %v", err)
	}
	if _, err := Run(Options{Workspace: t.TempDir(), Command: []string{"true"}}); err == nil || !strings.Contains(err.Error(), "no *.notes") {
		t.Errorf("empty workspace: %v", err)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-workspace", "x"},
		{"-workspace", "x", "-requests", "-1", "--", "srv"},
		{"-nope"},
		{"-workspace", "x", "-insert", "ab", "--", "srv"},
		{"-workspace", "x", "-insert", `\r`, "--", "srv"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestServerRequestsAnswered(t *testing.T) {
	res, rerr := onServerRequest("workspace/configuration", json.RawMessage(`{"items":[{},{},{}]}`))
	if rerr != nil || len(res.([]any)) != 3 {
		t.Fatalf("configuration: %v %v", res, rerr)
	}
	if _, rerr := onServerRequest("client/registerCapability", nil); rerr != nil {
		t.Fatal(rerr)
	}
	if _, rerr := onServerRequest("custom/thing", nil); rerr == nil || rerr.Code != -32601 {
		t.Fatalf("unknown request: %v", rerr)
	}
}

func TestStderrKeepsHeadAndTail(t *testing.T) {
	b := &tailBuffer{max: 1 << 10}
	b.Write([]byte("fatal error: out of memory\n"))
	for i := 0; i < 2000; i++ {
		b.Write([]byte("goroutine dump line\n"))
	}
	b.Write([]byte("last words\n"))
	s := b.String()
	if !strings.HasPrefix(s, "fatal error: out of memory\n") || !strings.HasSuffix(s, "last words") || !strings.Contains(s, "[...]") {
		t.Fatalf("kept:\n%s", s)
	}
	if n := strings.Count(s, "\n"); n > 25 {
		t.Fatalf("kept %d lines", n)
	}
	short := &tailBuffer{max: 1 << 10}
	short.Write([]byte("one\ntwo\n"))
	if short.String() != "one\ntwo" {
		t.Fatalf("short stderr: %q", short.String())
	}
}

// writeRefsWorkspace makes a workspace of two corpus files and a references file, the
// biggest of the three, whose references name heads of the other files (one names
// nothing).
func writeRefsWorkspace(t *testing.T) (dir, main, refs string) {
	dir = t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	main = write("a.notes", "alpha -- beta = first\nalpha -- gamma = see [[delta]]\n😀 emoji = face\n")
	write("b.notes", "delta = third\n")
	var b strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "alpha -- xref %02d = see [[alpha -- beta]], [[Delta]]\n", i)
		fmt.Fprintf(&b, "café -- naïve -- xref %02d = see [[😀 emoji]] and [[nothing here]]\n", i)
	}
	refs = write("refs.notes", b.String())
	return dir, main, refs
}

// TestMeasuresReferencesFile opens a corpus file and the references file: the targeted
// requests land where the fake server offers something, definitions at references lead
// into the other files (except at the broken one), and the references file has its own
// first diagnostics, first hover and edits.
func TestMeasuresReferencesFile(t *testing.T) {
	ws, main, refs := writeRefsWorkspace(t)
	const n = 120
	rep, err := Run(Options{Workspace: ws, Refs: refs, Command: fakeCommand(t, "ok"), Requests: n, Edits: 10, Seed: 7,
		Timeout: 5 * time.Second, StartTimeout: 10 * time.Second, Deadline: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if rep.File != main || rep.NotesFiles != 3 {
		t.Errorf("opened %s of %d files; want %s (the biggest other than -refs) of 3", rep.File, rep.NotesFiles, main)
	}
	r := rep.Refs
	if r == nil || r.File != refs || r.FileLines != 40 {
		t.Fatalf("refs report %+v", r)
	}
	if r.References != 80 || r.PathOperators != 60 || rep.Targeted.References != 1 || rep.Targeted.PathOperators != 2 {
		t.Errorf("places: refs %d references, %d operators; opened file %d, %d", r.References, r.PathOperators, rep.Targeted.References, rep.Targeted.PathOperators)
	}
	for name, f := range map[string]float64{"opened": rep.FirstDiagnosticsMs, "refs": r.FirstDiagnosticsMs} {
		if f < ms(fakeOpenDelay) {
			t.Errorf("%s file: first diagnostics after %v ms, want >= %v", name, f, fakeOpenDelay)
		}
	}
	for name, h := range map[string]FirstHover{"opened": rep.FirstHover, "refs": r.FirstHover} {
		if h.Ms < ms(fakeHoverDelay) || h.Tries != 1 || h.Empty {
			t.Errorf("%s file: first hover %+v, want one answered try", name, h)
		}
	}
	for name, l := range map[string]Latency{
		"refs hover": r.HoverAtReference, "refs definition": r.DefinitionAtReference,
		"refs completion after --": r.CompletionAfterPath, "refs completion in [[": r.CompletionInReference,
		"hover": rep.Targeted.HoverAtReference, "definition": rep.Targeted.DefinitionAtReference,
		"completion after --": rep.Targeted.CompletionAfterPath, "completion in [[": rep.Targeted.CompletionInReference,
	} {
		if l.Count != n || l.Errors != 0 || l.Timeouts != 0 || !(0 < l.P50 && l.P50 <= l.P99 && l.P99 <= l.Max) {
			t.Errorf("%s: %+v, want %d answered (positions valid UTF-16)", name, l, n)
		}
	}
	for name, c := range map[string]struct {
		l    Latency
		each int
	}{
		"completion after --": {r.CompletionAfterPath, fakePathItems}, "completion in [[": {r.CompletionInReference, fakeRefItems},
	} {
		if c.l.Empty != 0 || c.l.Items != n*c.each {
			t.Errorf("refs %s: %d empty, %d items; want none empty, %d items each", name, c.l.Empty, c.l.Items, c.each)
		}
	}
	if rep.Completion.Empty == 0 {
		t.Errorf("completion at random positions: none empty; the fake offers nothing in bodies")
	}
	// Three of the four references of a line pair resolve, each to one location elsewhere.
	d := r.DefinitionAtReference
	if d.CrossFile+d.Empty != n || d.Items != d.CrossFile || d.Empty < n/8 || d.Empty > n/2 {
		t.Errorf("refs definitions: %d cross-file, %d empty, %d locations of %d", d.CrossFile, d.Empty, d.Items, n)
	}
	if d := rep.Targeted.DefinitionAtReference; d.CrossFile != n {
		t.Errorf("[[delta]] of the opened file: %d of %d answers lead to b.notes", d.CrossFile, n)
	}
	if rep.EditToDiagnostics.Count != 10 || r.EditToDiagnostics.Count != 10 || r.EditToDiagnostics.P50 < ms(fakeDebounce) {
		t.Errorf("edits: opened %+v, refs %+v", rep.EditToDiagnostics, r.EditToDiagnostics)
	}
	if rep.Shutdown != "clean (exit 0)" {
		t.Errorf("shutdown: %s (the fake server exits non-zero when a change was wrong)", rep.Shutdown)
	}

	var out bytes.Buffer
	writeTable(&out, rep)
	for _, want := range []string{"also opened " + refs, "refs.notes: first hover", "refs.notes: completion in [[", `completion after " -- "`,
		"refs.notes: edit -> diagnostics", "cross-file", "items"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	writeJSON(&out, rep)
	var back Report
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || back.Refs == nil || back.Refs.CompletionInReference.Items != n*fakeRefItems {
		t.Errorf("JSON report does not read back: %v", err)
	}
}

// TestFirstHover: a server that answers hovers with null while it indexes is asked again
// until it answers; one that never has a hover there is asked until the diagnostics come.
func TestFirstHover(t *testing.T) {
	ws, main, refs := writeRefsWorkspace(t)
	rep, err := Run(Options{Workspace: ws, File: main, Refs: refs, Command: fakeCommand(t, "slowindex"), Requests: 3, Edits: 2, Seed: 1,
		Timeout: 5 * time.Second, StartTimeout: 10 * time.Second, Deadline: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if h := rep.FirstHover; h.Tries != fakeIndexHovers+1 || h.Ms < ms(fakeIndexHovers*firstHoverRetry) || h.Empty || h.At.Line != 1 {
		t.Errorf("while indexing: first hover %+v, want %d tries, inside [[delta]] on line 2", h, fakeIndexHovers+1)
	}
	if h := rep.Refs.FirstHover; h.Tries != 1 || h.Empty {
		t.Errorf("refs file, opened after indexing: first hover %+v, want one try", h)
	}

	rep, err = Run(Options{Workspace: ws, File: main, Command: fakeCommand(t, "nohover"), Requests: 3, Edits: 2, Seed: 1,
		Timeout: 5 * time.Second, StartTimeout: 10 * time.Second, Deadline: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if h := rep.FirstHover; !h.Empty || h.Ms < ms(fakeOpenDelay) || h.Ms > 5000 || h.Tries < 1 {
		t.Errorf("never a hover: first hover %+v, want empty once the diagnostics came", h)
	}
	var out bytes.Buffer
	writeTable(&out, rep)
	if !strings.Contains(out.String(), ", line 2, empty)") {
		t.Errorf("table:\n%s", out.String())
	}
}

// TestDeadlineSharedByEveryKind: when the deadline binds, every kind of request and the
// edits of both files still get measured, and the run ends near the deadline.
func TestDeadlineSharedByEveryKind(t *testing.T) {
	ws, _, refs := writeRefsWorkspace(t)
	start := time.Now()
	rep, err := Run(Options{Workspace: ws, Refs: refs, Command: fakeCommand(t, "slow"), Requests: 10000, Edits: 10000, Seed: 1,
		Timeout: 5 * time.Second, StartTimeout: 10 * time.Second, Deadline: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v with a 4 s deadline", d)
	}
	for name, l := range map[string]Latency{
		"hover": rep.Hover, "definition": rep.Definition, "completion": rep.Completion,
		"refs hover": rep.Refs.HoverAtReference, "refs completion in [[": rep.Refs.CompletionInReference,
		"edits": rep.EditToDiagnostics, "refs edits": rep.Refs.EditToDiagnostics,
	} {
		if l.Count < 2 {
			t.Errorf("%s: %d measured", name, l.Count)
		}
	}
}

func TestTargets(t *testing.T) {
	d := newDocument("a -- b -- c = x -- y see [[😀 b]] and [[]] and [[p [[q]]\r\n[ ] t -- u https://x -- y\nz: w -- v [[open\n")
	var refs []string
	for _, r := range d.references() {
		refs = append(refs, d.lines[r.line][r.from:r.to])
	}
	if strings.Join(refs, "|") != "😀 b|q" {
		t.Errorf("references %q", refs)
	}
	var ops []position
	for _, o := range d.pathOperators() {
		ops = append(ops, d.position(o.line, o.from))
	}
	// col is the UTF-16 column in line l right after the first match of pattern.
	col := func(l int, pattern string) int {
		return utf16Len(d.lines[l][:strings.Index(d.lines[l], pattern)+len(pattern)])
	}
	if want := []position{{0, col(0, "a -- ")}, {0, col(0, "b -- ")}, {1, col(1, "t -- ")}}; !slices.Equal(ops, want) {
		t.Errorf("after \" -- \" at %v, want %v", ops, want)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	ref := d.references()[0]
	for i := 0; i < 100; i++ {
		in, typed := d.inside(rng, ref), d.typed(rng, ref)
		// 😀 is two units: its second would split it.
		start, emoji, b := col(0, "[["), col(0, "[[😀"), col(0, "[[😀 ")
		if in.Line != 0 || in.Character < start || in.Character > b || in.Character == start+1 {
			t.Fatalf("inside: %v", in)
		}
		if typed.Character != start && typed.Character != emoji && typed.Character != b {
			t.Fatalf("typed: %v", typed)
		}
	}
	for _, tc := range []struct {
		raw   string
		items int
		cross bool
	}{
		{`null`, 0, false},
		{`[]`, 0, false},
		{`{"isIncomplete":false,"items":[{"label":"a"},{"label":"b"}]}`, 2, false},
		{`[{"label":"a"}]`, 1, false},
		{`{"uri":"file:///w/self.notes","range":{}}`, 1, false},
		{`[{"uri":"file:///w/self.notes"},{"uri":"file:///w/other.notes"}]`, 2, true},
		{`[{"targetUri":"file:///w/other.notes"}]`, 1, true},
	} {
		items, cross := resultItems(json.RawMessage(tc.raw), "file:///w/self.notes")
		if items != tc.items || cross != tc.cross {
			t.Errorf("%s: %d items, cross %v; want %d, %v", tc.raw, items, cross, tc.items, tc.cross)
		}
	}
}

// The editor-like scenarios against the fake server, which checks every version and
// range it is sent and, at exit, that the typed entry was taken away again.
func TestScenarios(t *testing.T) {
	ws, _ := writeWorkspace(t)
	opts := Options{Workspace: ws, Command: fakeCommand(t, "ok"), Requests: 5, Edits: 10, Seed: 7,
		Scenarios: []string{"typing", "enter", "open"}, TypingEntries: 2, ServerStderr: filepath.Join(t.TempDir(), "stderr"),
		LanguageID: "notes", Timeout: 5 * time.Second, StartTimeout: 10 * time.Second, Deadline: time.Minute}
	rep, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	sc := rep.Scenarios
	if sc == nil || sc.Typing == nil || sc.Open == nil {
		t.Fatalf("scenarios: %+v", sc)
	}
	if len(sc.Typing.Typed) != opts.TypingEntries {
		t.Fatalf("typed %q, want %d entries", sc.Typing.Typed, opts.TypingEntries)
	}
	typed := 0
	for _, entry := range sc.Typing.Typed {
		typed += len([]rune(entry))
		if !strings.Contains(entry, " -- ") || !strings.Contains(entry, "[[") {
			t.Errorf("typed entry %q: want a path and a reference, to ask completion both", entry)
		}
	}
	if c, d := sc.Typing.KeystrokeToCompletion, sc.Typing.KeystrokeToDiagnostics; c.Count != typed || d.Count != typed || c.Errors+d.Timeouts != 0 {
		t.Errorf("typing %q: completion %+v, diagnostics %+v; want %d of each", sc.Typing.Typed, c, d, typed)
	}
	if sc.Enter.Count != 10 || sc.Enter.Timeouts != 0 {
		t.Errorf("enter: %+v, want 10", sc.Enter)
	}
	if o := sc.Open; o.Hover.Count == 0 || o.Hover.Count+o.Definition.Count+o.Completion.Count > 3*opts.Requests {
		t.Errorf("open: %+v", o)
	}
	if rep.Hover.Count != 0 || rep.EditToDiagnostics.Count != 0 {
		t.Errorf("probes ran without being asked: hover %d, edits %d", rep.Hover.Count, rep.EditToDiagnostics.Count)
	}
	if rep.Shutdown != "clean (exit 0)" {
		b, _ := os.ReadFile(opts.ServerStderr)
		t.Errorf("shutdown: %s; server stderr:\n%s", rep.Shutdown, b)
	}
	var out bytes.Buffer
	writeTable(&out, rep)
	for _, name := range []string{"enter", "typing"} {
		if _, ok := sc.CPUMs[name]; !ok {
			t.Errorf("no server CPU time over %s: %v; notes %q", name, sc.CPUMs, rep.Notes)
		}
	}
	for _, want := range []string{"typing in", "keystroke -> completion", "enter in the middle", "open: hover in the first second", "server CPU  enter "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := parseScenarios("typing,nope"); err == nil {
		t.Error("an unknown scenario was accepted")
	}
}
