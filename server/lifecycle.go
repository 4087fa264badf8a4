package server

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

// Commands the server executes.
const (
	cmdExplain = "blazes.explain"
	cmdGraph   = "blazes.graph"
)

func (s *Server) initialize(ctx context.Context, raw json.RawMessage) (any, error) {
	var p initializeParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	var folders []string
	for _, f := range p.WorkspaceFolders {
		if dir := uriPath(string(f.URI)); dir != "" {
			folders = append(folders, dir)
		}
	}
	if len(folders) == 0 {
		if dir := uriPath(p.RootURI); dir != "" {
			folders = append(folders, dir)
		} else if p.RootPath != "" {
			folders = append(folders, filepath.Clean(p.RootPath))
		}
	}
	s.mu.Lock()
	s.settings = mergeSettings(s.settings, p.InitializationOptions)
	c := p.Capabilities
	s.caps = clientCaps{
		watchRegistration:   c.Workspace.DidChangeWatchedFiles.DynamicRegistration,
		inlayRefresh:        c.Workspace.InlayHint.RefreshSupport,
		codeLensRefresh:     c.Workspace.CodeLens.RefreshSupport,
		hierarchicalSymbols: c.TextDocument.DocumentSymbol.HierarchicalDocumentSymbolSupport,
		workDoneProgress:    c.Window.WorkDoneProgress,
		plainHover:          prefersPlainText(c.TextDocument.Hover.ContentFormat),
		showDocument:        c.Window.ShowDocument.Support,
	}
	s.initialized = true
	s.mu.Unlock()
	s.ws.mu.Lock()
	s.ws.folders = folders
	s.ws.mu.Unlock()
	s.log.Info("initialize", zap.Strings("folders", folders), zap.Any("settings", s.currentSettings()))

	caps := protocol.ServerCapabilities{
		TextDocumentSync: protocol.TextDocumentSyncOptions{
			OpenClose: true,
			Change:    protocol.TextDocumentSyncKindIncremental,
			Save:      &protocol.SaveOptions{},
		},
		HoverProvider:              true,
		CodeActionProvider:         protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{protocol.QuickFix}},
		CodeLensProvider:           &protocol.CodeLensOptions{},
		DefinitionProvider:         true,
		ReferencesProvider:         true,
		RenameProvider:             protocol.RenameOptions{PrepareProvider: true},
		DocumentSymbolProvider:     true,
		WorkspaceSymbolProvider:    true,
		CompletionProvider:         &protocol.CompletionOptions{TriggerCharacters: []string{".", ":", "[", "(", ","}},
		FoldingRangeProvider:       true,
		DocumentFormattingProvider: s.cfg.Engine.Format != nil,
		SemanticTokensProvider: map[string]any{
			"legend": protocol.SemanticTokensLegend{TokenTypes: tokenTypes, TokenModifiers: tokenModifiers},
			"full":   true,
		},
		ExecuteCommandProvider: &protocol.ExecuteCommandOptions{Commands: []string{cmdExplain, cmdGraph, cmdImport, cmdWitness}},
		Workspace: &protocol.ServerCapabilitiesWorkspace{
			WorkspaceFolders: &protocol.ServerCapabilitiesWorkspaceFolders{Supported: true, ChangeNotifications: true},
		},
	}
	return initializeResult{
		Capabilities: serverCapabilities{ServerCapabilities: caps, InlayHintProvider: true},
		ServerInfo:   &protocol.ServerInfo{Name: "blazes", Version: s.cfg.Version},
	}, nil
}

