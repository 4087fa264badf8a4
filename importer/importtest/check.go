package importtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/importer"
)

// text prints m as the product does (importer.Print: the grammar AST
// through the formatter), so that the importers' tests run the real
// parser and analysis on exactly what `blazes import` writes.
func text(m *importer.Model) (string, error) {
	b, err := importer.Print(m)
	return string(b), err
}

// analyse writes m as the product prints it into dir and runs the
// project's analysis on it; it returns the program and the text.
func analyse(m *importer.Model, dir string) (*analysis.Program, string, error) {
	src, err := text(m)
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, "model.blazes")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		return nil, "", err
	}
	p := analysis.Load(path, analysis.Options{})
	if p.LoadErr != nil {
		return nil, "", p.LoadErr
	}
	return p, src, nil
}

// Errors runs the project's analysis on m and returns its errors (syntax
// errors and BLZ1xx), each with the offending line. dir is a scratch
// directory.
func Errors(m *importer.Model, dir string) ([]string, error) {
	p, src, err := analyse(m, dir)
	if err != nil {
		return nil, err
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
	p, _, err := analyse(m, dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range p.Diagnostics {
		out = append(out, d.Code)
	}
	return out, nil
}
