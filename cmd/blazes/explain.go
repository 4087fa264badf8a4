package main

import (
	"fmt"
	"io"

	"github.com/blazes-dev/blazes/analysis"
)

func runExplain(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("explain", "FILE NAME", "Print the derivation of the label of NAME in FILE's dataflow: a component (its state),\nan interface (Comp.iface), a source or sink, a stream (\"A.x -> B.y\") or a path (\"Comp: i -> o\").", stderr)
	root := fs.String("root", "", "directory that imports must stay inside (default: the directory of FILE)")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "blazes explain: want FILE and NAME\n")
		fs.Usage()
		return 2
	}
	p := analysis.Load(fs.Arg(0), analysis.Options{Root: *root})
	if p.LoadErr != nil {
		fmt.Fprintf(stderr, "blazes explain: %v\n", p.LoadErr)
		return 2
	}
	x := p.Lookup(fs.Arg(1))
	if x == nil {
		fmt.Fprintf(stderr, "blazes explain: %s has no component, interface, source, sink, stream or path named %q\n", fs.Arg(0), fs.Arg(1))
		return 1
	}
	fmt.Fprint(stdout, analysis.Explain(x))
	return 0
}
