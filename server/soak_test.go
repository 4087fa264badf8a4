package server

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

// The soak test drives the real server in-process with thousands of
// random edits and requests, then checks that it still answers, that what
// it last published for each open document is what a cold analysis of the
// final texts finds, that its text of each document is the reference
// model's, and that it holds no more memory than a fresh server given the
// same final texts.
//
// Edits: 10,000 by default (about 20 s under -race on 2 cores), 1,000
// with -short; BLAZES_SOAK_EDITS=n sets the count, BLAZES_SOAK_SEED=n the
// random seed, and BLAZES_SOAK_DEBUG=1 checks the server's text after
// every edit and logs requests that take over a second.

const (
	soakCycA = "import \"cyc_b.blazes\"\n\ncomponent A { rec -> res : CR }\nstream B.res -> A.rec\n"
	soakCycB = "import \"cyc_a.blazes\"\n\ncomponent B { rec -> res : OW[k] }\nstream A.res -> B.rec\n"
	soakImp  = "import \"lib.blazes\"\n"
)

// soakDisk is the workspace on disk; the server scans it at initialize.
var soakDisk = map[string]string{
	"main.blazes":  wordcountUnsealed,
	"lib.blazes":   libText,
	"cyc_a.blazes": soakCycA,
	"cyc_b.blazes": soakCycB,
}

// soakSession is a harness client whose server the test can also inspect.
type soakSession struct {
	*client
	srv  *Server
	logs *observer.ObservedLogs
	stop func()
}

func newSoakSession(t *testing.T, dir string) *soakSession {
	t.Helper()
	core, logs := observer.New(zapcore.ErrorLevel)
	srv := New(Config{Logger: zap.New(core)})
	a, b := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	c := &client{t: t, dir: dir, pubs: map[string][]publishDiagnosticsParams{}, changed: make(chan struct{}), exitCode: make(chan int, 1), versions: map[string]int32{}, cancelRun: cancel}
	go func() { c.exitCode <- srv.Run(ctx, a) }()
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(newQueued(b)))
	c.conn.Go(ctx, c.handle)
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		c.conn.Close()
		select {
		case <-c.exitCode:
		case <-time.After(guard):
			t.Error("server did not stop")
		}
	}
	t.Cleanup(stop)
	c.call("initialize", map[string]any{"processId": nil, "rootUri": fileURI(dir), "capabilities": map[string]any{
		"workspace": map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}},
	}}, nil)
	c.notify("initialized", map[string]any{})
	return &soakSession{client: c, srv: srv, logs: logs, stop: stop}
}

// trimPubs keeps only the last publication per document, so that the
// client's history does not count as the server's memory.
func (c *client) trimPubs() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for u, list := range c.pubs {
		if len(list) > 1 {
			c.pubs[u] = []publishDiagnosticsParams{list[len(list)-1]}
		}
	}
}

// soakDoc is the reference model of one document.
type soakDoc struct {
	name    string
	text    string
	version int32
	open    bool
}

type soak struct {
	t    *testing.T
	s    *soakSession
	r    *rand.Rand
	docs map[string]*soakDoc
	// counters for the report
	edits, applied, ignored, requests, reqErrors int
}

