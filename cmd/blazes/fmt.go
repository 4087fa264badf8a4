package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

func runFmt(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("fmt", "FILE|DIR...", "Format .blazes files in the one canonical layout, keeping comments. A DIR stands for every\n.blazes file under it (hidden directories, node_modules and vendor skipped).\nWithout -w, -d or -l the formatted text is printed. Files with syntax errors are refused (exit status 1).", stderr)
	write := fs.Bool("w", false, "write the result back to each file (atomically, keeping its mode)")
	diff := fs.Bool("d", false, "print a unified diff instead of the formatted text")
	list := fs.Bool("l", false, "list the files whose formatting differs from the canonical layout, instead of the formatted text")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "blazes fmt: no files given\n")
		fs.Usage()
		return 2
	}
	names, err := expandArgs(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "blazes fmt: %v\n", err)
		return 2
	}
	status := 0
	for _, name := range names {
		text, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "blazes fmt: %v\n", err)
			return 2
		}
		f := grammar.Parse(name, text)
		if len(f.Errors) > 0 {
			for _, e := range f.Errors {
				p := lsppos.Of(f.Lines, e.Range.Start)
				fmt.Fprintf(stderr, "%s:%d:%d: %s\n", name, p.Line+1, p.Character+1, e.Msg)
			}
			fmt.Fprintf(stderr, "blazes fmt: %s has syntax errors; not formatted\n", name)
			status = 1
			continue
		}
		out, err := grammar.Format(f)
		if err != nil {
			fmt.Fprintf(stderr, "blazes fmt: %s: %v\n", name, err)
			status = 1
			continue
		}
		if *list && !bytes.Equal(text, out) {
			fmt.Fprintln(stdout, name)
		}
		switch {
		case *diff:
			if !bytes.Equal(text, out) {
				ud := difflib.UnifiedDiff{
					A: difflib.SplitLines(string(text)), B: difflib.SplitLines(string(out)),
					FromFile: name + ".orig", ToFile: name, Context: 3,
				}
				s, _ := difflib.GetUnifiedDiffString(ud)
				fmt.Fprint(stdout, s)
			}
			if *write {
				if err := writeAtomic(name, out); err != nil {
					fmt.Fprintf(stderr, "blazes fmt: %v\n", err)
					status = 1
				}
			}
		case *write:
			if bytes.Equal(text, out) {
				continue
			}
			if err := writeAtomic(name, out); err != nil {
				fmt.Fprintf(stderr, "blazes fmt: %v\n", err)
				status = 1
			}
		case *list:
		default:
			_, _ = stdout.Write(out)
		}
	}
	return status
}

// writeAtomic replaces name with data through a temporary file in the same
// directory and a rename, so that a crash or a full disk never leaves a
// half-written file; the file's mode is kept (0644 for a new file).
func writeAtomic(name string, data []byte) error {
	// Write through a symbolic link: replace its target, keep the link.
	if real, err := filepath.EvalSymlinks(name); err == nil {
		name = real
	}
	mode := os.FileMode(0o644) // a new file
	if info, err := os.Stat(name); err == nil {
		mode = info.Mode().Perm()
	} else if !os.IsNotExist(err) {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
