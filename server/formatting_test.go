package server

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

func TestFormatting(t *testing.T) {
	c := openWC(t, testOpts{})
	// Formatting an untidy file edits it; a file with syntax errors is left alone.
	messy := "source   s\ncomponent C{ x->y:CR }\nstream s->C.x\n"
	c.open("m.blazes", messy)
	c.waitDiags("m.blazes", atVersion(1))
	var edits []protocol.TextEdit
	c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": c.uri("m.blazes")}, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}, &edits)
	if len(edits) != 1 || !strings.Contains(edits[0].NewText, "component C {") {
		t.Errorf("formatting: %s", mustJSON(edits))
	}
	c.open("bad.blazes", "component C {\n  x -> : CR\n")
	c.waitDiags("bad.blazes", atVersion(1))
	c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": c.uri("bad.blazes")}, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}, &edits)
	if len(edits) != 0 {
		t.Errorf("formatting a file with syntax errors: %s", mustJSON(edits))
	}
}
