// Package lspbench drives a language server over stdio the way an editor
// does — initialize, initialized, didOpen, then a scripted typing session
// of incremental didChange notifications — and measures how long each
// keystroke takes to come back as textDocument/publishDiagnostics.
//
// It speaks JSON-RPC 2.0 with LSP's Content-Length framing itself (a few
// dozen lines) rather than through a JSON-RPC library, so that it sees
// every message raw: the version field of publishDiagnostics, the server's
// own requests (which it must answer or servers such as gopls stall), and
// the exact time each frame arrived.
package lspbench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// message is any JSON-RPC 2.0 message: a request (ID and Method), a
// notification (Method only) or a response (ID, Result or Error).
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("jsonrpc error %d: %s", e.Code, e.Message) }

// readFrame reads one Content-Length framed message body.
func readFrame(r *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if err == io.EOF && line == "" && length < 0 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("reading header: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if length < 0 {
				return nil, errors.New("frame without Content-Length")
			}
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("bad header line %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	return body, nil
}

// writeFrame writes body with its Content-Length header.
func writeFrame(w io.Writer, body []byte) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Content-Length: %d\r\n\r\n", len(body))
	buf.Write(body)
	_, err := w.Write(buf.Bytes())
	return err
}

// diagEvent is one textDocument/publishDiagnostics as received.
type diagEvent struct {
	URI     string
	Version *int32 // nil: the server sent no version
	Count   int    // number of diagnostics
	At      time.Time
}

// client is the editor side of a connection.
type client struct {
	w  io.Writer
	wm sync.Mutex // serialises frames

	mu      sync.Mutex
	nextID  int
	pending map[string]chan *message // request id -> its response
	diags   []diagEvent              // publishDiagnostics not yet consumed
	notify  chan struct{}            // closed and replaced when diags grows
	err     error                    // why the read loop stopped
	done    chan struct{}            // closed when the read loop stops

	// folders answers workspace/workspaceFolders.
	folders any
	// serverRequests counts the server's requests by method.
	serverRequests map[string]int
	// logf, when set, receives a line per unusual event.
	logf func(format string, args ...any)
}

func newClient(r io.Reader, w io.Writer, folders any, logf func(string, ...any)) *client {
	c := &client{
		w:              w,
		pending:        map[string]chan *message{},
		notify:         make(chan struct{}),
		done:           make(chan struct{}),
		folders:        folders,
		serverRequests: map[string]int{},
		logf:           logf,
	}
	go c.readLoop(bufio.NewReaderSize(r, 1<<16))
	return c
}

func (c *client) log(format string, args ...any) {
	if c.logf != nil {
		c.logf(format, args...)
	}
}

func (c *client) readLoop(r *bufio.Reader) {
	var err error
	defer func() {
		c.mu.Lock()
		c.err = err
		for id, ch := range c.pending {
			close(ch)
			delete(c.pending, id)
		}
		c.mu.Unlock()
		close(c.done)
	}()
	for {
		var body []byte
		body, err = readFrame(r)
		if err != nil {
			return
		}
		at := time.Now()
		var m message
		if e := json.Unmarshal(body, &m); e != nil {
			c.log("unparsable message from server: %v", e)
			continue
		}
		switch {
		case m.Method != "" && len(m.ID) > 0 && string(m.ID) != "null":
			c.answer(&m)
		case m.Method != "":
			c.notification(&m, at)
		case len(m.ID) > 0:
			c.mu.Lock()
			ch := c.pending[string(m.ID)]
			delete(c.pending, string(m.ID))
			c.mu.Unlock()
			if ch != nil {
				ch <- &m
			}
		}
	}
}

// debugPublications logs every publication (LSPBENCH_DEBUG=1).
var debugPublications = os.Getenv("LSPBENCH_DEBUG") != ""

// answer replies to a request from the server. An editor that does not
// answer workspace/configuration or window/workDoneProgress/create leaves
// gopls waiting, so every request gets a harmless answer.
func (c *client) answer(m *message) {
	c.mu.Lock()
	c.serverRequests[m.Method]++
	c.mu.Unlock()
	var result any
	switch m.Method {
	case "workspace/configuration":
		var p struct {
			Items []json.RawMessage `json:"items"`
		}
		_ = json.Unmarshal(m.Params, &p)
		result = make([]any, len(p.Items)) // null for each item: the defaults
	case "workspace/workspaceFolders":
		result = c.folders
	case "workspace/applyEdit":
		result = map[string]any{"applied": false, "failureReason": "lspbench applies no edits"}
	default:
		// client/registerCapability, client/unregisterCapability,
		// window/workDoneProgress/create, window/showMessageRequest,
		// workspace/*/refresh and anything else: null.
		result = nil
	}
	b, _ := json.Marshal(result)
	if err := c.send(&message{JSONRPC: "2.0", ID: m.ID, Result: b}); err != nil {
		c.log("answering %s: %v", m.Method, err)
	}
}

