package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/blazes-dev/blazes/server"
)

// runServe runs the language server: LSP over stdin/stdout, or over TCP
// with --listen (for debugging; one session per connection). --stdio names
// the default explicitly: language clients (vscode-languageclient among
// them) append it to the command line.
func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", "", "Run the Blazes language server: LSP over stdin and stdout (nothing but the\nprotocol is written to stdout; logs go to stderr or --logfile).", stderr)
	stdio := fs.Bool("stdio", false, "serve LSP over stdin and stdout (the default; language clients pass it)")
	listen := fs.String("listen", "", "serve LSP over TCP at `addr` instead of stdio (\":PORT\" listens on 127.0.0.1 only)")
	logfile := fs.String("logfile", "", "write logs to `file` instead of stderr")
	level := fs.String("log-level", "warn", "log `level`: debug, info, warn or error (the default logs only problems)")
	full := fs.Bool("full-analysis", false, "parse and analyse every version from scratch (no incremental reuse), to measure what it saves")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole session to `file` (for performance work: go tool pprof)")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "blazes serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *stdio && *listen != "" {
		fmt.Fprintf(stderr, "blazes serve: --stdio and --listen %s exclude each other: serve over stdin and stdout, or over TCP, not both\n", *listen)
		return 2
	}
	log, closeLog, err := newLogger(*logfile, *level, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "blazes serve: %v\n", err)
		return 2
	}
	defer closeLog()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "blazes serve: %v\n", err)
			return 2
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	cfg := server.Config{Logger: log, Version: version}
	if *full {
		cfg.Engine = server.FullEngine()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *listen == "" {
		log.Info("serving on stdio", zap.String("version", version))
		if f, ok := stdout.(*os.File); ok {
			growPipe(f)
		}
		return server.New(cfg).Run(ctx, server.Stdio(stdin, stdout))
	}
	addr := *listen
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr // loopback unless an address is named
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "blazes serve: %v\n", err)
		return 2
	}
	defer ln.Close()
	fmt.Fprintf(stderr, "blazes serve: listening on %s\n", ln.Addr())
	log.Info("listening", zap.String("addr", ln.Addr().String()))
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return 0
			}
			log.Error("accept", zap.Error(err))
			return 1
		}
		log.Info("client connected", zap.String("remote", c.RemoteAddr().String()))
		go func() {
			code := server.New(cfg).Run(ctx, c)
			log.Info("client session ended", zap.String("remote", c.RemoteAddr().String()), zap.Int("code", code))
		}()
	}
}

// newLogger logs to file (or to stderr when file is "") at level.
func newLogger(file, level string, stderr io.Writer) (*zap.Logger, func(), error) {
	var lvl zapcore.Level
	if err := lvl.UnmarshalText([]byte(strings.ToLower(level))); err != nil {
		return nil, nil, fmt.Errorf("bad --log-level %q: use debug, info, warn or error", level)
	}
	out := zapcore.AddSync(stderr)
	closeFn := func() {}
	if file != "" {
		f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot open log file: %v", err)
		}
		out = zapcore.AddSync(f)
		closeFn = func() { f.Close() }
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.Lock(out), lvl)
	log := zap.New(core, zap.AddCaller())
	return log, func() { _ = log.Sync(); closeFn() }, nil
}
