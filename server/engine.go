package server

import (
	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

// Engine is the analysis the server runs. Tests replace parts of it (a
// slow update, a panicking one); DefaultEngine is the real thing.
type Engine struct {
	// Update analyses the present version of a root with the root's
	// session; the result's program is what every request reads.
	Update func(s *analysis.Session, root string, opts analysis.Options) *analysis.Result
	Format func(f *grammar.File) ([]byte, error) // nil: no formatting
}

// DefaultEngine is grammar and analysis as they are.
func DefaultEngine() Engine {
	return Engine{
		Update: func(s *analysis.Session, _ string, opts analysis.Options) *analysis.Result { return s.Update(opts) },
		Format: grammar.Format,
	}
}

// FullEngine analyses every version with a fresh session: nothing is
// kept between versions. It exists to measure what the incremental
// update saves (blazes serve --full-analysis).
func FullEngine() Engine {
	e := DefaultEngine()
	e.Update = func(_ *analysis.Session, root string, opts analysis.Options) *analysis.Result {
		return analysis.NewSession(root).Update(opts)
	}
	return e
}
