package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
)

func rates(r float64) (out [numDefects]float64) {
	for d := range out {
		out[d] = r
	}
	return out
}

func render(t *testing.T, c *Corpus) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := c.WriteTo(&b, 0, c.Len()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// foldedKey is an independent statement of the spec's order: the line with every rune
// case-folded, compared by bytes.
func foldedKey(line string) string { return strings.Map(analysis.Fold, line) }

func TestEmbeddedCorpusIsTheRealOne(t *testing.T) {
	real, err := os.ReadFile("../../testdata/system-design.notes")
	if err != nil {
		t.Fatal(err)
	}
	if string(real) != corpus {
		t.Fatal("cmd/notesgen/testdata/system-design.notes differs from testdata/system-design.notes; copy it again")
	}
}

func TestVocabulary(t *testing.T) {
	v := loadVocab()
	if len(v.names) < 300 || len(v.bodies) < 200 || len(v.urls) < 50 {
		t.Fatalf("vocabulary too small: %d names, %d bodies, %d URL prefixes", len(v.names), len(v.bodies), len(v.urls))
	}
	for i, a := range v.names {
		for _, b := range v.names[i+1:] {
			if tooClose(nameKey(a), nameKey(b)) {
				t.Errorf("names %q and %q are near-duplicates", a, b)
			}
		}
	}
	for _, b := range v.bodies {
		if !balanced(b) || strings.Contains(b, "http") {
			t.Errorf("body %q would carry a defect", b)
		}
	}
}

func TestLineCountAndDeterminism(t *testing.T) {
	for _, tc := range []struct {
		lines int
		seed  uint64
		rate  float64
	}{
		{0, 1, DefaultDefectRate},
		{1, 1, DefaultDefectRate},
		{7, 2, 0.5},
		{3000, 5, 1}, // every line owes every defect; no term is left to stub
		{1000, 3, DefaultDefectRate},
		{20000, 4, 0.01},
		{20000, 4, 0},
	} {
		cfg := Config{Lines: tc.lines, Seed: tc.seed, Rates: rates(tc.rate)}
		a := render(t, Generate(cfg))
		b := render(t, Generate(cfg))
		if !bytes.Equal(a, b) {
			t.Errorf("%+v: two runs differ", tc)
		}
		if got := bytes.Count(a, []byte{'\n'}); got != tc.lines {
			t.Errorf("%+v: %d lines, want %d", tc, got, tc.lines)
		}
		if tc.lines >= 1000 {
			cfg.Seed++
			if bytes.Equal(a, render(t, Generate(cfg))) {
				t.Errorf("%+v: another seed gives the same corpus", tc)
			}
		}
	}
}

func TestSorted(t *testing.T) {
	for _, tc := range []struct {
		name string
		rate float64
	}{
		{"clean", 0},
		{"defects but unsorted", 0.01},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rates(tc.rate)
			r[Unsorted] = 0
			c := Generate(Config{Lines: 50000, Seed: 11, Rates: r})
			lines := strings.Split(strings.TrimSuffix(string(render(t, c)), "\n"), "\n")
			for i := 1; i < len(lines); i++ {
				if foldedKey(lines[i-1]) > foldedKey(lines[i]) || analysis.CompareFolded([]byte(lines[i-1]), []byte(lines[i])) > 0 {
					t.Fatalf("line %d %q sorts before line %d %q", i+1, lines[i], i, lines[i-1])
				}
			}
		})
	}
}

func TestUnsortedMovesBreakOrderOncePerMove(t *testing.T) {
	r := rates(0)
	r[Unsorted] = 0.005
	c := Generate(Config{Lines: 50000, Seed: 5, Rates: r})
	lines := strings.Split(strings.TrimSuffix(string(render(t, c)), "\n"), "\n")
	breaks := 0
	for i := 1; i < len(lines); i++ {
		if foldedKey(lines[i-1]) > foldedKey(lines[i]) {
			breaks++
		}
	}
	if c.Planted[Unsorted] == 0 || breaks != c.Planted[Unsorted] {
		t.Fatalf("%d order breaks for %d moved lines", breaks, c.Planted[Unsorted])
	}
}

