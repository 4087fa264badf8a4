// Snapshots: the immutable result of one analysis run of a root, and the
// view a request reads (waiting for the analysis of the text it was sent
// for).

package server

import (
	"context"
	"maps"
	"sort"
	"sync"
	"time"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

// snapshot is the immutable result of one analysis run of a root. The
// diagnostics come from the run; the whole program (labels, derivations,
// fixes, for hovers, code actions and the other requests) is the same
// run's, copied out of the session the first time a request asks for it,
// so that a keystroke costs only its diagnostics.
type snapshot struct {
	seq     uint64
	root    string
	folders string // the directory imports must stay inside
	ok      bool   // the run succeeded
	diags   []*analysis.Diagnostic
	gens    map[string]uint64 // generation of each file read
	vers    map[string]int32  // version of each open document read (-1: not open)
	texts   map[string][]byte
	docs    map[string]*grammar.Doc // the session's documents
	took    time.Duration

	progOnce sync.Once
	res      *analysis.Result // the run's result, until its program is taken
	prog     *analysis.Program
}

// program is the snapshot's whole program (nil when the run failed).
func (sn *snapshot) program() *analysis.Program {
	if sn == nil || !sn.ok {
		return nil
	}
	sn.progOnce.Do(func() {
		sn.prog = sn.res.Program()
		if sn.prog == nil {
			// The session was updated again before anyone asked: a
			// fresh session over the documents this run parsed, so
			// that the program's ASTs are the snapshot's.
			texts := maps.Clone(sn.texts)
			for p, d := range sn.docs {
				texts[p] = d.Text
			}
			fsys := &overlayFS{texts: texts, read: map[string][]byte{}}
			sn.prog = analysis.NewSessionOf(sn.root, sn.docs).Update(analysis.Options{FS: fsys, Root: sn.folders}).Program()
		}
		sn.res = nil
	})
	return sn.prog
}

// file returns the AST of path in the snapshot.
func (sn *snapshot) file(path string) *grammar.File {
	if sn == nil {
		return nil
	}
	if d := sn.docs[path]; d != nil {
		return d.File()
	}
	return nil
}

// fileNames lists the files of the snapshot's program, sorted.
func (sn *snapshot) fileNames() []string {
	var names []string
	for n := range sn.docs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// lines returns the line table of a file of the snapshot, or nil.
func (sn *snapshot) lines(path string) *grammar.LineTable {
	if d := sn.docs[path]; d != nil {
		return d.Lines
	}
	return nil
}

// docOf is the document of path in sn, or nil.
func (sn *snapshot) docOf(path string) *grammar.Doc {
	if sn == nil {
		return nil
	}
	return sn.docs[path]
}

// view is what a request reads: the document's text as the request saw it
// and the newest snapshot of a root that contains it.
type view struct {
	path  string
	text  []byte
	lines *grammar.LineTable
	ver   int32
	sn    *snapshot
	file  *grammar.File // the document's AST in sn (nil if sn is stale or failed)
	roots []*snapshot   // snapshots of every root containing the file
}

// prog is the program of the view's snapshot (nil when none).
func (v *view) prog() *analysis.Program {
	if v == nil || v.sn == nil {
		return nil
	}
	return v.sn.program()
}

// view waits until a root containing path has analysed the file's present
// text (bounded by RequestWait and ctx), then returns it. Requests do not
// wait for stale runs: a run of an older text never satisfies the wait,
// and a newer text supersedes it.
func (w *workspace) view(ctx context.Context, path string) (*view, error) {
	deadline := time.NewTimer(w.requestWait)
	defer deadline.Stop()
	for {
		w.mu.Lock()
		f := w.files[path]
		if f == nil {
			w.mu.Unlock()
			return nil, invalidParams("unknown document %s: open it first", path)
		}
		roots := w.rootsOfLocked(path)
		var r *rootState
		if len(roots) > 0 {
			r = roots[0]
		}
		var done chan struct{}
		if r != nil {
			done = r.done
		}
		ready := r != nil && r.snap != nil && r.snap.gens[path] == f.gen
		if !ready && r != nil && r.running == 0 && !w.closed {
			// No run in flight will analyse this text (a closed file
			// that became a root is not analysed until it changes):
			// start one rather than wait for nothing.
			w.scheduleLocked(r)
		}
		timedOut := false
		select {
		case <-deadline.C:
			timedOut = true
		default:
		}
		if ready || r == nil || timedOut {
			v := &view{path: path, text: f.text, ver: f.version}
			if f.lines == nil {
				f.lines = grammar.NewLineTable(f.text)
			}
			v.lines = f.lines
			if r != nil && r.snap != nil {
				v.sn = r.snap
				if r.snap.gens[path] == f.gen {
					v.file = r.snap.file(path)
				}
			}
			for _, x := range roots {
				if x.snap != nil {
					v.roots = append(v.roots, x.snap)
				}
			}
			w.mu.Unlock()
			if v.file == nil {
				// No current analysis (stale or failed): parse for
				// the syntactic features.
				v.file = grammar.Parse(path, v.text)
			}
			return v, nil
		}
		w.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline.C:
			// loop once more and take what there is
			deadline.Reset(0)
		}
	}
}

// snapshots returns the newest snapshot of every root, sorted by root.
func (w *workspace) snapshots() []*snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []*snapshot
	for _, r := range w.roots {
		if r.snap != nil {
			out = append(out, r.snap)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].root < out[j].root })
	return out
}
