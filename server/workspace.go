package server

import (
	"sync"
	"time"

	"github.com/blazes-dev/blazes/analysis"
)

// The workspace model. Every .blazes file the server knows (open documents
// and the files of the workspace folders) is a fileState. A file that no
// other known file imports is a *root*: the analysis runs per root (the
// root file and its imports), like a main package. A file's diagnostics
// are the union of the findings located in it over every root program that
// contains it, so that a library file is judged in the context of the
// dataflows that use it.
//
// Every change to a file bumps its generation. An analysis run records the
// generation of every file it read; its snapshot is current for a file
// while that file's generation is unchanged. Diagnostics for a file are
// published only from snapshots that are current for every file involved,
// so an older version is never published after a newer one.
//
// By concern: modify.go is the funnel every change goes through
// (didModify), files.go the files and overlays, roots.go the roots and
// imports, schedule.go the runs, snapshot.go what a run leaves and what a
// request reads, publish.go what goes to the client.

// reporter is what the workspace tells the world outside it; the Server
// implements it (publications go to the connection, events to the log).
// The workspace knows nothing of the connection, the configuration or the
// log.
type reporter interface {
	// publishDiagnostics sends the diagnostics of one file; the
	// workspace serialises the calls. cache is what the file's previous
	// publication left for this one to reuse.
	publishDiagnostics(path string, version *int32, sn *snapshot, diags []*analysis.Diagnostic, cache *pubCache)
	// clearDiagnostics publishes no diagnostics for path.
	clearDiagnostics(path string)
	// analysed reports the end of an analysis; current says that its
	// diagnostics were published.
	analysed(sn *snapshot, current bool)
	// analysisPanicked reports a panic of the analysis of root.
	analysisPanicked(root string, x any, stack []byte)
}

type workspace struct {
	out         reporter
	update      func(s *analysis.Session, root string, opts analysis.Options) *analysis.Result
	requestWait time.Duration

	mu       sync.Mutex
	folders  []string
	files    map[string]*fileState
	roots    map[string]*rootState
	nextGen  uint64
	closed   bool
	fresh    []*rootState    // new roots to analyse after the next change
	scans    []chan struct{} // one per workspace scan, closed when it is done
	scanning int             // scans whose files are not in yet: nothing is published meanwhile

	pubMu   sync.Mutex
	encoded map[string]*pubCache // what each open document's last publication left
}

func newWorkspace(out reporter, eng Engine, requestWait time.Duration) *workspace {
	return &workspace{
		out:         out,
		update:      eng.Update,
		requestWait: requestWait,
		files:       map[string]*fileState{},
		roots:       map[string]*rootState{},
		encoded:     map[string]*pubCache{},
	}
}

func (w *workspace) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}
