package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// A Defect is a kind of finding the generator plants on purpose; its value is the rule name
// `notesls --check` reports for it.
type Defect int

const (
	MalformedSeparator Defect = iota
	EmptyDefinition
	DuplicateLine
	DuplicateURL
	BrokenReference
	UnbalancedBrackets
	TrailingWhitespace
	NearDuplicate
	RedundantStub
	Unsorted
	numDefects
)

var defectNames = [numDefects]string{
	"malformed-separator", "empty-definition", "duplicate-line", "duplicate-url",
	"broken-reference", "unbalanced-brackets", "trailing-whitespace", "near-duplicate",
	"redundant-stub", "unsorted",
}

func (d Defect) String() string { return defectNames[d] }

// DefaultDefectRate is the share of lines that carry each defect unless told otherwise:
// small enough that the corpus reads as a well-kept file, large enough that a 100k-line
// corpus has about a hundred findings of each rule.
const DefaultDefectRate = 0.001

// MessyDefectRate is the rate for a messy corpus, the worst a checker meets: about 45% of
// lines carry a finding (46% at 100k lines, 44.5% at 1M in one file or in 1000, 48% at
// 20k, where the near-duplicates are not yet capped).
const MessyDefectRate = 0.06

// Config says what to generate.
type Config struct {
	Lines int
	Seed  uint64
	Rates [numDefects]float64 // share of lines carrying each defect, 0..1
}

// Corpus is a generated notes file: its lines in file order and what was planted.
type Corpus struct {
	arena []byte
	lines []span // into arena, without line ends
	// Planted counts each defect actually put in. For near-duplicate it counts pairs
	// (the checker reports each pair once at each of its two names); for unsorted it
	// counts moved lines.
	Planted [numDefects]int
	// Asked counts the defects the rates asked for: the lines whose draw gave each defect,
	// and for unsorted the rate times the lines. A defect falls short of it when no line
	// was left to carry what was owed (a line carries at most one in-line defect), when
	// the moves of unsorted lines would meet, or when it is Capped.
	Asked [numDefects]int
	// Capped marks the defects whose pool of candidates ran out: every misspelling a
	// near-duplicate or a broken reference may take was taken, so the rest of the rate
	// cannot be honoured and is dropped.
	Capped [numDefects]bool
	// Misspelled lists the misspelled names planted as near-duplicates.
	Misspelled []string
}

type span struct{ start, end int }

// Line returns line i (0-based) without its line end.
func (c *Corpus) Line(i int) []byte { return c.arena[c.lines[i].start:c.lines[i].end] }

// Len is the number of lines.
func (c *Corpus) Len() int { return len(c.lines) }

// Shape of the generated tree. Each top-level topic gets a cluster of lines under it.
const (
	maxDepth          = 4
	singleShare       = 0.8 // top-level topics with one line, like "backpressure"
	maxClusterLines   = 40  // other clusters are uniform in 2..max lines
	maxChildren       = 40
	numberedShare     = 0.12 // parents whose children carry ordinals (1, 01, 1.)
	aliasShare        = 0.25 // multi-word names shown with their acronym, (ABC)
	qualifierShare    = 0.03
	referenceShare    = 0.08 // definition bodies that end with see [[term]]
	bodyURLShare      = 0.25
	recentTerms       = 4096 // ring of terms that references may point to
	recentPlainLines  = 64
	minTypoNameLetter = 8 // near-duplicate by edit distance needs 8+ letters
)

// childLines is the mean number of lines under a child topic, by the parent's depth.
var childLines = [maxDepth]float64{0, 4, 2, 1.3}

type lineKind int

const (
	kindDef lineKind = iota
	kindDefDouble
	kindColon
	kindURL
	kindStub
	kindSeeAlso
	kindRelated
	kindTask
	kindImportant
	kindPathURL
	kindTwoURLs
)

// kindWeights is the mix of line shapes, in per mille, close to the real corpus.
var kindWeights = []struct {
	kind   lineKind
	weight int
}{
	{kindDef, 460}, {kindDefDouble, 30}, {kindColon, 40}, {kindURL, 150}, {kindStub, 120},
	{kindSeeAlso, 40}, {kindRelated, 30}, {kindTask, 50}, {kindImportant, 30},
	{kindPathURL, 20}, {kindTwoURLs, 30},
}

