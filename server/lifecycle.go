package server

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/blazes-dev/blazes/grammar"
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
		plainHover:          prefersPlainText(c.TextDocument.Hover.ContentFormat),
		showDocument:        c.Window.ShowDocument.Support,
	}
	s.initialized = true
	s.mu.Unlock()
	s.ws.mu.Lock()
	s.ws.folders = folders
	s.ws.mu.Unlock()
	s.log.Info("initialize", zap.Strings("folders", folders), zap.Any("settings", s.currentSettings()))
	if len(folders) > 0 {
		s.ws.scan(folders)
	}

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
		ExecuteCommandProvider: &protocol.ExecuteCommandOptions{Commands: []string{cmdExplain, cmdGraph, cmdWitness}},
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
	w := s.ws
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.files[path]
	var oldImports []string
	if old != nil {
		oldImports = old.imports
	}
	f := w.setTextLocked(path, []byte(p.TextDocument.Text), true, p.TextDocument.Version)
	f.quiet = false
	if old == nil || !equalStrings(oldImports, f.imports) {
		w.recomputeRootsLocked()
	}
	w.changedLocked([]string{path}, true)
	return nil, nil
}

func (s *Server) didChange(ctx context.Context, raw json.RawMessage) (any, error) {
	p, path, err := decodeDoc[didChangeParams](raw)
	if err != nil {
		return nil, err
	}
	w := s.ws
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.files[path]
	if f == nil || !f.open {
		return nil, invalidParams("didChange for %s, which is not open", path)
	}
	if p.TextDocument.Version != 0 && p.TextDocument.Version < f.version {
		s.log.Warn("out-of-order didChange ignored", zap.String("path", path), zap.Int32("version", p.TextDocument.Version), zap.Int32("have", f.version))
		return nil, nil
	}
	text, lines := f.text, f.edited
	for _, c := range p.ContentChanges {
		text, lines = applyChange(text, lines, c)
	}
	oldImports := f.imports
	f = w.setTextLocked(path, text, true, p.TextDocument.Version)
	f.edited, f.lines = lines, lines
	if !equalStrings(oldImports, f.imports) {
		w.recomputeRootsLocked()
	}
	w.changedLocked([]string{path}, true)
	return nil, nil
}

// applyChange applies one content change (UTF-16 range, or the whole text)
// to text. lines, when not nil, is the line table of text and says that
// text is valid UTF-8: the change then costs the splice, with no scan of
// the whole text. The result's table is returned the same way (nil when
// the result had to be repaired or is a whole new text).
func applyChange(text []byte, lines *grammar.LineTable, c contentChange) ([]byte, *grammar.LineTable) {
	if c.Range == nil {
		return validUTF8([]byte(c.Text)), nil
	}
	known := lines != nil
	if !known {
		lines = grammar.NewLineTable(text)
	}
	start, _ := lines.Offset(grammar.LSPPosition{Line: int(c.Range.Start.Line), Character: int(c.Range.Start.Character)})
	end, _ := lines.Offset(grammar.LSPPosition{Line: int(c.Range.End.Line), Character: int(c.Range.End.Character)})
	if end < start {
		start, end = end, start
	}
	out := make([]byte, 0, len(text)-int(end-start)+len(c.Text))
	out = append(out, text[:start]...)
	out = append(out, c.Text...)
	out = append(out, text[end:]...)
	// Offsets fall between characters, so valid text with valid text
	// inserted is valid.
	if known && utf8.ValidString(c.Text) || !known && utf8.Valid(out) {
		return out, lines.Edited(out, int(start), int(end), int(start)+len(c.Text))
	}
	return validUTF8(out), nil
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
	w := s.ws
	w.mu.Lock()
	f := w.files[path]
	if f == nil {
		w.mu.Unlock()
		return nil, nil
	}
	disk, rerr := os.ReadFile(path)
	inWorkspace := false
	for _, d := range w.folders {
		if within(d, path) {
			inWorkspace = true
		}
	}
	oldImports := f.imports
	if rerr != nil || !inWorkspace {
		// Not a workspace file on disk: forget it.
		delete(w.files, path)
		w.recomputeRootsLocked()
		w.changedLocked(oldImports, false)
	} else {
		same := string(disk) == string(f.text)
		if same {
			f.open = false
			f.version = 0
		} else {
			f = w.setTextLocked(path, disk, false, 0)
			if !equalStrings(oldImports, f.imports) {
				w.recomputeRootsLocked()
			}
			w.changedLocked([]string{path}, false)
		}
		f.quiet = true
	}
	w.mu.Unlock()
	w.clear(path)
	return nil, nil
}

func (s *Server) didSave(ctx context.Context, raw json.RawMessage) (any, error) { return nil, nil }

func (s *Server) didChangeWatchedFiles(ctx context.Context, raw json.RawMessage) (any, error) {
	var p didChangeWatchedFilesParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	w := s.ws
	w.mu.Lock()
	defer w.mu.Unlock()
	var changed []string
	regraph := false
	for _, c := range p.Changes {
		path := uriPath(c.URI)
		if path == "" || !strings.HasSuffix(path, ".blazes") {
			continue
		}
		f := w.files[path]
		if f != nil && f.open {
			continue // the editor's text wins
		}
		text, err := os.ReadFile(path)
		if c.Type == 3 || err != nil {
			if f != nil {
				changed = append(changed, path)
				changed = append(changed, f.imports...)
				delete(w.files, path)
				regraph = true
			}
			// importers of a deleted file now report a bad import
			for _, g := range w.files {
				for _, i := range g.imports {
					if i == path {
						changed = append(changed, g.path)
					}
				}
			}
			continue
		}
		if f != nil && string(f.text) == string(text) {
			continue
		}
		var old []string
		if f != nil {
			old = f.imports
		}
		f = w.setTextLocked(path, text, false, 0)
		if !equalStrings(old, f.imports) || old == nil {
			regraph = true
		}
		changed = append(changed, path)
	}
	if regraph {
		w.recomputeRootsLocked()
	}
	w.changedLocked(changed, true)
	return nil, nil
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
	s.ws.mu.Unlock()
	s.ws.scan(add)
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
