// Package server is the notes language server: the glue between the Language Server
// Protocol (go.lsp.dev/protocol and jsonrpc2) and the index. It is the only package that
// knows LSP types. Features live one per file (hover.go, completion.go, definition.go,
// diagnostics.go); each reads an immutable index snapshot and converts positions through
// one Mapper.
//
// go.lsp.dev v0.12.0 leaves much to the server; jsonrpc.go puts a layer in front of every
// handler (lifecycle, error codes, cancellation, panics) and stream.go replaces the framer.
package server

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// Options configure a server.
type Options struct {
	// Logger receives the server's log; nil means no logging. It must never write to the
	// protocol stream.
	Logger *zap.Logger
	// DiagnosticsDelay is how long diagnostics wait for edits to stop; 0 means
	// defaultDiagnosticsDelay.
	DiagnosticsDelay time.Duration
	// TestHooks enables the notesls/test/* requests that tests use to observe cancellation,
	// panics and internal errors. Never on in normal use.
	TestHooks bool

	// rootsUnder, when set, drops every workspace folder outside it (logged): a fuzz
	// target feeding arbitrary frames must not have the server walk "/" because a
	// mutated rootUri says so. Only this package's tests set it.
	rootsUnder string
	// othersPause and maxOthersDelay replace the constants of those names when set:
	// tests that look at what the wait does cannot wait 300 ms and 2 s on every step.
	othersPause, maxOthersDelay time.Duration
	// computing, when set, is called as a file's findings begin to be computed: a test
	// holds one file's findings back with it.
	computing func(path string)
	// lane, when set, is the background lane, for a test to hold.
	lane *backgroundLane
}

// ErrExitWithoutShutdown is returned by Serve when the client sent exit, or closed the
// connection, without a shutdown first; the process then exits with status 1.
var ErrExitWithoutShutdown = errors.New("exit without shutdown")

// Serve runs a language server on stream until the client sends exit, the stream ends, or
// ctx is done. It returns nil after an orderly shutdown and exit.
func Serve(ctx context.Context, stream jsonrpc2.Stream, opts Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conn := jsonrpc2.NewConn(stream)
	s := newServer(ctx, conn, opts)
	if st, ok := stream.(*Stream); ok {
		s.longTexts = st.long
		s.stream = st
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.ws.run(ctx) }()
	go func() { defer wg.Done(); s.diags.run(ctx) }()
	conn.Go(ctx, s.handle)

	select {
	case <-conn.Done():
		if err := conn.Err(); err != nil {
			s.log.Info("connection ended", zap.Error(err))
		}
	case <-s.exited:
	case <-ctx.Done():
	}
	cancel()
	s.cancelAll()
	_ = conn.Close()
	// The goroutines stop at their next step; a computation in the index does not look
	// at ctx, and one on a huge file must not keep the editor waiting for the exit.
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(exitGrace):
		s.log.Warn("exiting with work in progress", zap.Duration("after", exitGrace))
	}
	if s.lifecycle() >= stateShutdown {
		return nil
	}
	return ErrExitWithoutShutdown
}

// exitGrace bounds how long Serve waits, once it ends, for work in progress.
const exitGrace = 500 * time.Millisecond

// Server is one connection's state.
type Server struct {
	ctx     context.Context // lives as long as Serve
	conn    jsonrpc2.Conn
	log     *zap.Logger
	opts    Options
	methods map[string]method
	// longTexts are the document texts the Stream took out of the frame last read, nil
	// for another stream; see longtext.go.
	longTexts *longTexts
	// stream is the connection's Stream, nil for another stream: big notifications are
	// written on it directly.
	stream *Stream

	state lifecycleVar // see lifecycle.go
	// initReplied is closed once the initialize result is on its way: until then the
	// server may send nothing but progress on the client's own token.
	initReplied     chan struct{}
	initRepliedOnce sync.Once
	// initializedSeen is closed by the client's initialized notification: a client may
	// register its handlers for server requests (VS Code's window/workDoneProgress/create)
	// only once it has sent it, so requests that would be refused wait for it.
	initializedSeen     chan struct{}
	initializedSeenOnce sync.Once
	exited              chan struct{}
	exitOnce            sync.Once
	refreshWake         chan struct{} // see refresh.go

	inflightMu sync.Mutex
	inflight   map[jsonrpc2.ID]inflightCall
	// requestSeq numbers the requests tracked in inflight; requestEnded is closed, and
	// replaced, when one of them is answered; findings no longer wait for the requests
	// numbered requestsWaitedOut or before. See requestsfirst.go.
	requestSeq        uint64
	requestEnded      chan struct{}
	requestsWaitedOut uint64

	// client is what the client said it supports, written by initialize before any other
	// handler may run and read-only afterwards.
	client clientInfo

	docs    *documentStore
	ws      *workspace
	diags   *diagnostics
	lane    *backgroundLane // see background.go
	mappers *mapperCache
	tokens  lastTokens // each document's last semantic tokens, for deltas

	progressSeq int // owned by the workspace goroutine
}

