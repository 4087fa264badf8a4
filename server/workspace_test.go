package server

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

const libText = "component Count {\n  words -> counts : CW\n}\n"
const mainText = "import \"lib.blazes\"\nsource tweets(word)\nstream tweets -> Count.words\n"

func TestImportEditChangesImporter(t *testing.T) {
	c := newClient(t, testOpts{files: map[string]string{"lib.blazes": libText, "main.blazes": mainText}})
	c.open("main.blazes", mainText)
	if p := c.waitDiags("main.blazes", atVersion(1)); len(p.Diagnostics) != 0 {
		t.Fatalf("main at first: %s", mustJSON(p))
	}
	c.open("lib.blazes", libText)
	c.waitDiags("lib.blazes", atVersion(1))
	// Rename the input in the library: main's stream now names an unknown
	// interface.
	l, col := lineOf(libText, "words")
	c.change("lib.blazes", []int{l, col, l, col + 5}, "wds")
	p := c.waitDiags("main.blazes", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	if p.Version == nil || *p.Version != 1 {
		t.Errorf("importer published with version %v, want its own 1", p.Version)
	}
	if !strings.Contains(mustJSON(p), "BLZ1") {
		t.Errorf("want a semantic error in main: %s", mustJSON(p))
	}
	// And back.
	c.change("lib.blazes", []int{l, col, l, col + 3}, "words")
	c.waitDiags("main.blazes", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) == 0 })
}

