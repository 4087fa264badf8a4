package main

import (
	"fmt"
	"io"
	"strings"

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
		// Not a finding: the command could not do what was asked (2).
		msg := fmt.Sprintf("blazes explain: %s has no component, interface, source, sink, stream or path named %q", fs.Arg(0), fs.Arg(1))
		if s := analysis.Closest(strings.TrimSpace(fs.Arg(1)), explainable(p)); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		fmt.Fprintln(stderr, msg)
		return 2
	}
	fmt.Fprint(stdout, analysis.Explain(x))
	return 0
}

// explainable ranges over every name explain accepts for p, as Lookup
// spells them.
func explainable(p *analysis.Program) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for _, list := range [][]*analysis.Iface{p.Sources, p.Sinks} {
			for _, i := range list {
				if !yield(i.Name) {
					return
				}
			}
		}
		for _, c := range p.Components {
			if !yield(c.Name) {
				return
			}
			for _, list := range [][]*analysis.Iface{c.Inputs, c.Outputs} {
				for _, i := range list {
					if !yield(i.FullName()) {
						return
					}
				}
			}
			for _, q := range c.Paths {
				if !yield(c.Name + ": " + q.Name()) {
					return
				}
			}
		}
		for _, st := range p.Streams {
			if !yield(st.Name()) {
				return
			}
		}
	}
}
