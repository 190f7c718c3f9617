package index

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/notesls/notesls/analysis"
)

// BenchmarkCheckFile indexes a file and computes all its diagnostics, the work of
// `notesls --check` on one file. Set NOTESLS_BENCH_FILE to a notesgen corpus to measure
// a large one; the default is the real corpus.
func BenchmarkCheckFile(b *testing.B) { benchmarkCheckFile(b, unlimited(DefaultConfig())) }

// unlimited lifts the size limits of cfg, as the all-rules.json of bench-check.sh does:
// a benchmark of a generated million-line file measures every rule, not the limit.
func unlimited(cfg Config) Config {
	cfg.MaxFileSize, cfg.MaxCrossFindings = 0, 0
	return cfg
}

// BenchmarkCheckFileMentions is BenchmarkCheckFile with unlinked-mention on.
func BenchmarkCheckFileMentions(b *testing.B) { benchmarkCheckFile(b, unlimited(mentionsConfig())) }

func benchmarkCheckFile(b *testing.B, cfg Config) {
	path, src := benchFile(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		snap := NewWorkspace(cfg).UpdateMany(map[string][]byte{path: src})
		snap.Diagnostics(path)
	}
}

// BenchmarkIndexFile parses and indexes a file without computing its findings: the part
// of `notesls --check` that no rule's setting removes. NOTESLS_BENCH_FILE picks the file.
func BenchmarkIndexFile(b *testing.B) {
	path, src := benchFile(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		NewWorkspace(unlimited(DefaultConfig())).UpdateMany(map[string][]byte{path: src})
	}
}

// BenchmarkParseFile parses a file on every core, as the index does, without indexing
// it. NOTESLS_BENCH_FILE picks the file.
func BenchmarkParseFile(b *testing.B) {
	_, src := benchFile(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		analysis.ParseParallel(src, runtime.GOMAXPROCS(0))
	}
}

// BenchmarkEdit measures one keystroke in a large file: re-index and recompute the file's
// diagnostics, what the server does before publishing. NOTESLS_BENCH_FILE picks the file.
// It types a letter into the middle of some line, then takes it out again.
func BenchmarkEdit(b *testing.B) {
	benchmarkEdits(b, DefaultConfig(), typeInMiddle)
}

// BenchmarkEditMentions is BenchmarkEdit with unlinked-mention on.
func BenchmarkEditMentions(b *testing.B) {
	benchmarkEdits(b, mentionsConfig(), typeInMiddle)
}

func typeInMiddle(f *analysis.File, src []byte, i int) (int, byte) {
	return len(src)/3 + (i%97)*101, 'x'
}

// benchmarkEdits times the edits that typing makes: on even rounds the character at the
// place that at gives, on odd rounds the original text back. Each version is spliced
// from the one before and the index is told what the edit kept, as the server does.
func benchmarkEdits(b *testing.B, cfg Config, at func(f *analysis.File, src []byte, i int) (pos int, typed byte)) {
	path, src := benchFile(b)
	w := NewWorkspace(cfg)
	text := analysis.NewText(src)
	w.UpdateText(path, text, Unchanged{})
	w.Snapshot().Diagnostics(path)
	f := w.Snapshot().Tree(path)
	b.ReportAllocs()
	i, pos := 0, 0
	for b.Loop() {
		var typed byte
		if i%2 == 0 {
			pos, typed = at(f, src, i)
			text, _ = text.Splice(pos, pos, string(typed))
		} else {
			text, _ = text.Splice(pos, pos+1, "")
		}
		i++
		snap, _ := w.UpdateText(path, text, Unchanged{Head: pos, Tail: len(src) - pos})
		snap.Diagnostics(path)
	}
}

// BenchmarkComplete proposes completions at the start of every 97th line.
func BenchmarkComplete(b *testing.B) {
	path, src := benchFile(b)
	snap, _ := NewWorkspace(DefaultConfig()).Update(path, src)
	f := snap.Tree(path)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ln := (i * 97) % f.NumLines()
		i++
		snap.Complete(path, f.Start(ln)+min(int(f.Line(ln).Len), 3))
	}
}

