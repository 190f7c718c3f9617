package server

import (
	"os"
	"runtime/debug"

	"github.com/notesls/notesls/index"
)

// memoryPerIndexedByte is the heap the server may take per byte of indexed text before
// the garbage collector works harder: an index takes about seven times the text, and an
// edit holds the old and the new version for a moment.
const memoryPerIndexedByte = 16

// minMemoryLimit keeps a small workspace from collecting garbage needlessly often.
const minMemoryLimit = 256 << 20

// fitMemoryLimit sets a soft memory limit sized to the workspace, unless GOMEMLIMIT says
// otherwise. Without it Go lets the heap grow to twice the live data between collections,
// which for an editor's background process is memory taken from everything else.
func fitMemoryLimit(snap *index.Snapshot) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	total := 0
	for _, p := range snap.Files() {
		if c, ok := snap.Content(p); ok {
			total += len(c)
		}
	}
	debug.SetMemoryLimit(int64(max(minMemoryLimit, memoryPerIndexedByte*total)))
}