type term struct {
	path  string // display path without alias, e.g. "data store -- database"
	alias string
	last  string
	def   bool // has a definition or URL
}

type generator struct {
	cfg     Config
	rng     *rand.Rand
	v       *vocab
	c       *Corpus
	pending [numDefects]int
	recent  []term
	plain   []string // recent clean lines without a definition, for duplicate-line
	used    []int    // vocabulary names used so far, in first-use order
	usedSet []bool
	typos   map[string]bool
	typosOf map[int][]string // misspellings planted per vocabulary name
	stubbed map[string]bool
	clash   map[clashQuery]bool
	// Pools of the misspellings left, for when a random search finds none.
	nearPool, brokenPool pool
	urlSeq               uint64
	buf                  []byte
}

var vocabulary = loadVocab()

// Generate builds a corpus; the same Config always gives the same bytes.
func Generate(cfg Config) *Corpus {
	g := newGenerator(cfg)
	for k := 0; len(g.c.lines) < cfg.Lines; k++ {
		size := 1
		if g.rng.Float64() >= singleShare {
			size = 2 + g.rng.IntN(maxClusterLines-1)
		}
		g.node([]string{g.topName(k)}, 1, size)
	}
	g.sort()
	g.unsort()
	return g.c
}

func newGenerator(cfg Config) *generator {
	g := &generator{
		cfg:     cfg,
		rng:     rand.New(rand.NewPCG(cfg.Seed, 0x6e6f7465736c73)),
		v:       vocabulary,
		c:       &Corpus{},
		usedSet: make([]bool, len(vocabulary.names)),
		typos:   map[string]bool{},
		typosOf: map[int][]string{},
		stubbed: map[string]bool{},
		clash:   map[clashQuery]bool{},
	}
	g.c.arena = make([]byte, 0, cfg.Lines*100)
	g.c.lines = make([]span, 0, cfg.Lines)
	return g
}

func (g *generator) full() bool { return len(g.c.lines) >= g.cfg.Lines }

// topName gives the k-th top-level topic: vocabulary names in a seeded order, then
// numbered variants ("sharding 2"), which differ by digits only and so are never
// near-duplicates of each other.
func (g *generator) topName(k int) string {
	n := len(g.v.names)
	i := int((uint64(k%n)*2654435761 + g.cfg.Seed) % uint64(n))
	g.use(i)
	if k < n {
		return g.v.names[i]
	}
	return g.v.names[i] + " " + strconv.Itoa(k/n+1)
}

func (g *generator) use(i int) {
	if !g.usedSet[i] {
		g.usedSet[i] = true
		g.used = append(g.used, i)
	}
}

// node emits the lines of one topic and its subtree, using at most budget lines.
func (g *generator) node(path []string, depth, budget int) {
	if g.full() || budget <= 0 {
		return
	}
	own := 1
	switch r := g.rng.IntN(100); {
	case budget == 1:
	case depth == maxDepth:
		own = 2
	case r < 30:
		own = 0
	case r >= 80:
		own = 2
	}
	if own > 0 {
		g.ownLines(path, own)
	}
	rest := budget - own
	if depth == maxDepth || rest <= 0 {
		return
	}
	// Child budgets shrink with depth, so that most lines sit one to three levels deep
	// as in the real corpus.
	var budgets []int
	for rest > 0 && len(budgets) < maxChildren {
		b := min(rest, 1+g.geometric(childLines[depth]-1))
		budgets = append(budgets, b)
		rest -= b
	}
	k := len(budgets)
	ordinal := -1
	if k > 1 && g.rng.Float64() < numberedShare {
		ordinal = g.rng.IntN(3)
	}
	names := g.pickNames(k, ordinal >= 0)
	for i, name := range names {
		switch ordinal {
		case 0:
			name = strconv.Itoa(i+1) + " " + name
		case 1:
			name = fmt.Sprintf("%02d %s", i+1, name)
		case 2:
			name = strconv.Itoa(i+1) + ". " + name
		}
		g.node(append(path[:len(path):len(path)], name), depth+1, budgets[i])
	}
}

