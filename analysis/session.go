package analysis

import (
	"bytes"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blazes-dev/blazes/grammar"
)

// Session analyses one root file and its imports again and again, as the
// language server does on every keystroke, and keeps the graph between
// updates so that an edit costs what it touches rather than the size of
// the program.
//
// Files are kept as grammar.Docs: every top-level declaration is a piece
// whose positions count from its own base (grammar.Piece.Base), not from
// the start of the file, and an edit replaces only the pieces it touches.
// Everything the analysis builds from a piece (a component with its
// interfaces and paths, a source, a stream) is kept, and stays valid
// however the text around it moves, because its positions count from the
// piece's base too (entry.off moves them into the file); each piece is
// analysed as a *grammar.File of its own, which every location in it
// names (Location.in), and diagnostics become absolute only when they are
// handed out.
//
// An update then:
//   - builds the nodes of the added declarations and re-elects the
//     declaration of every name whose declarations changed;
//   - re-resolves the streams that name a changed name, and attaches them
//     in program order;
//   - re-labels the components downstream of what changed (the SCCs of
//     that region in topological order, each to its least fixpoint);
//   - recomputes the worst-downstream candidates (reach) of everything
//     upstream of a label that moved, and the findings of every
//     component upstream or downstream of a change.
//
// The result equals a fresh session's over the same texts (tests compare
// the two after random edits); Load is such a fresh session. A change to the set of files (an import added, removed or
// failing) rebuilds the session from its documents, without parsing.
type Session struct {
	mu     sync.Mutex
	root   string
	valid  bool // false: the next update rebuilds everything
	files  []*sfile
	byPath map[string]*sfile
	syms   map[string]*symbol
	pieces map[*grammar.File]*entry // by the piece's file
	noisy  map[*entry]bool          // entries holding diagnostics

	// unknown holds the streams with an unknown top-level name: their
	// "did you mean" depends on every declared name.
	unknown map[*entry]bool

	// The attribute names of every piece (BLZ301, see typos.go), and
	// the pieces holding a BLZ301.
	attrs    map[string]*attrStat
	typoEnts map[*entry]bool

	memo  map[*Diagnostic]*absMemo
	once  bool          // updated once only (Load): its entries come in blocks (see entryBlock)
	ver   atomic.Uint64 // counts updates: a Result's program is of one version
	epoch uint64        // counts updates too, for the marks of update's sets
	b     builder
	prog  Program // the scratch program the builder reports into
}

// Result is what one Session update produced.
type Result struct {
	Diagnostics []*Diagnostic // sorted as Program.Diagnostics
	// Docs are the parsed files of the program, by name.
	Docs     map[string]*grammar.Doc
	LoadErr  error
	Canceled bool
	// Rebuilt is set when the update rebuilt the whole graph rather than
	// the part an edit touched; Evaluated counts the components whose
	// labels were computed, Findings those whose findings were.
	Rebuilt             bool
	Evaluated, Findings int

	s      *Session
	ver    uint64
	progMu sync.Mutex
	prog   *Program
	stale  bool // the session moved on before Program was asked
}

// sfile is one file of the program.
type sfile struct {
	name    string
	doc     *grammar.Doc
	entries []*entry // one per piece of doc
}

// symbol is a top-level name: the declarations of it, in program order
// (the first one wins, the others are duplicates), and the streams that
// name it at either end.
type symbol struct {
	name  string
	decls []*entry
	refs  []*entry
	win   *entry
	at    uint64 // the last update that touched its declarations (see update)
}

// entry is one piece of a file with what the analysis built from it.
type entry struct {
	file    *sfile
	idx     int // index of the piece in file.doc
	ord     int // position in the program: files in load order, then pieces
	piece   *grammar.Piece
	pf      *grammar.File // the piece as a file of its own
	name    string        // the name it declares ("" for streams)
	ends    [2]string     // a stream's producer and consumer names
	sym     *symbol       // the symbol of name, once added
	endSyms [2]*symbol    // the symbols of ends, once added (the second nil when both ends name one thing)
	gone    bool          // removed from the program

	comp   *Component // the component it declares, while it wins its name
	end    *Iface     // the source or sink it declares, while it wins
	stream *Stream    // the stream, while both ends resolve

	local []*Diagnostic // the declaration's own checks (winners only)
	dup   *Diagnostic   // "already declared" for a losing declaration
	res   []*Diagnostic // a stream's resolution and seal checks; an order hint into a sink
	flow  []*Diagnostic // a component's BLZ104, findings and its input streams' order hints
	typos []*Diagnostic // BLZ301 of its gate and seal attributes

	attrs attrInfo // its attribute names (typos.go)

	resolveAt, typoAt uint64 // marks (see update)
}

// off is what moves the positions of the entry's nodes to their place in
// the file (see grammar.Piece).
func (e *entry) off() int { return e.file.doc.Start(e.idx) - e.piece.Base }

// sameBytes reports whether a and b are the same slice (the server hands
// the same text again while a document does not change).
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// NewSession starts an incremental analysis of root.
func NewSession(root string) *Session {
	return &Session{root: root}
}

// NewSessionOf starts an incremental analysis of root whose documents are
// docs (by file name): a file whose text is its document's text is not
// parsed again. The first update analyses every declaration.
func NewSessionOf(root string, docs map[string]*grammar.Doc) *Session {
	s := &Session{root: root}
	s.reset()
	for name, d := range docs {
		s.byPath[name] = &sfile{name: name, doc: d}
	}
	return s
}

// update is the state of one Update between its phases.
//
// Its sets of nodes are lists with a mark in each node (the update's
// number ep in the node's field for that set): a node is in a set when
// its mark is ep, is added once, and is taken out by clearing its mark
// (a list may then hold it again after it is re-added: every use of a
// list is idempotent or checks the mark). A rebuild puts every node in
// them, which costs a slice append rather than a map insert.
type update struct {
	ep      uint64
	dirty   []*Component // inputs or declaration changed: re-label
	moved   []*Component // outputs' streams changed: reach may move
	sources []*Iface     // sources whose streams changed
	sinks   []*Iface     // sinks whose streams changed
	resolve []*entry     // streams to resolve again
	touched []*symbol    // names whose declarations changed: elect again
	attrs   []*attrStat  // attribute names whose counts changed
	names   bool         // an attribute name appeared or disappeared
}

// compMarks are the marks of a component: the update that last put it
// in each set (see update), and the scratch of the labelling.
type compMarks struct {
	dirty, moved, region, seen, redo uint64
	scc                              int32 // its SCC in relabel's region
	queued                           bool  // in the sccSolver's queue
}