func (k *soak) names() []string {
	var out []string
	for n := range k.docs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (k *soak) pick(open bool) *soakDoc {
	var cands []*soakDoc
	for _, n := range k.names() {
		if d := k.docs[n]; d.open == open {
			cands = append(cands, d)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return cands[k.r.Intn(len(cands))]
}

// lspAt converts a byte offset to an LSP position (UTF-16 character).
func lspAt(text string, off int) protocol.Position {
	line := strings.Count(text[:off], "\n")
	start := strings.LastIndexByte(text[:off], '\n') + 1
	return protocol.Position{Line: uint32(line), Character: uint32(len(utf16Units(text[start:off])))}
}

func utf16Units(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			out = append(out, 0, 0)
		} else {
			out = append(out, 0)
		}
	}
	return out
}

// runeOff returns a random rune boundary of text.
func (k *soak) runeOff(text string) int {
	if len(text) == 0 {
		return 0
	}
	o := k.r.Intn(len(text) + 1)
	for o < len(text) && !utf8.RuneStart(text[o]) {
		o++
	}
	return o
}

var soakSnippets = []string{
	"x", " ", "\n", "\r\n", "// c\n", "/* ", " */", "seal(batch)", " rep", " order", "OR", "OW[word]", "CR", "CW", ":", "->", "{", "}",
	"component Z { a -> b : CR }\n", "stream Count.counts -> Z.a\n", "source s(x) seal(x)\n", "sink db(x)\n", ".", ",", "(", ")", "[", "]",
	"é", "😀", "𝄞\r\n", "\t", "\"", "dataflow", "in ", "out ",
}

// garbage is random valid UTF-8: ASCII, controls, CR/LF, BMP runes and
// runes outside it (surrogate pairs in UTF-16). Invalid UTF-8 cannot
// cross the protocol (a JSON string); the fuzz target covers it.
func (k *soak) garbage(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		switch k.r.Intn(6) {
		case 0:
			sb.WriteByte(byte(k.r.Intn(128)))
		case 1:
			sb.WriteString([]string{"\r", "\n", "\r\n", "\x00", "\uFFFD", "\u2028"}[k.r.Intn(6)])
		case 2:
			sb.WriteRune(rune(0x80 + k.r.Intn(0xD800-0x80)))
		case 3:
			sb.WriteRune(rune(0x10000 + k.r.Intn(0x10FFFF-0x10000)))
		default:
			sb.WriteByte(byte('a' + k.r.Intn(26)))
		}
	}
	return sb.String()
}

// hugePaste is 100 KB of declarations or of garbage.
func (k *soak) hugePaste() string {
	var sb strings.Builder
	if k.r.Intn(2) == 0 {
		for i := 0; sb.Len() < 100<<10; i++ {
			fmt.Fprintf(&sb, "component P%d { in%d -> out%d : OW[k] }\nstream P%d.out%d -> Count.words\n", i, i, i, i, i)
		}
		return sb.String()
	}
	for sb.Len() < 100<<10 {
		sb.WriteString(k.garbage(512))
	}
	return sb.String()
}

func (k *soak) sendChange(d *soakDoc, version int32, changes []contentChange) {
	k.edits++
	var list []any
	for _, c := range changes {
		m := map[string]any{"text": c.Text}
		if c.Range != nil {
			m["range"] = c.Range
		}
		list = append(list, m)
	}
	k.s.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": k.s.uri(d.name), "version": version},
		"contentChanges": list,
	})
	// The model: what the server documents (lifecycle.go didChange).
	if !d.open || (version != 0 && version < d.version) {
		k.ignored++
		return
	}
	k.applied++
	debugLast = changes
	for _, c := range changes {
		d.text = refApply(d.text, c)
	}
	d.version = version
}

var debugLast []contentChange

func rangeOf(s, e protocol.Position) *protocol.Range { return &protocol.Range{Start: s, End: e} }

