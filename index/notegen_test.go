package index

import (
	"math/rand/v2"
	"strings"
)

// noteGen writes random notes lines from a small vocabulary, so that prefixes, words
// and typos match many keys and use counts tie: heads of one to three segments, some with
// an alias, bodies with references to names, paths and aliases known or not.
type noteGen struct {
	r     *rand.Rand
	words []string
}

// few letters make many keys alike.
func newNoteGen(r *rand.Rand, words int, letters string) *noteGen {
	g := &noteGen{r: r}
	for range words {
		n := 2 + r.IntN(5)
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[r.IntN(len(letters))]
		}
		g.words = append(g.words, string(b))
	}
	g.words = append(g.words, "a/b", "c-d", "état", "日本")
	return g
}

func (g *noteGen) name() string {
	n := 1 + g.r.IntN(3)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.words[g.r.IntN(len(g.words))]
	}
	name := strings.Join(ws, " ")
	if n > 1 && g.r.IntN(3) == 0 { // an acronym of the words: an alias
		var acr strings.Builder
		for _, w := range ws {
			acr.WriteString(strings.ToUpper(w[:1]))
		}
		name += " (" + acr.String() + ")"
	}
	return name
}

func (g *noteGen) head() string {
	segs := make([]string, 1+g.r.IntN(3))
	for i := range segs {
		segs[i] = g.name()
	}
	return strings.Join(segs, " -- ")
}

func (g *noteGen) body() string {
	var b strings.Builder
	b.WriteString(" = ")
	b.WriteString(g.words[g.r.IntN(len(g.words))])
	for range g.r.IntN(3) {
		target := g.name()
		if g.r.IntN(3) == 0 {
			target = g.head()
		}
		if i := strings.Index(target, " ("); i >= 0 && g.r.IntN(2) == 0 {
			target = target[i+2 : len(target)-1] // the alias
		}
		b.WriteString(" [[" + target + "]]")
	}
	return b.String()
}

func (g *noteGen) line() string {
	if g.r.IntN(4) == 0 {
		return g.head()
	}
	return g.head() + g.body()
}

func (g *noteGen) file(lines int) []string {
	out := make([]string, lines)
	for i := range out {
		out[i] = g.line()
	}
	return out
}
