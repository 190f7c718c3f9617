package index

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/notesls/notesls/analysis"
)

func corpus(t testing.TB) []byte {
	t.Helper()
	src, err := os.ReadFile("../testdata/system-design.notes")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// at returns the offset of the n-th occurrence (1-based line) of sub in line `line` of src,
// plus delta: tests find positions by pattern, never by counting columns.
func at(t testing.TB, src []byte, line int, sub string, delta int) int {
	t.Helper()
	start := 0
	for i := 1; i < line; i++ {
		nl := bytes.IndexByte(src[start:], '\n')
		if nl < 0 {
			t.Fatalf("no line %d", line)
		}
		start += nl + 1
	}
	end := start + bytes.IndexByte(src[start:], '\n')
	i := bytes.Index(src[start:end], []byte(sub))
	if i < 0 {
		t.Fatalf("%q not in line %d: %q", sub, line, src[start:end])
	}
	return start + i + delta
}

func lineOf(src []byte, off int) int { return bytes.Count(src[:off], []byte("\n")) + 1 }

// reparse is reparseRange without the change, knowing nothing of the edit.
func reparse(prev *analysis.File, src []byte) *analysis.File {
	f, _ := reparseRange(prev, analysis.NewText(src), Unchanged{})
	return f
}

func sameTree(t *testing.T, got, want *analysis.File) {
	t.Helper()
	if got.NumLines() != want.NumLines() {
		t.Fatalf("%d lines, want %d", got.NumLines(), want.NumLines())
	}
	for i := range want.NumLines() {
		if got.Start(i) != want.Start(i) {
			t.Fatalf("line %d starts at %d, want %d", i, got.Start(i), want.Start(i))
		}
	}
	for i := range want.NumLines() {
		if !reflect.DeepEqual(*got.Line(i), *want.Line(i)) {
			t.Fatalf("line %d differs:\n got %+v\nwant %+v", i, *got.Line(i), *want.Line(i))
		}
	}
	if got.NumLines() != want.NumLines() {
		t.Fatalf("%d lines, want %d", got.NumLines(), want.NumLines())
	}
}

// FuzzReparse: re-parsing only the lines an edit touched gives the same tree as parsing
// the new text from scratch. The seeds run in every go test.
func FuzzReparse(f *testing.F) {
	f.Add([]byte("a = b\nc -- d\n"), 2, 3, []byte("x\ny"))
	f.Add([]byte("a\r\nb\r\n"), 1, 1, []byte("\n"))
	f.Add([]byte("a\rb\rc"), 1, 2, []byte(""))
	f.Add([]byte("a\r"), 2, 2, []byte("\n"))
	f.Add([]byte("one\ntwo\nthree"), 0, 14, []byte("1\n2"))
	f.Add([]byte("\xEF\xBB\xBFa\nb"), 0, 1, []byte(""))
	f.Add([]byte("x = [[y]]\n\ny\n"), 6, 6, []byte("z"))
	f.Fuzz(func(t *testing.T, old []byte, from, to int, insert []byte) {
		if from < 0 || to < from || to > len(old) {
			return
		}
		edited := slices.Concat(old[:from], insert, old[to:])
		sameTree(t, reparse(analysis.Parse(old), edited), analysis.Parse(edited))
		// Told the range the edit replaced, as the server is by the editor.
		told, _ := reparseRange(analysis.Parse(old), analysis.NewText(edited), Unchanged{Head: from, Tail: len(old) - to})
		sameTree(t, told, analysis.Parse(edited))
		// In small chunks, spliced as the server splices an editor's text: lines and
		// the texts compared fall in many chunks.
		small := analysis.NewTextSized(old, 8)
		spliced, _ := small.Splice(from, to, string(insert))
		if spliced.String() != string(edited) {
			t.Fatalf("spliced text %q, want %q", spliced.String(), edited)
		}
		chunked, _ := reparseRange(analysis.ParseText(small), spliced, Unchanged{Head: from, Tail: len(old) - to})
		sameTree(t, chunked, analysis.Parse(edited))
	})
}

func TestReparseCorpusEdits(t *testing.T) {
	src := corpus(t)
	r := rand.New(rand.NewPCG(1, 2))
	prev := analysis.Parse(src)
	text := analysis.NewTextSized(src, 64)
	chunked := analysis.ParseText(text)
	for i := range 300 {
		from := r.IntN(len(src))
		to := min(len(src), from+r.IntN(40))
		insert := [][]byte{nil, []byte("x"), []byte("\n"), []byte("\r\n"), []byte(" -- é🙂 = "), []byte("[[")}[i%6]
		tail := len(src) - to
		src = slices.Concat(src[:from], insert, src[to:])
		next := reparse(prev, src)
		if i%2 == 1 {
			next, _ = reparseRange(prev, analysis.NewText(src), Unchanged{Head: from, Tail: tail})
		}
		sameTree(t, next, analysis.Parse(src))
		prev = next
		// The same edits to a text in small chunks, spliced as the server splices.
		text, _ = text.Splice(from, to, string(insert))
		chunked, _ = reparseRange(chunked, text, Unchanged{Head: from, Tail: tail})
		sameTree(t, chunked, analysis.Parse(src))
	}
}

func TestParseParallelMatchesParse(t *testing.T) {
	var b bytes.Buffer
	src := corpus(t)
	for i := 0; b.Len() < parallelThreshold+1<<20; i++ {
		b.Write(src)
		b.WriteString([]string{"mixed\r\nends\rhere\n", "\n", "no final newline"}[i%3])
	}
	sameTree(t, parseParallel(analysis.NewText(b.Bytes())), analysis.Parse(b.Bytes()))
}

// diagLines renders a file's findings as "line:rule" for compact comparisons.
func diagLines(snap *Snapshot, path string) string {
	src, _ := snap.Content(path)
	var out []string
	for _, d := range snap.Diagnostics(path) {
		out = append(out, fmt.Sprintf("%d:%s", lineOf(src, d.Span.Start), d.Rule))
	}
	return strings.Join(out, " ")
}

func TestCrossFileRules(t *testing.T) {
	w := NewWorkspace(DefaultConfig())
	w.UpdateMany(map[string][]byte{
		"a.notes": []byte("jump server = a host\nshared = same text\n"),
		"b.notes": []byte("jumpbox = see [[jump server]]\nmissing = see [[nowhere]]\nshared = same text\n"),
	})
	snap := w.Snapshot()
	if got, want := diagLines(snap, "b.notes"), "2:broken-reference 3:duplicate-line"; got != want {
		t.Errorf("b.notes: %s, want %s", got, want)
	}
	if got := diagLines(snap, "a.notes"); got != "" {
		t.Errorf("a.notes: the first copy is not flagged, got %s", got)
	}
	d := snap.Diagnostics("b.notes")[1]
	if len(d.Related) != 1 || d.Related[0].Path != "a.notes" {
		t.Errorf("duplicate points to %+v, want a.notes", d.Related)
	}
	// Defining the term in a.notes fixes b.notes: both are affected, b.notes through the
	// key of its broken reference.
	snap, affected := w.Update("a.notes", []byte("jump server = a host\nnowhere = a place\nshared = same text\n"))
	if !slices.Equal(affected, []string{"a.notes"}) || !slices.Equal(snap.Affected(), []string{"b.notes"}) {
		t.Errorf("affected = %v, then %v", affected, snap.Affected())
	}
	if got, want := diagLines(snap, "b.notes"), "3:duplicate-line"; got != want {
		t.Errorf("after the fix, b.notes: %s, want %s", got, want)
	}
	snap, affected = w.Remove("a.notes")
	if !slices.Equal(affected, []string{"a.notes", "b.notes"}) {
		t.Errorf("affected by removal = %v", affected)
	}
	if got, want := diagLines(snap, "b.notes"), "1:broken-reference 2:broken-reference"; got != want {
		t.Errorf("after removal, b.notes: %s, want %s", got, want)
	}
}

func TestConfigSeverities(t *testing.T) {
	w := NewWorkspace(DefaultConfig())
	w.Update("x.notes", []byte("b\na =\n"))
	cfg := DefaultConfig()
	cfg.Severity = map[string]analysis.Severity{"empty-definition": analysis.SeverityError, "unsorted": RuleOff}
	snap := w.SetConfig(cfg)
	ds := snap.Diagnostics("x.notes")
	if len(ds) != 1 || ds[0].Rule != "empty-definition" || ds[0].Severity != analysis.SeverityError {
		t.Fatalf("got %+v", ds)
	}
	cfg = DefaultConfig()
	cfg.Sorting = false
	if got := diagLines(w.SetConfig(cfg), "x.notes"); got != "2:empty-definition" {
		t.Errorf("sorting off: %s", got)
	}
}

func TestHover(t *testing.T) {
	src := corpus(t)
	const path = "c.notes"
	snap, _ := NewWorkspace(DefaultConfig()).Update(path, src)
	tests := []struct {
		name       string
		off        int
		term       string
		defLines   []int
		hovered    string
		wantURL    string
		wantChild  string
		wantAlias  string
		minRefs    int
		wantNoInfo bool
	}{
		{name: "known term in a body", off: at(t, src, 415, "CAP", 1), term: "CAP", defLines: []int{141}, hovered: "CAP",
			wantURL: "https://www.infoq.com/articles/cap-twelve-years-later-how-the-rules-have-changed/"},
		{name: "path prefix", off: at(t, src, 198, "database", 2), term: "data store -- database", defLines: []int{203},
			hovered: "database", wantChild: "sharding"},
		{name: "reference target", off: at(t, src, 313, "jump server", 3), term: "jump server", defLines: []int{312},
			hovered: "[[jump server]]", minRefs: 1},
		{name: "alias on its segment", off: at(t, src, 118, "BFF", 1), term: "Backends For Frontends", defLines: []int{118},
			hovered: "BFF", wantAlias: "BFF"},
		{name: "several definitions", off: at(t, src, 383, "non-abstract", 2), term: "Non-Abstract Large System Design",
			defLines: []int{383, 384, 385, 386}, hovered: "non-abstract large system design", wantAlias: "NALSD"},
		{name: "plain word", off: at(t, src, 415, "extension", 2), wantNoInfo: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := snap.Hover(path, tt.off)
			if tt.wantNoInfo {
				if h != nil {
					t.Fatalf("got %+v, want nothing", h)
				}
				return
			}
			if h == nil {
				t.Fatal("no hover")
			}
			if h.Term != tt.term {
				t.Errorf("term %q, want %q", h.Term, tt.term)
			}
			var lines []int
			for _, d := range h.Definitions {
				lines = append(lines, d.Line+1)
			}
			if !slices.Equal(lines, tt.defLines) {
				t.Errorf("definitions on lines %v, want %v", lines, tt.defLines)
			}
			if got := string(src[h.Span.Start:h.Span.End]); got != tt.hovered {
				t.Errorf("hovered %q, want %q", got, tt.hovered)
			}
			if tt.wantURL != "" && !slices.Contains(h.URLs, tt.wantURL) {
				t.Errorf("URLs %v lack %s", h.URLs, tt.wantURL)
			}
			if tt.wantChild != "" && !slices.Contains(h.Children, tt.wantChild) {
				t.Errorf("children %v lack %s", h.Children, tt.wantChild)
			}
			if tt.wantAlias != "" && !slices.Contains(h.Aliases, tt.wantAlias) {
				t.Errorf("aliases %v lack %s", h.Aliases, tt.wantAlias)
			}
			if h.RefCount < tt.minRefs {
				t.Errorf("%d references, want at least %d", h.RefCount, tt.minRefs)
			}
		})
	}
}

