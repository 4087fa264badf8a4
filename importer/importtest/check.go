package importtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/importer"
)

// text writes m in the language, plainly, for Errors only: it lets the
// importers' tests run the real parser and analysis on their Models. The
// product prints Models through the grammar AST and the formatter
// (importer.Print), never through this.
func text(m *importer.Model) string {
	var b strings.Builder
	attrs := func(as []importer.Attr) string {
		var s string
		for _, a := range as {
			s += " " + a.Kind.String()
			if len(a.Keys) > 0 {
				s += "(" + strings.Join(a.Keys, ", ") + ")"
			}
		}
		return s
	}
	schema := func(xs []string) string {
		if xs == nil {
			return ""
		}
		return "(" + strings.Join(xs, ", ") + ")"
	}
	ep := func(e importer.Endpoint) string {
		if e.Comp == "" {
			return e.Iface
		}
		return e.Comp + "." + e.Iface
	}
	if m.Name != "" {
		fmt.Fprintf(&b, "dataflow %s\n", m.Name)
	}
	for _, s := range m.Sources {
		fmt.Fprintf(&b, "source %s%s%s\n", s.Name, schema(s.Schema), attrs(s.Attrs))
	}
	for _, s := range m.Sinks {
		fmt.Fprintf(&b, "sink %s%s\n", s.Name, schema(s.Schema))
	}
	for _, c := range m.Components {
		fmt.Fprintf(&b, "component %s {\n", c.Name)
		for _, f := range c.Inputs {
			fmt.Fprintf(&b, "  in %s%s\n", f.Name, schema(f.Schema))
		}
		for _, f := range c.Outputs {
			fmt.Fprintf(&b, "  out %s%s\n", f.Name, schema(f.Schema))
		}
		for _, p := range c.Paths {
			fmt.Fprintf(&b, "  %s -> %s : %s\n", p.From, p.To, Ann(p))
		}
		b.WriteString("}\n")
	}
	for _, s := range m.Streams {
		fmt.Fprintf(&b, "stream %s -> %s%s\n", ep(s.From), ep(s.To), attrs(s.Attrs))
	}
	return b.String()
}

// Errors runs the project's analysis on m and returns its errors (syntax
// errors and BLZ1xx), each with the offending line. dir is a scratch
// directory.
func Errors(m *importer.Model, dir string) ([]string, error) {
	src := text(m)
	path := filepath.Join(dir, "model.blazes")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		return nil, err
	}
	p := analysis.Load(path, analysis.Options{})
	if p.LoadErr != nil {
		return nil, p.LoadErr
	}
	var out []string
	for _, d := range p.Diagnostics {
		if d.Code == analysis.CodeSyntax || strings.HasPrefix(d.Code, "BLZ1") {
			at := min(max(int(d.Range.Start), 0), len(src))
			line := src[strings.LastIndex(src[:at], "\n")+1:]
			line, _, _ = strings.Cut(line, "\n")
			out = append(out, fmt.Sprintf("%s %s (at %q)", d.Code, d.Message, line))
		}
	}
	return out, nil
}

// Findings runs the analysis on m and returns the codes it reports.
func Findings(m *importer.Model, dir string) ([]string, error) {
	path := filepath.Join(dir, "model.blazes")
	if err := os.WriteFile(path, []byte(text(m)), 0o644); err != nil {
		return nil, err
	}
	p := analysis.Load(path, analysis.Options{})
	if p.LoadErr != nil {
		return nil, p.LoadErr
	}
	var out []string
	for _, d := range p.Diagnostics {
		out = append(out, d.Code)
	}
	return out, nil
}
