package server

import (
	"context"
	"errors"
	"runtime"
	"time"

	"github.com/segmentio/encoding/json"
)

// testHookTimeout bounds notesls/test/block, so that a test that forgets to cancel fails
// instead of hanging.
const testHookTimeout = 10 * time.Second

// stuckFileMarker names files whose diagnostics never finish computing, with
// Options.TestHooks: a test that one file never holds the others, a request or exit.
const stuckFileMarker = "notesls-test-stuck"

// testHooks are requests that exist only with Options.TestHooks, to observe behaviour no
// real request can trigger on demand: a request still running when $/cancelRequest comes,
// a handler that panics, a handler that fails.
func (s *Server) testHooks() map[string]method {
	return map[string]method{
		"notesls/test/block": {kind: kindConcurrent, raw: func(ctx context.Context, _ json.RawMessage) (any, error) {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(testHookTimeout):
				return "not cancelled", nil
			}
		}},
		"notesls/test/panic": {kind: kindConcurrent, raw: func(context.Context, json.RawMessage) (any, error) {
			panic("test hook panic")
		}},
		"notesls/test/panicSerial": {kind: kindSerial, raw: func(context.Context, json.RawMessage) (any, error) {
			panic("test hook panic on the read loop")
		}},
		"notesls/test/fail": {kind: kindConcurrent, raw: func(context.Context, json.RawMessage) (any, error) {
			return nil, errors.New("test hook failure")
		}},
		// The live heap after a full collection: the soak test compares it before and
		// after hours of edits on the same text, to find what a session leaks.
		"notesls/test/heap": {kind: kindSerial, raw: func(context.Context, json.RawMessage) (any, error) {
			runtime.GC()
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return map[string]uint64{"heapAlloc": m.HeapAlloc, "heapObjects": m.HeapObjects}, nil
		}},
	}
}
