package lspbench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// fakeServer is a tiny language server speaking the protocol over pipes.
// It asks the client the questions gopls asks during initialize and
// publishes diagnostics after every change: the number of diagnostics is
// the number of times "Targetx" occurs in the text.
type fakeServer struct {
	t           *testing.T
	r           *bufio.Reader
	w           io.Writer
	versioned   bool // put the version in publications
	stale       bool // publish an out-of-date version before each answer
	skipVersion func(v int32) bool

	mu      sync.Mutex
	text    string
	texts   []string // text after each change
	answers map[string]json.RawMessage
	nextID  int
}

func (s *fakeServer) send(m map[string]any) {
	m["jsonrpc"] = "2.0"
	b, _ := json.Marshal(m)
	if err := writeFrame(s.w, b); err != nil {
		s.t.Errorf("fake server write: %v", err)
	}
}

func (s *fakeServer) publish(uri string, version int32, n int) {
	p := map[string]any{"uri": uri, "diagnostics": make([]map[string]any, n)}
	for i := range n {
		p["diagnostics"].([]map[string]any)[i] = map[string]any{"range": lspRange(0, 0, 0, 1), "message": "unknown Targetx"}
	}
	if s.versioned {
		p["version"] = version
	}
	s.send(map[string]any{"method": "textDocument/publishDiagnostics", "params": p})
}

// call sends a request and reads until its response (the client sends
// nothing else meanwhile: it is waiting for initialize).
func (s *fakeServer) call(method string, params any) json.RawMessage {
	s.nextID++
	id := s.nextID
	s.send(map[string]any{"id": id, "method": method, "params": params})
	body, err := readFrame(s.r)
	if err != nil {
		s.t.Fatalf("fake server: reading the answer to %s: %v", method, err)
	}
	var m message
	if err := json.Unmarshal(body, &m); err != nil || string(m.ID) != jsonInt(id) {
		s.t.Fatalf("fake server: want the answer to %s, got %s", method, body)
	}
	s.answers[method] = m.Result
	return m.Result
}

func jsonInt(i int) string { b, _ := json.Marshal(i); return string(b) }

// offset converts an LSP position (UTF-16 character) to a byte offset.
func offset(text string, line, char int) int {
	off := 0
	for l := 0; l < line; l++ {
		off += strings.IndexByte(text[off:], '\n') + 1
	}
	for units := 0; units < char; {
		r, size := utf8.DecodeRuneInString(text[off:])
		units += len(utf16.Encode([]rune{r}))
		off += size
	}
	return off
}