func newServer(ctx context.Context, conn jsonrpc2.Conn, opts Options) *Server {
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	if opts.DiagnosticsDelay <= 0 {
		opts.DiagnosticsDelay = defaultDiagnosticsDelay
	}
	s := &Server{
		ctx:             ctx,
		conn:            conn,
		log:             log,
		opts:            opts,
		exited:          make(chan struct{}),
		initReplied:     make(chan struct{}),
		initializedSeen: make(chan struct{}),
		refreshWake:     make(chan struct{}, 1),
		inflight:        make(map[jsonrpc2.ID]inflightCall),
		requestEnded:    make(chan struct{}),
		docs:            newDocumentStore(),
		mappers:         newMapperCache(),
		lane:            cmp.Or(opts.lane, newBackgroundLane()),
	}
	s.ws = newWorkspace(s)
	s.diags = newDiagnostics(s, opts.DiagnosticsDelay)
	s.diags.othersPause, s.diags.maxOthersDelay = cmp.Or(opts.othersPause, othersPause), cmp.Or(opts.maxOthersDelay, maxOthersDelay)
	s.diags.computing = opts.computing
	s.methods = s.methodTable()
	return s
}

// methodTable lists every method the server answers, grouped as the specification groups
// them. Anything else is unknown: -32601 for a request, ignored as a notification
// (unimplemented.go names the standard methods deliberately left out).
func (s *Server) methodTable() map[string]method {
	m := map[string]method{
		// Lifecycle (lifecycle.go). initialize and shutdown change what every later message
		// may do, so they run in order with the messages around them.
		"initialize":  {kind: kindSerial, raw: typed(s.initialize), after: s.initializeReplied},
		"initialized": {kind: kindSerial, raw: s.initialized},
		"shutdown":    {kind: kindSerial, raw: s.shutdown},
		"exit":        {kind: kindSerial, raw: s.exit},
		"$/setTrace":  {kind: kindSerial, raw: ignore},

		// Document synchronization (textsync.go): in order, cheap, never waiting on the
		// index.
		"textDocument/didOpen":   serial(s.didOpen),
		"textDocument/didChange": {kind: kindSerial, raw: s.didChange},
		"textDocument/didClose":  serial(s.didClose),
		"textDocument/didSave":   serial(s.didSave),

		// Workspace (workspace.go).
		"workspace/didChangeWatchedFiles":     serial(s.didChangeWatchedFiles),
		"workspace/didChangeWorkspaceFolders": serial(s.didChangeWorkspaceFolders),
		"workspace/didChangeConfiguration":    serial(s.didChangeConfiguration),
		"window/workDoneProgress/cancel":      {kind: kindSerial, raw: ignore},

		// Language features: each on its own goroutine over the snapshot that includes
		// every change received before it, cancellable with $/cancelRequest.
		"textDocument/hover":                     concurrent(s.hover),
		"textDocument/completion":                concurrent(s.completion),
		"completionItem/resolve":                 concurrent(s.completionResolve),
		"textDocument/definition":                concurrent(s.definition),
		"textDocument/references":                concurrent(s.references),
		"textDocument/formatting":                concurrent(s.formatting),
		"textDocument/rangeFormatting":           concurrent(s.rangeFormatting),
		"textDocument/documentSymbol":            concurrent(s.documentSymbol),
		"textDocument/foldingRange":              concurrent(s.foldingRange),
		"textDocument/documentLink":              concurrent(s.documentLink),
		"textDocument/selectionRange":            concurrent(s.selectionRange),
		"textDocument/documentHighlight":         concurrent(s.documentHighlight),
		"textDocument/inlayHint":                 concurrent(s.inlayHint),
		"textDocument/prepareRename":             concurrent(s.prepareRename),
		"textDocument/rename":                    concurrent(s.rename),
		"textDocument/codeAction":                concurrent(s.codeAction),
		"codeAction/resolve":                     concurrent(s.codeActionResolve),
		"workspace/symbol":                       concurrent(s.workspaceSymbol),
		"textDocument/codeLens":                  concurrent(s.codeLens),
		"codeLens/resolve":                       concurrent(s.codeLensResolve),
		"textDocument/semanticTokens/full":       concurrent(s.semanticTokensFull),
		"textDocument/semanticTokens/full/delta": concurrent(s.semanticTokensDelta),
		"textDocument/semanticTokens/range":      concurrent(s.semanticTokensRange),
	}
	if s.opts.TestHooks {
		for name, h := range s.testHooks() {
			m[name] = h
		}
	}
	return m
}
