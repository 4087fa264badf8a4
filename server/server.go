// Package server is the Blazes language server: the LSP glue around the
// grammar and analysis packages. It speaks JSON-RPC through
// go.lsp.dev/jsonrpc2 with its own small dispatcher (protocol v0.12.0's
// dispatcher predates LSP 3.17 and loses didChange ranges), uses
// go.lsp.dev/protocol's types for params and results, and keeps an
// immutable analysed snapshot per version of each root, whose program is
// the one run that made its diagnostics (analysis.Result.Program).
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// Error codes of the LSP beyond JSON-RPC's.
const (
	codeServerNotInitialized jsonrpc2.Code = -32002
	codeRequestCancelled     jsonrpc2.Code = -32800
	codeContentModified      jsonrpc2.Code = -32801
	codeInvalidRequest       jsonrpc2.Code = -32600
)

// Config configures a Server.
type Config struct {
	Engine Engine
	Logger *zap.Logger
	// Version is reported in serverInfo.
	Version string
	// MaxWorkspaceFiles, MaxScanDepth and MaxScanEntries bound the
	// workspace scan: the files it reads, how many folders deep it goes
	// below a workspace folder, and the directory entries it looks at.
	MaxWorkspaceFiles, MaxScanDepth, MaxScanEntries int
	// RequestWait bounds how long a request waits for the analysis of the
	// document version it was sent for before it reads the newest
	// finished snapshot instead.
	RequestWait time.Duration
}

// Server is one language server session.
type Server struct {
	cfg    Config
	log    *zap.Logger
	conn   jsonrpc2.Conn
	frames *frameStream // the connection's stream, for publications (writeReserved)
	ws     *workspace

	mu          sync.Mutex
	initialized bool // initialize answered
	shutdown    bool // shutdown received
	exited      chan int
	exitOnce    sync.Once
	settings    Settings
	caps        clientCaps
	inflight    map[string]context.CancelFunc // request id (JSON) -> cancel
	runCtx      context.Context               // the session's, cancelled when Run returns
	explainDir  string                        // generated explanations (window/showDocument)
}

type clientCaps struct {
	watchRegistration   bool
	inlayRefresh        bool
	codeLensRefresh     bool
	hierarchicalSymbols bool
	workDoneProgress    bool
	plainHover          bool // hovers as plain text (textDocument.hover.contentFormat)
	showDocument        bool // window/showDocument (window.showDocument.support)
}

// New returns a server; call Run to serve a connection.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.MaxWorkspaceFiles == 0 {
		cfg.MaxWorkspaceFiles = 5000
	}
	if cfg.MaxScanDepth == 0 {
		cfg.MaxScanDepth = 16
	}
	if cfg.MaxScanEntries == 0 {
		cfg.MaxScanEntries = 200_000
	}
	if cfg.RequestWait == 0 {
		cfg.RequestWait = 5 * time.Second
	}
	if cfg.Engine.Update == nil {
		cfg.Engine = DefaultEngine()
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		exited:   make(chan int, 1),
		settings: DefaultSettings(),
		inflight: map[string]context.CancelFunc{},
	}
	s.ws = newWorkspace(s, cfg.Engine, cfg.RequestWait)
	return s
}

// Run serves LSP over rwc (Content-Length framed JSON-RPC) until the
// client sends exit or closes the stream. It returns the process exit
// code: 0 after shutdown, 1 otherwise.
func (s *Server) Run(ctx context.Context, rwc io.ReadWriteCloser) int {
	s.frames = newFrameStream(newQueued(rwc), s.log)
	s.conn = jsonrpc2.NewConn(s.frames)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	s.runCtx = ctx // requests to the client end with the session
	s.mu.Unlock()
	// The handler never returns an error: jsonrpc2 v0.10.0 stores the
	// errors that end a connection in an atomic.Value, and a second error
	// of another type (a failed reply, then the closed stream) panics.
	s.conn.Go(ctx, func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		if err := s.handle(ctx, reply, req); err != nil {
			s.log.Debug("reply failed", zap.String("method", req.Method()), zap.Error(err))
		}
		return nil
	})
	code := 1
	select {
	case code = <-s.exited:
	case <-s.conn.Done():
		s.mu.Lock()
		if s.shutdown {
			code = 0
		}
		s.mu.Unlock()
	case <-ctx.Done():
	}
	s.ws.close()
	s.removeExplanations()
	_ = s.conn.Close()
	if err := s.conn.Err(); err != nil && !errors.Is(err, io.EOF) {
		s.log.Debug("connection ended", zap.Error(err))
	}
	return code
}

// handler is a method implementation. Requests return a result or an
// error; notifications return only an error, which is logged.
type handler func(ctx context.Context, params json.RawMessage) (any, error)

type method struct {
	h handler
	// sync handlers run on the message loop, in order (text sync,
	// lifecycle); the others run in their own goroutine.
	sync bool
}