// TestParsesCleanly checks that the parser reads every generated line as an entry or task
// with a path, and that a corpus without defects has no single-line finding at all.
func TestParsesCleanly(t *testing.T) {
	src := render(t, Generate(Config{Lines: 50000, Seed: 8}))
	f := analysis.Parse(src)
	if f.NumLines() != 50000 {
		t.Fatalf("parser sees %d lines, want 50000", f.NumLines())
	}
	kinds := map[analysis.SepKind]int{}
	refs, aliases, ordinals, urls := 0, 0, 0, 0
	for i := range f.NumLines() {
		l := f.Line(i)
		if l.Kind == analysis.Blank || len(l.Segments) == 0 || len(l.Segments) > 4 {
			t.Fatalf("line %d %q: kind %v with %d segments", i+1, f.LineText(i), l.Kind, len(l.Segments))
		}
		kinds[l.Sep]++
		refs += len(l.Refs())
		urls += len(l.URLs)
		for s := range l.Segments {
			if !l.Alias(s).IsZero() {
				aliases++
			}
			if !l.Attrs(s).Ordinal.IsZero() {
				ordinals++
			}
		}
	}
	if d := f.Diagnostics(); len(d) > 0 {
		t.Fatalf("clean corpus has %d findings, first: %s on %q", len(d), d[0].Message, f.LineText(d[0].Line))
	}
	for _, k := range []analysis.SepKind{analysis.SepNone, analysis.SepEq, analysis.SepEqEq, analysis.SepColon, analysis.SepArrow, analysis.SepTilde} {
		if kinds[k] < 500 {
			t.Errorf("only %d lines with separator %q", kinds[k], k)
		}
	}
	if refs < 2000 || aliases < 500 || ordinals < 500 || urls < 20000 {
		t.Errorf("too few shapes: %d references, %d aliases, %d ordinals, %d URLs", refs, aliases, ordinals, urls)
	}
}

// TestSingleLineDefectsAsPlanted checks the share of each defect and, for the rules the
// parser decides alone, that the parser finds exactly what was planted.
func TestSingleLineDefectsAsPlanted(t *testing.T) {
	const n = 40000
	for _, rate := range []float64{0.001, 0.01} {
		c := Generate(Config{Lines: n, Seed: 21, Rates: rates(rate)})
		for d := Defect(0); d < numDefects; d++ {
			want := rate * n
			if got := float64(c.Planted[d]); got < 0.6*want || got > 1.4*want {
				t.Errorf("rate %v: %d %s planted, want about %.0f", rate, c.Planted[d], d, want)
			}
		}
		f := analysis.Parse(render(t, c))
		found := map[string]int{}
		for _, d := range f.Diagnostics() {
			found[d.Rule]++
		}
		for _, d := range []Defect{MalformedSeparator, EmptyDefinition, DuplicateURL, UnbalancedBrackets, TrailingWhitespace} {
			if found[d.String()] != c.Planted[d] {
				t.Errorf("rate %v: parser finds %d %s, %d planted", rate, found[d.String()], d, c.Planted[d])
			}
		}
		planted := map[string]bool{}
		for _, name := range defectNames {
			planted[name] = true
		}
		for rule, k := range found {
			if !planted[rule] {
				t.Errorf("rate %v: %d findings of unplanted rule %s", rate, k, rule)
			}
		}
	}
}

// TestWorkspaceFindsWhatWasPlanted runs the workspace rules over the corpus: nothing
// without defects, and each planted defect found once; a near-duplicate is reported once
// at each misspelling and once at each name misspelt, each finding naming a misspelling.
func TestWorkspaceFindsWhatWasPlanted(t *testing.T) {
	nearOnly := rates(0)
	nearOnly[NearDuplicate] = 0.2 // 4000 asked, more than the vocabulary allows
	for _, rs := range [][numDefects]float64{rates(0), rates(0.004), nearOnly} {
		rate := rs[NearDuplicate]
		c := Generate(Config{Lines: 20000, Seed: 31, Rates: rs})
		src := render(t, c)
		snap := index.NewWorkspace(index.Config{Sorting: true}).UpdateMany(map[string][]byte{"a.notes": src})
		found := map[string]int{}
		atMisspelling, atOther := 0, 0
		for _, d := range snap.Diagnostics("a.notes") {
			found[d.Rule]++
			if d.Rule != NearDuplicate.String() {
				continue
			}
			named, at := false, false
			for _, m := range c.Misspelled {
				at = at || string(src[d.Span.Start:d.Span.End]) == m
				named = named || strings.Contains(d.Message, `"`+m+`"`) || at
			}
			if !named {
				t.Errorf("near-duplicate %q: %s names no planted misspelling", src[d.Span.Start:d.Span.End], d.Message)
			}
			if at {
				atMisspelling++
			} else {
				atOther++
			}
		}
		for d := Defect(0); d < numDefects; d++ {
			got, want := found[d.String()], c.Planted[d]
			if d == NearDuplicate {
				// One finding a name: each misspelling once, and each name misspelt once,
				// however many of its misspellings were planted.
				// Past nearWindow names a group, the index compares a window around each
				// name (documented in docs/format.md): a dense vocabulary may miss a few.
				missed := want - atMisspelling
				if missed < 0 || rate > 0.01 && missed > want/100 || rate <= 0.01 && missed > 0 || atOther > want || want > 0 && atOther == 0 {
					t.Errorf("rate %v: %d near-duplicates at misspellings and %d at the names misspelt, %d planted", rate, atMisspelling, atOther, want)
				}
				continue
			}
			if got != want {
				t.Errorf("rate %v: workspace finds %d %s, %d planted", rate, got, d, want)
			}
		}
		if rate > 0 && c.Planted[NearDuplicate] == 0 {
			t.Errorf("rate %v: no near-duplicate planted", rate)
		}
		if capped := c.Planted[NearDuplicate] < c.Asked[NearDuplicate]; capped != c.Capped[NearDuplicate] || capped != (rate == 0.2) {
			t.Errorf("rate %v: %d near-duplicates planted of %d asked, capped %v", rate, c.Planted[NearDuplicate], c.Asked[NearDuplicate], c.Capped[NearDuplicate])
		}
		for rule, n := range found {
			if !slices.Contains(defectNames[:], rule) {
				t.Errorf("rate %v: %d findings of %s, a rule never planted", rate, n, rule)
			}
		}
	}
}

