package server

import (
	"context"
	"runtime"
)

// backgroundLane bounds the work that no request or edit waits for (the caches built
// ahead of need, the findings of the files nobody edited) to all cores but one. Go's
// scheduler looks for a request that has arrived only when a core runs out of work, or
// every 10 ms: with the caches and the other files' findings on both cores of a 2-core
// machine, every request sat 10 to 20 ms before it was read, over the four seconds the
// caches of a million lines take. rust-analyzer likewise keeps its latency-sensitive
// tasks apart from its background workers.
//
// A file whose findings take longer than slowFileWait leaves the lane when it is handed
// off, so that a slow or hostile file holds no other file's findings back.
type backgroundLane struct {
	places chan struct{}
}

func newBackgroundLane() *backgroundLane {
	return newBackgroundLaneOf(max(1, runtime.GOMAXPROCS(0)-1))
}

func newBackgroundLaneOf(places int) *backgroundLane {
	return &backgroundLane{places: make(chan struct{}, places)}
}

// workers is how many goroutines a job in the lane may run at once: all its places but
// the one left to the other files' findings, which are computed one at a time.
func (l *backgroundLane) workers() int { return max(1, cap(l.places)-1) }

// enter waits for a place in the lane, or for ctx to end first; it reports whether it
// got the place, which leave gives back.
func (l *backgroundLane) enter(ctx context.Context) bool {
	select {
	case l.places <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (l *backgroundLane) leave() { <-l.places }
