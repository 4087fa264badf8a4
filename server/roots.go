// Roots and imports: a file no other known file imports is a root, and a
// root's program is the root file and its imports.

package server

import (
	"context"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/analysis"
)

type rootState struct {
	path    string
	running int  // runs in flight
	dirty   bool // a change arrived that no run in flight has seen
	seq     uint64
	snap    *snapshot     // newest finished run
	done    chan struct{} // closed and replaced when a run finishes
	members map[string]bool
	cancels map[uint64]context.CancelFunc // runs in flight, by seq
	session *analysis.Session             // the root's incremental analysis
}

// root is the directory imports must stay inside for path: the workspace
// folder holding it, or its own directory.
func (w *workspace) importRoot(path string) string {
	best := ""
	for _, f := range w.folders {
		if within(f, path) && len(f) > len(best) {
			best = f
		}
	}
	if best == "" {
		best = filepath.Dir(path)
	}
	return best
}

func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// recomputeRootsLocked rebuilds the set of roots and their member files
// from the import graph. Run states of surviving roots are kept.
func (w *workspace) recomputeRootsLocked() {
	imported := map[string]bool{}
	for _, f := range w.files {
		for _, i := range f.imports {
			if i != f.path {
				imported[i] = true
			}
		}
	}
	closure := func(root string) map[string]bool {
		seen := map[string]bool{}
		stack := []string{root}
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[p] {
				continue
			}
			seen[p] = true
			if f := w.files[p]; f != nil {
				stack = append(stack, f.imports...)
			}
		}
		return seen
	}
	var paths []string
	for p := range w.files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	newRoots := map[string]map[string]bool{}
	covered := map[string]bool{}
	// Files nothing imports, then those only reachable through an import
	// cycle: each uncovered one becomes a root in turn.
	for _, isRoot := range []func(string) bool{
		func(p string) bool { return !imported[p] },
		func(p string) bool { return !covered[p] },
	} {
		for _, p := range paths {
			if isRoot(p) {
				m := closure(p)
				newRoots[p] = m
				for q := range m {
					covered[q] = true
				}
			}
		}
	}
	// Files that leave a root: a publication of theirs may have waited
	// for that root, and the roots they are left in must publish again.
	left := map[string]bool{}
	for p, r := range w.roots {
		for q := range r.members {
			if !newRoots[p][q] {
				left[q] = true
			}
		}
		if newRoots[p] == nil {
			delete(w.roots, p)
		}
	}
	for p, m := range newRoots {
		r := w.roots[p]
		fresh := r == nil
		if fresh {
			r = &rootState{path: p, done: make(chan struct{})}
			w.roots[p] = r
		}
		changed := fresh || !sameSet(r.members, m)
		for q := range m {
			changed = changed || left[q]
		}
		r.members = m
		// A root that is new (a file that stopped being imported), whose
		// files changed (an open document that moved to it from a root
		// that went away), or holding a file that left another root, is
		// analysed at the next change if it holds a document the editor
		// shows: no other event would analyse it or publish for it.
		if changed {
			for q := range m {
				if f := w.files[q]; f != nil && f.open {
					w.fresh = append(w.fresh, r)
					break
				}
			}
		}
	}
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// rootsOfLocked lists the roots whose program contains path, sorted, the
// file itself first when it is a root.
func (w *workspace) rootsOfLocked(path string) []*rootState {
	var out []*rootState
	for _, r := range w.roots {
		if r.members[path] {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].path == path) != (out[j].path == path) {
			return out[i].path == path
		}
		return out[i].path < out[j].path
	})
	return out
}
