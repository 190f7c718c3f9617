package index

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
)

// describeKeyTables renders the workspace tables by path, so that two workspaces that
// numbered their files differently compare equal when they hold the same keys.
func describeKeyTables(s *Snapshot) string {
	if s.tables == nil {
		return "no tables"
	}
	var out []string
	paths := func(ids []fileID) string {
		var ps []string
		for _, id := range ids {
			ps = append(ps, s.byID[id].path)
		}
		slices.Sort(ps)
		return strings.Join(ps, ",")
	}
	for name, t := range map[string]*holderTable[string]{"topic": &s.tables.topics, "name": &s.tables.names,
		"alias": &s.tables.aliases, "ref": &s.tables.refs} {
		for k, ids := range t.all() {
			out = append(out, fmt.Sprintf("%s %q %s", name, k, paths(ids)))
		}
	}
	for name, t := range map[string]*holderTable[uint64]{"line": &s.tables.lines, "def": &s.tables.defs} {
		for h, ids := range t.all() {
			out = append(out, fmt.Sprintf("%s %x %s", name, h, paths(ids)))
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// multiFileCorpus is a workspace of several files that refer to each other's terms,
// repeat each other's lines and spell names nearly alike.
func multiFileCorpus(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"a.notes":     corpus(t),
		"b.notes":     []byte("jump server = another host\nwebhook = dup\nx = see [[sharding]] and [[nowhere]]\nincidents\nCAP\nsharding\ny = [[z]] [[data store -- sharding]]\n"),
		"c.notes":     []byte("databse -- replica = a copy [[jump server]]\nload shedding = drop work\nwebhook = dup\nz = the last letter\n"),
		"d/e.notes":   []byte("incidents = things that go wrong\nloadshedding\nreplicas -- lag = behind [[replica]] ~ databse\n"),
		"d/f/g.notes": []byte("CAP (consistency) = pick two\nsee [[nowhere]] and [[b]]\n"),
	}
}

// TestWorkspaceEditsAgainstFreshIndex edits, adds, removes and renames files of a
// multi-file workspace at random and checks after each step that the incremental index
// equals a fresh one: tables, findings, hovers, definitions and references; and that
// every file whose findings changed was among those the edit reported as affected (or
// had findings pointing into the edited file, which a publisher republishes).
func TestWorkspaceEditsAgainstFreshIndex(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			workspaceEditsAgainstFreshIndex(t, seed, DefaultConfig(), nil)
		})
	}
}

// TestWorkspaceEditsAgainstFreshIndexMentions is TestWorkspaceEditsAgainstFreshIndex
// with the unlinked-mention rule on, and edits that often write a term in a body, define
// a new term (one word or several) or take one away, in one file or another.
func TestWorkspaceEditsAgainstFreshIndexMentions(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Severity = map[string]analysis.Severity{RuleUnlinkedMention: analysis.SeverityHint}
	mentions := []string{" sharding ", " data store ", "queue theory = sharding and load shedding\n", " webhook",
		"queue = a queue\n", "load -- shedding\n", " jump ", "theory = a data store\n", "jump server -- x = queue theory\n",
		"nowhere (NWH) = NWH or nowhere\n", " NWH ", "zzz\n", " zzz", "shedding = load shedding\n"}
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			workspaceEditsAgainstFreshIndex(t, seed, cfg, mentions)
		})
	}
}

