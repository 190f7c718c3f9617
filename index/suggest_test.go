package index

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
)

func TestEditDistanceWithin(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	alphabet := []rune("ab日-")
	word := func() []rune {
		w := make([]rune, r.IntN(9))
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		return w
	}
	for range 100_000 {
		a, b, k := word(), word(), r.IntN(4)
		want := min(levenshtein.ComputeDistance(string(a), string(b)), k+1)
		if got := editDistanceWithin(a, b, k); got != want {
			t.Fatalf("editDistanceWithin(%q, %q, %d) = %d, want %d", string(a), string(b), k, got, want)
		}
	}
}

// TestSuggestLargeBuckets: buckets far larger than maxSuggestScan, looked up through
// their deletions, give the answers of comparing every name of the bucket.
func TestSuggestLargeBuckets(t *testing.T) {
	src := hostileNumbered(10_000)
	snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": src})
	var names []string
	for k := range snap.file("a.notes").lastSeg.one.all() {
		names = append(names, k)
	}
	brute := func(key string) []string {
		n := utf8.RuneCountInString(key)
		maxDist := 1
		if n >= 5 {
			maxDist = 2
		}
		kf, kl := ends(key)
		type cand struct {
			text string
			dist int
		}
		var cands []cand
		for _, k := range names {
			f, l := ends(k)
			m := utf8.RuneCountInString(k)
			if (f == kf || l == kl) && m >= n-maxDist && m <= n+maxDist {
				if d := levenshtein.ComputeDistance(key, k); d <= maxDist {
					cands = append(cands, cand{k, d})
				}
			}
		}
		slices.SortFunc(cands, func(a, b cand) int {
			if a.dist != b.dist {
				return a.dist - b.dist
			}
			return strings.Compare(a.text, b.text)
		})
		var out []string
		for _, c := range cands[:min(len(cands), maxSuggestions)] {
			out = append(out, c.text)
		}
		return out
	}
	r := rand.New(rand.NewPCG(17, 18))
	big := map[bool]int{}
	for b, names := range snap.suggestions(false).buckets {
		if len(names) > maxSuggestScan {
			big[b.last]++
		}
	}
	if big[false] == 0 || big[true] == 0 {
		t.Fatalf("large buckets: %v", big)
	}
	for range 1000 {
		key := []rune(fmt.Sprintf("item %d", 1+r.IntN(10_000)))
		for range 1 + r.IntN(2) {
			i := r.IntN(len(key))
			switch r.IntN(3) {
			case 0:
				key = slices.Delete(key, i, i+1)
			case 1:
				key = slices.Insert(key, i, rune("0123456789 et"[r.IntN(13)]))
			default:
				key[i] = rune("0123456789 et"[r.IntN(13)])
			}
		}
		if got, want := snap.suggest(string(key)), brute(string(key)); !slices.Equal(got, want) {
			t.Fatalf("suggest(%q) = %q, want %q", string(key), got, want)
		}
	}
}

// TestSuggestLargeBucketsOfLongNames: a large bucket of names too long for its index is
// looked up near the reference in sorted order; the bucket of the other end of the name
// finds a typo next to the runes one shares.
func TestSuggestLargeBucketsOfLongNames(t *testing.T) {
	var b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&b, "numbered item %05d\n%05d item numbered\n", i, i)
	}
	snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"a.notes": []byte(b.String())})
	for key, want := range map[string]string{
		"numbered itme 01234": "numbered item 01234",
		"numbered item 01x34": "numbered item 01034",
		"01234 item numbere":  "01234 item numbered",
		"01234 itme numbered": "01234 item numbered",
	} {
		if got := snap.suggest(key); len(got) == 0 || got[0] != want || len(got) > maxSuggestions {
			t.Errorf("suggest(%q) = %q, want %q first", key, got, want)
		}
	}
}

// BenchmarkBuildSuggestIndex builds the suggestion indexes of names and of paths of the
// workspace in NOTESLS_BENCH_DIR (a notesgen corpus of many files), what the first broken
// reference after indexing waits for.
func BenchmarkBuildSuggestIndex(b *testing.B) {
	srcs, _ := benchDirSources(b)
	snap := NewWorkspace(DefaultConfig()).UpdateMany(srcs)
	b.ReportAllocs()
	for b.Loop() {
		snap.buildSuggestIndex(false, runtime.GOMAXPROCS(0))
		snap.buildSuggestIndex(true, runtime.GOMAXPROCS(0))
	}
}

