package grammar

import (
	"runtime"
	"sort"
	"strconv"
	"sync"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"
)

// chunk is one top-level piece of a file: the text from a top-level
// keyword up to the next one (or, for the preamble, from the start of the
// file up to the first keyword), and what lexing and parsing it produced. A
// chunk's result depends only on its own text (a chunk starts at the start
// of a token, with the lexer and the splitter in their initial state, and
// ends where the next chunk's keyword starts or at the end of the file),
// which is what lets Doc.Edit reuse it when the same text reappears at
// another offset.
type chunk struct {
	start, end int    // byte range of the chunk's text
	kw         string // the keyword that starts it; "" for the preamble
	kwEnd      int    // end of that keyword

	comments []*Comment     // the comments in the chunk's text, in order
	lexErrs  []*SyntaxError // the lexical errors in it, in order, uncapped

	dataflow *Ident
	imp      *Import
	decl     Decl
	err      *chunkErr // nil when the chunk parsed
}

// source is the text that chunks are parsed from: s holds the file's
// bytes from offset base on, so that a reparse converts only the relexed
// part of the file to a string. Token offsets are always file offsets.
type source struct {
	s    string
	base int
}

func (s source) tok(t token) string { return s.s[t.start-s.base : t.end-s.base] }

// Parse parses a .blazes file. It never returns nil and never panics:
// syntax errors are collected in File.Errors, and every declaration that
// parsed is in File.Decls even when others did not (see split for how the
// file is cut into independently parsed declarations).
func Parse(name string, text []byte) *File {
	lr := lex(text)
	f := &File{Name: name, Text: text, Lines: NewLineTable(text)}
	spans := split(text, lr)
	f.chunks = parseSpans(source{s: string(text)}, lr, spans, nil)
	f.assemble()
	return f
}

// region is the part of a file that an edit makes Doc.Edit lex and split
// again: the old chunks [a, b) are replaced by the
// chunks of spans, which cover text[start:end] and whose tokens are in lr.
type region struct {
	a, b       int
	start, end int
	lr         *lexResult
	spans      []span
}

// relexRegion finds and relexes the region of text affected by one edit
// that replaced [start, oldEnd) of the old text by text[start:newEnd]. The
// old text was cut into n chunks, chunk i starting at startOf(i) with its
// keyword ending at kwEndOf(i) (both increasing with i).
func relexRegion(text []byte, n int, startOf, kwEndOf func(int) int, start, oldEnd, newEnd int) region {
	delta := newEnd - oldEnd

	// The region to relex starts at the chunk holding start, unless the
	// edit touches (or directly follows) that chunk's keyword: then the
	// keyword may disappear or join the text before it, and the region
	// starts one chunk earlier. Everything before the region is unchanged
	// text, so its chunks are the same.
	a := sort.Search(n, func(i int) bool { return startOf(i) > start }) - 1
	if a < 0 {
		a = 0
	}
	if a > 0 && kwEndOf(a) >= start {
		a--
	}
	regionStart := startOf(a)

	// Lex and split from there until a chunk starts, at or after the end
	// of the edit, where an old chunk started (shifted by the edit): from
	// that point on the text is the old text, the scanner and the splitter
	// are in the same state as they were there (a new chunk, brace depth
	// 0), so the old chunks are the new ones.
	lr := &lexResult{}
	sc := scanner{text: text, i: regionStart, newline: true, r: lr}
	sp := splitter{text: text, lr: lr, cur: span{start: regionStart}}
	var spans []span
	b := n // first old chunk reused after the region
	regionEnd := len(text)
	for {
		t, nl, ok := sc.next()
		if !ok {
			break
		}
		lr.toks = append(lr.toks, t)
		lr.lineStart = append(lr.lineStart, nl)
		closed, didClose, starts := sp.add(len(lr.toks) - 1)
		if didClose {
			spans = append(spans, closed)
		}
		if starts && t.start >= newEnd {
			old := t.start - delta
			if k := sort.Search(n, func(i int) bool { return startOf(i) >= old }); k < n && startOf(k) == old {
				b, regionEnd = k, t.start
				lr.toks = lr.toks[:len(lr.toks)-1]
				lr.lineStart = lr.lineStart[:len(lr.lineStart)-1]
				break
			}
		}
	}
	if b == n {
		if last, ok := sp.finish(len(text), a == 0 && len(spans) == 0); ok {
			spans = append(spans, last)
		}
	}
	return region{a: a, b: b, start: regionStart, end: regionEnd, lr: lr, spans: spans}
}

