package server

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// progressCreateTimeout bounds the wait for the client to accept a progress token. The
// work does not wait for it: only the progress messages do.
const progressCreateTimeout = 10 * time.Second

// progress reports one piece of work with $/progress. Creating its token is a round trip
// to the client, which the work does not wait for: reports made before the client
// answered are dropped, and the end is sent once it has.
type progress struct {
	s     *Server
	token json.RawMessage
	ready chan struct{} // closed once begin was sent, or the token refused
	ok    bool          // begin was sent; written before ready is closed
}

// progressParams mirrors protocol.ProgressParams with a raw token, so that a token is sent
// back exactly as the client wrote it.
type progressParams struct {
	Token json.RawMessage `json:"token"`
	Value any             `json:"value"`
}

type progressCreate struct {
	Token json.RawMessage `json:"token"`
}

// beginProgress starts a progress report when the client offers work-done progress: on
// the token of initialize when clientToken and the client gave one, else on a token the
// client accepts through window/workDoneProgress/create. It returns nil otherwise.
func (s *Server) beginProgress(ctx context.Context, title string, clientToken bool) *progress {
	if !s.client.workDoneProgress {
		return nil
	}
	p := &progress{s: s, ready: make(chan struct{})}
	begin := protocol.WorkDoneProgressBegin{Kind: protocol.WorkDoneProgressKindBegin, Title: title}
	if clientToken && s.client.workDoneToken != nil {
		p.token = s.client.workDoneToken
		p.send(begin)
		p.ok = true
		close(p.ready)
		return p
	}
	s.progressSeq++
	p.token = json.RawMessage(fmt.Sprintf(`"notesls-%d"`, s.progressSeq))
	go func() {
		defer close(p.ready)
		// VS Code answers "Unhandled method" to a create sent between the initialize
		// result and its own initialized notification: it registers the handler then.
		select {
		case <-s.initializedSeen:
		case <-ctx.Done():
			return
		}
		cctx, cancel := context.WithTimeout(ctx, progressCreateTimeout)
		defer cancel()
		if _, err := s.conn.Call(cctx, "window/workDoneProgress/create", progressCreate{Token: p.token}, nil); err != nil {
			s.log.Info("client refused a progress token", zap.Error(err))
			return
		}
		p.send(begin)
		p.ok = true
	}()
	return p
}

// report sends a report if the progress has begun.
func (p *progress) report(message string, percentage uint32) {
	select {
	case <-p.ready:
		if p.ok {
			p.send(protocol.WorkDoneProgressReport{Kind: protocol.WorkDoneProgressKindReport, Message: message, Percentage: percentage})
		}
	default:
	}
}

// end sends the end once the progress has begun; it does not wait.
func (p *progress) end(message string) {
	go func() {
		<-p.ready
		if p.ok {
			p.send(protocol.WorkDoneProgressEnd{Kind: protocol.WorkDoneProgressKindEnd, Message: message})
		}
	}()
}

func (p *progress) send(value any) {
	if err := p.s.conn.Notify(p.s.ctx, "$/progress", progressParams{Token: p.token, Value: value}); err != nil {
		p.s.log.Warn("sending progress", zap.Error(err))
	}
}

// showMessage tells the user something they must act on, such as a broken config file.
// Like every message to the client, it waits until initialize has been answered.
func (s *Server) showMessage(typ protocol.MessageType, message string) {
	go func() {
		select {
		case <-s.initReplied:
		case <-s.ctx.Done():
			return
		}
		if err := s.conn.Notify(s.ctx, "window/showMessage", protocol.ShowMessageParams{Type: typ, Message: message}); err != nil {
			s.log.Warn("showing message", zap.Error(err))
		}
	}()
}
