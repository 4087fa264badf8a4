package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/analysis"
)

// expandArgs turns the command line's FILE and DIR arguments into the
// files to analyse: a file stands for itself (whatever its name); a
// directory for every .blazes file under it, in lexical order, skipping
// hidden directories, node_modules and vendor, as go vet ./... does.
// A file named twice is analysed once.
func expandArgs(args []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(name string) {
		key := name
		if abs, err := filepath.Abs(name); err == nil {
			key = abs
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, name)
		}
	}
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil || !info.IsDir() {
			add(arg) // the loader reports a missing or unreadable file
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != arg && skipDir(d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(d.Name(), ".blazes") && !strings.HasPrefix(d.Name(), ".") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no .blazes files in this directory or under it", arg)
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	return out, nil
}

// skipDir reports whether a directory walk leaves out a directory.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor"
}

// dropImported leaves out the programs whose root file another program of
// the run imports: a library is judged as part of the dataflows that use
// it (on its own, its inputs would have no producer). Two files importing
// each other both stay.
func dropImported(progs []*analysis.Program) []*analysis.Program {
	abs := func(name string) string {
		if a, err := filepath.Abs(name); err == nil {
			return a
		}
		return filepath.Clean(name)
	}
	imports := make([]map[string]bool, len(progs))
	for i, p := range progs {
		imports[i] = map[string]bool{}
		for _, f := range p.Files {
			if a := abs(f.Name); a != abs(p.Root) {
				imports[i][a] = true
			}
		}
	}
	var out []*analysis.Program
	for i, p := range progs {
		root := abs(p.Root)
		imported := false
		for j := range progs {
			if j != i && imports[j][root] && !imports[i][abs(progs[j].Root)] {
				imported = true
				break
			}
		}
		if !imported {
			out = append(out, p)
		}
	}
	return out
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// cleanMessage is what a check with no finding says on a terminal.
func cleanMessage(files int) string {
	return fmt.Sprintf("blazes: %s, no findings", plural(files, "file"))
}
