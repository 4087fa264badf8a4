package server

import (
	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

// Engine is the analysis the server runs. Tests replace parts of it (a
// slow Load, a panicking one); DefaultEngine is the real thing.
type Engine struct {
	// Update analyses a version incrementally (the diagnostics path);
	// nil: every version goes through Load.
	Update  func(s *analysis.Session, root string, opts analysis.Options) *analysis.Result
	Load    func(root string, opts analysis.Options) *analysis.Program
	Parse   func(name string, text []byte) *grammar.File
	Reparse func(prev *grammar.File, text []byte) *grammar.File // nil: always Parse
	Format  func(f *grammar.File) ([]byte, error)               // nil: no formatting
}

// DefaultEngine is grammar and analysis as they are.
func DefaultEngine() Engine {
	return Engine{
		Update:  func(s *analysis.Session, _ string, opts analysis.Options) *analysis.Result { return s.Update(opts) },
		Load:    analysis.Load,
		Parse:   grammar.Parse,
		Reparse: grammar.Reparse,
		Format:  grammar.Format,
	}
}

// FullEngine parses and analyses every version from scratch: no reuse of
// the previous AST or program. It exists to measure what the incremental
// path saves (blazes serve --full-analysis), and as a fallback.
func FullEngine() Engine {
	e := DefaultEngine()
	e.Update = nil
	e.Reparse = nil
	load := e.Load
	e.Load = func(root string, opts analysis.Options) *analysis.Program {
		opts.Prev = nil
		opts.Parse = grammar.Parse
		return load(root, opts)
	}
	return e
}
