package server

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
)

// The test client: the other end of a real jsonrpc2 stream (net.Pipe),
// recording what the server publishes and answering its requests.

// wordcountUnsealed is the paper's word count without seal(batch) on the
// source: Count's OW[word, batch] is a BLZ001.
var wordcountUnsealed = func() string {
	b, err := os.ReadFile("../testdata/paper/wordcount.blazes")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

type client struct {
	t    testing.TB
	conn jsonrpc2.Conn
	dir  string

	mu        sync.Mutex
	pubs      map[string][]publishDiagnosticsParams
	requests  []string     // methods the server called on the client
	received  []rpcMessage // every request and notification but publishDiagnostics
	changed   chan struct{}
	exitCode  chan int
	versions  map[string]int32
	cancelRun context.CancelFunc
	progress  []json.RawMessage // $/progress values, in order
	// held makes the client answer a request of this method only once
	// the channel is closed (nil: every request is answered at once).
	held map[string]chan struct{}
}

// rpcMessage is a request or notification the server sent the client.
type rpcMessage struct {
	method string
	params json.RawMessage
}

type testOpts struct {
	cfg      Config
	initOpts any
	caps     map[string]any
	files    map[string]string        // written into the workspace before initialize
	held     map[string]chan struct{} // see client.held
	noInit   bool
}

func newClient(t testing.TB, o testOpts) *client {
	t.Helper()
	dir := t.TempDir()
	dir, _ = filepath.EvalSymlinks(dir)
	for name, text := range o.files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if o.cfg.Logger == nil {
		o.cfg.Logger = zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	}
	a, b := net.Pipe()
	srv := New(o.cfg)
	ctx, cancel := context.WithCancel(context.Background())
	c := &client{t: t, dir: dir, pubs: map[string][]publishDiagnosticsParams{}, changed: make(chan struct{}), exitCode: make(chan int, 1), versions: map[string]int32{}, cancelRun: cancel, held: o.held}
	go func() { c.exitCode <- srv.Run(ctx, a) }()
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(newQueued(b)))
	c.conn.Go(ctx, c.handle)
	t.Cleanup(func() {
		cancel()
		c.conn.Close()
		select {
		case <-c.exitCode:
		case <-time.After(5 * time.Second):
			t.Error("server did not stop")
		}
	})
	if !o.noInit {
		caps := o.caps
		if caps == nil {
			caps = map[string]any{
				"workspace":    map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}},
				"textDocument": map[string]any{"documentSymbol": map[string]any{"hierarchicalDocumentSymbolSupport": true}},
			}
		}
		var res map[string]any
		c.call("initialize", map[string]any{
			"processId":             nil,
			"rootUri":               fileURI(dir),
			"capabilities":          caps,
			"initializationOptions": o.initOpts,
		}, &res)
		c.notify("initialized", map[string]any{})
	}
	return c
}

func (c *client) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	c.mu.Lock()
	if req.Method() == "textDocument/publishDiagnostics" {
		var p publishDiagnosticsParams
		if err := json.Unmarshal(req.Params(), &p); err != nil {
			c.t.Errorf("bad publishDiagnostics: %v", err)
		}
		c.pubs[p.URI] = append(c.pubs[p.URI], p)
	} else if req.Method() == "$/progress" {
		var p struct {
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(req.Params(), &p); err != nil {
			c.t.Errorf("bad $/progress: %v", err)
		}
		c.progress = append(c.progress, p.Value)
	} else {
		c.received = append(c.received, rpcMessage{req.Method(), req.Params()})
		if _, ok := req.(*jsonrpc2.Call); ok {
			c.requests = append(c.requests, req.Method())
		}
	}
	close(c.changed)
	c.changed = make(chan struct{})
	hold := c.held[req.Method()]
	c.mu.Unlock()
	var result any
	if req.Method() == "window/showDocument" {
		result = map[string]any{"success": true}
	}
	if hold != nil {
		go func() {
			<-hold
			_ = reply(ctx, result, nil)
		}()
		return nil
	}
	_ = reply(ctx, result, nil)
	return nil
}

