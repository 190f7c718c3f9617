package analysis

import (
	"fmt"
	"strings"
	"testing"
)

var tokenNames = [...]string{"seg", "op", "sep", "alias", "qual", "gloss", "ord", "ref", "url", "mark", "task"}

func renderTokens(src string, f *File, i int) string {
	var parts []string
	for _, t := range LineTokens(f, i) {
		parts = append(parts, fmt.Sprintf("%s:%q", tokenNames[t.Kind], src[t.Span.Start:t.Span.End]))
	}
	return strings.Join(parts, " ")
}

func TestLineTokens(t *testing.T) {
	tests := []struct{ line, want string }{
		{"data store -- database (DB) -- sharding = by key https://x.example/a",
			`seg:"data store" op:"--" seg:"database" qual:"DB" op:"--" seg:"sharding" sep:"=" url:"https://x.example/a"`},
		{"Backends For Frontends (BFF) = one API a client", `seg:"Backends For Frontends" alias:"BFF" sep:"="`},
		{"[x] ACID -- 1. Atomicity \"all\" -> see [[atomic]] +++",
			`task:"[x]" seg:"ACID" op:"--" ord:"1." seg:"Atomicity" gloss:"all" sep:"->" ref:"[[atomic]]" mark:"+++"`},
		{"cache (fast memory) ~ related", `seg:"cache" qual:"fast memory" sep:"~" ref:"related"`},
		{"", ``},
	}
	for _, tt := range tests {
		f := Parse([]byte(tt.line + "\n"))
		if got := renderTokens(tt.line+"\n", f, 0); got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.line, got, tt.want)
		}
	}
}

// Whatever the line, tokens are in order, inside the line, and never overlap.
func FuzzLineTokens(f *testing.F) {
	for _, s := range []string{"a -- b (B) = c [[d]] https://e +++", "[ ] x \"g\" -- 01b y: [[z]]", "[[a -- b]] -- c", "a (b [[c]]) -- d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		file := Parse([]byte(src))
		for i := range file.NumLines() {
			line := file.LineSpan(i)
			end := line.Start
			for _, tok := range LineTokens(file, i) {
				if tok.Span.Start < end || tok.Span.End <= tok.Span.Start || tok.Span.End > line.End {
					t.Fatalf("%q line %d: token %+v after %d, line %v", src, i, tok, end, line)
				}
				end = tok.Span.End
			}
		}
	})
}
