package analysis

import (
	"context"
	"os"

	"github.com/blazes-dev/blazes/grammar"
)

// FS reads files for the loader. The server passes one that prefers open
// documents over the disk.
type FS interface {
	ReadFile(name string) ([]byte, error)
}

// LinesFS is an FS that also has the line tables of the texts it serves
// (the language server keeps one per open document, updated edit by
// edit). A Session's documents share them instead of making their own.
type LinesFS interface {
	FS
	// Lines returns the line table of text, the text ReadFile returned
	// for name, or nil.
	Lines(name string, text []byte) *grammar.LineTable
}

// OSFS reads from the operating system.
type OSFS struct{}

// ReadFile implements FS.
func (OSFS) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }

// Options configure Load.
type Options struct {
	// FS to read the root file and its imports from; nil means OSFS.
	FS FS
	// Root is the directory imports must resolve inside; "" means the
	// directory of the root file.
	Root string
	// Parse, when set, replaces grammar.Parse, so that a caller can reuse
	// the ASTs of unchanged files or declarations (grammar.Reparse).
	Parse func(name string, text []byte) *grammar.File
	// Prev, when set, is the previous program for the same root; the
	// analysis may reuse its work for the unchanged part of the graph.
	Prev *Program
	// Context, when set, cancels the analysis: Load then returns early
	// with Canceled set and a program that must not be used (the server
	// cancels the analysis of a version a newer edit has superseded).
	Context context.Context
}

// Program is the analysed dataflow of one root file and its imports: an
// immutable snapshot once Load returns.
type Program struct {
	Root        string
	Files       []*grammar.File // the root first, then imports in load order
	Components  []*Component    // sorted by name
	Sources     []*Iface        // sorted by name
	Sinks       []*Iface        // sorted by name
	Streams     []*Stream       // in file, then source order
	Diagnostics []*Diagnostic   // sorted by file, line, column, code
	// LoadErr is set when the root file itself cannot be read.
	LoadErr error

	// Canceled reports that Options.Context was cancelled before the
	// analysis finished: labels and findings are incomplete.
	Canceled bool

	// Evaluated and Reused count the components whose labels were
	// computed, and those taken unchanged from Options.Prev.
	Evaluated, Reused int

	sccSize []int                 // sizes of the SCCs of components, in topological order
	byName  map[string]*Component // components by name
}

// canceled polls the context of a running analysis.
func (p *Program) canceled(ctx context.Context) bool {
	if ctx != nil && !p.Canceled && ctx.Err() != nil {
		p.Canceled = true
	}
	return p.Canceled
}
