package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// What clients showed: hovers in the format the client asks for, and
// explanations shown where every client sees them.

func hoverCaps(formats ...string) map[string]any {
	return map[string]any{"textDocument": map[string]any{"hover": map[string]any{"contentFormat": formats}}}
}

func TestHoverContentFormat(t *testing.T) {
	cases := []struct {
		name string
		caps map[string]any
		want protocol.MarkupKind
	}{
		{"no preference", map[string]any{}, protocol.Markdown},
		{"markdown first", hoverCaps("markdown", "plaintext"), protocol.Markdown},
		{"plaintext only (eglot without markdown-mode)", hoverCaps("plaintext"), protocol.PlainText},
		{"plaintext first", hoverCaps("plaintext", "markdown"), protocol.PlainText},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := openWC(t, testOpts{caps: tc.caps})
			for _, needle := range []string{"Count {", "OW[word", "batch]"} {
				var h protocol.Hover
				c.call("textDocument/hover", at(c, needle, 1), &h)
				v := h.Contents.Value
				if h.Contents.Kind != tc.want {
					t.Errorf("%q: kind %q, want %q", needle, h.Contents.Kind, tc.want)
				}
				if tc.want == protocol.Markdown {
					if !strings.Contains(v, "**") || !strings.Contains(v, "`") {
						t.Errorf("%q: markdown hover without markup:\n%s", needle, v)
					}
					continue
				}
				if strings.Contains(v, "**") || strings.Contains(v, "`") {
					t.Errorf("%q: plain-text hover has markdown syntax:\n%s", needle, v)
				}
			}
			var h protocol.Hover
			c.call("textDocument/hover", at(c, "Count {", 1), &h)
			if tc.want == protocol.PlainText {
				for _, w := range []string{"component Count\n", "- state: Run — ", "Derivation\n", "\n    "} {
					if !strings.Contains(h.Contents.Value, w) {
						t.Errorf("plain hover lacks %q:\n%s", w, h.Contents.Value)
					}
				}
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	md := "**path** `Count: words -> counts : OW[word, batch]`\n\n- out **`Run`** — x\n\n_not analysed yet_\n\n**Derivation**\n\n```text\nRun because\n  Seal missing\n\n```\n"
	want := "path Count: words -> counts : OW[word, batch]\n\n- out Run — x\n\nnot analysed yet\n\nDerivation\n\n    Run because\n      Seal missing\n\n"
	if got := plainText(md); got != want {
		t.Errorf("plainText:\n%q\nwant\n%q", got, want)
	}
}

func explainArgs(c *client, needle string, extra ...any) map[string]any {
	l, col := lineOf(wordcountUnsealed, needle)
	args := append([]any{c.uri("wc.blazes"), pos(l, col)}, extra...)
	return map[string]any{"command": cmdExplain, "arguments": args}
}

// TestExplainShowDocument: a client that supports window/showDocument is
// asked to open a generated document holding the explanation.
func TestExplainShowDocument(t *testing.T) {
	c := openWC(t, testOpts{caps: map[string]any{"window": map[string]any{"showDocument": map[string]any{"support": true}}}})
	var md string
	c.call("workspace/executeCommand", explainArgs(c, "Count {"), &md)
	if !strings.Contains(md, "**component** `Count`") || !strings.Contains(md, "```text") {
		t.Fatalf("explain result: %s", md)
	}
	var p protocol.ShowDocumentParams
	if err := json.Unmarshal(c.waitMessage("window/showDocument", 1), &p); err != nil {
		t.Fatal(err)
	}
	path := uriPath(string(p.URI))
	if filepath.Base(path) != "state_Count.md" || !p.TakeFocus {
		t.Errorf("showDocument %+v", p)
	}
	text, err := os.ReadFile(path)
	if err != nil || string(text) != md {
		t.Errorf("the shown document (%v) holds:\n%s\nwant the result:\n%s", err, text, md)
	}

	// {"show": false}: the result only, for a client that shows it itself;
	// then a path, shown in its own document.
	var md2 string
	c.call("workspace/executeCommand", explainArgs(c, "Commit {", map[string]any{"show": false}), &md2)
	if !strings.Contains(md2, "Commit") {
		t.Errorf("explain with show false: %s", md2)
	}
	c.call("workspace/executeCommand", explainArgs(c, "OW[word"), &md2)
	if err := json.Unmarshal(c.waitMessage("window/showDocument", 2), &p); err != nil {
		t.Fatal(err)
	}
	if base := filepath.Base(uriPath(string(p.URI))); base != "Count_words_counts.md" {
		t.Errorf("second document %s", base)
	}
	if n := c.countMessages("window/showDocument"); n != 2 {
		t.Errorf("%d showDocument requests, want 2", n)
	}
	if n := c.countMessages("window/showMessage"); n != 0 {
		t.Errorf("%d showMessage notifications with showDocument support", n)
	}

	// The generated documents go with the session.
	c.call("shutdown", nil, nil)
	c.notify("exit", nil)
	code := <-c.exitCode
	c.exitCode <- code
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("explanations folder left behind: %v", err)
	}
}

// TestExplainShowMessage: without window/showDocument the explanation comes
// as an information message, in plain text.
func TestExplainShowMessage(t *testing.T) {
	c := openWC(t, testOpts{})
	var md string
	c.call("workspace/executeCommand", explainArgs(c, "Count {"), &md)
	var p protocol.ShowMessageParams
	if err := json.Unmarshal(c.waitMessage("window/showMessage", 1), &p); err != nil {
		t.Fatal(err)
	}
	if p.Type != protocol.MessageTypeInfo {
		t.Errorf("message type %v", p.Type)
	}
	want := strings.TrimRight(plainText(md), "\n")
	if p.Message != want || !strings.HasPrefix(p.Message, "component Count") || strings.ContainsAny(p.Message, "`*") {
		t.Errorf("message:\n%s\nwant:\n%s", p.Message, want)
	}
	if n := c.countMessages("window/showDocument"); n != 0 {
		t.Errorf("showDocument sent to a client without support")
	}

	// A long explanation is cut at maxMessageLines, saying so.
	var chain strings.Builder
	chain.WriteString("dataflow chain\n\nsource s(x)\n\nstream s -> C0.a\n")
	const n = 80
	for i := 0; i < n; i++ {
		fmt.Fprintf(&chain, "component C%d {\n  a -> b : CR\n}\n", i)
		if i > 0 {
			fmt.Fprintf(&chain, "stream C%d.b -> C%d.a\n", i-1, i)
		}
	}
	c.open("chain.blazes", chain.String())
	c.waitDiags("chain.blazes", atVersion(1))
	c.call("workspace/executeCommand", map[string]any{"command": cmdExplain, "arguments": []any{fmt.Sprintf("C%d.b", n-1)}}, &md)
	if err := json.Unmarshal(c.waitMessage("window/showMessage", 2), &p); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(p.Message, "\n")
	all := strings.Count(strings.TrimRight(plainText(md), "\n"), "\n") + 1
	if all <= maxMessageLines || len(lines) != maxMessageLines+1 || lines[maxMessageLines] != fmt.Sprintf("… (%d more lines)", all-maxMessageLines) {
		t.Errorf("long explanation (%d lines) sent as %d lines ending %q", all, len(lines), lines[len(lines)-1])
	}
}

// TestServeQuietByDefault: the real binary with its default flags writes
// nothing on stderr in a normal session (clients such as Neovim show every
// stderr line as an error); --log-level info logs the session.
func TestServeQuietByDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "blazes")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/blazes").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	session := func(args ...string) string {
		t.Helper()
		dir := t.TempDir()
		cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = cmd.Process.Kill() }()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		diags := make(chan publishDiagnosticsParams, 16)
		conn := jsonrpc2.NewConn(jsonrpc2.NewStream(procRWC{stdout, stdin}))
		conn.Go(ctx, func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
			if req.Method() == "textDocument/publishDiagnostics" {
				var p publishDiagnosticsParams
				_ = json.Unmarshal(req.Params(), &p)
				diags <- p
			}
			return reply(ctx, nil, nil)
		})
		must := func(err error, what string) {
			if err != nil {
				t.Fatalf("%s: %v\nstderr:\n%s", what, err, stderr.String())
			}
		}
		_, err := conn.Call(ctx, "initialize", map[string]any{"processId": nil, "rootUri": fileURI(dir), "capabilities": map[string]any{}}, nil)
		must(err, "initialize")
		must(conn.Notify(ctx, "initialized", map[string]any{}), "initialized")
		u := fileURI(filepath.Join(dir, "wc.blazes"))
		must(conn.Notify(ctx, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": u, "languageId": "blazes", "version": 1, "text": wordcountUnsealed}}), "didOpen")
		select {
		case <-diags:
		case <-ctx.Done():
			t.Fatalf("no diagnostics; stderr:\n%s", stderr.String())
		}
		l, col := lineOf(wordcountUnsealed, "Count {")
		var h protocol.Hover
		_, err = conn.Call(ctx, "textDocument/hover", docPos(u, l, col+1), &h)
		must(err, "hover")
		if !strings.Contains(h.Contents.Value, "Count") {
			t.Errorf("hover: %+v", h)
		}
		_, err = conn.Call(ctx, "shutdown", nil, nil)
		must(err, "shutdown")
		_ = conn.Notify(ctx, "exit", nil)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			must(err, "exit status")
		case <-time.After(10 * time.Second):
			t.Fatal("blazes serve did not exit")
		}
		conn.Close()
		return stderr.String()
	}
	if out := session(); out != "" {
		t.Errorf("default log level wrote on stderr:\n%s", out)
	}
	if out := session("--log-level", "info"); !strings.Contains(out, "initialize") || !strings.Contains(out, "shutdown") {
		t.Errorf("--log-level info logged:\n%s", out)
	}
}