func TestDefinitionAndReferences(t *testing.T) {
	src := corpus(t)
	const path = "c.notes"
	snap, _ := NewWorkspace(DefaultConfig()).Update(path, src)
	origin, targets := snap.Definition(path, at(t, src, 313, "jump server", 1))
	if got := string(src[origin.Start:origin.End]); got != "[[jump server]]" {
		t.Errorf("origin %q", got)
	}
	if len(targets) != 1 || lineOf(src, targets[0].Span.Start) != 312 {
		t.Fatalf("targets %+v, want line 312", targets)
	}
	if got := string(src[targets[0].Selection.Start:targets[0].Selection.End]); got != "jump server" {
		t.Errorf("selection %q", got)
	}
	// A topic no line defines exactly lands on its first line.
	_, targets = snap.Definition(path, at(t, src, 177, "data store", 1))
	if len(targets) != 1 || lineOf(src, targets[0].Span.Start) != 177 {
		t.Errorf("data store: %+v, want its first line 177", targets)
	}
	// Soft reference: CAP Theorem -> see also PACELC theorem.
	_, targets = snap.Definition(path, at(t, src, 145, "PACELC", 1))
	if len(targets) != 1 || lineOf(src, targets[0].Span.Start) != 415 {
		t.Errorf("soft reference: %+v, want line 415", targets)
	}
	refs := snap.References(path, at(t, src, 312, "jump server", 1))
	if len(refs) != 1 || lineOf(src, refs[0].Span.Start) != 313 {
		t.Errorf("references %+v, want line 313", refs)
	}
}

