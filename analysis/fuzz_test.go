package analysis

import (
	"bytes"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// words returns the multiset of words of the non-blank lines, with path operators
// (hyphen runs) counted as spaces: formatting may rewrite "a--b" to "a -- b" but must
// never lose a word.
func words(src []byte) []string {
	var out []string
	f := Parse(src)
	for i := range f.NumLines() {
		text := string(f.LineText(i))
		for _, w := range strings.Fields(text) {
			for _, part := range strings.FieldsFunc(w, func(r rune) bool { return r == '-' }) {
				out = append(out, part)
			}
		}
	}
	slices.Sort(out)
	return out
}

func checkInvariants(t *testing.T, src []byte) {
	f := Parse(src)
	if f.NumLines() != f.NumLines() {
		t.Fatalf("%d lines, %d starts", f.NumLines(), f.NumLines())
	}
	prevEnd := f.BOM
	for i := range f.NumLines() {
		l := f.Line(i)
		start := f.Start(i)
		if start < prevEnd || start+int(l.Len) > len(src) {
			t.Fatalf("line %d at %d+%d outside [%d,%d]", i, start, l.Len, prevEnd, len(src))
		}
		prevEnd = start + int(l.Len)
		inLine := func(what string, s LineSpan) {
			if s.Start < 0 || s.End < s.Start || int(s.End) > int(l.Len) {
				t.Fatalf("line %d: %s span %v outside [0,%d]", i, what, s, l.Len)
			}
		}
		inLine("head", l.Head)
		inLine("body", l.Body)
		inLine("box", l.Box)
		text := f.LineText(i)
		for k, s := range l.Segments {
			inLine("segment", s.Span)
			inLine("name", s.Name())
			if s.Name().Start != s.Span.Start || s.Name().End > s.Span.End {
				t.Fatalf("line %d: name %v outside segment %v", i, s.Name(), s.Span)
			}
			a := l.Attrs(k)
			inLine("alias", a.Alias)
			inLine("qualifier", a.Qualifier)
			inLine("gloss", a.Gloss)
			inLine("ordinal", a.Ordinal)
			if int(s.keyEnd) > len(l.Key) {
				t.Fatalf("line %d: key end %d of %q", i, s.keyEnd, l.Key)
			}
			// The segment keys, derived from where each ends, are the keys of the names.
			if got, want := l.SegmentKey(k), NameKey(text[s.Name().Start:s.Name().End]); got != want {
				t.Fatalf("line %d: segment %d key %q, want %q", i, k, got, want)
			}
		}
		for _, u := range l.URLs {
			inLine("url", u)
		}
		for _, r := range l.Refs() {
			inLine("ref", r.Span)
		}
		for _, d := range l.Diags() {
			inLine(d.Rule, d.Span)
		}
	}
	once := Format(src, true)
	if twice := Format(once, true); !bytes.Equal(once, twice) {
		t.Fatalf("Format is not idempotent:\n%q\n%q", once, twice)
	}
	if !slices.Equal(words(src), words(once)) {
		t.Fatalf("Format changed the words:\n%q\n%q", src, once)
	}
}

// FuzzParse: Parse never panics, every span lies inside its line, and formatting the
// parsed file is stable and keeps every word. The seeds run in every go test.
func FuzzParse(f *testing.F) {
	corpus, err := os.ReadFile("../testdata/system-design.notes")
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range bytes.Split(corpus, []byte("\n"))[:80] {
		f.Add(line)
	}
	for _, s := range []string{
		"", "\n", "\r", "\r\n", "\xEF\xBB\xBF", "a --b", "-- a", "a --", "= x", "[[", "[[]]", "[[a [[b]]",
		"[ x]", "[x]y", "a (b", "a \"b", "x https://a https://a", "a \x00 b", "\xff", "a  =  b  ",
		"a -- b -- https://x", "+++", "+++https://x", "a:b: c", "日本 -- 東京 = 🙂", "a\r\nb\rc\n",
		"z\na\n\nb\na", "x -- (y) \"z\" = w", "1. a -- 01b b", "a -- -- = ~ -> :",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkInvariants(t, src)
	})
}

