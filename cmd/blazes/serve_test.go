package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// lspConn speaks JSON-RPC with Content-Length framing to a `blazes serve`
// process over its stdin and stdout, as a language client does.
type lspConn struct {
	t   *testing.T
	in  io.WriteCloser
	out *bufio.Reader
	id  int
}

func (c *lspConn) send(msg map[string]any) {
	c.t.Helper()
	msg["jsonrpc"] = "2.0"
	body, err := json.Marshal(msg)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fmt.Fprintf(c.in, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		c.t.Fatalf("writing to the server: %v", err)
	}
}

// read returns the next message from the server.
func (c *lspConn) read() (map[string]any, error) {
	length := -1
	for {
		line, err := c.out.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			if length, err = strconv.Atoi(v); err != nil {
				return nil, fmt.Errorf("bad header %q", line)
			}
		}
	}
	if length < 0 {
		return nil, fmt.Errorf("a message without Content-Length")
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(c.out, body); err != nil {
		return nil, err
	}
	var msg map[string]any
	if err := json.Unmarshal(body, &msg); err != nil {
		return nil, fmt.Errorf("%v in %s", err, body)
	}
	return msg, nil
}

// call sends a request and returns its result, answering what the server
// asks meanwhile (configuration, capability registration, progress) and
// passing notifications to note.
func (c *lspConn) call(method string, params any, note func(map[string]any)) any {
	c.t.Helper()
	c.id++
	id := c.id
	c.send(map[string]any{"id": id, "method": method, "params": params})
	for {
		msg, err := c.read()
		if err != nil {
			c.t.Fatalf("%s: reading the answer: %v", method, err)
		}
		if m, ok := msg["method"].(string); ok {
			if rid, isRequest := msg["id"]; isRequest {
				var result any
				if m == "workspace/configuration" {
					result = []any{nil}
				}
				c.send(map[string]any{"id": rid, "result": result})
			} else if note != nil {
				note(msg)
			}
			continue
		}
		if got, _ := msg["id"].(float64); int(got) != id {
			continue
		}
		if e, ok := msg["error"]; ok {
			c.t.Fatalf("%s: error %v", method, e)
		}
		return msg["result"]
	}
}

// serveSession starts the real binary with args, initializes it, opens the
// paper's unsealed word count, waits for its BLZ001, shuts the server down
// and checks that it exits 0.
func serveSession(t *testing.T, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	text, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "paper", "wordcount.blazes"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "wordcount.blazes")
	if err := os.WriteFile(file, text, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if t.Failed() {
			t.Logf("blazes %s: stderr:\n%s", strings.Join(args, " "), stderr.String())
		}
	}()
	c := &lspConn{t: t, in: in, out: bufio.NewReader(out)}

	root := (&url.URL{Scheme: "file", Path: dir}).String()
	uri := (&url.URL{Scheme: "file", Path: file}).String()
	init, _ := c.call("initialize", map[string]any{
		"processId":        os.Getpid(),
		"rootUri":          root,
		"workspaceFolders": []any{map[string]any{"uri": root, "name": "ws"}},
		"capabilities":     map[string]any{},
	}, nil).(map[string]any)
	if _, ok := init["capabilities"].(map[string]any); !ok {
		t.Fatalf("initialize: no capabilities in %v", init)
	}
	c.send(map[string]any{"method": "initialized", "params": map[string]any{}})
	c.send(map[string]any{"method": "textDocument/didOpen", "params": map[string]any{
		"textDocument": map[string]any{"uri": uri, "languageId": "blazes", "version": 1, "text": string(text)},
	}})
	found := false
	for !found {
		msg, err := c.read()
		if err != nil {
			t.Fatalf("waiting for the diagnostics of %s: %v", uri, err)
		}
		if msg["method"] != "textDocument/publishDiagnostics" {
			if rid, ok := msg["id"]; ok && msg["method"] != nil {
				c.send(map[string]any{"id": rid, "result": nil})
			}
			continue
		}
		p, _ := msg["params"].(map[string]any)
		if p["uri"] != uri {
			continue
		}
		diags, _ := p["diagnostics"].([]any)
		for _, d := range diags {
			if d, _ := d.(map[string]any); fmt.Sprint(d["code"]) == "BLZ001" {
				found = true
			}
		}
	}
	c.call("shutdown", nil, nil)
	c.send(map[string]any{"method": "exit"})
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("blazes %s: %v after exit", strings.Join(args, " "), err)
	}
}

// Language clients start the server with --stdio (vscode-languageclient
// appends it for TransportKind.stdio, after the user's own arguments): it
// means the default, LSP over stdin and stdout.
func TestServeStdio(t *testing.T) {
	for _, args := range [][]string{
		{"serve"},
		{"serve", "--stdio"},
		{"serve", "-stdio"},
		{"serve", "--log-level", "warn", "--stdio"},
		{"serve", "--stdio", "--logfile", filepath.Join(t.TempDir(), "serve.log")},
	} {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			serveSession(t, args...)
		})
	}
}

// --stdio with --listen is a contradiction: a clear error, exit 2, at once.
func TestServeStdioAndListen(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--stdio", "--listen", ":0"},
		{"serve", "--listen", "127.0.0.1:0", "--stdio"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, binary, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		cancel()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Errorf("blazes %s: %v, want exit status 2 (stderr %q)", strings.Join(args, " "), err, stderr.String())
		}
		msg := stderr.String()
		if !strings.Contains(msg, "--stdio") || !strings.Contains(msg, "--listen") || strings.Contains(msg, "listening on") {
			t.Errorf("blazes %s: stderr %q should say that --stdio and --listen exclude each other", strings.Join(args, " "), msg)
		}
	}
}
