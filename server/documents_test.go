package server

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

// The plain model: a string, with positions computed rune by rune, independently of the
// Mapper's line table.

// modelPosition returns the LSP position of a byte offset at a rune boundary.
// A leading byte order mark takes no column.
func modelPosition(text string, offset int) protocol.Position {
	line, col := 0, 0
	i := 0
	if strings.HasPrefix(text, "\uFEFF") {
		i = 3
	}
	for i < offset {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\r' && i+1 < len(text) && text[i+1] == '\n':
			if i+1 == offset {
				return protocol.Position{Line: uint32(line), Character: uint32(col)}
			}
			line, col = line+1, 0
			size = 2
		case r == '\r' || r == '\n':
			line, col = line+1, 0
		case r >= 0x10000:
			col += 2
		default:
			col++
		}
		i += size
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

// boundaries lists the offsets an editor can put a cursor at: rune starts, not inside CRLF,
// not before a leading byte order mark.
func boundaries(text string) []int {
	var out []int
	i := 0
	if strings.HasPrefix(text, "\uFEFF") {
		i = 3
	}
	for i <= len(text) {
		if !(i > 0 && i < len(text) && text[i-1] == '\r' && text[i] == '\n') {
			out = append(out, i)
		}
		if i == len(text) {
			break
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return out
}

// palette is what random edits insert: multi-byte text and every kind of line end.
var palette = []string{"a", "é", "中", "😀", "\n", "\r", "\r\n", " -- ", "[[", "]]", " = ", "x😀y", "\uFEFF"}

// edits decodes fuzz input into edits on the model, applies them there and returns the
// same edits as LSP changes.
func edits(initial string, data []byte) (final string, changes []textChange) {
	text := initial
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := int(data[0])
		data = data[1:]
		return b
	}
	for len(data) > 0 {
		op := next()
		if op%16 == 0 { // a change without a range: the whole text
			var b strings.Builder
			for n := next() % 4; n > 0; n-- {
				b.WriteString(palette[next()%len(palette)])
			}
			text = b.String()
			changes = append(changes, textChange{Text: text})
			continue
		}
		bs := boundaries(text)
		i := next() % len(bs)
		j := i + next()%3
		if j >= len(bs) {
			j = len(bs) - 1
		}
		insert := ""
		for n := op % 3; n > 0; n-- {
			insert += palette[next()%len(palette)]
		}
		start, end := bs[i], bs[j]
		r := protocol.Range{Start: modelPosition(text, start), End: modelPosition(text, end)}
		text = text[:start] + insert + text[end:]
		changes = append(changes, textChange{Range: &r, Text: insert})
	}
	return text, changes
}

// FuzzIncrementalSync applies random edits incrementally, one didChange at a time and
// several per didChange, and compares with the same edits on a plain string.
func FuzzIncrementalSync(f *testing.F) {
	f.Add("", []byte{1, 0, 0, 3})
	f.Add("é = x\r\n中文 -- y\r😀\n", []byte{1, 2, 1, 5, 2, 7, 0, 9, 3, 4, 6, 2, 5})
	f.Add("a\r\nb", []byte{1, 1, 0, 4, 2, 2, 1, 6})      // "\n" after a CR makes one CRLF
	f.Add("a\rb", []byte{2, 2, 0, 4, 5})                 // insert between two line ends
	f.Add("😀😀😀", []byte{17, 1, 1, 3, 2, 2, 1, 0, 11})    // deletions across surrogate pairs
	f.Add("x", []byte{16, 2, 3, 7, 1, 0, 1, 2})          // full replacement, then an edit
	f.Add("\uFEFFbom", []byte{1, 12, 0, 4, 2, 1, 12, 5}) // a byte order mark takes no column
	f.Add("data store -- database -- \n", []byte{2, 27, 0, 7, 9, 5, 3, 1, 2, 10, 4, 8})
	f.Fuzz(func(t *testing.T, initial string, data []byte) {
		if !utf8.ValidString(initial) {
			return // LSP text arrives as JSON strings, always valid UTF-8
		}
		want, changes := edits(initial, data)

		// The text is cut in chunks of a few bytes, so that edits fall across chunks and
		// change the ones a line table is kept for.
		one := NewMapperText(analysis.NewTextSized([]byte(initial), 4), UTF16)
		for i, c := range changes {
			var err error
			one, err = applyChanges(one, []textChange{c})
			if err != nil {
				t.Fatalf("change %d %+v: %v", i, c, err)
			}
		}
		if got := string(one.Content()); got != want {
			t.Fatalf("one change per didChange:\n got %q\nwant %q", got, want)
		}

		all, err := applyChanges(NewMapper([]byte(initial)), changes)
		if err != nil {
			t.Fatalf("all changes in one didChange: %v", err)
		}
		if got := string(all.Content()); got != want {
			t.Fatalf("all changes in one didChange:\n got %q\nwant %q", got, want)
		}
		// The line tables kept up by Splice agree with one built from scratch.
		fresh := NewMapper([]byte(want))
		if !slices.Equal(lineStarts(all), lineStarts(fresh)) || !slices.Equal(lineStarts(one), lineStarts(fresh)) {
			t.Fatalf("line starts %v (one change at a time %v), fresh %v", lineStarts(all), lineStarts(one), lineStarts(fresh))
		}
		if (all.ascii && !fresh.ascii) || (one.ascii && !fresh.ascii) {
			t.Fatalf("non-ASCII text marked ASCII")
		}
	})
}

// TestChangesKnowWhatTheyKept: the bytes a message of changes reports unchanged, at the
// start and at the end, are the text's before it, and no fewer than the changes left.
func TestChangesKnowWhatTheyKept(t *testing.T) {
	rng := func(l1, c1, l2, c2 uint32) *protocol.Range {
		return &protocol.Range{Start: pos(l1, c1), End: pos(l2, c2)}
	}
	text := "alpha = a\nbravo = b\ncharlie = c\n"
	tests := []struct {
		name    string
		changes []textChange
		want    index.Unchanged
	}{
		{"typed in the middle", []textChange{{Range: rng(1, 5, 1, 5), Text: "s"}}, index.Unchanged{Head: 15, Tail: 17}},
		{"Enter", []textChange{{Range: rng(1, 0, 1, 0), Text: "\n"}}, index.Unchanged{Head: 10, Tail: 22}},
		{"a line deleted", []textChange{{Range: rng(1, 0, 2, 0), Text: ""}}, index.Unchanged{Head: 10, Tail: 12}},
		{"two cursors", []textChange{{Range: rng(2, 0, 2, 0), Text: "x"}, {Range: rng(0, 0, 0, 0), Text: "y"}}, index.Unchanged{Head: 0, Tail: 12}},
		{"the whole text", []textChange{{Range: rng(0, 0, 0, 0), Text: "z"}, {Text: "new\n"}}, index.Unchanged{}},
		{"past the end, clamped", []textChange{{Range: rng(9, 0, 9, 0), Text: "tail"}}, index.Unchanged{Head: 32, Tail: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, same, err := applyChangesClamped(NewMapper([]byte(text)), tt.changes)
			if err != nil {
				t.Fatal(err)
			}
			if same != tt.want {
				t.Errorf("known unchanged %+v, want %+v", same, tt.want)
			}
			got := m.Content()
			if string(got[:same.Head]) != text[:same.Head] || string(got[len(got)-same.Tail:]) != text[len(text)-same.Tail:] {
				t.Errorf("%+v is not unchanged in %q", same, got)
			}
		})
	}
}

// TestMergedUpdatesKnowWhatBothKept: edits that reach the workspace goroutine together
// are applied as one, which knows unchanged only what neither changed.
func TestMergedUpdatesKnowWhatBothKept(t *testing.T) {
	text := func(same index.Unchanged) fileUpdate {
		return fileUpdate{kind: updateText, open: true, edited: true, same: same, knowsSame: true}
	}
	tests := []struct {
		name      string
		prev, u   fileUpdate
		want      index.Unchanged
		knowsSame bool
	}{
		{"two keystrokes", text(index.Unchanged{Head: 10, Tail: 50}), text(index.Unchanged{Head: 11, Tail: 49}), index.Unchanged{Head: 10, Tail: 49}, true},
		{"far apart", text(index.Unchanged{Head: 900, Tail: 5}), text(index.Unchanged{Head: 3, Tail: 800}), index.Unchanged{Head: 3, Tail: 5}, true},
		{"after a didOpen", fileUpdate{kind: updateText, open: true}, text(index.Unchanged{Head: 3, Tail: 8}), index.Unchanged{}, false},
		{"then closed", text(index.Unchanged{Head: 3, Tail: 8}), fileUpdate{kind: updateFromDisk}, index.Unchanged{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergeUpdates(tt.prev, tt.u)
			if got.kind != tt.u.kind || got.knowsSame != tt.knowsSame || got.knowsSame && got.same != tt.want {
				t.Errorf("merged: %v, known %v %+v; want %v, known %v %+v", got.kind, got.knowsSame, got.same, tt.u.kind, tt.knowsSame, tt.want)
			}
		})
	}
}

func TestDocumentStore(t *testing.T) {
	s := newDocumentStore()
	s.open(&document{uri: "untitled:Untitled-1", path: "untitled:Untitled-1", version: 1, mapper: NewMapper([]byte("é\n"))})
	r := protocol.Range{Start: pos(0, 1), End: pos(0, 1)}
	d, _, same, err := s.change("untitled:Untitled-1", 2, []textChange{{Range: &r, Text: " = 😀"}})
	if err != nil {
		t.Fatal(err)
	}
	if same != (index.Unchanged{Head: 2, Tail: 1}) {
		t.Errorf("after change: %+v known unchanged, want the 2 bytes of é and the line end", same)
	}
	if got := string(d.mapper.Content()); got != "é = 😀\n" || d.version != 2 {
		t.Fatalf("after change: %q v%d", got, d.version)
	}
	// A bad range (inside the emoji's surrogate pair) leaves the document as it was.
	bad := protocol.Range{Start: pos(0, 5), End: pos(0, 5)}
	if _, _, _, err := s.change("untitled:Untitled-1", 3, []textChange{{Range: &bad, Text: "x"}}); err == nil {
		t.Fatal("change inside a surrogate pair: no error")
	}
	if d, _ := s.get("untitled:Untitled-1"); string(d.mapper.Content()) != "é = 😀\n" || d.version != 2 {
		t.Fatalf("failed change was applied: %q v%d", d.mapper.Content(), d.version)
	}
	// A range past the last line is clamped to the end of the text, and counted.
	past := protocol.Range{Start: pos(5, 0), End: pos(7, 3)}
	d, clamped, _, err := s.change("untitled:Untitled-1", 3, []textChange{{Range: &past, Text: "x"}})
	if err != nil || clamped != 1 || string(d.mapper.Content()) != "é = 😀\nx" {
		t.Fatalf("change past the end: %q, %d clamped, %v", d.mapper.Content(), clamped, err)
	}
	if _, _, _, err := s.change("file:///nope", 1, nil); err == nil {
		t.Fatal("change of a document not open: no error")
	}
	if _, ok := s.close("untitled:Untitled-1"); !ok {
		t.Fatal("close: not open")
	}
	if len(s.paths()) != 0 {
		t.Fatal("document still open after close")
	}
}

// TestLargeDocumentEditsShareChunks: a keystroke in a large document copies the chunk
// it falls in, not the text, and the versions before stay as they were.
func TestLargeDocumentEditsShareChunks(t *testing.T) {
	s := newDocumentStore()
	text := strings.Repeat("a line of a large document\n", 80_000) // 2 MB
	s.open(&document{uri: "file:///big.notes", path: "/big.notes", version: 1, mapper: NewMapper([]byte(text))})
	for version := int32(2); version < 5; version++ {
		before, _ := s.get("/big.notes")
		line := uint32(40_000 + version)
		rng := protocol.Range{Start: protocol.Position{Line: line, Character: 2}, End: protocol.Position{Line: line, Character: 2}}
		d, _, _, err := s.change("/big.notes", version, []textChange{{Range: &rng, Text: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		at := int(line)*27 + 2 + int(version-2) // each earlier version put an x on an earlier line
		old := text
		text = text[:at] + "x" + text[at:]
		if got := d.mapper.Text().String(); got != text {
			t.Fatalf("version %d: text differs", version)
		}
		if before.mapper.Text().String() != old {
			t.Fatalf("version %d: the version before changed", version)
		}
		if !slices.Equal(lineStarts(d.mapper), lineStarts(NewMapper([]byte(text)))) {
			t.Fatalf("version %d: line table differs from a fresh one", version)
		}
		shared := 0
		oldText, newText := before.mapper.Text(), d.mapper.Text()
		for k := range newText.Chunks() {
			b, _ := newText.Chunk(k)
			for j := range oldText.Chunks() {
				if ob, _ := oldText.Chunk(j); &ob[0] == &b[0] {
					shared++
					break
				}
			}
		}
		if copied := newText.Chunks() - shared; copied > 2 || newText.Chunks() < 30 {
			t.Fatalf("version %d: %d of %d chunks copied", version, copied, newText.Chunks())
		}
	}
}

// lineStarts lists where each line of m's text begins.
func lineStarts(m *Mapper) []int {
	out := make([]int, m.LineCount())
	for i := range out {
		out[i] = m.lineStart(i)
	}
	return out
}
