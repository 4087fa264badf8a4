package server

import (
	"fmt"
	"slices"
)

// The funnel: every change to the files the workspace knows (the editor
// opening, changing or closing a document, a file changing on disk) goes
// through didModify, which updates the files, recomputes the roots when an
// import changed and analyses the roots that hold a changed file. What to
// publish comes out of those analyses (reporter.publishDiagnostics).

// modAction says what happened to a file.
type modAction uint8

const (
	modOpen   modAction = iota // the editor opened it: text, version
	modChange                  // the editor changed it: changes, version
	modClose                   // the editor closed it: text is the disk's (nil: not on disk)
	modDisk                    // it changed on disk: text (nil: deleted or unreadable)
)

// modification is one change to one file.
type modification struct {
	path    string
	action  modAction
	text    []byte
	version int32
	changes []contentChange // modChange
}

// modNote is something didModify did not do quite as asked, for the log.
type modNote struct {
	path, what string
	ignored    bool // the modification was dropped (else adjusted)
}

// didModify applies mods in order. An error (a change to a document that
// is not open) stops it before that modification.
func (w *workspace) didModify(mods []modification) (notes []modNote, err error) {
	w.mu.Lock()
	var wake, quiet, cleared []string
	regraph := false
	for _, m := range mods {
		f := w.files[m.path]
		known := f != nil
		var oldImports []string
		if known {
			oldImports = f.imports
		}
		switch m.action {
		case modOpen:
			f = w.setTextLocked(m.path, m.text, true, m.version)
			f.quiet = false
			regraph = regraph || !known || !equalStrings(oldImports, f.imports)
			wake = append(wake, m.path)
		case modChange:
			if f == nil || !f.open {
				err = invalidParams("didChange for %s, which is not open", m.path)
				break
			}
			if m.version != 0 && m.version < f.version {
				notes = append(notes, modNote{m.path, fmt.Sprintf("out-of-order change ignored: version %d, have %d", m.version, f.version), true})
				continue
			}
			text, lines, log := f.text, f.edited, f.edits
			for _, c := range m.changes {
				e, clamped := applyChange(text, lines, c)
				if clamped {
					r := c.Range
					notes = append(notes, modNote{m.path, fmt.Sprintf("change range %d:%d-%d:%d outside the text, clamped", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character), false})
				}
				if e.Start < 0 {
					log = nil // repaired text: no edit describes it
				} else {
					if len(log) >= maxEdits {
						log = slices.Clone(log[len(log)-maxEdits/2:])
					}
					log = append(log, e)
				}
				text, lines = e.New, e.Lines
			}
			f = w.setTextLocked(m.path, text, true, m.version)
			f.edited, f.lines, f.edits = lines, lines, log
			regraph = regraph || !equalStrings(oldImports, f.imports)
			wake = append(wake, m.path)
		case modClose:
			if f == nil {
				continue
			}
			cleared = append(cleared, m.path)
			inWorkspace := false
			for _, d := range w.folders {
				if within(d, m.path) {
					inWorkspace = true
				}
			}
			if m.text == nil || !inWorkspace {
				// Not a workspace file on disk: forget it.
				delete(w.files, m.path)
				regraph = true
				quiet = append(quiet, oldImports...)
				continue
			}
			if string(m.text) == string(f.text) {
				f.open, f.version = false, 0
			} else {
				f = w.setTextLocked(m.path, m.text, false, 0)
				regraph = regraph || !equalStrings(oldImports, f.imports)
				quiet = append(quiet, m.path)
			}
			f.quiet = true
		case modDisk:
			if f != nil && f.open {
				continue // the editor's text wins
			}
			if m.text == nil {
				if f != nil {
					wake = append(wake, m.path)
					wake = append(wake, f.imports...)
					delete(w.files, m.path)
					regraph = true
				}
				// Importers of a deleted file now report a bad import.
				for _, g := range w.files {
					if slices.Contains(g.imports, m.path) {
						wake = append(wake, g.path)
					}
				}
				continue
			}
			if f != nil && string(f.text) == string(m.text) {
				continue
			}
			f = w.setTextLocked(m.path, m.text, false, 0)
			regraph = regraph || oldImports == nil || !equalStrings(oldImports, f.imports)
			wake = append(wake, m.path)
		}
		if err != nil {
			break
		}
	}
	if regraph {
		w.recomputeRootsLocked()
	}
	if len(quiet) > 0 {
		w.changedLocked(quiet, false)
	}
	w.changedLocked(wake, true)
	w.mu.Unlock()
	for _, p := range cleared {
		w.clear(p)
	}
	return notes, err
}

// maxEdits bounds a document's edit log: a session whose document is
// older than the log parses the text again.
const maxEdits = 4
