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

// TestWitnessJSON: with {"format": "json"} the command answers the
// witness as the CLI's JSON prints it, with the part of the graph where
// the two runs differ named as blazes.graph names it, and the trace; with
// "show": false nothing is shown.
func TestWitnessJSON(t *testing.T) {
	c := openWC(t, testOpts{caps: map[string]any{"window": map[string]any{"showDocument": map[string]any{"support": true}}}})
	a := witnessAction(t, c)
	args := append(append([]any{}, a.Command.Arguments...), map[string]any{"format": "json", "show": false})
	var res struct {
		Witness *struct {
			Code, Component, Path, Interface, Kind string
			Inputs                                 map[string][]map[string]int
			Runs                                   []struct {
				Schedule struct{ Seed, Replica int }
				Outputs  map[string][]map[string]int
			}
			Differing struct{ Components, Interfaces, Streams []string }
		}
		Searched int
		Markdown string
	}
	c.call("workspace/executeCommand", map[string]any{"command": cmdWitness, "arguments": args}, &res)
	w := res.Witness
	if w == nil {
		t.Fatalf("no witness: %+v", res)
	}
	if w.Code != "BLZ001" || w.Component != "Count" || w.Path != "words -> counts" || w.Interface != "Count.counts" || w.Kind != "runs" || len(w.Runs) != 2 || len(w.Inputs["tweets"]) == 0 {
		t.Errorf("witness: %+v", w)
	}
	if mustJSON(w.Runs[0].Outputs["Count.counts"]) == mustJSON(w.Runs[1].Outputs["Count.counts"]) {
		t.Errorf("the runs agree at Count.counts: %+v", w.Runs)
	}
	d := w.Differing
	if strings.Join(d.Components, "|") != "Count" || strings.Join(d.Interfaces, "|") != "Count.counts" || strings.Join(d.Streams, "|") != "Count.counts -> Commit.counts" {
		t.Errorf("differing: %+v", d)
	}
	// The streams are the ids of blazes.graph's edges.
	var dot string
	c.call("workspace/executeCommand", map[string]any{"command": cmdGraph, "arguments": []any{c.uri("wc.blazes")}}, &dot)
	for _, s := range d.Streams {
		if !strings.Contains(dot, `[id="`+s+`"`) {
			t.Errorf("no edge %q in the graph:\n%s", s, dot)
		}
	}
	for _, comp := range d.Components {
		if !strings.Contains(dot, `"`+comp+`" [id="`+comp+`"`) {
			t.Errorf("no node %q in the graph:\n%s", comp, dot)
		}
	}
	if !strings.Contains(res.Markdown, "Two runs of the same input disagree on Count.counts") || res.Searched == 0 {
		t.Errorf("result: %+v", res)
	}
	// The markdown form is unchanged, and nothing was shown.
	if md := runWitnessAction(t, c, a); md == "" {
		t.Error("no markdown")
	}
	c.waitMessage("window/showDocument", 1)
	if n := c.countMessages("window/showDocument"); n != 1 {
		t.Errorf("%d documents shown, want only the markdown call's", n)
	}
	if err := c.tryCall("workspace/executeCommand", map[string]any{"command": cmdWitness, "arguments": append(append([]any{}, a.Command.Arguments...), map[string]any{"format": "yaml"})}, nil); err == nil || !strings.Contains(err.Error(), "format") {
		t.Errorf("format yaml: %v", err)
	}
}
