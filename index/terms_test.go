package index

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
)

// TestTermListMatchesMatcher: the walks of the term list find exactly the entries that
// the matcher accepts, with the same ranks, for typed texts that are prefixes of keys,
// words inside them, typos of both, and texts that match nothing, when nothing stops
// them early.
func TestTermListMatchesMatcher(t *testing.T) {
	src := append(corpus(t), "über -- straße = x\nétat -- état civil = y\n日本語 -- 日本 = z\na/b -- c-d = w\n"...)
	snap, _ := NewWorkspace(DefaultConfig()).Update("a.notes", src)
	tl := snap.termList()
	keys := make([]string, tl.size())
	for i := range keys {
		keys[i] = tl.key(i)
	}
	r := rand.New(rand.NewPCG(3, 4))
	typed := []string{"", "d", "da", "data store -- ", "ub", "über", "etat", "état c", "日", "日本", "b -- c", "/b", "-d", "zzzz", "shradi", "replic", "We"}
	for range 300 {
		typed = append(typed, typedFrom(r, keys[r.IntN(len(keys))]))
	}
	for _, ty := range typed {
		m := newMatcher(ty)
		type found struct {
			key, label string
			rank       int
		}
		want := map[found]int{}
		for i := range tl.size() {
			e := tl.entry(i)
			if rank, ok := m.match(e.match); ok {
				want[found{e.topic, e.label, rank}]++
			}
		}
		all := newTopK(tl.size()+1, compareCandidates)
		tl.rank(&m, func(termEntry) bool { return false }, all)
		got := map[found]int{}
		for _, c := range all.h {
			got[found{c.key, c.label, c.rank}]++
		}
		if !maps.Equal(got, want) {
			for f, n := range want {
				if got[f] != n {
					t.Errorf("typed %q: %+v found %d times, want %d", ty, f, got[f], n)
				}
			}
			for f, n := range got {
				if _, ok := want[f]; !ok {
					t.Errorf("typed %q: %+v found %d times, the matcher rejects it", ty, f, n)
				}
			}
			t.FailNow()
		}
	}
}

// typedFrom makes what a user may have typed to find key: a prefix of it or of a word
// inside it, now and then with a typo, not in the first letter.
func typedFrom(r *rand.Rand, key string) string {
	k := []rune(key)
	if len(k) == 0 {
		return ""
	}
	from := 0
	if r.IntN(2) == 0 {
		from = r.IntN(len(k))
	}
	to := min(len(k), from+1+r.IntN(12))
	w := slices.Clone(k[from:to])
	if len(w) > 2 && r.IntN(2) == 0 {
		w[1+r.IntN(len(w)-1)] = 'q'
	}
	return string(w)
}

// fullScanTerms is the ranking of "[[" completion done the plain way: every topic and
// alias of every file matched and counted, for the tests to hold the term list to.
func fullScanTerms(s *Snapshot, typed string) *rankedCandidates {
	m := newMatcher(typed)
	cands := newTopK(keepCandidates, compareCandidates)
	seen := map[string]bool{}
	for _, fi := range s.allFiles() {
		for k := range fi.topics.all() {
			if seen[k] {
				continue
			}
			seen[k] = true
			if rank, ok := m.match(k); ok {
				cands.add(candidate{key: k, rank: rank, kind: CompletionTerm, uses: s.uses(k)})
			}
		}
		for ak, as := range fi.aliases {
			if rank, ok := m.match(ak); ok {
				for _, a := range as {
					cands.add(candidate{key: a.topic, label: a.text, rank: rank, kind: CompletionAlias, uses: s.uses(a.topic)})
				}
			}
		}
	}
	sorted, cut := cands.sorted()
	return &rankedCandidates{sorted, cut}
}

