package grammar

import (
	"bytes"
	"slices"
	"sort"
	"sync"
)

// Doc is a parsed file kept as pieces: each top-level chunk (see split)
// with positions that do not depend on where the piece lands in the file
// (they count from the piece's Base). An edit re-lexes and re-parses only the pieces it touches (the
// region reparseEdit relexes) and shares every other *Piece as it is:
// same pointer, nothing copied or shifted: an edit costs the edited
// declarations plus a copy of a few slices of one word per piece or line,
// where absolute positions would make it copy every declaration after the
// edit.
//
// A Doc is immutable once built and safe for concurrent readers.
type Doc struct {
	Name  string     // the path as given by the caller
	Text  []byte     // the source text; must not be modified
	Lines *LineTable // offset <-> line/column conversion for Text

	pieces []*Piece
	starts []int       // starts[i] is the offset of pieces[i] in Text
	kinds  []pieceKind // kinds[i] is the kind of pieces[i]

	errsOnce sync.Once
	errs     []*SyntaxError
	fileOnce sync.Once
	file     *File
}

// Piece is one top-level chunk of a Doc parsed on its own. The positions
// of its nodes count from Base: a node at x is at x-Base in the piece's
// Text and at x-Base+Doc.Start(i) in the file. That is what lets
// consecutive versions of a Doc share a piece wherever it lands. It is
// never modified.
//
// The pieces of NewDoc share the nodes of the whole parse (Doc.File):
// their Base is where they start in that first version, so a cold
// analysis holds one syntax tree, not a second copy shifted to every
// piece. The pieces an edit makes are parsed on their own, with Base 0.
type Piece struct {
	Kw       string  // the keyword that starts it ("dataflow", "import", "source", "sink", "component", "stream"); "" for the preamble
	Decl     Decl    // the declaration (positions from Base), or nil
	Import   *Import // for an import piece that parsed, or whose path did (see partialImport), or nil
	Dataflow *Ident  // for a dataflow piece that parsed, or nil
	Text     []byte  // the piece's own text
	Newlines int     // the number of '\n' in Text
	Base     int     // the offset its nodes' positions count from (see above)

	src []byte // the text its positions index: Text, preceded by Base bytes
	c   *chunk // the piece's chunk, positions from Base
}

// Source is the text that the positions of the piece's nodes index: its
// Text, preceded by Base bytes of the version of the file it was parsed
// in (which are not part of the piece).
func (p *Piece) Source() []byte { return p.src }

// pieceKind is what Errors needs to know of a piece to find that a file
// has no errors: the part of the file its keyword starts, and whether the
// piece has errors of its own. Kept in a slice of their own, the kinds of
// a big file are checked in one pass over a few kilobytes instead of one
// pointer per piece to follow.
type pieceKind uint8

const (
	kindPreamble pieceKind = iota
	kindDataflow
	kindImport
	kindDecl
	kindErr pieceKind = 1 << 7 // set when the piece has a syntax or lexical error
)

func (c *chunk) kind() pieceKind {
	var k pieceKind
	switch c.kw {
	case "dataflow":
		k = kindDataflow
	case "import":
		k = kindImport
	case "source", "sink", "component", "stream":
		k = kindDecl
	}
	if c.err != nil || len(c.lexErrs) > 0 {
		k |= kindErr
	}
	return k
}

// Splice says which pieces an edit replaced: the pieces [Start, OldEnd) of
// the previous Doc were replaced by the pieces [Start, NewEnd) of the new
// one. Pieces before Start are the same pointers at the same indices, and
// piece OldEnd+k of the old Doc is the same pointer as piece NewEnd+k of
// the new one. A replaced piece whose text reappears unchanged in the
// region (a declaration moved by a cut and paste, or left unchanged by an
// edit around it) is reused too, at its new index in [Start, NewEnd).
type Splice struct{ Start, OldEnd, NewEnd int }

