// Scheduling: which roots a change analyses again, at most two runs per
// root in flight, older runs cancelled, and what a finished run leaves.

package server

import (
	"context"
	"runtime/debug"
	"time"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

// changedLocked re-analyses every root that contains one of paths.
// wake clears the quiet flag of the files of those roots (a change they
// depend on); a close passes wake=false.
func (w *workspace) changedLocked(paths []string, wake bool) {
	if w.closed {
		return
	}
	seen := map[*rootState]bool{}
	for _, p := range paths {
		for _, r := range w.rootsOfLocked(p) {
			if seen[r] {
				continue
			}
			seen[r] = true
			if wake {
				for m := range r.members {
					if f := w.files[m]; f != nil && m != p {
						f.quiet = false
					}
				}
			}
			w.scheduleLocked(r)
		}
	}
	for _, r := range w.fresh {
		if !seen[r] && w.roots[r.path] == r {
			seen[r] = true
			w.scheduleLocked(r)
		}
	}
	w.fresh = nil
}

// scheduleLocked starts a run of r, or marks it dirty when two runs are
// already in flight (the older of which is then stale: it finishes in the
// background and its result is only kept as a base for the next run).
func (w *workspace) scheduleLocked(r *rootState) {
	if r.running >= 2 {
		r.dirty = true
		return
	}
	r.dirty = false
	r.running++
	r.seq++
	seq := r.seq
	// Every run in flight is for an older version now: cancel it, so that
	// a burst of keystrokes does not queue analyses of texts nobody sees.
	for s, cancel := range r.cancels {
		cancel()
		delete(r.cancels, s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if r.cancels == nil {
		r.cancels = map[uint64]context.CancelFunc{}
	}
	r.cancels[seq] = cancel
	in := w.inputsLocked(r)
	go w.run(ctx, r, seq, in)
}

type runInputs struct {
	members []string          // the root's files by the import scan
	texts   map[string][]byte // open documents (overlay)
	gens    map[string]uint64
	vers    map[string]int32
	session *analysis.Session
	edits   map[string][]analysis.TextEdit
	root    string
	folders string
}

func (w *workspace) inputsLocked(r *rootState) runInputs {
	in := runInputs{texts: map[string][]byte{}, edits: map[string][]analysis.TextEdit{}, gens: map[string]uint64{}, vers: map[string]int32{}, root: r.path, folders: w.importRoot(r.path)}
	for p, f := range w.files {
		if f.text != nil {
			in.texts[p] = f.text
		}
		if len(f.edits) > 0 {
			in.edits[p] = f.edits
		}
		in.gens[p] = f.gen
		if f.open {
			in.vers[p] = f.version
		} else {
			in.vers[p] = -1
		}
	}
	if r.session == nil {
		r.session = analysis.NewSession(r.path)
	}
	in.session = r.session
	for m := range r.members {
		in.members = append(in.members, m)
	}
	return in
}

func (w *workspace) run(ctx context.Context, r *rootState, seq uint64, in runInputs) {
	start := time.Now()
	fsys := &overlayFS{texts: in.texts, edits: in.edits, read: map[string][]byte{}}
	sn := &snapshot{seq: seq, root: in.root, folders: in.folders, gens: map[string]uint64{}, vers: map[string]int32{}, texts: map[string][]byte{}, docs: map[string]*grammar.Doc{}}
	opts := analysis.Options{FS: fsys, Root: in.folders, Context: ctx}
	canceled := false
	func() {
		defer func() {
			if x := recover(); x != nil {
				w.out.analysisPanicked(in.root, x, debug.Stack())
				sn.ok = false
				// Its graph may be half-updated: start afresh.
				w.mu.Lock()
				if r.session == in.session {
					r.session = nil
				}
				w.mu.Unlock()
			}
		}()
		res := w.update(in.session, in.root, opts)
		if res.Canceled {
			canceled = true
			return
		}
		sn.ok = true
		sn.diags = res.Diagnostics
		if res.LoadErr != nil {
			sn.diags = nil
		}
		sn.docs = res.Docs
		sn.res = res
	}()
	if canceled {
		w.canceled(r, seq)
		return
	}
	sn.took = time.Since(start)
	for p, text := range fsys.read {
		sn.texts[p] = text
		sn.gens[p] = in.gens[p]
		if v, ok := in.vers[p]; ok {
			sn.vers[p] = v
		} else {
			sn.vers[p] = -1
		}
	}
	// A file the import scan puts in this program but the analysis did
	// not read (an import the parser lost to a syntax error) cannot affect
	// it: the snapshot is current for that file's present text too, or
	// requests for the file would wait for, and its diagnostics never be
	// published until, an analysis that will not read it.
	for _, p := range in.members {
		if _, read := sn.gens[p]; read {
			continue
		}
		if g, known := in.gens[p]; known {
			sn.gens[p] = g
			sn.vers[p] = in.vers[p]
			if t, ok := in.texts[p]; ok {
				sn.texts[p] = t
			}
		}
	}
	w.finish(r, sn)
}

// current reports whether sn read every file at its present generation.
func (w *workspace) currentLocked(sn *snapshot) bool {
	if sn == nil {
		return false
	}
	for p, g := range sn.gens {
		f := w.files[p]
		if f == nil {
			if g != 0 {
				return false
			}
			continue
		}
		if f.gen != g {
			return false
		}
	}
	return true
}

// canceled ends a run that a newer one superseded: nothing to keep.
func (w *workspace) canceled(r *rootState, seq uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r.running--
	delete(r.cancels, seq)
	if r.dirty && !w.closed {
		w.scheduleLocked(r)
	}
}

func (w *workspace) finish(r *rootState, sn *snapshot) {
	w.mu.Lock()
	r.running--
	// Files the analysis read that the import scan did not count in this
	// root (an import the scan cannot see, such as one after a syntax
	// error): a change to them must re-run it too. Only the newest run
	// says so: an older one read texts that changed since, and would put
	// back a file whose import was dropped (whose publication would then
	// wait for this root to read it, which it never does).
	if w.roots[r.path] == r && sn.seq == r.seq {
		for p := range sn.gens {
			if !r.members[p] {
				r.members[p] = true
			}
		}
	}
	if cancel := r.cancels[sn.seq]; cancel != nil {
		cancel()
		delete(r.cancels, sn.seq)
	}
	if r.snap == nil || sn.seq > r.snap.seq {
		old := r.snap
		r.snap = sn
		close(r.done)
		r.done = make(chan struct{})
		_ = old
	}
	if r.dirty && !w.closed {
		w.scheduleLocked(r)
	}
	current := w.currentLocked(sn) && r.snap == sn
	var files []string
	if current {
		for p := range sn.gens {
			files = append(files, p)
		}
		if w.roots[r.path] != r { // the root went away meanwhile
			current = false
		}
	}
	w.mu.Unlock()
	if current {
		w.publish(files)
	}
	w.out.analysed(sn, current)
}