// TestTermsAgainstFullScan: over random workspaces of one file and of several, edited at
// random (paths, bodies and their references, lines in and out, files in and out),
// "[[" completion ranks the terms and aliases as a full scan of every file does, for
// typed texts of no letter, one, two and more, typos included; and the list sometimes
// built, sometimes not, between edits.
func TestTermsAgainstFullScan(t *testing.T) {
	cut, touched := 0, 0 // answers cut short, from a list with touched entries
	defer func() {
		if !t.Failed() && (cut == 0 || touched == 0) {
			t.Errorf("%d answers cut, %d with touched entries: the walk's stop or the touched entries untested", cut, touched)
		}
	}()
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 77))
		g := newNoteGen(r, 60+r.IntN(60), "abcdo")
		nfiles := 1 + int(seed%3)*2
		files := map[string][]string{}
		w := NewWorkspace(DefaultConfig())
		srcs := map[string][]byte{}
		for i := range nfiles {
			p := fmt.Sprintf("f%d.notes", i)
			files[p] = g.file(300 + r.IntN(900)/nfiles)
			srcs[p] = []byte(strings.Join(files[p], "\n") + "\n")
		}
		w.UpdateMany(srcs)
		paths := func() []string { return slices.Sorted(maps.Keys(files)) }
		for step := range 50 {
			ps := paths()
			p := ps[r.IntN(len(ps))]
			lines := files[p]
			switch op := r.IntN(20); {
			case op < 6 && len(lines) > 0: // a body: its references
				i := r.IntN(len(lines))
				head, _, _ := strings.Cut(lines[i], " = ")
				lines[i] = head + g.body()
			case op < 11 && len(lines) > 0: // a path
				lines[r.IntN(len(lines))] = g.line()
			case op < 14: // a line in
				i := r.IntN(len(lines) + 1)
				lines = slices.Insert(lines, i, g.line())
			case op < 16 && len(lines) > 1: // a line out
				i := r.IntN(len(lines))
				lines = slices.Delete(lines, i, i+1)
			case op == 16: // a new file
				p = fmt.Sprintf("f%d.notes", 100+step)
				lines = g.file(1 + r.IntN(30))
			case op == 17 && len(ps) > 1: // a file out
				delete(files, p)
				w.Remove(p)
				lines = nil
			default: // a file written anew
				lines = g.file(1 + len(lines)/2 + r.IntN(len(lines)+1))
			}
			if lines != nil {
				files[p] = lines
				w.Update(p, []byte(strings.Join(lines, "\n")+"\n"))
			}
			snap := w.Snapshot()
			if r.IntN(3) == 0 {
				continue // not asked: the next snapshot starts its own list
			}
			var keys []string
			for _, fi := range snap.allFiles() {
				for k := range fi.topics.all() {
					keys = append(keys, k)
				}
				for ak := range fi.aliases {
					keys = append(keys, ak)
				}
			}
			slices.Sort(keys)
			typed := []string{"", "a", "o", "é", "ab", "ca", "日", "-d", "/b"}
			if r.IntN(2) == 0 {
				snap.refTotals() // uses then come from the counts of every reference
			}
			for range 8 {
				typed = append(typed, typedFrom(r, keys[r.IntN(len(keys))]))
			}
			for range 20 { // the keys that name a topic, as resolving every candidate finds them
				k := keys[r.IntN(len(keys))]
				if got, want := snap.refKeysNaming([]string{k}), plainRefKeysNaming(snap, []string{k}); !slices.Equal(got, want) {
					t.Fatalf("seed %d step %d: the keys naming %q are %q, want %q", seed, step, k, got, want)
				}
				if got, want := snap.refCountsOf(map[string]bool{k: true})[k], plainRefCount(snap, k); got != want {
					t.Fatalf("seed %d step %d: %q has %d references, want %d", seed, step, k, got, want)
				}
			}
			for _, ty := range typed {
				got, want := snap.rankTerms(ty), fullScanTerms(snap, ty)
				if want.cut {
					cut++
				}
				if _, now := snap.termListNow(); len(now.entries) > 0 {
					touched++
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d step %d, %d files, typed %q: %d candidates (cut %v), want %d (cut %v)\ngot  %v\nwant %v",
						seed, step, len(files), ty, len(got.cands), got.cut, len(want.cands), want.cut, head(got.cands), head(want.cands))
				}
			}
			for _, ty := range typed {
				if strings.Contains(ty, " -- ") {
					continue // a path: its last segment is completed, as in a head
				}
				got := snap.completeTerms(ty, analysis.Span{}, true)
				full := plainExactFirst(snap, ty, *fullScanTerms(snap, ty))
				if want := plainItems(snap, &full, termLabelPlain(snap)); !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d step %d: the items for %q differ", seed, step, ty)
				}
				// At the start of a line of some file, or of none.
				path, line := "", -1
				if r.IntN(4) > 0 {
					fi := snap.allFiles()[r.IntN(len(snap.paths))]
					path, line = fi.path, r.IntN(fi.ast.NumLines())
				}
				got = snap.completeRoots(ty, analysis.Span{}, path, line, true)
				if want := plainRoots(snap, ty, path, line); !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d step %d: the top-level topics for %q at %s:%d differ: %d items, want %d", seed, step, ty, path, line, len(got.Items), len(want.Items))
				}
			}
		}
	}
}

