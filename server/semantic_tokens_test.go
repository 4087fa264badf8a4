package server

import (
	"testing"

	"go.lsp.dev/protocol"
)

func TestSemanticTokens(t *testing.T) {
	c := openWC(t, testOpts{})
	var toks protocol.SemanticTokens
	c.call("textDocument/semanticTokens/full", map[string]any{"textDocument": map[string]any{"uri": c.uri("wc.blazes")}}, &toks)
	if len(toks.Data) == 0 || len(toks.Data)%5 != 0 {
		t.Fatalf("tokens: %d values", len(toks.Data))
	}
	// The file opens with comments; the first keyword is "dataflow", at
	// the start of its line.
	dl, _ := lineOf(wordcountUnsealed, "dataflow")
	line, found := 0, false
	for i := 0; i+5 <= len(toks.Data); i += 5 {
		line += int(toks.Data[i])
		if toks.Data[i+3] == 0 { // keyword
			found = line == dl && toks.Data[i+1] == 0 && toks.Data[i+2] == 8
			break
		}
	}
	if !found || toks.Data[3] != 6 { // the first token is a comment
		t.Errorf("tokens begin %v; want a comment, then dataflow at %d:0", toks.Data[:10], dl)
	}
}