// benchFile reads NOTESLS_BENCH_FILE, by default the real corpus.
func benchFile(b *testing.B) (string, []byte) {
	path := os.Getenv("NOTESLS_BENCH_FILE")
	if path == "" {
		path = "../testdata/system-design.notes"
	}
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, src
}

// BenchmarkCompleteTerms proposes every term after "[[", the longest list there is.
func BenchmarkCompleteTerms(b *testing.B) {
	path, src := benchFile(b)
	src = append([]byte("x = see [[\n"), src...)
	snap, _ := NewWorkspace(DefaultConfig()).Update(path, src)
	b.ReportAllocs()
	for b.Loop() {
		snap.Complete(path, len("x = see [["))
	}
}

// BenchmarkEditHead types a letter into a path, which changes the topics, then takes it
// out again.
func BenchmarkEditHead(b *testing.B) { benchmarkEdits(b, DefaultConfig(), typeInHead) }

// BenchmarkEditHeadMentions is BenchmarkEditHead with unlinked-mention on: every edit
// makes a term unknown and another known.
func BenchmarkEditHeadMentions(b *testing.B) { benchmarkEdits(b, mentionsConfig(), typeInHead) }

func typeInHead(f *analysis.File, src []byte, i int) (int, byte) {
	ln := (f.NumLines()/3 + i*101) % f.NumLines()
	return f.Start(ln) + 1, 'q'
}

// BenchmarkCompleteTermsTyped proposes terms for a few letters typed after "[[", which
// matches by prefix, by word and by typo.
func BenchmarkCompleteTermsTyped(b *testing.B) {
	path, src := benchFile(b)
	snap, _ := NewWorkspace(DefaultConfig()).Update(path, src)
	b.ReportAllocs()
	typed := []string{"shard", "replic", "We", "degrad", "content limiti", "autocorrection 4"}
	i := 0
	for b.Loop() {
		snap.completeTerms(typed[i%len(typed)], analysis.Span{}, true)
		i++
	}
}

// BenchmarkEditNewline breaks a line in two and joins it again: the edits that move
// every later line.
func BenchmarkEditNewline(b *testing.B) {
	benchmarkEdits(b, DefaultConfig(), func(f *analysis.File, src []byte, i int) (int, byte) {
		ln := (f.NumLines()/3 + i*101) % f.NumLines()
		return f.Start(ln) + int(f.Line(ln).Len)/2, '\n'
	})
}

// BenchmarkOneLineFiles indexes 10,000 one-line files, as a folder of tiny notes is, and
// reports the heap each file keeps.
func BenchmarkOneLineFiles(b *testing.B) {
	const files = 10_000
	srcs := make(map[string][]byte, files)
	for i := range files {
		srcs[fmt.Sprintf("notes/f%05d.notes", i)] = fmt.Appendf(nil, "topic %d -- sub %d = a definition of it [[topic %d]]\n", i, i, (i+1)%files)
	}
	var kept uint64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ws := NewWorkspace(Config{})
		ws.UpdateMany(srcs)
		runtime.GC()
		runtime.ReadMemStats(&after)
		kept = after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(ws)
	}
	b.ReportMetric(float64(kept)/files, "heap-B/file")
}

