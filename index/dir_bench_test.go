package index

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/notesls/notesls/analysis"
)

// BenchmarkWorkspaceHeap indexes every *.notes file of the folder NOTESLS_BENCH_DIR (a
// notesgen corpus) and reports the heap the workspace keeps, per line and in all: the
// live heap the server's garbage collector works against. NOTESLS_BENCH_HEAPPROFILE
// names a file for a heap profile taken while the workspace is held.
func BenchmarkWorkspaceHeap(b *testing.B) {
	srcs, lines := benchDirSources(b)
	var kept uint64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ws := NewWorkspace(DefaultConfig())
		ws.UpdateMany(srcs)
		runtime.GC()
		runtime.ReadMemStats(&after)
		kept = after.HeapAlloc - before.HeapAlloc
		if out := os.Getenv("NOTESLS_BENCH_HEAPPROFILE"); out != "" {
			f, err := os.Create(out)
			if err != nil {
				b.Fatal(err)
			}
			if err := pprof.WriteHeapProfile(f); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		runtime.KeepAlive(ws)
	}
	b.ReportMetric(float64(kept)/float64(lines), "heap-B/line")
	b.ReportMetric(float64(kept)/(1<<20), "heap-MiB")
}

// BenchmarkKeyTables builds the workspace-wide tables of the folder NOTESLS_BENCH_DIR
// (a notesgen corpus of two files or more) from its indexed files: what a workspace's
// first indexing does after the files' own.
func BenchmarkKeyTables(b *testing.B) {
	srcs, _ := benchDirSources(b)
	files := NewWorkspace(DefaultConfig()).UpdateMany(srcs).allFiles()
	for b.Loop() {
		buildKeyTables(files)
	}
}

// benchDirSources reads every *.notes file of the folder NOTESLS_BENCH_DIR, skipping
// the benchmark when it names none, and counts their lines.
func benchDirSources(b testing.TB) (srcs map[string][]byte, lines int) {
	dir := os.Getenv("NOTESLS_BENCH_DIR")
	if dir == "" {
		b.Skip("NOTESLS_BENCH_DIR names no corpus")
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.notes"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no *.notes in %s: %v", dir, err)
	}
	srcs = make(map[string][]byte, len(paths))
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		srcs[p] = src
		lines += bytes.Count(src, []byte{'\n'})
	}
	return srcs, lines
}

// benchRefsSources is benchDirSources for a corpus made with -refs: it also returns the
// path and the text of its refs.notes, skipping the benchmark when there is none.
func benchRefsSources(b testing.TB) (srcs map[string][]byte, refsPath string, refs []byte) {
	srcs, _ = benchDirSources(b)
	refsPath = filepath.Join(os.Getenv("NOTESLS_BENCH_DIR"), "refs.notes")
	refs, ok := srcs[refsPath]
	if !ok {
		b.Skip("NOTESLS_BENCH_DIR has no refs.notes")
	}
	return srcs, refsPath, refs
}

// BenchmarkNearDuplicates runs the workspace-wide near-duplicate pass over the folder
// NOTESLS_BENCH_DIR: what the first findings of any of its files wait for.
func BenchmarkNearDuplicates(b *testing.B) {
	srcs, _ := benchDirSources(b)
	s := NewWorkspace(DefaultConfig()).UpdateMany(srcs)
	for b.Loop() {
		s.computeNearDuplicates()
	}
}

// BenchmarkHoverAtReferences hovers inside every `[[reference]]` of the file refs.notes
// of the folder NOTESLS_BENCH_DIR (a notesgen corpus made with -refs), with its caches
// prepared: what notesls-bench's "hover at [[ref]]" asks, without the protocol or the
// collector's timing. It reports the slowest hover of a round beside the mean.
func BenchmarkHoverAtReferences(b *testing.B) {
	srcs, refsPath, src := benchRefsSources(b)
	var offsets []int
	for at := 0; ; {
		i := bytes.Index(src[at:], []byte("[["))
		if i < 0 {
			break
		}
		offsets = append(offsets, at+i+2)
		at += i + 2
	}
	if len(offsets) == 0 {
		b.Fatal("refs.notes holds no [[reference]]")
	}
	snap := NewWorkspace(DefaultConfig()).UpdateMany(srcs)
	snap.Prepare()
	var slowest time.Duration
	answered := 0
	for b.Loop() {
		slowest, answered = 0, 0
		for _, off := range offsets {
			start := time.Now()
			if snap.Hover(refsPath, off) != nil {
				answered++
			}
			slowest = max(slowest, time.Since(start))
		}
	}
	if answered == 0 {
		b.Fatal("no hover at a reference had an answer")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(offsets)), "ns/hover")
	b.ReportMetric(float64(slowest.Nanoseconds()), "slowest-ns")
}

// BenchmarkTypingInRefs types an entry a character at a time at the end of refs.notes of
// the folder NOTESLS_BENCH_DIR (a notesgen corpus made with -refs), as notesls-bench's
// typing scenario does, and for each keystroke computes what the server does before it
// answers: the new text (spliced from the one before, as the server's document is), the update, a completion
// at the cursor, the file's shown findings and the files the edit affected. It reports
// the time and the allocation a keystroke: the allocation sets how often the collector
// marks the whole workspace, and what each allocation pays while it does. The slowest
// completion is reported beside the mean, which hid that a few keystrokes of the entry
// (its first character, "[[") took 7-9 ms when the mean was 1.
func BenchmarkTypingInRefs(b *testing.B) {
	srcs, refsPath, src := benchRefsSources(b)
	w := NewWorkspace(DefaultConfig())
	snap := w.UpdateMany(srcs)
	snap.Prepare()
	snap.DiagnosticsUpTo(refsPath, 1000)
	snap.Affected()
	const typed = "data store -- database -- typed entry = see [[sharding]]"
	var slowest, slowestCompletion time.Duration
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		text := analysis.NewText(src)
		for i := range len(typed) {
			start := time.Now()
			n := text.Len()
			text, _ = text.Splice(n, n, typed[i:i+1])
			snap, _ := w.UpdateText(refsPath, text, Unchanged{Head: n})
			asked := time.Now()
			snap.CompleteWithin(refsPath, text.Len(), false, 50*time.Millisecond)
			slowestCompletion = max(slowestCompletion, time.Since(asked))
			snap.DiagnosticsUpTo(refsPath, 1000)
			snap.Affected()
			slowest = max(slowest, time.Since(start))
		}
		w.Update(refsPath, src)
	}
	runtime.ReadMemStats(&after)
	keys := float64(b.N * len(typed))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/keys, "ns/key")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/keys, "B/key")
	b.ReportMetric(float64(slowest.Nanoseconds()), "slowest-ns")
	b.ReportMetric(float64(slowestCompletion.Nanoseconds()), "slowest-completion-ns")
}
