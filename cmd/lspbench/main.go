// Command lspbench measures a language server the way an editor uses it:
// it starts the server on stdio, initializes it (publishDiagnostics with
// versionSupport, incremental sync, UTF-16), opens one file and types into
// it — single-character insertions and deletions, each an incremental
// didChange — waiting after each for the publishDiagnostics of that
// version. It reports the time to the first diagnostics after didOpen, the
// median, p95 and p99 keystroke-to-diagnostics latency, timeouts, and the
// server's peak resident memory (VmHWM, Linux). The same script runs
// against any server.
//
//	lspbench -server "blazes serve" -file big.blazes -lang blazes -edits 200
//	lspbench -server "gopls" -file main.go -lang go -edits 200 -json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/blazes-dev/blazes/internal/lspbench"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lspbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "", "the language server `command` with its arguments (split on blanks; quotes group)")
	file := fs.String("file", "", "the `path` of the document to open and edit; the workspace root is its directory")
	lang := fs.String("lang", "", "languageId of the document (blazes, go, ...); default from the file's extension")
	edits := fs.Int("edits", 200, "measured `N` edits (alternately an insertion and the deletion of it)")
	warmup := fs.Int("warmup", 10, "`N` edits before the measured ones")
	var at multiFlag
	fs.Var(&at, "at", "where to type: `LINE:COL` (1-based) or a regexp (place: start of its group 1, else end of the match; the first match in the second half of the file); repeat for several places, the edits cycle over them; default per -lang")
	insert := fs.String("insert", "x", "the `text` each insertion types")
	timeout := fs.Duration("timeout", 10*time.Second, "per-edit (and first diagnostics) wait for diagnostics")
	pause := fs.Duration("pause", 0, "think time after each edit's diagnostics")
	initOpts := fs.String("init-options", "", "initializationOptions as `JSON`")
	jsonOut := fs.Bool("json", false, "print the result as JSON")
	samples := fs.Bool("samples", false, "with -json, include every latency sample")
	serverLog := fs.String("server-stderr", "", "write the server's stderr to `file` (default: discarded)")
	verbose := fs.Bool("v", false, "log anomalies (timeouts, skipped publications) to stderr")
	genGo := fs.Int("gen-go", 0, "instead of benchmarking, write a compiling Go main package file of `LINES` lines to stdout")
	table := fs.String("table", "", "instead of benchmarking, print the markdown tables of the `manifest` scripts/bench-lsp.sh writes")
	genFinding := fs.Bool("gen-go-finding", false, "with -gen-go, include one go vet printf finding (so servers that publish nothing for a clean file publish after didOpen)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: lspbench -server CMD -file PATH [flags]\n\nDrives a stdio language server through a scripted typing session and\nreports keystroke-to-diagnostics latency and peak memory.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *table != "" {
		if err := writeTable(*table, stdout); err != nil {
			fmt.Fprintf(stderr, "lspbench: %v\n", err)
			return 1
		}
		return 0
	}
	if *genGo > 0 {
		if _, err := stdout.Write(lspbench.GoSource(*genGo, *genFinding)); err != nil {
			fmt.Fprintf(stderr, "lspbench: %v\n", err)
			return 1
		}
		return 0
	}
	if *server == "" || *file == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	argv, err := lspbench.SplitCommand(*server)
	if err != nil || len(argv) == 0 {
		fmt.Fprintf(stderr, "lspbench: bad -server: %v\n", err)
		return 2
	}
	if *lang == "" {
		*lang = langOf(*file)
	}
	if len(at) == 0 {
		at = lspbench.DefaultAt(*lang)
		if len(at) == 0 {
			fmt.Fprintf(stderr, "lspbench: no default place for language %q: give -at\n", *lang)
			return 2
		}
	}
	cfg := lspbench.Config{
		File: *file, LanguageID: *lang, At: at, Insert: *insert,
		Edits: *edits, Warmup: *warmup, Timeout: *timeout, Pause: *pause,
	}
	if *initOpts != "" {
		if !json.Valid([]byte(*initOpts)) {
			fmt.Fprintf(stderr, "lspbench: -init-options is not JSON\n")
			return 2
		}
		cfg.InitOptions = json.RawMessage(*initOpts)
	}
	if *verbose {
		cfg.Logf = func(format string, args ...any) { fmt.Fprintf(stderr, "lspbench: "+format+"\n", args...) }
	}
	var errOut io.Writer
	if *serverLog != "" {
		f, err := os.Create(*serverLog)
		if err != nil {
			fmt.Fprintf(stderr, "lspbench: %v\n", err)
			return 2
		}
		defer f.Close()
		errOut = f
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := lspbench.RunCommand(ctx, cfg, argv, errOut)
	if err != nil {
		fmt.Fprintf(stderr, "lspbench: %v\n", err)
		if res == nil {
			return 1
		}
	}
	if *jsonOut {
		if !*samples {
			res.Samples = nil
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if e := enc.Encode(res); e != nil {
			fmt.Fprintf(stderr, "lspbench: %v\n", e)
			return 1
		}
	} else {
		printText(stdout, res)
	}
	if err != nil {
		return 1
	}
	return 0
}

func langOf(path string) string {
	switch {
	case strings.HasSuffix(path, ".blazes"):
		return "blazes"
	case strings.HasSuffix(path, ".go"):
		return "go"
	}
	return "plaintext"
}

func msStr(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

func printText(w io.Writer, r *lspbench.Result) {
	name := r.ServerName
	if r.ServerVer != "" {
		name += " " + r.ServerVer
	}
	fmt.Fprintf(w, "server:       %s (%s)\n", r.Server, name)
	fmt.Fprintf(w, "file:         %s (%d lines, %d bytes, %s)\n", r.File, r.Lines, r.Bytes, r.LanguageID)
	sync := map[int]string{1: "full", 2: "incremental"}[r.SyncKind]
	fmt.Fprintf(w, "sync:         %s; versioned diagnostics: %v\n", sync, r.Versioned)
	fmt.Fprintf(w, "initialize:   %s\n", msStr(r.Initialize))
	if r.FirstDiagnosticsTimeout {
		fmt.Fprintf(w, "first diags:  none within the timeout\n")
	} else {
		fmt.Fprintf(w, "first diags:  %s after didOpen (%d diagnostics)\n", msStr(r.FirstDiagnostics), r.FirstDiagnosticsCount)
	}
	for _, p := range r.Places {
		fmt.Fprintf(w, "typing at:    %d:%d  %s\n", p.Line+1, p.Character+1, p.Context)
	}
	fmt.Fprintf(w, "edits:        %d measured after %d warm-up, inserting %q; %d timeouts\n", r.Edits, r.Warmup, r.Insert, r.Timeouts)
	fmt.Fprintf(w, "diagnostics:  %d after an insertion, %d after a deletion; %d stale publications skipped\n", r.DiagnosticsAfterInsert, r.DiagnosticsAfterDelete, r.StalePublications)
	s := r.Latency
	fmt.Fprintf(w, "latency:      median %s  p95 %s  p99 %s  (min %s, max %s, mean %s, n=%d)\n",
		msStr(s.Median), msStr(s.P95), msStr(s.P99), msStr(s.Min), msStr(s.Max), msStr(s.Mean), s.N)
	if r.PeakRSSKiB > 0 {
		fmt.Fprintf(w, "peak RSS:     %.1f MiB (VmHWM)\n", float64(r.PeakRSSKiB)/1024)
	}
	if len(r.ServerRequests) > 0 {
		var ks []string
		for k, v := range r.ServerRequests {
			ks = append(ks, fmt.Sprintf("%s×%d", k, v))
		}
		sort.Strings(ks)
		fmt.Fprintf(w, "answered:     %s\n", strings.Join(ks, ", "))
	}
}