func workspaceEditsAgainstFreshIndex(t *testing.T, seed uint64, cfg Config, extra []string) {
	srcs := multiFileCorpus(t)
	w := NewWorkspace(cfg)
	w.UpdateMany(maps.Clone(srcs))
	r := rand.New(rand.NewPCG(seed, 200))
	inserts := []string{"x", "s", " -- y", "\n", "a -- b = c\n", " ", "[[z]] ", "[[jump server]]", " = ",
		"webhook = dup\n", "incidents = x\n", "[[data store -- database]] ", "databse", "CAP\n", "[[replica]]",
		"load shedding = drop work\n", "sharding\n", "[[nowhere]]"}
	inserts = append(inserts, extra...)
	published := map[string]string{}
	mentionsElsewhere := 0 // steps whose edit changed the mentions of another file
	defer func() {
		if extra != nil && mentionsElsewhere < 5 {
			t.Errorf("seed %d: only %d edits changed the unlinked mentions of another file", seed, mentionsElsewhere)
		}
		t.Logf("seed %d: %d edits changed the unlinked mentions of another file", seed, mentionsElsewhere)
	}()
	snap := w.Snapshot()
	snap.Affected()
	for _, p := range snap.Files() {
		published[p] = renderDiagnostics(snap, p)
	}
	for i := range 150 {
		paths := slices.Sorted(maps.Keys(srcs))
		var edited string
		var affected []string
		switch op := r.IntN(20); {
		case op == 0 && len(srcs) > 2: // remove
			edited = paths[r.IntN(len(paths))]
			delete(srcs, edited)
			snap, affected = w.Remove(edited)
		case op == 1: // add, or rename when the name is taken
			edited = fmt.Sprintf("new%d.notes", r.IntN(4))
			if old, ok := srcs[edited]; ok {
				w.Remove(edited)
				delete(srcs, edited)
				edited = "renamed/" + edited
				srcs[edited] = old
			} else {
				srcs[edited] = []byte(inserts[r.IntN(len(inserts))] + "\n" + inserts[r.IntN(len(inserts))] + "\n")
			}
			snap, affected = w.Update(edited, srcs[edited])
		default:
			edited = paths[r.IntN(len(paths))]
			src := srcs[edited]
			pos := r.IntN(len(src) + 1)
			if r.IntN(3) == 0 {
				pos = bytes.LastIndexByte(src[:pos], '\n') + 1
			}
			if r.IntN(4) == 0 && pos < len(src) {
				src = slices.Concat(src[:pos], src[min(len(src), pos+1+r.IntN(20)):])
			} else {
				src = slices.Concat(src[:pos], []byte(inserts[r.IntN(len(inserts))]), src[pos:])
			}
			srcs[edited] = src
			snap, affected = w.Update(edited, src)
		}
		affected = append(affected, snap.Affected()...)
		fresh := NewWorkspace(cfg).UpdateMany(maps.Clone(srcs))
		if got, want := describeKeyTables(snap), describeKeyTables(fresh); got != want {
			t.Fatalf("seed %d step %d (%s): tables differ:\n%s", seed, i, edited, lineDiff(got, want))
		}
		if got, want := strings.Join(snap.Files(), " "), strings.Join(fresh.Files(), " "); got != want {
			t.Fatalf("seed %d step %d: files %s, want %s", seed, i, got, want)
		}
		if got, want := describeBrokenIndex(snap.crossFindings()), describeBrokenIndex(fresh.crossFindings()); got != want {
			t.Fatalf("seed %d step %d (%s): broken keys differ:\n%s", seed, i, edited, lineDiff(got, want))
		}
		for _, p := range fresh.Files() {
			got, want := renderDiagnostics(snap, p), renderDiagnostics(fresh, p)
			if got != want {
				t.Fatalf("seed %d step %d (%s): %s differs:\n%s", seed, i, edited, p, lineDiff(got, want))
			}
			if got != published[p] && !slices.Contains(affected, p) && !strings.Contains(published[p], edited) {
				t.Fatalf("seed %d step %d: editing %s changed the findings of %s, not reported as affected (%v):\n%s",
					seed, i, edited, p, affected, lineDiff(got, published[p]))
			}
			if extra != nil && p != edited && got != published[p] && strings.Contains(lineDiff(got, published[p]), RuleUnlinkedMention) {
				mentionsElsewhere++
			}
			published[p] = got
		}
		for p := range published {
			if _, ok := srcs[p]; !ok {
				delete(published, p)
			}
		}
		// "[[" completion, whose term list later snapshots carry over with the keys
		// edits touched.
		for _, typed := range []string{"", "s", "da", "jump", "inci"} {
			if got, want := fmt.Sprint(snap.completeTerms(typed, analysis.Span{}, true)), fmt.Sprint(fresh.completeTerms(typed, analysis.Span{}, true)); got != want {
				t.Fatalf("seed %d step %d: term completion of %q differs:\n got %s\nwant %s", seed, i, typed, got, want)
			}
		}
		for range 3 {
			p := paths[r.IntN(len(paths))]
			src, ok := srcs[p]
			if !ok {
				continue
			}
			off := r.IntN(len(src) + 1)
			if got, want := fmt.Sprint(snap.Hover(p, off)), fmt.Sprint(fresh.Hover(p, off)); got != want {
				t.Fatalf("seed %d step %d: hover at %s:%d differs:\n got %s\nwant %s", seed, i, p, off, got, want)
			}
			gotSpan, gotDefs := snap.Definition(p, off)
			wantSpan, wantDefs := fresh.Definition(p, off)
			if got, want := fmt.Sprint(gotSpan, gotDefs), fmt.Sprint(wantSpan, wantDefs); got != want {
				t.Fatalf("seed %d step %d: definition at %s:%d differs:\n got %s\nwant %s", seed, i, p, off, got, want)
			}
			if got, want := fmt.Sprint(snap.References(p, off)), fmt.Sprint(fresh.References(p, off)); got != want {
				t.Fatalf("seed %d step %d: references at %s:%d differ:\n got %s\nwant %s", seed, i, p, off, got, want)
			}
			if got, want := fmt.Sprint(snap.Complete(p, off)), fmt.Sprint(fresh.Complete(p, off)); got != want {
				t.Fatalf("seed %d step %d: completion at %s:%d differs:\n got %s\nwant %s", seed, i, p, off, got, want)
			}
		}
	}
}