// plainExactFirst is exactFirst done the plain way: every topic the typed key resolves
// to, each one's uses counted, before the ranked candidates.
func plainExactFirst(s *Snapshot, typed string, ranked rankedCandidates) rankedCandidates {
	exact := s.resolve(analysis.PathKey([]byte(typed)))
	if len(exact) == 0 {
		return ranked
	}
	var out []candidate
	for _, k := range exact {
		out = append(out, candidate{key: k, kind: CompletionTerm, rank: rankExact, uses: plainRefCount(s, k) + s.topicUses(k)})
	}
	slices.SortStableFunc(out, compareCandidates)
	for _, c := range ranked.cands {
		if c.kind != CompletionTerm || !slices.Contains(exact, c.key) {
			out = append(out, c)
		}
	}
	return rankedCandidates{out, ranked.cut}
}

// plainRefKeysNaming is refKeysNaming done the plain way: each key that may name one of
// the topics (its path, an alias, its last segment) resolved, and kept if it does.
func plainRefKeysNaming(s *Snapshot, topics []string) []string {
	var cands []string
	for _, k := range topics {
		cands = append(cands, k)
		for _, r := range s.topicRecs(k) {
			for _, a := range r.aliases() {
				cands = append(cands, analysis.NameKey([]byte(a)))
			}
			cands = append(cands, r.fi.ast.Line(int(r.t.first)).SegmentKey(int(r.t.seg)))
		}
	}
	slices.Sort(cands)
	var out []string
	for _, rk := range slices.Compact(cands) {
		if slices.ContainsFunc(s.resolve(rk), func(k string) bool { return slices.Contains(topics, k) }) {
			out = append(out, rk)
		}
	}
	return out
}

// plainRefCount counts the reference lines whose key resolves to topic k, over every
// reference key of every file.
func plainRefCount(s *Snapshot, k string) int {
	n := 0
	for _, fi := range s.allFiles() {
		for rk, lines := range fi.refs.counts() {
			if slices.Contains(s.resolve(rk), k) {
				n += lines
			}
		}
	}
	return n
}

// plainRoots is completeRoots done the plain way: every top-level topic of every file
// matched and counted, but those only on (path, line).
func plainRoots(s *Snapshot, typed, path string, line int) *CompletionResult {
	m := newMatcher(typed)
	cands := newTopK(keepCandidates, compareCandidates)
	seen := map[string]bool{}
	for _, fi := range s.allFiles() {
		for _, k := range fi.roots {
			if seen[k] {
				continue
			}
			seen[k] = true
			if rank, ok := m.match(k); ok && (line < 0 || !s.onlyOn(k, path, line)) {
				cands.add(candidate{key: k, rank: rank, kind: CompletionTopic, uses: s.uses(k)})
			}
		}
	}
	sorted, cut := cands.sorted()
	return plainItems(s, &rankedCandidates{sorted, cut}, func(c candidate) string {
		return lastSegment(s.displayAvoiding(c.key, path, line))
	})
}

func termLabelPlain(s *Snapshot) func(c candidate) string {
	return func(c candidate) string {
		if c.label != "" {
			return c.label
		}
		return s.display(c.key)
	}
}

// plainItems makes the items of ranked candidates from each term's display and
// definitions, as hover shows them.
func plainItems(s *Snapshot, ranked *rankedCandidates, label func(candidate) string) *CompletionResult {
	res := &CompletionResult{Items: []CompletionItem{}, Incomplete: ranked.cut}
	seen := map[string]bool{}
	for _, c := range ranked.cands {
		lbl := label(c)
		if seen[lbl] {
			continue
		}
		if len(res.Items) == maxCompletions {
			res.Incomplete = true
			break
		}
		seen[lbl] = true
		item := CompletionItem{Label: lbl, Kind: c.kind, Key: c.key}
		doc := s.display(c.key)
		for _, d := range s.definitions(c.key) {
			if d.Body != "" && item.Detail == "" {
				item.Detail = d.Body
			}
			if d.Body != "" {
				doc += "\n" + d.Separator + " " + d.Body
			}
			for _, u := range d.URLs {
				doc += "\n" + u
			}
		}
		item.Documentation = doc
		res.Items = append(res.Items, item)
	}
	return res
}

func head(cs []candidate) []candidate { return cs[:min(len(cs), 8)] }