// parseSpans makes the chunks of spans, whose tokens are in lr: from
// cached when it has the chunk (it may be nil), else by parsing them.
func parseSpans(src source, lr *lexResult, spans []span, cached func(span) *chunk) []*chunk {
	chunks := make([]*chunk, len(spans))
	var todo []int
	var chunkSlab slab[chunk]
	ci, ei := 0, 0
	for i, sp := range spans {
		// The comments and lexical errors of the span.
		cj := ci
		for cj < len(lr.comments) && int(lr.comments[cj].Range.Start) < sp.end {
			cj++
		}
		ej := ei
		for ej < len(lr.errs) && int(lr.errs[ej].Range.Start) < sp.end {
			ej++
		}
		if cached != nil {
			if c := cached(sp); c != nil {
				chunks[i] = c
				ci, ei = cj, ej
				continue
			}
		}
		c := chunkSlab.new()
		*c = chunk{start: sp.start, end: sp.end}
		if cj > ci {
			c.comments = lr.comments[ci:cj:cj]
		}
		if ej > ei {
			c.lexErrs = lr.errs[ei:ej:ej]
		}
		ci, ei = cj, ej
		chunks[i] = c
		todo = append(todo, i)
	}
	// Chunks are independent, so a cold parse of a big file spreads them
	// over the CPUs, each goroutine taking a contiguous run of them;
	// participle's reflection makes parsing, not lexing, the bulk of the
	// time. Small jobs stay on this goroutine.
	workers := runtime.GOMAXPROCS(0)
	if len(todo) < 512 || workers < 2 {
		workers = 1
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		part := todo[w*len(todo)/workers : (w+1)*len(todo)/workers]
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := chunkParser{text: src, lr: lr, spans: spans}
			p.run(chunks, part)
		}()
	}
	wg.Wait()
	return chunks
}

// span is a chunk's byte range and its tokens lr.toks[lo:hi].
type span struct {
	start, end int
	lo, hi     int
}

// split cuts the file at top-level keywords: dataflow, import, source,
// sink, component and stream, when they are found at brace depth 0. A
// keyword at depth > 0 that is the first token on its line also starts a
// chunk (and resets the depth): such a keyword can never be valid inside a
// component body, and it almost always means a '}' is missing, as while a
// component is being typed. Without this rule one missing '}' would swallow
// every declaration after it into one broken chunk. Comments and strings
// are single tokens (or not tokens at all), so keywords inside them never
// split.
func split(text []byte, lr *lexResult) []span {
	var spans []span
	sp := splitter{text: text, lr: lr}
	for i := range lr.toks {
		if s, ok, _ := sp.add(i); ok {
			spans = append(spans, s)
		}
	}
	if last, ok := sp.finish(len(text), len(spans) == 0); ok {
		spans = append(spans, last)
	}
	return spans
}

// splitter is split one token at a time. Its state at the start of a
// chunk is always the same (depth 0, a new span), which is what lets
// reparseEdit resume it at any chunk start.
type splitter struct {
	text  []byte
	lr    *lexResult
	depth int
	cur   span
}

