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

// TestEditsAgainstFreshIndex makes random edits of every kind, lines in place, lines
// inserted and removed, paths, aliases, references, and compares every table and finding
// with a workspace built from scratch; some snapshots are skipped, so that caches chain.
// Most edits go to the large file, some to the small one whose stubs and references
// depend on it and the other way round.
func TestEditsAgainstFreshIndex(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			editsAgainstFreshIndex(t, seed)
		})
	}
}

func editsAgainstFreshIndex(t *testing.T, seed uint64) {
	{
		// b.notes also holds names that crowd: a group larger than the near-duplicate
		// window, and names too long for the one-edit rule.
		var crowd strings.Builder
		for i := range nearWindow + 8 {
			fmt.Fprintf(&crowd, "wordlist%c = x\n", rune(0x4e00+2*i))
		}
		long := strings.Repeat("lorem ipsum ", 6) + "dolor"
		fmt.Fprintf(&crowd, "%s\n%s\n", long, strings.Replace(long, " ", "-", 1))
		srcs := map[string][]byte{
			"a.notes": corpus(t),
			"b.notes": []byte("jump server = another host\nwebhook = dup\nx = see [[sharding]] and [[nowhere]]\nincidents\nCAP\nsharding\ny = [[z]] [[data store -- sharding]]\n" + crowd.String()),
		}
		w := NewWorkspace(DefaultConfig())
		w.UpdateMany(maps.Clone(srcs))
		r := rand.New(rand.NewPCG(seed, 100))
		inserts := []string{"x", "s", " -- y", "(BFF)", "\n", "\n\n", "a -- b = c\nd\n", " ", "[[z]] ", "[[jump server]]", " = ", "https://e.com/x ", "webhooks -- ", "load-shedding\n", "\"", "é", "API -- ", "z\n", "incidents = x\n", "[[data store -- database]] ", "[[API -- y]]", "wordlist丁 = y\n", "wordlist", "lorem ipsum lorem ipsum lorem ipsum lorem ipsum lorem ipsum lorem ipsum dolar\n"}
		for i := range 200 {
			edited := "a.notes"
			if r.IntN(4) == 0 {
				edited = "b.notes"
			}
			src := srcs[edited]
			n := bytes.Count(src, []byte("\n"))
			if n < 3 {
				continue
			}
			ln := 1 + r.IntN(n)
			lineStart := at(t, src, ln, "", 0)
			lineEnd := lineStart + bytes.IndexByte(src[lineStart:], '\n')
			pos := lineStart + r.IntN(lineEnd-lineStart+1)
			switch r.IntN(10) {
			case 0:
				pos = lineStart
				src = slices.Concat(src[:pos], []byte(inserts[r.IntN(len(inserts))]), src[pos:])
			case 1, 2:
				k := min(1+r.IntN(40), len(src)-pos) // may cross line ends
				src = slices.Concat(src[:pos], src[pos+k:])
			default:
				src = slices.Concat(src[:pos], []byte(inserts[r.IntN(len(inserts))]), src[pos:])
			}
			srcs[edited] = src
			snap, _ := w.Update(edited, src)
			if r.IntN(3) == 0 {
				continue // leave some snapshots uncomputed: caches chain
			}
			fresh := NewWorkspace(DefaultConfig()).UpdateMany(maps.Clone(srcs))
			for _, p := range []string{"a.notes", "b.notes"} {
				if got, want := renderDiagnostics(snap, p), renderDiagnostics(fresh, p); got != want {
					t.Fatalf("seed %d edit %d: %s differs:\n%s", seed, i, p, lineDiff(got, want))
				}
			}
			if got, want := describeTopics(snap.file("a.notes")), describeTopics(fresh.file("a.notes")); got != want {
				t.Fatalf("seed %d edit %d: topics differ:\n%s", seed, i, lineDiff(got, want))
			}
			// Completion at the start of a line and after a letter or two of it: the
			// ranked top-level topics may come from an earlier snapshot.
			f := snap.Tree(edited)
			cl := r.IntN(f.NumLines())
			for _, col := range []int{0, 1, 2} {
				if col > int(f.Line(cl).Len) {
					break
				}
				off := f.Start(cl) + col
				if got, want := fmt.Sprint(snap.Complete(edited, off)), fmt.Sprint(fresh.Complete(edited, off)); got != want {
					t.Fatalf("seed %d edit %d: completion at %s line %d col %d differs:\n got %s\nwant %s", seed, i, edited, cl, col, got, want)
				}
				// And inside "[[", the first letters of the line as the typed text.
				typed := string(f.LineText(cl)[:col])
				if got, want := fmt.Sprint(snap.completeTerms(typed, analysis.Span{}, true)), fmt.Sprint(fresh.completeTerms(typed, analysis.Span{}, true)); got != want {
					t.Fatalf("seed %d edit %d: term completion of %q differs:\n got %s\nwant %s", seed, i, typed, got, want)
				}
			}
		}
	}
}