func TestComplete(t *testing.T) {
	src := corpus(t)
	const path = "c.notes"
	w := NewWorkspace(DefaultConfig())
	labels := func(line string, cursorAfter string) ([]string, *CompletionResult) {
		t.Helper()
		edited := append([]byte(line+"\n"), src...)
		snap, _ := w.Update(path, edited)
		res := snap.Complete(path, strings.Index(line, cursorAfter)+len(cursorAfter))
		if res == nil {
			return nil, nil
		}
		var out []string
		for _, it := range res.Items {
			out = append(out, it.Label)
		}
		return out, res
	}
	got, res := labels("data store -- database -- ", "database -- ")
	for _, want := range []string{"sharding", "NoSQL", "replica"} {
		if !slices.Contains(got, want) {
			t.Errorf("children of data store -- database: %v lack %s", got, want)
		}
	}
	if res.Replace.Len() != 0 {
		t.Errorf("nothing typed, replace %v", res.Replace)
	}
	got, res = labels("data store -- database -- shar", "shar")
	if len(got) == 0 || got[0] != "sharding" {
		t.Errorf("prefix shar: %v", got)
	}
	if res.Replace.Len() != len("shar") {
		t.Errorf("replace %v, want the typed prefix", res.Replace)
	}
	got, _ = labels("data store -- database -- shradi", "shradi")
	if !slices.Contains(got, "sharding") {
		t.Errorf("typo shradi: %v lack sharding", got)
	}
	got, _ = labels("data store -- database -- sql", "sql")
	if len(got) < 2 || got[0] != "SQL" {
		t.Errorf("prefix first, then word prefix: %v", got)
	}
	got, _ = labels("obser", "obser")
	if len(got) == 0 || got[0] != "observability" {
		t.Errorf("top level: %v", got)
	}
	got, _ = labels("x = see [[jump s", "jump s")
	if len(got) == 0 || got[0] != "jump server" {
		t.Errorf("inside [[: %v", got)
	}
	got, res = labels("x = see [[data store -- database -- shar", "shar")
	if len(got) == 0 || got[0] != "sharding" || res.Replace.Len() != len("shar") {
		t.Errorf("path inside [[: %v, replace %v", got, res.Replace)
	}
	got, _ = labels("x = see [[NALS", "NALS")
	if !slices.Contains(got, "NALSD") {
		t.Errorf("aliases inside [[: %v", got)
	}
	if got, _ := labels("x = in a body", "in a"); got != nil {
		t.Errorf("in a body: %v, want nothing", got)
	}
	_, res = labels("x = see [[", "[[")
	if len(res.Items) != maxCompletions || !res.Incomplete {
		t.Errorf("every term: %d items, incomplete %v", len(res.Items), res.Incomplete)
	}
}