// randomChange is one content change of any kind for text.
func (k *soak) randomChange(text string) contentChange {
	r := k.r
	big := len(text) > 60<<10
	switch n := r.Intn(1000); {
	case big && r.Intn(3) == 0, n < 15: // delete the whole file
		return contentChange{Range: rangeOf(protocol.Position{}, lspAt(text, len(text))), Text: ""}
	case n < 35: // replace the whole text (no range)
		return contentChange{Text: wordcountUnsealed}
	case n < 40: // a huge paste
		o := k.runeOff(text)
		p := lspAt(text, o)
		return contentChange{Range: rangeOf(p, p), Text: k.hugePaste()}
	case n < 140: // garbage
		o := k.runeOff(text)
		p := lspAt(text, o)
		return contentChange{Range: rangeOf(p, p), Text: k.garbage(1 + r.Intn(40))}
	case n < 200: // delete a span
		o := k.runeOff(text)
		e := o + r.Intn(200)
		if e > len(text) {
			e = len(text)
		}
		for e < len(text) && !utf8.RuneStart(text[e]) {
			e++
		}
		return contentChange{Range: rangeOf(lspAt(text, o), lspAt(text, e)), Text: ""}
	case n < 260: // invalid ranges: past the end, end before start, huge
		big := func() uint32 { return []uint32{1 << 20, ^uint32(0), 1000, 80}[r.Intn(4)] }
		o := k.runeOff(text)
		p := lspAt(text, o)
		var s, e protocol.Position
		switch r.Intn(4) {
		case 0:
			s, e = protocol.Position{Line: p.Line, Character: big()}, protocol.Position{Line: p.Line, Character: big()}
		case 1:
			s, e = protocol.Position{Line: big(), Character: 0}, protocol.Position{Line: big(), Character: big()}
		case 2:
			s, e = p, protocol.Position{Line: 0, Character: 0} // end before start
		default:
			s, e = p, protocol.Position{Line: p.Line + 1 + uint32(r.Intn(3)), Character: big()}
		}
		return contentChange{Range: rangeOf(s, e), Text: soakSnippets[r.Intn(len(soakSnippets))]}
	default: // a small edit
		o := k.runeOff(text)
		e := o
		if r.Intn(2) == 0 {
			e = min(len(text), o+r.Intn(10))
			for e < len(text) && !utf8.RuneStart(text[e]) {
				e++
			}
		}
		return contentChange{Range: rangeOf(lspAt(text, o), lspAt(text, e)), Text: soakSnippets[r.Intn(len(soakSnippets))]}
	}
}

// step sends one random edit (or open/close) to the server.
func (k *soak) step() {
	r := k.r
	d := k.pick(true)
	switch n := r.Intn(1000); {
	case n < 40 || d == nil: // close or reopen a document
		if d != nil && r.Intn(2) == 0 && d.name != "main.blazes" {
			k.s.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": k.s.uri(d.name)}})
			d.open = false
			if disk, ok := soakDisk[d.name]; ok {
				d.text = disk // the server reads the disk again
			}
			return
		}
		if c := k.pick(false); c != nil {
			if _, ok := soakDisk[c.name]; !ok {
				c.text = k.garbage(r.Intn(30)) + wordcountUnsealed
			}
			c.open, c.version = true, int32(1+r.Intn(3))
			k.s.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
				"uri": k.s.uri(c.name), "languageId": "blazes", "version": c.version, "text": c.text}})
		}
	case n < 70: // an edit to a closed or unknown document
		c := k.pick(false)
		if c == nil {
			c = &soakDoc{name: "nowhere.blazes"}
		}
		k.sendChange(c, 99, []contentChange{k.randomChange(c.text)})
	case n < 110: // an import that appears or disappears
		m := k.docs["main.blazes"]
		if m.open {
			var ch contentChange
			if strings.HasPrefix(m.text, soakImp) {
				ch = contentChange{Range: rangeOf(protocol.Position{}, protocol.Position{Line: 1}), Text: ""}
			} else {
				ch = contentChange{Range: rangeOf(protocol.Position{}, protocol.Position{}), Text: soakImp}
			}
			k.sendChange(m, m.version+1, []contentChange{ch})
		}
	case n < 150: // out of order: an older version
		k.sendChange(d, d.version-1-int32(r.Intn(5)), []contentChange{k.randomChange(d.text)})
	case n < 190: // the same version again
		k.sendChange(d, d.version, []contentChange{k.randomChange(d.text)})
	case n < 220: // several changes in one notification
		text := d.text
		var chs []contentChange
		for i := 0; i < 2+r.Intn(3); i++ {
			c := k.randomChange(text)
			text = refApply(text, c)
			chs = append(chs, c)
		}
		k.sendChange(d, d.version+1, chs)
	default:
		k.sendChange(d, d.version+1, []contentChange{k.randomChange(d.text)})
	}
}

