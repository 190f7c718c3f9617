package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Renaming data store to storage in a two-file workspace: every line under the topic and
// every reference spelling it, in both files, sorted after; and the refusals.
func TestLSPRename(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	b := filepath.Join(dir, "b.notes")
	aText := "cache = fast memory\n" +
		"data store -- database -- sharding = split by key\n" +
		"data store -- database = tables, see [[data store -- queue]]\n" +
		"data store -- queue = first in, first out\n" +
		"data store = where data lives\n" +
		"zebra = last\n"
	bText := "alpha = see [[data store]] and [[database]]\n" +
		"beta -> data store -- queue\n" +
		"gamma = nothing to rename here\n"
	lspWriteFile(t, a, aText)
	lspWriteFile(t, b, bText)
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	aURI, bURI := lspFileURI(a), lspFileURI(b)
	c.didOpen(aURI, aText)

	var prep struct {
		Range       lspRange `json:"range"`
		Placeholder string   `json:"placeholder"`
	}
	at := lspPosition{Line: 2, Character: 3} // in "data store" of line 3
	c.result("textDocument/prepareRename", textDocPos(aURI, at), &prep)
	if prep.Placeholder != "data store" || prep.Range != (lspRange{lspPosition{Line: 2}, lspPosition{Line: 2, Character: 10}}) {
		t.Errorf("prepareRename: %+v", prep)
	}
	if msg := c.call("textDocument/prepareRename", textDocPos(aURI, lspPosition{Line: 0, Character: 12})); msg.Error == nil {
		t.Errorf("prepareRename on a body word: %s, want a refusal", msg.Result)
	}

	var edit struct {
		Changes map[string][]lspTextEdit `json:"changes"`
	}
	c.result("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": aURI}, "position": at, "newName": "storage"}, &edit)
	gotA := applyLSPEdits(t, aText, edit.Changes[aURI])
	gotB := applyLSPEdits(t, bText, edit.Changes[bURI])
	wantA := "cache = fast memory\n" +
		"storage -- database -- sharding = split by key\n" +
		"storage -- database = tables, see [[storage -- queue]]\n" +
		"storage -- queue = first in, first out\n" +
		"storage = where data lives\n" +
		"zebra = last\n"
	wantB := "alpha = see [[storage]] and [[database]]\n" +
		"beta -> storage -- queue\n" +
		"gamma = nothing to rename here\n"
	if gotA != wantA || gotB != wantB || len(edit.Changes) != 2 {
		t.Fatalf("after the rename:\na.notes:\n%s\nb.notes:\n%s\n(%d files changed)", gotA, gotB, len(edit.Changes))
	}
	// The renamed workspace checks clean: sorted, every reference resolving.
	renamed := t.TempDir()
	lspWriteFile(t, filepath.Join(renamed, "a.notes"), gotA)
	lspWriteFile(t, filepath.Join(renamed, "b.notes"), gotB)
	if out, _, code := runNotes(t, renamed, "--check", "--fail-on", "info", "."); code != 0 {
		t.Errorf("--check of the renamed workspace: exit %d\n%s", code, out)
	}

	// Renaming a name spelled alone in a reference renames the reference too, and the
	// block is sorted again: "zz" moves to the end.
	c.result("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": aURI},
		"position": lspPosition{Line: 1, Character: 15}, "newName": "zz"}, &edit)
	gotA = applyLSPEdits(t, aText, edit.Changes[aURI])
	if want := "cache = fast memory\n" +
		"data store -- queue = first in, first out\n" +
		"data store -- zz -- sharding = split by key\n" +
		"data store -- zz = tables, see [[data store -- queue]]\n" +
		"data store = where data lives\n" +
		"zebra = last\n"; gotA != want {
		t.Errorf("rename of database to zz, a.notes:\n%s\nwant\n%s", gotA, want)
	}
	if got := applyLSPEdits(t, bText, edit.Changes[bURI]); !strings.Contains(got, "[[zz]]") {
		t.Errorf("rename of database to zz: b.notes:\n%s", got)
	}

	// F2 on a reference renames the topic it names: by its name, [[database]] in b.notes
	// gives the same edit as the segment in a.notes ...
	bAt := lspPositionOf(t, bText, "database]]")
	c.result("textDocument/prepareRename", textDocPos(bURI, bAt), &prep)
	if prep.Placeholder != "database" || prep.Range != (lspRange{bAt, lspPosition{Line: bAt.Line, Character: bAt.Character + 8}}) {
		t.Errorf("prepareRename on [[database]]: %+v", prep)
	}
	var fromRef struct {
		Changes map[string][]lspTextEdit `json:"changes"`
	}
	c.result("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": bURI}, "position": bAt, "newName": "zz"}, &fromRef)
	if got := applyLSPEdits(t, aText, fromRef.Changes[aURI]); got != gotA {
		t.Errorf("rename of [[database]] to zz, a.notes:\n%s\nwant\n%s", got, gotA)
	}
	if got := applyLSPEdits(t, bText, fromRef.Changes[bURI]); !strings.Contains(got, "[[zz]]") {
		t.Errorf("rename of [[database]] to zz: b.notes:\n%s", got)
	}
	// ... and by a segment of its path, "queue" in [[data store -- queue]], the topic up
	// to that segment, soft references included.
	c.result("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": aURI},
		"position": lspPositionOf(t, aText, "queue]]"), "newName": "fifo"}, &fromRef)
	gotA, gotB = applyLSPEdits(t, aText, fromRef.Changes[aURI]), applyLSPEdits(t, bText, fromRef.Changes[bURI])
	if !strings.Contains(gotA, "see [[data store -- fifo]]") || !strings.Contains(gotA, "data store -- fifo = first in") ||
		strings.Contains(gotA, "queue") || gotB != strings.Replace(bText, "-> data store -- queue", "-> data store -- fifo", 1) {
		t.Errorf("rename of queue in [[data store -- queue]] to fifo:\na.notes:\n%s\nb.notes:\n%s", gotA, gotB)
	}
	// A reference that names nothing is no topic to rename.
	broken := "omega = see [[nowhere]]\n"
	cURI := lspFileURI(filepath.Join(dir, "c.notes"))
	c.didOpen(cURI, broken)
	if msg := c.call("textDocument/prepareRename", textDocPos(cURI, lspPositionOf(t, broken, "nowhere"))); msg.Error == nil {
		t.Errorf("prepareRename on a broken reference: %s, want a refusal", msg.Result)
	}

	for name, why := range map[string]string{
		"":          "empty",
		"a -- b":    "path operator",
		"x [[y]]":   "reference",
		"x = y":     "separator",
		"two\nline": "line end",
		"cache":     "a.notes:1",
		"x (y)":     "one name",
	} {
		msg := c.call("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": aURI}, "position": at, "newName": name})
		if msg.Error == nil || !strings.Contains(msg.Error.Message, why) {
			t.Errorf("rename to %q: %+v %s, want a refusal naming %q", name, msg.Error, msg.Result, why)
		}
	}
	if _, err := os.Stat(a); err != nil {
		t.Fatal(err)
	}
}