// TestMissingLettersBound: the letter count never rules out a key that the distance
// table accepts, over random typed texts and keys made of a few letters, so that near
// matches are common.
func TestMissingLettersBound(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcde -"[r.IntN(7)]
		}
		return string(b)
	}
	ruledOut := 0
	for range 20000 {
		m := newMatcher(word(3 + r.IntN(8)))
		key := []byte(word(r.IntN(14)))
		for k := range 3 {
			if m.typed != "" && m.tooManyMissing(string(key), k) {
				ruledOut++
				if prefixWithin(m.runes, key, k) {
					t.Fatalf("typed %q, key %q, k=%d: ruled out, but within reach", m.typed, key, k)
				}
			}
		}
	}
	if ruledOut == 0 {
		t.Fatal("the bound never ruled out a key")
	}
}

// TestSortEntries: the compact sort orders entries in place as compareEntries does, over
// keys that share their first eight bytes, are shorter than eight, or hold zero bytes.
func TestSortEntries(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	parts := []string{"", "a", "ab", "abcdefgh", "abcdefghi", "\x00", "b", "é"}
	var entries []termEntry
	for range 5000 {
		topic := parts[r.IntN(len(parts))] + parts[r.IntN(len(parts))] + parts[r.IntN(len(parts))]
		entries = append(entries, termEntry{topic: topic, label: parts[r.IntN(3)], uses: int32(r.IntN(4))})
	}
	want := slices.Clone(entries)
	slices.SortFunc(want, compareEntries)
	if sortEntries(entries); !slices.Equal(entries, want) {
		t.Error("sortEntries orders differently from compareEntries")
	}
}

// TestTermsBuiltWhileEdited: a term list whose build has started (in the background)
// when edits come is shared by the snapshots of the edits, built from the snapshot it was
// made for, and each snapshot ranks as a full scan of it does.
func TestTermsBuiltWhileEdited(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	g := newNoteGen(r, 80, "abcdo")
	files := map[string][]string{"a.notes": g.file(400), "b.notes": g.file(400)}
	srcs := map[string][]byte{}
	for p, lines := range files {
		srcs[p] = []byte(strings.Join(lines, "\n") + "\n")
	}
	w := NewWorkspace(DefaultConfig())
	first := w.UpdateMany(srcs)
	first.terms.base.started.Store(true) // as if Prepare were building it now
	snaps := []*Snapshot{first}
	for range 20 {
		p := []string{"a.notes", "b.notes"}[r.IntN(2)]
		files[p][r.IntN(len(files[p]))] = g.line()
		snap, _ := w.Update(p, []byte(strings.Join(files[p], "\n")+"\n"))
		snaps = append(snaps, snap)
	}
	if last := snaps[len(snaps)-1]; last.terms.base != first.terms.base {
		t.Fatal("the edits' snapshots do not share the list being built")
	}
	for i := len(snaps) - 1; i >= 0; i-- { // the last asks first: the list is still first's
		for _, ty := range []string{"", "a", "ab", "bo", "cod"} {
			if got, want := snaps[i].rankTerms(ty), fullScanTerms(snaps[i], ty); !reflect.DeepEqual(got, want) {
				t.Fatalf("snapshot %d, typed %q: ranking differs from a full scan", i, ty)
			}
		}
	}
}

