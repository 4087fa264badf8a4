// Files and overlays: what the workspace knows of each file, the edits
// that made an open document's text, and the file system an analysis
// reads (open documents over the disk).

package server

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

type fileState struct {
	path    string
	open    bool
	version int32  // LSP version while open
	text    []byte // open: the editor's text; closed: the disk text (nil if unreadable)
	gen     uint64
	imports []string            // resolved import paths (absolute)
	quiet   bool                // closed by the editor: do not publish until something it uses changes
	lines   *grammar.LineTable  // the text's line table, when built
	edited  *grammar.LineTable  // the same, kept by didChange: the text is valid UTF-8
	edits   []analysis.TextEdit // the latest didChange edits that led to text, oldest first (see maxEdits)
}

// setTextLocked records new text for path and bumps its generation.
func (w *workspace) setTextLocked(path string, text []byte, open bool, version int32) *fileState {
	f := w.files[path]
	if f == nil {
		f = &fileState{path: path}
		w.files[path] = f
	}
	f.open = open
	f.version = version
	f.text = text
	f.lines, f.edited, f.edits = nil, nil, nil
	w.nextGen++
	f.gen = w.nextGen
	f.imports = scanImports(path, text)
	return f
}

// scanImports resolves the imports at the head of a file
// (grammar.ImportPaths, which lexes only the head: it runs on the message
// loop on every keystroke).
func scanImports(path string, text []byte) []string {
	paths := grammar.ImportPaths(text)
	for i, p := range paths {
		paths[i] = filepath.Clean(filepath.Join(filepath.Dir(path), p))
	}
	return paths
}

// overlayFS serves known files from memory (open documents win over the
// disk) and the rest from the disk, recording what was read. It knows the
// edits that made the open documents' texts (analysis.EditsFS).
type overlayFS struct {
	texts map[string][]byte
	edits map[string][]analysis.TextEdit
	mu    sync.Mutex
	read  map[string][]byte
}

// Edits returns the logged edits from the one that changed from on.
func (o *overlayFS) Edits(name string, from []byte) ([]analysis.TextEdit, bool) {
	log := o.edits[name]
	for i, e := range log {
		if len(e.Old) == len(from) && (len(from) == 0 || &e.Old[0] == &from[0]) {
			return log[i:], true
		}
	}
	return nil, false
}

func (o *overlayFS) ReadFile(name string) ([]byte, error) {
	clean := filepath.Clean(name)
	if abs, err := filepath.Abs(clean); err == nil {
		clean = abs
	}
	text, ok := o.texts[clean]
	if !ok {
		var err error
		text, err = os.ReadFile(clean)
		if err != nil {
			return nil, err
		}
	}
	o.mu.Lock()
	o.read[clean] = text
	o.mu.Unlock()
	return text, nil
}

// allFiles returns the AST of every known file (for workspace symbols):
// the one a root's newest snapshot holds when it is of the present text,
// else a parse. It waits for the workspace scans (bounded by ctx).
func (w *workspace) allFiles(ctx context.Context) ([]*grammar.File, error) {
	w.mu.Lock()
	scans := slices.Clone(w.scans)
	w.mu.Unlock()
	for _, done := range scans {
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	w.mu.Lock()
	type ft struct {
		p   string
		t   []byte
		doc *grammar.Doc
	}
	var list []ft
	for p, f := range w.files {
		if f.text == nil {
			continue
		}
		x := ft{p: p, t: f.text}
		for _, r := range w.rootsOfLocked(p) {
			if d := r.snap.docOf(p); d != nil && bytes.Equal(d.Text, f.text) {
				x.doc = d
				break
			}
		}
		list = append(list, x)
	}
	w.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].p < list[j].p })
	var out []*grammar.File
	for _, x := range list {
		if x.doc != nil {
			out = append(out, x.doc.File())
		} else {
			out = append(out, grammar.Parse(x.p, x.t))
		}
	}
	return out, nil
}