// References to a topic: the references to it, the lines whose path runs through it,
// and with includeDeclaration its definition.
func TestLSPReferencesUses(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	text := "db -- index = faster reads\n" +
		"db -- replica -- lag = delay\n" +
		"db = a database (DB)\n" +
		"other = see [[db]]\n"
	lspWriteFile(t, a, text)
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	uri := lspFileURI(a)
	c.didOpen(uri, text)
	lines := func(include bool) []int {
		var refs []struct{ Range lspRange }
		c.result("textDocument/references", map[string]any{
			"textDocument": map[string]any{"uri": uri}, "position": lspPosition{Line: 2, Character: 0},
			"context": map[string]any{"includeDeclaration": include},
		}, &refs)
		var out []int
		for _, r := range refs {
			out = append(out, r.Range.Start.Line+1)
		}
		return out
	}
	if got := fmt.Sprint(lines(false)); got != "[1 2 4]" {
		t.Errorf("references without the declaration on lines %s, want [1 2 4]: the two lines under db and the [[db]]", got)
	}
	if got := fmt.Sprint(lines(true)); got != "[1 2 3 4]" {
		t.Errorf("references with the declaration on lines %s, want [1 2 3 4]", got)
	}
}

type lspCodeAction struct {
	Title       string `json:"title"`
	Kind        string `json:"kind"`
	IsPreferred bool   `json:"isPreferred"`
	Diagnostics []struct {
		Code string `json:"code"`
	} `json:"diagnostics"`
	Edit struct {
		Changes map[string][]lspTextEdit `json:"changes"`
	} `json:"edit"`
}

