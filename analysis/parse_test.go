package analysis

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"testing"
)

// describe renders a line's tree compactly for table tests.
func describe(text string, l Line) string {
	b := []byte(text)
	var out []string
	out = append(out, l.Kind.String())
	if !l.Box.IsZero() {
		out = append(out, "box="+l.Box.Text(b))
	}
	for i, s := range l.Segments {
		seg := "seg=" + s.Name().Text(b) + "/" + l.TopicKey(i)
		a := l.Attrs(i)
		if !a.Alias.IsZero() {
			seg += " alias=" + a.Alias.Text(b)
		}
		if !a.Qualifier.IsZero() {
			seg += " qual=" + a.Qualifier.Text(b)
		}
		if !a.Gloss.IsZero() {
			seg += " gloss=" + a.Gloss.Text(b)
		}
		if !a.Ordinal.IsZero() {
			seg += " ord=" + a.Ordinal.Text(b)
		}
		out = append(out, seg)
	}
	if !l.Note.IsZero() {
		out = append(out, "note="+l.Note.Text(b))
	}
	if l.Sep != SepNone {
		out = append(out, "sep="+l.Sep.String(), "body="+l.Body.Text(b))
	}
	for _, u := range l.URLs {
		out = append(out, "url="+u.Text(b))
	}
	for _, m := range l.Marks() {
		out = append(out, "mark@"+fmt.Sprint(m.Start))
	}
	for _, r := range l.Refs() {
		kind := "ref"
		if r.Soft {
			kind = "soft"
		}
		out = append(out, kind+"="+r.Target.Text(b)+"/"+r.Key)
	}
	for _, d := range l.Diags() {
		out = append(out, "!"+d.Rule+"@"+d.Span.Text(b))
	}
	return strings.Join(out, " | ")
}

