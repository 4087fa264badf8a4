package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/witness"
)

func runWitness(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("witness", "FILE [COMPONENT]", "Show two executions of FILE's dataflow that disagree, for each BLZ001, BLZ002 and BLZ004 finding\n(or only those on COMPONENT, or only the --finding'th): a small input, the order in which\neach input received it in two runs (or two replicas, or two routings), what each component\nemitted, and where the two differ. On a file without such findings, search a budget of\ninputs and schedules and say whether any two executions disagree on an interface the\nanalysis calls deterministic (Seal or Async).\nExit status: 1 when a witness was found, 0 when none was, 2 when it could not run.", stderr)
	format := fs.String("format", "text", "output format: text or json")
	finding := fs.Int("finding", 0, "only the N'th BLZ001/BLZ002/BLZ004 finding, in the order check prints them (1-based)")
	root := fs.String("root", "", "directory that imports must stay inside (default: the directory of FILE)")
	inputs := fs.Int("inputs", 200, "how many random inputs to try per finding")
	schedules := fs.Int("schedules", 8, "how many schedules to run per input")
	seed := fs.Int64("seed", 1, "seed of the search (the same seed finds the same witness)")
	// Flags may follow the file: blazes witness FILE --finding 1.
	pos, code, done := parseInterspersed(fs, args)
	if done {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "blazes witness: --format must be text or json, not %q\n", *format)
		return 2
	}
	if len(pos) < 1 || len(pos) > 2 {
		fmt.Fprintf(stderr, "blazes witness: want FILE and at most one COMPONENT\n")
		fs.Usage()
		return 2
	}
	if *finding < 0 || *finding > 0 && len(pos) == 2 {
		fmt.Fprintf(stderr, "blazes witness: --finding takes a positive number, and not with a COMPONENT\n")
		return 2
	}
	p := analysis.Load(pos[0], analysis.Options{Root: *root})
	if p.LoadErr != nil {
		fmt.Fprintf(stderr, "blazes witness: %v\n", p.LoadErr)
		return 2
	}
	for _, d := range p.Diagnostics {
		if d.Severity == analysis.SevError && !witness.Witnessable(d.Code) {
			fmt.Fprintf(stderr, "blazes witness: %s has errors (%s: %s); run blazes check %s\n", pos[0], d.Code, d.Message, pos[0])
			return 2
		}
	}
	opts := witness.Options{Inputs: *inputs, Schedules: *schedules, Seed: *seed}
	targets := witness.Targets(p)
	switch {
	case *finding > 0:
		if *finding > len(targets) {
			fmt.Fprintf(stderr, "blazes witness: %s has %s (BLZ001, BLZ002, BLZ004), not %d\n", pos[0], plural(len(targets), "finding"), *finding)
			return 2
		}
		targets = targets[*finding-1 : *finding]
	case len(pos) == 2:
		var mine []witness.Target
		found := false
		for _, c := range p.Components {
			found = found || c.Name == pos[1]
		}
		if !found {
			msg := fmt.Sprintf("blazes witness: %s has no component named %q", pos[0], pos[1])
			if s := analysis.Closest(pos[1], func(yield func(string) bool) {
				for _, c := range p.Components {
					if !yield(c.Name) {
						return
					}
				}
			}); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			fmt.Fprintln(stderr, msg)
			return 2
		}
		for _, t := range targets {
			if t.Path.Comp.Name == pos[1] {
				mine = append(mine, t)
			}
		}
		targets = mine
	}

	out := witnessJSON{Witnesses: []witness.Entry{}}
	var found []*witness.Witness
	var missed []witness.Target
	if len(targets) == 0 && len(pos) == 1 {
		// A clean file: look for a disagreement the analysis says cannot be.
		vs, n := witness.Check(p, opts)
		out.Searched = n
		if *format == "json" {
			return writeWitnessJSON(stdout, stderr, out, 0)
		}
		if len(vs) == 0 {
			fmt.Fprintf(stdout, "%s: no finding to witness; %s of random inputs found no two that disagree on an interface the analysis calls deterministic.\n", pos[0], plural(n, "execution"))
			return 0
		}
		for _, v := range vs {
			fmt.Fprintf(stdout, "%s: %s is %s, yet two %s disagree on it (input %v, schedules %d and %d): the analysis is wrong here; please report it.\n", pos[0], v.Iface, v.Label, v.Kind, v.In, v.SeedA, v.SeedB)
		}
		return 1
	}
	for _, t := range targets {
		res := witness.Find(p, t, opts)
		out.Searched += res.Searched
		if res.Witness == nil {
			missed = append(missed, t)
			continue
		}
		found = append(found, res.Witness)
		out.Witnesses = append(out.Witnesses, res.Witness.Entry())
	}
	code = 0
	if len(found) > 0 {
		code = 1
	}
	if *format == "json" {
		return writeWitnessJSON(stdout, stderr, out, code)
	}
	if len(targets) == 0 {
		fmt.Fprintf(stdout, "%s: %s has no BLZ001, BLZ002 or BLZ004 finding.\n", pos[0], pos[1])
		return 0
	}
	for i, w := range found {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprint(stdout, w.Text())
	}
	for _, t := range missed {
		if len(found) > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "%s: %s: %s: no witness found in %s of %s; the finding may still be real (see docs/witness.md).\n",
			t.Diag.Code, t.Path.Comp.Name, t.Path.Name(), plural(*inputs, "input"), plural(*schedules, "schedule"))
	}
	return code
}

type witnessJSON struct {
	Witnesses []witness.Entry `json:"witnesses"`
	Searched  int             `json:"searched"`
}

func writeWitnessJSON(stdout, stderr io.Writer, out witnessJSON, code int) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(stderr, "blazes witness: %v\n", err)
		return 2
	}
	return code
}
