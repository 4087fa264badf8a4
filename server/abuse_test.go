package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

// Protocol abuse: a client that writes raw bytes to the server's real
// stdio framing (in-process over io.Pipe, and once to the real binary).

// guard bounds every wait: a deadlock guard, not a timing assertion.
const guard = 30 * time.Second

// leakGuard bounds how long server goroutines may outlive a session: less
// than the 30 s timeout of a request to the client, so that one left
// waiting for a client that is gone is caught.
const leakGuard = 20 * time.Second

type rawMsg struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

func (m rawMsg) String() string { b, _ := json.Marshal(m); return string(b) }

// rawClient speaks Content-Length framed JSON-RPC by hand, so that it can
// also send what no well-behaved client would.
type rawClient struct {
	t       testing.TB
	w       io.WriteCloser
	wmu     sync.Mutex
	noReply bool // leave the server's requests unanswered

	mu     sync.Mutex
	resps  map[string]chan rawMsg
	calls  []string // methods the server called on the client
	notes  []rawMsg // notifications from the server
	nextID int
	ended  chan struct{} // the server's output ended
}

func newRawClient(t testing.TB, from io.Reader, to io.WriteCloser) *rawClient {
	c := &rawClient{t: t, w: to, resps: map[string]chan rawMsg{}, nextID: 1000, ended: make(chan struct{})}
	go c.readLoop(bufio.NewReader(from))
	return c
}