func (s *fakeServer) serve() {
	defer func() {
		if c, ok := s.w.(io.Closer); ok {
			c.Close()
		}
	}()
	for {
		body, err := readFrame(s.r)
		if err != nil {
			return
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			s.t.Errorf("fake server: bad message %s", body)
			return
		}
		switch m.Method {
		case "initialize":
			var p struct {
				RootURI          string `json:"rootUri"`
				WorkspaceFolders []struct {
					URI string `json:"uri"`
				} `json:"workspaceFolders"`
				Capabilities struct {
					TextDocument struct {
						PublishDiagnostics struct {
							VersionSupport bool `json:"versionSupport"`
						} `json:"publishDiagnostics"`
					} `json:"textDocument"`
				} `json:"capabilities"`
			}
			_ = json.Unmarshal(m.Params, &p)
			if !p.Capabilities.TextDocument.PublishDiagnostics.VersionSupport {
				s.t.Errorf("client does not advertise versionSupport")
			}
			if len(p.WorkspaceFolders) != 1 || p.WorkspaceFolders[0].URI != p.RootURI {
				s.t.Errorf("workspace folders %+v, root %s", p.WorkspaceFolders, p.RootURI)
			}
			// What gopls asks before it answers.
			s.call("workspace/configuration", map[string]any{"items": []any{map[string]any{"section": "gopls"}, map[string]any{"section": "other"}}})
			s.call("window/workDoneProgress/create", map[string]any{"token": "t1"})
			s.call("client/registerCapability", map[string]any{"registrations": []any{}})
			s.send(map[string]any{"method": "window/logMessage", "params": map[string]any{"type": 3, "message": "hello"}})
			s.send(map[string]any{"id": m.ID, "result": map[string]any{
				"capabilities": map[string]any{"textDocumentSync": map[string]any{"openClose": true, "change": 2}},
				"serverInfo":   map[string]any{"name": "fake", "version": `{"Version":"v9.9.9","Path":"x"}`},
			}})
		case "textDocument/didOpen":
			var p struct {
				TextDocument struct {
					URI     string `json:"uri"`
					Version int32  `json:"version"`
					Text    string `json:"text"`
				} `json:"textDocument"`
			}
			_ = json.Unmarshal(m.Params, &p)
			s.mu.Lock()
			s.text = p.TextDocument.Text
			s.mu.Unlock()
			s.publish("file:///elsewhere/other.blazes", 7, 3) // another file: ignored
			s.publish(p.TextDocument.URI, p.TextDocument.Version, strings.Count(p.TextDocument.Text, "Targetx"))
		case "textDocument/didChange":
			var p struct {
				TextDocument struct {
					URI     string `json:"uri"`
					Version int32  `json:"version"`
				} `json:"textDocument"`
				ContentChanges []struct {
					Range *struct {
						Start struct{ Line, Character int } `json:"start"`
						End   struct{ Line, Character int } `json:"end"`
					} `json:"range"`
					Text string `json:"text"`
				} `json:"contentChanges"`
			}
			_ = json.Unmarshal(m.Params, &p)
			s.mu.Lock()
			for _, ch := range p.ContentChanges {
				if ch.Range == nil {
					s.t.Errorf("change without a range to an incremental server")
					s.text = ch.Text
					continue
				}
				a := offset(s.text, ch.Range.Start.Line, ch.Range.Start.Character)
				b := offset(s.text, ch.Range.End.Line, ch.Range.End.Character)
				s.text = s.text[:a] + ch.Text + s.text[b:]
			}
			s.texts = append(s.texts, s.text)
			text := s.text
			s.mu.Unlock()
			v := p.TextDocument.Version
			if s.skipVersion != nil && s.skipVersion(v) {
				continue
			}
			if s.stale {
				s.publish(p.TextDocument.URI, v-1, 5)
			}
			s.publish(p.TextDocument.URI, v, strings.Count(text, "Targetx"))
		case "shutdown":
			s.send(map[string]any{"id": m.ID, "result": nil})
		case "exit":
			return
		}
	}
}

// session runs the harness against a fake server in-process.
func session(t *testing.T, cfg Config, fs *fakeServer) (*Result, error) {
	t.Helper()
	c2sR, c2sW := io.Pipe()
	s2cR, s2cW := io.Pipe()
	fs.t, fs.r, fs.w, fs.answers = t, bufio.NewReader(c2sR), s2cW, map[string]json.RawMessage{}
	done := make(chan struct{})
	go func() { defer close(done); fs.serve() }()
	res, err := Run(context.Background(), cfg, s2cR, c2sW, func() (int64, error) { return 1234, nil })
	c2sW.Close()
	<-done
	return res, err
}

const doc = "dataflow d\n\n// 𝄞 é: non-ASCII before the place\nstream 𝄞é -> Target.in\nstream a -> Other.in\n"

