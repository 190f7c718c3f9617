package index

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/notesls/notesls/analysis"
)

func mentionsConfig() Config {
	cfg := DefaultConfig()
	cfg.Severity = map[string]analysis.Severity{RuleUnlinkedMention: analysis.SeverityHint}
	return cfg
}

// TestScanLineMentions is the matcher on one line against a fixed set of terms.
func TestScanLineMentions(t *testing.T) {
	terms := []string{"sharding", "data store", "data store engine", "store", "cap", "api", "db",
		"pub/sub", "load-shedding", "queue", "a b c d e f g h", "a b c d e f g h i", "één ding"}
	set := map[string]bool{}
	prefixes := map[string]bool{}
	for _, k := range terms {
		if termWords(k) == 0 {
			continue
		}
		set[k] = true
		for i := range k {
			if k[i] == ' ' {
				prefixes[k[:i]] = true
			}
		}
	}
	mt := mentionTerms{isTerm: func(k string) bool { return set[k] }, extends: func(k string) bool { return prefixes[k] }}
	for _, tc := range []struct {
		line string
		want []string // the mentions' text, in order
	}{
		{"x = about sharding", []string{"sharding"}},
		{"x = Sharding, SHARDING and sharding", []string{"Sharding"}}, // once a term a line
		{"x = the data store holds", []string{"data store"}},          // longest first
		{"x = a data store engine here", []string{"data store engine"}},
		{"x = a data  store and a data, store", []string{"data  store", "store"}}, // only blanks join words
		{"x = data-store and datastore", nil},                                     // whole words
		{"x = pub/sub, not pub or sub; load-shedding.", []string{"pub/sub", "load-shedding"}},
		{"x = the CAP theorem, a db, an API", []string{"CAP", "API"}}, // 3+ letters
		{"x = see [[sharding]] and sharding", nil},                    // linked in the line already
		{"x = see [[data store]] and a queue", []string{"queue"}},
		{"x = https://example.com/sharding and [[store]] queue", []string{"queue"}},
		{"x = data [[y]] store", []string{"store"}}, // a match never spans a reference
		{"sharding = sharding splits data", nil},
		{"data store -- queue = a queue in a data store, sharding", []string{"sharding"}}, // its own names
		{"CAP (consistency) = CAP and Consistency", nil},
		{"x -> see also sharding", nil}, // a soft reference is a link
		{"x ~ sharding", nil},
		{"x sharding", nil},
		{"x: colon sharding", []string{"sharding"}},
		{"x == double sharding", []string{"sharding"}},
		{"[ ] task = read about sharding", []string{"sharding"}},
		{"x = a b c d e f g h i", []string{"a b c d e f g h"}}, // at most maxTermWords words
		{"x = één ding", []string{"één ding"}},
		{"x = Één Ding", []string{"Één Ding"}},
	} {
		f := analysis.Parse([]byte(tc.line))
		var got []string
		for _, m := range scanLineMentions(nil, f, 0, mt, nil) {
			got = append(got, tc.line[m.start:m.end])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: mentions %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestTermWords(t *testing.T) {
	for key, want := range map[string]int{"sharding": 1, "data store": 2, "db": 0, "5g": 0, "abc": 1, "a1b2": 0,
		"by key, range": 0, "pub/sub": 1, "x  y z": 0, "e.g.": 0, "a b c d e f g h": 1 * 8, "a b c d e f g h i": 0,
		"über": 1, "ab c": 1 * 2} {
		if got := termWords(key); got != want {
			t.Errorf("termWords(%q) = %d, want %d", key, got, want)
		}
	}
}

// referenceMentions finds the unlinked mentions of every file the slow way, to check the
// index against: every term of the workspace is tried at every word of every body.
func referenceMentions(files map[string][]byte) map[string][]string {
	var terms []string
	parsed := map[string]*analysis.File{}
	for p, src := range files {
		f := analysis.Parse(src)
		parsed[p] = f
		for i := range f.NumLines() {
			terms = termKeysOfLines(terms, f, i, i+1)
		}
	}
	qualifies := func(k string) bool {
		fields := strings.Fields(k)
		if strings.Join(fields, " ") != k || len(fields) > maxTermWords {
			return false
		}
		for _, w := range fields {
			if sp := wordSpans([]byte(w)); len(sp) != 1 || sp[0].Start != 0 || sp[0].End != len(w) {
				return false
			}
		}
		return len(strings.FieldsFunc(k, func(r rune) bool { return !unicode.IsLetter(r) })) > 0 &&
			len([]rune(strings.Map(func(r rune) rune {
				if unicode.IsLetter(r) {
					return r
				}
				return -1
			}, k))) >= minTermLetters
	}
	var known []string
	for _, k := range terms {
		if qualifies(k) && !slices.Contains(known, k) {
			known = append(known, k)
		}
	}
	out := map[string][]string{}
	for p, f := range parsed {
		for i := range f.NumLines() {
			l := f.Line(i)
			if !l.Sep.Defines() || l.Body.Len() == 0 {
				continue
			}
			text := f.LineText(i)
			blocked := make([]bool, len(text))
			for _, r := range l.Refs() {
				for j := r.Span.Start; j < r.Span.End; j++ {
					blocked[j] = true
				}
			}
			for _, u := range l.URLs {
				for j := u.Start; j < u.End; j++ {
					blocked[j] = true
				}
			}
			type word struct {
				start, end int
				key        string
			}
			var words []word
			for a := int(l.Body.Start); a < int(l.Body.End); {
				if blocked[a] {
					a++
					continue
				}
				b := a
				for b < int(l.Body.End) && !blocked[b] {
					b++
				}
				for _, w := range wordSpans(text[a:b]) {
					words = append(words, word{a + w.Start, a + w.End, analysis.NameKey(text[a+w.Start : a+w.End])})
				}
				words = append(words, word{-1, -1, ""}) // a wall between pieces
				a = b
			}
			own := termKeysOfLines(nil, f, i, i+1)
			for _, r := range l.Refs() {
				own = append(own, r.Key)
			}
			for w := 0; w < len(words); {
				best := -1
				for _, k := range known {
					parts := strings.Split(k, " ")
					if w+len(parts) > len(words) || len(parts) <= best-w+1 {
						continue
					}
					ok := true
					for j, part := range parts {
						ww := words[w+j]
						if ww.start < 0 || ww.key != part || j > 0 && strings.Trim(string(text[words[w+j-1].end:ww.start]), " \t") != "" {
							ok = false
							break
						}
					}
					if ok {
						best = w + len(parts) - 1
					}
				}
				if best < 0 {
					w++
					continue
				}
				var key []string
				for j := w; j <= best; j++ {
					key = append(key, words[j].key)
				}
				k := strings.Join(key, " ")
				if !slices.Contains(own, k) {
					own = append(own, k)
					out[p] = append(out[p], fmt.Sprintf("%d:%d-%d %s", i, words[w].start, words[best].end, k))
				}
				w = best + 1
			}
		}
	}
	return out
}

// TestMentionsAgainstReference compares the index's mentions with the slow reference on
// generated workspaces whose bodies are made of the terms' words.
func TestMentionsAgainstReference(t *testing.T) {
	vocab := []string{"data", "store", "Store", "shard", "sharding", "queue", "log", "db", "api", "API", "cap",
		"load", "shedding", "load-shedding", "pub/sub", "x", "the", "and", "of"}
	total := 0
	defer func() {
		t.Logf("%d mentions", total)
		if total < 100 {
			t.Errorf("only %d mentions in the generated workspaces", total)
		}
	}()
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 7))
		phrase := func(n int) string {
			var ws []string
			for range 1 + r.IntN(n) {
				ws = append(ws, vocab[r.IntN(len(vocab))])
			}
			sep := " "
			if r.IntN(6) == 0 {
				sep = "  "
			}
			return strings.Join(ws, sep)
		}
		files := map[string][]byte{}
		for fn := range 1 + r.IntN(4) {
			var b strings.Builder
			for range 5 + r.IntN(20) {
				head := phrase(3)
				if r.IntN(3) == 0 {
					head += " -- " + phrase(2)
				}
				if r.IntN(8) == 0 {
					head += " (DS)"
				}
				switch r.IntN(6) {
				case 0:
					b.WriteString(head + "\n")
				case 1:
					b.WriteString(head + " -> " + phrase(3) + "\n")
				default:
					body := phrase(8)
					if r.IntN(3) == 0 {
						body += " [[" + phrase(2) + "]] " + phrase(3)
					}
					if r.IntN(5) == 0 {
						body += " https://example.com/" + vocab[r.IntN(len(vocab))] + " " + phrase(2)
					}
					if r.IntN(4) == 0 {
						body += ", " + phrase(3) + ". DS"
					}
					b.WriteString(head + " = " + body + "\n")
				}
			}
			files[fmt.Sprintf("f%d.notes", fn)] = []byte(b.String())
		}
		snap := NewWorkspace(mentionsConfig()).UpdateMany(maps.Clone(files))
		got := map[string][]string{}
		for _, p := range snap.Files() {
			f := snap.Tree(p)
			for _, d := range snap.Diagnostics(p) {
				if d.Rule != RuleUnlinkedMention {
					continue
				}
				ln := f.LineAt(d.Span.Start)
				st := f.Start(ln)
				got[p] = append(got[p], fmt.Sprintf("%d:%d-%d %s", ln, d.Span.Start-st, d.Span.End-st,
					analysis.NameKey(f.Text.Slice(d.Span.Start, d.Span.End))))
			}
		}
		want := referenceMentions(files)
		for _, list := range want {
			total += len(list)
		}
		for _, p := range slices.Sorted(maps.Keys(files)) {
			if !slices.Equal(got[p], want[p]) {
				t.Fatalf("seed %d %s:\n%s\n got %q\nwant %q", seed, p, files[p], got[p], want[p])
			}
		}
	}
}