func (c *rawClient) readLoop(r *bufio.Reader) {
	defer close(c.ended)
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				length, _ = strconv.Atoi(v)
			}
		}
		if length < 0 {
			c.t.Errorf("server sent a frame without Content-Length")
			return
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		var m rawMsg
		if err := json.Unmarshal(body, &m); err != nil {
			c.t.Errorf("server sent a body that is not JSON: %q", body)
			return
		}
		switch {
		case m.Method != "" && m.ID != nil:
			c.mu.Lock()
			c.calls = append(c.calls, m.Method)
			c.mu.Unlock()
			if !c.noReply {
				_ = c.send(frame(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":null}`, m.ID)))
			}
		case m.Method != "":
			c.mu.Lock()
			c.notes = append(c.notes, m)
			c.mu.Unlock()
		default:
			c.respChan(string(m.ID)) <- m
		}
	}
}

func (c *rawClient) respChan(id string) chan rawMsg {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.resps[id]
	if ch == nil {
		ch = make(chan rawMsg, 1)
		c.resps[id] = ch
	}
	return ch
}

func frame(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

func (c *rawClient) send(raw string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := io.WriteString(c.w, raw)
	return err
}

// wait waits for the response to id.
func (c *rawClient) wait(id string) rawMsg {
	c.t.Helper()
	select {
	case m := <-c.respChan(id):
		return m
	case <-c.ended:
		c.t.Fatalf("the server's output ended while waiting for response %s", id)
	case <-time.After(guard):
		c.t.Fatalf("no response to %s", id)
	}
	return rawMsg{}
}

// request sends a request with raw JSON params and returns its response.
func (c *rawClient) request(method, params string) rawMsg {
	c.t.Helper()
	c.mu.Lock()
	c.nextID++
	id := strconv.Itoa(c.nextID)
	c.mu.Unlock()
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"method":%q`, id, method)
	if params != "" {
		body += `,"params":` + params
	}
	if err := c.send(frame(body + "}")); err != nil {
		c.t.Fatalf("send %s: %v", method, err)
	}
	return c.wait(id)
}

func (c *rawClient) notify(method, params string) {
	c.t.Helper()
	if err := c.send(frame(fmt.Sprintf(`{"jsonrpc":"2.0","method":%q,"params":%s}`, method, params))); err != nil {
		c.t.Fatalf("send %s: %v", method, err)
	}
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

// rawSession is a server running in-process on the real stdio framing
// over two io.Pipes, with a client at the other end.
type rawSession struct {
	*rawClient
	dir   string
	logs  *observer.ObservedLogs
	exit  chan int // receives Run's status once
	close func()   // the client vanishes: both pipes close
	ended chan struct{}
}

func newRawSession(t *testing.T, cfg Config, caps string, noReply bool) *rawSession {
	t.Helper()
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	core, logs := observer.New(zapcore.WarnLevel)
	cfg.Logger = zap.New(core)
	sr, cw := io.Pipe() // client -> server
	cr, sw := io.Pipe() // server -> client
	s := &rawSession{dir: dir, logs: logs, exit: make(chan int, 1), ended: make(chan struct{})}
	go func() {
		defer close(s.ended)
		s.exit <- New(cfg).Run(context.Background(), Stdio(sr, sw))
	}()
	s.rawClient = newRawClient(t, cr, cw)
	s.noReply = noReply
	s.close = func() { cw.Close(); cr.Close() }
	t.Cleanup(func() {
		s.close()
		select {
		case <-s.ended:
		case <-time.After(guard):
			t.Error("server did not stop")
		}
	})
	if caps == "" {
		caps = "{}"
	}
	if m := s.request("initialize", fmt.Sprintf(`{"processId":null,"rootUri":%s,"capabilities":%s}`, jsonString(fileURI(dir)), caps)); m.Error != nil {
		t.Fatalf("initialize: %v", m)
	}
	s.notify("initialized", "{}")
	return s
}

func (s *rawSession) uri(name string) string { return fileURI(filepath.Join(s.dir, name)) }

// open opens wc.blazes (the unsealed word count) and returns its URI.
func (s *rawSession) openWordcount() string {
	u := s.uri("wc.blazes")
	s.notify("textDocument/didOpen", fmt.Sprintf(`{"textDocument":{"uri":%s,"languageId":"blazes","version":1,"text":%s}}`, jsonString(u), jsonString(wordcountUnsealed)))
	return u
}

// hoverOK checks that the server answers a hover on Splitter with content.
func (s *rawSession) hoverOK(u, after string) {
	s.t.Helper()
	l, ch := lineOf(wordcountUnsealed, "Splitter {")
	m := s.request("textDocument/hover", fmt.Sprintf(`{"textDocument":{"uri":%s},"position":{"line":%d,"character":%d}}`, jsonString(u), l, ch+2))
	if m.Error != nil || !strings.Contains(string(m.Result), "Splitter") {
		s.t.Fatalf("after %s: hover answered %v", after, m)
	}
}

func (s *rawSession) noPanics() {
	s.t.Helper()
	for _, e := range s.logs.All() {
		if strings.Contains(e.Message, "panic") {
			s.t.Errorf("logged %q: %v", e.Message, e.ContextMap())
		}
	}
}

// TestAbuseMalformedFrames: frames that cannot be read are dropped with a
// log line (or answered with an error when a request id can be read), and
// the connection goes on: a hover sent right after each is answered.
func TestAbuseMalformedFrames(t *testing.T) {
	s := newRawSession(t, Config{}, "", false)
	u := s.openWordcount()
	s.hoverOK(u, "didOpen")
	cases := []struct{ name, raw string }{
		{"non-numeric Content-Length", "Content-Length: abc\r\n\r\n{}"},
		{"negative Content-Length", "Content-Length: -5\r\n\r\n"},
		{"Content-Length beyond int64", "Content-Length: 99999999999999999999999\r\n\r\n{}"},
		{"zero Content-Length", "Content-Length: 0\r\n\r\n"},
		{"missing header", `{"jsonrpc":"2.0","method":"initialized","params":{}}`},
		{"only an unknown header", "Content-Type: application/json\r\n\r\n{}"},
		{"header line without a colon", "Hello there\r\n\r\n"},
		{"header that never ends", "Content-Length: 10\r\nX-Junk: " + strings.Repeat("x", 20000) + "\r\n\r\n0123456789"},
		{"a megabyte of garbage", strings.Repeat("\x00\xff garbage ", 100000)},
		{"non-JSON body", frame("hello, world")},
		{"truncated JSON", frame(`{"jsonrpc":"2.0","id":99,"method":"textDocument/hover","par`)},
		{"JSON that is not an object", frame(`[1,2,3]`)},
		{"response to nothing", frame(`{"jsonrpc":"2.0","id":424242,"result":{}}`)},
		{"invalid UTF-8 body", frame("{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}")},
		{"body shorter than its Content-Length", "Content-Length: 60\r\n\r\n{\"jsonrpc\":\"2.0\"}"},
	}
	for _, tc := range cases {
		before := s.logs.Len()
		if err := s.send(tc.raw); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.name == "body shorter than its Content-Length" {
			// The header's length swallows the start of the next frame;
			// the server resynchronises on the one after.
			_ = s.send(frame(`{"jsonrpc":"2.0","method":"$/ping","params":{}}`))
		}
		s.hoverOK(u, tc.name)
		// (A response to nothing, and a notification of an unknown
		// method, are ignored silently, as JSON-RPC and LSP say.)
		if tc.name != "response to nothing" && tc.name != "invalid UTF-8 body" && s.logs.Len() == before {
			t.Errorf("%s: dropped without a log line", tc.name)
		}
	}
	// Requests whose id can be read get an error response.
	for id, body := range map[string]string{
		"77":    `{"jsonrpc":"2.0","id":77,"method":5}`,
		"78":    `{"jsonrpc":"1.0","id":78,"method":"textDocument/hover","params":{}}`,
		`"s79"`: `{"jsonrpc":"2.0","id":"s79","method":"textDocument/hover","params":{},"extra":` + "\n" + `[}`,
	} {
		if err := s.send(frame(body)); err != nil {
			t.Fatal(err)
		}
		if id == `"s79"` { // not JSON: dropped, nothing to answer
			s.hoverOK(u, body)
			continue
		}
		if m := s.wait(id); m.Error == nil || m.Error.Code != int64(codeInvalidRequest) {
			t.Errorf("invalid request %s: %v", body, m)
		}
	}
	if !testing.Short() {
		// A message longer than the limit is skipped unread.
		before := s.logs.Len()
		big := `{"jsonrpc":"2.0","method":"x","params":"` + strings.Repeat("a", maxMessage) + `"}`
		if err := s.send(frame(big)); err != nil {
			t.Fatal(err)
		}
		s.hoverOK(u, "a message over the limit")
		if s.logs.FilterMessageSnippet("longer than the limit").Len() == 0 || s.logs.Len() == before {
			t.Error("message over the limit not logged")
		}
	}
	s.noPanics()
	if m := s.request("shutdown", ""); m.Error != nil {
		t.Fatalf("shutdown: %v", m)
	}
	_ = s.send(frame(`{"jsonrpc":"2.0","method":"exit"}`))
	select {
	case code := <-s.exit:
		if code != 0 {
			t.Errorf("exit code %d after shutdown", code)
		}
	case <-time.After(guard):
		t.Fatal("no exit")
	}
}

// TestAbuseHugeContentLength: a header naming a length far beyond the
// limit is not allocated; the client then vanishes and the server ends.
func TestAbuseHugeContentLength(t *testing.T) {
	s := newRawSession(t, Config{}, "", false)
	s.openWordcount()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := s.send("Content-Length: 2147483647\r\n\r\n{\"jsonrpc\":\"2.0\""); err != nil {
		t.Fatal(err)
	}
	s.close()
	select {
	case code := <-s.exit:
		if code != 1 {
			t.Errorf("exit code %d, want 1 (no shutdown)", code)
		}
	case <-time.After(guard):
		t.Fatal("server did not end")
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<30 {
		t.Errorf("allocated %d MB for a 2 GB Content-Length", grew>>20)
	}
	s.noPanics()
}

// TestAbuseUnknownMethods: an unknown request gets MethodNotFound, an
// unknown notification is ignored.
func TestAbuseUnknownMethods(t *testing.T) {
	s := newRawSession(t, Config{}, "", false)
	u := s.openWordcount()
	for _, method := range []string{"blazes/nothing", "$/unknownRequest", "textDocument/typeDefinition", ""} {
		m := s.request(method, "{}")
		if m.Error == nil || m.Error.Code != int64(jsonrpc2.MethodNotFound) {
			if method == "" && m.Error != nil && m.Error.Code == int64(codeInvalidRequest) {
				continue // no method at all: not a request
			}
			t.Errorf("request %q: %v", method, m)
		}
	}
	for _, method := range []string{"blazes/nothing", "$/setTrace", "$/progress", "textDocument/didRename"} {
		s.notify(method, `{"value":1}`)
	}
	s.hoverOK(u, "unknown notifications")
	s.noPanics()
}

// TestAbuseWrongParams: params of the wrong type get InvalidParams;
// unknown documents and positions past the end get an error or an empty
// result; nothing panics.
func TestAbuseWrongParams(t *testing.T) {
	s := newRawSession(t, Config{}, "", false)
	u := s.openWordcount()
	s.hoverOK(u, "didOpen")
	qu := jsonString(u)
	nowhere := jsonString(s.uri("nowhere.blazes"))
	positional := map[string]bool{"textDocument/hover": true, "textDocument/definition": true, "textDocument/references": true,
		"textDocument/prepareRename": true, "textDocument/rename": true, "textDocument/completion": true}
	var methods []string
	for name, m := range New(Config{}).methods() {
		if !m.sync {
			methods = append(methods, name)
		}
	}
	type variant struct {
		params  string
		invalid bool // must be InvalidParams
		pos     bool // ... from the methods that read a position
	}
	variants := []variant{
		{`5`, true, false},
		{`"x"`, true, false},
		{`[1,2]`, true, false},
		{`{"textDocument":5,"position":{"line":0,"character":0}}`, true, false},
		{`{"textDocument":{"uri":5},"position":{"line":0,"character":0}}`, true, false},
		{`{"textDocument":{"uri":` + qu + `},"position":{"line":"zero","character":0}}`, true, true},
		{`{"textDocument":{"uri":` + qu + `},"position":{"line":-1,"character":0}}`, true, true},
		{`null`, false, false},
		{`{}`, false, false},
		{`{"textDocument":{"uri":"untitled:Untitled-1"},"position":{"line":0,"character":0}}`, false, false},
		{`{"textDocument":{"uri":` + nowhere + `},"position":{"line":0,"character":0}}`, false, false},
		{`{"textDocument":{"uri":` + qu + `},"position":{"line":100000,"character":4000000000},"newName":"X"}`, false, false},
		{`{"textDocument":{"uri":` + qu + `},"position":{"line":2,"character":999},"context":{"includeDeclaration":true}}`, false, false},
		{`{"textDocument":{"uri":` + qu + `},"range":{"start":{"line":9999,"character":0},"end":{"line":0,"character":99999}},"context":{"diagnostics":[]}}`, false, false},
		{`{"textDocument":{"uri":` + qu + `},"range":{"start":{"line":0,"character":0},"end":{"line":4294967295,"character":4294967295}}}`, false, false},
		{`{"command":"blazes.explain","arguments":[5,{"x":1},null]}`, false, false},
		{`{"command":"blazes.graph","arguments":[` + nowhere + `]}`, false, false},
		{`{"command":"rm -rf","arguments":[]}`, false, false},
		{`{"query":5}`, false, false},
	}
	for _, method := range methods {
		for _, v := range variants {
			m := s.request(method, v.params)
			if m.Error != nil && (m.Error.Code == int64(jsonrpc2.InternalError) || strings.Contains(m.Error.Message, "panic")) {
				t.Errorf("%s %s: %v", method, v.params, m)
			}
			if v.invalid && (!v.pos || positional[method]) && (m.Error == nil || m.Error.Code != int64(jsonrpc2.InvalidParams)) {
				if method == "workspace/symbol" && strings.HasPrefix(v.params, "{") {
					continue // no textDocument in its params: the other fields are ignored
				}
				if method == "workspace/executeCommand" && strings.HasPrefix(v.params, "{") {
					continue
				}
				t.Errorf("%s %s: want InvalidParams, got %v", method, v.params, m)
			}
		}
	}
	// Notifications with wrong params, edits to closed and unknown
	// documents: logged, never fatal.
	for _, n := range []struct{ method, params string }{
		{"textDocument/didOpen", `5`},
		{"textDocument/didOpen", `{"textDocument":{"uri":5,"text":7}}`},
		{"textDocument/didChange", `{"textDocument":5,"contentChanges":[]}`},
		{"textDocument/didChange", `{"textDocument":{"uri":` + nowhere + `,"version":3},"contentChanges":[{"text":"x"}]}`},
		{"textDocument/didChange", `{"textDocument":{"uri":` + qu + `,"version":2},"contentChanges":[{"range":{"start":{"line":-1,"character":0},"end":{"line":0,"character":0}},"text":"x"}]}`},
		{"textDocument/didChange", `{"textDocument":{"uri":` + qu + `,"version":2},"contentChanges":5}`},
		{"textDocument/didClose", `{"textDocument":{"uri":` + nowhere + `}}`},
		{"textDocument/didSave", `[]`},
		{"workspace/didChangeWatchedFiles", `{"changes":[{"uri":5,"type":"x"}]}`},
		{"workspace/didChangeWatchedFiles", `{"changes":[{"uri":` + nowhere + `,"type":3}]}`},
		{"workspace/didChangeConfiguration", `{"settings":{"blazes":{"inlayHints":"yes"}}}`},
		{"workspace/didChangeWorkspaceFolders", `{"event":{"added":[{"uri":"file:///definitely/not/here","name":"x"}]}}`},
		{"$/cancelRequest", `{"id":{"nested":true}}`},
	} {
		s.notify(n.method, n.params)
	}
	s.hoverOK(u, "bad notifications")
	s.noPanics()
}

// serverGoroutines lists the goroutines still running server code.
func serverGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "blazes/server.(*Server)") || strings.Contains(g, "blazes/server.(*workspace)") ||
			strings.Contains(g, "blazes/server.(*queued)") || strings.Contains(g, "blazes/server.(*frameStream)") {
			out = append(out, g)
		}
	}
	return out
}