// NewDoc parses text as Parse does, keeping it as pieces. It never panics.
func NewDoc(name string, text []byte) *Doc {
	lr := lex(text)
	spans := split(text, lr)
	chunks := parseSpans(source{s: string(text)}, lr, spans, nil)
	d := &Doc{Name: name, Text: text, Lines: NewLineTable(text), starts: make([]int, len(spans)), kinds: make([]pieceKind, len(spans))}
	d.pieces = make([]*Piece, len(spans))
	pieces := make([]Piece, len(spans))
	for i, s := range spans {
		c := chunks[i]
		t := text[s.start:s.end:s.end]
		pieces[i] = Piece{Kw: c.kw, Decl: c.decl, Import: c.imp, Dataflow: c.dataflow, Text: t, Newlines: bytes.Count(t, []byte{'\n'}), Base: s.start, src: text[:s.end:s.end], c: c}
		d.pieces[i] = &pieces[i]
		d.starts[i] = s.start
		d.kinds[i] = c.kind()
	}
	// The pieces share the parse's nodes, and so does File: one tree.
	d.fileOnce.Do(func() {
		d.file = &File{Name: name, Text: text, Lines: d.Lines, chunks: chunks}
		d.file.assemble()
	})
	return d
}

// Edit returns the Doc of text, the new version of d.Text after one edit
// that replaced d.Text[start:oldEnd] by text[start:newEnd] (offsets in
// bytes; the caller guarantees that everything before start and after the
// edit is unchanged: the editor told it so), and which pieces it replaced.
// It relexes and reparses only the pieces the edit touches and shares
// every other piece of d. lines, when not nil, is text's line table (the
// language server keeps one per open document), which the new Doc shares
// instead of making its own. d is not modified. Offsets out of range, a
// nil Doc or one not made by NewDoc or Edit make it parse text as NewDoc
// does, every piece replaced.
func (d *Doc) Edit(text []byte, start, oldEnd, newEnd int, lines *LineTable) (*Doc, Splice) {
	if lines != nil && !lines.indexes(text) {
		lines = nil
	}
	if d == nil || len(d.pieces) == 0 || start < 0 || start > oldEnd || oldEnd > len(d.Text) ||
		newEnd < start || newEnd > len(text) || len(d.Text)-oldEnd != len(text)-newEnd {
		name := ""
		n := 0
		if d != nil {
			name, n = d.Name, len(d.pieces)
		}
		nd := NewDoc(name, text)
		return nd, Splice{OldEnd: n, NewEnd: len(nd.pieces)}
	}
	return d.edit(text, start, oldEnd, newEnd, lines)
}

// edit is Edit on checked offsets.
func (d *Doc) edit(text []byte, start, oldEnd, newEnd int, lines *LineTable) (*Doc, Splice) {
	op, ost := d.pieces, d.starts
	r := relexRegion(text, len(op), func(i int) int { return ost[i] }, func(i int) int { return ost[i] + op[i].c.kwEnd - op[i].Base }, start, oldEnd, newEnd)

	// Pieces of the replaced region whose text reappears are reused as
	// they are: their positions are relative, so nothing moves. Each is
	// reused once at most, so that a piece is at one index of a Doc (a
	// caller may key what it knows of a piece by its pointer).
	replaced := slices.Clone(op[r.a:r.b])
	var byText map[string]*Piece
	if len(replaced) > 8 && len(r.spans) > 1 {
		byText = make(map[string]*Piece, len(replaced))
		for _, p := range replaced {
			byText[string(p.Text)] = p
		}
	}
	reuse := make([]*Piece, len(r.spans))
	for i, s := range r.spans {
		t := text[s.start:s.end]
		if byText != nil {
			if p, ok := byText[string(t)]; ok {
				reuse[i] = p
				delete(byText, string(t))
			}
			continue
		}
		for k, p := range replaced {
			if p != nil && bytes.Equal(p.Text, t) {
				reuse[i], replaced[k] = p, nil
				break
			}
		}
	}
	cached := func(s span) *chunk {
		i := sort.Search(len(r.spans), func(i int) bool { return r.spans[i].start >= s.start })
		if p := reuse[i]; p != nil {
			return p.c
		}
		return nil
	}

	// The new pieces get a copy of the region's text: sharing text would
	// keep the whole of this version alive for as long as any of them
	// lives, one file per edited piece.
	own := bytes.Clone(text[r.start:r.end])
	chunks := parseSpans(source{s: string(own), base: r.start}, r.lr, r.spans, cached)
	mid := newPieces(own, r.start, r.spans, chunks, reuse)

	n := len(op) - (r.b - r.a) + len(mid)
	pieces := make([]*Piece, 0, n)
	pieces = append(pieces, op[:r.a]...)
	pieces = append(pieces, mid...)
	pieces = append(pieces, op[r.b:]...)
	starts := make([]int, 0, n)
	starts = append(starts, ost[:r.a]...)
	for _, s := range r.spans {
		starts = append(starts, s.start)
	}
	delta := newEnd - oldEnd
	for _, s := range ost[r.b:] {
		starts = append(starts, s+delta)
	}
	kinds := make([]pieceKind, 0, n)
	kinds = append(kinds, d.kinds[:r.a]...)
	for _, p := range mid {
		kinds = append(kinds, p.c.kind())
	}
	kinds = append(kinds, d.kinds[r.b:]...)
	if lines == nil {
		lines = d.Lines.edited(text, start, oldEnd, newEnd)
	}
	nd := &Doc{Name: d.Name, Text: text, Lines: lines, pieces: pieces, starts: starts, kinds: kinds}
	return nd, Splice{Start: r.a, OldEnd: r.b, NewEnd: r.a + len(mid)}
}