// request sends one random request; errors other than the expected ones
// (unknown document, cancelled, content modified) fail the test.
func (k *soak) request() {
	r := k.r
	d := k.pick(r.Intn(8) != 0)
	if d == nil {
		d = k.docs["main.blazes"]
	}
	u := k.s.uri(d.name)
	o := k.runeOff(d.text)
	p := lspAt(d.text, o)
	if r.Intn(10) == 0 {
		p = protocol.Position{Line: p.Line + uint32(r.Intn(1000)), Character: uint32(r.Intn(1 << 20))}
	}
	td := map[string]any{"uri": u}
	whole := map[string]any{"start": protocol.Position{}, "end": protocol.Position{Line: 1 << 20}}
	var method string
	var params any
	switch r.Intn(9) {
	case 0, 1:
		method, params = "textDocument/hover", map[string]any{"textDocument": td, "position": p}
	case 2:
		method, params = "textDocument/codeAction", map[string]any{"textDocument": td, "range": whole, "context": map[string]any{"diagnostics": []any{}}}
	case 3:
		method, params = "textDocument/completion", map[string]any{"textDocument": td, "position": p}
	case 4:
		method, params = "textDocument/inlayHint", map[string]any{"textDocument": td, "range": whole}
	case 5:
		method, params = "textDocument/semanticTokens/full", map[string]any{"textDocument": td}
	case 6:
		method, params = "textDocument/formatting", map[string]any{"textDocument": td, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}
	case 7:
		method, params = "textDocument/definition", map[string]any{"textDocument": td, "position": p}
	default:
		method, params = "textDocument/documentSymbol", map[string]any{"textDocument": td}
	}
	k.requests++
	var res any
	start := time.Now()
	err := k.s.tryCall(method, params, &res)
	if os.Getenv("BLAZES_SOAK_DEBUG") != "" && time.Since(start) > time.Second {
		k.t.Logf("slow %s on %s (open %v): %v", method, d.name, d.open, time.Since(start))
	}
	if err == nil {
		return
	}
	k.reqErrors++
	var we *jsonrpc2.Error
	if !errors.As(err, &we) {
		k.t.Fatalf("%s on %s: %v", method, d.name, err)
	}
	switch we.Code {
	case jsonrpc2.InvalidParams, codeRequestCancelled, codeContentModified:
	default:
		k.t.Errorf("%s on %s (open %v) at %v: %v\ntext:\n%q", method, d.name, d.open, p, err, clip(d.text))
	}
}

// serverText is the server's text of an open document.
func (k *soak) serverText(name string) (string, bool) {
	w := k.s.srv.ws
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.files[k.s.path(name)]
	if f == nil || !f.open {
		return "", false
	}
	return string(f.text), true
}

// sync returns once the server has handled every message sent before:
// an unknown request is answered on the message loop, in order.
func (k *soak) sync() {
	if err := k.s.tryCall("blazes/sync", nil, nil); err == nil {
		k.t.Fatal("blazes/sync answered")
	}
}

func (k *soak) checkTexts(when string) {
	k.sync()
	for _, n := range k.names() {
		d := k.docs[n]
		got, open := k.serverText(n)
		if open != d.open {
			k.t.Fatalf("%s: %s open in the server: %v, in the model: %v", when, n, open, d.open)
		}
		if open && got != d.text {
			k.t.Fatalf("%s: the server's text of %s differs from the model's:\nserver %q\nmodel  %q", when, n, clip(got), clip(d.text))
		}
	}
}