// waitNoServerGoroutines polls until no server goroutine is left.
func waitNoServerGoroutines(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(leakGuard)
	for {
		left := serverGoroutines()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d server goroutines left after the client vanished:\n%s", len(left), strings.Join(left, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestAbuseClientVanishes: the client closes the pipes while a request is
// in flight (waiting for an analysis) and while a request of the server to
// the client is unanswered: the server ends with status 1, and no server
// goroutine outlives it.
func TestAbuseClientVanishes(t *testing.T) {
	waitNoServerGoroutines(t) // those of earlier tests
	gate := make(chan struct{})
	entered := make(chan struct{}, 100)
	eng := DefaultEngine()
	update := eng.Update
	eng.Update = func(s *analysis.Session, root string, o analysis.Options) *analysis.Result {
		entered <- struct{}{}
		<-gate
		return update(s, root, o)
	}
	caps := `{"workspace":{"didChangeWatchedFiles":{"dynamicRegistration":true},"inlayHint":{"refreshSupport":true}}}`
	s := newRawSession(t, Config{Engine: eng, RequestWait: time.Hour}, caps, true)
	u := s.openWordcount()
	select {
	case <-entered:
	case <-time.After(guard):
		t.Fatal("analysis did not start")
	}
	l, ch := lineOf(wordcountUnsealed, "Splitter {")
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{"textDocument":{"uri":%s},"position":{"line":%d,"character":%d}}}`, jsonString(u), l, ch)
	if err := s.send(frame(body)); err != nil {
		t.Fatal(err)
	}
	// A second request makes sure the first was read (requests are read
	// in order) before the client goes away.
	if m := s.request("textDocument/definition", `5`); m.Error == nil {
		t.Fatalf("definition with bad params answered %v", m)
	}
	// Wait until the server's registerCapability is out (unanswered).
	for deadline := time.Now().Add(guard); ; time.Sleep(5 * time.Millisecond) {
		s.mu.Lock()
		n := len(s.calls)
		s.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no request from the server to the client")
		}
	}
	s.mu.Lock()
	calls := append([]string(nil), s.calls...)
	s.mu.Unlock()
	s.close()
	select {
	case code := <-s.exit:
		if code != 1 {
			t.Errorf("exit code %d after the client vanished, want 1", code)
		}
	case <-time.After(guard):
		t.Fatal("server did not end after the client vanished")
	}
	close(gate) // the analysis in flight finishes into a closed connection
	waitNoServerGoroutines(t)
	s.noPanics()
	t.Logf("server requests unanswered at the end: %v", calls)
}

// TestAbuseBinary: the real `blazes serve` over its stdin and stdout gets
// malformed frames, then answers a hover; closing stdin while a request
// is in flight ends it with status 1 and no panic.
func TestAbuseBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "blazes")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/blazes").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	cmd := exec.Command(bin, "serve", "--log-level", "warn")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	defer func() {
		select {
		case <-waited:
		default:
			_ = cmd.Process.Kill()
		}
	}()
	c := newRawClient(t, stdout, stdin)
	if m := c.request("initialize", fmt.Sprintf(`{"processId":%d,"rootUri":%s,"capabilities":{}}`, os.Getpid(), jsonString(fileURI(dir)))); m.Error != nil {
		t.Fatalf("initialize: %v\n%s", m, stderr.String())
	}
	c.notify("initialized", "{}")
	u := fileURI(filepath.Join(dir, "wc.blazes"))
	c.notify("textDocument/didOpen", fmt.Sprintf(`{"textDocument":{"uri":%s,"languageId":"blazes","version":1,"text":%s}}`, jsonString(u), jsonString(wordcountUnsealed)))
	l, ch := lineOf(wordcountUnsealed, "Splitter {")
	hover := fmt.Sprintf(`{"textDocument":{"uri":%s},"position":{"line":%d,"character":%d}}`, jsonString(u), l, ch+2)
	for _, raw := range []string{
		"Content-Length: abc\r\n\r\n{}",
		"Content-Length: -1\r\n\r\n",
		`{"no":"header"}`,
		frame("not json"),
		frame(`{"jsonrpc":"2.0","id":1,"method":"textDocument/hov`),
	} {
		if err := c.send(raw); err != nil {
			t.Fatal(err)
		}
		if m := c.request("textDocument/hover", hover); m.Error != nil || !strings.Contains(string(m.Result), "Splitter") {
			t.Fatalf("after %q: hover %v\n%s", raw, m, stderr.String())
		}
	}
	if m := c.request("blazes/unknown", "{}"); m.Error == nil || m.Error.Code != int64(jsonrpc2.MethodNotFound) {
		t.Errorf("unknown method: %v", m)
	}
	if m := c.request("textDocument/hover", `{"textDocument":7}`); m.Error == nil || m.Error.Code != int64(jsonrpc2.InvalidParams) {
		t.Errorf("wrong params: %v", m)
	}
	// In flight: the client vanishes.
	_ = c.send(frame(`{"jsonrpc":"2.0","id":9,"method":"textDocument/semanticTokens/full","params":{"textDocument":{"uri":` + jsonString(u) + `}}}`))
	stdin.Close()
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		var ee *exec.ExitError
		if err == nil || !errorsAs(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("exit after stdin closed: %v\n%s", err, stderr.String())
		}
		waited <- err
	case <-time.After(guard):
		t.Fatalf("blazes serve did not exit after stdin closed\n%s", stderr.String())
	}
	log := stderr.String()
	if strings.Contains(log, "panic") || strings.Contains(log, "goroutine ") {
		t.Errorf("stderr:\n%s", log)
	}
	if !strings.Contains(log, "dropped") {
		t.Errorf("malformed frames not logged:\n%s", log)
	}
}

