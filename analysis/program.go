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

// TextEdit is one change of a file's text as an editor reports it:
// Old[Start:OldEnd] was replaced, giving New, whose New[Start:NewEnd] is
// the inserted text (offsets in bytes).
type TextEdit struct {
	Old, New              []byte
	Start, OldEnd, NewEnd int
	Lines                 *grammar.LineTable // New's line table, or nil
}

// EditsFS is an FS that also knows the edits that made the texts it
// serves (the language server's open documents): a Session then hands
// each edit to its document (grammar.Doc.Edit), and nothing has to find
// out what changed by comparing texts.
type EditsFS interface {
	FS
	// Edits returns the edits that turn from, a text ReadFile returned
	// for name before (the same slice), into the one it returns now, in
	// order; false when it does not know them.
	Edits(name string, from []byte) ([]TextEdit, bool)
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
