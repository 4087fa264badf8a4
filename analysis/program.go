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

// Options configure Load and Session.Update.
type Options struct {
	// FS to read the root file and its imports from; nil means OSFS.
	FS FS
	// Root is the directory imports must resolve inside; "" means the
	// directory of the root file.
	Root string
	// Context, when set and cancelled before an update starts, makes it
	// return with Canceled set and change nothing (the server cancels the
	// analysis of a version a newer edit has superseded).
	Context context.Context
}

// Program is the analysed dataflow of one root file and its imports at one
// version: an immutable snapshot of a Session's graph (Result.Program),
// with every position absolute in Files.
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
	// update started: the program holds nothing.
	Canceled bool

	byName map[string]*Component // components by name
}