// TestConcurrentReaders reads snapshots from many goroutines while a writer replaces the
// file; run with -race.
func TestConcurrentReaders(t *testing.T) {
	src := corpus(t)
	w := NewWorkspace(DefaultConfig())
	w.Update("c.notes", src)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				snap := w.Snapshot()
				content, _ := snap.Content("c.notes")
				off := (i*7919 + g) % len(content)
				snap.Hover("c.notes", off)
				snap.Complete("c.notes", off)
				snap.Definition("c.notes", off)
				snap.Diagnostics("c.notes")
			}
		}()
	}
	for i := range 20 {
		edited := slices.Concat(src[:i*100], []byte("new entry = text\n"), src[i*100:])
		w.Update("c.notes", edited)
	}
	wg.Wait()
}

// TestIncrementalEqualsFresh applies edits one after another, some keeping every path
// (the fast path that shares topic tables) and some not, and checks each snapshot against
// a workspace built from scratch.
func TestIncrementalEqualsFresh(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { incrementalEqualsFresh(t, seed) })
	}
}

func incrementalEqualsFresh(t *testing.T, seed uint64) {
	src := corpus(t)
	other := []byte("jump server = another host\nwebhook = dup\nx = see [[sharding]] and [[nowhere]]\n")
	w := NewWorkspace(DefaultConfig())
	w.UpdateMany(map[string][]byte{"a.notes": src, "b.notes": other})
	w.Snapshot().Diagnostics("a.notes")
	r := rand.New(rand.NewPCG(3, seed))
	edits := []string{"x", "y ", " ", "(", "[[jump server]]", "[[nowhere]]", "https://example.com/a", "\n", " -- z", " = "}
	for i := range 60 {
		// Mostly in bodies (after a separator), sometimes anywhere.
		pos := r.IntN(len(src))
		if i%3 != 0 {
			if eq := bytes.Index(src[pos:], []byte(" = ")); eq >= 0 {
				pos += eq + 3
			}
		}
		cut := 0
		if i%4 == 0 {
			cut = min(r.IntN(5), len(src)-pos)
		}
		src = slices.Concat(src[:pos], []byte(edits[i%len(edits)]), src[pos+cut:])
		snap, _ := w.Update("a.notes", src)
		fresh := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": src, "b.notes": other})
		for _, p := range []string{"a.notes", "b.notes"} {
			if got, want := renderDiagnostics(snap, p), renderDiagnostics(fresh, p); got != want {
				t.Fatalf("edit %d: %s differs from a fresh index:\n--- incremental\n%s\n--- fresh\n%s", i, p, got, want)
			}
		}
		off := r.IntN(len(src))
		if got, want := fmt.Sprint(snap.Hover("a.notes", off)), fmt.Sprint(fresh.Hover("a.notes", off)); got != want {
			t.Fatalf("edit %d: hover at %d differs:\n%s\n%s", i, off, got, want)
		}
	}
}