func writeDoc(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "d.blazes")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSessionAgainstFakeServer(t *testing.T) {
	fs := &fakeServer{versioned: true, stale: true}
	cfg := Config{File: writeDoc(t), LanguageID: "blazes", At: []string{`-> Target`}, Edits: 8, Warmup: 2, Timeout: 5 * time.Second}
	res, err := session(t, cfg, fs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Edits != 8 || res.Timeouts != 0 || res.Latency.N != 8 || len(res.Samples) != 8 {
		t.Errorf("edits %d, timeouts %d, samples %d/%d; want 8, 0, 8", res.Edits, res.Timeouts, res.Latency.N, len(res.Samples))
	}
	if !res.Versioned || res.SyncKind != 2 || res.FirstDiagnosticsTimeout {
		t.Errorf("versioned %v, sync %d, first diagnostics timed out %v", res.Versioned, res.SyncKind, res.FirstDiagnosticsTimeout)
	}
	if res.StalePublications != 10 {
		t.Errorf("%d stale publications skipped, want 10 (one per edit)", res.StalePublications)
	}
	if res.DiagnosticsAfterInsert != 1 || res.DiagnosticsAfterDelete != 0 {
		t.Errorf("diagnostics after insert %d, after delete %d; want 1 and 0", res.DiagnosticsAfterInsert, res.DiagnosticsAfterDelete)
	}
	if res.ServerName != "fake" || res.ServerVer != "v9.9.9" || res.PeakRSSKiB != 1234 {
		t.Errorf("server %q %q, peak %d", res.ServerName, res.ServerVer, res.PeakRSSKiB)
	}
	// The place is in UTF-16 code units: 𝄞 counts two.
	if len(res.Places) != 1 || res.Places[0].Line != 3 || res.Places[0].Character != len(utf16.Encode([]rune("stream 𝄞é -> Target"))) {
		t.Errorf("places %+v", res.Places)
	}
	want := strings.Replace(doc, "-> Target.in", "-> Targetx.in", 1)
	for i, text := range fs.texts {
		w := want
		if i%2 == 1 {
			w = doc
		}
		if text != w {
			t.Fatalf("text after change %d:\n%s\nwant:\n%s", i+1, text, w)
		}
	}
	if len(fs.texts) != 10 {
		t.Errorf("%d changes, want 10", len(fs.texts))
	}
	// The server's requests were answered as an editor would.
	if got := string(fs.answers["workspace/configuration"]); got != "[null,null]" {
		t.Errorf("workspace/configuration answered %s, want [null,null]", got)
	}
	for _, m := range []string{"window/workDoneProgress/create", "client/registerCapability"} {
		if got := string(fs.answers[m]); got != "null" {
			t.Errorf("%s answered %s, want null", m, got)
		}
	}
	wantReq := map[string]int{"workspace/configuration": 1, "window/workDoneProgress/create": 1, "client/registerCapability": 1}
	if !reflect.DeepEqual(res.ServerRequests, wantReq) {
		t.Errorf("server requests %v, want %v", res.ServerRequests, wantReq)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Error(err)
	}
}

// A server that skips some publications: those edits time out and are
// counted, and the session goes on.
func TestTimeoutsCounted(t *testing.T) {
	fs := &fakeServer{versioned: true, skipVersion: func(v int32) bool { return v == 4 || v == 7 }}
	cfg := Config{File: writeDoc(t), LanguageID: "blazes", At: []string{`-> Target`}, Edits: 8, Warmup: 0, Timeout: 100 * time.Millisecond}
	res, err := session(t, cfg, fs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Edits != 8 || res.Timeouts != 2 || res.Latency.N != 6 {
		t.Errorf("edits %d, timeouts %d, samples %d; want 8, 2, 6", res.Edits, res.Timeouts, res.Latency.N)
	}
}

// Without versions in publications the first one after the edit counts.
func TestUnversionedServer(t *testing.T) {
	fs := &fakeServer{versioned: false}
	cfg := Config{File: writeDoc(t), LanguageID: "blazes", At: []string{"5:13", `-> Target`}, Edits: 6, Warmup: 1, Timeout: 5 * time.Second}
	res, err := session(t, cfg, fs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Versioned || res.Edits != 6 || res.Timeouts != 0 {
		t.Errorf("versioned %v, edits %d, timeouts %d", res.Versioned, res.Edits, res.Timeouts)
	}
	// Edits cycle over the places: 5:13 is after "stream a -> " on line 5.
	if len(res.Places) != 2 || res.Places[0].Line != 4 || res.Places[0].Character != 12 {
		t.Errorf("places %+v", res.Places)
	}
	if got := fs.texts[0]; !strings.Contains(got, "stream a -> xOther.in") {
		t.Errorf("first change gave %q", got)
	}
	if got := fs.texts[2]; !strings.Contains(got, "-> Targetx.in") {
		t.Errorf("third change gave %q", got)
	}
}

func ds(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Millisecond
	}
	return out
}

func TestSummarise(t *testing.T) {
	var hundred []int
	for i := 100; i >= 1; i-- { // unsorted on purpose
		hundred = append(hundred, i)
	}
	s := Summarise(ds(hundred...))
	if s.N != 100 || s.Median != 50500*time.Microsecond || s.P95 != 95*time.Millisecond || s.P99 != 99*time.Millisecond ||
		s.Min != time.Millisecond || s.Max != 100*time.Millisecond || s.Mean != 50500*time.Microsecond {
		t.Errorf("1..100: %+v", s)
	}
	s = Summarise(ds(7, 1, 3))
	if s.Median != 3*time.Millisecond || s.P95 != 7*time.Millisecond || s.P99 != 7*time.Millisecond {
		t.Errorf("{7,1,3}: %+v", s)
	}
	// 20 samples: p95 is the 19th, p99 the 20th.
	var twenty []int
	for i := 1; i <= 20; i++ {
		twenty = append(twenty, i*10)
	}
	s = Summarise(ds(twenty...))
	if s.P95 != 190*time.Millisecond || s.P99 != 200*time.Millisecond || s.Median != 105*time.Millisecond {
		t.Errorf("10..200: %+v", s)
	}
	if s := Summarise(nil); s.N != 0 || s.P99 != 0 {
		t.Errorf("empty: %+v", s)
	}
	in := ds(3, 1, 2)
	Summarise(in)
	if !reflect.DeepEqual(in, ds(3, 1, 2)) {
		t.Error("Summarise sorted its input")
	}
}

func TestFraming(t *testing.T) {
	var buf bytes.Buffer
	if err := writeFrame(&buf, []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "Content-Length: 7\r\n\r\n{\"a\":1}" {
		t.Errorf("frame %q", buf.String())
	}
	// Other headers are ignored, the header name is case-insensitive, and
	// bodies may hold anything including newlines.
	in := "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: 9\r\n\r\n{\"b\":\n2}\nContent-Length: 2\r\n\r\n{}"
	r := bufio.NewReader(iotest{strings.NewReader(in)})
	for _, want := range []string{"{\"b\":\n2}\n", "{}"} {
		got, err := readFrame(r)
		if err != nil || string(got) != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
	if _, err := readFrame(r); err != io.EOF {
		t.Errorf("at the end: %v, want EOF", err)
	}
	if _, err := readFrame(bufio.NewReader(strings.NewReader("X: 1\r\n\r\n"))); err == nil {
		t.Error("a frame without Content-Length was accepted")
	}
}

// iotest reads one byte at a time, to split frames anywhere.
type iotest struct{ r io.Reader }

func (o iotest) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

func TestSplitCommand(t *testing.T) {
	for in, want := range map[string][]string{
		"gopls":                               {"gopls"},
		"  blazes   serve --log-level debug ": {"blazes", "serve", "--log-level", "debug"},
		`sh -c 'exec gopls -rpc.trace'`:       {"sh", "-c", "exec gopls -rpc.trace"},
		`a "b c" d\ e`:                        {"a", "b c", "d e"},
	} {
		got, err := SplitCommand(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := SplitCommand(`a 'b`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func TestResolvePlace(t *testing.T) {
	text := "ab\nx𝄞yz\n"
	off, err := resolvePlace(text, "2:3")
	if err != nil || text[off:] != "yz\n" {
		t.Errorf("2:3 -> %d %v", off, err)
	}
	if p := placeAt(text, off); p.Line != 1 || p.Character != 3 {
		t.Errorf("place %+v, want 1:3 (UTF-16)", p)
	}
	for _, bad := range []string{"3:2", "2:9", "0:1", "nomatch", "(["} {
		if _, err := resolvePlace(text, bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// A regexp: the first match in the second half; group 1 marks the place.
	text = "f(a)\nf(b)\nf(c)\nf(d)\n"
	off, _ = resolvePlace(text, `f\((\w)`)
	if text[off:off+1] != "c" {
		t.Errorf("regexp place at %q", text[off:])
	}
	off, _ = resolvePlace(text, `f\(\w`)
	if text[off:off+1] != ")" || text[off-1:off] != "c" {
		t.Errorf("regexp end place at %q", text[off:])
	}
}

func TestGoSourceLines(t *testing.T) {
	for _, n := range []int{40, 636, 6454} {
		src := GoSource(n, n == 636)
		if got := Lines(src); got != n {
			t.Errorf("GoSource(%d) has %d lines", n, got)
		}
		if !bytes.Contains(src, []byte("func main() {")) {
			t.Errorf("GoSource(%d) has no main", n)
		}
	}
}