// geometric draws a count with the given mean.
func (g *generator) geometric(mean float64) int {
	if mean <= 0 {
		return 0
	}
	return int(g.rng.ExpFloat64() * mean)
}

// listNameEvery puts every fourth vocabulary name in the pool of numbered list items
// ("01 Codebase"); the others are never numbered. A misspelling is planted only on a name
// that is never numbered, so that it pairs with one name rather than with each numbered
// variant of it ("1 x", "01 x", "2. x" are names of their own), and a planted
// near-duplicate is one finding at each of its two names.
const listNameEvery = 4

func isListName(i int) bool { return i%listNameEvery == 0 }

// pickNames picks k distinct names for siblings, from the list-item pool when numbered.
func (g *generator) pickNames(k int, numbered bool) []string {
	out := make([]string, 0, k)
	idx := make([]int, 0, k)
	for len(out) < k {
		i := g.rng.IntN(len(g.v.names))
		if isListName(i) != numbered || slices.Contains(idx, i) {
			continue
		}
		idx = append(idx, i)
		g.use(i)
		out = append(out, g.v.names[i])
	}
	return out
}

func (g *generator) pickKind() lineKind {
	r := g.rng.IntN(1000)
	for _, kw := range kindWeights {
		if r < kw.weight {
			return kw.kind
		}
		r -= kw.weight
	}
	return kindDef
}

// ownLines emits the n lines of one topic (two lines of one topic are never stubs, and
// never carry the same body, so that they are no redundant stub nor duplicate definition).
func (g *generator) ownLines(path []string, n int) {
	t := term{path: strings.Join(path, " -- "), last: path[len(path)-1]}
	decor := ""
	if g.rng.Float64() < aliasShare {
		if a := acronym(stripOrdinal(t.last)); a != "" {
			t.alias = a
			decor = " (" + a + ")"
		}
	} else if g.rng.Float64() < qualifierShare && len(g.v.qualifiers) > 0 {
		decor = " " + g.v.qualifiers[g.rng.IntN(len(g.v.qualifiers))]
	}
	lastBody := -1
	for i := 0; i < n && !g.full(); i++ {
		kind := g.pickKind()
		for n > 1 && kind == kindStub {
			kind = g.pickKind()
		}
		head := t.path
		if i == 0 {
			head += decor
		}
		if kind == kindColon && !endsInWord(head) {
			kind = kindDef
		}
		body := g.rng.IntN(len(g.v.bodies))
		if body == lastBody {
			body = (body + 1) % len(g.v.bodies)
		}
		lastBody = body
		g.emit(t, head, kind, g.v.bodies[body], len(path))
	}
}

func stripOrdinal(name string) string {
	if name != "" && name[0] >= '0' && name[0] <= '9' {
		if i := strings.IndexByte(name, ' '); i > 0 {
			return name[i+1:]
		}
	}
	return name
}

