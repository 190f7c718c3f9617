package server

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The soft memory limit is fitted to the live heap after indexing, not to the text: the
// index of a workspace of many small files takes twice as much per byte as that of a few
// large ones, so a limit of sixteen times the text left the collector 60 MB of room at
// 100,000 lines in 1,000 files (it ran all the time: a third of the CPU profile) and
// 400 MB at a million lines. The limit is
//
//	live × limitPerLiveByte + limitHeadroom
//
// The proportional part covers what grows with the index after it is built: the caches
// built on it when the server is first idle (completion terms, suggestions, near
// duplicates: a third of the index) and the two versions of a file an edit holds for a
// moment. The fixed part is room for garbage, so that the collector of a small or middling
// workspace runs every hundred megabytes or more of allocation rather than every few.
// At /tmp/c1000r (100,000 lines in 1,000 files, an index of 90 MB) that is about 280 MB,
// at /tmp/m1000 (a million lines, 860 MB) about 1.4 GB: peak RSS under 300 MB and 1.5 GB.
const (
	limitPerLiveByte = 1.5
	limitHeadroom    = 144 << 20
)

// minMemoryLimit keeps a small workspace from collecting garbage needlessly often.
const minMemoryLimit = 256 << 20

// memoryLimitFor returns the limit for a live heap of live bytes after indexing.
func memoryLimitFor(live uint64) int64 {
	return max(minMemoryLimit, int64(float64(live)*limitPerLiveByte)+limitHeadroom)
}

// fitMemoryLimit sets a soft memory limit sized to the workspace just indexed, unless
// GOMEMLIMIT says otherwise. Without it Go lets the heap grow to twice the live data
// between collections, which for an editor's background process is memory taken from
// everything else. It collects garbage once to learn the live heap: one more cycle among
// the many that indexing took.
func fitMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(memoryLimitFor(liveHeap()))
}

// liveHeap collects garbage and returns the heap that is left.
func liveHeap() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	return sample[0].Value.Uint64()
}