// add takes lr.toks[i]. starts reports whether the token starts a chunk;
// when that ends a non-empty chunk before it, that chunk's span is
// returned with ok.
func (s *splitter) add(i int) (closed span, ok, starts bool) {
	t := s.lr.toks[i]
	switch t.kind {
	case tKeyword:
		if (s.depth == 0 || s.lr.lineStart[i]) && topKeywords[string(s.text[t.start:t.end])] {
			if i > s.cur.lo || t.start > s.cur.start {
				s.cur.end, s.cur.hi = t.start, i
				closed, ok = s.cur, true
			}
			s.cur = span{start: t.start, lo: i}
			s.depth = 0
			starts = true
		}
	case tPunct:
		switch s.text[t.start] {
		case '{':
			s.depth++
		case '}':
			if s.depth > 0 {
				s.depth--
			}
		}
	}
	return
}

// finish ends the last chunk at end; it is returned when it is not empty,
// or when keepEmpty (a file has at least one chunk).
func (s *splitter) finish(end int, keepEmpty bool) (span, bool) {
	s.cur.end, s.cur.hi = end, len(s.lr.toks)
	return s.cur, s.cur.end > s.cur.start || keepEmpty
}

// onDisagree, when set (by tests), is told about a chunk on which the
// participle grammar and the checker disagree.
var onDisagree func(chunk string, perr error, cerr *chunkErr)

// chunkParser parses chunks with the participle grammar for their
// keywords, on one goroutine.
//
// Participle wants a PeekingLexer, which copies the tokens it is given,
// and each parse has a fixed cost; so the chunks the checker accepts are
// parsed in batches from one PeekingLexer holding the tokens of the whole
// batch, each with AllowTrailing, and each must end exactly where its
// tokens end. A chunk the checker refuses, or on which the batch parse
// fails or stops elsewhere, is parsed alone (as every chunk once was): its
// errors are the checker's, or participle's when the two disagree.
type chunkParser struct {
	text  source
	lr    *lexResult
	spans []span
	ar    arena
	valid []int
}

// batchSize is the number of chunks parsed from one PeekingLexer.
const batchSize = 256

var trailing = []participle.ParseOption{participle.AllowTrailing(true)}

// run parses the chunks of idx, whose range is set.
func (p *chunkParser) run(chunks []*chunk, idx []int) {
	for len(idx) > 0 {
		n := min(batchSize, len(idx))
		part := idx[:n]
		idx = idx[n:]
		p.valid = p.valid[:0]
		for _, i := range part {
			c, toks := chunks[i], p.toks(i)
			ck := p.head(c, toks)
			switch {
			case ck == nil:
			case ck.err != nil:
				p.alone(c, toks, ck)
			default:
				p.valid = append(p.valid, i)
			}
		}
		if len(p.valid) == 0 {
			continue
		}
		pl, err := plexer.Upgrade(&batchLexer{p: p, idx: p.valid})
		if err != nil {
			panic(err) // batchLexer never fails
		}
		for _, i := range p.valid {
			c, toks := chunks[i], p.toks(i)
			cp := pl.MakeCheckpoint()
			want := pl.Cursor() + len(toks)
			if err := p.parseWith(c, pl, trailing...); err != nil || pl.Cursor() != want {
				c.dataflow, c.imp, c.decl = nil, nil, nil
				pl.LoadCheckpoint(cp)
				for range toks {
					pl.Next()
				}
				ck := &checker{text: p.text, toks: toks}
				ck.chunk()
				p.alone(c, toks, ck)
			}
		}
	}
}

func (p *chunkParser) toks(i int) []token {
	sp := p.spans[i]
	return p.lr.toks[sp.lo:sp.hi]
}

