package index

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
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
func benchDirSources(b *testing.B) (srcs map[string][]byte, lines int) {
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

// BenchmarkNearDuplicates runs the workspace-wide near-duplicate pass over the folder
// NOTESLS_BENCH_DIR: what the first findings of any of its files wait for.
func BenchmarkNearDuplicates(b *testing.B) {
	srcs, _ := benchDirSources(b)
	s := NewWorkspace(DefaultConfig()).UpdateMany(srcs)
	for b.Loop() {
		s.computeNearDuplicates()
	}
}
