package server

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

func wireCode(err error) jsonrpc2.Code {
	var we *jsonrpc2.Error
	if errors.As(err, &we) {
		return we.Code
	}
	return 0
}

func TestNotInitialized(t *testing.T) {
	c := newClient(t, testOpts{noInit: true})
	err := c.tryCall("textDocument/hover", docPos(c.uri("a.blazes"), 0, 0), nil)
	if wireCode(err) != codeServerNotInitialized {
		t.Fatalf("hover before initialize: %v, want ServerNotInitialized", err)
	}
	var res initializeResult
	c.call("initialize", map[string]any{"processId": nil, "rootUri": fileURI(c.dir), "capabilities": map[string]any{}}, &res)
	sync := res.Capabilities.TextDocumentSync.(map[string]any)
	if sync["change"].(float64) != 2 {
		t.Errorf("sync kind %v, want incremental", sync["change"])
	}
	if !res.Capabilities.InlayHintProvider {
		t.Error("no inlayHintProvider")
	}
	if err := c.tryCall("initialize", map[string]any{"capabilities": map[string]any{}}, nil); err == nil {
		t.Error("second initialize accepted")
	}
	if err := c.tryCall("no/such/method", map[string]any{}, nil); wireCode(err) != jsonrpc2.MethodNotFound {
		t.Errorf("unknown method: %v", err)
	}
}

func TestShutdownExit(t *testing.T) {
	c := newClient(t, testOpts{})
	c.call("shutdown", nil, nil)
	if err := c.tryCall("textDocument/hover", docPos(c.uri("a.blazes"), 0, 0), nil); err == nil {
		t.Error("request after shutdown accepted")
	}
	c.notify("exit", nil)
	select {
	case code := <-c.exitCode:
		if code != 0 {
			t.Errorf("exit after shutdown: code %d, want 0", code)
		}
		c.exitCode <- code
	case <-time.After(5 * time.Second):
		t.Fatal("server did not exit")
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	c := newClient(t, testOpts{})
	c.notify("exit", nil)
	select {
	case code := <-c.exitCode:
		if code != 1 {
			t.Errorf("exit without shutdown: code %d, want 1", code)
		}
		c.exitCode <- code
	case <-time.After(5 * time.Second):
		t.Fatal("server did not exit")
	}
}

func TestStreamCloseEndsServer(t *testing.T) {
	c := newClient(t, testOpts{})
	c.conn.Close()
	select {
	case code := <-c.exitCode:
		c.exitCode <- code
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop when its input closed")
	}
}

func TestDiagnosticsAndQuickFix(t *testing.T) {
	c := newClient(t, testOpts{})
	c.open("wc.blazes", wordcountUnsealed)
	p := c.waitDiags("wc.blazes", atVersion(1))
	if !hasCode(p, "BLZ001") {
		t.Fatalf("no BLZ001: %s", mustJSON(p))
	}
	var d protocol.Diagnostic
	for _, x := range p.Diagnostics {
		if x.Code == "BLZ001" {
			d = x
		}
	}
	if d.Source != "blazes" || d.Severity != protocol.DiagnosticSeverityWarning {
		t.Errorf("source %q severity %v", d.Source, d.Severity)
	}
	if d.CodeDescription == nil || !strings.HasSuffix(string(d.CodeDescription.Href), "docs/semantics.md#blz001") {
		t.Errorf("codeDescription %+v", d.CodeDescription)
	}
	if len(d.RelatedInformation) == 0 {
		t.Errorf("no related information")
	}
	l, col := lineOf(wordcountUnsealed, "OW[word, batch]")
	if d.Range.Start.Line != uint32(l) || d.Range.Start.Character != uint32(col) {
		t.Errorf("range %+v, want start %d:%d", d.Range, l, col)
	}

	var actions []protocol.CodeAction
	c.call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": c.uri("wc.blazes")},
		"range":        d.Range,
		"context":      map[string]any{"diagnostics": []any{d}},
	}, &actions)
	var seal *protocol.CodeAction
	explain := false
	for i, a := range actions {
		if a.Kind == protocol.QuickFix && strings.Contains(a.Title, "(batch)") && seal == nil {
			seal = &actions[i]
		}
		if a.Command != nil && a.Command.Command == cmdExplain {
			explain = true
		}
	}
	if seal == nil {
		t.Fatalf("no seal(batch) quick fix in %s", mustJSON(actions))
	}
	if !explain {
		t.Errorf("no explain action in %s", mustJSON(actions))
	}
	if len(seal.Diagnostics) != 1 || seal.Diagnostics[0].Code != "BLZ001" {
		t.Errorf("fix diagnostics %+v", seal.Diagnostics)
	}
	// Apply the fix through didChange, last edit first.
	edits := seal.Edit.Changes[protocol.DocumentURI(c.uri("wc.blazes"))]
	if len(edits) == 0 {
		t.Fatalf("fix has no edits for the document: %s", mustJSON(seal))
	}
	var changes []any
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		changes = append(changes, map[string]any{"range": e.Range, "text": e.NewText})
	}
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": c.uri("wc.blazes"), "version": 2},
		"contentChanges": changes,
	})
	p = c.waitDiags("wc.blazes", atVersion(2))
	if hasCode(p, "BLZ001") || hasCode(p, "BLZ000") {
		t.Fatalf("after the fix: %v", codes(p))
	}
	// Closing clears.
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": c.uri("wc.blazes")}})
	c.waitDiags("wc.blazes", func(p publishDiagnosticsParams) bool { return p.Version == nil && len(p.Diagnostics) == 0 })
}
