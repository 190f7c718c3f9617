package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// The layer in front of every handler. jsonrpc2 v0.10.0 runs handlers one at a time on its
// read loop, closes the connection when a handler returns an error, answers unknown
// methods with code 0 or null, and matches $/cancelRequest ids only as int32 or string,
// while JSON numbers decode as float64. This layer:
//   - enforces the lifecycle: -32002 before initialize, -32600 after shutdown;
//   - answers unknown requests -32601 (also $/ ones) and ignores unknown notifications;
//   - answers bad params -32602 and every other failure -32603, never code 0;
//   - recovers panics, logs them with their stack and answers -32603;
//   - runs language features on their own goroutines, cancellable by numeric or string
//     id, answering -32800 when cancelled;
//   - logs every message once, here, instead of in every handler;
//   - never returns an error to jsonrpc2, which would end the connection.

type methodKind uint8

const (
	// kindSerial handlers run on the read loop, in message order. They must be quick:
	// they record a change and hand slow work to the workspace or diagnostics goroutines.
	kindSerial methodKind = iota
	// kindConcurrent handlers run on their own goroutine, see the snapshot that includes
	// every change received before them, and can be cancelled.
	kindConcurrent
)

// handlerFunc decodes its own params; an error should be a *jsonrpc2.Error with a code.
type handlerFunc func(ctx context.Context, params json.RawMessage) (any, error)

type method struct {
	kind methodKind
	raw  handlerFunc
	// after, if set, runs once the reply has been written.
	after func()
}

// serial wraps a typed request or notification handler that runs on the read loop.
func serial[P, R any](f func(context.Context, *P) (R, error)) method {
	return method{kind: kindSerial, raw: typed(f)}
}

// concurrent wraps a typed request handler that runs on its own goroutine.
func concurrent[P, R any](f func(context.Context, *P) (R, error)) method {
	return method{kind: kindConcurrent, raw: typed(f)}
}

func typed[P, R any](f func(context.Context, *P) (R, error)) handlerFunc {
	return func(ctx context.Context, raw json.RawMessage) (any, error) {
		var p P
		if err := decodeParams(raw, &p); err != nil {
			return nil, err
		}
		return f(ctx, &p)
	}
}

// decodeParams decodes params into v; missing or mistyped params are -32602.
func decodeParams(raw json.RawMessage, v any) error {
	if isNull(raw) {
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, "missing params")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params: %v", err)
	}
	return nil
}

// isNull reports whether raw JSON is absent or null.
func isNull(raw []byte) bool {
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\r', '\n':
		case 'n':
			return string(trimSpace(raw)) == "null"
		default:
			return false
		}
	}
	return true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}

// handle is the jsonrpc2.Handler of the connection.
func (s *Server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	call, isCall := req.(*jsonrpc2.Call)
	name := req.Method()
	reply = s.wrapReply(reply, req, time.Now())
	defer func() {
		if r := recover(); r != nil {
			s.recovered(ctx, name, r, isCall, reply)
		}
	}()
	if !isCall {
		s.log.Debug("notification", zap.String("method", name))
	}

	if name == "$/cancelRequest" {
		s.cancelRequest(req.Params())
		return nil
	}
	m, known := s.methods[name]
	switch st := s.lifecycle(); {
	case st == stateNew && name != "initialize" && name != "exit":
		if isCall {
			_ = reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.ServerNotInitialized, "server not initialized: %s before initialize", name))
		}
		return nil
	case st >= stateShutdown && name != "exit":
		if isCall {
			_ = reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "server is shut down: %s after shutdown", name))
		}
		return nil
	}
	if !known {
		if isCall {
			_ = reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s%s", name, unimplementedNote(name)))
		}
		return nil
	}
	if m.kind == kindSerial || !isCall {
		res, err := m.raw(ctx, req.Params())
		if isCall {
			_ = reply(ctx, res, err)
		} else if err != nil {
			s.log.Warn("notification failed", zap.String("method", name), zap.Error(err))
		}
		if m.after != nil {
			m.after()
		}
		return nil
	}

	gen := s.ws.generation()
	cctx, cancel := context.WithCancel(ctx)
	id := call.ID()
	s.track(id, cancel)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				s.recovered(ctx, name, r, true, reply)
			}
		}()
		defer s.untrack(id, cancel)
		res, err := m.raw(withGeneration(cctx, gen), req.Params())
		if cctx.Err() != nil && ctx.Err() == nil {
			_ = reply(ctx, nil, jsonrpc2.Errorf(protocol.CodeRequestCancelled, "request %s cancelled", name))
			return
		}
		_ = reply(ctx, res, err)
	}()
	return nil
}