// TestPoolsHoldWhatTheSearchesDraw drains the misspellings of both kinds: every one planted
// is a candidate of its pool, none is planted twice, a near-duplicate pairs with its
// source only, and once a defect is capped no candidate is left that it would accept.
func TestPoolsHoldWhatTheSearchesDraw(t *testing.T) {
	g := newGenerator(Config{Seed: 1})
	for i := range g.v.names {
		g.use(i)
	}
	// outside says which misspellings the random search may plant that its pool leaves out.
	drain := func(d Defect, next func() (string, bool), cands []candidate, valid func(candidate) bool, outside func(key string) bool) {
		t.Helper()
		inPool := map[string]bool{}
		for _, c := range cands {
			inPool[c.key] = true
		}
		planted := map[string]bool{}
		for {
			typo, ok := next()
			if !ok {
				break
			}
			k := nameKey(typo)
			if planted[k] || !inPool[k] && !outside(k) {
				t.Fatalf("%s: %q planted twice or not in the pool of %d", d, typo, len(cands))
			}
			planted[k] = true
			if !inPool[k] {
				t.Logf("%s: %q planted, outside the pool", d, typo)
			}
		}
		if !g.c.Capped[d] || len(planted) == 0 {
			t.Fatalf("%s: %d planted, capped %v", d, len(planted), g.c.Capped[d])
		}
		for _, c := range cands {
			if valid(c) {
				t.Fatalf("%s: capped after %d with %q still acceptable", d, len(planted), c.typo)
			}
		}
		t.Logf("%s: %d planted of %d candidates", d, len(planted), len(cands))
	}
	near := g.nearCandidates()
	for _, c := range near {
		if !tooClose(c.key, g.v.keyList[c.src]) {
			t.Errorf("candidate %q is no near-duplicate of %q", c.key, g.v.keyList[c.src])
		}
	}
	// The random search drops a one-letter word too, which leaves a name close to none
	// ("as a service" gives "as  service", key "as service", two edits away).
	drain(NearDuplicate, g.typoName, near, g.nearValid, func(k string) bool { return !g.v.clashes(k, -1) })
	for src, ks := range g.typosOf {
		for j, k := range ks {
			if g.v.clashes(k, src) || slices.ContainsFunc(ks[:j], func(o string) bool { return tooClose(k, o) }) {
				t.Errorf("misspelling %q of %q pairs with another name too", k, g.v.keyList[src])
			}
		}
	}
	drain(BrokenReference, g.brokenTarget, g.brokenCandidates(), g.brokenValid, func(string) bool { return false })
}

