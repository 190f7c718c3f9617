package server

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/notesls/notesls/analysis"
	"github.com/notesls/notesls/index"
	"go.lsp.dev/protocol"
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
		// A panic on a worker goroutine of the index (parsing, indexing, the workspace-wide
		// passes run on their own), raised again where the request waits for it.
		"notesls/test/panicInWorker": {kind: kindConcurrent, raw: func(context.Context, json.RawMessage) (any, error) {
			var g analysis.Group
			g.Go(func() { panic("test hook panic on a worker goroutine") })
			g.Wait()
			return "not raised", nil
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
		"notesls/test/text": {kind: kindConcurrent, raw: typed(s.testText)},
	}
}

// testTextParams names the document whose text notesls/test/text returns.
type testTextParams struct {
	URI protocol.DocumentURI `json:"uri"`
}

// testTextResult is a document's text twice: as the document store holds it (what the
// next change applies to) and as the index holds it (what every feature answers from),
// each with its version. Open is false when the document is not open.
type testTextResult struct {
	Open           bool   `json:"open"`
	Text           string `json:"text"`
	Version        int32  `json:"version"`
	Indexed        string `json:"indexed"`
	IndexedVersion int32  `json:"indexedVersion"`
	// Findings are the index's findings of the indexed text, as findingLine renders
	// them: what the next publication will carry, without waiting for it.
	Findings []string `json:"findings"`
}

// findingLine renders a finding with its byte span, for comparisons.
func findingLine(d index.Diagnostic) string {
	return fmt.Sprintf("%d-%d %s %d %s", d.Span.Start, d.Span.End, d.Rule, d.Severity, d.Message)
}

// testText answers notesls/test/text, so that a differential test can compare the
// server's text with a model's after every edit; as a feature request it sees every
// change received before it.
func (s *Server) testText(ctx context.Context, p *testTextParams) (*testTextResult, error) {
	path, _, err := uriPath(p.URI)
	if err != nil {
		return nil, err
	}
	v, err := s.ws.wait(ctx, generationOf(ctx))
	if err != nil {
		return nil, err
	}
	var out testTextResult
	if d, ok := s.docs.get(path); ok {
		out.Open, out.Text, out.Version = true, string(d.mapper.Content()), d.version
	}
	if content, ok := v.snap.Content(path); ok {
		out.Indexed, out.IndexedVersion = string(content), v.versions[path]
		for _, d := range v.snap.Diagnostics(path) {
			out.Findings = append(out.Findings, findingLine(d))
		}
	}
	return &out, nil
}
