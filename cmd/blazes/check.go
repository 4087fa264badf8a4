package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

func runCheck(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("check", "FILE|DIR...", "Analyse each dataflow FILE (with its imports) and report its findings. A DIR stands for\nevery .blazes file under it (hidden directories, node_modules and vendor skipped).\nA file that another file of the same run imports is judged as part of its importer only.\nExit status: 0 when no finding is at or above --fail-on, 1 when some are, 2 when the check could not run.", stderr)
	format := fs.String("format", "text", "output format: text, json or sarif (SARIF 2.1.0, for code scanning)")
	failOn := fs.String("fail-on", "warning", "lowest severity that makes the exit status 1: error, warning, information or hint")
	root := fs.String("root", "", "directory that imports must stay inside (default: the directory of each FILE)")
	sarifRoot := fs.String("sarif-root", ".", "with --format sarif: the directory that file URIs are relative to (%SRCROOT%); files outside it get absolute file: URIs")
	helpBase := fs.String("sarif-help-base", defaultHelpBase, "with --format sarif: URL of docs/semantics.md that each rule's helpUri points into (#blz001...)")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if *format != "text" && *format != "json" && *format != "sarif" {
		fmt.Fprintf(stderr, "blazes check: --format must be text, json or sarif, not %q\n", *format)
		return 2
	}
	threshold, ok := parseSeverity(*failOn)
	if !ok {
		fmt.Fprintf(stderr, "blazes check: --fail-on must be error, warning, information or hint, not %q\n", *failOn)
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "blazes check: no files given\n")
		fs.Usage()
		return 2
	}
	names, err := expandArgs(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "blazes check: %v\n", err)
		return 2
	}
	var progs []*analysis.Program
	for _, name := range names {
		p := analysis.Load(name, analysis.Options{Root: *root})
		if p.LoadErr != nil {
			fmt.Fprintf(stderr, "blazes check: %v\n", p.LoadErr)
			return 2
		}
		progs = append(progs, p)
	}
	progs = dropImported(progs)
	rep := buildReport(progs, *format == "json")
	if len(rep.diags) == 0 && isTerminal(stderr) {
		fmt.Fprintln(stderr, cleanMessage(len(rep.files)))
	}
	switch *format {
	case "sarif":
		if err := writeSARIF(stdout, rep, progs, *sarifRoot, *helpBase); err != nil {
			fmt.Fprintf(stderr, "blazes check: %v\n", err)
			return 2
		}
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep.JSON); err != nil {
			fmt.Fprintf(stderr, "blazes check: %v\n", err)
			return 2
		}
	default:
		for _, d := range rep.JSON.Diagnostics {
			fmt.Fprintf(stdout, "%s:%d:%d: %s: %s [%s]\n", d.File, d.Range.Start.Line+1, d.Range.Start.Character+1, d.Severity, d.Message, d.Code)
			for _, r := range d.Related {
				fmt.Fprintf(stdout, "\t%s:%d:%d: %s\n", r.File, r.Range.Start.Line+1, r.Range.Start.Character+1, r.Message)
			}
		}
	}
	for _, d := range rep.diags {
		if d.Severity <= threshold {
			return 1
		}
	}
	return 0
}

func parseSeverity(s string) (analysis.Severity, bool) {
	for _, sev := range []analysis.Severity{analysis.SevError, analysis.SevWarning, analysis.SevInformation, analysis.SevHint} {
		if sev.String() == s {
			return sev, true
		}
	}
	return 0, false
}

// The JSON output of SPEC §5.
type (
	jsonOutput struct {
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
		Labels      jsonLabels       `json:"labels"`
	}
	jsonDiagnostic struct {
		File      string        `json:"file"`
		Range     lsppos.Range  `json:"range"`
		Severity  string        `json:"severity"`
		Code      string        `json:"code"`
		Message   string        `json:"message"`
		Component string        `json:"component,omitempty"`
		Path      string        `json:"path,omitempty"`
		Label     string        `json:"label,omitempty"`
		Related   []jsonRelated `json:"related,omitempty"`
		Fixes     []jsonFix     `json:"fixes,omitempty"`
	}
	jsonRelated struct {
		File    string       `json:"file"`
		Range   lsppos.Range `json:"range"`
		Message string       `json:"message"`
	}
	jsonFix struct {
		Title     string     `json:"title"`
		Kind      string     `json:"kind"`
		Preferred bool       `json:"preferred,omitempty"`
		Edits     []jsonEdit `json:"edits"`
	}
	jsonEdit struct {
		File    string       `json:"file"`
		Range   lsppos.Range `json:"range"`
		NewText string       `json:"newText"`
	}
	jsonLabels struct {
		Interfaces []jsonIface  `json:"interfaces"`
		Streams    []jsonStream `json:"streams"`
		Paths      []jsonPath   `json:"paths"`
	}
	jsonIface struct {
		Name  string  `json:"name"`
		Dir   string  `json:"dir"`
		Label *string `json:"label"`
	}
	jsonStream struct {
		From  string  `json:"from"`
		To    string  `json:"to"`
		Label *string `json:"label"`
	}
	jsonPath struct {
		Component  string   `json:"component"`
		Path       string   `json:"path"`
		Annotation string   `json:"annotation"`
		Internal   string   `json:"internal,omitempty"`
		Causes     []string `json:"causes,omitempty"`
		Out        *string  `json:"out"`
	}
)