func TestParseLine(t *testing.T) {
	tests := []struct{ line, want string }{
		{"", "blank"},
		{"   ", "blank | !trailing-whitespace@   "},
		{"backpressure", "entry | seg=backpressure/backpressure"},
		{"data store -- database -- sharding -- by key, range, directory https://dgraph.io/x",
			"entry | seg=data store/data store | seg=database/data store -- database | seg=sharding/data store -- database -- sharding | seg=by key, range, directory/data store -- database -- sharding -- by key, range, directory | note=https://dgraph.io/x | url=https://dgraph.io/x"},
		{"PACELC theorem = extension of CAP https://en.wikipedia.org/wiki/PACELC_theorem",
			"entry | seg=PACELC theorem/pacelc theorem | sep== | body=extension of CAP https://en.wikipedia.org/wiki/PACELC_theorem | url=https://en.wikipedia.org/wiki/PACELC_theorem"},
		{"API -- REST -- principles == 1 Uniform Interface",
			"entry | seg=API/api | seg=REST/api -- rest | seg=principles/api -- rest -- principles | sep=== | body=1 Uniform Interface"},
		{"data store -- live query: A live query is re-run.",
			"entry | seg=data store/data store | seg=live query/data store -- live query | sep=: | body=A live query is re-run."},
		{"CAP Theorem -> see also PACELC theorem",
			"entry | seg=CAP Theorem/cap theorem | sep=-> | body=see also PACELC theorem | soft=PACELC theorem/pacelc theorem"},
		{"scaling ~ elasticity", "entry | seg=scaling/scaling | sep=~ | body=elasticity | soft=elasticity/elasticity"},
		{"jumpbox = see [[jump server]]", "entry | seg=jumpbox/jumpbox | sep== | body=see [[jump server]] | ref=jump server/jump server"},
		{"search -- https://vespa.ai/ (NO OpenSearch)", "entry | seg=search/search | note=https://vespa.ai/ (NO OpenSearch) | url=https://vespa.ai/"},
		{"[ ] microservice -- design -- https://example.com/p",
			"task | box=[ ] | seg=microservice/microservice | seg=design/microservice -- design | note=https://example.com/p | url=https://example.com/p"},
		{"fault tolerance +++https://medium.com/x", "entry | seg=fault tolerance/fault tolerance | note=https://medium.com/x | url=https://medium.com/x | mark@16"},
		{"[ ] +++ https://github.com/x", "task | box=[ ] | note=https://github.com/x | url=https://github.com/x | mark@4"},
		{`BaaS "backend-as-a-service" = managed`, "entry | seg=BaaS/baas alias=backend-as-a-service | sep== | body=managed"},
		{"Backends For Frontends (BFF) https://x.io", "entry | seg=Backends For Frontends/backends for frontends alias=BFF | note=https://x.io | url=https://x.io"},
		{"API -- REST (Representational State Transfer) = style", "entry | seg=API/api | seg=REST/api -- rest alias=Representational State Transfer | sep== | body=style"},
		{"Mean Time To Resolution/repair/recover (MTTR)", "entry | seg=Mean Time To Resolution/repair/recover/mean time to resolution/repair/recover alias=MTTR"},
		{"snowflake (Twitter) = uuid", "entry | seg=snowflake/snowflake qual=Twitter | sep== | body=uuid"},
		{"operations (ops)", "entry | seg=operations/operations qual=ops"},
		{"CAP Theorem -- 1. Consistency = x", "entry | seg=CAP Theorem/cap theorem | seg=1. Consistency/cap theorem -- 1. consistency ord=1. | sep== | body=x"},
		{"design -- 01b clarifying questions", "entry | seg=design/design | seg=01b clarifying questions/design -- 01b clarifying questions ord=01b"},
		{"Data  Layer   Abstraction", "entry | seg=Data  Layer   Abstraction/data layer abstraction"},
		{"API --gateway", "entry | seg=API/api | seg=gateway/api -- gateway | !malformed-separator@--"},
		{"a --- b", "entry | seg=a/a | seg=b/a -- b | !malformed-separator@---"},
		{"a --  -- b", "entry | seg=a/a | seg=b/a -- b | !empty-segment@--"},
		{"a -- = x", "entry | seg=a/a | sep== | body=x | !empty-segment@--"},
		{"= def", "entry | sep== | body=def | !missing-term@="},
		{"a =", "entry | seg=a/a | sep== | body= | !empty-definition@="},
		{"[]paper", "task | box=[] | seg=paper/paper | !malformed-task@[]"},
		{"[x]paper", "task | box=[x] | seg=paper/paper | !malformed-task@[x]"},
		{"[x] done", "task | box=[x] | seg=done/done"},
		{"[[jump server]] is here", "entry | seg=[[jump server]] is here/[[jump server]] is here | ref=jump server/jump server"},
		{"a = [[]]", "entry | seg=a/a | sep== | body=[[]] | !malformed-reference@[[]]"},
		{"a = [[x", "entry | seg=a/a | sep== | body=[[x | !malformed-reference@[[x"},
		{"a = x (y", "entry | seg=a/a | sep== | body=x (y | !unbalanced-brackets@("},
		{"a = x https://e.org/(y", "entry | seg=a/a | sep== | body=x https://e.org/(y | url=https://e.org/(y"},
		{"a https://x.org https://x.org", "entry | seg=a/a | note=https://x.org https://x.org | url=https://x.org | url=https://x.org | !duplicate-url@https://x.org"},
		{"a = b\x00c", "entry | seg=a/a | sep== | body=b\x00c | !invalid-encoding@\x00"},
		{"a = b\xffc", "entry | seg=a/a | sep== | body=b\xffc | !invalid-encoding@\xff"},
		{"a = b \t", "entry | seg=a/a | sep== | body=b | !trailing-whitespace@ \t"},
		{"a=b", "entry | seg=a=b/a=b"},
		{"time 10:30 = t", "entry | seg=time 10:30/time 10:30 | sep== | body=t"},
		{"日本語 -- 東京 = 首都 🙂", "entry | seg=日本語/日本語 | seg=東京/日本語 -- 東京 | sep== | body=首都 🙂"},
	}
	for _, tt := range tests {
		got := describe(tt.line, ParseLine([]byte(tt.line)))
		if got != tt.want {
			t.Errorf("ParseLine(%q)\n got %s\nwant %s", tt.line, got, tt.want)
		}
	}
}

func TestLineEnds(t *testing.T) {
	tests := []struct {
		src   string
		lines []string
	}{
		{"", nil},
		{"a", []string{"a"}},
		{"a\n", []string{"a"}},
		{"a\nb", []string{"a", "b"}},
		{"a\r\nb\r\n", []string{"a", "b"}},
		{"a\rb\r", []string{"a", "b"}},
		{"a\r\rb", []string{"a", "", "b"}},
		{"a\n\nb\n", []string{"a", "", "b"}},
		{"\xEF\xBB\xBFa\nb", []string{"a", "b"}},
		{"a\r\n\r\nb\rc\n", []string{"a", "", "b", "c"}},
	}
	for _, tt := range tests {
		f := Parse([]byte(tt.src))
		var got []string
		for i := range f.NumLines() {
			got = append(got, string(f.LineText(i)))
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.lines) {
			t.Errorf("Parse(%q) lines = %q, want %q", tt.src, got, tt.lines)
		}
	}
}