func (s *Server) initializedNote(ctx context.Context, raw json.RawMessage) (any, error) {
	s.mu.Lock()
	watch := s.caps.watchRegistration
	s.mu.Unlock()
	s.ws.mu.Lock()
	folders := slices.Clone(s.ws.folders)
	var done chan struct{}
	if len(folders) > 0 {
		done = make(chan struct{})
		s.ws.scans = append(s.ws.scans, done)
		s.ws.scanning++
	}
	s.ws.mu.Unlock()
	if done != nil {
		s.scanWorkspace(folders, done)
	}
	if watch {
		s.callClient("client/registerCapability", protocol.RegistrationParams{Registrations: []protocol.Registration{{
			ID:     "blazes-watch",
			Method: "workspace/didChangeWatchedFiles",
			RegisterOptions: protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: []protocol.FileSystemWatcher{
				{GlobPattern: "**/*.blazes", Kind: protocol.WatchKindCreate + protocol.WatchKindChange + protocol.WatchKindDelete},
			}},
		}}})
	}
	return nil, nil
}

func (s *Server) shutdownReq(ctx context.Context, raw json.RawMessage) (any, error) {
	s.mu.Lock()
	s.shutdown = true
	s.mu.Unlock()
	s.ws.close()
	s.removeExplanations() // some clients kill the server right after exit
	s.log.Info("shutdown")
	return nil, nil
}

// refreshClient asks the client to re-request inlay hints and code lenses
// after an analysis, when it supports that.
func (s *Server) refreshClient() {
	s.mu.Lock()
	c := s.caps
	s.mu.Unlock()
	if c.inlayRefresh {
		s.callClient("workspace/inlayHint/refresh", nil)
	}
	if c.codeLensRefresh {
		s.callClient("workspace/codeLens/refresh", nil)
	}
}

// uriPath turns a file:// URI into a clean absolute path ("" otherwise).
func uriPath(u string) string {
	if !strings.HasPrefix(u, "file://") {
		return ""
	}
	p := uri.URI(u).Filename()
	if p == "" {
		return ""
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return filepath.Clean(p)
}

func fileURI(path string) string { return string(uri.File(path)) }

func docPath(u string) (string, error) {
	p := uriPath(u)
	if p == "" {
		return "", invalidParams("unsupported document URI %q: only file:// URIs are served", u)
	}
	return p, nil
}

func (s *Server) didOpen(ctx context.Context, raw json.RawMessage) (any, error) {
	p, path, err := decodeDoc[didOpenParams](raw)
	if err != nil {
		return nil, err
	}
	return s.modify(modification{path: path, action: modOpen, text: []byte(p.TextDocument.Text), version: p.TextDocument.Version})
}

func (s *Server) didChange(ctx context.Context, raw json.RawMessage) (any, error) {
	p, path, err := decodeDoc[didChangeParams](raw)
	if err != nil {
		return nil, err
	}
	return s.modify(modification{path: path, action: modChange, changes: p.ContentChanges, version: p.TextDocument.Version})
}

// modify hands modifications to the workspace and logs what it noted.
func (s *Server) modify(mods ...modification) (any, error) {
	notes, err := s.ws.didModify(mods)
	for _, n := range notes {
		if n.ignored {
			s.log.Warn("modification ignored", zap.String("path", n.path), zap.String("why", n.what))
		} else {
			s.log.Debug("modification adjusted", zap.String("path", n.path), zap.String("why", n.what))
		}
	}
	return nil, err
}

// applyChange applies one content change (UTF-16 range, or the whole text)
// to text and returns it as an exact edit: the new text, where the change
// went, and the new text's line table. lines, when not nil, is the line
// table of text and says that text is valid UTF-8: the change then costs
// the splice, with no scan of the whole text. The edit's Lines is nil when
// the result had to be repaired or is a whole new text; its Start is -1
// when invalid UTF-8 was repaired (no edit describes the result). clamped
// reports a range outside the text, which is clamped to it as editors
// expect.
func applyChange(text []byte, lines *grammar.LineTable, c contentChange) (e analysis.TextEdit, clamped bool) {
	if c.Range == nil {
		out := validUTF8([]byte(c.Text))
		return analysis.TextEdit{Old: text, New: out, Start: 0, OldEnd: len(text), NewEnd: len(out)}, false
	}
	known := lines != nil
	if !known {
		lines = grammar.NewLineTable(text)
	}
	start, ok1 := lsppos.Offset(lines, lsppos.Position{Line: int(c.Range.Start.Line), Character: int(c.Range.Start.Character)})
	end, ok2 := lsppos.Offset(lines, lsppos.Position{Line: int(c.Range.End.Line), Character: int(c.Range.End.Character)})
	if end < start {
		start, end = end, start
	}
	out := make([]byte, 0, len(text)-int(end-start)+len(c.Text))
	out = append(out, text[:start]...)
	out = append(out, c.Text...)
	out = append(out, text[end:]...)
	e = analysis.TextEdit{Old: text, New: out, Start: int(start), OldEnd: int(end), NewEnd: int(start) + len(c.Text)}
	// Offsets fall between characters, so valid text with valid text
	// inserted is valid.
	if known && utf8.ValidString(c.Text) || !known && utf8.Valid(out) {
		e.Lines = lines.Edited(out, e.Start, e.OldEnd, e.NewEnd)
		return e, !ok1 || !ok2
	}
	return analysis.TextEdit{Old: text, New: validUTF8(out), Start: -1}, !ok1 || !ok2
}

// validUTF8 replaces invalid UTF-8 by U+FFFD: offsets and UTF-16 columns
// are only defined on valid text.
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	return []byte(strings.ToValidUTF8(string(b), "\uFFFD"))
}

