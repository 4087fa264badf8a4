package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/grammar"
)

const fluxSample = `name: "word-count"
spouts:
  - id: "spout-1"
    className: "org.apache.storm.testing.TestWordSpout"
bolts:
  - id: "split"
    className: "com.example.Split"
streams:
  - from: "spout-1"
    to: "split"
    grouping:
      type: FIELDS
      args: ["word"]
`

// TestImportTopologyCommand: over the real server, blazes.importTopology
// writes the model beside the source (never over an existing file), opens
// it with window/showDocument, and reports bad input as an error naming
// the file and line.
func TestImportTopologyCommand(t *testing.T) {
	c := newClient(t, testOpts{
		caps: map[string]any{"window": map[string]any{"showDocument": map[string]any{"support": true}}},
		files: map[string]string{
			"topo.yaml":    fluxSample,
			"taken.yaml":   fluxSample,
			"taken.blazes": "// mine\n",
			"bad.yaml":     "spouts:\n  - {id: s, className: X}\nstreams:\n  - {from: s, to: gone, grouping: {type: SHUFFLE}}\n",
			"plan.dat":     "{}",
		},
	})

	var res importResult
	c.call("workspace/executeCommand", map[string]any{"command": cmdImport, "arguments": []any{c.uri("topo.yaml")}}, &res)
	if res.URI != c.uri("topo.blazes") || res.Format != "flux" {
		t.Fatalf("result %+v", res)
	}
	text, err := os.ReadFile(c.path("topo.blazes"))
	if err != nil {
		t.Fatal(err)
	}
	if f := grammar.Parse("topo.blazes", text); len(f.Errors) > 0 || !strings.Contains(string(text), "spout_1 -> output : OW[]") {
		t.Fatalf("model:\n%s", text)
	}
	var sd struct {
		URI       string `json:"uri"`
		TakeFocus bool   `json:"takeFocus"`
	}
	if err := json.Unmarshal(c.waitMessage("window/showDocument", 1), &sd); err != nil || sd.URI != res.URI {
		t.Errorf("showDocument %+v %v", sd, err)
	}

	// An existing .blazes is kept; the model goes to a numbered name,
	// and importing again never replaces either.
	c.call("workspace/executeCommand", map[string]any{"command": cmdImport, "arguments": []any{c.uri("taken.yaml"), "flux"}}, &res)
	if res.URI != c.uri("taken-2.blazes") {
		t.Errorf("want taken-2.blazes, got %s", res.URI)
	}
	if b, _ := os.ReadFile(c.path("taken.blazes")); string(b) != "// mine\n" {
		t.Errorf("taken.blazes was overwritten: %q", b)
	}
	c.waitMessage("window/showDocument", 2)
	c.call("workspace/executeCommand", map[string]any{"command": cmdImport, "arguments": []any{c.uri("topo.yaml"), "", map[string]any{"show": false}}}, &res)
	if res.URI != c.uri("topo-2.blazes") {
		t.Errorf("second import: want topo-2.blazes, got %s", res.URI)
	}
	if n := c.countMessages("window/showDocument"); n != 2 {
		t.Errorf("%d showDocument requests, want 2 (none with show: false)", n)
	}

	// Errors: the input's file and line; a format that cannot be guessed.
	err = c.tryCall("workspace/executeCommand", map[string]any{"command": cmdImport, "arguments": []any{c.uri("bad.yaml")}}, &res)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:4: the stream goes to \"gone\"") {
		t.Errorf("bad input: %v", err)
	}
	err = c.tryCall("workspace/executeCommand", map[string]any{"command": cmdImport, "arguments": []any{c.uri("plan.dat")}}, &res)
	if err == nil || !strings.Contains(err.Error(), "cannot tell the format of plan.dat") {
		t.Errorf("unknown extension: %v", err)
	}
	err = c.tryCall("workspace/executeCommand", map[string]any{"command": cmdImport, "arguments": []any{}}, &res)
	if err == nil {
		t.Errorf("no arguments: want an error")
	}
	if _, err := os.Stat(c.path("bad.blazes")); err == nil {
		t.Errorf("a failed import wrote a file")
	}
	for _, e := range mustReadDir(t, c.dir) {
		if strings.HasSuffix(e, ".tmp") {
			t.Errorf("temporary file left: %s", e)
		}
	}
}

func mustReadDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, filepath.Join(dir, e.Name()))
	}
	return out
}

// The command is advertised.
func TestImportTopologyAdvertised(t *testing.T) {
	c := newClient(t, testOpts{noInit: true})
	var res struct {
		Capabilities struct {
			ExecuteCommandProvider struct {
				Commands []string `json:"commands"`
			} `json:"executeCommandProvider"`
		} `json:"capabilities"`
	}
	c.call("initialize", map[string]any{"processId": nil, "rootUri": fileURI(c.dir), "capabilities": map[string]any{}}, &res)
	found := false
	for _, cmd := range res.Capabilities.ExecuteCommandProvider.Commands {
		found = found || cmd == cmdImport
	}
	if !found {
		t.Errorf("commands %v lack %s", res.Capabilities.ExecuteCommandProvider.Commands, cmdImport)
	}
}