func TestImportEditRepublishesClosedImporter(t *testing.T) {
	c := newClient(t, testOpts{files: map[string]string{"lib.blazes": libText, "main.blazes": mainText}})
	c.open("lib.blazes", libText)
	c.waitDiags("lib.blazes", atVersion(1))
	l, col := lineOf(libText, "words")
	c.change("lib.blazes", []int{l, col, l, col + 5}, "wds")
	p := c.waitDiags("main.blazes", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	if p.Version != nil {
		t.Errorf("a file that is not open is published without a version, got %d", *p.Version)
	}
}

func TestWatchedFiles(t *testing.T) {
	c := newClient(t, testOpts{files: map[string]string{"lib.blazes": libText, "main.blazes": mainText}})
	c.open("main.blazes", mainText)
	c.waitDiags("main.blazes", atVersion(1))
	c.mu.Lock()
	reqs := strings.Join(c.requests, " ")
	c.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(reqs, "client/registerCapability") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		c.mu.Lock()
		reqs = strings.Join(c.requests, " ")
		c.mu.Unlock()
	}
	if !strings.Contains(reqs, "client/registerCapability") {
		t.Errorf("no dynamic registration of the file watcher: %v", reqs)
	}
	if err := os.WriteFile(c.path("lib.blazes"), []byte(strings.Replace(libText, "words", "wds", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": c.uri("lib.blazes"), "type": 2}}})
	c.waitDiags("main.blazes", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	if err := os.Remove(c.path("lib.blazes")); err != nil {
		t.Fatal(err)
	}
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": c.uri("lib.blazes"), "type": 3}}})
	c.waitDiags("main.blazes", func(p publishDiagnosticsParams) bool { return hasCode(p, analysis.CodeBadImport) })
}

func TestImportOutsideWorkspaceRefused(t *testing.T) {
	c := newClient(t, testOpts{files: map[string]string{"sub/main.blazes": "import \"../../x.blazes\"\n"}})
	c.open("sub/main.blazes", "import \"../../x.blazes\"\n")
	p := c.waitDiags("sub/main.blazes", atVersion(1))
	if len(p.Diagnostics) == 0 {
		t.Fatalf("an import escaping the workspace was accepted")
	}
}

// TestRapidEdits sends many edits without waiting: the publications of
// the document never go back in version and the last one is for the
// final text.
func TestRapidEdits(t *testing.T) {
	c := newClient(t, testOpts{})
	c.open("wc.blazes", wordcountUnsealed)
	l, col := lineOf(wordcountUnsealed, "source tweets(tweet, batch)")
	end := col + len("source tweets(tweet, batch)")
	var v int32
	for i := 0; i < 40; i++ {
		if i%2 == 0 {
			v = c.change("wc.blazes", []int{l, end, l, end}, " seal(batch)")
		} else {
			v = c.change("wc.blazes", []int{l, end, l, end + len(" seal(batch)")}, "")
		}
	}
	// v is even: 40 changes after version 1 leave the source unsealed.
	p := c.waitDiags("wc.blazes", atVersion(v))
	if !hasCode(p, "BLZ001") {
		t.Errorf("final diagnostics: %v", codes(p))
	}
	time.Sleep(200 * time.Millisecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	last := int32(0)
	for _, p := range c.pubs[c.uri("wc.blazes")] {
		if p.Version == nil {
			continue
		}
		if *p.Version < last {
			t.Errorf("version %d published after %d", *p.Version, last)
		}
		last = *p.Version
	}
	if last != v {
		t.Errorf("last publication %d, want %d", last, v)
	}
}

func TestOutOfOrderChangeIgnored(t *testing.T) {
	c := newClient(t, testOpts{})
	c.open("o.blazes", "source s\n")
	c.waitDiags("o.blazes", atVersion(1))
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": c.uri("o.blazes"), "version": 5},
		"contentChanges": []any{map[string]any{"text": wordcountUnsealed}}})
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": c.uri("o.blazes"), "version": 3},
		"contentChanges": []any{map[string]any{"text": "garbage {{{"}}})
	p := c.waitDiags("o.blazes", atVersion(5))
	if !hasCode(p, "BLZ001") || hasCode(p, "BLZ000") {
		t.Errorf("after out-of-order edits: %v", codes(p))
	}
}

// gatedEngine holds the analysis of texts containing "// slow" until the
// gate is closed, so tests can order events without timing assumptions.
type gatedEngine struct {
	Engine
	started, finished atomic.Int32
	gate              chan struct{}
}

func newGatedEngine() *gatedEngine {
	g := &gatedEngine{Engine: DefaultEngine(), gate: make(chan struct{})}
	hold := func(root string, opts analysis.Options) func() {
		text, _ := opts.FS.ReadFile(root)
		if !strings.Contains(string(text), "// slow") {
			return func() {}
		}
		g.started.Add(1)
		<-g.gate
		return func() { g.finished.Add(1) }
	}
	update := g.Engine.Update
	g.Engine.Update = func(s *analysis.Session, root string, opts analysis.Options) *analysis.Result {
		defer hold(root, opts)()
		return update(s, root, opts)
	}
	return g
}

// hangGuard bounds a wait that only a bug makes endless; it is a deadlock
// detector, not a measure of speed.
const hangGuard = 30 * time.Second

func TestRequestsDoNotWaitForStaleAnalysis(t *testing.T) {
	g := newGatedEngine()
	c := newClient(t, testOpts{cfg: Config{Engine: g.Engine}})
	c.open("s.blazes", "// slow\n"+wordcountUnsealed)
	for g.started.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	// Version 2 drops the marker: its analysis is quick. The hover is
	// answered from it while version 1's analysis is still held.
	c.change("s.blazes", []int{0, 0, 1, 0}, "")
	done := make(chan protocol.Hover, 1)
	go func() {
		var h protocol.Hover
		l, col := lineOf(wordcountUnsealed, "Count {")
		c.call("textDocument/hover", docPos(c.uri("s.blazes"), l, col+1), &h)
		done <- h
	}()
	select {
	case h := <-done:
		if !strings.Contains(h.Contents.Value, "Count") {
			t.Errorf("hover: %s", h.Contents.Value)
		}
	case <-time.After(hangGuard):
		t.Fatal("hover waited behind the stale analysis")
	}
	if g.finished.Load() != 0 {
		t.Fatal("the stale analysis finished before the hover was answered: the test proves nothing")
	}
	c.waitDiags("s.blazes", atVersion(2))
	// Let the stale run finish; it must publish nothing for version 1.
	close(g.gate)
	for g.finished.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	var syms []protocol.DocumentSymbol // a round trip: the stale result has been handled
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": c.uri("s.blazes")}}, &syms)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.pubs[c.uri("s.blazes")] {
		if p.Version != nil && *p.Version == 1 {
			t.Errorf("stale version 1 was published")
		}
	}
}

