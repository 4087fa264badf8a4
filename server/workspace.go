package server

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
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

// scanImports finds the import paths at the head of a file without a
// parse or a full lex: imports come before every declaration, so the scan
// stops at the first other token (it runs on the message loop on every
// keystroke).
func scanImports(path string, text []byte) []string {
	var out []string
	i, n := 0, len(text)
	skip := func() {
		for i < n {
			switch {
			case text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n':
				i++
			case text[i] == '/' && i+1 < n && text[i+1] == '/':
				for i < n && text[i] != '\n' {
					i++
				}
			case text[i] == '/' && i+1 < n && text[i+1] == '*':
				i += 2
				for i < n && !(text[i] == '*' && i+1 < n && text[i+1] == '/') {
					i++
				}
				i = min(i+2, n)
			default:
				return
			}
		}
	}
	word := func() string {
		j := i
		for j < n && (text[j] == '_' || text[j] >= 'a' && text[j] <= 'z' || text[j] >= 'A' && text[j] <= 'Z' || text[j] >= '0' && text[j] <= '9') {
			j++
		}
		w := string(text[i:j])
		i = j
		return w
	}
	for {
		skip()
		switch w := word(); w {
		case "dataflow":
			skip()
			word()
		case "import":
			skip()
			if i >= n || text[i] != '"' {
				return out
			}
			j := i + 1
			for j < n && text[j] != '"' && text[j] != '\n' {
				j++
			}
			if s := string(text[i+1 : min(j, n)]); s != "" {
				out = append(out, filepath.Clean(filepath.Join(filepath.Dir(path), s)))
			}
			i = min(j+1, n)
		default:
			return out
		}
	}
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
	for _, p := range paths {
		if !imported[p] {
			m := closure(p)
			newRoots[p] = m
			for q := range m {
				covered[q] = true
			}
		}
	}
	// Files only reachable through an import cycle: make each uncovered
	// one a root in turn.
	for _, p := range paths {
		if !covered[p] {
			m := closure(p)
			newRoots[p] = m
			for q := range m {
				covered[q] = true
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

// changed re-analyses every root that contains one of paths.
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

// publish sends the diagnostics of files whose every root snapshot is
// current. Publications are serialised, so they go out in order.
func (w *workspace) publish(files []string) {
	w.pubMu.Lock()
	defer w.pubMu.Unlock()
	sort.Strings(files)
	type out struct {
		path string
		ver  *int32
		diag []*analysis.Diagnostic
		sn   *snapshot
	}
	var outs []out
	w.mu.Lock()
	if w.scanning > 0 {
		// Diagnostics wait for the workspace's files: a library is
		// judged with the dataflows that import it. The scan's end
		// publishes what waited.
		files = nil
	}
	for _, p := range files {
		f := w.files[p]
		if f == nil || (!f.open && f.quiet) {
			continue
		}
		roots := w.rootsOfLocked(p)
		if len(roots) == 0 {
			continue
		}
		ok := true
		var diags []*analysis.Diagnostic
		var seen map[string]bool // across roots: a library's findings once
		if len(roots) > 1 {
			seen = map[string]bool{}
		}
		var first *snapshot
		for _, r := range roots {
			if !w.currentLocked(r.snap) || r.snap.gens[p] != f.gen {
				ok = false
				break
			}
			if first == nil {
				first = r.snap
			}
			if !r.snap.ok {
				continue
			}
			for _, d := range r.snap.diags {
				if d.File != p {
					continue
				}
				if seen != nil {
					k := d.Code + "\x00" + d.Message + "\x00" + rangeKey(d.Range)
					if seen[k] {
						continue
					}
					seen[k] = true
				}
				diags = append(diags, d)
			}
		}
		if !ok {
			continue
		}
		o := out{path: p, diag: diags, sn: first}
		if f.open {
			v := f.version
			o.ver = &v
		}
		outs = append(outs, o)
	}
	// Forget what was kept for documents that are no longer open.
	for p := range w.encoded {
		if f := w.files[p]; f == nil || !f.open {
			delete(w.encoded, p)
		}
	}
	w.mu.Unlock()
	for _, o := range outs {
		// Only documents being edited (they have a version) keep what
		// the next publication may reuse.
		cache := w.encoded[o.path]
		if cache == nil {
			cache = &pubCache{}
			if o.ver != nil {
				w.encoded[o.path] = cache
			}
		}
		w.out.publishDiagnostics(o.path, o.ver, o.sn, o.diag, cache)
	}
}

// clear publishes no diagnostics for path (a closed document).
func (w *workspace) clear(path string) {
	w.pubMu.Lock()
	defer w.pubMu.Unlock()
	w.out.clearDiagnostics(path)
	delete(w.encoded, path)
}

func rangeKey(r grammar.Range) string {
	return strconv.Itoa(int(r.Start)) + "-" + strconv.Itoa(int(r.End))
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

// docOf is the document of path in sn, or nil.
func (sn *snapshot) docOf(path string) *grammar.Doc {
	if sn == nil {
		return nil
	}
	return sn.docs[path]
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
