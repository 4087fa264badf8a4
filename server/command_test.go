package server

import (
	"strings"
	"testing"
)

func TestExecuteCommand(t *testing.T) {
	c := openWC(t, testOpts{})
	var md string
	l, col := lineOf(wordcountUnsealed, "Count {")
	c.call("workspace/executeCommand", map[string]any{"command": cmdExplain, "arguments": []any{c.uri("wc.blazes"), pos(l, col)}}, &md)
	if !strings.Contains(md, "Count") || !strings.Contains(md, "Run") {
		t.Errorf("explain by position: %s", md)
	}
	c.call("workspace/executeCommand", map[string]any{"command": cmdExplain, "arguments": []any{"Commit.db"}}, &md)
	if !strings.Contains(md, "Commit.db") || !strings.Contains(md, "Run") {
		t.Errorf("explain by name: %s", md)
	}
	var dot string
	c.call("workspace/executeCommand", map[string]any{"command": cmdGraph, "arguments": []any{c.uri("wc.blazes")}}, &dot)
	if !strings.Contains(dot, "digraph") || !strings.Contains(dot, "Count") {
		t.Errorf("graph: %s", dot)
	}
	if err := c.tryCall("workspace/executeCommand", map[string]any{"command": cmdExplain, "arguments": []any{"Nope"}}, nil); err == nil || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("explain of an unknown name: %v", err)
	}
	if err := c.tryCall("workspace/executeCommand", map[string]any{"command": "blazes.nope"}, nil); err == nil {
		t.Error("unknown command accepted")
	}
}
