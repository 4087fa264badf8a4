package server

import (
	"testing"

	"go.lsp.dev/protocol"
)

func TestCodeLens(t *testing.T) {
	c := openWC(t, testOpts{})
	var lenses []protocol.CodeLens
	c.call("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": c.uri("wc.blazes")}}, &lenses)
	got := map[uint32]string{}
	for _, l := range lenses {
		if l.Command == nil || l.Command.Command != cmdExplain {
			t.Errorf("lens command %+v", l.Command)
			continue
		}
		got[l.Range.Start.Line] = l.Command.Title
	}
	lc, _ := lineOf(wordcountUnsealed, "component Count")
	ls, _ := lineOf(wordcountUnsealed, "component Splitter")
	if got[uint32(lc)] != "needs coordination (1)" || got[uint32(ls)] != "coordination-free" {
		t.Errorf("lenses %v", got)
	}
}