// coldDiagnostics analyses the final texts from scratch: every root of
// the import graph (files no other known file imports, then files only
// reachable through a cycle; imports as the server's head-of-file scan
// sees them), each open document getting the union of the findings
// located in it over the root programs.
func coldDiagnostics(dir string, docs map[string]*soakDoc) map[string][]string {
	texts := map[string]string{}
	for n, t := range soakDisk {
		texts[filepath.Join(dir, n)] = t
	}
	for n, d := range docs {
		if d.open {
			texts[filepath.Join(dir, n)] = d.text
		}
	}
	fsys := mapFS{}
	imports := map[string][]string{}
	var paths []string
	for p, t := range texts {
		fsys[p] = []byte(t)
		imports[p] = scanImports(p, []byte(t))
		paths = append(paths, p)
	}
	sort.Strings(paths)
	imported := map[string]bool{}
	for p, is := range imports {
		for _, i := range is {
			if i != p {
				imported[i] = true
			}
		}
	}
	closure := func(root string) map[string]bool {
		seen := map[string]bool{}
		var walk func(string)
		walk = func(p string) {
			if seen[p] {
				return
			}
			seen[p] = true
			for _, i := range imports[p] {
				walk(i)
			}
		}
		walk(root)
		return seen
	}
	roots := map[string]map[string]bool{}
	covered := map[string]bool{}
	for pass := 0; pass < 2; pass++ {
		for _, p := range paths {
			if (pass == 0 && !imported[p]) || (pass == 1 && !covered[p]) {
				roots[p] = closure(p)
				for q := range roots[p] {
					covered[q] = true
				}
			}
		}
	}
	out := map[string][]string{}
	seen := map[string]bool{}
	for root := range roots {
		prog := analysis.Load(root, analysis.Options{FS: fsys, Root: dir})
		for _, dg := range prog.Diagnostics {
			name := filepath.Base(dg.File)
			if d := docs[name]; d == nil || !d.open || filepath.Dir(dg.File) != dir {
				continue
			}
			rg := lsppos.RangeOf(grammar.NewLineTable([]byte(texts[dg.File])), dg.Range)
			key := fmt.Sprintf("%s %d:%d-%d:%d %s", dg.Code, rg.Start.Line, rg.Start.Character, rg.End.Line, rg.End.Character, dg.Message)
			if !seen[name+"\x00"+key] {
				seen[name+"\x00"+key] = true
				out[name] = append(out[name], key)
			}
		}
	}
	for n := range out {
		sort.Strings(out[n])
	}
	return out
}

func publishedKeys(p publishDiagnosticsParams) []string {
	var out []string
	for _, d := range p.Diagnostics {
		out = append(out, fmt.Sprintf("%s %d:%d-%d:%d %s", d.Code, d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, d.Message))
	}
	sort.Strings(out)
	return out
}