func TestTopK(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 5, 50, 1000} {
		items := make([]int, n)
		for i := range items {
			items[i] = r.IntN(100)
		}
		want := slices.Clone(items)
		slices.Sort(want)
		k := 10
		top := newTopK(k, func(a, b int) int { return a - b })
		for _, it := range items {
			top.add(it)
		}
		got, cut := top.sorted()
		if cut != (n > k) {
			t.Errorf("n=%d: cut %v", n, cut)
		}
		if !slices.Equal(got, want[:min(k, n)]) {
			t.Errorf("n=%d: best %v, want %v", n, got, want[:min(k, n)])
		}
	}
}

// TestNearDuplicatesFollowEdits edits names that pair or could pair, in place, and
// checks the incrementally kept near-duplicates against a fresh workspace each time.
func TestNearDuplicatesFollowEdits(t *testing.T) {
	src := corpus(t)
	w := NewWorkspace(DefaultConfig())
	w.Update("a.notes", src)
	w.Snapshot().Diagnostics("a.notes")
	steps := []struct {
		line     int
		from, to string
	}{
		{569, "webhooks", "webhookz"},       // a plural pair goes
		{569, "webhookz", "webhooks"},       // and comes back
		{334, "load shedding", "load-shed"}, // a skeleton pair goes
		{362, "practicies", "practices"},    // a typo fixed: the names become one
		{88, "trade-offs", "tradeoffz"},     // one letter from 120's "tradeoffs"
		{441, "PubSub", "Pub-Sub"},          // now three spellings share a skeleton
		{301, "incidents", "incidentss"},
	}
	for i, st := range steps {
		off := at(t, src, st.line, st.from, 0)
		src = slices.Concat(src[:off], []byte(st.to), src[off+len(st.from):])
		snap, _ := w.Update("a.notes", src)
		if i%2 == 0 {
			snap.Diagnostics("a.notes") // sometimes computed, sometimes chained
		}
		if i < len(steps)-1 && i%2 == 1 {
			continue
		}
		fresh, _ := NewWorkspace(DefaultConfig()).Update("a.notes", src)
		if got, want := renderDiagnostics(snap, "a.notes"), renderDiagnostics(fresh, "a.notes"); got != want {
			t.Fatalf("step %d: incremental differs from fresh:\n--- incremental\n%s\n--- fresh\n%s", i, got, want)
		}
	}
}