func endsInWord(s string) bool {
	r := rune(s[len(s)-1])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func (g *generator) url(t term) string {
	g.urlSeq++
	prefix := g.v.urls[g.rng.IntN(len(g.v.urls))]
	return prefix + slug(t.last) + "-" + strconv.FormatUint(g.urlSeq, 36)
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// reference picks a term written earlier, as a full path, its alias or its last name.
func (g *generator) reference() (string, bool) {
	if len(g.recent) == 0 {
		return "", false
	}
	t := g.recent[g.rng.IntN(len(g.recent))]
	switch r := g.rng.IntN(10); {
	case r < 2 && t.alias != "":
		return t.alias, true
	case r < 4:
		return t.last, true
	}
	return t.path, true
}

// roll draws, once a line, which defects this line owes; a defect that a line cannot
// carry (a duplicate URL in a line without URL) stays owed to the next line that can.
func (g *generator) roll() {
	for d := Defect(0); d < Unsorted; d++ {
		if r := g.cfg.Rates[d]; r > 0 && g.rng.Float64() < r {
			g.pending[d]++
			g.c.Asked[d]++
		}
	}
}

// want reports whether a defect d is owed and can still be planted.
func (g *generator) want(d Defect) bool { return g.pending[d] > 0 && !g.c.Capped[d] }

func (g *generator) planted(d Defect) {
	g.pending[d]--
	g.c.Planted[d]++
}

// emit writes one entry line of kind for term t, with at most one planted defect, then
// any added defect lines.
func (g *generator) emit(t term, head string, kind lineKind, body string, depth int) {
	g.roll()
	b := g.buf[:0]
	var lineURL string
	mutated, headBroken := false, false

	// Head, with a malformed path operator planted in it.
	if depth >= 2 && g.want(MalformedSeparator) && kind != kindTask {
		i := strings.Index(head, " -- ")
		bad := [...]string{" --", "-- ", " --- "}[g.rng.IntN(3)]
		head = head[:i] + bad + head[i+4:]
		g.planted(MalformedSeparator)
		mutated, headBroken = true, true
	}
	switch kind {
	case kindTask:
		if g.rng.IntN(4) == 0 {
			b = append(b, "[x] "...)
		} else {
			b = append(b, "[ ] "...)
		}
		lineURL = g.url(t)
		b = append(b, head...)
		b = append(b, ' ')
		b = append(b, lineURL...)
	case kindURL:
		lineURL = g.url(t)
		b = append(b, head...)
		b = append(b, ' ')
		b = append(b, lineURL...)
	case kindTwoURLs:
		lineURL = g.url(t)
		b = append(b, head...)
		b = append(b, ' ')
		b = append(b, lineURL...)
		b = append(b, ' ')
		b = append(b, g.url(t)...)
	case kindPathURL:
		lineURL = g.url(t)
		b = append(b, head...)
		b = append(b, " -- "...)
		b = append(b, lineURL...)
	case kindImportant:
		lineURL = g.url(t)
		b = append(b, head...)
		if g.rng.IntN(2) == 0 {
			b = append(b, " +++ "...)
		} else {
			b = append(b, " = +++ "...)
		}
		b = append(b, lineURL...)
	case kindStub:
		b = append(b, head...)
	case kindSeeAlso, kindRelated:
		target, ok := g.reference()
		if !ok {
			target = g.v.names[g.rng.IntN(len(g.v.names))]
		}
		b = append(b, head...)
		if kind == kindSeeAlso {
			b = append(b, " -> see also "...)
		} else {
			b = append(b, " ~ "...)
		}
		b = append(b, target...)
	default: // definitions
		b = append(b, head...)
		sep := " = "
		if kind == kindDefDouble {
			sep = " == "
		} else if kind == kindColon {
			sep = ": "
		}
		if !mutated && g.want(EmptyDefinition) {
			b = append(b, strings.TrimRight(sep, " ")...)
			if kind == kindColon { // "x:" alone is no separator; write the = form
				b = append(b[:len(b)-1], " ="...)
			}
			g.planted(EmptyDefinition)
			mutated = true
			break
		}
		b = append(b, sep...)
		b = append(b, body...)
		if !mutated && g.want(UnbalancedBrackets) {
			b = append(b, [...]string{" (see above", " [draft", " \"quoted"}[g.rng.IntN(3)]...)
			g.planted(UnbalancedBrackets)
			mutated = true
		}
		if !mutated && g.want(BrokenReference) {
			if target, ok := g.brokenTarget(); ok {
				b = append(b, " see [["...)
				b = append(b, target...)
				b = append(b, "]]"...)
				g.planted(BrokenReference)
				mutated = true
			}
		} else if g.rng.Float64() < referenceShare {
			if target, ok := g.reference(); ok {
				b = append(b, " see [["...)
				b = append(b, target...)
				b = append(b, "]]"...)
			}
		}
		if g.rng.Float64() < bodyURLShare {
			lineURL = g.url(t)
			b = append(b, ' ')
			b = append(b, lineURL...)
		}
	}
	if lineURL != "" && !mutated && g.want(DuplicateURL) {
		b = append(b, ' ')
		b = append(b, lineURL...)
		g.planted(DuplicateURL)
		mutated = true
	}
	if !mutated && g.want(TrailingWhitespace) {
		b = append(b, [...]string{" ", "  ", "\t"}[g.rng.IntN(3)]...)
		g.planted(TrailingWhitespace)
		mutated = true
	}
	g.buf = b
	g.add(b)

	switch kind {
	case kindDef, kindDefDouble, kindColon, kindURL, kindTwoURLs, kindPathURL, kindImportant:
		t.def = !mutated
	}
	if !headBroken {
		g.remember(t)
	}
	if !mutated && (kind == kindStub || kind == kindURL || kind == kindTwoURLs || kind == kindPathURL || kind == kindTask) {
		g.plain = append(g.plain, string(b))
		if len(g.plain) > recentPlainLines {
			g.plain = g.plain[1:]
		}
	}
	g.addedDefects()
}

func (g *generator) add(line []byte) {
	start := len(g.c.arena)
	g.c.arena = append(g.c.arena, line...)
	g.c.lines = append(g.c.lines, span{start, len(g.c.arena)})
}

func (g *generator) remember(t term) {
	if len(g.recent) < recentTerms {
		g.recent = append(g.recent, t)
		return
	}
	g.recent[g.rng.IntN(recentTerms)] = t
}

// addedDefects writes the defects that are whole lines of their own.
func (g *generator) addedDefects() {
	if !g.full() && g.want(DuplicateLine) && len(g.plain) > 0 {
		i := g.rng.IntN(len(g.plain))
		g.add([]byte(g.plain[i]))
		g.plain = slices.Delete(g.plain, i, i+1)
		g.planted(DuplicateLine)
	}
	if !g.full() && g.want(RedundantStub) && len(g.recent) > 0 {
		// A stub of a term that has a definition or URL; never the same term twice, which
		// would also make a duplicate line.
		for try := 0; try < 8; try++ {
			t := g.recent[g.rng.IntN(len(g.recent))]
			if t.def && !g.stubbed[t.path] {
				g.stubbed[t.path] = true
				g.add([]byte(t.path))
				g.planted(RedundantStub)
				break
			}
		}
	}
	if !g.full() && g.want(NearDuplicate) {
		if name, ok := g.typoName(); ok {
			body := g.v.bodies[g.rng.IntN(len(g.v.bodies))]
			g.add([]byte(name + " = " + body))
			g.planted(NearDuplicate)
			g.c.Misspelled = append(g.c.Misspelled, name)
		}
	}
}

// typoName misspells a name already used in the corpus the way people do: a letter
// dropped or doubled, or words joined by a hyphen instead of a space.
func (g *generator) typoName() (string, bool) {
	for try := 0; try < 64; try++ {
		i := g.used[g.rng.IntN(len(g.used))]
		name := g.v.names[i]
		if isListName(i) || letters(name) < minTypoNameLetter {
			continue
		}
		var typo string
		switch r := g.rng.IntN(3); {
		case r == 0 && strings.Contains(name, " "):
			typo = strings.Replace(name, " ", "-", 1)
		case r == 1:
			i := g.letterIndex(name)
			typo = name[:i] + name[i+1:]
		default:
			i := g.letterIndex(name)
			typo = name[:i] + name[i:i+1] + name[i:]
		}
		// The misspelling must pair with its source only: not with another name, not with
		// an earlier misspelling of the same source, long enough for the rule (8+ letters
		// on both sides), and no plural (which counts only among siblings).
		k := nameKey(typo)
		if typo == name || g.v.keys[k] || g.typos[k] || pluralPair(k, nameKey(name)) ||
			letters(typo) < minTypoNameLetter {
			continue
		}
		// Earlier misspellings of the same name rule out most draws once they are many,
		// so they are checked first, and clashes, which never changes, once a key.
		if slices.ContainsFunc(g.typosOf[i], func(o string) bool { return tooClose(k, o) }) {
			continue
		}
		if g.clashes(k, i) {
			continue
		}
		g.typos[k] = true
		g.typosOf[i] = append(g.typosOf[i], k)
		return typo, true
	}
	c, ok := g.fromPool(&g.nearPool, NearDuplicate, g.nearCandidates, g.nearValid)
	if !ok {
		return "", false
	}
	g.typos[c.key] = true
	g.typosOf[c.src] = append(g.typosOf[c.src], c.key)
	return c.typo, true
}

// clashes is the vocabulary's clashes, remembered: the misspelling search draws the same
// few thousand keys over and over.
func (g *generator) clashes(key string, except int) bool {
	q := clashQuery{key, except}
	c, ok := g.clash[q]
	if !ok {
		c = g.v.clashes(key, except)
		g.clash[q] = c
	}
	return c
}

type clashQuery struct {
	key    string
	except int
}

// brokenTarget is a reference target that resolves to nothing but is one letter away from
// a used name, so that "did you mean" has an answer.
func (g *generator) brokenTarget() (string, bool) {
	for try := 0; try < 16; try++ {
		name := g.v.names[g.used[g.rng.IntN(len(g.used))]]
		if letters(name) < 5 {
			continue
		}
		i := g.letterIndex(name)
		c := byte('a' + g.rng.IntN(26))
		if c == name[i] || c == name[i]+'a'-'A' {
			continue
		}
		typo := name[:i] + string(c) + name[i+1:]
		k := nameKey(typo)
		if g.v.keys[k] || g.typos[k] {
			continue
		}
		g.typos[k] = true
		return typo, true
	}
	c, ok := g.fromPool(&g.brokenPool, BrokenReference, g.brokenCandidates, g.brokenValid)
	if !ok {
		return "", false
	}
	g.typos[c.key] = true
	return c.typo, true
}

// A pool holds every misspelling one defect could still plant, for when the random search
// (a fixed number of draws, so that a line costs the same however few misspellings are
// left) finds none. It is built the first time that happens once every vocabulary name is
// in use: from then on candidates only ever get fewer, so one taken meanwhile by another
// draw, or ruled out by one, can be dropped for good. Each candidate is thus looked at
// once, and an empty pool means the rate cannot be honoured: the defect is capped.
type pool struct {
	built bool
	cands []candidate // in a seeded order, taken from the end
}

type candidate struct {
	typo string // as written
	key  string // nameKey(typo)
	src  int    // the vocabulary name it misspells
}

// poolStream seeds the order of the pools apart from the corpus's random numbers, so that
// building a pool draws nothing from them.
const poolStream = 0x706f6f6c

// fromPool takes the next candidate of p that valid still accepts, building p first; it
// caps d when none is left. Before every name is in use it takes nothing: the draws
// then are the generator's only source, as they always were.
func (g *generator) fromPool(p *pool, d Defect, build func() []candidate, valid func(candidate) bool) (candidate, bool) {
	if len(g.used) < len(g.v.names) {
		return candidate{}, false
	}
	if !p.built {
		p.built = true
		p.cands = build()
		rng := rand.New(rand.NewPCG(g.cfg.Seed, poolStream+uint64(d)))
		rng.Shuffle(len(p.cands), func(i, j int) { p.cands[i], p.cands[j] = p.cands[j], p.cands[i] })
	}
	for len(p.cands) > 0 {
		c := p.cands[len(p.cands)-1]
		p.cands = p.cands[:len(p.cands)-1]
		if valid(c) {
			return c, true
		}
	}
	p.cands = nil
	g.c.Capped[d] = true
	return candidate{}, false
}

// misspellings calls f with every misspelling of name the random searches can draw:
// a letter changed (change), or else a letter dropped or doubled and the first space
// turned into a hyphen. Letters are ASCII letters past the first byte, as letterIndex
// picks them.
func misspellings(name string, change bool, f func(typo string)) {
	if !change && strings.Contains(name, " ") {
		f(strings.Replace(name, " ", "-", 1))
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') {
			continue
		}
		if !change {
			f(name[:i] + name[i+1:])
			f(name[:i] + name[i:i+1] + name[i:])
			continue
		}
		for r := byte('a'); r <= 'z'; r++ {
			if r != c && r != c+'a'-'A' {
				f(name[:i] + string(r) + name[i+1:])
			}
		}
	}
}

// nearCandidates lists the misspellings typoName accepts whatever was planted before.
func (g *generator) nearCandidates() []candidate {
	var out []candidate
	seen := map[string]bool{}
	for i, name := range g.v.names {
		if isListName(i) || letters(name) < minTypoNameLetter {
			continue
		}
		nk := nameKey(name)
		misspellings(name, false, func(typo string) {
			k := nameKey(typo)
			// Unlike the random search, the pool also leaves out what is no near-duplicate of
			// its source: a one-letter word dropped ("as a service" gives the key "as
			// service", two edits away).
			if seen[k] || typo == name || g.v.keys[k] || pluralPair(k, nk) || !tooClose(k, nk) ||
				letters(typo) < minTypoNameLetter || g.clashes(k, i) {
				return
			}
			seen[k] = true
			out = append(out, candidate{typo, k, i})
		})
	}
	return out
}

// nearValid is what typoName checks against earlier misspellings.
func (g *generator) nearValid(c candidate) bool {
	return !g.typos[c.key] && !slices.ContainsFunc(g.typosOf[c.src], func(o string) bool { return tooClose(c.key, o) })
}

// brokenCandidates lists the misspellings brokenTarget accepts whatever was planted before.
func (g *generator) brokenCandidates() []candidate {
	var out []candidate
	seen := map[string]bool{}
	for i, name := range g.v.names {
		if letters(name) < 5 {
			continue
		}
		misspellings(name, true, func(typo string) {
			k := nameKey(typo)
			if seen[k] || g.v.keys[k] {
				return
			}
			seen[k] = true
			out = append(out, candidate{typo, k, i})
		})
	}
	return out
}

func (g *generator) brokenValid(c candidate) bool { return !g.typos[c.key] }

func pluralPair(a, b string) bool { return a+"s" == b || b+"s" == a }

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// letterIndex picks a byte index of an ASCII letter inside name, not the first one (a
// changed first letter reads as another word rather than a typo).
func (g *generator) letterIndex(name string) int {
	for {
		i := 1 + g.rng.IntN(len(name)-1)
		if c := name[i]; ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') {
			return i
		}
	}
}

