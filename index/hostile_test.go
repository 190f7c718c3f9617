package index

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/notesls/notesls/analysis"
)

// Inputs shaped to make the workspace-wide passes slow: one huge name, many numbered
// names with broken references to them, names each one letter from dozens of others.
// The benchmarks run what `notesls --check` runs on such a file; the tests in
// neardup_test.go edit them.

// hostileLongSegment is one line whose path is a single name of about n bytes.
func hostileLongSegment(n int) []byte {
	const words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
	name := strings.TrimSpace(strings.Repeat(words, n/len(words)+1)[:n])
	return []byte(name + " = x\n")
}

// hostileNumbered is n lines `item 1 = x` ... `item n = x`, and for every tenth a line
// referring to it with two letters swapped: `zref 17 = see [[itme 17]]`.
func hostileNumbered(n int) []byte { return hostileNumberedIn(n, 0) }

// hostileNumberedFixedWidth is hostileNumbered with numbers of six digits: `item 000001`.
func hostileNumberedFixedWidth(n int) []byte { return hostileNumberedIn(n, 6) }

// hostileNumberedIn is hostileNumbered with numbers written in at least width digits.
func hostileNumberedIn(n, width int) []byte {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "item %0*d = x\n", width, i)
	}
	for i := 1; i <= n; i += 10 {
		fmt.Fprintf(&b, "zref %0*d = see [[itme %0*d]]\n", width, i, width, i)
	}
	return []byte(b.String())
}

// denseLetters are the letters the dense names vary in: Latin, then Greek.
var denseLetters = []rune("abcdefghijklmnopqrstuvwxyzαβγδεζηθικλμνξοπρστυφχψω")

// denseBlock is the number of letters each of the three varying places of a dense name
// takes: 22³ = 10,648 names a block.
const denseBlock = 22

// hostileDense is blocks of 10,648 names `aaword?x?y?z`, the three ? each one of 22
// letters: every name is one letter from 63 others, in three groups of 22 names that
// share a one-deletion variant. Blocks differ in two letters (`aa`, `bb`, ...), so their
// names do not meet.
func hostileDense(blocks int) []byte {
	var b strings.Builder
	for block := range blocks {
		l := denseLetters[block]
		for _, x := range denseLetters[:denseBlock] {
			for _, y := range denseLetters[:denseBlock] {
				for _, z := range denseLetters[:denseBlock] {
					fmt.Fprintf(&b, "%c%cword%cx%cy%cz = x\n", l, l, x, y, z)
				}
			}
		}
	}
	return []byte(b.String())
}

// hostileOneGroup is n names `wordlist` and one letter (CJK ideographs, which are
// letters): all in one group, each one letter from every other.
func hostileOneGroup(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "wordlist%c = x\n", rune(0x4e00+i))
	}
	return []byte(b.String())
}

// checkAll indexes one file and computes its diagnostics, as `notesls --check` does.
func checkAll(path string, src []byte) []Diagnostic {
	snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{path: src})
	var out []Diagnostic
	for _, p := range snap.Files() {
		out = append(out, snap.Diagnostics(p)...)
	}
	return out
}

func benchmarkHostile(b *testing.B, sizes []string, gen func(int) []byte, ns []int) {
	for i, name := range sizes {
		src := gen(ns[i])
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				checkAll("hostile.notes", src)
			}
		})
	}
}

func BenchmarkHostileLongSegment(b *testing.B) {
	benchmarkHostile(b, []string{"10KB", "100KB"}, hostileLongSegment, []int{10_000, 100_000})
}

func BenchmarkHostileNumberedBroken(b *testing.B) {
	benchmarkHostile(b, []string{"10k", "100k"}, hostileNumbered, []int{10_000, 100_000})
}

// BenchmarkHostileNumberedBrokenFixedWidth is BenchmarkHostileNumberedBroken with every
// number written in six digits: the names no longer grow with their count, and with them
// the one- and two-rune deletions each name enters the suggestion buckets with (quadratic
// in its length, which maxSuggestIndexedRunes bounds).
func BenchmarkHostileNumberedBrokenFixedWidth(b *testing.B) {
	benchmarkHostile(b, []string{"10k", "100k"}, hostileNumberedFixedWidth, []int{10_000, 100_000})
}

// BenchmarkHostileNumberedBrokenMillion is the fixed-width shape at 100,000 and 1,000,000
// names, where both sizes' tables are far larger than the cache: from 10,000 to 100,000
// they grow out of it, and the lookups' misses make the time grow faster than the work.
// A 1M-name run takes about 15 s and 3 GB, so it runs only with NOTESLS_BENCH_MILLION=1.
func BenchmarkHostileNumberedBrokenMillion(b *testing.B) {
	if os.Getenv("NOTESLS_BENCH_MILLION") == "" {
		b.Skip("set NOTESLS_BENCH_MILLION=1 to run it")
	}
	benchmarkHostile(b, []string{"100k", "1m"}, hostileNumberedFixedWidth, []int{100_000, 1_000_000})
}

func BenchmarkHostileDenseNames(b *testing.B) {
	// 10,648 and 106,480 names.
	benchmarkHostile(b, []string{"10k", "100k"}, hostileDense, []int{1, 10})
}

func BenchmarkHostileOneGroup(b *testing.B) {
	benchmarkHostile(b, []string{"1k", "10k"}, hostileOneGroup, []int{1_000, 10_000})
}

// hostileSharedName is n topics with one alias and n with one last name, each with a
// reference: `area 1 -- disaster recovery (DR) = x`, `part 1 -- overview = x`, and
// `note 1 = see [[area 1 -- disaster recovery]] and [[part 1 -- overview]]`.
func hostileSharedName(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "area %d -- disaster recovery (DR) = x\npart %d -- overview = x\n", i, i)
		fmt.Fprintf(&b, "note %d = see [[area %d -- disaster recovery]] and [[part %d -- overview]]\n", i, i, i)
	}
	return []byte(b.String())
}

// BenchmarkHostileSharedName completes "[[DR" and "[[overview", which name every one of
// the topics sharing them, and hovers one of them, whose references are counted through
// its alias and last name: requests, each of which once counted the uses of every topic
// the shared key names, one by one.
func BenchmarkHostileSharedName(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		src := hostileSharedName(n)
		snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{"hostile.notes": src})
		snap.Prepare()
		hoverAt := bytes.Index(src, []byte("disaster recovery (DR)"))
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, typed := range []string{"DR", "overview"} {
					if res := snap.completeTerms(typed, analysis.Span{}, false); len(res.Items) != maxCompletions {
						b.Fatalf("%q: %d items", typed, len(res.Items))
					}
				}
				if h := snap.Hover("hostile.notes", hoverAt); h == nil || h.RefCount != 1 {
					b.Fatalf("hover: %+v", h)
				}
			}
		})
	}
}