func TestAcronymPairs(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Backends For Frontends", "BFF", true},
		{"infrastructure as code", "IaC", true},
		{"non-abstract large system design", "NALSD", true},
		{"Mean Time To Resolution/repair/recover", "MTTR", true},
		{"REST", "Representational State Transfer", true},
		{"BaaS", "backend-as-a-service", true},
		{"snowflake", "Twitter", false},
		{"DDOS", "incl. self", false},
		{"operations", "ops", false},
		{"authentication", "authn", false},
	}
	for _, tt := range tests {
		if got := IsAcronymPair([]byte(tt.a), []byte(tt.b)); got != tt.want {
			t.Errorf("IsAcronymPair(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestAcronymLimit: an acronym has at most maxAcronym letters, however many words the
// other side has to spell it.
func TestAcronymLimit(t *testing.T) {
	rep := strings.Repeat
	tests := []struct {
		a, b string
		want bool
	}{
		{rep("a", maxAcronym), rep("a ", maxAcronym), true},
		{rep("a", maxAcronym+1), rep("a ", maxAcronym+1), false},
		{rep("a", maxAcronym-1) + "b", rep("aa ", maxAcronym/2) + "b", true},
		{rep("a", maxAcronym-1) + "b", rep("aa ", 1000), false},
		{rep("a", maxAcronym-1) + "b", rep("aa ", 1000) + "bb", true},
	}
	for _, tt := range tests {
		if got := IsAcronymPair([]byte(tt.a), []byte(tt.b)); got != tt.want {
			t.Errorf("IsAcronymPair(%d letters, %d bytes) = %v, want %v", len(tt.a), len(tt.b), got, tt.want)
		}
	}
}

// TestHugeLine parses a 10 MB line: no scanner token limit, no quadratic work.
func TestHugeLine(t *testing.T) {
	line := bytes.Repeat([]byte("word "), 2<<20)
	src := append([]byte("huge = "), line...)
	src = append(src, "\nnext\n"...)
	f := Parse(src)
	if f.NumLines() != 2 || string(f.LineText(1)) != "next" {
		t.Fatalf("got %d lines", f.NumLines())
	}
	if f.Line(0).Body.Len() != len(line)-1 {
		t.Errorf("body length %d, want %d", f.Line(0).Body.Len(), len(line)-1)
	}
}

func TestRealCorpusSingleLineRules(t *testing.T) {
	src, err := os.ReadFile("../testdata/system-design.notes")
	if err != nil {
		t.Fatal(err)
	}
	f := Parse(src)
	if f.NumLines() != 582 {
		t.Fatalf("%d lines, want 582", f.NumLines())
	}
	var got []string
	for _, d := range f.Diagnostics() {
		got = append(got, fmt.Sprintf("%d:%s", d.Line+1, d.Rule))
	}
	want := "39:unbalanced-brackets 82:unbalanced-brackets 83:malformed-separator 149:unbalanced-brackets " +
		"281:unbalanced-brackets 309:duplicate-url 349:empty-definition 350:empty-definition 354:empty-definition"
	if strings.Join(got, " ") != want {
		t.Errorf("got %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestPrintableASCII(t *testing.T) {
	for c := 0; c < 256; c++ {
		word := bytes.Repeat([]byte{'a'}, 8)
		for at := range 8 {
			word[at] = byte(c)
			got := printableASCII(binary.LittleEndian.Uint64(word))
			if want := c >= 0x20 && c < 0x7f; got && !want {
				t.Errorf("byte %#x at %d passed as printable", c, at)
			}
			word[at] = 'a'
		}
	}
	if !printableASCII(binary.LittleEndian.Uint64([]byte("abc ~XYZ"))) {
		t.Error("printable text refused")
	}
}

// A URL is `https?://` followed by a character that is not a space: a scheme alone is a
// word, and two of them in a line are no repeated URL (FuzzFormattingEdits found the
// format dropping the second).
func TestSchemeAloneIsNoURL(t *testing.T) {
	for _, c := range []struct {
		text string
		urls int
	}{
		{"00http:// http://", 0},
		{"x = see https://", 0},
		{"x = https://a http://b", 2},
		{"x = http://a", 1},
	} {
		f := Parse([]byte(c.text))
		if got := len(f.Line(0).URLs); got != c.urls {
			t.Errorf("%q: %d URLs, want %d", c.text, got, c.urls)
		}
	}
}

// A later copy of a URL is found wherever it starts, and fixed (dropped) only when it is
// a word of its own: dropping one glued to what comes before it would leave that text.
func TestRepeatedURLGluedToAWord(t *testing.T) {
	for _, c := range []struct {
		text, fixed string
		fixable     bool
	}{
		{"x = https://a see https://a", "x = https://a see", true},
		{"https://a 0https://a", "https://a 0https://a", false},
		{"x = https://a see +++https://a", "x = https://a see +++https://a", false},
	} {
		f := Parse([]byte(c.text))
		var found []LineDiag
		for _, d := range f.Line(0).Diags() {
			if d.Rule == RuleDuplicateURL {
				found = append(found, d)
			}
		}
		if len(found) != 1 || found[0].Fixable != c.fixable {
			t.Errorf("%q: duplicate-url findings %+v, want one, fixable %v", c.text, found, c.fixable)
		}
		if got := string(Fix([]byte(c.text+"\n"), false)); got != c.fixed+"\n" {
			t.Errorf("Fix(%q) = %q, want %q", c.text, got, c.fixed+"\n")
		}
	}
}
