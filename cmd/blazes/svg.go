package main

import (
	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/internal/render"
)

// renderSVG draws the dataflow with the pure-Go layered renderer: no
// Graphviz, no WebAssembly, nothing written to disk, and nothing loaded
// at start-up, so the other subcommands start as fast without it (see
// docs/graph.md for why Graphviz is not linked in).
func renderSVG(p *analysis.Program) ([]byte, error) {
	return render.SVG(p), nil
}
