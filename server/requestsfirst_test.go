package server

import (
	"context"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
)

// TestAwaitEarlierRequests: a publication waits for the requests in flight when it is
// ready, not for those that arrive while it waits, not past its bound, and not again for
// a request it waited out.
func TestAwaitEarlierRequests(t *testing.T) {
	s := newServer(context.Background(), nil, Options{})
	waited := func(max time.Duration) <-chan struct{} {
		done := make(chan struct{})
		upTo := s.requestsSoFar()
		go func() {
			s.awaitRequestsUpTo(context.Background(), upTo, max)
			close(done)
		}()
		return done
	}
	// A wait that should end is given seconds, so that a loaded machine does not fail
	// the test; one that should go on is watched for 20 ms.
	within := func(done <-chan struct{}, d time.Duration) bool {
		select {
		case <-done:
			return true
		case <-time.After(d):
			return false
		}
	}
	returned := func(done <-chan struct{}) bool { return within(done, 10*time.Second) }
	stillWaiting := func(done <-chan struct{}) bool { return !within(done, 20*time.Millisecond) }

	if !returned(waited(time.Hour)) {
		t.Fatal("waited with no request in flight")
	}

	_, cancel1 := context.WithCancel(context.Background())
	_, cancel2 := context.WithCancel(context.Background())
	first, second := jsonrpc2.NewNumberID(1), jsonrpc2.NewNumberID(2)
	s.track(first, cancel1)
	done := waited(time.Hour)
	s.track(second, cancel2) // arrives while the publication waits
	if !stillWaiting(done) {
		t.Fatal("did not wait for the request in flight")
	}
	s.untrack(first, cancel1)
	if !returned(done) {
		t.Fatal("waited for a request that arrived after the publication was ready")
	}

	if !returned(waited(time.Millisecond)) {
		t.Fatal("waited past the bound for a request that is not answered")
	}
	if !returned(waited(time.Hour)) {
		t.Fatal("waited again for a request that a wait ran out on")
	}
	_, cancel3 := context.WithCancel(context.Background())
	third := jsonrpc2.NewNumberID(3)
	s.track(third, cancel3)
	done = waited(time.Hour)
	if !stillWaiting(done) {
		t.Fatal("did not wait for a request that came after the one waited out")
	}
	s.untrack(third, cancel3)
	if !returned(done) {
		t.Fatal("waited after the request was answered")
	}
	s.untrack(second, cancel2)
}
