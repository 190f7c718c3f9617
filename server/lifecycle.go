package server

import (
	"context"
	"path/filepath"
	"slices"
	"sync/atomic"

	"github.com/segmentio/encoding/json"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// lifecycleState orders the phases of a connection.
type lifecycleState int32

const (
	stateNew         lifecycleState = iota // before initialize: requests get -32002
	stateInitialized                       // serving
	stateShutdown                          // after shutdown: requests get -32600
)

type lifecycleVar struct{ v atomic.Int32 }

func (s *Server) lifecycle() lifecycleState         { return lifecycleState(s.state.v.Load()) }
func (s *Server) setLifecycle(state lifecycleState) { s.state.v.Store(int32(state)) }

// clientInfo is the part of the client's capabilities the server acts on.
type clientInfo struct {
	watchRegistration bool // workspace/didChangeWatchedFiles with dynamic registration
	configurationPull bool // workspace/configuration
	workDoneProgress  bool // window.workDoneProgress
	linkSupport       bool // textDocument.definition.linkSupport
	workDoneToken     json.RawMessage
	encoding          PositionEncoding    // how positions count characters
	hoverFormat       protocol.MarkupKind // what hovers are written in
	docFormat         protocol.MarkupKind // what completion documentation is written in
	resolveDocs       bool                // documentation may wait for completionItem/resolve
	editRangeDefault  bool                // a completion list may give its items' edit range once (LSP 3.17)
	inlayHintRefresh  bool                // workspace.inlayHint.refreshSupport
	codeLensRefresh   bool                // workspace.codeLens.refreshSupport
	resolveEdits      bool                // a code action's edit may wait for codeAction/resolve
}

// initializeParams decodes only what the server uses, so that a client sending a newer
// protocol's shapes elsewhere is not refused.
type initializeParams struct {
	RootURI               string                     `json:"rootUri"`
	RootPath              string                     `json:"rootPath"`
	WorkspaceFolders      []protocol.WorkspaceFolder `json:"workspaceFolders"`
	InitializationOptions json.RawMessage            `json:"initializationOptions"`
	WorkDoneToken         json.RawMessage            `json:"workDoneToken"`
	ClientInfo            struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"clientInfo"`
	Capabilities struct {
		General struct {
			PositionEncodings []string `json:"positionEncodings"`
		} `json:"general"`
		Workspace struct {
			DidChangeWatchedFiles struct {
				DynamicRegistration bool `json:"dynamicRegistration"`
			} `json:"didChangeWatchedFiles"`
			Configuration bool `json:"configuration"`
			InlayHint     struct {
				RefreshSupport bool `json:"refreshSupport"`
			} `json:"inlayHint"`
			CodeLens struct {
				RefreshSupport bool `json:"refreshSupport"`
			} `json:"codeLens"`
		} `json:"workspace"`
		TextDocument struct {
			Definition struct {
				LinkSupport bool `json:"linkSupport"`
			} `json:"definition"`
			Hover struct {
				ContentFormat []protocol.MarkupKind `json:"contentFormat"`
			} `json:"hover"`
			CodeAction struct {
				ResolveSupport struct {
					Properties []string `json:"properties"`
				} `json:"resolveSupport"`
			} `json:"codeAction"`
			Completion struct {
				CompletionList struct {
					ItemDefaults []string `json:"itemDefaults"`
				} `json:"completionList"`
				CompletionItem struct {
					DocumentationFormat []protocol.MarkupKind `json:"documentationFormat"`
					ResolveSupport      struct {
						Properties []string `json:"properties"`
					} `json:"resolveSupport"`
				} `json:"completionItem"`
			} `json:"completion"`
		} `json:"textDocument"`
		Window struct {
			WorkDoneProgress bool `json:"workDoneProgress"`
		} `json:"window"`
	} `json:"capabilities"`
}

// triggerCharacters start completion: "-" and " " finish the path operator " -- " (child
// topics follow it), "[" opens a reference.
var triggerCharacters = []string{"-", " ", "["}

// initializeResult is protocol.InitializeResult with what LSP 3.17 added and the library
// lacks.
type initializeResult struct {
	Capabilities serverCapabilities   `json:"capabilities"`
	ServerInfo   *protocol.ServerInfo `json:"serverInfo,omitempty"`
}

type serverCapabilities struct {
	protocol.ServerCapabilities
	PositionEncoding  PositionEncoding `json:"positionEncoding,omitempty"`
	InlayHintProvider bool             `json:"inlayHintProvider,omitempty"`
}

func (s *Server) initialize(ctx context.Context, p *initializeParams) (*initializeResult, error) {
	if s.lifecycle() != stateNew {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize sent twice")
	}
	caps := p.Capabilities
	s.client = clientInfo{
		watchRegistration: caps.Workspace.DidChangeWatchedFiles.DynamicRegistration,
		configurationPull: caps.Workspace.Configuration,
		workDoneProgress:  caps.Window.WorkDoneProgress,
		linkSupport:       caps.TextDocument.Definition.LinkSupport,
		hoverFormat:       markupFor(caps.TextDocument.Hover.ContentFormat, p.ClientInfo.Name, p.ClientInfo.Version),
		docFormat:         markupFor(caps.TextDocument.Completion.CompletionItem.DocumentationFormat, p.ClientInfo.Name, p.ClientInfo.Version),
		encoding:          chooseEncoding(caps.General.PositionEncodings),
		resolveDocs:       slices.Contains(caps.TextDocument.Completion.CompletionItem.ResolveSupport.Properties, "documentation"),
		editRangeDefault:  slices.Contains(caps.TextDocument.Completion.CompletionList.ItemDefaults, "editRange"),
		inlayHintRefresh:  caps.Workspace.InlayHint.RefreshSupport,
		codeLensRefresh:   caps.Workspace.CodeLens.RefreshSupport,
		resolveEdits:      slices.Contains(caps.TextDocument.CodeAction.ResolveSupport.Properties, "edit"),
	}
	s.mappers.setEncoding(s.client.encoding)
	if !isNull(p.WorkDoneToken) {
		s.client.workDoneToken = p.WorkDoneToken
	}

	// Workspace folders, else rootUri, else rootPath; none means open files only.
	var roots []string
	for _, f := range p.WorkspaceFolders {
		if path, onDisk, err := uriPath(protocol.DocumentURI(f.URI)); err == nil && onDisk {
			roots = append(roots, path)
		} else {
			s.log.Warn("ignoring workspace folder", zap.String("uri", f.URI), zap.Error(err))
		}
	}
	if len(roots) == 0 && p.RootURI != "" {
		if path, onDisk, err := uriPath(protocol.DocumentURI(p.RootURI)); err == nil && onDisk {
			roots = append(roots, path)
		}
	}
	if len(roots) == 0 && p.RootPath != "" {
		if abs, err := filepath.Abs(p.RootPath); err == nil {
			roots = append(roots, abs)
		}
	}
	editor, err := parseSettings(p.InitializationOptions)
	if err != nil {
		s.log.Warn("ignoring initializationOptions", zap.Error(err))
	}
	s.log.Info("initialize", zap.Strings("folders", roots), zap.Bool("watch", s.client.watchRegistration),
		zap.Bool("progress", s.client.workDoneProgress), zap.Bool("links", s.client.linkSupport),
		zap.String("hover", string(s.client.hoverFormat)), zap.String("positions", string(s.client.encoding)))
	s.setLifecycle(stateInitialized)
	s.ws.start(roots, editor)

	return &initializeResult{
		Capabilities: serverCapabilities{PositionEncoding: s.client.encoding, InlayHintProvider: true, ServerCapabilities: protocol.ServerCapabilities{
			// Incremental sync: an edit sends a few bytes, not the whole file.
			TextDocumentSync: &protocol.TextDocumentSyncOptions{
				OpenClose: true,
				Change:    protocol.TextDocumentSyncKindIncremental,
			},
			HoverProvider: true,
			CompletionProvider: &protocol.CompletionOptions{
				TriggerCharacters: triggerCharacters,
				ResolveProvider:   true,
			},
			DefinitionProvider:              true,
			ReferencesProvider:              true,
			DocumentFormattingProvider:      true,
			DocumentRangeFormattingProvider: true,
			DocumentSymbolProvider:          true,
			FoldingRangeProvider:            true,
			DocumentLinkProvider:            &protocol.DocumentLinkOptions{},
			SelectionRangeProvider:          true,
			DocumentHighlightProvider:       true,
			CodeLensProvider:                &protocol.CodeLensOptions{ResolveProvider: true},
			SemanticTokensProvider:          semanticTokensProvider(),
			RenameProvider:                  &protocol.RenameOptions{PrepareProvider: true},
			CodeActionProvider:              &protocol.CodeActionOptions{CodeActionKinds: codeActionKinds, ResolveProvider: true},
			WorkspaceSymbolProvider:         true,
			Workspace: &protocol.ServerCapabilitiesWorkspace{
				// Folders may come and go; the index follows (workspace.go).
				WorkspaceFolders: &protocol.ServerCapabilitiesWorkspaceFolders{
					Supported:           true,
					ChangeNotifications: true,
				},
			},
		}},
		ServerInfo: &protocol.ServerInfo{Name: "notesls", Version: Version()},
	}, nil
}

// initializeReplied runs once the initialize result has been written.
func (s *Server) initializeReplied() {
	if s.lifecycle() != stateNew {
		s.initRepliedOnce.Do(func() { close(s.initReplied) })
	}
}

func (s *Server) initialized(ctx context.Context, _ json.RawMessage) (any, error) {
	s.initializedSeenOnce.Do(func() {
		close(s.initializedSeen)
		go s.runRefresh(s.ctx)
	})
	if s.client.watchRegistration {
		go s.registerWatchers()
	}
	if s.client.configurationPull {
		go s.pullConfiguration()
	}
	return nil, nil
}

// shutdown accepts no params, null or {}: clients differ, and all three mean "none".
func (s *Server) shutdown(ctx context.Context, raw json.RawMessage) (any, error) {
	if !isNull(raw) {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || len(obj) != 0 {
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "shutdown takes no params")
		}
	}
	s.setLifecycle(stateShutdown)
	s.log.Info("shutdown")
	return nil, nil
}

// exit ends Serve; its result tells whether shutdown came first.
func (s *Server) exit(ctx context.Context, _ json.RawMessage) (any, error) {
	s.log.Info("exit", zap.Bool("after shutdown", s.lifecycle() == stateShutdown))
	s.exitOnce.Do(func() { close(s.exited) })
	return nil, nil
}

// ignore accepts a notification the server has nothing to do for ($/setTrace: the log
// level is the command line's; window/workDoneProgress/cancel: indexing is not
// cancellable).
func ignore(context.Context, json.RawMessage) (any, error) { return nil, nil }