// Completion without documentation gives the same items, details included, as with it:
// only the documentation is left for completionItem/resolve, and it is TermDocumentation.
func TestCompleteWithoutDocs(t *testing.T) {
	src, err := os.ReadFile("../testdata/system-design.notes")
	if err != nil {
		t.Fatal(err)
	}
	snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"/c.notes": src, "/r.notes": []byte("x = see [[da\ny -- \n[[j\n")})
	checked := 0
	for _, path := range []string{"/c.notes", "/r.notes"} {
		content, _ := snap.Content(path)
		for off := 0; off <= len(content); off += 7 {
			full, lazy := snap.Complete(path, off), snap.CompleteWithoutDocs(path, off)
			if (full == nil) != (lazy == nil) {
				t.Fatalf("%s:%d: with docs %v, without %v", path, off, full, lazy)
			}
			if full == nil {
				continue
			}
			if len(full.Items) != len(lazy.Items) || full.Incomplete != lazy.Incomplete || full.Replace != lazy.Replace {
				t.Fatalf("%s:%d: %d items with docs, %d without", path, off, len(full.Items), len(lazy.Items))
			}
			for i, it := range full.Items {
				l := lazy.Items[i]
				if l.Documentation != "" || l.Label != it.Label || l.Detail != it.Detail || l.Key != it.Key || l.Kind != it.Kind {
					t.Fatalf("%s:%d item %d: %+v without docs, %+v with", path, off, i, l, it)
				}
				if it.Kind != CompletionTopic || it.Documentation != "" {
					if got := snap.TermDocumentation(it.Key); got != it.Documentation && it.Kind != CompletionAlias {
						t.Fatalf("%s:%d item %q: TermDocumentation %q, item's %q", path, off, it.Label, got, it.Documentation)
					}
				}
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d items compared", checked)
	}
}

// A term the typed text names outright comes first, however many more used terms start
// like it, whether named by its path, its last name or an alias.
func TestExactFirst(t *testing.T) {
	var b strings.Builder
	for i := range 300 { // more used than CAP, and more than a completion list holds
		fmt.Fprintf(&b, "CAP theorem %03d -- x = a\nCAP theorem %03d -- y = b\n", i, i)
	}
	b.WriteString("CAP = consistency, availability, partition tolerance\n")
	b.WriteString("systems -- capacity planning (CP) = sizing\n")
	snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": []byte(b.String())})
	for typed, want := range map[string]string{
		"CAP":               "CAP",
		"cap":               "CAP",
		"capacity planning": "systems -- capacity planning",
		"CP":                "systems -- capacity planning",
	} {
		res := snap.completeTerms(typed, analysis.Span{}, false)
		if len(res.Items) == 0 || res.Items[0].Label != want {
			first := ""
			if len(res.Items) > 0 {
				first = res.Items[0].Label
			}
			t.Errorf("typed %q: first item %q, want %q", typed, first, want)
		}
		n := 0
		for _, it := range res.Items {
			if it.Label == want {
				n++
			}
		}
		if n != 1 {
			t.Errorf("typed %q: %q listed %d times", typed, want, n)
		}
	}
	if syms := snap.Symbols("CAP"); len(syms) == 0 || syms[0].Name != "CAP" {
		t.Errorf("workspace symbols for CAP: %+v, want CAP first", syms[:min(3, len(syms))])
	}
}

// TestExactFirstShared: an alias and a last name each shared by more topics than a list
// holds, across files, with references that make their uses differ, list the most used
// of them first, as counting every one of them does; also after edits whose entries the
// term list has not taken in yet.
func TestExactFirstShared(t *testing.T) {
	srcs := map[string][]byte{}
	for f := range 3 {
		var b strings.Builder
		for i := range 300 {
			n := f*300 + i
			fmt.Fprintf(&b, "area %04d -- disaster recovery (DR) = plan %d\n", n, n)
			fmt.Fprintf(&b, "part %04d -- overview = summary %d\n", n, n)
			for range n % 7 {
				fmt.Fprintf(&b, "note %04d = see [[area %04d -- disaster recovery]] and [[part %04d -- overview]]\n", n, n, n)
			}
		}
		srcs[fmt.Sprintf("f%d.notes", f)] = []byte(b.String())
	}
	w := NewWorkspace(DefaultConfig())
	snap := w.UpdateMany(srcs)
	check := func(when string, snap *Snapshot) {
		t.Helper()
		for _, typed := range []string{"DR", "dr", "overview", "Overview"} {
			got := snap.completeTerms(typed, analysis.Span{}, true)
			full := plainExactFirst(snap, typed, *fullScanTerms(snap, typed))
			want := plainItems(snap, &full, termLabelPlain(snap))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, typed %q: %d items (incomplete %v), first %v; want %d (incomplete %v), first %v", when, typed,
					len(got.Items), got.Incomplete, got.Items[:min(3, len(got.Items))], len(want.Items), want.Incomplete, want.Items[:min(3, len(want.Items))])
			}
			if len(got.Items) != maxCompletions || !got.Incomplete {
				t.Fatalf("%s, typed %q: %d items (incomplete %v), want a full list cut short", when, typed, len(got.Items), got.Incomplete)
			}
		}
	}
	check("built", snap)
	// More references to a few of them, and one of them gone: the list's entries of
	// those are stale, and their new ones touched.
	extra := []byte("more = [[area 0005 -- disaster recovery]] [[area 0005 -- disaster recovery]] [[part 0899 -- overview]]\n")
	for range 20 {
		extra = append(extra, "again = [[area 0005 -- disaster recovery]] [[part 0899 -- overview]]\n"...)
	}
	snap, _ = w.Update("g.notes", extra)
	f0 := bytes.Replace(srcs["f0.notes"], []byte("area 0006 -- disaster recovery (DR)"), []byte("area 0006 -- disaster planning"), 1)
	f0 = bytes.Replace(f0, []byte("part 0006 -- overview ="), []byte("part 0006 -- outline ="), 1)
	snap, _ = w.Update("f0.notes", f0)
	if _, now := snap.termListNow(); len(now.entries) == 0 {
		t.Fatal("the edits touched no entry of the term list")
	}
	check("edited", snap)
}