func (s *Server) didClose(ctx context.Context, raw json.RawMessage) (any, error) {
	_, path, err := decodeDoc[textDocumentParams](raw)
	if err != nil {
		return nil, err
	}
	disk, rerr := os.ReadFile(path)
	if rerr != nil {
		disk = nil
	}
	return s.modify(modification{path: path, action: modClose, text: disk})
}

func (s *Server) didSave(ctx context.Context, raw json.RawMessage) (any, error) { return nil, nil }

func (s *Server) didChangeWatchedFiles(ctx context.Context, raw json.RawMessage) (any, error) {
	var p didChangeWatchedFilesParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	var mods []modification
	for _, c := range p.Changes {
		path := uriPath(c.URI)
		if path == "" || !strings.HasSuffix(path, ".blazes") {
			continue
		}
		m := modification{path: path, action: modDisk}
		if c.Type != 3 { // not deleted
			if text, err := os.ReadFile(path); err == nil {
				m.text = text
			}
		}
		mods = append(mods, m)
	}
	return s.modify(mods...)
}

func (s *Server) didChangeConfiguration(ctx context.Context, raw json.RawMessage) (any, error) {
	var p struct {
		Settings json.RawMessage `json:"settings"`
	}
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.settings = mergeSettings(s.settings, p.Settings)
	st := s.settings
	s.mu.Unlock()
	s.log.Info("configuration", zap.Any("settings", st))
	s.refreshClient()
	return nil, nil
}

func (s *Server) didChangeWorkspaceFolders(ctx context.Context, raw json.RawMessage) (any, error) {
	var p struct {
		Event struct {
			Added []protocol.WorkspaceFolder `json:"added"`
		} `json:"event"`
	}
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	var add []string
	for _, f := range p.Event.Added {
		if d := uriPath(string(f.URI)); d != "" {
			add = append(add, d)
		}
	}
	s.ws.mu.Lock()
	s.ws.folders = append(s.ws.folders, add...)
	done := make(chan struct{})
	s.ws.scans = append(s.ws.scans, done)
	s.ws.scanning++
	s.ws.mu.Unlock()
	s.scanWorkspace(add, done)
	return nil, nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a2 := append([]string(nil), a...)
	b2 := append([]string(nil), b...)
	sort.Strings(a2)
	sort.Strings(b2)
	for i := range a2 {
		if a2[i] != b2[i] {
			return false
		}
	}
	return true
}