// BenchmarkCompleteTermsWorkspace proposes terms after "[[" in a workspace of 1,000
// files, with nothing, one letter, two letters, a prefix and a typo typed: each a
// sub-benchmark over typed texts taken from the workspace's own keys. Set
// NOTESLS_BENCH_DIR to a notesgen corpus (every *.notes in it) to measure that one; the
// default is 1,000 generated files of 100 lines. "roots" asks the same at the start of a
// line, where the top-level topics are proposed. "edited" asks the same of a snapshot 200
// path and reference edits later, which ranks the touched terms beside the list.
func BenchmarkCompleteTermsWorkspace(b *testing.B) {
	srcs := benchWorkspace(b)
	w := NewWorkspace(DefaultConfig())
	snap := w.UpdateMany(srcs)
	var keys []string
	for k := range snap.tables.topics.all() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	r := rand.New(rand.NewPCG(5, 6))
	pick := func(n int, typo bool) []string {
		var out []string
		for len(out) < 50 {
			k := []rune(keys[r.IntN(len(keys))])
			if len(k) < n {
				continue
			}
			t := slices.Clone(k[:n])
			if typo {
				t[n/2] = 'q'
			}
			out = append(out, string(t))
		}
		return out
	}
	kinds := []struct {
		name  string
		typed []string
	}{{"none", []string{""}}, {"1", pick(1, false)}, {"2", pick(2, false)}, {"4", pick(4, false)}, {"typo6", pick(6, true)}}
	run := func(b *testing.B, snap *Snapshot, typed []string) {
		snap.completeTerms(typed[0], analysis.Span{}, true) // the term list, built once
		b.ReportAllocs()
		i := 0
		cpu := cpuTime()
		for b.Loop() {
			snap.completeTerms(typed[i%len(typed)], analysis.Span{}, true)
			i++
		}
		reportCPU(b, cpu)
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) { run(b, snap, k.typed) })
	}
	// The same typed at the start of a line: the top-level topics.
	for _, k := range kinds {
		b.Run("roots/"+k.name, func(b *testing.B) {
			path := snap.paths[0]
			snap.completeRoots(k.typed[0], analysis.Span{}, path, 0, true)
			b.ReportAllocs()
			i := 0
			cpu := cpuTime()
			for b.Loop() {
				snap.completeRoots(k.typed[i%len(k.typed)], analysis.Span{}, path, 0, true)
				i++
			}
			reportCPU(b, cpu)
		})
	}
	// Edit the paths and references of some files' first lines, as typing does.
	paths := slices.Sorted(maps.Keys(srcs))
	g := newNoteGen(r, 200, "abcdefghijklmnopqrstuvwxyz")
	for i := range 200 {
		p := paths[i*7%len(paths)]
		src := srcs[p]
		end := bytes.IndexByte(src, '\n') + 1
		srcs[p] = slices.Concat([]byte(g.line()+"\n"), src[end:])
		w.Update(p, srcs[p])
	}
	edited := w.Snapshot()
	for _, k := range kinds {
		b.Run("edited/"+k.name, func(b *testing.B) { run(b, edited, k.typed) })
	}
}

// benchWorkspace reads the *.notes files of NOTESLS_BENCH_DIR, or makes 1,000 files of
// 100 lines from a vocabulary of 3,000 words.
func benchWorkspace(b testing.TB) map[string][]byte {
	srcs := map[string][]byte{}
	if dir := os.Getenv("NOTESLS_BENCH_DIR"); dir != "" {
		paths, err := filepath.Glob(filepath.Join(dir, "*.notes"))
		if err != nil || len(paths) == 0 {
			b.Fatalf("NOTESLS_BENCH_DIR=%s: no *.notes files (%v)", dir, err)
		}
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			srcs[p] = src
		}
		return srcs
	}
	g := newNoteGen(rand.New(rand.NewPCG(1, 2)), 3000, "abcdefghijklmnopqrstuvwxyz")
	for i := range 1000 {
		srcs[fmt.Sprintf("notes/part-%04d.notes", i)] = []byte(strings.Join(g.file(100), "\n") + "\n")
	}
	return srcs
}

// cpuTime is the user and system CPU time of the process so far. On a machine shared
// with other work, it tells the cost of an operation where the time it took does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time since start per operation, of every goroutine (the
// garbage collector's included), as cpu-ns/op.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkBuildTermList builds the workspace's term list, which the first completion
// after indexing waits for (see Snapshot.Prepare). NOTESLS_BENCH_DIR as in
// BenchmarkCompleteTermsWorkspace.
func BenchmarkBuildTermList(b *testing.B) {
	snap := NewWorkspace(DefaultConfig()).UpdateMany(benchWorkspace(b))
	b.ReportAllocs()
	for b.Loop() {
		snap.buildTermList()
	}
}
