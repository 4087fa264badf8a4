package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGraphSVGBinary runs the real binary: its SVG of the POOR query is
// the picture internal/render's structural tests and golden file check
// (ports, finding marks, legend).
func TestGraphSVGBinary(t *testing.T) {
	r := blazes(t, filepath.Join(repoRoot, "testdata", "paper", "adtrack"), "graph", "--format", "svg", "poor.blazes")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want, err := os.ReadFile(filepath.Join(repoRoot, "internal", "render", "testdata", "golden", "render_poor.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if r.stdout != string(want) {
		t.Errorf("blazes graph --format svg differs from internal/render's golden render_poor.svg")
	}
	for _, s := range []string{`data-iface="Report.request" data-dir="in"`, `class="finding"`, `data-code="BLZ001"`, `class="legend-entry" data-mark="rep"`} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("the SVG lacks %s", s)
		}
	}
}

// TestNoGraphvizLinked keeps Graphviz out of the binary: the Go builds of
// Graphviz compile their WebAssembly in package init, which every
// subcommand would pay for at start-up (docs/graph.md).
func TestNoGraphvizLinked(t *testing.T) {
	out, err := exec.Command("go", "version", "-m", binary).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"go-graphviz", "wazero"} {
		if strings.Contains(string(out), m) {
			t.Errorf("the binary links %s:\n%s", m, out)
		}
	}
}