// head sets the chunk's keyword and runs the checker on it; it returns
// nil when there is nothing to parse (a chunk of whitespace and comments,
// or the preamble, which is an error as a whole).
func (p *chunkParser) head(c *chunk, toks []token) *checker {
	if len(toks) == 0 {
		return nil // whitespace and comments only
	}
	first := toks[0]
	if first.kind != tKeyword || !topKeywords[p.text.tok(first)] {
		// The preamble: anything before the first declaration is one error.
		last := toks[len(toks)-1]
		c.err = &chunkErr{
			expected: "expected a top-level declaration (dataflow, import, source, sink, component, stream)",
			found:    describe(p.text, first),
			r:        Range{Pos(first.start), Pos(last.end)},
		}
		return nil
	}
	c.kw = p.text.tok(first)
	c.kwEnd = first.end
	ck := &checker{text: p.text, toks: toks}
	ck.chunk()
	c.err = ck.err
	return ck
}

// parseWith parses the chunk from pl with the grammar for its keyword and
// fills its AST.
func (p *chunkParser) parseWith(c *chunk, pl *plexer.PeekingLexer, opts ...participle.ParseOption) (perr error) {
	switch c.kw {
	case "dataflow":
		var g *pDataflow
		if g, perr = dataflowParser.ParseFromLexer(pl, opts...); perr == nil {
			c.dataflow = p.ar.ident(&g.Name)
		}
	case "import":
		var g *pImport
		if g, perr = importParser.ParseFromLexer(pl, opts...); perr == nil {
			c.imp = g.convert(c.start)
		}
	case "source":
		var g *pSource
		if g, perr = sourceParser.ParseFromLexer(pl, opts...); perr == nil {
			c.decl = g.convert(&p.ar, c.start)
		}
	case "sink":
		var g *pSink
		if g, perr = sinkParser.ParseFromLexer(pl, opts...); perr == nil {
			c.decl = g.convert(&p.ar, c.start)
		}
	case "component":
		var g *pComponent
		if g, perr = componentParser.ParseFromLexer(pl, opts...); perr == nil {
			c.decl = g.convert(&p.ar, c.start)
		}
	case "stream":
		var g *pStream
		if g, perr = streamParser.ParseFromLexer(pl, opts...); perr == nil {
			c.decl = g.convert(&p.ar, c.start)
		}
	}
	return perr
}

// alone parses one chunk from its own tokens; ck is the checker's walk of
// them. A chunk with an error keeps a partial AST.
func (p *chunkParser) alone(c *chunk, toks []token, ck *checker) {
	pl, err := plexer.Upgrade(&chunkLexer{text: p.text, toks: toks, end: c.end})
	if err != nil {
		panic(err) // chunkLexer never fails
	}
	perr := p.parseWith(c, pl)
	if onDisagree != nil && (perr == nil) != (ck.err == nil) {
		onDisagree(p.text.s[c.start-p.text.base:c.end-p.text.base], perr, ck.err)
	}
	if perr != nil && c.err == nil {
		// The checker and the grammar disagree; trust the grammar, which
		// is the definition, and point where participle does.
		off := toks[0].start
		if pe, ok := perr.(interface{ Position() plexer.Position }); ok {
			off = pe.Position().Offset
		}
		if off < c.start || off > c.end {
			off = toks[0].start
		}
		c.err = &chunkErr{expected: "syntax error in this declaration", r: Range{Pos(off), Pos(off)}}
	}
	if c.err != nil {
		c.dataflow, c.imp = nil, nil
		c.decl = p.partialDecl(c.kw, toks, ck)
		c.imp = p.partialImport(c.kw, toks)
	}
}

// partialImport keeps the import of a broken import chunk whose path is a
// complete string (`import "lib.blazes"` followed by a half-typed line):
// the import is what the user meant, and dropping it would turn every name
// the imported file declares into an error.
func (p *chunkParser) partialImport(kw string, toks []token) *Import {
	if kw != "import" || len(toks) < 2 || toks[1].kind != tString {
		return nil
	}
	raw := p.text.tok(toks[1])
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return nil
	}
	pr := Range{Pos(toks[1].start), Pos(toks[1].end)}
	return &Import{Path: unquote(raw), PathRange: pr, Range: Range{Pos(toks[0].start), pr.End}}
}

