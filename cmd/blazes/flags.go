package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// newFlagSet makes a FlagSet whose -h prints the command's help to stdout
// style: usage line, description, flags.
func newFlagSet(name, argsUsage, desc string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: blazes %s [flags] %s\n\n%s\n", name, argsUsage, desc)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(fs.Output(), "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args; done is true when the caller should return code
// (help was asked for: 0; a bad flag: 2).
func parseFlags(fs *flag.FlagSet, args []string) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	return 0, false
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments (blazes witness FILE --finding 1), and returns
// the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) (pos []string, code int, done bool) {
	for {
		if code, done := parseFlags(fs, args); done {
			return nil, code, true
		}
		if fs.NArg() == 0 {
			return pos, 0, false
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
