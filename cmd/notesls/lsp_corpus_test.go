package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Golden tests of the server on the real corpus, testdata/system-design.notes, copied
// into a workspace folder of its own. Run with -update to rewrite testdata/lsp/*.golden.

var lspTestdata = filepath.Join("..", "..", "testdata", "lsp")

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/ with the current output")
	}
}

func lspUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// lspGolden compares got with testdata/lsp/name, or rewrites it under -update.
func lspGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(lspTestdata, name)
	if lspUpdating() {
		if err := os.MkdirAll(lspTestdata, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// corpusWorkspace copies the real corpus into a fresh folder and returns its path.
// openCorpus starts a server on a copy of the real corpus, as an editor opens it: the
// workspace initialized with editorCaps and the corpus open.
func openCorpus(t *testing.T) (c *lspClient, dir, uri, text string) {
	t.Helper()
	dir, file, text := corpusWorkspace(t)
	c = startServer(t)
	c.initialize(dir, editorCaps, nil)
	uri = lspFileURI(file)
	c.didOpen(uri, text)
	return c, dir, uri, text
}

func corpusWorkspace(t *testing.T) (dir, file, text string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "system-design.notes"))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	file = filepath.Join(dir, "system-design.notes")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, file, string(src)
}

// line returns the 1-based line n of text without its line end.
func corpusLine(text string, n int) string {
	return strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")[n-1]
}

// linePos finds pattern in line n (1-based) and returns its LSP position.
func linePos(t *testing.T, text string, n int, pattern string) lspPosition {
	t.Helper()
	p := lspPositionOf(t, corpusLine(text, n), pattern)
	p.Line = n - 1
	return p
}

// scrub makes output independent of the temporary directory.
func lspScrub(b []byte, dir string) []byte {
	b = bytes.ReplaceAll(b, []byte(lspFileURI(dir)), []byte("file://$WORKSPACE"))
	return bytes.ReplaceAll(b, []byte(dir), []byte("$WORKSPACE"))
}