func (s *Server) methods() map[string]method {
	return map[string]method{
		"initialize":                          {s.initialize, true},
		"initialized":                         {s.initializedNote, true},
		"shutdown":                            {s.shutdownReq, true},
		"textDocument/didOpen":                {s.didOpen, true},
		"textDocument/didChange":              {s.didChange, true},
		"textDocument/didClose":               {s.didClose, true},
		"textDocument/didSave":                {s.didSave, true},
		"workspace/didChangeWatchedFiles":     {s.didChangeWatchedFiles, true},
		"workspace/didChangeConfiguration":    {s.didChangeConfiguration, true},
		"workspace/didChangeWorkspaceFolders": {s.didChangeWorkspaceFolders, true},
		"textDocument/hover":                  {s.hover, false},
		"textDocument/codeAction":             {s.codeAction, false},
		"textDocument/inlayHint":              {s.inlayHint, false},
		"textDocument/codeLens":               {s.codeLens, false},
		"textDocument/definition":             {s.definition, false},
		"textDocument/references":             {s.references, false},
		"textDocument/prepareRename":          {s.prepareRename, false},
		"textDocument/rename":                 {s.rename, false},
		"textDocument/documentSymbol":         {s.documentSymbol, false},
		"workspace/symbol":                    {s.workspaceSymbol, false},
		"textDocument/completion":             {s.completion, false},
		"textDocument/semanticTokens/full":    {s.semanticTokens, false},
		"textDocument/foldingRange":           {s.foldingRange, false},
		"textDocument/formatting":             {s.formatting, false},
		"workspace/executeCommand":            {s.executeCommand, false},
	}
}

func (s *Server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	name := req.Method()
	call, isCall := req.(*jsonrpc2.Call)
	switch name {
	case "exit":
		s.mu.Lock()
		code := 1
		if s.shutdown {
			code = 0
		}
		s.mu.Unlock()
		s.log.Info("exit", zap.Int("code", code))
		s.exitOnce.Do(func() { s.exited <- code })
		return nil
	case "$/cancelRequest":
		var p cancelParams
		if json.Unmarshal(req.Params(), &p) == nil {
			s.mu.Lock()
			if c := s.inflight[string(p.ID)]; c != nil {
				c()
			}
			s.mu.Unlock()
		}
		return nil
	}
	m, known := s.methods()[name]
	s.mu.Lock()
	initialized, shutdown := s.initialized, s.shutdown
	s.mu.Unlock()
	switch {
	case !known:
		if !isCall { // unknown notifications ($/setTrace, ...) are ignored
			return nil
		}
		return reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not supported: %s", name))
	case name == "initialize" && initialized:
		return reply(ctx, nil, jsonrpc2.Errorf(codeInvalidRequest, "initialize was already received"))
	case name != "initialize" && !initialized:
		if !isCall {
			return nil
		}
		return reply(ctx, nil, jsonrpc2.Errorf(codeServerNotInitialized, "the server is not initialized: send initialize first"))
	case shutdown && name != "shutdown":
		if !isCall {
			return nil
		}
		return reply(ctx, nil, jsonrpc2.Errorf(codeInvalidRequest, "the server is shutting down"))
	}
	if m.sync {
		res, err := s.invoke(ctx, name, m.h, req.Params())
		if isCall {
			return reply(ctx, res, err)
		}
		if err != nil {
			s.log.Warn("notification failed", zap.String("method", name), zap.Error(err))
		}
		return nil
	}
	rctx, cancel := context.WithCancel(ctx)
	key := ""
	if isCall {
		id := call.ID()
		b, _ := (&id).MarshalJSON()
		key = string(b)
		s.mu.Lock()
		s.inflight[key] = cancel
		s.mu.Unlock()
	}
	go func() {
		defer cancel()
		res, err := s.invoke(rctx, name, m.h, req.Params())
		if isCall {
			s.mu.Lock()
			delete(s.inflight, key)
			s.mu.Unlock()
			if rctx.Err() != nil && ctx.Err() == nil {
				res, err = nil, jsonrpc2.NewError(codeRequestCancelled, "request cancelled")
			}
			if rerr := reply(ctx, res, err); rerr != nil {
				s.log.Debug("reply failed", zap.String("method", name), zap.Error(rerr))
			}
		} else if err != nil {
			s.log.Warn("notification failed", zap.String("method", name), zap.Error(err))
		}
	}()
	return nil
}

// invoke runs a handler, turning a panic into an error answer.
func (s *Server) invoke(ctx context.Context, name string, h handler, params json.RawMessage) (res any, err error) {
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in handler", zap.String("method", name), zap.Any("panic", r), zap.String("stack", string(debug.Stack())))
			res, err = nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", name, r)
		}
		s.log.Debug("handled", zap.String("method", name), zap.Duration("took", time.Since(start)), zap.Error(err))
	}()
	res, err = h(ctx, params)
	if err != nil {
		var werr *jsonrpc2.Error
		if !errors.As(err, &werr) {
			err = jsonrpc2.NewError(jsonrpc2.InternalError, err.Error())
		}
	}
	return res, err
}

// decode unmarshals params, answering InvalidParams on failure.
func decode(params json.RawMessage, v any) error {
	if len(params) == 0 {
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, "missing params")
	}
	if err := json.Unmarshal(params, v); err != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params: %v", err)
	}
	return nil
}

func invalidParams(format string, args ...any) error {
	return jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf(format, args...))
}

// notify sends a notification to the client, logging failures.
func (s *Server) notify(method string, params any) {
	if err := s.conn.Notify(context.Background(), method, params); err != nil {
		s.log.Debug("notify failed", zap.String("method", method), zap.Error(err))
	}
}

// callClient sends a request to the client without blocking the caller.
func (s *Server) callClient(method string, params any) {
	s.mu.Lock()
	parent := s.runCtx
	s.mu.Unlock()
	if parent == nil {
		parent = context.Background()
	}
	go func() {
		ctx, cancel := context.WithTimeout(parent, 30*time.Second)
		defer cancel()
		var res json.RawMessage
		if _, err := s.conn.Call(ctx, method, params, &res); err != nil {
			s.log.Debug("client request failed", zap.String("method", method), zap.Error(err))
		}
	}()
}

func (s *Server) currentSettings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings
}
