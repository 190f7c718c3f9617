package server

import (
	"context"
	"time"

	"go.uber.org/zap"
)

// Inlay hints ("→ file:line") and code lenses ("N references") of an open document
// depend on other files: an edit elsewhere moves the line a reference leads to, or adds
// a reference. The client asks for them again on its own only for the document it edits,
// so after a round of edits the server asks it to refresh the rest, when it may
// (workspace.inlayHint.refreshSupport, workspace.codeLens.refreshSupport).

// refreshTimeout bounds the wait for the client's answer to a refresh request.
const refreshTimeout = 5 * time.Second

// refreshPause gathers the rounds of a burst of edits into one refresh: each makes the
// client ask again for every visible lens and hint, which typing need not pay for at
// every keystroke.
const refreshPause = 300 * time.Millisecond

// refreshMethods are the refresh requests the client accepts.
func (s *Server) refreshMethods() []string {
	var out []string
	if s.client.inlayHintRefresh {
		out = append(out, "workspace/inlayHint/refresh")
	}
	if s.client.codeLensRefresh {
		out = append(out, "workspace/codeLens/refresh")
	}
	return out
}

// askRefresh notes that the open documents' hints and lenses may be stale. Requests
// made while one round of refreshes is out coalesce into one more.
func (s *Server) askRefresh() {
	select {
	case s.refreshWake <- struct{}{}:
	default:
	}
}

// runRefresh sends the refresh requests, one round per wake-up, until ctx ends.
func (s *Server) runRefresh(ctx context.Context) {
	methods := s.refreshMethods()
	if len(methods) == 0 {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.refreshWake:
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(refreshPause):
		}
		select { // the rounds during the pause are covered by this refresh
		case <-s.refreshWake:
		default:
		}
		for _, m := range methods {
			cctx, cancel := context.WithTimeout(ctx, refreshTimeout)
			if _, err := s.conn.Call(cctx, m, nil, nil); err != nil && ctx.Err() == nil {
				s.log.Debug("refresh refused", zap.String("method", m), zap.Error(err))
			}
			cancel()
		}
	}
}

// openBeyond reports whether a document other than those in edited is open.
func (s *Server) openBeyond(edited []string) bool {
	for _, p := range s.docs.paths() {
		if !contains(edited, p) {
			return true
		}
	}
	return false
}
