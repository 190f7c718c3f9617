package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/notesls/notesls/analysis"
)

// RefsFileName is the file -refs writes beside the corpus files.
const RefsFileName = "refs.notes"

// DefaultRefsBroken is the share of the references file's references that resolve to
// nothing: enough that broken-reference diagnostics are part of the work, few enough that
// the file reads as a kept one.
const DefaultRefsBroken = 0.05

// Shape of a references line: a topic of the corpus, a name of its own, and a body that
// names one to maxRefsPerLine terms of the corpus.
const (
	maxRefsPerLine = 3
	// refsStream seeds the references' random numbers apart from the corpus's, so that
	// -refs leaves the corpus bytes unchanged.
	refsStream = 0x72656673
	// maxPickTries bounds the search for a usable corpus line or a typo that names
	// nothing; a corpus of defect lines only may have none.
	maxPickTries = 64
)

// RefsConfig says what references file to write for a corpus.
type RefsConfig struct {
	Lines  int
	Seed   uint64
	Broken float64 // share of references that resolve to nothing, 0..1
}

// Refs is a generated references file: its lines, sorted as the spec requires, and what
// its references are.
type Refs struct {
	Lines []string
	// Targets counts the references by the form they take: "path", "last", "alias" and
	// "broken".
	Targets map[string]int
}

// Bytes returns the file's text with LF line ends.
func (r *Refs) Bytes() []byte {
	var b bytes.Buffer
	for _, l := range r.Lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// refsGen builds a references file from the corpus's lines as the parser reads them, so
// that every target is a term the index has: a full path, the last segment of one, or an
// alias.
type refsGen struct {
	c     *Corpus
	rng   *rand.Rand
	lp    analysis.LineParser
	names map[string]bool // keys of every segment name and alias in the corpus
}

// GenerateRefs writes cfg.Lines entries whose bodies reference terms of c. Each entry's
// head is a topic of the corpus (the parent of a term, so that completion after its
// " -- " has children to offer) and a numbered name of its own ("xref 0042"), which is no
// near-duplicate of anything. A share cfg.Broken of the references is a misspelled name
// that no segment or alias of the corpus has, so each is one broken-reference finding.
// The same corpus and cfg always give the same lines.
func GenerateRefs(c *Corpus, cfg RefsConfig) *Refs {
	g := &refsGen{c: c, rng: rand.New(rand.NewPCG(cfg.Seed, refsStream)), names: map[string]bool{}}
	out := &Refs{Targets: map[string]int{}}
	if cfg.Lines <= 0 || c.Len() == 0 {
		return out
	}
	for i := 0; i < c.Len(); i++ {
		l := g.lp.Parse(c.Line(i))
		line := c.Line(i)
		for k, s := range l.Segments {
			g.names[analysis.NameKey(line[s.Name().Start:s.Name().End])] = true
			if a := l.Alias(k); !a.IsZero() {
				g.names[analysis.NameKey(line[a.Start:a.End])] = true
			}
		}
	}
	width := len(strconv.Itoa(cfg.Lines))
	for n := 1; n <= cfg.Lines; n++ {
		topic, ok := g.topic()
		if !ok {
			break
		}
		var targets []string
		for k := 1 + g.rng.IntN(maxRefsPerLine); len(targets) < k; {
			target, form := g.target(cfg.Broken)
			if target == "" {
				break
			}
			targets = append(targets, "[["+target+"]]")
			out.Targets[form]++
		}
		if len(targets) == 0 {
			break
		}
		body := vocabulary.bodies[g.rng.IntN(len(vocabulary.bodies))]
		out.Lines = append(out.Lines, fmt.Sprintf("%s -- xref %0*d = %s see %s", topic, width, n, body, strings.Join(targets, ", ")))
	}
	slices.SortFunc(out.Lines, func(a, b string) int { return compareFold([]byte(a), []byte(b)) })
	return out
}

// pick returns a random corpus line the parser reads as a clean entry, with its parse.
func (g *refsGen) pick(minSegments int) (analysis.Line, []byte, bool) {
	for try := 0; try < maxPickTries; try++ {
		line := g.c.Line(g.rng.IntN(g.c.Len()))
		l := g.lp.Parse(line)
		if l.Kind == analysis.Blank || len(l.Segments) < minSegments || len(l.Diags()) > 0 {
			continue
		}
		return l, line, true
	}
	return analysis.Line{}, nil, false
}

// names returns the segment names of a parsed line, without alias, qualifier or gloss.
func names(l analysis.Line, line []byte) []string {
	out := make([]string, len(l.Segments))
	for i, s := range l.Segments {
		out[i] = string(line[s.Name().Start:s.Name().End])
	}
	return out
}

// topic is the parent path of a corpus term, or a top-level topic when the corpus has
// no deeper terms.
func (g *refsGen) topic() (string, bool) {
	if l, line, ok := g.pick(2); ok {
		ns := names(l, line)
		return strings.Join(ns[:len(ns)-1], " -- "), true
	}
	if l, line, ok := g.pick(1); ok {
		return names(l, line)[0], true
	}
	return "", false
}

// target picks what one reference names, and which form it takes: the full path (half
// of them), the last segment, or the alias of the last segment when it has one, as the
// generator's own references do; or, with probability broken, a misspelling.
func (g *refsGen) target(broken float64) (string, string) {
	l, line, ok := g.pick(1)
	if !ok {
		return "", ""
	}
	ns := names(l, line)
	last := l.Alias(len(l.Segments) - 1)
	if broken > 0 && g.rng.Float64() < broken {
		if typo, ok := g.typo(ns[len(ns)-1]); ok {
			if g.rng.IntN(2) == 0 && len(ns) > 1 {
				return strings.Join(append(ns[:len(ns)-1:len(ns)-1], typo), " -- "), "broken"
			}
			return typo, "broken"
		}
	}
	switch r := g.rng.IntN(10); {
	case r < 2 && !last.IsZero():
		return string(line[last.Start:last.End]), "alias"
	case r < 5:
		return ns[len(ns)-1], "last"
	}
	return strings.Join(ns, " -- "), "path"
}

// typo changes one letter of name (not the first) so that no segment name or alias of
// the corpus has the result's key: then neither a path ending in it, nor an alias, nor a
// last segment resolves.
func (g *refsGen) typo(name string) (string, bool) {
	if letters(name) < 5 {
		return "", false
	}
	for try := 0; try < maxPickTries; try++ {
		i := 1 + g.rng.IntN(len(name)-1)
		if c := name[i]; !('a' <= c && c <= 'z') {
			continue
		}
		c := byte('a' + g.rng.IntN(26))
		if c == name[i] {
			continue
		}
		typo := name[:i] + string(c) + name[i+1:]
		k := analysis.NameKey([]byte(typo))
		if g.names[k] || strings.HasPrefix(k, "xref ") {
			continue
		}
		return typo, true
	}
	return "", false
}