// TestAffectedByEdits: an edit reports the other files whose findings it changes, for
// each rule that crosses files, and not the files it cannot change.
// Typing in one file leaves the others unaffected when their findings stand: a body
// typed on under a term another file's stub names, or a new last line after a line of
// references (whose keys the re-parse of its neighbour must not report).
func TestAffectedSparesStandingFindings(t *testing.T) {
	w := NewWorkspace(DefaultConfig())
	w.UpdateMany(map[string][]byte{
		"a.notes": []byte("bravo = described\nsee [[charlie]] and [[bravo]]\n"),
		"b.notes": []byte("bravo\nsee [[charlie]]\n"),
	})
	w.Snapshot().Affected()
	for i, text := range []string{
		"bravo = described more\nsee [[charlie]] and [[bravo]]\n",
		"bravo = described more\nsee [[charlie]] and [[bravo]]\nx",
		"bravo = described more\nsee [[charlie]] and [[bravo]]\nxy",
	} {
		snap, affected := w.Update("a.notes", []byte(text))
		if got := slices.Concat(affected[1:], snap.Affected()); slices.Contains(got, "b.notes") {
			t.Errorf("edit %d: b.notes affected (%v), though its stub and broken reference stand", i, got)
		}
	}
	if d := diagLines(w.Snapshot(), "b.notes"); d != "1:redundant-stub 2:broken-reference" {
		t.Errorf("b.notes: %s", d)
	}
}

func TestAffectedByEdits(t *testing.T) {
	base := map[string][]byte{
		"a.notes":         []byte("alpha = first\nshared line = other\n"),
		"b.notes":         []byte("shared line = here\nbravo\nsee [[charlie]] and [[deltaa]]\n"),
		"c.notes":         []byte("monitoring = watching\n"),
		"d.notes":         []byte("bravo -- echo\nsee [[bravo -- foxtrott]] and [[charlie]]\n"),
		"unrelated.notes": []byte("zulu = last\n"),
	}
	tests := []struct {
		name string
		edit string // new text of a.notes
		want []string
	}{
		// The name is a.notes's already: only the line's hash tells b.notes apart.
		{"duplicate line in a later file", "alpha = first\nshared line = other\nshared line = here\n", []string{"b.notes"}},
		{"stub made redundant", "alpha = first\nshared line = other\nbravo = described\n", []string{"b.notes"}},
		{"broken reference resolved", "alpha = first\nshared line = other\ncharlie\n", []string{"b.notes", "d.notes"}},
		{"suggestion appears", "alpha = first\nshared line = other\ndelta = d\n", []string{"b.notes"}},
		{"near-duplicate name", "alpha = first\nshared line = other\nmonitorng = typo\n", []string{"c.notes"}},
		{"body edit that touches nothing else", "alpha = first and only\nshared line = other\n", nil},
		// A new name under a topic that others use changes nothing of theirs, unless it is
		// within a suggestion's reach of a broken reference.
		{"a name far from every broken key", "alpha = first\nshared line = other\nbravo -- xylophone = x\n", nil},
		{"a name within reach of a broken one", "alpha = first\nshared line = other\nbravo -- foxtrot = f\n", []string{"d.notes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWorkspace(DefaultConfig())
			w.UpdateMany(maps.Clone(base))
			w.Snapshot().Affected() // the findings the edit is measured against
			snap, affected := w.Update("a.notes", []byte(tt.edit))
			got := slices.Concat(affected[1:], snap.Affected())
			slices.Sort(got)
			got = slices.DeleteFunc(slices.Compact(got), func(p string) bool { return p == "a.notes" })
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("affected %v, want %v", got, tt.want)
			}
			if slices.Contains(got, "unrelated.notes") {
				t.Errorf("an unrelated file is affected")
			}
		})
	}
}

// TestRefCountEqualsRefTotals: a hover counts a topic's references through the keys that
// can name it; the count must be what counting every reference of the workspace gives.
func TestRefCountEqualsRefTotals(t *testing.T) {
	for _, files := range []map[string][]byte{{"a.notes": corpus(t)}, multiFileCorpus(t)} {
		one := NewWorkspace(DefaultConfig()).UpdateMany(files)
		all := NewWorkspace(DefaultConfig()).UpdateMany(files).refTotals()
		checked := 0
		for _, fi := range one.allFiles() {
			for k := range fi.topics.all() {
				if got, want := one.refCount(k), all[k]; got != want {
					t.Errorf("%d files: refCount(%q) = %d, refTotals says %d", len(files), k, got, want)
				}
				if all[k] > 0 {
					checked++
				}
			}
		}
		if checked == 0 {
			t.Errorf("%d files: no topic is referred to; the test checks nothing", len(files))
		}
	}
}