// waitCold waits until every open document's last publication is of its
// final version and equals the cold analysis.
func waitCold(t *testing.T, c *client, docs map[string]*soakDoc, cold map[string][]string) {
	t.Helper()
	for _, n := range sortedKeys(docs) {
		d := docs[n]
		if !d.open {
			continue
		}
		want := strings.Join(cold[n], "\n")
		u := c.uri(n)
		deadline := time.After(guard)
		for {
			c.mu.Lock()
			list := c.pubs[u]
			ch := c.changed
			var last *publishDiagnosticsParams
			if len(list) > 0 {
				last = &list[len(list)-1]
			}
			c.mu.Unlock()
			if last != nil && last.Version != nil && *last.Version == d.version && strings.Join(publishedKeys(*last), "\n") == want {
				break
			}
			select {
			case <-ch:
				continue
			case <-deadline:
			}
			got := "(none)"
			if last != nil {
				got = fmt.Sprintf("version %v:\n%s", mustJSON(last.Version), strings.Join(publishedKeys(*last), "\n"))
			}
			t.Fatalf("%s (version %d): last published %s\nwant (cold analysis)\n%s\ntext:\n%q", n, d.version, got, want, clip(d.text))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func heapAlloc() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func TestSoak(t *testing.T) {
	edits := 10000
	if testing.Short() {
		edits = 1000
	}
	edits = envInt("BLAZES_SOAK_EDITS", edits)
	seed := int64(envInt("BLAZES_SOAK_SEED", 1))
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	for n, text := range soakDisk {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := heapAlloc()
	s := newSoakSession(t, dir)
	k := &soak{t: t, s: s, r: rand.New(rand.NewSource(seed)), docs: map[string]*soakDoc{}}
	for n, text := range soakDisk {
		k.docs[n] = &soakDoc{name: n, text: text}
	}
	k.docs["scratch.blazes"] = &soakDoc{name: "scratch.blazes"} // never on disk
	for _, n := range []string{"main.blazes", "lib.blazes", "cyc_a.blazes", "cyc_b.blazes", "scratch.blazes"} {
		d := k.docs[n]
		if n == "scratch.blazes" {
			d.text = wordcountUnsealed
		}
		d.open, d.version = true, 1
		s.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": s.uri(n), "languageId": "blazes", "version": 1, "text": d.text}})
	}
	debug := os.Getenv("BLAZES_SOAK_DEBUG") != ""
	for i := 0; k.edits < edits; i++ {
		var before map[string]string
		if debug {
			before = map[string]string{}
			for n, d := range k.docs {
				before[n] = d.text
			}
			debugLast = nil
		}
		k.step()
		if debug {
			k.sync()
			for _, n := range k.names() {
				if got, open := k.serverText(n); open && got != k.docs[n].text {
					t.Fatalf("edit %d to %s: changes %s\nbefore %q\nserver %q\nmodel  %q", i, n, mustJSON(debugLast), before[n], got, k.docs[n].text)
				}
			}
		}
		if k.r.Intn(5) == 0 {
			k.request()
		}
		if i%500 == 499 {
			k.checkTexts(fmt.Sprintf("after %d edits", i+1))
			s.trimPubs()
		}
	}
	// Final versions, one fresh version per open document, so that the
	// last publication is unambiguous.
	for i, n := range k.names() {
		if d := k.docs[n]; d.open {
			k.sendChange(d, 1_000_000+int32(i), []contentChange{{Range: rangeOf(protocol.Position{}, protocol.Position{}), Text: ""}})
		}
	}
	k.checkTexts("at the end")
	cold := coldDiagnostics(dir, k.docs)
	waitCold(t, s.client, k.docs, cold)
	// Still answering.
	m := k.docs["main.blazes"]
	var h any
	s.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": s.uri("main.blazes")}, "position": lspAt(m.text, len(m.text)/2)}, &h)
	for _, e := range s.logs.All() {
		if strings.Contains(e.Message, "panic") {
			t.Errorf("logged %q: %v", e.Message, e.ContextMap())
		}
	}
	t.Logf("seed %d: %d edits sent (%d applied, %d ignored by design), %d requests (%d answered with an expected error); final sizes: %s",
		seed, k.edits, k.applied, k.ignored, k.requests, k.reqErrors, sizes(k.docs))

	// Memory: the soaked server against a fresh one on the final texts.
	s.trimPubs()
	soaked := heapAlloc()
	s.stop()
	fresh := newSoakSession(t, dir)
	for _, n := range k.names() {
		if d := k.docs[n]; d.open {
			fresh.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": fresh.uri(n), "languageId": "blazes", "version": d.version, "text": d.text}})
		}
	}
	waitCold(t, fresh.client, k.docs, cold)
	// The same last request, so that both hold what it builds (the
	// whole program is built for the first request of a version).
	fresh.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": fresh.uri("main.blazes")}, "position": lspAt(m.text, len(m.text)/2)}, &h)
	fresh.trimPubs()
	freshHeap := heapAlloc()
	delta := func(x uint64) uint64 {
		if x < base {
			return 0
		}
		return x - base
	}
	t.Logf("heap over the test's start: soaked server %d KB, fresh server %d KB", delta(soaked)>>10, delta(freshHeap)>>10)
	if delta(soaked) > 3*delta(freshHeap)+2<<20 {
		t.Errorf("the soaked server holds %d KB, a fresh one on the same texts %d KB: a leak?", delta(soaked)>>10, delta(freshHeap)>>10)
	}
}

func sizes(docs map[string]*soakDoc) string {
	var out []string
	for _, n := range sortedKeys(docs) {
		d := docs[n]
		out = append(out, fmt.Sprintf("%s %d B (open %v, v%d)", n, len(d.text), d.open, d.version))
	}
	return strings.Join(out, ", ")
}
