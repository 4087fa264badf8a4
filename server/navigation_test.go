package server

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

func TestDefinitionReferences(t *testing.T) {
	c := openWC(t, testOpts{})
	var locs []protocol.Location
	// Count.words in a stream -> its first use in the path "words -> counts".
	l, col := lineOf(wordcountUnsealed, "Count.words")
	c.call("textDocument/definition", docPos(c.uri("wc.blazes"), l, col+7), &locs)
	wl, wc := lineOf(wordcountUnsealed, "words -> counts")
	if len(locs) != 1 || locs[0].Range.Start.Line != uint32(wl) || locs[0].Range.Start.Character != uint32(wc) {
		t.Errorf("definition of Count.words: %s", mustJSON(locs))
	}
	// Component name in a stream -> the component declaration.
	c.call("textDocument/definition", docPos(c.uri("wc.blazes"), l, col+1), &locs)
	dl, _ := lineOf(wordcountUnsealed, "component Count")
	if len(locs) != 1 || locs[0].Range.Start.Line != uint32(dl) {
		t.Errorf("definition of Count: %s", mustJSON(locs))
	}
	var refs []protocol.Location
	c.call("textDocument/references", map[string]any{"textDocument": map[string]any{"uri": c.uri("wc.blazes")}, "position": pos(l, col+1), "context": map[string]any{"includeDeclaration": true}}, &refs)
	if len(refs) != 3 { // declaration, Count.words, Count.counts
		t.Errorf("references of Count: %s", mustJSON(refs))
	}
}

func TestRename(t *testing.T) {
	c := openWC(t, testOpts{})
	l, col := lineOf(wordcountUnsealed, "component Count")
	p := docPos(c.uri("wc.blazes"), l, col+11)
	var prep map[string]any
	c.call("textDocument/prepareRename", p, &prep)
	if prep["placeholder"] != "Count" {
		t.Errorf("prepareRename: %v", prep)
	}
	if err := c.tryCall("textDocument/prepareRename", docPos(c.uri("wc.blazes"), l, col+2), nil); err == nil || !strings.Contains(err.Error(), "keyword") {
		t.Errorf("prepareRename on a keyword: %v", err)
	}
	var we protocol.WorkspaceEdit
	p["newName"] = "Counter"
	c.call("textDocument/rename", p, &we)
	if n := len(we.Changes[protocol.DocumentURI(c.uri("wc.blazes"))]); n != 3 {
		t.Errorf("rename edits %d, want 3: %s", n, mustJSON(we))
	}
	p["newName"] = "Commit"
	if err := c.tryCall("textDocument/rename", p, nil); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("rename onto an existing name: %v", err)
	}
	p["newName"] = "stream"
	if err := c.tryCall("textDocument/rename", p, nil); err == nil || !strings.Contains(err.Error(), "keyword") {
		t.Errorf("rename to a keyword: %v", err)
	}
}

func TestRenameAcrossImports(t *testing.T) {
	lib := "component Count {\n  words -> counts : CW\n}\n"
	main := "import \"lib.blazes\"\nsource s\nstream s -> Count.words\n"
	c := newClient(t, testOpts{files: map[string]string{"lib.blazes": lib, "main.blazes": main}})
	c.open("main.blazes", main)
	c.waitDiags("main.blazes", atVersion(1))
	var we protocol.WorkspaceEdit
	c.call("textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": c.uri("main.blazes")}, "position": pos(2, 13), "newName": "Counter"}, &we)
	if len(we.Changes[protocol.DocumentURI(c.uri("lib.blazes"))]) != 1 || len(we.Changes[protocol.DocumentURI(c.uri("main.blazes"))]) != 1 {
		t.Errorf("cross-file rename: %s", mustJSON(we))
	}
	var locs []protocol.Location
	c.call("textDocument/definition", docPos(c.uri("main.blazes"), 2, 13), &locs)
	if len(locs) != 1 || string(locs[0].URI) != c.uri("lib.blazes") {
		t.Errorf("definition across files: %s", mustJSON(locs))
	}
}

func TestSymbols(t *testing.T) {
	c := openWC(t, testOpts{})
	var syms []protocol.DocumentSymbol
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": c.uri("wc.blazes")}}, &syms)
	var names []string
	var count *protocol.DocumentSymbol
	for i, s := range syms {
		names = append(names, s.Name)
		if s.Name == "Count" {
			count = &syms[i]
		}
	}
	if count == nil || len(count.Children) != 1 || count.Children[0].Name != "words -> counts" {
		t.Fatalf("document symbols %v: %s", names, mustJSON(count))
	}
	var ws []protocol.SymbolInformation
	c.call("workspace/symbol", map[string]any{"query": "coun"}, &ws)
	got := map[string]bool{}
	for _, s := range ws {
		got[s.Name] = true
	}
	if !got["Count"] {
		t.Errorf("workspace symbols for coun: %s", mustJSON(ws))
	}
}