type sortRec struct {
	prefix uint64
	ascii  bool
	span
}

// sort puts the lines in the spec's order: case-folded, then bytes.
func (g *generator) sort() {
	c := g.c
	recs := make([]sortRec, len(c.lines))
	for i, s := range c.lines {
		p, ok := foldPrefix(c.arena[s.start:s.end])
		recs[i] = sortRec{p, ok, s}
	}
	slices.SortFunc(recs, func(a, b sortRec) int {
		if a.ascii && b.ascii && a.prefix != b.prefix {
			if a.prefix < b.prefix {
				return -1
			}
			return 1
		}
		return compareFold(c.arena[a.start:a.end], c.arena[b.start:b.end])
	})
	for i := range recs {
		c.lines[i] = recs[i].span
	}
}

// Unsorted moves are kept short so that a moved line lands among strangers but stays
// in the same neighbourhood, as a hand edit does.
const maxUnsortedMove = 40

// unsort moves a share of lines a few places away so that each breaks the order once.
func (g *generator) unsort() {
	rate := g.cfg.Rates[Unsorted]
	n := len(g.c.lines)
	g.c.Asked[Unsorted] = int(math.Round(rate * float64(n)))
	if rate <= 0 || n < 4 {
		return
	}
	// Pick lines to move, keep a gap between them so that moves do not interact.
	gap := maxUnsortedMove + 2
	out := make([]span, 0, n)
	lines := g.c.lines
	var held []span // moved forward: to be written later
	var heldAt []int
	for i := 0; i < n; i++ {
		for len(held) > 0 && heldAt[0] == i {
			out = append(out, held[0])
			held, heldAt = held[1:], heldAt[1:]
		}
		if len(held) == 0 && i+gap < n && g.rng.Float64() < rate &&
			compareFold(g.c.Line(i), g.c.Line(i+1)) < 0 &&
			compareFold(g.c.Line(i), g.c.Line(i+2)) < 0 {
			// Move line i forward by 2..maxUnsortedMove places: it then precedes lines
			// smaller than itself.
			held = append(held, lines[i])
			heldAt = append(heldAt, i+2+g.rng.IntN(maxUnsortedMove-1))
			g.c.Planted[Unsorted]++
			continue
		}
		out = append(out, lines[i])
	}
	out = append(out, held...)
	g.c.lines = out
}