func TestCancelRequest(t *testing.T) {
	g := newGatedEngine()
	defer close(g.gate)
	c := newClient(t, testOpts{cfg: Config{Engine: g.Engine}})
	c.open("s.blazes", "// slow\n"+wordcountUnsealed)
	for g.started.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	errc := make(chan error, 1)
	go func() {
		errc <- c.tryCall("textDocument/hover", docPos(c.uri("s.blazes"), 3, 1), nil)
	}()
	// The hover waits for the held analysis; give it time to arrive
	// before cancelling it (initialize was request 1: the hover is 2).
	time.Sleep(200 * time.Millisecond)
	c.notify("$/cancelRequest", map[string]any{"id": 2})
	select {
	case err := <-errc:
		if wireCode(err) != codeRequestCancelled {
			t.Errorf("cancelled hover: %v", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("cancelled request still waiting")
	}
}

func TestPanicRecovered(t *testing.T) {
	e := DefaultEngine()
	e.Format = func(*grammar.File) ([]byte, error) { panic("formatter exploded") }
	update := e.Update
	e.Update = func(s *analysis.Session, root string, opts analysis.Options) *analysis.Result {
		if strings.HasSuffix(root, "boom.blazes") {
			panic("analysis exploded")
		}
		return update(s, root, opts)
	}
	c := newClient(t, testOpts{cfg: Config{Engine: e}})
	c.open("wc.blazes", wordcountUnsealed)
	c.waitDiags("wc.blazes", atVersion(1))
	err := c.tryCall("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": c.uri("wc.blazes")}, "options": map[string]any{}}, nil)
	if err == nil || !strings.Contains(err.Error(), "formatter exploded") {
		t.Errorf("panicking handler: %v", err)
	}
	c.open("boom.blazes", "source s\n")
	var syms []protocol.DocumentSymbol
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": c.uri("boom.blazes")}}, &syms)
	// The server still serves.
	var h protocol.Hover
	l, col := lineOf(wordcountUnsealed, "Count {")
	c.call("textDocument/hover", docPos(c.uri("wc.blazes"), l, col+1), &h)
	if !strings.Contains(h.Contents.Value, "Count") {
		t.Errorf("hover after a panic: %s", h.Contents.Value)
	}
}

func TestScanImports(t *testing.T) {
	text := "// c\ndataflow x /* d */\nimport \"a.blazes\"\nimport \"sub/b.blazes\"\nsource s\nimport \"late.blazes\"\n"
	got := scanImports("/w/main.blazes", []byte(text))
	if strings.Join(got, " ") != "/w/a.blazes /w/sub/b.blazes" {
		t.Errorf("imports %v", got)
	}
	if got := scanImports("/w/x.blazes", []byte("import \"unterminated")); len(got) != 1 {
		t.Errorf("unterminated: %v", got)
	}
}

type mapFS map[string][]byte

func (m mapFS) ReadFile(name string) ([]byte, error) {
	if b, ok := m[name]; ok {
		return b, nil
	}
	return os.ReadFile(name)
}