// batchLexer feeds participle the tokens of the chunks idx, one after the
// other.
type batchLexer struct {
	p    *chunkParser
	idx  []int
	k, j int // chunk idx[k], its token j
}

func (l *batchLexer) Next() (plexer.Token, error) {
	for l.k < len(l.idx) {
		sp := l.p.spans[l.idx[l.k]]
		if sp.lo+l.j < sp.hi {
			t := l.p.lr.toks[sp.lo+l.j]
			l.j++
			return plexer.Token{Type: plexer.TokenType(t.kind), Value: l.p.text.tok(t), Pos: plexer.Position{Offset: t.start}}, nil
		}
		l.k++
		l.j = 0
	}
	end := l.p.spans[l.idx[len(l.idx)-1]].end
	return plexer.Token{Type: plexer.EOF, Pos: plexer.Position{Offset: end}}, nil
}

// partialDecl is what can be known of a declaration with a syntax error
// (see Component.Broken): nil for a keyword or nothing where the name
// should be, and for a stream whose endpoints did not both parse. The
// members of a component, and the endpoints and attributes of a stream,
// come from parsing the complete prefix the checker found (ck.good), with
// a '}' added after a component's members.
func (p *chunkParser) partialDecl(kw string, toks []token, ck *checker) Decl {
	text := p.text
	start, last := Pos(toks[0].start), Pos(toks[len(toks)-1].end)
	if kw == "stream" {
		if ck.good == 0 {
			return nil
		}
		pl, err := plexer.Upgrade(&chunkLexer{text: text, toks: toks[:ck.good], end: toks[ck.good-1].end})
		if err != nil {
			return nil
		}
		g, err := streamParser.ParseFromLexer(pl)
		if err != nil {
			return nil
		}
		s := g.convert(&p.ar, toks[0].start)
		s.Range.End, s.Broken = last, true
		return s
	}
	if len(toks) < 2 || toks[1].kind != tIdent {
		return nil
	}
	name := &Ident{Name: text.tok(toks[1]), Range: Range{Pos(toks[1].start), Pos(toks[1].end)}}
	switch kw {
	case "source":
		return &Source{Name: name, Range: Range{start, last}, Broken: true}
	case "sink":
		return &Sink{Name: name, Range: Range{start, last}, Broken: true}
	case "component":
	default:
		return nil
	}
	c := &Component{Name: name, LBrace: NoPos, RBrace: NoPos, Range: Range{start, last}, Broken: true}
	if len(toks) < 3 || toks[2].kind != tPunct || text.tok(toks[2]) != "{" {
		return c
	}
	c.LBrace = Pos(toks[2].start)
	depth := 0
	for _, t := range toks[2:] {
		if t.kind != tPunct {
			continue
		}
		switch text.tok(t) {
		case "{":
			depth++
		case "}":
			depth--
		}
		if depth == 0 {
			c.RBrace = Pos(t.start)
			c.Range.End = c.RBrace + 1
			break
		}
	}
	if ck.good > 2 {
		pl, err := plexer.Upgrade(&chunkLexer{text: text, toks: toks[:ck.good], end: toks[ck.good-1].end, close: !ck.closed})
		if err == nil {
			if g, err := componentParser.ParseFromLexer(pl); err == nil {
				c.Members = g.convert(&p.ar, toks[0].start).Members
			}
		}
	}
	return c
}

