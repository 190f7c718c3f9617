package server

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// progressCreateTimeout bounds the wait for the client to accept a progress token;
// indexing does not start before, so it is short.
const progressCreateTimeout = 2 * time.Second

// progress reports one piece of work with $/progress.
type progress struct {
	s     *Server
	token json.RawMessage
}

// progressParams mirrors protocol.ProgressParams with a raw token, so that a token is sent
// back exactly as the client wrote it.
type progressParams struct {
	Token json.RawMessage `json:"token"`
	Value any             `json:"value"`
}

// beginProgress starts a progress report when the client offers work-done progress: on
// the token of initialize when clientToken and the client gave one, else on a token the
// client accepts through window/workDoneProgress/create. It returns nil otherwise.
func (s *Server) beginProgress(ctx context.Context, title string, clientToken bool) *progress {
	if !s.client.workDoneProgress {
		return nil
	}
	var token json.RawMessage
	if clientToken && s.client.workDoneToken != nil {
		token = s.client.workDoneToken
	} else {
		// Requests to the client wait until it has the initialize result.
		select {
		case <-s.initReplied:
		case <-ctx.Done():
			return nil
		}
		s.progressSeq++
		token = json.RawMessage(fmt.Sprintf(`"notesls-%d"`, s.progressSeq))
		cctx, cancel := context.WithTimeout(ctx, progressCreateTimeout)
		defer cancel()
		if _, err := s.conn.Call(cctx, "window/workDoneProgress/create", progressCreate{Token: token}, nil); err != nil {
			s.log.Info("client refused a progress token", zap.Error(err))
			return nil
		}
	}
	p := &progress{s: s, token: token}
	p.send(protocol.WorkDoneProgressBegin{Kind: protocol.WorkDoneProgressKindBegin, Title: title})
	return p
}

type progressCreate struct {
	Token json.RawMessage `json:"token"`
}

func (p *progress) report(message string, percentage uint32) {
	p.send(protocol.WorkDoneProgressReport{Kind: protocol.WorkDoneProgressKindReport, Message: message, Percentage: percentage})
}

func (p *progress) end(message string) {
	p.send(protocol.WorkDoneProgressEnd{Kind: protocol.WorkDoneProgressKindEnd, Message: message})
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