func (c *client) notification(m *message, at time.Time) {
	if m.Method != "textDocument/publishDiagnostics" {
		return // window/logMessage, $/progress, telemetry/event, ...
	}
	var p struct {
		URI         string            `json:"uri"`
		Version     *int32            `json:"version"`
		Diagnostics []json.RawMessage `json:"diagnostics"`
	}
	if err := json.Unmarshal(m.Params, &p); err != nil {
		c.log("bad publishDiagnostics: %v", err)
		return
	}
	if c.logf != nil && debugPublications {
		v := "none"
		if p.Version != nil {
			v = strconv.Itoa(int(*p.Version))
		}
		c.logf("publishDiagnostics %s version %s: %d diagnostics", p.URI, v, len(p.Diagnostics))
	}
	c.mu.Lock()
	c.diags = append(c.diags, diagEvent{URI: p.URI, Version: p.Version, Count: len(p.Diagnostics), At: at})
	close(c.notify)
	c.notify = make(chan struct{})
	c.mu.Unlock()
}

func (c *client) send(m *message) error {
	m.JSONRPC = "2.0"
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	c.wm.Lock()
	defer c.wm.Unlock()
	return writeFrame(c.w, b)
}

// Notify sends a notification.
func (c *client) Notify(method string, params any) error {
	b, err := json.Marshal(params)
	if err != nil {
		return err
	}
	return c.send(&message{Method: method, Params: b})
}

// Call sends a request and waits for its response; result may be nil.
func (c *client) Call(ctx context.Context, method string, params, result any) error {
	b, err := json.Marshal(params)
	if err != nil {
		return err
	}
	ch := make(chan *message, 1)
	c.mu.Lock()
	if c.err != nil || isClosed(c.done) {
		err := c.err
		c.mu.Unlock()
		return fmt.Errorf("connection closed: %v", err)
	}
	c.nextID++
	id := json.RawMessage(strconv.Itoa(c.nextID))
	c.pending[string(id)] = ch
	c.mu.Unlock()
	if err := c.send(&message{ID: id, Method: method, Params: b}); err != nil {
		return err
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return fmt.Errorf("%s: connection closed before the response: %v", method, c.readErr())
		}
		if m.Error != nil {
			return fmt.Errorf("%s: %w", method, m.Error)
		}
		if result != nil && len(m.Result) > 0 {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.pending, string(id))
		c.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (c *client) readErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// errTimeout is returned by waitDiags when no matching publication came.
var errTimeout = errors.New("timed out waiting for diagnostics")

// waitDiags consumes publications until one for uri matches: a versioned
// one whose version is at least minVersion, or an unversioned one received
// at or after since (servers that do not send versions). Publications that
// do not match are dropped. It returns the matching event and how many
// publications for uri it dropped on the way.
func (c *client) waitDiags(ctx context.Context, uri string, minVersion int32, since time.Time, timeout time.Duration) (diagEvent, int, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	skipped := 0
	for {
		c.mu.Lock()
		for len(c.diags) > 0 {
			ev := c.diags[0]
			c.diags = c.diags[1:]
			if ev.URI != uri {
				continue
			}
			if ev.Version != nil && *ev.Version >= minVersion || ev.Version == nil && !ev.At.Before(since) {
				c.mu.Unlock()
				return ev, skipped, nil
			}
			skipped++
		}
		wake := c.notify
		c.mu.Unlock()
		select {
		case <-wake:
		case <-deadline.C:
			return diagEvent{}, skipped, errTimeout
		case <-c.done:
			// Drain what arrived before the end, then give up.
			c.mu.Lock()
			n := len(c.diags)
			c.mu.Unlock()
			if n == 0 {
				return diagEvent{}, skipped, fmt.Errorf("server closed the connection: %v", c.readErr())
			}
		case <-ctx.Done():
			return diagEvent{}, skipped, ctx.Err()
		}
	}
}