// ifaceMarks are the marks of an interface, source or sink (see update).
type ifaceMarks struct {
	source, sink, srcs, node uint64
}

// addOnce appends x to list the first time it is asked to in update ep:
// mark is x's own record of the last update that added it, so that a set
// of nodes costs a comparison per add and no map.
func addOnce[T any](mark *uint64, ep uint64, list *[]T, x T) {
	if *mark != ep {
		*mark = ep
		*list = append(*list, x)
	}
}

func (u *update) dirtyComp(c *Component) { addOnce(&c.at.dirty, u.ep, &u.dirty, c) }

func (u *update) moveComp(c *Component) { addOnce(&c.at.moved, u.ep, &u.moved, c) }

func (u *update) touchSource(i *Iface) { addOnce(&i.at.source, u.ep, &u.sources, i) }

func (u *update) touchSink(i *Iface) { addOnce(&i.at.sink, u.ep, &u.sinks, i) }

func (u *update) resolveEntry(e *entry) { addOnce(&e.resolveAt, u.ep, &u.resolve, e) }

// Update analyses the present texts, read through opts.FS: the session
// keeps its own documents and graph, and brings them up to date.
func (s *Session) Update(opts Options) *Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	res := &Result{Docs: map[string]*grammar.Doc{}, s: s}
	if opts.Context != nil && opts.Context.Err() != nil {
		res.Canceled = true // nothing changed: the version stays
		return res
	}
	res.ver = s.ver.Add(1)
	if opts.FS == nil {
		opts.FS = OSFS{}
	}
	text, err := opts.FS.ReadFile(s.root)
	if err != nil {
		res.LoadErr = describeReadError(s.root, err)
		s.reset()
		return res
	}
	files, splices, fileDiags := s.load(opts, text)
	same := s.valid && len(files) == len(s.files)
	for i := 0; same && i < len(files); i++ {
		same = files[i] == s.files[i]
	}
	// A rebuild touches every piece: its maps are made that big at once.
	n := 0
	if !same {
		for _, f := range files {
			n += len(f.doc.Pieces())
		}
	}
	s.epoch++
	u := &update{
		ep:    s.epoch,
		dirty: make([]*Component, 0, n), moved: make([]*Component, 0, n),
		resolve: make([]*entry, 0, n), touched: make([]*symbol, 0, n),
	}
	var added []*entry
	if !same {
		// The set of files changed: start from nothing with the
		// documents as they are.
		s.reset()
		s.pieces = make(map[*grammar.File]*entry, n)
		s.syms = make(map[string]*symbol, n)
		s.files = files
		res.Rebuilt = true
		var blk *entryBlock
		if s.once {
			blk = &entryBlock{}
		}
		for _, f := range files {
			s.byPath[f.name] = f
			f.entries = nil // not [:0]: the old entries must not stay reachable
			for i, p := range f.doc.Pieces() {
				e := s.newEntry(f, i, p, blk)
				f.entries = append(f.entries, e)
				added = append(added, e)
			}
		}
	} else {
		for _, f := range files {
			sp, ok := splices[f]
			if !ok {
				continue
			}
			removed := f.entries[sp.Start:sp.OldEnd]
			for _, e := range removed {
				s.remove(e, u)
			}
			var mid []*entry
			for i := sp.Start; i < sp.NewEnd; i++ {
				e := s.newEntry(f, i, f.doc.Pieces()[i], nil)
				mid = append(mid, e)
				added = append(added, e)
			}
			// The entries are the session's own: spliced in place.
			f.entries = slices.Replace(f.entries, sp.Start, sp.OldEnd, mid...)
		}
	}
	s.valid = true
	ord := 0
	for _, f := range s.files {
		for i, e := range f.entries {
			e.idx, e.ord = i, ord
			ord++
		}
	}
	for _, e := range added {
		s.add(e, u)
	}
	slices.SortFunc(u.touched, func(a, b *symbol) int { return strings.Compare(a.name, b.name) })
	for _, y := range u.touched {
		s.elect(y, u)
	}
	s.resolveStreams(u)
	s.retypo(u)
	fwd := s.relabel(u, res)
	s.refind(u, fwd, res)
	for _, f := range s.files {
		res.Docs[f.name] = f.doc
	}
	res.Diagnostics = s.collect(fileDiags)
	return res
}

// reset forgets the graph.
func (s *Session) reset() {
	s.valid = false
	s.files = nil
	s.byPath = map[string]*sfile{}
	s.syms = map[string]*symbol{}
	s.pieces = map[*grammar.File]*entry{}
	s.noisy = map[*entry]bool{}
	s.unknown = map[*entry]bool{}
	s.attrs = map[string]*attrStat{}
	s.typoEnts = map[*entry]bool{}
	s.memo = map[*Diagnostic]*absMemo{}
	s.b = builder{p: &s.prog, comps: map[string]*Component{}, ends: map[string]*Iface{}}
}

// load reads the root and its imports in program order (depth first, in
// import order), bringing each
// file's document up to date, and reports the file-level diagnostics
// (syntax and imports, absolute). Files the session had keep their
// sfile, so that a file list equal to the previous one is recognised.
func (s *Session) load(opts Options, rootText []byte) ([]*sfile, map[*sfile]grammar.Splice, []*Diagnostic) {
	if s.byPath == nil {
		s.reset()
	}
	importRoot := opts.Root
	if importRoot == "" {
		importRoot = filepath.Dir(s.root)
	}
	if abs, err := filepath.Abs(importRoot); err == nil {
		importRoot = abs
	}
	b := &builder{p: &Program{}, opts: opts, importRoot: importRoot, byName: map[string]*grammar.File{}}
	var files []*sfile
	splices := map[*sfile]grammar.Splice{}
	var diags []*Diagnostic
	var visit func(name string, text []byte)
	visit = func(name string, text []byte) {
		f := s.byPath[name]
		switch {
		case f == nil:
			f = &sfile{name: name, doc: grammar.NewDoc(name, text)}
		case !sameBytes(f.doc.Text, text):
			if doc, sp := editDoc(f.doc, opts.FS, name, text); doc != f.doc {
				f.doc, splices[f] = doc, sp
			}
		}
		b.byName[name] = &grammar.File{Name: name}
		files = append(files, f)
		for _, e := range f.doc.Errors() {
			diags = append(diags, &Diagnostic{Location: Location{File: name, Range: e.Range}, Severity: SevError, Code: CodeSyntax, Message: e.Msg})
		}
		b.loading = append(b.loading, name)
		defer func() { b.loading = b.loading[:len(b.loading)-1] }()
		named := &grammar.File{Name: name}
		for i, p := range f.doc.Pieces() {
			if p.Kw != "import" || p.Import == nil {
				continue
			}
			b.p.Diagnostics = nil
			target, text, ok := b.importTarget(named, p.Import)
			start := grammar.Pos(f.doc.Start(i) - p.Base)
			for _, d := range b.p.Diagnostics {
				d.Range.Start += start
				d.Range.End += start
				d.in = nil // absolute now
				diags = append(diags, d)
			}
			if ok {
				visit(target, text)
			}
		}
	}
	visit(s.root, rootText)
	return files, splices, diags
}

