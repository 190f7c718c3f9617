package server

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/notesls/notesls/index"
)

func TestMemoryLimitFor(t *testing.T) {
	if got := memoryLimitFor(0); got != minMemoryLimit {
		t.Errorf("empty heap: limit %d, want the floor %d", got, minMemoryLimit)
	}
	prev := int64(0)
	for live := uint64(0); live < 4<<30; live += 64 << 20 {
		got := memoryLimitFor(live)
		if got < prev || got < int64(live)+limitHeadroom {
			t.Fatalf("live %d: limit %d (before it %d) leaves less than the headroom", live, got, prev)
		}
		prev = got
	}
	perLive := limitPerLiveByte
	if got, want := memoryLimitFor(1<<30), int64(perLive*(1<<30))+limitHeadroom; got != want {
		t.Errorf("1 GiB live: limit %d, want %d", got, want)
	}
}

func TestFitMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	w := index.NewWorkspace(index.DefaultConfig())
	small := w.UpdateMany(map[string][]byte{"a.notes": []byte("a = b\n")})
	fitMemoryLimit()
	runtime.KeepAlive(small)
	if got := debug.SetMemoryLimit(-1); got != minMemoryLimit {
		t.Errorf("small workspace: limit %d, want the floor %d", got, minMemoryLimit)
	}
	t.Setenv("GOGC", "")
	indexed := fitMemoryLimitBeforeIndexing(200 << 20)
	if got, want := debug.SetMemoryLimit(-1), memoryLimitFor(lastLiveHeap()+indexBytesPerTextByte*200<<20); got < want*9/10 || got > want*11/10 {
		t.Errorf("before indexing 200 MB: limit %d, want about %d", got, want)
	}
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("while indexing, the collector's pace is %d, want off (-1)", p)
	}
	big := w.UpdateMany(map[string][]byte{"b.notes": bytes.Repeat([]byte("term -- sub = body text\n"), 1<<20)})
	indexed()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("after indexing, the collector's pace is %d, want the default 100", p)
	}
	fitMemoryLimit()
	got := debug.SetMemoryLimit(-1)
	live := liveHeap()
	runtime.KeepAlive(big)
	// The heap changes a little between the two measures: allow a tenth either way.
	if lo, hi := memoryLimitFor(live*9/10), memoryLimitFor(live*11/10); got < lo || got > hi || got <= minMemoryLimit {
		t.Errorf("large workspace, %d bytes live: limit %d, want in [%d, %d] and above the floor", live, got, lo, hi)
	}
}
