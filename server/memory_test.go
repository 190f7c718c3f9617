package server

import (
	"bytes"
	"runtime/debug"
	"testing"

	"github.com/notesls/notesls/index"
)

func TestFitMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	w := index.NewWorkspace(index.DefaultConfig())
	small := w.UpdateMany(map[string][]byte{"a.notes": []byte("a = b\n")})
	fitMemoryLimit(small)
	if got := debug.SetMemoryLimit(-1); got != minMemoryLimit {
		t.Errorf("small workspace: limit %d, want the floor %d", got, minMemoryLimit)
	}
	big := w.UpdateMany(map[string][]byte{"b.notes": bytes.Repeat([]byte("term -- sub = body text\n"), 1<<20)})
	fitMemoryLimit(big)
	if got, want := debug.SetMemoryLimit(-1), int64(memoryPerIndexedByte*(24<<20+6)); got != want {
		t.Errorf("large workspace: limit %d, want %d", got, want)
	}
}
