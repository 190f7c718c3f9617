package index

import (
	"testing"
	"unicode/utf8"

	"github.com/notesls/notesls/analysis"
)

// appendNormalizedPlain is appendNormalized written a rune at a time, as the reference.
func appendNormalizedPlain(dst []byte, text string) []byte {
	isSpace := func(r rune) bool { return r == ' ' || r == '\t' }
	rs := []rune(text)
	for len(rs) > 0 && isSpace(rs[0]) {
		rs = rs[1:]
	}
	for len(rs) > 0 && isSpace(rs[len(rs)-1]) {
		rs = rs[:len(rs)-1]
	}
	space := false
	for _, r := range rs {
		if isSpace(r) {
			space = true
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = utf8.AppendRune(dst, analysis.Fold(r))
	}
	return dst
}

func FuzzAppendNormalized(f *testing.F) {
	for _, s := range []string{"", " ", "a", "Data Store -- DataBase", "a  b\tc \t d", "  lead and trail  ",
		"Café  NAÏVE\tx", "x \t", "A", "ab  ", "a b", "a  B", "\tZ", "日本 語", "\xff\xfeA  b", "a \xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := string(appendNormalized(nil, s)), string(appendNormalizedPlain(nil, s))
		if got != want {
			t.Fatalf("appendNormalized(%q) = %q, want %q", s, got, want)
		}
		if b := string(appendNormalized([]byte("pre"), []byte(s))); b != "pre"+want {
			t.Fatalf("appendNormalized of bytes after a prefix = %q, want %q", b, "pre"+want)
		}
	})
}