// TestSuggestIndexOfTablesAgainstFiles: the index built in parallel from the workspace
// tables holds, bucket by bucket, the names (and the paths) that the files list, each
// once, as one built by walking the files does.
func TestSuggestIndexOfTablesAgainstFiles(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	words := []string{"data", "store", "cache", "shard", "log", "queue", "item", "Backends For Frontends (BFF)", "BFF", "rate limit", "日本"}
	word := func() string {
		w := words[r.IntN(len(words))]
		if r.IntN(3) == 0 {
			w += fmt.Sprint(r.IntN(200))
		}
		return w
	}
	for round := range 20 {
		srcs := map[string][]byte{}
		for f := range 2 + r.IntN(30) {
			var b strings.Builder
			for range r.IntN(300) {
				b.WriteString(word())
				for range r.IntN(3) {
					b.WriteString(" -- " + word())
				}
				b.WriteString(" = x\n")
			}
			srcs[fmt.Sprintf("f%02d.notes", f)] = []byte(b.String())
		}
		snap := NewWorkspace(DefaultConfig()).UpdateMany(srcs)
		for _, paths := range []bool{false, true} {
			want := map[suggestBucket][]string{}
			seen := map[string]bool{}
			for _, fi := range snap.allFiles() {
				var keys []string
				if paths {
					for k := range fi.topics.all() {
						keys = append(keys, k)
					}
				} else {
					for k := range fi.aliases {
						keys = append(keys, k)
					}
					for k := range fi.lastSeg.one.all() {
						keys = append(keys, k)
					}
				}
				for _, k := range keys {
					if k == "" || seen[k] {
						continue
					}
					seen[k] = true
					n := utf8.RuneCountInString(k)
					first, last := ends(k)
					want[suggestBucket{first, false, n}] = append(want[suggestBucket{first, false, n}], k)
					want[suggestBucket{last, true, n}] = append(want[suggestBucket{last, true, n}], k)
				}
			}
			got := snap.buildSuggestIndex(paths, 1+round%3) // on one worker, or several
			if got.size != len(seen) || len(got.buckets) != len(want) {
				t.Fatalf("round %d, paths %v: %d names in %d buckets, want %d in %d", round, paths, got.size, len(got.buckets), len(seen), len(want))
			}
			for b, names := range want {
				g := slices.Sorted(slices.Values(got.buckets[b]))
				slices.Sort(names)
				if !slices.Equal(g, names) {
					t.Fatalf("round %d, paths %v, bucket %v: %q, want %q", round, paths, b, g, names)
				}
			}
		}
	}
}

// BenchmarkWorkspaceEdit types a letter into part-0500.notes of the workspace in
// NOTESLS_BENCH_DIR and takes it out again, as notesls-bench does, and computes what a
// server computes before the edited file's findings go out: the update, the file's
// findings, and the other files the edit affected.
func BenchmarkWorkspaceEdit(b *testing.B) { benchmarkWorkspaceEdit(b, DefaultConfig()) }

// BenchmarkWorkspaceEditMentions is BenchmarkWorkspaceEdit with unlinked-mention on.
func BenchmarkWorkspaceEditMentions(b *testing.B) { benchmarkWorkspaceEdit(b, mentionsConfig()) }

func benchmarkWorkspaceEdit(b *testing.B, cfg Config) {
	dir := os.Getenv("NOTESLS_BENCH_DIR")
	if dir == "" {
		b.Skip("NOTESLS_BENCH_DIR is not set")
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.notes"))
	srcs := map[string][]byte{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		srcs[p] = src
	}
	edited := filepath.Join(dir, "part-0500.notes")
	w := NewWorkspace(cfg)
	w.UpdateMany(srcs)
	w.Snapshot().Diagnostics(edited)
	w.Snapshot().Affected()
	w.Snapshot().PrepareFindings()
	src := srcs[edited]
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		text := slices.Clone(src)
		if i%2 == 0 {
			at := r.IntN(len(src))
			text = slices.Concat(src[:at], []byte("x"), src[at:])
		}
		i++
		snap, _ := w.Update(edited, text)
		snap.Diagnostics(edited)
		snap.Affected()
	}
}