// Quick fixes on the corpus, each the edit --fix makes or a safe local one, and fix-all
// equal to --fix.
func TestLSPCorpusCodeActions(t *testing.T) {
	c, dir, uri, text := openCorpus(t)
	p := c.waitDiagnostics(uri, nil)
	actions := func(line int, only ...string) []lspCodeAction {
		var diags []lspDiagnostic
		for _, d := range *p.Diagnostics {
			if d.Range.Start.Line == line-1 {
				diags = append(diags, d)
			}
		}
		ctx := map[string]any{"diagnostics": diags}
		if len(only) > 0 {
			ctx["only"] = only
		}
		var out []lspCodeAction
		c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
			"range": lspRange{lspPosition{Line: line - 1}, lspPosition{Line: line - 1, Character: 1}}, "context": ctx}, &out)
		return out
	}
	lines := strings.Split(text, "\n")
	for _, tc := range []struct {
		line      int
		title     string
		wantLine  string // what the line reads after the fix; "" for deleted
		wantRule  string
		otherFile bool
	}{
		// Fixed, "API -- gateway" sorts among the API -- lines above: it moves to line 51.
		{83, "Fix the line (malformed-separator)", "API -- gateway", "malformed-separator", false},
		{68, "Delete the redundant stub", "", "redundant-stub", false},
	} {
		var got *lspCodeAction
		for _, a := range actions(tc.line, "quickfix") {
			if a.Title == tc.title {
				got = &a
			}
		}
		if got == nil || got.Kind != "quickfix" || len(got.Diagnostics) != 1 || got.Diagnostics[0].Code != tc.wantRule {
			t.Errorf("line %d: no %q quick fix linked to its finding: %+v", tc.line, tc.title, got)
			continue
		}
		after := strings.Split(applyLSPEdits(t, text, got.Edit.Changes[uri]), "\n")
		if tc.wantLine == "" {
			if len(after) != len(lines)-1 || after[tc.line-1] != lines[tc.line] {
				t.Errorf("line %d: the stub was not deleted alone", tc.line)
			}
		} else if len(after) != len(lines) || after[50] != tc.wantLine || after[tc.line-1] != lines[tc.line-2] {
			t.Errorf("line %d after the fix: lines 51 %q and %d %q, want %q moved to line 51", tc.line, after[50], tc.line, after[tc.line-1], tc.wantLine)
		}
	}
	// The near-duplicate "best practicies" (362) renames into "best practices" (38).
	var rename *lspCodeAction
	for _, a := range actions(362, "quickfix") {
		if strings.HasPrefix(a.Title, "Rename ") {
			rename = &a
		}
	}
	if rename == nil || !strings.Contains(rename.Title, `"best practicies" to "best practices"`) {
		t.Errorf("no rename quick fix on the near-duplicate of line 362: %+v", rename)
	} else if after := applyLSPEdits(t, text, rename.Edit.Changes[uri]); strings.Contains(after, "best practicies") {
		t.Errorf("after the rename the misspelling remains")
	}
	// Fix all is --fix.
	var fixAll *lspCodeAction
	for _, a := range actions(1, "source.fixAll") {
		if a.Kind == "source.fixAll.notesls" {
			fixAll = &a
		}
	}
	var format []lspTextEdit
	c.result("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}, &format)
	if fixAll == nil || applyLSPEdits(t, text, fixAll.Edit.Changes[uri]) != applyLSPEdits(t, text, format) {
		t.Errorf("fix all: %+v, want the formatting's (--fix's) result", fixAll)
	}
	if got := actions(1, "refactor"); len(got) != 0 {
		t.Errorf("asked only for refactorings: %+v", got)
	}

	// Every finding's line with the actions offered there, each edit with the text it
	// replaces; then the source actions.
	doc := newGoldenDoc(text)
	docs := map[string]goldenDoc{uri: doc}
	findingLines := map[int][]string{}
	for _, d := range *p.Diagnostics {
		findingLines[d.Range.Start.Line+1] = append(findingLines[d.Range.Start.Line+1], d.Code)
	}
	var ordered []int
	for ln := range findingLines {
		ordered = append(ordered, ln)
	}
	sort.Ints(ordered)
	var b strings.Builder
	b.WriteString(goldenHeader)
	render := func(a lspCodeAction) {
		var linked []string
		for _, d := range a.Diagnostics {
			linked = append(linked, d.Code)
		}
		fmt.Fprintf(&b, "- %q kind %s preferred %v diagnostics %v\n", a.Title, a.Kind, a.IsPreferred, linked)
		goldenWorkspaceEdit(t, &b, a.Edit.Changes, docs, dir)
	}
	for _, ln := range ordered {
		acts := actions(ln, "quickfix")
		fmt.Fprintf(&b, "line %d %s, findings %v: %d quick fixes\n", ln, goldenQuote(lines[ln-1]), findingLines[ln], len(acts))
		for _, a := range acts {
			render(a)
		}
	}
	b.WriteString("source actions:\n")
	for _, a := range actions(1, "source") {
		render(a)
	}

	// Line 83 fixed in place by typing: it breaks the order of its block, and "sort
	// lines" moves it, nothing else.
	edited := strings.Replace(text, "API --gateway\n", "API -- gateway\n", 1)
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []map[string]any{{"text": edited}},
	})
	p = c.waitDiagnostics(uri, hasVersion(2))
	var sorts []lspCodeAction
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range": lspRange{}, "context": map[string]any{"diagnostics": []any{}, "only": []string{"source.sortLines.notesls"}}}, &sorts)
	if len(sorts) != 1 {
		t.Fatalf("sort lines after line 83's edit: %+v", sorts)
	}
	b.WriteString("source.sortLines.notesls after line 83 reads \"API -- gateway\":\n")
	docs[uri] = newGoldenDoc(edited)
	render(sorts[0])
	got, before := strings.Split(applyLSPEdits(t, edited, sorts[0].Edit.Changes[uri]), "\n"), strings.Split(edited, "\n")
	if got[50] != "API -- gateway" || fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(before)) {
		t.Errorf("sort lines does not move line 83 to line 51 alone: line 51 reads %q", got[50])
	}
	lspGolden(t, "codeactions.golden", []byte(b.String()))
}

