package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
)

// Types that go.lsp.dev/protocol v0.12.0 (LSP 3.15/3.16) lacks or gets in
// a way that loses information. Everything else uses protocol's types.

// initializeParams is the subset of InitializeParams the server reads.
// Decoding only this keeps unknown or oddly typed client capabilities from
// failing the handshake.
type initializeParams struct {
	ProcessID             *int                       `json:"processId"`
	RootURI               string                     `json:"rootUri"`
	RootPath              string                     `json:"rootPath"`
	WorkspaceFolders      []protocol.WorkspaceFolder `json:"workspaceFolders"`
	InitializationOptions json.RawMessage            `json:"initializationOptions"`
	Capabilities          struct {
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
			DocumentSymbol struct {
				HierarchicalDocumentSymbolSupport bool `json:"hierarchicalDocumentSymbolSupport"`
			} `json:"documentSymbol"`
			Hover struct {
				ContentFormat []string `json:"contentFormat"`
			} `json:"hover"`
		} `json:"textDocument"`
		Window struct {
			WorkDoneProgress bool `json:"workDoneProgress"`
			ShowDocument     struct {
				Support bool `json:"support"`
			} `json:"showDocument"`
		} `json:"window"`
	} `json:"capabilities"`
}

// serverCapabilities adds the LSP 3.17 inlay hint provider.
type serverCapabilities struct {
	protocol.ServerCapabilities
	InlayHintProvider bool `json:"inlayHintProvider,omitempty"`
}

type initializeResult struct {
	Capabilities serverCapabilities   `json:"capabilities"`
	ServerInfo   *protocol.ServerInfo `json:"serverInfo,omitempty"`
}

// contentChange keeps Range a pointer: a change without a range replaces
// the whole document, one with a range at 0:0 inserts.
type contentChange struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

type didChangeParams struct {
	TextDocument struct {
		URI     string `json:"uri"`
		Version int32  `json:"version"`
	} `json:"textDocument"`
	ContentChanges []contentChange `json:"contentChanges"`
}

type didOpenParams struct {
	TextDocument struct {
		URI        string `json:"uri"`
		LanguageID string `json:"languageId"`
		Version    int32  `json:"version"`
		Text       string `json:"text"`
	} `json:"textDocument"`
}

type textDocumentParams struct {
	TextDocument struct {
		URI string `json:"uri"`
	} `json:"textDocument"`
}

type positionParams struct {
	TextDocument struct {
		URI string `json:"uri"`
	} `json:"textDocument"`
	Position protocol.Position `json:"position"`
}

// publishDiagnosticsParams carries the version as a pointer so that
// version 0 is still sent, and nothing is sent for files that are not open.
type publishDiagnosticsParams struct {
	URI         string                `json:"uri"`
	Version     *int32                `json:"version,omitempty"`
	Diagnostics []protocol.Diagnostic `json:"diagnostics"`
}

// inlayHint is LSP 3.17's InlayHint.
type inlayHint struct {
	Position     protocol.Position `json:"position"`
	Label        string            `json:"label"`
	Kind         int               `json:"kind,omitempty"` // 1 type, 2 parameter
	Tooltip      string            `json:"tooltip,omitempty"`
	PaddingLeft  bool              `json:"paddingLeft,omitempty"`
	PaddingRight bool              `json:"paddingRight,omitempty"`
}

type inlayHintParams struct {
	TextDocument struct {
		URI string `json:"uri"`
	} `json:"textDocument"`
	Range protocol.Range `json:"range"`
}

type executeCommandParams struct {
	Command   string            `json:"command"`
	Arguments []json.RawMessage `json:"arguments"`
}

type didChangeWatchedFilesParams struct {
	Changes []struct {
		URI  string `json:"uri"`
		Type int    `json:"type"`
	} `json:"changes"`
}

type cancelParams struct {
	ID json.RawMessage `json:"id"`
}

type foldingRange struct {
	StartLine uint32 `json:"startLine"`
	EndLine   uint32 `json:"endLine"`
	Kind      string `json:"kind,omitempty"`
}

// Settings are the options the server reads from initializationOptions and
// workspace/didChangeConfiguration, at the top level or under "blazes".
type Settings struct {
	InlayHints InlayHintSettings `json:"inlayHints"`
}

// InlayHintSettings switch inlay hint categories. Enabled switches all.
type InlayHintSettings struct {
	Enabled    bool `json:"enabled"`
	Streams    bool `json:"streams"`
	Interfaces bool `json:"interfaces"`
	Paths      bool `json:"paths"`
}

// DefaultSettings has every inlay hint on.
func DefaultSettings() Settings {
	return Settings{InlayHints: InlayHintSettings{Enabled: true, Streams: true, Interfaces: true, Paths: true}}
}

// mergeSettings applies a settings object (possibly nested under
// "blazes" or "settings") onto s; absent keys keep their values.
func mergeSettings(s Settings, raw json.RawMessage) Settings {
	if len(raw) == 0 || string(raw) == "null" {
		return s
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return s
	}
	if inner, ok := top["settings"]; ok {
		s = mergeSettings(s, inner)
	}
	if inner, ok := top["blazes"]; ok {
		s = mergeSettings(s, inner)
	}
	ih, ok := top["inlayHints"]
	if !ok {
		return s
	}
	var b bool
	if json.Unmarshal(ih, &b) == nil { // "inlayHints": false
		s.InlayHints.Enabled = b
		return s
	}
	var m map[string]*bool
	if json.Unmarshal(ih, &m) != nil {
		return s
	}
	set := func(k string, dst *bool) {
		if v := m[k]; v != nil {
			*dst = *v
		}
	}
	set("enabled", &s.InlayHints.Enabled)
	set("streams", &s.InlayHints.Streams)
	set("interfaces", &s.InlayHints.Interfaces)
	set("paths", &s.InlayHints.Paths)
	return s
}

// docParams are request params that name one document.
type docParams interface{ docURI() string }

func (p textDocumentParams) docURI() string { return p.TextDocument.URI }
func (p positionParams) docURI() string     { return p.TextDocument.URI }
func (p codeActionParams) docURI() string   { return p.TextDocument.URI }
func (p inlayHintParams) docURI() string    { return p.TextDocument.URI }
func (p didOpenParams) docURI() string      { return p.TextDocument.URI }
func (p didChangeParams) docURI() string    { return p.TextDocument.URI }

// decodeDoc decodes the params of a message about one document and the
// path of that document.
func decodeDoc[P docParams](raw json.RawMessage) (P, string, error) {
	var p P
	if err := decode(raw, &p); err != nil {
		return p, "", err
	}
	path, err := docPath(p.docURI())
	return p, path, err
}

// decodeView decodes the params of a request about one document and
// returns the view the request reads: the one place that turns a URI into
// a path and waits for the analysis of the version it was sent against.
func decodeView[P docParams](s *Server, ctx context.Context, raw json.RawMessage) (P, *view, error) {
	p, path, err := decodeDoc[P](raw)
	if err != nil {
		return p, nil, err
	}
	v, err := s.ws.view(ctx, path)
	return p, v, err
}