func (c *client) path(name string) string { return filepath.Join(c.dir, name) }
func (c *client) uri(name string) string  { return fileURI(c.path(name)) }

// call sends a request and decodes its result; it fails the test on error.
func (c *client) call(method string, params, result any) {
	c.t.Helper()
	if err := c.tryCall(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) tryCall(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var raw json.RawMessage
	if _, err := c.conn.Call(ctx, method, params, &raw); err != nil {
		return err
	}
	if result != nil && len(raw) > 0 {
		return json.Unmarshal(raw, result)
	}
	return nil
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) open(name, text string) {
	c.t.Helper()
	c.mu.Lock()
	c.versions[name] = 1
	c.mu.Unlock()
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": c.uri(name), "languageId": "blazes", "version": 1, "text": text}})
}

// change sends one incremental change; r is [l1, c1, l2, c2] or nil for the
// whole text. It returns the new version.
func (c *client) change(name string, r []int, text string) int32 {
	c.t.Helper()
	c.mu.Lock()
	c.versions[name]++
	v := c.versions[name]
	c.mu.Unlock()
	ch := map[string]any{"text": text}
	if r != nil {
		ch["range"] = rng(r[0], r[1], r[2], r[3])
	}
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": c.uri(name), "version": v},
		"contentChanges": []any{ch},
	})
	return v
}

func rng(l1, c1, l2, c2 int) map[string]any {
	return map[string]any{"start": pos(l1, c1), "end": pos(l2, c2)}
}

func pos(l, ch int) map[string]any { return map[string]any{"line": l, "character": ch} }

func docPos(uri string, l, ch int) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(l, ch)}
}

// waitDiags waits for a publication for name that satisfies ok, and
// returns it.
func (c *client) waitDiags(name string, ok func(p publishDiagnosticsParams) bool) publishDiagnosticsParams {
	c.t.Helper()
	u := c.uri(name)
	deadline := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		list := c.pubs[u]
		ch := c.changed
		var last *publishDiagnosticsParams
		if len(list) > 0 {
			last = &list[len(list)-1]
		}
		c.mu.Unlock()
		if last != nil && ok(*last) {
			return *last
		}
		select {
		case <-ch:
		case <-deadline:
			c.t.Fatalf("timed out waiting for diagnostics of %s; last: %s", name, mustJSON(last))
		}
	}
}

// atVersion matches a publication of the given version.
func atVersion(v int32) func(p publishDiagnosticsParams) bool {
	return func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == v }
}

func codes(p publishDiagnosticsParams) []string {
	var out []string
	for _, d := range p.Diagnostics {
		out = append(out, d.Code.(string))
	}
	return out
}

func hasCode(p publishDiagnosticsParams, code string) bool {
	for _, c := range codes(p) {
		if c == code {
			return true
		}
	}
	return false
}

func mustJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}

// lineOf finds the zero-based line and UTF-16 column of the first
// occurrence of needle in text.
func lineOf(text, needle string) (int, int) {
	i := strings.Index(text, needle)
	if i < 0 {
		panic("not found: " + needle)
	}
	before := text[:i]
	l := strings.Count(before, "\n")
	col := len(before) - strings.LastIndex(before, "\n") - 1
	return l, col
}

// waitMessage waits for a request or notification of the given method
// from the server, the n-th one (from 1), and returns its params.
func (c *client) waitMessage(method string, n int) json.RawMessage {
	c.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		seen := 0
		var found json.RawMessage
		for _, m := range c.received {
			if m.method == method {
				if seen++; seen == n {
					found = m.params
				}
			}
		}
		ch := c.changed
		c.mu.Unlock()
		if found != nil {
			return found
		}
		select {
		case <-ch:
		case <-deadline:
			c.t.Fatalf("timed out waiting for %s #%d", method, n)
		}
	}
}

// countMessages counts what the server sent of the given method.
func (c *client) countMessages(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.received {
		if m.method == method {
			n++
		}
	}
	return n
}