type report struct {
	JSON  jsonOutput
	diags []*analysis.Diagnostic
	files map[string]*grammar.File // every file analysed, imports included
}

func labelPtr(l analysis.Label) *string {
	if l.Kind == analysis.None {
		return nil
	}
	s := l.String()
	return &s
}

// buildReport merges the programs of every FILE: a file imported by two of
// them is reported once. The labels of every interface, path and stream
// are only in the JSON output: withLabels says whether to gather them (at
// 100k components they cost a tenth of the check).
func buildReport(progs []*analysis.Program, withLabels bool) report {
	var rep report
	files := map[string]*grammar.File{}
	rep.files = files
	seenDiag := map[string]bool{}
	// A label is reported once, by kind ('i', 'p', 's') and names.
	type labelKey struct {
		kind byte
		a, b string
	}
	seenLabel := map[labelKey]bool{}
	rng := func(file string, r grammar.Range) lsppos.Range {
		if f := files[file]; f != nil {
			return lsppos.RangeOf(f.Lines, r)
		}
		return lsppos.Range{}
	}
	out := &rep.JSON
	out.Diagnostics = []jsonDiagnostic{}
	out.Labels = jsonLabels{Interfaces: []jsonIface{}, Streams: []jsonStream{}, Paths: []jsonPath{}}
	for _, p := range progs {
		for _, f := range p.Files {
			files[f.Name] = f
		}
		for _, d := range p.Diagnostics {
			key := fmt.Sprintf("%s\x00%d\x00%d\x00%s\x00%s", d.File, d.Range.Start, d.Range.End, d.Code, d.Message)
			if seenDiag[key] {
				continue
			}
			seenDiag[key] = true
			rep.diags = append(rep.diags, d)
			jd := jsonDiagnostic{
				File: d.File, Range: rng(d.File, d.Range), Severity: d.Severity.String(),
				Code: d.Code, Message: d.Message, Component: d.Component, Path: d.Path,
			}
			if d.Label.Kind != analysis.None {
				jd.Label = d.Label.String()
			}
			for _, r := range d.Related {
				jd.Related = append(jd.Related, jsonRelated{File: r.File, Range: rng(r.File, r.Range), Message: r.Message})
			}
			for _, fx := range d.Fixes {
				jf := jsonFix{Title: fx.Title, Kind: fx.Kind, Preferred: fx.Preferred, Edits: []jsonEdit{}}
				for _, e := range fx.Edits {
					jf.Edits = append(jf.Edits, jsonEdit{File: e.File, Range: rng(e.File, e.Range), NewText: e.NewText})
				}
				jd.Fixes = append(jd.Fixes, jf)
			}
			out.Diagnostics = append(out.Diagnostics, jd)
		}
		if !withLabels {
			continue
		}
		iface := func(name, dir string, l analysis.Label) {
			if k := (labelKey{'i', name, dir}); !seenLabel[k] {
				seenLabel[k] = true
				out.Labels.Interfaces = append(out.Labels.Interfaces, jsonIface{Name: name, Dir: dir, Label: labelPtr(l)})
			}
		}
		for _, s := range p.Sources {
			iface(s.Name, "source", s.Label)
		}
		for _, s := range p.Sinks {
			iface(s.Name, "sink", s.Label)
		}
		for _, c := range p.Components {
			for _, i := range c.Inputs {
				iface(i.FullName(), "in", i.Label)
			}
			for _, i := range c.Outputs {
				iface(i.FullName(), "out", i.Label)
			}
			for _, q := range c.Paths {
				if k := (labelKey{'p', c.Name, q.Name()}); !seenLabel[k] {
					seenLabel[k] = true
					jp := jsonPath{Component: c.Name, Path: q.Name(), Annotation: q.Annotation(), Out: labelPtr(q.OutLabel)}
					if q.Internal.Kind != analysis.None {
						jp.Internal = q.Internal.String()
						jp.Causes = q.Causes()
					}
					out.Labels.Paths = append(out.Labels.Paths, jp)
				}
			}
		}
		for _, s := range p.Streams {
			if k := (labelKey{'s', s.Name(), ""}); !seenLabel[k] {
				seenLabel[k] = true
				out.Labels.Streams = append(out.Labels.Streams, jsonStream{From: s.From.FullName(), To: s.To.FullName(), Label: labelPtr(s.Label)})
			}
		}
	}
	sort.SliceStable(out.Diagnostics, func(i, j int) bool {
		a, b := out.Diagnostics[i], out.Diagnostics[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Range.Start.Line != b.Range.Start.Line {
			return a.Range.Start.Line < b.Range.Start.Line
		}
		if a.Range.Start.Character != b.Range.Start.Character {
			return a.Range.Start.Character < b.Range.Start.Character
		}
		return a.Code < b.Code
	})
	sort.SliceStable(rep.diags, func(i, j int) bool { return rep.diags[i].Severity < rep.diags[j].Severity })
	slices.SortStableFunc(out.Labels.Interfaces, func(a, b jsonIface) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Dir, b.Dir))
	})
	slices.SortStableFunc(out.Labels.Streams, func(a, b jsonStream) int {
		return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(a.To, b.To))
	})
	slices.SortStableFunc(out.Labels.Paths, func(a, b jsonPath) int {
		return cmp.Or(strings.Compare(a.Component, b.Component), strings.Compare(a.Path, b.Path))
	})
	return rep
}
