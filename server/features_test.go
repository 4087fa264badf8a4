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

func TestHover(t *testing.T) {
	c := openWC(t, testOpts{})
	cases := []struct {
		needle string
		want   []string
	}{
		{"Count {", []string{"**component** `Count`", "state", "Run", "Derivation"}},
		{"OW[word", []string{"**path**", "Taint", "order-sensitive write", "Run"}},
		{"counts -> db", []string{"input", "Commit.counts", "Run"}},
		{"tweets(tweet, batch)\n\ncomponent", []string{"**source** `tweets`", "Async", "deterministic contents"}},
		{"stream Splitter.words", []string{"**stream**", "Splitter.words -> Count.words"}},
		{"batch]", []string{"**attribute** `batch`", "gate"}},
	}
	for _, tc := range cases {
		var h protocol.Hover
		c.call("textDocument/hover", at(c, tc.needle, 1), &h)
		if h.Contents.Kind != protocol.Markdown {
			t.Errorf("%q: kind %q", tc.needle, h.Contents.Kind)
		}
		for _, w := range tc.want {
			if !strings.Contains(h.Contents.Value, w) {
				t.Errorf("hover at %q lacks %q:\n%s", tc.needle, w, h.Contents.Value)
			}
		}
	}
}

func TestInlayHintsAndSettings(t *testing.T) {
	c := openWC(t, testOpts{initOpts: map[string]any{"blazes": map[string]any{"inlayHints": map[string]any{"paths": false}}}})
	get := func() []inlayHint {
		var hs []inlayHint
		c.call("textDocument/inlayHint", map[string]any{"textDocument": map[string]any{"uri": c.uri("wc.blazes")}, "range": rng(0, 0, 100, 0)}, &hs)
		return hs
	}
	labels := func(hs []inlayHint) string {
		var s []string
		for _, h := range hs {
			s = append(s, h.Label)
		}
		return strings.Join(s, " ")
	}
	hs := get()
	if strings.Contains(labels(hs), "Taint") {
		t.Errorf("path hints shown although switched off: %s", labels(hs))
	}
	if !strings.Contains(labels(hs), ": Run") || !strings.Contains(labels(hs), ": Async") {
		t.Errorf("stream/interface hints missing: %s", labels(hs))
	}
	// The stream Count.counts -> Commit.counts carries Run, hinted at its end.
	l, _ := lineOf(wordcountUnsealed, "stream Count.counts")
	found := false
	for _, h := range hs {
		if h.Position.Line == uint32(l) && h.Label == ": Run" {
			found = true
		}
	}
	if !found {
		t.Errorf("no Run hint on line %d: %s", l, mustJSON(hs))
	}
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"inlayHints": map[string]any{"paths": true, "streams": false, "interfaces": false}}})
	hs = get()
	if labels(hs) != "Taint" {
		t.Errorf("only the path hint expected, got %q", labels(hs))
	}
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"blazes": map[string]any{"inlayHints": map[string]any{"enabled": false}}}})
	if hs = get(); len(hs) != 0 {
		t.Errorf("hints with enabled=false: %s", labels(hs))
	}
}

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

func TestCompletion(t *testing.T) {
	text := "source tweets(tweet, batch) seal()\n" +
		"component Splitter {\n  in tweets(tweet, batch)\n  out words(word, batch)\n  tweets -> words : \n}\n" +
		"component Count {\n  words -> counts : OW[]\n}\n" +
		"stream tweets -> Splitter.\n" +
		"stream Splitter.words -> Count.words seal()\n\n"
	c := newClient(t, testOpts{})
	c.open("c.blazes", text)
	c.waitDiags("c.blazes", atVersion(1))
	has := func(got []string, want ...string) {
		t.Helper()
		s := " " + strings.Join(got, " ") + " "
		for _, w := range want {
			if !strings.Contains(s, " "+w+" ") {
				t.Errorf("completion %v lacks %q", got, w)
			}
		}
	}
	has(complete(t, c, "c.blazes", text, "words : \n", 8), "CR", "CW", "OR", "OW")
	has(complete(t, c, "c.blazes", text, "Splitter.\n", 9), "tweets")
	has(complete(t, c, "c.blazes", text, "OW[]", 3), "word", "batch")
	has(complete(t, c, "c.blazes", text, "seal()\ncomponent", 5), "tweet", "batch")
	has(complete(t, c, "c.blazes", text, "Count.words seal()", 17), "word", "batch")
	has(complete(t, c, "c.blazes", text, "\n\n", 2), "component", "stream", "source", "sink")
	has(complete(t, c, "c.blazes", text, "stream tweets", 7), "Splitter", "Count", "tweets")
}

func TestSemanticTokensFoldingFormatting(t *testing.T) {
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
	var folds []foldingRange
	c.call("textDocument/foldingRange", map[string]any{"textDocument": map[string]any{"uri": c.uri("wc.blazes")}}, &folds)
	l, _ := lineOf(wordcountUnsealed, "component Splitter")
	found = false
	for _, f := range folds {
		if f.StartLine == uint32(l) && f.EndLine > f.StartLine {
			found = true
		}
	}
	if !found {
		t.Errorf("no fold for Splitter: %s", mustJSON(folds))
	}
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
