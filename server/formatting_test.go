package server

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/notesls/notesls/analysis"
)

// applyEdits applies non-overlapping edits the way a client does: each range refers to the
// text before any of them. One pass over the text, so that a generated corpus with
// thousands of edits costs no more than its length.
func applyEdits(t testing.TB, m *Mapper, edits []protocol.TextEdit) []byte {
	t.Helper()
	content := m.Content()
	out := make([]byte, 0, len(content))
	at := 0
	for i, e := range edits {
		span, err := m.RangeSpan(e.Range)
		if err != nil {
			t.Fatalf("edit %d %+v: %v", i, e.Range, err)
		}
		if span.Start < at {
			t.Fatalf("edits %d and %d overlap or are out of order: %+v and %+v", i-1, i, edits[i-1].Range, e.Range)
		}
		out = append(append(out, content[at:span.Start]...), e.NewText...)
		at = span.End
	}
	return append(out, content[at:]...)
}

// randomNotes makes text with what formatting rewrites: malformed path operators, space
// runs, trailing white space, unsorted blocks, repeated URLs, CRLF and lone CR, no final
// line end, multi-byte text.
func randomNotes(r *rand.Rand) string {
	pieces := []string{"alpha", "Beta", "café", "中文", "😀", "x", "data store", "zeta"}
	seps := []string{" -- ", " --", "-- ", " --  ", "  --  "}
	var b strings.Builder
	for n := r.IntN(30); n > 0; n-- {
		switch r.IntN(8) {
		case 0:
			b.WriteString("")
		case 1:
			b.WriteString("[ ] task " + pieces[r.IntN(len(pieces))])
		default:
			for k := r.IntN(3); k >= 0; k-- {
				b.WriteString(pieces[r.IntN(len(pieces))])
				if k > 0 {
					b.WriteString(seps[r.IntN(len(seps))])
				}
			}
			switch r.IntN(4) {
			case 0:
				b.WriteString(" =  body https://u.example/a https://u.example/a")
			case 1:
				b.WriteString(" = see [[alpha]]  ")
			case 2:
				b.WriteString(" -> beta\t")
			}
		}
		b.WriteString([]string{"\n", "\n", "\n", "\r\n", "\r", "\n\n"}[r.IntN(6)])
	}
	if r.IntN(3) == 0 {
		b.WriteString("last -- line")
	}
	return b.String()
}

// formattedURL is a URL as the format defines it.
var formattedURL = regexp.MustCompile(`https?://\S+`)

// dashRuns are path operators as formatting sees them, malformed ones included.
var dashRuns = regexp.MustCompile(`--+`)

// words are the text's words, a path operator counting as space: formatting rewrites
// "a --b" and "a---b" to "a -- b".
func words(text []byte) []string {
	return strings.Fields(dashRuns.ReplaceAllString(strings.ReplaceAll(string(text), "\r", " "), " "))
}

// The edits turn the text into exactly what --fix writes, a second round has nothing to
// do, and no word is lost but a URL repeated in its line, whose first copy stays.
func TestFormattingEditsEqualFix(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 800; i++ {
		text := randomNotes(r)
		checkFormatting(t, text, i%2 == 0)
	}
}

func checkFormatting(t *testing.T, text string, sorting bool) {
	t.Helper()
	for _, enc := range []PositionEncoding{UTF16, UTF8} {
		m := NewMapperEncoding([]byte(text), enc)
		want := analysis.Fix([]byte(text), sorting)
		edits, err := lineEdits(m, m.Content(), 0, want)
		if err != nil {
			t.Fatalf("%s: %v", sample(text), err)
		}
		got := applyEdits(t, m, edits)
		if string(got) != string(want) {
			t.Fatalf("%s (sorting %v, %s): edits give\n%s\nwant --fix's\n%s", sample(text), sorting, enc, sample(string(got)), sample(string(want)))
		}
		again, err := lineEdits(NewMapperEncoding(got, enc), got, 0, analysis.Fix(got, sorting))
		if err != nil || len(again) != 0 {
			t.Fatalf("%s: formatting twice edits again: %s %v", sample(text), sample(fmt.Sprint(again)), err)
		}
		if err := wordsKept([]byte(text), got); err != nil {
			t.Fatalf("%s: %v", sample(text), err)
		}
	}
}

// sample quotes s, only its start when it is long (a generated corpus).
func sample(s string) string {
	if len(s) > 2000 {
		return fmt.Sprintf("%q… (%d bytes)", s[:2000], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// wordsKept reports the words formatting lost or added, in time linear in the text: the
// multiset of words must stay, but a URL repeated in its line may lose its copies.
func wordsKept(text, formatted []byte) error {
	count := map[string]int{}
	for _, w := range words(formatted) {
		count[w]++
	}
	urls := map[string]bool{} // as the format finds them, also inside a word ("0https://a")
	for _, u := range formattedURL.FindAllString(string(formatted), -1) {
		urls[u] = true
	}
	for _, w := range words(text) {
		if n, kept := count[w]; n > 0 {
			count[w]--
		} else if u := formattedURL.FindString(w); !kept && !urls[u] || u == "" { // a URL's first copy stays
			return fmt.Errorf("formatting lost the word %q", w)
		}
	}
	var added []string
	for w, n := range count {
		for ; n > 0; n-- {
			added = append(added, w)
		}
	}
	if len(added) != 0 {
		slices.Sort(added)
		return fmt.Errorf("formatting added words %q", added)
	}
	return nil
}

func TestRangeFormattingWholeLines(t *testing.T) {
	text := "b --x = one  \na --y = two  \n\nd -- z = three  \nc = four\n"
	tests := []struct {
		name string
		rng  protocol.Range
		want string
	}{
		{"inside line 0", protocol.Range{Start: pos(0, 1), End: pos(0, 2)}, "b -- x = one\na --y = two  \n\nd -- z = three  \nc = four\n"},
		{"lines 0-1, sorted within", protocol.Range{Start: pos(0, 0), End: pos(1, 3)}, "a -- y = two\nb -- x = one\n\nd -- z = three  \nc = four\n"},
		{"ending at the start of line 1 leaves it", protocol.Range{Start: pos(0, 0), End: pos(1, 0)}, "b -- x = one\na --y = two  \n\nd -- z = three  \nc = four\n"},
		{"the last block", protocol.Range{Start: pos(3, 2), End: pos(4, 8)}, "b --x = one  \na --y = two  \n\nc = four\nd -- z = three\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMapper([]byte(text))
			span, err := m.RangeSpan(tt.rng)
			if err != nil {
				t.Fatal(err)
			}
			start, end := m.wholeLines(span)
			edits, err := lineEdits(m, m.Content()[start:end], start, analysis.Fix(m.Content()[start:end], true))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(applyEdits(t, m, edits)); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func FuzzFormattingEdits(f *testing.F) {
	for _, seed := range []string{"", "a --b\n", "b = x\r\na = y\rlast", "x = https://a https://a  \n\n\n", "é -- 😀 --中文\n"} {
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, text string, sorting bool) {
		checkFormatting(t, text, sorting)
	})
}
