package server

import "testing"

// Declarations over several lines fold.
func TestFoldingRange(t *testing.T) {
	c := openWC(t, testOpts{})
	var folds []foldingRange
	c.call("textDocument/foldingRange", map[string]any{"textDocument": map[string]any{"uri": c.uri("wc.blazes")}}, &folds)
	l, _ := lineOf(wordcountUnsealed, "component Splitter")
	found := false
	for _, f := range folds {
		if f.StartLine == uint32(l) && f.EndLine > f.StartLine {
			found = true
		}
	}
	if !found {
		t.Errorf("no fold for Splitter: %s", mustJSON(folds))
	}
}