// A broken reference's quick fixes: each suggestion in its place, or an entry created at
// its sorted place.
func TestLSPBrokenReferenceFixes(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	text := "jump server = a bastion host\njumpbox = see [[jump servr]]\nzeta = z"
	lspWriteFile(t, a, text)
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	uri := lspFileURI(a)
	c.didOpen(uri, text)
	c.waitDiagnostics(uri, nil)
	var acts []lspCodeAction
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range": lspRange{lspPosition{Line: 1, Character: 16}, lspPosition{Line: 1, Character: 16}}, "context": map[string]any{"diagnostics": []any{}}}, &acts)
	byTitle := map[string]lspCodeAction{}
	for _, a := range acts {
		byTitle[a.Title] = a
	}
	change, ok := byTitle["Change to [[jump server]]"]
	if !ok || !change.IsPreferred {
		t.Fatalf("no preferred change to the suggestion: %+v", acts)
	}
	if got := applyLSPEdits(t, text, change.Edit.Changes[uri]); got != "jump server = a bastion host\njumpbox = see [[jump server]]\nzeta = z" {
		t.Errorf("after the change:\n%s", got)
	}
	create, ok := byTitle[`Create an entry for "jump servr"`]
	if !ok {
		t.Fatalf("no create action: %+v", acts)
	}
	if got := applyLSPEdits(t, text, create.Edit.Changes[uri]); got != "jump server = a bastion host\njump servr\njumpbox = see [[jump servr]]\nzeta = z" {
		t.Errorf("after the create:\n%s", got)
	}
}

func sorted(lines []string) []string {
	out := append([]string(nil), lines...)
	sort.Strings(out)
	return out
}

// A misspelling of a name written with ordinals renames into the bare name, keeping its
// own numbering.
func TestLSPNearDuplicateOfNumberedName(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	text := "topic -- 01 Consistency = x\ntopic -- 1. Consistency = y\ntopic -- 3 Consistensy = w\n"
	lspWriteFile(t, a, text)
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	uri := lspFileURI(a)
	c.didOpen(uri, text)
	p := c.waitDiagnostics(uri, nil)
	if len(*p.Diagnostics) != 1 || (*p.Diagnostics)[0].Range.Start.Line != 2 ||
		(*p.Diagnostics)[0].Message != `"Consistency" (lines 1, 2) looks like the same name: one letter apart` {
		t.Fatalf("want one near-duplicate finding on line 3: %s", diagnosticsString(p))
	}
	var acts []lspCodeAction
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range": lspRange{lspPosition{Line: 2, Character: 12}, lspPosition{Line: 2, Character: 12}}, "context": map[string]any{"diagnostics": []any{}}}, &acts)
	for _, act := range acts {
		if act.Title == `Rename "3 Consistensy" to "3 Consistency" everywhere` {
			if got := applyLSPEdits(t, text, act.Edit.Changes[uri]); got != strings.Replace(text, "Consistensy", "Consistency", 1) {
				t.Errorf("after the rename:\n%s", got)
			}
			return
		}
	}
	t.Errorf("no rename keeping the ordinal: %+v", acts)
}