func lspIndentJSON(t *testing.T, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

func TestLSPCorpusHover(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	uri := lspFileURI(file)
	msg := c.call("textDocument/hover", textDocPos(uri, linePos(t, text, 415, `extension of (CAP)`)))
	if msg.Error != nil {
		t.Fatalf("hover: %+v", msg.Error)
	}
	var hover struct {
		Contents struct{ Kind, Value string }
		Range    *lspRange
	}
	if err := json.Unmarshal(msg.Result, &hover); err != nil || hover.Range == nil {
		t.Fatalf("hover result %s: %v", msg.Result, err)
	}
	if hover.Contents.Kind != "markdown" {
		t.Errorf("hover kind %q, want markdown", hover.Contents.Kind)
	}
	for _, want := range []string{"system-design.notes:141", "https://www.infoq.com/articles/cap-twelve-years-later-how-the-rules-have-changed/"} {
		if !strings.Contains(hover.Contents.Value, want) {
			t.Errorf("hover on CAP lacks %q:\n%s", want, hover.Contents.Value)
		}
	}
	if want := (lspRange{linePos(t, text, 415, `extension of (CAP)`), linePos(t, text, 415, `extension of CAP()`)}); *hover.Range != want {
		t.Errorf("hover range %v, want the hovered word %v", *hover.Range, want)
	}
	lspGolden(t, "hover-cap.golden", lspScrub(lspIndentJSON(t, msg.Result), dir))

	// A path segment means the path up to it: children, references, every definition.
	msg = c.call("textDocument/hover", textDocPos(uri, linePos(t, text, 198, `^data store -- (d)atabase`)))
	if err := json.Unmarshal(msg.Result, &hover); err != nil || hover.Range == nil {
		t.Fatalf("hover on database: %s: %v", msg.Result, err)
	}
	for _, want := range []string{"data store -- database", "sharding", "NoSQL", "replica"} {
		if !strings.Contains(hover.Contents.Value, want) {
			t.Errorf("hover on database in line 198 lacks %q:\n%s", want, hover.Contents.Value)
		}
	}
	lspGolden(t, "hover-database.golden", lspScrub(lspIndentJSON(t, msg.Result), dir))

	// Nothing known under the cursor: null.
	if msg := c.call("textDocument/hover", textDocPos(uri, linePos(t, text, 415, `extension (of) CAP`))); msg.Error != nil || string(msg.Result) != "null" {
		t.Errorf("hover on a plain word: %+v %s, want null", msg.Error, msg.Result)
	}
}

func TestLSPCorpusDefinition(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	uri := lspFileURI(file)
	at := linePos(t, text, 313, `\[\[jump (s)erver\]\]`)

	c := startServer(t)
	c.initialize(dir, editorCaps, nil) // linkSupport: LocationLinks
	msg := c.call("textDocument/definition", textDocPos(uri, at))
	var links []struct {
		OriginSelectionRange *lspRange `json:"originSelectionRange"`
		TargetURI            string    `json:"targetUri"`
		TargetRange          lspRange  `json:"targetRange"`
		TargetSelectionRange lspRange  `json:"targetSelectionRange"`
	}
	if msg.Error != nil || json.Unmarshal(msg.Result, &links) != nil || len(links) != 1 {
		t.Fatalf("definition: %+v %s, want one link", msg.Error, msg.Result)
	}
	l := links[0]
	if l.TargetURI != uri || l.TargetRange.Start.Line != 311 || l.TargetSelectionRange.Start.Line != 311 {
		t.Errorf("definition of [[jump server]] = %+v, want line 312 (0-based 311)", l)
	}
	if l.OriginSelectionRange == nil || l.OriginSelectionRange.Start.Line != 312 ||
		l.OriginSelectionRange.Start.Character > at.Character || l.OriginSelectionRange.End.Character < at.Character {
		t.Errorf("origin %+v does not cover the reference at %v", l.OriginSelectionRange, at)
	}
	lspGolden(t, "definition-jump-server.golden", lspScrub(lspIndentJSON(t, msg.Result), dir))

	// A client without linkSupport gets Locations.
	c2 := startServer(t)
	c2.initialize(dir, map[string]any{}, nil)
	var locs []struct {
		URI   string   `json:"uri"`
		Range lspRange `json:"range"`
	}
	c2.result("textDocument/definition", textDocPos(uri, at), &locs)
	if len(locs) != 1 || locs[0].URI != uri || locs[0].Range.Start.Line != 311 {
		t.Errorf("definition as Location = %+v, want line 312", locs)
	}
}

func TestLSPCorpusCompletion(t *testing.T) {
	c, dir, uri, text := openCorpus(t)
	// Type a new last line, as a user does, then ask for completion at its end.
	end := lspUTF16Position(text, len(text))
	typed := "data store -- database -- "
	at := c.typeAt(uri, 2, end, typed)
	msg := c.call("textDocument/completion", map[string]any{
		"textDocument": map[string]any{"uri": uri}, "position": at,
		"context": map[string]any{"triggerKind": 2, "triggerCharacter": " "},
	})
	var list struct {
		IsIncomplete bool `json:"isIncomplete"`
		Items        []struct {
			Label    string `json:"label"`
			Kind     int    `json:"kind"`
			Detail   string `json:"detail"`
			TextEdit struct {
				Range   lspRange `json:"range"`
				NewText string   `json:"newText"`
			} `json:"textEdit"`
		} `json:"items"`
	}
	if msg.Error != nil || json.Unmarshal(msg.Result, &list) != nil {
		t.Fatalf("completion: %+v %s", msg.Error, msg.Result)
	}
	labels := map[string]bool{}
	for _, it := range list.Items {
		labels[it.Label] = true
		if it.Kind == 0 {
			t.Errorf("item %q has no kind", it.Label)
		}
		if it.TextEdit.Range != (lspRange{at, at}) || it.TextEdit.NewText != it.Label {
			t.Errorf("item %q edit %+v, want inserting the label at %v", it.Label, it.TextEdit, at)
		}
	}
	for _, want := range []string{"sharding", "NoSQL", "replica"} {
		if !labels[want] {
			t.Errorf("completion after %q lacks %q; got %d items", typed, want, len(list.Items))
		}
	}
	lspGolden(t, "completion-data-store-database.golden", lspScrub(lspIndentJSON(t, msg.Result), dir))

	// A typed prefix is replaced exactly, and a typo is tolerated.
	at2 := c.typeAt(uri, 3, at, "shradi")
	c.result("textDocument/completion", textDocPos(uri, at2), &list)
	found := false
	for _, it := range list.Items {
		if it.Label == "sharding" {
			found = true
			if it.TextEdit.Range != (lspRange{at, at2}) {
				t.Errorf("sharding replaces %+v, want exactly the typed prefix %v-%v", it.TextEdit.Range, at, at2)
			}
		}
	}
	if !found {
		t.Errorf("completion of the typo \"shradi\" lacks sharding")
	}
}

// checkFinding is a finding as both --check and the server report it.
type checkFinding struct {
	Line, Column, EndLine, EndColumn int
	Severity, Rule, Message          string
	Related                          []int // lines
}

func (f checkFinding) String() string {
	return fmt.Sprintf("%d:%d-%d:%d %s %s %q related %v", f.Line, f.Column, f.EndLine, f.EndColumn, f.Severity, f.Rule, f.Message, f.Related)
}

// corpusCheckEqualsServer checks that --check and the server report the same findings on
// the corpus in dir, with its .notesls.json if any, and returns what the server published.
func corpusCheckEqualsServer(t *testing.T, dir, file, text string) publishParams {
	t.Helper()
	uri := lspFileURI(file)

	// What --check reports.
	cmd := exec.Command(notesBinary, "--check", "--format", "json", file)
	cmd.Dir = dir
	out, err := cmd.Output()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("--check exit status %d (%v), want 1", code, err)
	}
	var report struct {
		Diagnostics []struct {
			Line, Column, EndLine, EndColumn int
			Severity, Rule, Message          string
			Related                          []struct{ Line int }
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("--check json: %v", err)
	}
	var want []string
	for _, d := range report.Diagnostics {
		f := checkFinding{d.Line, d.Column, d.EndLine, d.EndColumn, d.Severity, d.Rule, d.Message, []int{}}
		for _, r := range d.Related {
			f.Related = append(f.Related, r.Line)
		}
		want = append(want, f.String())
	}

	// What the server publishes when the workspace opens.
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	p := c.waitDiagnostics(uri, nil)
	severities := map[int]string{1: "error", 2: "warning", 3: "info", 4: "hint"}
	var got []string
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for _, d := range *p.Diagnostics {
		if d.Source != "notesls" {
			t.Errorf("diagnostic source %q, want notesls", d.Source)
		}
		f := checkFinding{
			Line: d.Range.Start.Line + 1, Column: runeColumn(lines[d.Range.Start.Line], d.Range.Start.Character),
			EndLine: d.Range.End.Line + 1, EndColumn: runeColumn(lines[d.Range.End.Line], d.Range.End.Character),
			Severity: severities[d.Severity], Rule: d.Code, Message: d.Message, Related: []int{},
		}
		for _, r := range d.RelatedInformation {
			if r.Location.URI != uri {
				t.Errorf("related information in %s, want %s", r.Location.URI, uri)
			}
			f.Related = append(f.Related, r.Location.Range.Start.Line+1)
		}
		if d.Code == "redundant-stub" && !lspEqualInts(d.Tags, []int{1}) {
			t.Errorf("redundant stub on line %d has tags %v, want [1] (Unnecessary)", f.Line, d.Tags)
		}
		got = append(got, f.String())
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("server diagnostics differ from --check:\n--- server\n%s\n--- --check\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	return p
}

// With unlinked-mention turned on in .notesls.json, --check and the server still agree.
func TestLSPCorpusMentionsEqualCheck(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	lspWriteFile(t, filepath.Join(dir, ".notesls.json"), `{"rules": {"unlinked-mention": "hint"}}`)
	p := corpusCheckEqualsServer(t, dir, file, text)
	n := 0
	for _, d := range *p.Diagnostics {
		if d.Code == "unlinked-mention" {
			n++
		}
	}
	if n != 270 {
		t.Errorf("%d unlinked mentions on the corpus, want 270", n)
	}
}

func TestLSPCorpusDiagnosticsEqualCheck(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	p := corpusCheckEqualsServer(t, dir, file, text)

	// And both are what the format specification lists for the corpus.
	expected := map[string][]int{
		"malformed-separator": {83},
		"empty-definition":    {349, 350, 354},
		"duplicate-url":       {309},
		"redundant-stub":      {68, 382, 388, 488},
		"near-duplicate":      {38, 88, 120, 293, 301, 334, 362, 434, 441, 475, 568, 569},
		"unbalanced-brackets": {39, 82, 149, 281},
	}
	byRule := map[string][]int{}
	for _, d := range *p.Diagnostics {
		byRule[d.Code] = append(byRule[d.Code], d.Range.Start.Line+1)
	}
	for rule := range byRule {
		sort.Ints(byRule[rule])
	}
	if fmt.Sprint(byRule) != fmt.Sprint(expected) {
		t.Errorf("findings by rule:\n got %v\nwant %v", byRule, expected)
	}
}

// runeColumn converts a UTF-16 column to the 1-based code point column --check prints.
func runeColumn(line string, utf16Col int) int {
	col, units := 1, 0
	for _, r := range line {
		if units >= utf16Col {
			break
		}
		units++
		if r >= 0x10000 {
			units++
		}
		col++
	}
	if units < utf16Col { // past the end of the line
		col += utf16Col - units
	}
	return col
}

func lspEqualInts(a, b []int) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// A client that cannot render Markdown, or renders it without hiding link syntax (Neovim
// before 0.10), gets hovers and completion documentation in plain text.
func TestLSPCorpusHoverFormatPerClient(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	uri := lspFileURI(file)
	for _, tc := range []struct {
		name, client, version string
		formats               []string
		want                  string
	}{
		{"eglot without markdown-mode", "Eglot", "1.9", []string{"plaintext"}, "plaintext"},
		{"Neovim 0.7", "Neovim", "0.7.2", []string{"markdown", "plaintext"}, "plaintext"},
		{"Neovim 0.9", "Neovim", "0.9.5", []string{"markdown", "plaintext"}, "plaintext"},
		{"Neovim 0.10", "Neovim", "0.10.0", []string{"markdown", "plaintext"}, "markdown"},
		{"VS Code", "Visual Studio Code", "1.139.0", []string{"markdown", "plaintext"}, "markdown"},
		{"a client that says nothing", "", "", nil, "markdown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := startServer(t)
			td := map[string]any{}
			if tc.formats != nil {
				td["hover"] = map[string]any{"contentFormat": tc.formats}
				td["completion"] = map[string]any{"completionItem": map[string]any{"documentationFormat": tc.formats}}
			}
			params := map[string]any{
				"processId": os.Getpid(), "rootUri": lspFileURI(dir),
				"capabilities": map[string]any{"textDocument": td},
			}
			if tc.client != "" {
				params["clientInfo"] = map[string]string{"name": tc.client, "version": tc.version}
			}
			c.result("initialize", params, nil)
			c.notify("initialized", map[string]any{})
			c.didOpen(uri, text)
			var hover struct{ Contents struct{ Kind, Value string } }
			c.result("textDocument/hover", textDocPos(uri, linePos(t, text, 415, `extension of (CAP)`)), &hover)
			if hover.Contents.Kind != tc.want {
				t.Fatalf("hover kind %q, want %q", hover.Contents.Kind, tc.want)
			}
			value := hover.Contents.Value
			for _, want := range []string{"CAP", "system-design.notes:141", "https://www.infoq.com/articles/cap-twelve-years-later-how-the-rules-have-changed/"} {
				if !strings.Contains(value, want) {
					t.Errorf("hover lacks %q:\n%s", want, value)
				}
			}
			if tc.want == "plaintext" {
				for _, raw := range []string{"**", "](", "<http", `\`} {
					if strings.Contains(value, raw) {
						t.Errorf("plain-text hover holds Markdown syntax %q:\n%s", raw, value)
					}
				}
				lspGolden(t, "hover-cap-plain.golden", lspScrub([]byte(value), dir))
			}
			var list struct {
				Items []struct {
					Label         string
					Documentation *struct{ Kind, Value string }
				}
			}
			c.result("textDocument/completion", textDocPos(uri, linePos(t, text, 313, `\[\[()jump server`)), &list)
			documented := 0
			for _, it := range list.Items {
				if it.Documentation != nil {
					documented++
					if it.Documentation.Kind != tc.want {
						t.Fatalf("completion %q documentation kind %q, want %q", it.Label, it.Documentation.Kind, tc.want)
					}
				}
			}
			if documented == 0 {
				t.Errorf("no completion after [[ carries documentation (%d items)", len(list.Items))
			}
		})
	}
}

// TestLSPCompletionEditRangeDefault: a client that takes LSP 3.17's
// completionList.itemDefaults with editRange gets the range an item replaces once, in
// the list's itemDefaults, and items without an edit of their own (each inserts its
// label there); the range is still exactly the typed prefix.
func TestLSPCompletionEditRangeDefault(t *testing.T) {
	dir, file, text := corpusWorkspace(t)
	caps := maps.Clone(editorCaps)
	textDocument := maps.Clone(editorCaps["textDocument"].(map[string]any))
	textDocument["completion"] = map[string]any{"completionList": map[string]any{"itemDefaults": []string{"commitCharacters", "editRange", "data"}}}
	caps["textDocument"] = textDocument
	c := startServer(t)
	c.initialize(dir, caps, nil)
	uri := lspFileURI(file)
	c.didOpen(uri, text)
	end := lspUTF16Position(text, len(text))
	typed := "data store -- database -- "
	at := c.typeAt(uri, 2, end, typed)
	type list struct {
		ItemDefaults *struct {
			EditRange lspRange `json:"editRange"`
		} `json:"itemDefaults"`
		Items []struct {
			Label    string          `json:"label"`
			TextEdit json.RawMessage `json:"textEdit"`
		} `json:"items"`
	}
	check := func(what string, got list, want lspRange, label string) {
		t.Helper()
		if got.ItemDefaults == nil || got.ItemDefaults.EditRange != want {
			t.Fatalf("%s: itemDefaults %+v, want the edit range %v", what, got.ItemDefaults, want)
		}
		found := false
		for _, it := range got.Items {
			found = found || it.Label == label
			if it.TextEdit != nil {
				t.Errorf("%s: item %q has an edit of its own: %s", what, it.Label, it.TextEdit)
			}
		}
		if !found {
			t.Errorf("%s: no %q among %d items", what, label, len(got.Items))
		}
	}
	var got list
	c.result("textDocument/completion", textDocPos(uri, at), &got)
	check("after the path operator", got, lspRange{at, at}, "sharding")

	at2 := c.typeAt(uri, 3, at, "shradi")
	got = list{}
	c.result("textDocument/completion", textDocPos(uri, at2), &got)
	check("a typo typed", got, lspRange{at, at2}, "sharding")
}
