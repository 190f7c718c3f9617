package analysis

import (
	"bytes"
	"strconv"
	"testing"
)

// hostileShapes are lines built to make one part of the parser work hard: many spans of
// one kind in a single line, or long runs of the bytes a scan stops at. Each is generated
// at any size, so that benchmarks at two sizes 10x apart show the cost growing 10x.
var hostileShapes = []struct {
	name string
	line func(n int) []byte // about n bytes
}{
	{"refs", repeatTo("", "[[a]]")},
	{"nested", repeatTo("", "[[")},
	{"unclosed", repeatTo("", "[[a")},
	{"empty-refs", repeatTo("", "[[]]")},
	{"body-refs", repeatTo("a = ", "[[a -- b]] ")},
	{"open-square", repeatTo("", "[")},
	{"close-square", repeatTo("", "]")},
	{"open-paren", repeatTo("", "(")},
	{"close-paren", repeatTo("", ")")},
	{"quotes", repeatTo("", `"`)},
	{"urls", numberedTo("a ", "http://x.org/", " ")},
	{"urls-same", repeatTo("a ", "http://x.org ")},
	{"urls-repeated", numberedTo("a ", "http://x.org http://x.org/", " ")},
	{"urls-brackets", numberedTo("a = (", "https://x.org/(", " [ ")},
	{"segments", repeatTo("a", " -- a")},
	{"bad-separators", repeatTo("a", "--a")},
	{"soft-arrow", repeatTo("a -> ", "b -> ")},
	{"soft-tilde", repeatTo("a ~ ", "see ~ ")},
	{"groups", repeatTo("a", " (b)")},
	{"glosses", repeatTo("a", ` "b"`)},
	{"marks", repeatTo("", "+++ ")},
	{"control-refs", repeatTo("", "[[\x01")},
	{"control-urls", repeatTo("", "http://x\x01 ")},
	{"control-separators", repeatTo("a", "\x01--a")},
	{"acronym", acronymTo},
	{"acronym-long", acronymLongTo},
	{"huge-segment", repeatTo("", "word ")},
}

// repeatTo returns a shape: prefix, then unit repeated to about n bytes.
func repeatTo(prefix, unit string) func(n int) []byte {
	return func(n int) []byte {
		return append([]byte(prefix), bytes.Repeat([]byte(unit), max(n-len(prefix), 0)/len(unit))...)
	}
}

// numberedTo returns a shape: prefix, then head+i+tail for i = 0, 1, ... to about n bytes.
func numberedTo(prefix, head, tail string) func(n int) []byte {
	return func(n int) []byte {
		b := []byte(prefix)
		for i := 0; len(b) < n; i++ {
			b = append(b, head...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, tail...)
		}
		return b
	}
}

// acronymTo is the longest acronym there is, not quite spelled by the words of its
// parenthetical: every split of its letters among the words has to be ruled out.
func acronymTo(n int) []byte {
	b := append(bytes.Repeat([]byte("a"), maxAcronym-1), "b ("...)
	b = append(b, bytes.Repeat([]byte("aa "), max(n-len(b), 0)/3)...)
	return append(b, ')')
}

// acronymLongTo is a one-word name as long as the words of its parenthetical.
func acronymLongTo(n int) []byte {
	b := append(bytes.Repeat([]byte("a"), n/4), "b ("...)
	b = append(b, bytes.Repeat([]byte("a "), n/4)...)
	return append(b, ')')
}

// hostileSizes are the two sizes of each hostile benchmark, 10x apart.
var hostileSizes = []struct {
	name string
	n    int
}{{"100k", 100_000}, {"1M", 1_000_000}}

// BenchmarkHostileLine parses each hostile shape at 100 KB and 1 MB: the time of the
// larger must be about ten times the smaller's.
func BenchmarkHostileLine(b *testing.B) {
	for _, shape := range hostileShapes {
		for _, size := range hostileSizes {
			line := shape.line(size.n)
			b.Run(shape.name+"-"+size.name, func(b *testing.B) {
				b.SetBytes(int64(len(line)))
				for b.Loop() {
					ParseLine(line)
				}
			})
		}
	}
}

// BenchmarkHostileFix formats and fixes each hostile shape (a file of one line), which
// parses it, rewrites its head and drops its repeated URLs.
func BenchmarkHostileFix(b *testing.B) {
	for _, shape := range hostileShapes {
		for _, size := range hostileSizes {
			line := shape.line(size.n)
			b.Run(shape.name+"-"+size.name, func(b *testing.B) {
				b.SetBytes(int64(len(line)))
				for b.Loop() {
					Fix(line, true)
				}
			})
		}
	}
}

// BenchmarkHostileFile parses files whose shape makes finding the lines hard, at 100 KB
// and 1 MB.
func BenchmarkHostileFile(b *testing.B) {
	for _, shape := range []struct {
		name string
		file func(n int) []byte
	}{
		{"lone-cr", repeatTo("", "a\r")},
		{"lone-cr-entries", repeatTo("", "term = definition\r")},
		{"crlf", repeatTo("", "term = definition\r\n")},
	} {
		for _, size := range hostileSizes {
			src := shape.file(size.n)
			b.Run(shape.name+"-"+size.name, func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					Parse(src)
				}
			})
		}
	}
}