// unlinked-mention, turned on in .notesls.json: the hint, its quick fix wrapping the
// mention, after which the hint is gone; and a term defined in another file makes a
// mention in the open file appear.
func TestLSPUnlinkedMention(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.notes"), filepath.Join(dir, "b.notes")
	text := "queue = sits before a Load Balancer\nsharding = splitting data, each part with a replica\n"
	lspWriteFile(t, a, text)
	lspWriteFile(t, b, "load balancer = spreads requests\n")
	lspWriteFile(t, filepath.Join(dir, ".notesls.json"), `{"rules": {"unlinked-mention": "hint"}}`)
	c := startServer(t)
	c.initialize(dir, editorCaps, nil)
	ua, ub := lspFileURI(a), lspFileURI(b)
	c.didOpen(ua, text)
	p := c.waitDiagnostics(ua, hasVersion(1))
	want := `0:22-0:35 unlinked-mention "Load Balancer" is a term (` + b + `:1): link it as [[Load Balancer]]` + "\n"
	if got := diagnosticsString(p); got != want || (*p.Diagnostics)[0].Severity != 4 {
		t.Fatalf("a.notes: %s, want the hint %s", got, want)
	}
	var acts []lspCodeAction
	c.result("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": ua},
		"range":   lspRange{lspPosition{Line: 0, Character: 25}, lspPosition{Line: 0, Character: 25}},
		"context": map[string]any{"diagnostics": *p.Diagnostics, "only": []string{"quickfix"}}}, &acts)
	if len(acts) != 1 || acts[0].Title != "Link it as [[Load Balancer]]" || !acts[0].IsPreferred ||
		len(acts[0].Diagnostics) != 1 || acts[0].Diagnostics[0].Code != "unlinked-mention" {
		t.Fatalf("quick fixes: %+v", acts)
	}
	fixed := applyLSPEdits(t, text, acts[0].Edit.Changes[ua])
	if want := strings.Replace(text, "a Load Balancer", "a [[Load Balancer]]", 1); fixed != want {
		t.Fatalf("after the fix:\n%s\nwant\n%s", fixed, want)
	}
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": ua, "version": 2},
		"contentChanges": []map[string]any{{"text": fixed}}})
	if p := c.waitDiagnostics(ua, hasVersion(2)); len(*p.Diagnostics) != 0 {
		t.Fatalf("after the fix: %s, want none (the link resolves)", diagnosticsString(p))
	}
	// Defining "replica" in b.notes, by an edit, makes line 2's mention a finding.
	bText := "load balancer = spreads requests\n"
	c.didOpen(ub, bText)
	c.waitDiagnostics(ub, hasVersion(1))
	_, changes := applyEdits(t, bText, []lspEdit{{"requests\n", "requests\nreplica = a copy\n"}})
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": ub, "version": 2}, "contentChanges": changes})
	p = c.waitDiagnostics(ua, func(p publishParams) bool { return strings.Contains(diagnosticsString(p), "replica") })
	want = `1:44-1:51 unlinked-mention "replica" is a term (` + b + `:2): link it as [[replica]]` + "\n"
	if got := diagnosticsString(p); got != want {
		t.Fatalf("a.notes after b.notes defined replica: %s, want %s", got, want)
	}
	// Taking the term away again clears it.
	_, changes = applyEdits(t, bText+"replica = a copy\n", []lspEdit{{"replica = a copy\n", ""}})
	n := c.noteCount()
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": ub, "version": 3}, "contentChanges": changes})
	c.waitNote("a.notes without the replica hint", func(m *rpcMessage) bool {
		var p publishParams
		return m.Method == "textDocument/publishDiagnostics" && json.Unmarshal(m.Params, &p) == nil && p.URI == ua &&
			p.Diagnostics != nil && len(*p.Diagnostics) == 0 && slices.Contains(c.notesSince(n), m)
	})
}

// The editor's settings turn unlinked-mention on as .notesls.json does.
func TestLSPUnlinkedMentionFromSettings(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.notes")
	text := "load balancer = spreads requests\nqueue = sits before a load balancer\n"
	lspWriteFile(t, a, text)
	c := startServer(t)
	c.initialize(dir, editorCaps, map[string]any{"notesls": map[string]any{"rules": map[string]string{"unlinked-mention": "hint"}}})
	ua := lspFileURI(a)
	c.didOpen(ua, text)
	p := c.waitDiagnostics(ua, hasVersion(1))
	if got, want := diagnosticsString(p), "1:22-1:35 unlinked-mention \"load balancer\" is a term (line 1): link it as [[load balancer]]\n"; got != want {
		t.Fatalf("with the rule on in the settings: %s, want %s", got, want)
	}
}