// TestMessyRate checks that MessyDefectRate flags about half the lines, by the
// workspace's findings.
func TestMessyRate(t *testing.T) {
	const n = 20000
	c := Generate(Config{Lines: n, Seed: 1, Rates: rates(MessyDefectRate)})
	for d := Defect(0); d < Unsorted; d++ {
		if want := MessyDefectRate * n; float64(c.Planted[d]) < 0.8*want || c.Planted[d] > c.Asked[d] {
			t.Errorf("%d %s planted of %d asked, want about %.0f", c.Planted[d], d, c.Asked[d], want)
		}
	}
	src := render(t, c)
	snap := index.NewWorkspace(index.DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": src})
	flagged := map[int]bool{}
	for _, d := range snap.Diagnostics("a.notes") {
		flagged[bytes.Count(src[:d.Span.Start], []byte{'\n'})] = true
	}
	if share := float64(len(flagged)) / n; share < 0.40 || share > 0.55 {
		t.Errorf("%d of %d lines flagged (%.1f%%), want 40..55%%", len(flagged), n, 100*share)
	}
}

func TestOneRateOnly(t *testing.T) {
	r := rates(0)
	r[NearDuplicate] = 0.02
	c := Generate(Config{Lines: 20000, Seed: 3, Rates: r})
	for d := Defect(0); d < numDefects; d++ {
		if d != NearDuplicate && c.Planted[d] != 0 {
			t.Errorf("%d %s planted with its rate 0", c.Planted[d], d)
		}
	}
	if c.Planted[NearDuplicate] < 300 {
		t.Errorf("%d near-duplicates at rate 0.02 of 20000 lines", c.Planted[NearDuplicate])
	}
}

// TestTermsScale checks that distinct terms grow with the corpus rather than repeating a
// fixed vocabulary.
func TestTermsScale(t *testing.T) {
	count := func(n int) int {
		f := analysis.Parse(render(t, Generate(Config{Lines: n, Seed: 1})))
		keys := map[string]bool{}
		for i := range f.NumLines() {
			keys[f.Line(i).Key] = true
		}
		return len(keys)
	}
	small, big := count(5000), count(50000)
	if small < 4000 || big < 8*small {
		t.Fatalf("%d distinct terms in 10k lines, %d in 100k", small, big)
	}
}

func TestCommandWritesFiles(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one.notes")
	var stderr bytes.Buffer
	if code := run([]string{"-lines", "5000", "-seed", "9", "-o", one}, nil, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if code := run([]string{"-lines", "5000", "-seed", "9", "-files", "3", "-dir", filepath.Join(dir, "parts")}, nil, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	whole, err := os.ReadFile(one)
	if err != nil {
		t.Fatal(err)
	}
	var joined []byte
	for i := 1; i <= 3; i++ {
		b, err := os.ReadFile(filepath.Join(dir, "parts", "part-000"+string(rune('0'+i))+".notes"))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 || b[len(b)-1] != '\n' {
			t.Fatalf("part %d is empty or lacks a final newline", i)
		}
		joined = append(joined, b...)
	}
	if !bytes.Equal(whole, joined) {
		t.Fatal("the parts together differ from the single file")
	}
	var stdout bytes.Buffer
	if code := run([]string{"-lines", "5000", "-seed", "9"}, &stdout, &stderr); code != 0 || !bytes.Equal(stdout.Bytes(), whole) {
		t.Fatalf("stdout output (exit %d) differs from -o output", code)
	}
	for _, bad := range [][]string{
		{"-files", "2"},
		{"-defects", "2"},
		{"-near-duplicate", "1.5"},
		{"-lines", "-1"},
		{"extra"},
	} {
		if code := run(bad, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

func BenchmarkGenerate100k(b *testing.B) {
	cfg := Config{Lines: 100000, Seed: 1, Rates: rates(DefaultDefectRate)}
	var size int
	for b.Loop() {
		c := Generate(cfg)
		size = len(c.arena) + c.Len()
	}
	b.SetBytes(int64(size))
}

// BenchmarkGenerateMessy generates at a high defect rate, where the misspellings a
// near-duplicate or a broken reference may take run out: ten times the lines should cost
// about ten times the time.
func BenchmarkGenerateMessy(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			cfg := Config{Lines: n, Seed: 1, Rates: rates(0.06)}
			for b.Loop() {
				Generate(cfg)
			}
		})
	}
}

// TestRefsResolveIntoOtherFiles splits a corpus into files as -files does, adds the
// references file and asks the index about every reference in it: each one resolves to
// definitions in the corpus files, except the planted misspellings, which are exactly
// the file's findings.
func TestRefsResolveIntoOtherFiles(t *testing.T) {
	const files = 40
	c := Generate(Config{Lines: 20000, Seed: 12, Rates: rates(DefaultDefectRate)})
	cfg := RefsConfig{Lines: 400, Seed: 12, Broken: 0.1}
	r := GenerateRefs(c, cfg)
	if again := GenerateRefs(c, cfg); !bytes.Equal(r.Bytes(), again.Bytes()) {
		t.Fatal("two runs differ")
	}
	if other := GenerateRefs(c, RefsConfig{Lines: 400, Seed: 13, Broken: 0.1}); bytes.Equal(r.Bytes(), other.Bytes()) {
		t.Fatal("another seed gives the same references")
	}
	if len(r.Lines) != cfg.Lines {
		t.Fatalf("%d lines, want %d", len(r.Lines), cfg.Lines)
	}
	for i := 1; i < len(r.Lines); i++ {
		if analysis.CompareFolded([]byte(r.Lines[i-1]), []byte(r.Lines[i])) > 0 {
			t.Fatalf("line %d %q sorts before line %d", i+1, r.Lines[i], i)
		}
	}
	total := 0
	for _, form := range []string{"path", "last", "alias", "broken"} {
		if r.Targets[form] == 0 {
			t.Errorf("no reference by %s: %v", form, r.Targets)
		}
		total += r.Targets[form]
	}
	if b := float64(r.Targets["broken"]) / float64(total); b < 0.05 || b > 0.15 {
		t.Errorf("%d of %d references broken, want about 10%%", r.Targets["broken"], total)
	}

	srcs := map[string][]byte{RefsFileName: r.Bytes()}
	n := c.Len()
	for i := 0; i < files; i++ {
		var b bytes.Buffer
		if err := c.WriteTo(&b, n*i/files, n*(i+1)/files); err != nil {
			t.Fatal(err)
		}
		srcs[filepath.Join("parts", fmt.Sprintf("part-%04d.notes", i+1))] = b.Bytes()
	}
	snap := index.NewWorkspace(index.Config{Sorting: true}).UpdateMany(srcs)
	brokenAt := map[int]bool{} // offsets inside broken references
	for _, d := range snap.Diagnostics(RefsFileName) {
		if d.Rule != BrokenReference.String() {
			t.Errorf("refs file: %s finding %q", d.Rule, d.Message)
			continue
		}
		for o := d.Span.Start; o < d.Span.End; o++ {
			brokenAt[o] = true
		}
	}

	src := r.Bytes()
	refs, broken, fileSet := 0, 0, map[string]bool{}
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte("[["))
		if i < 0 {
			break
		}
		start := off + i + 2
		end := start + bytes.Index(src[start:], []byte("]]"))
		off = end + 2
		refs++
		if brokenAt[start] {
			broken++
			continue
		}
		_, targets := snap.Definition(RefsFileName, (start+end)/2)
		if len(targets) == 0 {
			t.Errorf("[[%s]] leads nowhere", src[start:end])
		}
		for _, l := range targets {
			if l.Path == RefsFileName {
				t.Errorf("[[%s]] leads into the references file itself", src[start:end])
			}
			fileSet[l.Path] = true
		}
	}
	if refs != total || broken != r.Targets["broken"] {
		t.Errorf("%d references of which %d broken; the generator wrote %d, %d broken", refs, broken, total, r.Targets["broken"])
	}
	if len(fileSet) < files/2 {
		t.Errorf("references lead into %d of %d files", len(fileSet), files)
	}
}

func TestCommandWritesRefs(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	with, without := filepath.Join(dir, "with"), filepath.Join(dir, "without")
	if code := run([]string{"-lines", "3000", "-seed", "4", "-files", "5", "-dir", with, "-refs", "50"}, nil, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if code := run([]string{"-lines", "3000", "-seed", "4", "-files", "5", "-dir", without}, nil, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	refs, err := os.ReadFile(filepath.Join(with, RefsFileName))
	if err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(refs, []byte("\n")); got != 50 || !bytes.Contains(refs, []byte("[[")) {
		t.Errorf("%s: %d lines, want 50 with references", RefsFileName, got)
	}
	for i := 1; i <= 5; i++ {
		name := "part-000" + string(rune('0'+i)) + ".notes"
		a, _ := os.ReadFile(filepath.Join(with, name))
		b, _ := os.ReadFile(filepath.Join(without, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs with -refs", name)
		}
	}
	if _, err := os.Stat(filepath.Join(without, RefsFileName)); err == nil {
		t.Error("refs file written without -refs")
	}
	for _, bad := range [][]string{
		{"-refs", "10"},
		{"-dir", dir, "-refs", "-1"},
		{"-dir", dir, "-refs", "10", "-refs-broken", "1.5"},
	} {
		if code := run(bad, nil, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}