// describeTopics renders a file's topic tables in an order-free form, to compare an
// incrementally updated index with one built from scratch.
func describeTopics(fi *fileIndex) string {
	var out []string
	for k, t := range fi.topics.all() {
		ch := slices.Clone(fi.children.get(k))
		slices.Sort(ch)
		out = append(out, fmt.Sprintf("topic %q first=%d entry=%d uses=%d seg=%d more=%v aliases=%q children=%q",
			k, t.first, t.entry, t.uses, t.seg, fi.moreEntries.lines(k), fi.topicAliases.get(k), ch))
	}
	for k := range fi.children.all() {
		if fi.topics.get(k) == nil {
			out = append(out, "children of unknown topic "+k)
		}
	}
	for k := range fi.moreEntries.all() {
		if fi.topics.get(k) == nil {
			out = append(out, fmt.Sprintf("stray entries %q %v", k, fi.moreEntries.lines(k)))
		}
	}
	for k := range fi.moreEntries.more.all() {
		if !fi.moreEntries.has(k) {
			out = append(out, fmt.Sprintf("entries %q listed, no first", k))
		}
	}
	roots := slices.Clone(fi.roots)
	slices.Sort(roots)
	out = append(out, fmt.Sprintf("roots %q", roots))
	for name, first := range fi.lastSeg.one.all() {
		all := fi.lastSeg.appendTo(nil, name)
		slices.Sort(all)
		out = append(out, fmt.Sprintf("name %q first=%q all=%q", name, first, all))
	}
	for ak, recs := range fi.aliases {
		var rs []string
		for _, r := range recs {
			rs = append(rs, fmt.Sprintf("%s@%d:%s", r.topic, r.line, r.text))
		}
		slices.Sort(rs)
		out = append(out, fmt.Sprintf("alias %q %q", ak, rs))
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// TestTopicTablesFollowEdits edits heads in place and compares the topic tables with
// tables built from scratch after every edit.
func TestTopicTablesFollowEdits(t *testing.T) {
	src := corpus(t)
	w := NewWorkspace(DefaultConfig())
	w.Update("a.notes", src)
	r := rand.New(rand.NewPCG(7, 8))
	inserts := []string{"x", " -- y", "s", "(BFF)", "-", " ", "API -- ", "[[z]] "}
	for i := range 120 {
		ln := 1 + r.IntN(582)
		lineStart := at(t, src, ln, "", 0)
		lineEnd := lineStart + bytes.IndexByte(src[lineStart:], '\n')
		pos := lineStart + r.IntN(lineEnd-lineStart+1)
		var edited []byte
		if i%5 == 0 {
			// An existing path put in front of an earlier line: topics gain an earlier first line.
			edited = slices.Concat(src[:lineStart], []byte("webhooks -- as a service -- "), src[lineStart:])
		} else if i%3 == 2 && pos < lineEnd {
			edited = slices.Concat(src[:pos], src[pos+1:]) // delete a byte
		} else {
			edited = slices.Concat(src[:pos], []byte(inserts[i%len(inserts)]), src[pos:])
		}
		if bytes.Count(edited, []byte("\n")) != bytes.Count(src, []byte("\n")) {
			continue
		}
		src = edited
		snap, _ := w.Update("a.notes", src)
		fresh, _ := NewWorkspace(DefaultConfig()).Update("a.notes", src)
		if got, want := describeTopics(snap.file("a.notes")), describeTopics(fresh.file("a.notes")); got != want {
			t.Fatalf("edit %d at line %d: topic tables differ from a fresh build:\n%s", i, ln, lineDiff(got, want))
		}
		if got, want := renderDiagnostics(snap, "a.notes"), renderDiagnostics(fresh, "a.notes"); got != want {
			t.Fatalf("edit %d at line %d: diagnostics differ:\n%s", i, ln, lineDiff(got, want))
		}
	}
}

// lineDiff lists the lines only one side has.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var out []string
	for _, l := range g {
		if !slices.Contains(w, l) {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range w {
		if !slices.Contains(g, l) {
			out = append(out, "- "+l)
		}
	}
	return strings.Join(out, "\n")
}

func TestPrefixWithin(t *testing.T) {
	tests := []struct {
		typed, key string
		k          int
		want       bool
	}{
		{"shar", "sharding", 0, true},
		{"shradi", "sharding", 2, true}, // transposition (2) then the rest is the prefix
		{"shradi", "sharding", 1, false},
		{"shx", "sharding", 1, true},
		{"sardi", "sharding", 1, true}, // a letter left out
		{"shhard", "sharding", 1, true},
		{"xyz", "sharding", 2, false},
		{"data store -- databse", "data store -- database -- sharding", 1, true},
		{"日本語", "日本人", 1, true},
		{"", "anything", 0, true},
	}
	for _, tt := range tests {
		if got := prefixWithin([]rune(tt.typed), tt.key, tt.k); got != tt.want {
			t.Errorf("prefixWithin(%q, %q, %d) = %v, want %v", tt.typed, tt.key, tt.k, got, tt.want)
		}
	}
}

// TestTermRankingShortcut checks the ranking of "[[" completion against ranking every
// topic and alias with its full use count, in one file and over two.
func TestTermRankingShortcut(t *testing.T) {
	src := corpus(t)
	other := []byte("sharding = again [[sharding]] [[jump server]]\nnew topic -- child = [[new topic]]\nAPI -- REST = x\n")
	for _, files := range []map[string][]byte{{"c.notes": src}, {"c.notes": src, "d.notes": other}} {
		snap := NewWorkspace(DefaultConfig()).UpdateMany(files)
		for _, typed := range []string{"", "s", "se", "jump", "api -- rest", "obsrv", "new"} {
			got, want := snap.rankTerms(typed), fullScanTerms(snap, typed)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%d files, typed %q: ranking differs (cut %v, want %v)", len(files), typed, got.cut, want.cut)
			}
		}
	}
}

func TestRadixSort(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 5, 5000, 70000} {
		a := make([]uint64, n)
		for i := range a {
			a[i] = r.Uint64() >> (r.IntN(4) * 16) // values of every width
		}
		want := slices.Clone(a)
		slices.Sort(want)
		radixSort(a)
		if !slices.Equal(a, want) {
			t.Errorf("n=%d: not sorted", n)
		}
	}
}

// TestSortKeysAgreeWithText: comparing by sort keys gives the order of the folded text.
func TestSortKeysAgreeWithText(t *testing.T) {
	text := string(corpus(t)) + "\nÉcole\necole\nKelvin \u212a\nkelvin k\nab\nab\x00\nAB\nabcdefgh\nabcdefghé\nabcdefghijklmnopq\nABCDEFGHIJKLMNOPr\n"
	f := analysis.Parse([]byte(text))
	keys := newChunkList[lineKey](f.NumLines())
	for i := range f.NumLines() {
		*keys.writable(i) = sortKey(f.LineText(i))
	}
	r := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		i, j := r.IntN(f.NumLines()), r.IntN(f.NumLines())
		if r.IntN(4) == 0 {
			i = f.NumLines() - 1 - r.IntN(12) // the hand-made lines, often
		}
		if got, want := sign(compareLines(f, &keys, i, j)), sign(analysis.CompareFolded(f.LineText(i), f.LineText(j))); got != want {
			t.Fatalf("lines %q and %q: keys say %d, text says %d", f.LineText(i), f.LineText(j), got, want)
		}
	}
}