// editDoc brings doc up to text: by the edits fsys knows (EditsFS), each
// handed to the document, or else by a new parse of the whole text (doc
// itself when the text is the same, as a file read again from the disk
// is). The splice says which pieces of doc the result replaced.
func editDoc(doc *grammar.Doc, fsys FS, name string, text []byte) (*grammar.Doc, grammar.Splice) {
	if efs, ok := fsys.(EditsFS); ok {
		if edits, ok := efs.Edits(name, doc.Text); ok && len(edits) > 0 && sameBytes(edits[len(edits)-1].New, text) {
			n0 := len(doc.Pieces())
			var sp grammar.Splice
			for k, e := range edits {
				before := len(doc.Pieces())
				var s grammar.Splice
				doc, s = doc.Edit(e.New, e.Start, e.OldEnd, e.NewEnd, e.Lines)
				if k == 0 {
					sp = s
					continue
				}
				// The pieces at the end that neither edit replaced are
				// the old document's; so are those before both.
				tail := min(before-sp.NewEnd, before-s.OldEnd)
				n := len(doc.Pieces())
				sp = grammar.Splice{Start: min(sp.Start, s.Start), OldEnd: n0 - tail, NewEnd: n - tail}
			}
			return doc, sp
		}
	}
	if bytes.Equal(doc.Text, text) {
		return doc, grammar.Splice{}
	}
	nd := grammar.NewDoc(name, text)
	return nd, grammar.Splice{OldEnd: len(doc.Pieces()), NewEnd: len(nd.Pieces())}
}

// entryBlock hands out the entries of a session updated once, and the
// files and declaration lists they point to, allocated entryBlockSize at
// a time: a cold check makes one of each per declaration. (Blocks of a
// modest size come from memory the collector recycles; one block for a
// whole big file would be fresh memory, costlier to fault in than the
// allocations it saves.) A session updated again allocates each entry
// alone, since a block lives as long as any of its entries does, and an
// edited session keeps few of its first entries.
type entryBlock struct {
	ents  []entry
	files []grammar.File
	decls []grammar.Decl
}

const entryBlockSize = 128

// newEntry makes the entry of piece i of f, from blk when it is not nil.
func (s *Session) newEntry(f *sfile, i int, p *grammar.Piece, blk *entryBlock) *entry {
	var e *entry
	if blk != nil {
		if len(blk.ents) == 0 {
			*blk = entryBlock{ents: make([]entry, entryBlockSize), files: make([]grammar.File, entryBlockSize), decls: make([]grammar.Decl, entryBlockSize)}
		}
		e, blk.ents = &blk.ents[0], blk.ents[1:]
		e.pf, blk.files = &blk.files[0], blk.files[1:]
		*e.pf = grammar.File{Name: f.name, Text: p.Source()}
		if p.Decl != nil {
			e.pf.Decls, blk.decls = blk.decls[:1:1], blk.decls[1:]
			e.pf.Decls[0] = p.Decl
		}
	} else {
		e = &entry{}
		e.pf = &grammar.File{Name: f.name, Text: p.Source()}
		if p.Decl != nil {
			e.pf.Decls = []grammar.Decl{p.Decl}
		}
	}
	e.file, e.idx, e.piece = f, i, p
	if p.Decl != nil {
		e.attrs = attrsOf(p.Decl)
	}
	s.pieces[e.pf] = e
	switch d := p.Decl.(type) {
	case *grammar.Source:
		if d.Name != nil {
			e.name = d.Name.Name
		}
	case *grammar.Sink:
		if d.Name != nil {
			e.name = d.Name.Name
		}
	case *grammar.Component:
		if d.Name != nil {
			e.name = d.Name.Name
		}
	case *grammar.Stream:
		if d.From != nil && d.From.Name != nil {
			e.ends[0] = d.From.Name.Name
		}
		if d.To != nil && d.To.Name != nil {
			e.ends[1] = d.To.Name.Name
		}
	}
	return e
}

func (s *Session) sym(name string) *symbol {
	y := s.syms[name]
	if y == nil {
		y = &symbol{name: name}
		s.syms[name] = y
	}
	return y
}

// touch records that the declarations of y changed.
func (u *update) touch(y *symbol) { addOnce(&y.at, u.ep, &u.touched, y) }

// remove takes a piece out of the program.
func (s *Session) remove(e *entry, u *update) {
	e.gone = true
	delete(s.pieces, e.pf)
	delete(s.noisy, e)
	delete(s.unknown, e)
	s.countAttrs(e, -1, u)
	if y := e.sym; y != nil {
		y.decls = removeEntry(y.decls, e)
		u.touch(y)
	}
	if _, ok := e.piece.Decl.(*grammar.Stream); ok {
		for _, y := range e.endSyms {
			if y != nil {
				y.refs = removeEntry(y.refs, e)
				if len(y.decls) == 0 && len(y.refs) == 0 && y.win == nil {
					delete(s.syms, y.name) // a name nothing mentions any more
				}
			}
		}
		s.detach(e, u)
	}
}

// add puts a piece into the program (its ord is set).
func (s *Session) add(e *entry, u *update) {
	s.countAttrs(e, +1, u)
	if e.name != "" {
		y := s.sym(e.name)
		e.sym = y
		i := sort.Search(len(y.decls), func(i int) bool { return y.decls[i].ord > e.ord })
		y.decls = append(y.decls, nil)
		copy(y.decls[i+1:], y.decls[i:])
		y.decls[i] = e
		u.touch(y)
	}
	if _, ok := e.piece.Decl.(*grammar.Stream); ok {
		for k, n := range e.ends {
			if n != "" && (k == 0 || n != e.ends[0]) {
				y := s.sym(n)
				e.endSyms[k] = y
				y.refs = append(y.refs, e)
			}
		}
		u.resolveEntry(e)
	}
}

