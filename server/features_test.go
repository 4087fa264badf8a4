package server

import (
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// openWC opens the unsealed word count and waits for its analysis.
func openWC(t *testing.T, o testOpts) *client {
	c := newClient(t, o)
	c.open("wc.blazes", wordcountUnsealed)
	c.waitDiags("wc.blazes", atVersion(1))
	return c
}

func at(c *client, needle string, delta int) map[string]any {
	l, col := lineOf(wordcountUnsealed, needle)
	return docPos(c.uri("wc.blazes"), l, col+delta)
}

func complete(t *testing.T, c *client, name, text string, needle string, delta int) []string {
	t.Helper()
	l, col := lineOf(text, needle)
	var list protocol.CompletionList
	c.call("textDocument/completion", docPos(c.uri(name), l, col+delta), &list)
	var out []string
	for _, it := range list.Items {
		out = append(out, it.Label)
	}
	return out
}

func TestSyntaxErrorDiagnostics(t *testing.T) {
	c := newClient(t, testOpts{})
	c.open("bad.blazes", "component C {\n  x -> : CR\n}\nstream -> C.x\n")
	p := c.waitDiags("bad.blazes", atVersion(1))
	n := 0
	for _, d := range p.Diagnostics {
		if d.Code == "BLZ000" {
			n++
			if d.Severity != protocol.DiagnosticSeverityError {
				t.Errorf("syntax error severity %v", d.Severity)
			}
		}
	}
	if n < 2 {
		t.Errorf("want every syntax error, got %s", mustJSON(p))
	}
}

func TestUTF16Positions(t *testing.T) {
	// A comment with astral characters before the annotation on the same
	// line: columns count UTF-16 units.
	text := strings.Replace(wordcountUnsealed, "  words -> counts : OW[word, batch]", "  /*😀é*/ words -> counts : OW[word, batch]", 1)
	c := newClient(t, testOpts{})
	c.open("u.blazes", text)
	p := c.waitDiags("u.blazes", atVersion(1))
	for _, d := range p.Diagnostics {
		if d.Code == "BLZ001" {
			// "  /*" 4 + 😀 2 + é 1 + "*/ words -> counts : " 21 = 28
			if d.Range.Start.Character != 28 {
				t.Errorf("UTF-16 column %d, want 28", d.Range.Start.Character)
			}
			return
		}
	}
	t.Fatalf("no BLZ001: %s", mustJSON(p))
}

func TestEditInsertAtStartVsReplace(t *testing.T) {
	c := newClient(t, testOpts{})
	c.open("e.blazes", "source s\n")
	c.waitDiags("e.blazes", atVersion(1))
	// An insertion at 0:0 keeps the text after it.
	c.change("e.blazes", []int{0, 0, 0, 0}, "sink k\n")
	c.change("e.blazes", nil, "source s\nsink k\nstream s -> k\n")
	p := c.waitDiags("e.blazes", atVersion(3))
	if len(p.Diagnostics) != 0 {
		t.Errorf("after full replacement: %s", mustJSON(p))
	}
	var syms []protocol.DocumentSymbol
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": c.uri("e.blazes")}}, &syms)
	if len(syms) != 3 {
		t.Errorf("symbols after edits: %s", mustJSON(syms))
	}
	_ = json.Valid
}