// TestQuickFixesReplaceOnlyTheirRanges: every quick fix offered on the
// word count and on testdata/rules/*.blazes (code actions over the whole
// document) names ranges that exist in the document and do not overlap;
// applied as the client would (one didChange per edit, last first), the
// server's text is the reference model's, every byte outside the edited
// ranges is kept, and the result re-analyses without a syntax error.
func TestQuickFixesReplaceOnlyTheirRanges(t *testing.T) {
	files := map[string]string{"wordcount.blazes": wordcountUnsealed}
	root := filepath.Join("..", "testdata", "rules")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".blazes") {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	for n, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sess := newSoakSession(t, dir)
	c := sess.client
	var names []string
	for n := range files {
		if !strings.Contains(n, "/") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	fixes, survived := 0, 0
	for _, name := range names {
		orig := files[name]
		c.open(name, orig)
		p0 := c.waitDiags(name, atVersion(1))
		syntaxBefore := hasCode(p0, analysis.CodeSyntax)
		var actions []protocol.CodeAction
		c.call("textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": c.uri(name)},
			"range":        rng(0, 0, strings.Count(orig, "\n")+1, 0),
			"context":      map[string]any{"diagnostics": p0.Diagnostics},
		}, &actions)
		for _, a := range actions {
			if a.Kind != protocol.QuickFix || a.Edit == nil {
				continue
			}
			fixes++
			// Apply to every file the edit names, in the reference model.
			texts := map[string]string{}
			for u, edits := range a.Edit.Changes {
				path := uriPath(string(u))
				rel, err := filepath.Rel(c.dir, path)
				if err != nil || strings.HasPrefix(rel, "..") {
					t.Fatalf("%s: %q edits %s, outside the workspace", name, a.Title, u)
				}
				text, ok := files[filepath.ToSlash(rel)]
				if !ok {
					t.Fatalf("%s: %q edits unknown file %s", name, a.Title, u)
				}
				out, kept := applyEditsChecked(t, name+": "+a.Title, text, edits)
				survived += kept
				texts[path] = out
			}
			// Through the server: the open document gets the edits as
			// incremental changes, last first.
			self := c.path(name)
			if want, ok := texts[self]; ok {
				edits := append([]protocol.TextEdit(nil), a.Edit.Changes[uri.URI(c.uri(name))]...)
				sortEdits(edits)
				var changes []any
				for i := len(edits) - 1; i >= 0; i-- {
					changes = append(changes, map[string]any{"range": edits[i].Range, "text": edits[i].NewText})
				}
				c.mu.Lock()
				c.versions[name]++
				v := c.versions[name]
				c.mu.Unlock()
				c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": c.uri(name), "version": v}, "contentChanges": changes})
				p := c.waitDiags(name, atVersion(v))
				got := serverDocText(sess, name)
				if got != want {
					t.Errorf("%s: %q: the server's text after the edits\n%q\nwant\n%q", name, a.Title, got, want)
				}
				if hasCode(p, analysis.CodeSyntax) && !syntaxBefore {
					t.Errorf("%s: %q leaves a syntax error: %s\n%s", name, a.Title, mustJSON(p.Diagnostics), want)
				}
				// Back to the original for the next fix.
				v = c.change(name, nil, orig)
				c.waitDiags(name, atVersion(v))
			}
			// A cold analysis of the fixed files agrees.
			fsys := mapFS{}
			for p, t := range texts {
				fsys[p] = []byte(t)
			}
			prog := analysis.Load(self, analysis.Options{FS: fsys, Root: c.dir})
			for _, d := range prog.Diagnostics {
				if _, edited := texts[d.File]; edited && d.Code == analysis.CodeSyntax && !syntaxBefore {
					t.Errorf("%s: %q: cold analysis finds %s %s in %s", name, a.Title, d.Code, d.Message, d.File)
				}
			}
		}
		c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": c.uri(name)}})
	}
	if fixes == 0 {
		t.Fatal("no quick fix offered at all")
	}
	t.Logf("%d quick fixes on %d files applied; %d bytes outside their ranges checked", fixes, len(names), survived)
}

