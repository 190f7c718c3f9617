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
// duplicates: 40% of the index at a million lines) and the two versions of a file an
// edit holds for a moment, with some room beyond. The fixed part is room for garbage, so
// that the collector of a small or middling workspace runs every hundred megabytes or
// more of allocation rather than every few. At /tmp/c1000r (100,000 lines in 1,000
// files, 88 MiB live after indexing) that is the floor, 256 MiB; at /tmp/m1000 (a
// million lines, 854 MiB) 1,401 MiB, where 1.4 x live plus 144 MiB (1,340 MiB) left the
// collector so little room over the caches that it took half the CPU. The peak RSS sits
// at the limit plus about 10 MiB (the binary, what the runtime keeps beside its heap),
// and is meant to stay under 300 MB at 100,000 lines and 1.5 GB at a million: with
// 1.55 x live plus 144 MiB it was 289-306 MiB at 100,000 lines in one file (100 MiB
// live), and with 1.55 x live plus 120 MiB 1,452-1,454 MiB at m1000 in four runs of
// five, once the term list was built beside the requests. The term list, 63 MiB smaller
// since, gave back the room this takes from the collector.
//
// While a workspace is indexed there is no live heap to fit to yet, and without a limit
// the heap doubled between collections: a million lines peaked at 1.6 GB there, then
// held 1.3 GB. The limit meanwhile is fitted to an estimate of the index,
// indexBytesPerTextByte times the text to index on top of what is live.
const (
	limitPerLiveByte = 1.5
	limitHeadroom    = 120 << 20
	// indexBytesPerTextByte is what an index and its text take per byte of text: 8.7 at
	// 1,000 files of 100 or 1,000 lines (BenchmarkWorkspaceHeap); more for many tiny files,
	// for which the floor holds.
	indexBytesPerTextByte = 9
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
// It returns the live heap and the limit, 0 when GOMEMLIMIT is set.
func fitMemoryLimit() (live uint64, limit int64) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0, 0
	}
	live = liveHeap()
	limit = memoryLimitFor(live)
	debug.SetMemoryLimit(limit)
	return live, limit
}

// fitMemoryLimitBeforeIndexing sets the limit for indexing text bytes more, unless
// GOMEMLIMIT says otherwise: as for the live heap an estimate of the index would have,
// the live heap as of the last collection and the index of the text.
//
// Indexing keeps nearly all it allocates, so the collections Go's default pace makes
// while the heap doubles (seven of them on the way to 100 MB) free little: the collector
// is off until the limit or the end of indexing, as in `notesls --check`. It returns
// what turns it back on.
func fitMemoryLimitBeforeIndexing(text int) (indexed func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	debug.SetMemoryLimit(memoryLimitFor(lastLiveHeap() + uint64(indexBytesPerTextByte*text)))
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(-1)
	return func() { debug.SetGCPercent(percent) }
}

// lastLiveHeap returns the heap that the last collection left, without collecting.
func lastLiveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	return sample[0].Value.Uint64()
}

// liveHeap collects garbage and returns the heap that is left.
func liveHeap() uint64 {
	runtime.GC()
	return lastLiveHeap()
}
