package analysis

import (
	"fmt"
	"strings"
	"testing"
)

// outlineString renders symbols one a line, indented by depth: "name [first-last] detail",
// with the lines of the range and the selection's text.
func outlineString(f *File, syms []Symbol, depth int, b *strings.Builder) {
	for _, s := range syms {
		fmt.Fprintf(b, "%s%s [%d-%d] sel=%q detail=%q\n", strings.Repeat("  ", depth), s.Name,
			f.LineAt(s.Range.Start), f.LineAt(s.Range.End), f.Text.Slice(s.Selection.Start, s.Selection.End), s.Detail)
		outlineString(f, s.Children, depth+1, b)
	}
}

func TestOutline(t *testing.T) {
	src := "data store = where data lives\n" +
		"data store -- database (DB) = tables\n" +
		"data store -- database -- sharding = by key\n" +
		"\n" +
		"[ ] cache -- warm\n" +
		"data store -- queue -> see [[kafka]]\n" +
		": no term\n" +
		"cache = fast\n"
	f := Parse([]byte(src))
	var b strings.Builder
	outlineString(f, Outline(f), 0, &b)
	want := `data store [0-5] sel="data store" detail="where data lives"
  database (DB) [1-2] sel="database (DB)" detail="tables"
    sharding [2-2] sel="sharding" detail="by key"
  queue [5-5] sel="queue" detail=""
cache [4-7] sel="cache" detail="fast"
  warm [4-4] sel="warm" detail=""
`
	if got := b.String(); got != want {
		t.Errorf("outline:\n%s\nwant:\n%s", got, want)
	}
	// Every child's range lies in its parent's, every selection in its range.
	var check func(parent Span, syms []Symbol)
	check = func(parent Span, syms []Symbol) {
		for _, s := range syms {
			if s.Range.Start < parent.Start || s.Range.End > parent.End || s.Selection.Start < s.Range.Start || s.Selection.End > s.Range.End {
				t.Errorf("%s: range %v selection %v outside parent %v", s.Key, s.Range, s.Selection, parent)
			}
			check(s.Range, s.Children)
		}
	}
	check(Span{0, len(src)}, Outline(f))
}

func TestFolds(t *testing.T) {
	src := "a = 1\n" + // 0
		"a -- b = 2\n" + // 1
		"a -- b -- c = 3\n" + // 2
		"a -- d = 4\n" + // 3
		"e = 5\n" + // 4
		"\n" + // 5
		"f = 6\n" + // 6
		"\n" + // 7
		"g -- h = 7\n" + // 8
		"g -- h = 8\n" // 9
	f := Parse([]byte(src))
	got := fmt.Sprint(Folds(f))
	// The block 0-4, topic a 0-3, a -- b 1-2; block 8-9 is also g and g -- h: kept once.
	if want := "[{0 4} {0 3} {1 2} {8 9}]"; got != want {
		t.Errorf("folds %s, want %s", got, want)
	}
}

func TestSelectionSpans(t *testing.T) {
	tests := []struct {
		src, at string
		want    []string
	}{
		{"x = 0\n\na -- bb -- c = one\na -- d = two\ne = three\n", "bb",
			[]string{"bb", "a -- bb -- c", "a -- bb -- c = one", "a -- bb -- c = one\na -- d = two", "a -- bb -- c = one\na -- d = two\ne = three"}},
		// Each topic of the path, innermost first.
		{"a -- bb -- cc = one\na -- bb -- d = two\na -- e = three\nf = four\n", "cc",
			[]string{"cc", "a -- bb -- cc", "a -- bb -- cc = one", "a -- bb -- cc = one\na -- bb -- d = two",
				"a -- bb -- cc = one\na -- bb -- d = two\na -- e = three", "a -- bb -- cc = one\na -- bb -- d = two\na -- e = three\nf = four"}},
		// On an outer segment: its topic, not the deeper ones.
		{"a -- bb -- cc = one\na -- bb -- d = two\na -- e = three\n", "bb",
			[]string{"bb", "a -- bb -- cc", "a -- bb -- cc = one", "a -- bb -- cc = one\na -- bb -- d = two",
				"a -- bb -- cc = one\na -- bb -- d = two\na -- e = three"}},
		// In a body: the line, then the topics.
		{"a -- b = one\na -- c = two\n", "one", []string{"a -- b = one", "a -- b = one\na -- c = two"}},
	}
	for _, tt := range tests {
		f := Parse([]byte(tt.src))
		off := strings.Index(tt.src, tt.at) + 1
		var got []string
		for _, s := range SelectionSpans(f, off) {
			got = append(got, tt.src[s.Start:s.End])
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
			t.Errorf("selection spans at %q\n%q\nwant\n%q", tt.at, got, tt.want)
		}
	}
}