// serverDocText is the server's text of an open document.
func serverDocText(s *soakSession, name string) string {
	w := s.srv.ws
	w.mu.Lock()
	defer w.mu.Unlock()
	if f := w.files[s.path(name)]; f != nil {
		return string(f.text)
	}
	return ""
}

func sortEdits(edits []protocol.TextEdit) {
	sort.SliceStable(edits, func(i, j int) bool {
		a, b := edits[i].Range.Start, edits[j].Range.Start
		return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
	})
}

// applyEditsChecked applies LSP text edits to text by the reference model
// and checks that their ranges exist (no position past the end of a line
// or inside a surrogate pair or a "\r\n") and do not overlap. It returns
// the result and the number of bytes outside the ranges, all of which it
// checks survive in order.
func applyEditsChecked(t *testing.T, what, text string, edits []protocol.TextEdit) (string, int) {
	t.Helper()
	edits = append([]protocol.TextEdit(nil), edits...)
	sortEdits(edits)
	type span struct {
		s, e int
		text string
	}
	var spans []span
	lt := grammar.NewLineTable([]byte(text))
	for _, e := range edits {
		s, end := refOffset(text, e.Range.Start), refOffset(text, e.Range.End)
		for _, p := range []protocol.Position{e.Range.Start, e.Range.End} {
			off := refOffset(text, p)
			if back := lsppos.Of(lt, grammar.Pos(off)); back.Line != int(p.Line) || back.Character != int(p.Character) {
				t.Errorf("%s: position %d:%d does not exist in the text (nearest %d:%d)", what, p.Line, p.Character, back.Line, back.Character)
			}
		}
		if end < s {
			t.Errorf("%s: range %v ends before it starts", what, e.Range)
			s, end = end, s
		}
		if len(spans) > 0 && s < spans[len(spans)-1].e {
			t.Errorf("%s: edits overlap at %v", what, e.Range)
		}
		spans = append(spans, span{s, end, e.NewText})
	}
	var out strings.Builder
	prev, kept := 0, 0
	for _, sp := range spans {
		out.WriteString(text[prev:sp.s])
		kept += sp.s - prev
		out.WriteString(sp.text)
		prev = max(prev, sp.e)
	}
	out.WriteString(text[prev:])
	kept += len(text) - prev
	res := out.String()
	// Every byte outside the ranges survives, in order, between the
	// replacements.
	at := 0
	prev = 0
	for _, sp := range spans {
		seg := text[prev:sp.s]
		if !strings.HasPrefix(res[at:], seg) {
			t.Errorf("%s: text before offset %d lost", what, sp.s)
		}
		at += len(seg) + len(sp.text)
		prev = max(prev, sp.e)
	}
	if res[at:] != text[prev:] {
		t.Errorf("%s: the text after the last edit was lost", what)
	}
	return res, kept
}