// TestRandomEditsMatchColdAnalysis: after a burst of random incremental
// edits, the published diagnostics are those of a cold analysis of the
// final text.
func TestRandomEditsMatchColdAnalysis(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		c := newClient(t, testOpts{})
		c.open("r.blazes", wordcountUnsealed)
		text := wordcountUnsealed
		r := rand.New(rand.NewSource(seed))
		snippets := []string{" seal(batch)", "x", "\n", " order", " rep", "// c\n", "OR", "CW", ":"}
		var v int32
		for i := 0; i < 60; i++ {
			off := r.Intn(len(text) + 1)
			end := off
			ins := ""
			if r.Intn(2) == 0 {
				end = min(len(text), off+1+r.Intn(3))
			} else {
				ins = snippets[r.Intn(len(snippets))]
			}
			l1, c1 := lineCol(text, off)
			l2, c2 := lineCol(text, end)
			text = text[:off] + ins + text[end:]
			v = c.change("r.blazes", []int{l1, c1, l2, c2}, ins)
		}
		p := c.waitDiags("r.blazes", atVersion(v))
		path := c.path("r.blazes")
		cold := analysis.Load(path, analysis.Options{FS: mapFS{path: []byte(text)}, Root: c.dir})
		var want []string
		for _, d := range cold.Diagnostics {
			if d.File == path {
				rg := lsppos.RangeOf(grammar.NewLineTable([]byte(text)), d.Range)
				want = append(want, d.Code+" "+mustJSON(rg)+" "+d.Message)
			}
		}
		var got []string
		for _, d := range p.Diagnostics {
			rg := lsppos.Range{Start: lsppos.Position{Line: int(d.Range.Start.Line), Character: int(d.Range.Start.Character)},
				End: lsppos.Position{Line: int(d.Range.End.Line), Character: int(d.Range.End.Character)}}
			got = append(got, d.Code.(string)+" "+mustJSON(rg)+" "+d.Message)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("seed %d: published\n%s\nwant (cold)\n%s\ntext:\n%s", seed, strings.Join(got, "\n"), strings.Join(want, "\n"), text)
		}
	}
}

func lineCol(text string, off int) (int, int) {
	before := text[:off]
	return strings.Count(before, "\n"), off - strings.LastIndex(before, "\n") - 1
}

// TestImportRemovedLibraryBecomesRoot: when the only importer drops its
// import, the open library is analysed on its own.
func TestImportRemovedLibraryBecomesRoot(t *testing.T) {
	c := newClient(t, testOpts{files: map[string]string{"lib.blazes": libText, "main.blazes": mainText}})
	c.open("main.blazes", mainText)
	c.open("lib.blazes", libText)
	c.waitDiags("lib.blazes", atVersion(1))
	c.waitDiags("main.blazes", atVersion(1))
	c.change("main.blazes", []int{0, 0, 1, 0}, "")
	// Alone, Count.words has no producer.
	c.waitDiags("lib.blazes", func(p publishDiagnosticsParams) bool { return hasCode(p, analysis.CodeNoProducer) })
}

// A workspace scan that makes an open document part of another root
// analyses that root: the document's own root went away with its
// analysis held, and nothing else would ever publish its diagnostics.
func TestScanReRootsOpenDocument(t *testing.T) {
	g := newGatedEngine()
	defer close(g.gate)
	c := newClient(t, testOpts{cfg: Config{Engine: g.Engine}})
	// Written after initialize's scan, in a folder added later.
	sub := filepath.Join(c.dir, "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	c.open("sub/a.blazes", "// slow\nsource s\n")
	for g.started.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := os.WriteFile(filepath.Join(sub, "b.blazes"), []byte("import \"a.blazes\"\nsink k\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{
		"added": []map[string]any{{"uri": fileURI(sub), "name": "sub"}}, "removed": []any{}}})
	done := make(chan struct{})
	go func() {
		c.waitDiags("sub/a.blazes", atVersion(1))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(hangGuard):
		t.Fatal("sub/a.blazes was never published: the root the scan made for it was not analysed")
	}
	if g.finished.Load() != 0 {
		t.Fatal("the held analysis finished: the test proves nothing")
	}
}
