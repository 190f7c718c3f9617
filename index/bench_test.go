package index

import (
	"os"
	"testing"
)

// BenchmarkCheckFile indexes a file and computes all its diagnostics, the work of
// `notesls --check` on one file. Set NOTESLS_BENCH_FILE to a notesgen corpus to measure
// a large one; the default is the real corpus.
func BenchmarkCheckFile(b *testing.B) {
	path := os.Getenv("NOTESLS_BENCH_FILE")
	if path == "" {
		path = "../testdata/system-design.notes"
	}
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		snap := NewWorkspace(DefaultConfig()).UpdateMany(map[string][]byte{path: src})
		snap.Diagnostics(path)
	}
}