// newPieces makes the pieces of spans, whose text is in text from offset
// base on, from their chunks (absolute, as parseSpans makes them), or
// takes reuse[i] when it is set. Each piece made gets memory of its own
// (its nodes, shifted to start at 0, its text, its Piece): pieces made by
// an edit outlive one another, and one survivor of a big pasted region
// must not keep the whole region's memory alive.
func newPieces(text []byte, base int, spans []span, chunks []*chunk, reuse []*Piece) []*Piece {
	out := make([]*Piece, len(spans))
	for i, s := range spans {
		if reuse[i] != nil {
			out[i] = reuse[i]
			continue
		}
		t := bytes.Clone(text[s.start-base : s.end-base])
		c := chunks[i].shift(smallArena(), -s.start)
		out[i] = &Piece{Kw: c.kw, Decl: c.decl, Import: c.imp, Dataflow: c.dataflow, Text: t, Newlines: bytes.Count(t, []byte{'\n'}), src: t, c: c}
	}
	return out
}

// Pieces returns the pieces in file order. A file has at least one piece.
// Callers must not modify the slice.
func (d *Doc) Pieces() []*Piece { return d.pieces }

// Start is the offset of piece i in d.Text.
func (d *Doc) Start(i int) int { return d.starts[i] }

// Errors returns the syntax errors of the file with offsets in d.Text:
// exactly Parse(d.Name, d.Text).Errors. It is computed once, without
// building the File; on a file without errors that is one pass over a
// byte per piece. Callers must not modify the slice.
func (d *Doc) Errors() []*SyntaxError {
	d.errsOnce.Do(func() {
		if !d.clean() {
			d.errs = d.errors()
		}
	})
	return d.errs
}

// clean reports whether the file has no syntax errors: no piece has one,
// and the parts of the file come in order (at most one dataflow, first,
// then imports, then declarations).
func (d *Doc) clean() bool {
	part := kindPreamble
	for _, k := range d.kinds {
		switch {
		case k&kindErr != 0,
			k == kindDataflow && part != kindPreamble,
			k == kindImport && part == kindDecl:
			return false
		case k != kindPreamble:
			part = k
		}
	}
	return true
}

// errors is what File.assemble makes of the errors of its chunks, from the
// pieces (syntaxErrors with what moves each to its place).
func (d *Doc) errors() []*SyntaxError {
	chunks := make([]*chunk, len(d.pieces))
	offs := make([]int, len(d.pieces))
	for i, p := range d.pieces {
		chunks[i], offs[i] = p.c, d.starts[i]-p.Base
	}
	return syntaxErrors(chunks, offs, d.Lines)
}

// File returns the whole file with absolute positions, equal to
// Parse(d.Name, d.Text). NewDoc keeps the one its parse made; a Doc made
// by an edit builds it once, on first use, from the pieces: a piece still
// where its nodes say is shared as it is, the others are shifted copies
// (every piece after an edit that moved text), which is why the pieces
// are there for whoever can do without.
func (d *Doc) File() *File {
	d.fileOnce.Do(func() {
		chunks := make([]*chunk, len(d.pieces))
		var ar arena
		for i, p := range d.pieces {
			chunks[i] = p.c.shift(&ar, d.starts[i]-p.Base)
		}
		f := &File{Name: d.Name, Text: d.Text, Lines: d.Lines, chunks: chunks}
		f.assemble()
		d.file = f
	})
	return d.file
}

// Decl returns the declaration of piece i with absolute positions: the
// node File() holds, or nil when the piece declares nothing.
func (d *Doc) Decl(i int) Decl {
	return d.File().chunks[i].decl
}
