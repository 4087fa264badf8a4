// Command blazes is the Blazes coordination analyzer: a checker for .blazes
// dataflow files, a formatter, an explainer of labels and a language server.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/analysis"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

type command struct {
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"check":   {"analyse dataflows and report findings", runCheck},
		"explain": {"show the derivation of a label", runExplain},
		"fmt":     {"format .blazes files", runFmt},
		"graph":   {"print the dataflow as Graphviz DOT or SVG", runGraph},
		"import":  {"import a Storm Flux, Kafka Streams or Flink topology as .blazes", runImport},
		"serve":   {"run the language server (LSP on stdio)", runServe},
		"version": {"print the version", runVersion},
		"witness": {"show two executions that disagree, for a finding", runWitness},
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "Blazes finds where a distributed dataflow needs coordination.\n\nUsage:\n\n  blazes <command> [arguments]\n\nCommands:\n\n")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nRun 'blazes <command> -h' for a command's flags.\n")
}

func main() {
	// Most of what a check or a keystroke allocates is the parser's
	// short-lived garbage: collect less often (GOGC=200). A one-shot
	// command also gets a soft heap limit, so that a 100k-component
	// dataflow (about 400 MB live) stays under 1 GB in all; the language
	// server, which keeps snapshots of whatever the user opens, gets none.
	// GOGC and GOMEMLIMIT in the environment override both.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" && (len(os.Args) < 2 || os.Args[1] != "serve") {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// defaultMemoryLimit is the soft heap limit of the blazes process.
const defaultMemoryLimit = 850 << 20

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	case "-version", "--version":
		return runVersion(nil, stdin, stdout, stderr)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		msg := fmt.Sprintf("blazes: unknown command %q", args[0])
		if s := analysis.Closest(args[0], func(yield func(string) bool) {
			for n := range commands {
				if !yield(n) {
					return
				}
			}
		}); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		fmt.Fprintf(stderr, "%s\n\n", msg)
		usage(stderr)
		return 2
	}
	return cmd.run(args[1:], stdin, stdout, stderr)
}

func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "", "Print the version of blazes.", stderr)
	if code, done := parseFlags(fs, args); done {
		return code
	}
	fmt.Fprintf(stdout, "blazes %s\n", version)
	return 0
}

// plural is used in a few user-facing messages.
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, strings.TrimSuffix(word, "s"))
}
