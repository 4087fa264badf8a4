package main

import (
	"bytes"
	"context"

	"github.com/goccy/go-graphviz"
)

// renderSVG lays out DOT with Graphviz compiled to WebAssembly
// (goccy/go-graphviz on wazero): no system Graphviz, no cgo.
func renderSVG(dot string) ([]byte, error) {
	ctx := context.Background()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, err
	}
	defer gv.Close()
	g, err := graphviz.ParseBytes([]byte(dot))
	if err != nil {
		return nil, err
	}
	defer g.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
