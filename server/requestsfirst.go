package server

import (
	"context"
	"time"
)

// A publication of findings waits, for a short while, for the requests that arrived
// before it to be answered. An editor sends a completion right after each keystroke's
// didChange, and the findings of that keystroke are often ready first: written before
// the answer, a big file's 1,000 findings (300 KB) held the stream while the client read
// them, and the completion behind them waited for both. In the typing benchmark of the
// 10 MB file, 43 of the 49 completions slower than 8 ms came after the findings.
//
// requestsFirstWait bounds the wait, so that a slow request (a workspace-wide one at a
// million lines) delays findings by no more than this: a small part of the 50 ms a
// keystroke's findings have.
const requestsFirstWait = 15 * time.Millisecond

// awaitEarlierRequests returns once every request in flight when it was called is
// answered, after max, or when ctx ends. Requests that arrive while it waits are not
// waited for, so a steady stream of them cannot hold findings back.
func (s *Server) awaitEarlierRequests(ctx context.Context, max time.Duration) {
	s.awaitRequestsUpTo(ctx, s.requestsSoFar(), max)
}

// requestsSoFar numbers the last request that arrived.
func (s *Server) requestsSoFar() uint64 {
	s.inflightMu.Lock()
	defer s.inflightMu.Unlock()
	return s.requestSeq
}

// awaitRequestsUpTo returns once no request numbered upTo or before is in flight, after
// max, or when ctx ends. A request that a wait ran out on is not waited for again: the
// findings of a thousand files, published one after the other beside one slow request,
// would each wait for it.
func (s *Server) awaitRequestsUpTo(ctx context.Context, upTo uint64, max time.Duration) {
	var timeout <-chan time.Time
	for {
		s.inflightMu.Lock()
		pending := false
		for _, call := range s.inflight {
			if call.seq <= upTo && call.seq > s.requestsWaitedOut {
				pending = true
				break
			}
		}
		ended := s.requestEnded
		s.inflightMu.Unlock()
		if !pending {
			return
		}
		if timeout == nil {
			t := time.NewTimer(max)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-ended:
		case <-timeout:
			s.inflightMu.Lock()
			s.requestsWaitedOut = upTo
			s.inflightMu.Unlock()
			return
		case <-ctx.Done():
			return
		}
	}
}
