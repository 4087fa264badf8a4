package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// The workspace scan runs in the background once the client is
// initialized: initialize is answered, and requests are, while the scan
// has not even started walking (the client holds its progress token
// request). The scan reports begin and end with $/progress, and leaves out
// hidden, vendor and node_modules folders and what lies deeper than its
// depth limit.
func TestScanInBackgroundWithProgress(t *testing.T) {
	hold := make(chan struct{})
	files := map[string]string{
		"a.blazes":                     "component Top { i -> o : CR }\n",
		"d1/d2/ok.blazes":              "component Shallow { i -> o : CR }\n",
		"d1/d2/d3/d4/deep.blazes":      "component Deep { i -> o : CR }\n",
		".hidden/h.blazes":             "component Hidden { i -> o : CR }\n",
		"vendor/v.blazes":              "component Vendored { i -> o : CR }\n",
		"node_modules/m/n.blazes":      "component Module { i -> o : CR }\n",
		"sub/node_modules/n2.blazes":   "component Module2 { i -> o : CR }\n",
		"sub/.git/objects/g.blazes":    "component Git { i -> o : CR }\n",
		"sub/vendor/deeper/v2.blazes":  "component Vendored2 { i -> o : CR }\n",
		"sub/not_vendor/fine.blazes":   "component Fine { i -> o : CR }\n",
		"sub/.config.d/dot_dir.blazes": "component DotDir { i -> o : CR }\n",
	}
	c := newClient(t, testOpts{
		cfg:   Config{MaxScanDepth: 3},
		files: files,
		caps:  map[string]any{"window": map[string]any{"workDoneProgress": true}},
		held:  map[string]chan struct{}{"window/workDoneProgress/create": hold},
	})
	// initialize has been answered; the scan asks for its token.
	waitFor(t, c, "the progress token request", func() bool {
		return slices.Contains(c.requests, "window/workDoneProgress/create")
	})
	// The server answers requests while the scan waits.
	c.open("open.blazes", wordcountUnsealed)
	var syms []protocol.DocumentSymbol
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": c.uri("open.blazes")}}, &syms)
	if len(syms) == 0 {
		t.Error("no document symbols while the scan waits")
	}
	c.mu.Lock()
	early := len(c.progress)
	c.mu.Unlock()
	if early != 0 {
		t.Fatalf("%d progress notifications before the token was granted", early)
	}
	close(hold)
	waitFor(t, c, "the end of the scan's progress", func() bool {
		return len(c.progress) > 0 && progressKind(c.progress[len(c.progress)-1]) == "end"
	})
	c.mu.Lock()
	kinds := []string{}
	for _, p := range c.progress {
		kinds = append(kinds, progressKind(p))
	}
	end := string(c.progress[len(c.progress)-1])
	c.mu.Unlock()
	if kinds[0] != "begin" || slices.Index(kinds, "end") != len(kinds)-1 {
		t.Errorf("progress kinds %v: want begin, reports, end", kinds)
	}
	if !strings.Contains(end, "files found") {
		t.Errorf("end message %s", end)
	}
	var found []protocol.SymbolInformation
	c.call("workspace/symbol", map[string]any{"query": ""}, &found)
	names := map[string]bool{}
	for _, s := range found {
		names[s.Name] = true
	}
	for _, want := range []string{"Top", "Shallow", "Fine", "Count"} {
		if !names[want] {
			t.Errorf("workspace symbols lack %s (found %v)", want, names)
		}
	}
	for _, skipped := range []string{"Deep", "Hidden", "Vendored", "Module", "Module2", "Git", "Vendored2", "DotDir"} {
		if names[skipped] {
			t.Errorf("the scan read %s, which it must skip", skipped)
		}
	}
	// The open document's diagnostics, held during the scan, come out.
	c.waitDiags("open.blazes", atVersion(1))
}

// A client without window.workDoneProgress gets no progress, and the scan
// still runs.
func TestScanWithoutProgress(t *testing.T) {
	c := newClient(t, testOpts{files: map[string]string{"a.blazes": "component Top { i -> o : CR }\n"}})
	var found []protocol.SymbolInformation
	c.call("workspace/symbol", map[string]any{"query": "Top"}, &found)
	if len(found) != 1 {
		t.Errorf("workspace symbols %v", found)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.progress) != 0 || slices.Contains(c.requests, "window/workDoneProgress/create") {
		t.Errorf("progress sent to a client that does not support it: %v %v", c.requests, c.progress)
	}
}

// The scan stops at its file and entry limits and says why.
func TestScanLimits(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d"} {
		files[n+".blazes"] = ""
	}
	writeFiles(t, dir, files)
	found, stopped := walkFolders([]string{dir}, scanLimits{files: 2, depth: 5, entries: 100}, func(int) {})
	if len(found) != 2 || !strings.Contains(stopped, "found 2 files") {
		t.Errorf("file limit: %v, %q", found, stopped)
	}
	found, stopped = walkFolders([]string{dir}, scanLimits{files: 100, depth: 5, entries: 3}, func(int) {})
	if len(found) != 2 || !strings.Contains(stopped, "3 entries") {
		t.Errorf("entry limit: %v, %q", found, stopped)
	}
	found, stopped = walkFolders([]string{dir}, scanLimits{files: 100, depth: 5, entries: 100}, func(int) {})
	if len(found) != 4 || stopped != "" || filepath.Dir(found[0]) != dir {
		t.Errorf("no limit: %v, %q", found, stopped)
	}
}

func progressKind(raw json.RawMessage) string {
	var v struct {
		Kind string `json:"kind"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.Kind
}

// waitFor waits until cond, read under the client's lock, holds.
func waitFor(t *testing.T, c *client, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(hangGuard)
	for {
		c.mu.Lock()
		ok, ch := cond(), c.changed
		c.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
