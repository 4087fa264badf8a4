package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
)

type procRWC struct {
	io.Reader
	io.WriteCloser
}

func (p procRWC) Close() error { return p.WriteCloser.Close() }

// TestBinaryOverStdio builds the real blazes binary and talks LSP to
// `blazes serve` over its standard input and output.
func TestBinaryOverStdio(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "blazes")
	build := exec.Command("go", "build", "-o", bin, "../cmd/blazes")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "serve", "--log-level", "debug")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(procRWC{stdout, stdin}))
	diags := make(chan publishDiagnosticsParams, 16)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn.Go(ctx, func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		if req.Method() == "textDocument/publishDiagnostics" {
			var p publishDiagnosticsParams
			_ = json.Unmarshal(req.Params(), &p)
			diags <- p
		}
		_ = reply(ctx, nil, nil)
		return nil
	})
	var init map[string]any
	if _, err := conn.Call(ctx, "initialize", map[string]any{"processId": nil, "rootUri": fileURI(dir), "capabilities": map[string]any{}}, &init); err != nil {
		t.Fatalf("initialize: %v\nstderr:\n%s", err, stderr.String())
	}
	if info, _ := init["serverInfo"].(map[string]any); info["name"] != "blazes" {
		t.Errorf("serverInfo %v", init["serverInfo"])
	}
	_ = conn.Notify(ctx, "initialized", map[string]any{})
	u := fileURI(filepath.Join(dir, "wc.blazes"))
	_ = conn.Notify(ctx, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": u, "languageId": "blazes", "version": 1, "text": wordcountUnsealed}})
	select {
	case p := <-diags:
		if !hasCode(p, "BLZ001") {
			t.Errorf("diagnostics over stdio: %s", mustJSON(p))
		}
	case <-ctx.Done():
		t.Fatalf("no diagnostics; stderr:\n%s", stderr.String())
	}
	if _, err := conn.Call(ctx, "shutdown", nil, nil); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	_ = conn.Notify(ctx, "exit", nil)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit status after shutdown/exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("blazes serve did not exit")
	}
	if !strings.Contains(stderr.String(), "serving on stdio") {
		t.Errorf("no start-up log on stderr:\n%s", stderr.String())
	}
}

// TestBinaryStdinClose: closing stdin without shutdown ends the server
// with status 1.
func TestBinaryStdinClose(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "blazes")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/blazes").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Stdin = strings.NewReader("")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err := cmd.Run()
	var ee *exec.ExitError
	if err == nil || !errorsAs(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit after stdin closed: %v", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout not empty: %q", stdout.String())
	}
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}

// TestBinaryListen: `blazes serve --listen 127.0.0.1:0` logs its address
// and serves LSP over TCP.
func TestBinaryListen(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "blazes")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/blazes").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	buf := make([]byte, 4096)
	n, _ := stderr.Read(buf)
	line := string(buf[:n])
	i := strings.Index(line, "listening on ")
	if i < 0 {
		t.Fatalf("no address logged: %q", line)
	}
	addr := strings.Fields(line[i+len("listening on "):])[0]
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("address %q", addr)
	}
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(nc))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn.Go(ctx, func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		_ = reply(ctx, nil, nil)
		return nil
	})
	var init map[string]any
	if _, err := conn.Call(ctx, "initialize", map[string]any{"processId": nil, "capabilities": map[string]any{}}, &init); err != nil {
		t.Fatalf("initialize over TCP: %v", err)
	}
	if _, err := conn.Call(ctx, "shutdown", nil, nil); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	conn.Close()
}
