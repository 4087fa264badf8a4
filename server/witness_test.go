package server

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// witnessAction asks for the code actions on the word count's BLZ001 and
// returns the "Show a witness" one.
func witnessAction(t *testing.T, c *client) *protocol.CodeAction {
	t.Helper()
	l, col := lineOf(wordcountUnsealed, "OW[word, batch]")
	var actions []protocol.CodeAction
	c.call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": c.uri("wc.blazes")},
		"range":        rng(l, col, l, col+3),
		"context":      map[string]any{"diagnostics": []any{}},
	}, &actions)
	for i, a := range actions {
		if a.Command != nil && a.Command.Command == cmdWitness {
			if !strings.HasPrefix(a.Title, "Show a witness") || len(a.Diagnostics) != 1 || a.Diagnostics[0].Code != "BLZ001" {
				t.Errorf("action %s", mustJSON(a))
			}
			return &actions[i]
		}
	}
	t.Fatalf("no witness action in %s", mustJSON(actions))
	return nil
}

func runWitnessAction(t *testing.T, c *client, a *protocol.CodeAction) string {
	t.Helper()
	var md string
	c.call("workspace/executeCommand", map[string]any{"command": a.Command.Command, "arguments": a.Command.Arguments}, &md)
	for _, want := range []string{"Two runs of the same input disagree on Count.counts", "Count.counts emitted ≠", "only in run 1"} {
		if !strings.Contains(md, want) {
			t.Errorf("the witness lacks %q:\n%s", want, md)
		}
	}
	return md
}

// TestWitnessShowDocument: the action's command opens the trace as a
// generated document.
func TestWitnessShowDocument(t *testing.T) {
	c := openWC(t, testOpts{caps: map[string]any{"window": map[string]any{"showDocument": map[string]any{"support": true}}}})
	md := runWitnessAction(t, c, witnessAction(t, c))
	var p protocol.ShowDocumentParams
	if err := json.Unmarshal(c.waitMessage("window/showDocument", 1), &p); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(uriPath(string(p.URI)))
	if err != nil || string(text) != md {
		t.Errorf("the shown document (%v) holds:\n%s\nwant:\n%s", err, text, md)
	}
	if err := c.tryCall("workspace/executeCommand", map[string]any{"command": cmdWitness, "arguments": []any{c.uri("wc.blazes"), "Commit", "counts -> db"}}, nil); err == nil {
		t.Errorf("a witness for a path without a finding")
	}
}

// TestWitnessShowMessage: without window/showDocument the trace comes as
// a message.
func TestWitnessShowMessage(t *testing.T) {
	c := openWC(t, testOpts{})
	runWitnessAction(t, c, witnessAction(t, c))
	var p protocol.ShowMessageParams
	if err := json.Unmarshal(c.waitMessage("window/showMessage", 1), &p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Message, "disagree on Count.counts") {
		t.Errorf("message:\n%s", p.Message)
	}
}