func TestFormat(t *testing.T) {
	tests := []struct{ in, want string }{
		{"b\na\n", "a\nb\n"},
		{"b\na", "a\nb\n"},
		{"term  =  def\n", "term = def\n"},
		{"a  --  b ==  x\n", "a -- b == x\n"},
		{"API --gateway\n", "API -- gateway\n"},
		{"a-- b\n", "a -- b\n"},
		{"x: y  \n", "x: y\n"},
		{"Zeta\nalpha\n\nb\na\n\n\n", "alpha\nZeta\n\na\nb\n"},
		{"a\r\nC\r\nb\r\n", "a\r\nb\r\nC\r\n"},
		{"[ ]  task\n", "[ ] task\n"},
		{"a = body  keeps   spaces\n", "a = body  keeps   spaces\n"},
	}
	for _, tt := range tests {
		if got := string(Format([]byte(tt.in), true)); got != tt.want {
			t.Errorf("Format(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := string(Format([]byte("b\na\n"), false)); got != "b\na\n" {
		t.Errorf("Format without sorting reordered lines: %q", got)
	}
	if got := string(Fix([]byte("a https://x https://x\n"), true)); got != "a https://x\n" {
		t.Errorf("Fix kept a repeated URL: %q", got)
	}
}

func TestFormatRealCorpus(t *testing.T) {
	src, err := os.ReadFile("../testdata/system-design.notes")
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, src)
	out := Fix(src, true)
	f := Parse(out)
	for _, d := range f.Diagnostics() {
		switch d.Rule {
		case RuleMalformedSeparator, RuleDuplicateURL, RuleTrailingWhitespace:
			t.Errorf("after Fix, line %d still has %s", d.Line+1, d.Rule)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	corpus, err := os.ReadFile("../testdata/system-design.notes")
	if err != nil {
		b.Fatal(err)
	}
	src := bytes.Repeat(corpus, 100) // about 5.7 MB
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(src)
	}
}

// compareFoldedSlow is CompareFolded written plainly, as the reference.
func compareFoldedSlow(a, b []byte) int {
	ra, rb := []rune(string(a)), []rune(string(b))
	for i := 0; i < len(ra) && i < len(rb); i++ {
		if fa, fb := Fold(ra[i]), Fold(rb[i]); fa != fb {
			if fa < fb {
				return -1
			}
			return 1
		}
	}
	return len(ra) - len(rb)
}

func FuzzCompareFolded(f *testing.F) {
	for _, s := range [][2]string{
		{"abcdefgh", "abcdefgh"}, {"abcdefghé", "abcdefghè"}, {"abcdefgé", "abcdefgè"},
		{"ABCDEFGHIJ", "abcdefghij"}, {"data store -- x", "data store -- y"}, {"a", ""},
		{"école", "Ecole"}, {"kelvin \u212a", "kelvin k"}, {"1234567\xff", "1234567\xfe"},
	} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if !utf8.Valid(a) || !utf8.Valid(b) {
			return // invalid bytes fold as themselves in one and as U+FFFD in the other
		}
		got, want := CompareFolded(a, b), compareFoldedSlow(a, b)
		if (got < 0) != (want < 0) || (got > 0) != (want > 0) {
			t.Fatalf("CompareFolded(%q, %q) = %d, want the sign of %d", a, b, got, want)
		}
	})
}

// TestInvariantsRandomLines checks the tree's invariants, among them that each segment's
// attributes lie in its line and that the segment keys derived from where each ends are
// the keys of the names, on files of random lines mixing every kind of span.
func TestInvariantsRandomLines(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		var src []byte
		for range r.IntN(8) {
			src = append(append(src, randomLine(r)...), "\n\r\n\r"[r.IntN(3):][:1]...)
		}
		checkInvariants(t, src)
	}
}