// assemble fills the file from its chunks: declarations in order, the
// comments, the errors of the chunks (completed with what follows each
// chunk), the lexical errors, and the errors about the order of the
// file's parts.
func (f *File) assemble() {
	var nCom, nDecl int
	for _, c := range f.chunks {
		nCom += len(c.comments)
		if c.decl != nil {
			nDecl++
		}
	}
	if nCom > 0 {
		f.Comments = make([]*Comment, 0, nCom)
	}
	if nDecl > 0 {
		f.Decls = make([]Decl, 0, nDecl)
	}
	for _, c := range f.chunks {
		f.Comments = append(f.Comments, c.comments...)
		switch c.kw {
		case "dataflow":
			if f.Dataflow == nil && c.dataflow != nil {
				f.Dataflow = c.dataflow
			}
		case "import":
			if c.imp != nil {
				f.Imports = append(f.Imports, c.imp)
			}
		case "source", "sink", "component", "stream":
			if c.decl != nil {
				f.Decls = append(f.Decls, c.decl)
			}
		}
	}
	f.Errors = syntaxErrors(f.chunks, nil, f.Lines)
}

// syntaxErrors are the syntax errors of a file cut into chunks: each
// chunk's lexical errors (capped for the file) and parse error, and the
// errors of order between chunks (dataflow first, imports before the
// declarations). starts, when not nil, holds the offset of each chunk
// whose positions are relative to its start (a Doc's pieces); chunks with
// absolute positions pass nil.
func syntaxErrors(chunks []*chunk, starts []int, lines *LineTable) []*SyntaxError {
	at := func(i int) int {
		if starts == nil {
			return 0
		}
		return starts[i]
	}
	nLex := 0
	for _, c := range chunks {
		nLex += len(c.lexErrs)
	}
	var lexErrs []*SyntaxError
	if nLex > 0 {
		lexErrs = make([]*SyntaxError, 0, nLex)
		var es slab[SyntaxError]
		for i, c := range chunks {
			for _, e := range c.lexErrs {
				if starts == nil {
					lexErrs = append(lexErrs, e)
					continue
				}
				x := es.new()
				*x = SyntaxError{Msg: e.Msg, Range: e.Range.Shift(at(i))}
				lexErrs = append(lexErrs, x)
			}
		}
	}
	lexErrs = capLexErrors(lexErrs)
	errs := append([]*SyntaxError(nil), lexErrs...)
	var lexAt map[Pos]bool
	if len(lexErrs) > 0 {
		lexAt = make(map[Pos]bool, len(lexErrs))
		for _, e := range lexErrs {
			lexAt[e.Range.Start] = true
		}
	}
	var seenImport, seenDecl bool
	var dataflowAt Pos = -1
	for i, c := range chunks {
		start := at(i)
		if e := c.err; e != nil {
			msg, r := e.expected, e.r.Shift(start)
			if e.atEnd {
				if i+1 < len(chunks) {
					// Every chunk but the first starts with its keyword.
					nc, ns := chunks[i+1], at(i+1)
					msg += " but found the keyword '" + nc.kw + "'"
					r = Range{Pos(ns + nc.start), Pos(ns + nc.kwEnd)}
				} else {
					msg += " but found the end of the file"
				}
			} else if e.found != "" {
				msg += " but found " + e.found
			}
			if !lexAt[r.Start] || r.Start == r.End {
				errs = append(errs, &SyntaxError{Msg: msg, Range: r})
			}
		}
		kwRange := Range{Pos(start + c.start), Pos(start + c.kwEnd)}
		switch c.kw {
		case "dataflow":
			switch {
			case dataflowAt >= 0:
				errs = append(errs, &SyntaxError{Msg: "a file names its dataflow only once: 'dataflow' already appears at line " + strconv.Itoa(lines.Position(dataflowAt).Line), Range: kwRange})
			case seenImport || seenDecl:
				errs = append(errs, &SyntaxError{Msg: "'dataflow' must come first in the file, before imports and declarations", Range: kwRange})
			}
			if dataflowAt < 0 {
				dataflowAt = kwRange.Start
			}
		case "import":
			if seenDecl {
				errs = append(errs, &SyntaxError{Msg: "imports must come before the declarations (source, sink, component, stream)", Range: kwRange})
			}
			seenImport = true
		case "source", "sink", "component", "stream":
			seenDecl = true
		}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Range.Start < errs[j].Range.Start })
	return errs
}