func removeEntry(list []*entry, e *entry) []*entry {
	for i, x := range list {
		if x == e {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// elect makes the first declaration of a name its winner, rebuilding the
// node when the winner changed, and reports the others as duplicates.
func (s *Session) elect(y *symbol, u *update) {
	name := y.name
	var win *entry
	if len(y.decls) > 0 {
		win = y.decls[0]
	}
	if win != y.win {
		if old := y.win; old != nil {
			s.unbuild(old, u)
		}
		y.win = win
		if win != nil {
			s.build(win, u)
		}
		// Every stream naming it resolves differently now, and the
		// suggestions for unknown names may change.
		for _, r := range y.refs {
			u.resolveEntry(r)
		}
		for r := range s.unknown {
			u.resolveEntry(r)
		}
	}
	for i, e := range y.decls {
		e.dup = nil
		if i == 0 {
			continue
		}
		what := "component"
		switch e.piece.Decl.(type) {
		case *grammar.Source:
			what = "source"
		case *grammar.Sink:
			what = "sink"
		}
		e.dup = &Diagnostic{
			Location: at(e.pf, declName(e.piece.Decl).Range),
			Severity: SevError,
			Code:     CodeDuplicate,
			Message:  what + " " + name + " is already declared",
			Related:  []Related{{Location: at(win.pf, declName(win.piece.Decl).Range), Message: "first declared here"}},
		}
	}
	for _, e := range y.decls {
		s.note(e)
	}
	if len(y.decls) == 0 && len(y.refs) == 0 {
		delete(s.syms, name)
	}
}

func declName(d grammar.Decl) *grammar.Ident {
	switch d := d.(type) {
	case *grammar.Source:
		return d.Name
	case *grammar.Sink:
		return d.Name
	case *grammar.Component:
		return d.Name
	}
	return nil
}

// build makes the node a winning declaration declares.
func (s *Session) build(e *entry, u *update) {
	s.prog.Diagnostics = nil
	switch d := e.piece.Decl.(type) {
	case *grammar.Source:
		e.end = s.b.source(e.pf, d)
		e.end.Label = sourceLabel(e.end)
		s.b.ends[e.name] = e.end
		u.touchSource(e.end)
	case *grammar.Sink:
		e.end = sinkIface(e.pf, d)
		s.b.ends[e.name] = e.end
		u.touchSink(e.end)
	case *grammar.Component:
		c := s.b.component(e.pf, d)
		s.b.checkGates(c)
		for _, p := range c.Paths {
			p.relevant = relevantInputs(p)
		}
		e.comp = c
		s.b.comps[e.name] = c
		u.dirtyComp(c)
		u.moveComp(c)
	}
	e.local = s.prog.Diagnostics
	s.prog.Diagnostics = nil
	s.note(e)
}

// unbuild drops the node of a declaration that no longer wins its name.
func (s *Session) unbuild(e *entry, u *update) {
	if e.comp != nil {
		if s.b.comps[e.name] == e.comp {
			delete(s.b.comps, e.name)
		}
		e.comp.gone = true
		e.comp.at.dirty, e.comp.at.moved = 0, 0
		e.comp = nil
	}
	if e.end != nil {
		if s.b.ends[e.name] == e.end {
			delete(s.b.ends, e.name)
		}
		e.end.at.source, e.end.at.sink = 0, 0
		e.end = nil
	}
	e.local, e.flow = nil, nil
	s.note(e)
}

// detach takes a stream off its ends.
func (s *Session) detach(e *entry, u *update) {
	st := e.stream
	if st == nil {
		return
	}
	e.stream = nil
	st.From.Out = removeStream(st.From.Out, st)
	st.To.In = removeStream(st.To.In, st)
	s.touchEnds(st, u)
}

// touchEnds records that a stream was attached to or detached from its
// ends.
func (s *Session) touchEnds(st *Stream, u *update) {
	if c := st.From.Comp; c != nil {
		if !c.gone {
			u.moveComp(c)
		}
	} else {
		u.touchSource(st.From)
	}
	if c := st.To.Comp; c != nil {
		if !c.gone {
			u.dirtyComp(c)
			u.moveComp(c)
		}
	} else {
		u.touchSink(st.To)
	}
}

func removeStream(list []*Stream, st *Stream) []*Stream {
	for i, x := range list {
		if x == st {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// insertStream adds st to list in program order.
func insertStream(list []*Stream, st *Stream) []*Stream {
	i := sort.Search(len(list), func(i int) bool { return list[i].ent.ord > st.ent.ord })
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = st
	return list
}

// resolveStreams resolves the streams of u.resolve again and attaches the
// ones whose ends resolve.
func (s *Session) resolveStreams(u *update) {
	for _, e := range u.resolve {
		s.detach(e, u)
		e.res = nil
		if e.gone {
			continue
		}
		s.prog.Diagnostics = nil
		st := s.b.newStream(e.pf, e.piece.Decl.(*grammar.Stream))
		if st != nil {
			st.ent = e
			if st.From.Dir == DirSource {
				st.Label = streamLabel(st)
			}
			e.stream = st
			st.From.Out = insertStream(st.From.Out, st)
			st.To.In = insertStream(st.To.In, st)
			s.touchEnds(st, u)
			if st.To.Comp == nil {
				if d := orderFinding(st); d != nil {
					s.prog.Diagnostics = append(s.prog.Diagnostics, d)
				}
			}
		}
		e.res = s.prog.Diagnostics
		s.prog.Diagnostics = nil
		delete(s.unknown, e)
		for _, d := range e.res {
			if d.Code == CodeUnknownName && !strings.HasPrefix(d.Message, "component ") {
				s.unknown[e] = true
			}
		}
		s.note(e)
	}
}

// relabel recomputes the labels downstream of what changed and returns
// the components it re-labelled.
func (s *Session) relabel(u *update, res *Result) []*Component {
	// rep(C) of the components whose inputs changed: the first rep
	// stream into them in program order is the witness.
	for _, c := range u.dirty {
		if c.at.dirty != u.ep {
			continue
		}
		c.Replicated, c.RepStream = false, nil
		for _, i := range c.Inputs {
			for _, st := range i.In {
				if st.Rep && (c.RepStream == nil || st.ent.ord < c.RepStream.ent.ord) {
					c.Replicated, c.RepStream = true, st
				}
			}
		}
	}
	// Sources whose streams changed give them their labels; their
	// consumers are dirty already.
	for _, src := range u.sources {
		if src.at.source != u.ep {
			continue
		}
		for _, st := range src.Out {
			st.Label = streamLabel(st)
		}
	}
	// Everything downstream of a dirty component, through streams.
	fwd := make([]*Component, 0, len(u.dirty))
	in := func(c *Component) bool { return c.at.region == u.ep }
	for _, c := range u.dirty {
		if c.at.dirty == u.ep && !c.gone && !in(c) {
			c.at.region = u.ep
			fwd = append(fwd, c)
		}
	}
	slices.SortFunc(fwd, byCompName)
	for k := 0; k < len(fwd); k++ {
		for _, o := range fwd[k].Outputs {
			for _, st := range o.Out {
				if d := st.To.Comp; d != nil && !in(d) {
					d.at.region = u.ep
					fwd = append(fwd, d)
				}
			}
		}
	}
	res.Evaluated = len(fwd)
	// Remember the labels (of the components not known to have moved
	// already: a new one has), start the region from nothing, and take
	// the labels of the streams into it from outside, which are final.
	type saved struct {
		state     Label
		ins, outs []Label
	}
	old := make([]saved, len(fwd))
	var labels []Label // the saved ones, in one array
	for _, c := range fwd {
		if c.at.moved != u.ep {
			labels = slices.Grow(labels, len(c.Inputs)+len(c.Outputs))
		}
	}
	for k, c := range fwd {
		keep := c.at.moved != u.ep
		sv := saved{state: c.State}
		if keep {
			n := len(labels)
			for _, i := range c.Inputs {
				labels = append(labels, i.Label)
			}
			sv.ins = labels[n:len(labels):len(labels)]
			for _, o := range c.Outputs {
				labels = append(labels, o.Label)
			}
			sv.outs = labels[n+len(sv.ins) : len(labels) : len(labels)]
		}
		for _, i := range c.Inputs {
			i.Label = LNone
		}
		for _, o := range c.Outputs {
			o.Label = LNone
			for _, st := range o.Out {
				st.Label = LNone
			}
		}
		old[k] = sv
		c.State = LNone
		c.tj = tarjan{}
		for _, p := range c.Paths {
			p.Internal, p.OutLabel, p.Coordinated = LNone, LNone, false
		}
	}
	for _, c := range fwd {
		for _, i := range c.Inputs {
			for _, st := range i.In {
				if f := st.From.Comp; f == nil || !in(f) {
					st.Label = streamLabel(st)
				}
			}
		}
	}
	// SCCs of the region in topological order, each to its fixpoint.
	// (Their members in one array: most SCCs are a single component.)
	var sccs [][]*Component
	members := make([]*Component, 0, len(fwd))
	forEachSCC(fwd, func(c *Component, f func(*Component)) {
		for _, o := range c.Outputs {
			for _, st := range o.Out {
				if d := st.To.Comp; d != nil && in(d) {
					f(d)
				}
			}
		}
	}, func(scc []*Component) {
		n := len(members)
		members = append(members, scc...)
		sccs = append(sccs, members[n:len(members):len(members)])
	})
	var sol sccSolver
	for k := len(sccs) - 1; k >= 0; k-- {
		for _, c := range sccs[k] {
			c.at.scc = int32(k)
		}
		sol.solve(sccs[k], func(d *Component) bool { return in(d) && d.at.scc == int32(k) })
	}
	// Sinks fed by the region or whose streams changed.
	for _, c := range fwd {
		for _, o := range c.Outputs {
			for _, st := range o.Out {
				if st.To.Dir == DirSink {
					u.touchSink(st.To)
				}
			}
		}
	}
	for _, sink := range u.sinks {
		if sink.at.sink != u.ep {
			continue
		}
		for _, st := range sink.In {
			st.Label = streamLabel(st)
		}
		l := meetLabels(sink.In)
		if l != sink.Label {
			sink.Label = l
		}
	}
	// What moved: components whose labels changed join the structural
	// changes for the reach pass.
	for k, c := range fwd {
		if c.at.moved == u.ep {
			continue // in the reach pass already
		}
		sv := old[k]
		changed := sv.state != c.State
		for j, i := range c.Inputs {
			changed = changed || sv.ins[j] != i.Label
		}
		for j, o := range c.Outputs {
			changed = changed || sv.outs[j] != o.Label
		}
		if changed {
			u.moveComp(c)
		}
	}
	return fwd
}

// refind recomputes reach upstream of every change and the findings of
// every component upstream or downstream of one.
func (s *Session) refind(u *update, fwd []*Component, res *Result) {
	// Components upstream of a moved one (and the moved ones), and the
	// sources feeding them.
	ep := u.ep
	up := make([]*Component, 0, len(u.moved))
	var srcList []*Iface
	addSrc := func(i *Iface) {
		if i.at.srcs != ep {
			i.at.srcs = ep
			srcList = append(srcList, i)
		}
	}
	addUp := func(c *Component) {
		if c.at.seen != ep {
			c.at.seen = ep
			up = append(up, c)
		}
	}
	for _, src := range u.sources {
		if src.at.source == ep && src.Dir == DirSource {
			addSrc(src)
		}
	}
	for _, c := range u.moved {
		if c.at.moved == ep && !c.gone {
			addUp(c)
		}
	}
	for _, sink := range u.sinks {
		if sink.at.sink != ep {
			continue
		}
		for _, st := range sink.In {
			if c := st.From.Comp; c != nil {
				addUp(c)
			} else {
				addSrc(st.From)
			}
		}
	}
	for k := 0; k < len(up); k++ {
		for _, i := range up[k].Inputs {
			for _, st := range i.In {
				if c := st.From.Comp; c != nil {
					addUp(c)
				} else {
					addSrc(st.From)
				}
			}
		}
	}
	// Reach of that region, consumers first; everything outside it is
	// final (nothing downstream of it changed).
	nodes := make([]*Iface, 0, len(srcList)+4*len(up))
	addNode := func(i *Iface) {
		if i.at.node != ep {
			i.at.node = ep
			i.reach = candidate{}
			i.tj = tarjan{}
			nodes = append(nodes, i)
		}
	}
	slices.SortFunc(up, byCompName)
	slices.SortFunc(srcList, func(a, b *Iface) int { return strings.Compare(a.Name, b.Name) })
	for _, src := range srcList {
		addNode(src)
	}
	for _, c := range up {
		for _, i := range c.Inputs {
			addNode(i)
		}
		for _, o := range c.Outputs {
			addNode(o)
		}
	}
	for _, sink := range u.sinks {
		if sink.at.sink == ep {
			addNode(sink)
		}
	}
	forEachSCC(nodes, func(i *Iface, f func(*Iface)) {
		succ(i, func(n *Iface) {
			if n.at.node == ep {
				f(n)
			}
		})
	}, setReach)
	// Findings of the components re-labelled, upstream of a change, or
	// changed themselves.
	redo := func(c *Component) {
		if c.at.redo != ep && !c.gone {
			c.at.redo = ep
			res.Findings++
			s.findingsOf(c)
		}
	}
	for _, c := range up {
		redo(c)
	}
	for _, c := range fwd {
		redo(c)
	}
	for _, c := range u.dirty {
		if c.at.dirty == ep {
			redo(c)
		}
	}
}

// findingsOf recomputes the diagnostics that depend on a component's
// place in the graph: inputs without producer, its findings, and the
// order hints of the streams into it.
func (s *Session) findingsOf(c *Component) {
	e := s.pieces[c.File]
	if e == nil {
		return
	}
	s.prog.Diagnostics = nil
	s.b.checkProducers(c)
	out := s.prog.Diagnostics
	s.prog.Diagnostics = nil
	for _, path := range c.Paths {
		out = append(out, pathFindings(&s.prog, path)...)
	}
	for _, in := range c.Inputs {
		for _, st := range in.In {
			if d := orderFinding(st); d != nil {
				out = append(out, d)
			}
		}
	}
	e.flow = out
	s.note(e)
}

// attrStat is what the session knows of one attribute name (BLZ301):
// how many times it is mentioned, and declared in a schema, and the
// entries that use it in a gate or a seal, once per use. A cold update
// appends every use; a removed entry stays in users (it is gone) until
// the gone ones are half of it, so that neither adding nor removing a
// use of a name used thousands of times costs a search.
type attrStat struct {
	count, decl int
	users       []*entry
	dead        int    // uses by gone entries still in users
	at          uint64 // the last update that changed what its uses are told (see update)
}

// drop counts one use of a gone entry, and sweeps the gone ones when
// they are half the list.
func (a *attrStat) drop() {
	a.dead++
	if 2*a.dead < len(a.users) {
		return
	}
	a.users = slices.DeleteFunc(a.users, func(e *entry) bool { return e.gone })
	a.dead = 0
}

// touchAttr records that the uses of a name may be told otherwise.
func (u *update) touchAttr(a *attrStat) { addOnce(&a.at, u.ep, &u.attrs, a) }

// countAttrs adds (by +1) or removes (by -1) the attribute names of a
// piece to the session's counts.
func (s *Session) countAttrs(e *entry, by int, u *update) {
	stat := func(n string) *attrStat {
		a := s.attrs[n]
		if a == nil {
			a = &attrStat{}
			s.attrs[n] = a
		}
		return a
	}
	// Only a count that passes by 1 or a declaration that comes or goes
	// can change a use's answer: a name mentioned thousands of times
	// costs nothing.
	mention := func(a *attrStat) {
		a.count += by
		c := a.count
		if c == 0 || (by > 0 && c == 1) {
			u.names = true
		}
		if c <= 1 || (by > 0 && c == 2) {
			u.touchAttr(a)
		}
	}
	for _, n := range e.attrs.declared {
		a := stat(n)
		a.decl += by
		if a.decl == 0 || (by > 0 && a.decl == 1) {
			u.touchAttr(a)
		}
		mention(a)
	}
	for _, use := range e.attrs.uses {
		a := stat(use.id.Name)
		if by > 0 {
			a.users = append(a.users, e)
		} else {
			a.drop()
		}
		mention(a)
	}
	if by < 0 {
		// A name nothing mentions any more is forgotten.
		e.attrs.names(func(n string) {
			if a := s.attrs[n]; a != nil && a.count == 0 {
				delete(s.attrs, n)
			}
		})
		delete(s.typoEnts, e)
		e.typos = nil
	}
}

// retypo applies the BLZ301 rule (typoFinding) again to the pieces whose
// answer an update may have changed: those using an attribute name whose
// count changed, the streams resolved again (a schema at an end may have
// come or gone), and, when the set of names changed, every piece holding
// a BLZ301 (its suggestion may change).
func (s *Session) retypo(u *update) {
	var redo []*entry
	add := func(e *entry) { addOnce(&e.typoAt, u.ep, &redo, e) }
	for _, a := range u.attrs {
		for _, e := range a.users {
			add(e)
		}
	}
	for _, e := range u.resolve {
		if len(e.attrs.uses) > 0 {
			add(e)
		}
	}
	if u.names {
		for e := range s.typoEnts {
			add(e)
		}
	}
	for _, e := range redo {
		if e.gone {
			continue
		}
		var typos []*Diagnostic
		endChecked := func() bool {
			st, ok := e.piece.Decl.(*grammar.Stream)
			return ok && s.b.endsChecked(st)
		}
		for _, use := range e.attrs.uses {
			a := s.attrs[use.id.Name]
			if d := typoFinding(e.pf, use, a.count, a.decl > 0, endChecked, keysOf(s.attrs)); d != nil {
				typos = append(typos, d)
			}
		}
		if sameTypos(typos, e.typos) {
			continue
		}
		e.typos = typos
		if len(typos) > 0 {
			s.typoEnts[e] = true
		} else {
			delete(s.typoEnts, e)
		}
		s.note(e)
	}
}

// sameTypos reports whether two lists of BLZ301 say the same, so that the
// old ones (and their absolute copies) are kept.
func sameTypos(a, b []*Diagnostic) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Range != b[i].Range || a[i].Message != b[i].Message {
			return false
		}
	}
	return true
}

// note keeps the set of entries holding diagnostics up to date.
func (s *Session) note(e *entry) {
	if !e.gone && (len(e.local) > 0 || e.dup != nil || len(e.res) > 0 || len(e.flow) > 0 || len(e.typos) > 0) {
		s.noisy[e] = true
	} else {
		delete(s.noisy, e)
	}
}

// collect hands out every diagnostic with absolute positions.
func (s *Session) collect(fileDiags []*Diagnostic) []*Diagnostic {
	out := append([]*Diagnostic(nil), fileDiags...)
	memo := make(map[*Diagnostic]*absMemo, len(s.memo))
	var ar absArena
	put := func(ds ...*Diagnostic) {
		for _, d := range ds {
			if d != nil {
				out = append(out, s.absolute(d, memo, &ar))
			}
		}
	}
	for e := range s.noisy {
		put(e.local...)
		put(e.dup)
		put(e.res...)
		put(e.flow...)
		put(e.typos...)
	}
	s.memo = memo
	sortDiagnostics(out)
	return out
}

// absMemo is the absolute copy of a diagnostic, valid while the pieces
// its locations are in start where they started.
type absMemo struct {
	ents   []*entry // the piece of each location (nil: not in a piece)
	starts []int
	abs    *Diagnostic
}

// absArena allocates the copies of one collect in blocks: an edit near
// the top of a file moves hundreds of diagnostics at once. Blocks are
// small, because a copy the memo keeps for many versions keeps its whole
// block alive.
const absBlock = 16

// absArena is the allocator of absolute copies (see absBlock).
type absArena struct {
	diags []Diagnostic
	rel   []Related
	fixes []Fix
	edits []Edit
}

func (a *absArena) diag() *Diagnostic {
	if len(a.diags) == 0 {
		a.diags = make([]Diagnostic, absBlock)
	}
	d := &a.diags[0]
	a.diags = a.diags[1:]
	return d
}

// take returns n fresh elements from *buf, refilled in blocks.
func take[T any](buf *[]T, n int) []T {
	if n > len(*buf) {
		*buf = make([]T, max(n, 2*absBlock))
	}
	out := (*buf)[:n:n]
	*buf = (*buf)[n:]
	return out
}

// absolute returns d with its locations made absolute: from the memo when
// none of its pieces moved, else a copy (the pieces it is in are known
// from the memo when there is one, so only new diagnostics look them up).
func (s *Session) absolute(d *Diagnostic, memo map[*Diagnostic]*absMemo, ar *absArena) *Diagnostic {
	old := s.memo[d]
	if old != nil {
		same := true
		for i, e := range old.ents {
			if e != nil && e.off() != old.starts[i] {
				same = false
				break
			}
		}
		if same {
			memo[d] = old
			return old.abs
		}
	}
	n := 1 + len(d.Related)
	for _, fx := range d.Fixes {
		n += len(fx.Edits)
	}
	m := &absMemo{starts: make([]int, 0, n)}
	if old != nil {
		m.ents = old.ents
	} else {
		m.ents = make([]*entry, 0, n)
	}
	k := 0
	loc := func(l Location) Location {
		var e *entry
		if old != nil {
			e = m.ents[k]
		} else {
			e = s.pieces[l.in]
			m.ents = append(m.ents, e)
		}
		k++
		name := l.File
		if e == nil {
			m.starts = append(m.starts, 0)
			return Location{File: name, Range: l.Range}
		}
		start := e.off()
		m.starts = append(m.starts, start)
		off := grammar.Pos(start)
		return Location{File: name, Range: grammar.Range{Start: l.Range.Start + off, End: l.Range.End + off}}
	}
	c := ar.diag()
	*c = *d
	if !s.once {
		// A session updated once (Load) has no later version to
		// recognise the finding in: its copy is its own origin, and the
		// relative diagnostic (with the piece files it points to) is
		// garbage once the program is made.
		c.origin = d
	}
	c.Location = loc(d.Location)
	if len(d.Related) > 0 {
		c.Related = take(&ar.rel, len(d.Related))
		for i, r := range d.Related {
			c.Related[i] = Related{Location: loc(r.Location), Message: r.Message}
		}
	}
	if len(d.Fixes) > 0 {
		c.Fixes = take(&ar.fixes, len(d.Fixes))
		for i, fx := range d.Fixes {
			edits := take(&ar.edits, len(fx.Edits))
			for j, ed := range fx.Edits {
				l := loc(Location{File: ed.File, Range: ed.Range, in: ed.in})
				edits[j] = Edit{File: l.File, Range: l.Range, NewText: ed.NewText}
			}
			fx.Edits = edits
			c.Fixes[i] = fx
		}
	}
	m.abs = c
	memo[d] = m
	return c
}

// Program returns the whole program of the update's version: the graph
// with its labels and findings, as an immutable copy with absolute
// positions that stays valid however the session moves on. It is built on
// first use, from the session's graph while that is still at this version;
// it is nil when the session was updated again before anyone asked (the
// caller then reads a newer Result). Derivations (Why) are computed on
// demand from the copy.
func (r *Result) Program() *Program {
	r.progMu.Lock()
	defer r.progMu.Unlock()
	if r.prog != nil || r.stale {
		return r.prog
	}
	switch {
	case r.LoadErr != nil:
		r.prog = &Program{Root: r.s.root, LoadErr: r.LoadErr}
	case r.Canceled:
		r.prog = &Program{Root: r.s.root, Canceled: true}
	default:
		// A session updated since does not make the caller wait for
		// its update to end.
		if r.s.ver.Load() == r.ver {
			r.s.mu.Lock()
			if r.s.ver.Load() == r.ver && r.s.valid {
				r.prog = r.s.program(r.Diagnostics, r.s.once)
			}
			r.s.mu.Unlock()
		}
		r.stale = r.prog == nil
	}
	return r.prog
}

// program copies the session's graph, at its present version, into a
// Program whose nodes point into the absolute ASTs of the files
// (grammar.Doc.File and Doc.Decl) instead of the pieces.
//
// With inPlace the graph is not copied but moved into the program: its
// nodes are given their absolute positions where they are, which leaves
// the session unusable (Load, whose session ends there, saves a copy of
// the whole graph that way).
func (s *Session) program(diags []*Diagnostic, inPlace bool) *Program {
	p := &Program{Root: s.root, Diagnostics: diags, byName: make(map[string]*Component, len(s.b.comps))}
	// ifaces and streams map the session's nodes to their copies; in
	// place, a node is its own copy and the maps stay nil.
	var ifaces map[*Iface]*Iface
	var streams map[*Stream]*Stream
	ar := copyArena{inPlace: inPlace}
	if inPlace {
		s.valid = false
	} else {
		ifaces = map[*Iface]*Iface{}
		streams = map[*Stream]*Stream{}
	}
	for _, f := range s.files {
		af := f.doc.File()
		p.Files = append(p.Files, af)
		for _, e := range f.entries {
			off := grammar.Pos(e.off())
			switch {
			case e.comp != nil:
				c := copyComponent(e.comp, af, f.doc.Decl(e.idx).(*grammar.Component), off, ifaces, &ar)
				p.Components = append(p.Components, c)
				p.byName[c.Name] = c
			case e.end != nil:
				i := ar.iface(e.end)
				i.File, i.Decl, i.NameRange = af, f.doc.Decl(e.idx), shiftRange(e.end.NameRange, off)
				i.In, i.Out, i.reach, i.tj = emptied(&ar, i.In), emptied(&ar, i.Out), candidate{}, tarjan{}
				if ifaces != nil {
					ifaces[e.end] = i
				}
				if i.Dir == DirSource {
					p.Sources = append(p.Sources, i)
				} else {
					p.Sinks = append(p.Sinks, i)
				}
			}
		}
	}
	for _, f := range s.files {
		af := f.doc.File()
		for _, e := range f.entries {
			if e.stream == nil {
				continue
			}
			st := ar.stream(e.stream)
			from, to := copied(ifaces, e.stream.From), copied(ifaces, e.stream.To)
			st.File, st.Decl, st.ent = af, f.doc.Decl(e.idx).(*grammar.Stream), nil
			st.From, st.To = from, to
			st.From.Out = append(st.From.Out, st)
			st.To.In = append(st.To.In, st)
			if streams != nil {
				streams[e.stream] = st
			}
			p.Streams = append(p.Streams, st)
		}
	}
	for _, c := range p.Components {
		if c.RepStream != nil {
			c.RepStream = copied(streams, c.RepStream)
		}
		for _, q := range c.Paths {
			for k, i := range q.relevant {
				q.relevant[k] = copied(ifaces, i)
			}
		}
	}
	byName := func(list []*Iface) {
		slices.SortFunc(list, func(a, b *Iface) int { return strings.Compare(a.Name, b.Name) })
	}
	byName(p.Sources)
	byName(p.Sinks)
	slices.SortFunc(p.Components, byCompName)
	return p
}

// byCompName orders components by name.
func byCompName(a, b *Component) int { return strings.Compare(a.Name, b.Name) }

// copied returns the copy of x in m, or x itself when m is nil (a graph
// moved in place).
func copied[T any](m map[*T]*T, x *T) *T {
	if m == nil {
		return x
	}
	return m[x]
}

func shiftRange(r grammar.Range, off grammar.Pos) grammar.Range {
	return grammar.Range{Start: r.Start + off, End: r.End + off}
}

// copyComponent copies c, whose declaration is decl with positions off
// bytes on, with its interfaces (recorded in ifaces) and paths, into the
// blocks of ar.
func copyComponent(c *Component, f *grammar.File, decl *grammar.Component, off grammar.Pos, ifaces map[*Iface]*Iface, ar *copyArena) *Component {
	rel, ins, outs, paths := c.Decl, c.Inputs, c.Outputs, c.Paths
	n := ar.comp(c)
	n.File, n.Decl, n.tj = f, decl, tarjan{}
	iface := func(i *Iface) *Iface {
		x := ar.iface(i)
		x.Comp, x.File, x.Decl, x.NameRange = n, f, absMember(rel, decl, i.Decl), shiftRange(i.NameRange, off)
		x.In, x.Out, x.Paths, x.reach, x.tj = emptied(ar, x.In), emptied(ar, x.Out), emptied(ar, x.Paths), candidate{}, tarjan{}
		if ifaces != nil {
			ifaces[i] = x
		}
		return x
	}
	n.Inputs = sliceFor(ar, ins)
	for k, i := range ins {
		n.Inputs[k] = iface(i)
	}
	n.Outputs = sliceFor(ar, outs)
	for k, o := range outs {
		n.Outputs[k] = iface(o)
	}
	n.Paths = sliceFor(ar, paths)
	for k, q := range paths {
		in, out := copied(ifaces, q.In), copied(ifaces, q.Out)
		x := ar.path(q)
		x.Comp, x.Decl, x.In, x.Out = n, absMember(rel, decl, q.Decl).(*grammar.Path), in, out
		if !ar.inPlace {
			x.relevant = slices.Clone(q.relevant)
		}
		x.In.Paths = append(x.In.Paths, x)
		x.Out.Paths = append(x.Out.Paths, x)
		n.Paths[k] = x
	}
	return n
}

// absMember returns the node of abs that is node of rel, the same
// component declaration with other positions: a member, or an end of a
// path (which declares an interface by use). Components have a handful of
// members: a linear search.
func absMember(rel, abs *grammar.Component, node grammar.Node) grammar.Node {
	if rel == abs {
		return node // a piece of a whole parse shares its nodes (grammar.Piece.Base)
	}
	for k, m := range rel.Members {
		if m == node {
			return abs.Members[k]
		}
		if gp, ok := m.(*grammar.Path); ok {
			switch {
			case gp.From == node:
				return abs.Members[k].(*grammar.Path).From
			case gp.To == node:
				return abs.Members[k].(*grammar.Path).To
			}
		}
	}
	return nil
}

// copyArena allocates the nodes of a program's copy in blocks, or, with
// inPlace, hands back the nodes themselves.
type copyArena struct {
	inPlace bool
	comps   []Component
	ifaces  []Iface
	paths   []Path
	streams []Stream
}

const copyBlock = 256

func (a *copyArena) comp(c *Component) *Component { return copyOf(a.inPlace, &a.comps, c) }
func (a *copyArena) iface(i *Iface) *Iface        { return copyOf(a.inPlace, &a.ifaces, i) }
func (a *copyArena) path(p *Path) *Path           { return copyOf(a.inPlace, &a.paths, p) }
func (a *copyArena) stream(s *Stream) *Stream     { return copyOf(a.inPlace, &a.streams, s) }

// sliceFor returns a slice of len(x) for the copies of x's elements: x
// itself in place, where each element is its own copy.
func sliceFor[T any](a *copyArena, x []T) []T {
	if a.inPlace {
		return x
	}
	return make([]T, len(x))
}

// emptied returns an empty list to append a copied node's links to: in
// place, x[:0], whose array only that node uses; else nil, since a copy
// shares x's array with the session's node.
func emptied[T any](a *copyArena, x []T) []T {
	if a.inPlace {
		return x[:0]
	}
	return nil
}

// copyOf returns a copy of *x from *block, refilled copyBlock at a time,
// or x itself in place.
func copyOf[T any](inPlace bool, block *[]T, x *T) *T {
	if inPlace {
		return x
	}
	if len(*block) == 0 {
		*block = make([]T, copyBlock)
	}
	c := &(*block)[0]
	*block = (*block)[1:]
	*c = *x
	return c
}