// describeLineTables renders the hash tables of whole lines, and the references.
func describeLineTables(fi *fileIndex) string {
	var out []string
	for name, t := range map[string]*lineTable[uint64]{"line": &fi.lineHash, "def": &fi.defHash} {
		for h := range t.all() {
			out = append(out, fmt.Sprintf("%s %x %v", name, h, t.lines(h)))
		}
		for h := range t.more.all() {
			if !t.has(h) {
				out = append(out, fmt.Sprintf("%s %x: listed, no first line", name, h))
			}
		}
	}
	for k := range fi.refs.all() {
		out = append(out, fmt.Sprintf("ref %q %v %d", k, fi.refs.lines(k), fi.refs.count(k)))
	}
	for k := range fi.refs.more.all() {
		if !fi.refs.has(k) {
			out = append(out, fmt.Sprintf("ref %q: listed, no first line", k))
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// TestOldSnapshotsStayAsTheyWere: versions share tables and trees, and a later edit
// copies what it changes. After a run of edits, every earlier snapshot must still
// describe its own text exactly as a fresh index of that text does.
func TestOldSnapshotsStayAsTheyWere(t *testing.T) {
	src := corpus(t)
	w := NewWorkspace(DefaultConfig())
	w.Update("a.notes", src)
	r := rand.New(rand.NewPCG(9, 10))
	type version struct {
		snap *Snapshot
		src  []byte
	}
	var versions []version
	inserts := []string{"x", "\n", "a -- b = c\n", " -- y", "[[z]] ", "(BFF)", "webhooks -- "}
	for i := range 80 {
		pos := r.IntN(len(src))
		if i%3 == 0 {
			pos = bytes.LastIndexByte(src[:pos], '\n') + 1 // a path, at a line start
		}
		if r.IntN(4) == 0 {
			src = slices.Concat(src[:pos], src[min(len(src), pos+1+r.IntN(30)):])
		} else {
			src = slices.Concat(src[:pos], []byte(inserts[r.IntN(len(inserts))]), src[pos:])
		}
		snap, _ := w.Update("a.notes", src)
		snap.Diagnostics("a.notes") // the caches later versions build on
		versions = append(versions, version{snap, src})
	}
	for i, v := range versions {
		fresh := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": v.src})
		if got, want := describeTopics(v.snap.file("a.notes")), describeTopics(fresh.file("a.notes")); got != want {
			t.Fatalf("version %d: topics changed after it was made:\n%s", i, lineDiff(got, want))
		}
		if got, want := describeLineTables(v.snap.file("a.notes")), describeLineTables(fresh.file("a.notes")); got != want {
			t.Fatalf("version %d: line tables changed after it was made:\n%s", i, lineDiff(got, want))
		}
		sameTree(t, v.snap.Tree("a.notes"), fresh.Tree("a.notes"))
		got, want := &v.snap.file("a.notes").sortKeys, &fresh.file("a.notes").sortKeys
		for ln := range want.len() {
			if *got.at(ln) != *want.at(ln) {
				t.Fatalf("version %d: sort key of line %d changed after it was made", i, ln)
			}
		}
	}
}
