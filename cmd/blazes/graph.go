package main

import (
	"fmt"
	"io"

	"github.com/blazes-dev/blazes/analysis"
)

func runGraph(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("graph", "FILE", "Print FILE's dataflow as a graph coloured by label: Graphviz DOT, or SVG rendered in-process.", stderr)
	format := fs.String("format", "dot", "output format: dot or svg")
	root := fs.String("root", "", "directory that imports must stay inside (default: the directory of FILE)")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if *format != "dot" && *format != "svg" {
		fmt.Fprintf(stderr, "blazes graph: --format must be dot or svg, not %q\n", *format)
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "blazes graph: want one FILE\n")
		fs.Usage()
		return 2
	}
	p := analysis.Load(fs.Arg(0), analysis.Options{Root: *root})
	if p.LoadErr != nil {
		fmt.Fprintf(stderr, "blazes graph: %v\n", p.LoadErr)
		return 2
	}
	dot := p.DOT()
	if *format == "dot" {
		fmt.Fprint(stdout, dot)
		return 0
	}
	svg, err := renderSVG(p)
	if err != nil {
		fmt.Fprintf(stderr, "blazes graph: rendering SVG: %v\n", err)
		return 1
	}
	_, _ = stdout.Write(svg)
	return 0
}