// recovered logs a panic and answers the request, if any, with -32603.
func (s *Server) recovered(ctx context.Context, name string, r any, isCall bool, reply jsonrpc2.Replier) {
	s.log.Error("panic in handler", zap.String("method", name), zap.Any("panic", r), zap.Stack("stack"))
	if isCall {
		_ = reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", name, r))
	}
}

// wrapReply makes the reply log once, answer at most once, carry a non-zero error code,
// and never fail the connection.
func (s *Server) wrapReply(reply jsonrpc2.Replier, req jsonrpc2.Request, start time.Time) jsonrpc2.Replier {
	call, isCall := req.(*jsonrpc2.Call)
	if !isCall {
		return func(context.Context, any, error) error { return nil }
	}
	var once sync.Once
	return func(ctx context.Context, result any, err error) error {
		var werr error
		once.Do(func() {
			var rpcErr *jsonrpc2.Error
			if err != nil {
				rpcErr = toRPCError(err)
				result = nil
			}
			fields := []zap.Field{zap.String("method", req.Method()), zap.Stringer("id", idString{call.ID()}),
				zap.Duration("took", time.Since(start))}
			if rpcErr != nil {
				s.log.Info("request failed", append(fields, zap.Int32("code", int32(rpcErr.Code)), zap.String("error", rpcErr.Message))...)
				werr = reply(ctx, nil, rpcErr)
			} else {
				s.log.Debug("request", fields...)
				werr = reply(ctx, result, nil)
			}
			if werr != nil {
				s.log.Warn("writing reply", zap.String("method", req.Method()), zap.Error(werr))
			}
		})
		return nil
	}
}

type idString struct{ id jsonrpc2.ID }

func (i idString) String() string { return fmt.Sprintf("%v", i.id) }

// toRPCError gives every error a JSON-RPC code: its own when it has one, -32800 for a
// cancellation, -32603 otherwise.
func toRPCError(err error) *jsonrpc2.Error {
	var e *jsonrpc2.Error
	if errors.As(err, &e) {
		if e.Code == 0 {
			return &jsonrpc2.Error{Code: jsonrpc2.InternalError, Message: e.Message, Data: e.Data}
		}
		return e
	}
	if errors.Is(err, context.Canceled) {
		return jsonrpc2.NewError(protocol.CodeRequestCancelled, err.Error())
	}
	return jsonrpc2.NewError(jsonrpc2.InternalError, err.Error())
}

// An inflightCall is a request being answered on its own goroutine.
type inflightCall struct {
	cancel context.CancelFunc
	seq    uint64 // in the order the requests arrived
}

func (s *Server) track(id jsonrpc2.ID, cancel context.CancelFunc) {
	s.inflightMu.Lock()
	s.requestSeq++
	s.inflight[id] = inflightCall{cancel: cancel, seq: s.requestSeq}
	s.inflightMu.Unlock()
}

// untrack runs once the request is answered.
func (s *Server) untrack(id jsonrpc2.ID, cancel context.CancelFunc) {
	s.inflightMu.Lock()
	delete(s.inflight, id)
	close(s.requestEnded)
	s.requestEnded = make(chan struct{})
	s.inflightMu.Unlock()
	cancel()
}

func (s *Server) cancelAll() {
	s.inflightMu.Lock()
	defer s.inflightMu.Unlock()
	for _, call := range s.inflight {
		call.cancel()
	}
}

// cancelRequest handles $/cancelRequest: the id may be a JSON number (any integral value
// in int32 range, however written) or a string.
func (s *Server) cancelRequest(raw json.RawMessage) {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(raw, &p); err != nil || isNull(p.ID) {
		s.log.Warn("ignoring $/cancelRequest with bad params", zap.ByteString("params", raw))
		return
	}
	id, ok := parseID(p.ID)
	if !ok {
		s.log.Warn("ignoring $/cancelRequest with bad id", zap.ByteString("id", p.ID))
		return
	}
	s.inflightMu.Lock()
	call, found := s.inflight[id]
	s.inflightMu.Unlock()
	s.log.Debug("cancel", zap.ByteString("id", p.ID), zap.Bool("in flight", found))
	if found {
		call.cancel()
	}
}

// parseID reads a request id as jsonrpc2 stores it.
func parseID(raw json.RawMessage) (jsonrpc2.ID, bool) {
	raw = trimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return jsonrpc2.ID{}, false
		}
		return jsonrpc2.NewStringID(s), true
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return jsonrpc2.ID{}, false
	}
	return jsonrpc2.NewNumberID(int32(f)), true
}

type generationKey struct{}

// withGeneration records in ctx which workspace generation a request must see.
func withGeneration(ctx context.Context, gen uint64) context.Context {
	return context.WithValue(ctx, generationKey{}, gen)
}

func generationOf(ctx context.Context) uint64 {
	g, _ := ctx.Value(generationKey{}).(uint64)
	return g
}
