package grammar

import (
	"runtime"
	"sort"
	"strconv"
	"sync"

	plexer "github.com/alecthomas/participle/v2/lexer"
)

// chunk is one top-level piece of a file: the text from a top-level
// keyword up to the next one (or, for the preamble, from the start of the
// file up to the first keyword), and what parsing it produced. A chunk's
// result depends only on its own text, which is what lets Reparse reuse it
// when the same text reappears at another offset.
type chunk struct {
	start, end int    // byte range of the chunk's text
	kw         string // the keyword that starts it; "" for the preamble
	kwEnd      int    // end of that keyword

	dataflow *Ident
	imp      *Import
	decl     Decl
	err      *chunkErr // nil when the chunk parsed
}

// Parse parses a .blazes file. It never returns nil and never panics:
// syntax errors are collected in File.Errors, and every declaration that
// parsed is in File.Decls even when others did not (see split for how the
// file is cut into independently parsed declarations).
func Parse(name string, text []byte) *File {
	return parse(name, text, nil)
}

// Reparse parses text, the new version of prev's text, reusing the
// declarations of prev whose chunk text is unchanged: only the chunks an
// edit touched go through the parser again. The result equals
// Parse(prev.Name, text). prev is not modified, and may be read
// concurrently: reused nodes are copied when their offsets move, and
// shared as they are when they do not (nodes are never mutated after
// parsing, so sharing an unmoved node is safe).
func Reparse(prev *File, text []byte) *File {
	if prev == nil {
		return Parse("", text)
	}
	return parse(prev.Name, text, prev)
}

func parse(name string, text []byte, prev *File) *File {
	lr := lex(text)
	str := string(text)
	f := &File{Name: name, Text: text, Lines: NewLineTable(text), Comments: lr.comments}

	var cache map[string]*chunk
	if prev != nil && len(prev.chunks) > 0 {
		prevStr := string(prev.Text)
		cache = make(map[string]*chunk, len(prev.chunks))
		for _, c := range prev.chunks {
			if c.end <= len(prevStr) {
				cache[prevStr[c.start:c.end]] = c
			}
		}
	}

	spans := split(str, lr)
	f.chunks = make([]*chunk, len(spans))
	var todo []int
	for i, sp := range spans {
		if old, ok := cache[str[sp.start:sp.end]]; ok {
			f.chunks[i] = old.shift(sp.start - old.start)
			continue
		}
		todo = append(todo, i)
	}
	// Chunks are independent, so a cold parse of a big file spreads them
	// over the CPUs; participle's reflection makes parsing, not lexing,
	// the bulk of the time. Small jobs stay on this goroutine.
	workers := runtime.GOMAXPROCS(0)
	if len(todo) < 512 || workers < 2 {
		workers = 1
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := w; k < len(todo); k += workers {
				sp := spans[todo[k]]
				f.chunks[todo[k]] = parseChunk(str, lr.toks[sp.lo:sp.hi], sp)
			}
		}(w)
	}
	wg.Wait()
	f.assemble(str, lr, spans)
	return f
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
func split(text string, lr *lexResult) []span {
	var spans []span
	depth := 0
	cur := span{start: 0, lo: 0}
	for i, t := range lr.toks {
		if t.kind == tKeyword && (depth == 0 || lr.lineStart[i]) && topKeywords[text[t.start:t.end]] {
			if i > 0 || t.start > 0 {
				cur.end, cur.hi = t.start, i
				spans = append(spans, cur)
			}
			cur = span{start: t.start, lo: i}
			depth = 0
		}
		if t.kind == tPunct {
			switch text[t.start] {
			case '{':
				depth++
			case '}':
				if depth > 0 {
					depth--
				}
			}
		}
	}
	cur.end, cur.hi = len(text), len(lr.toks)
	if cur.end > cur.start || len(spans) == 0 {
		spans = append(spans, cur)
	}
	return spans
}

// onDisagree, when set (by tests), is told about a chunk on which the
// participle grammar and the checker disagree.
var onDisagree func(chunk string, perr error, cerr *chunkErr)

// parseChunk parses one chunk with the participle grammar for its keyword.
func parseChunk(text string, toks []token, sp span) *chunk {
	c := &chunk{start: sp.start, end: sp.end}
	if len(toks) == 0 {
		return c // whitespace and comments only
	}
	first := toks[0]
	if first.kind != tKeyword || !topKeywords[text[first.start:first.end]] {
		// The preamble: anything before the first declaration is one error.
		last := toks[len(toks)-1]
		c.err = &chunkErr{
			expected: "expected a top-level declaration (dataflow, import, source, sink, component, stream)",
			found:    describe(text, first),
			r:        Range{Pos(first.start), Pos(last.end)},
		}
		return c
	}
	c.kw = text[first.start:first.end]
	c.kwEnd = first.end

	ck := &checker{text: text, toks: toks}
	ck.chunk()
	c.err = ck.err

	pl, err := plexer.Upgrade(&chunkLexer{text: text, toks: toks, end: sp.end})
	if err != nil {
		panic(err) // chunkLexer never fails
	}
	var perr error
	switch c.kw {
	case "dataflow":
		var g *pDataflow
		if g, perr = dataflowParser.ParseFromLexer(pl); perr == nil {
			c.dataflow = g.Name.ident()
		}
	case "import":
		var g *pImport
		if g, perr = importParser.ParseFromLexer(pl); perr == nil {
			c.imp = g.convert()
		}
	case "source":
		var g *pSource
		if g, perr = sourceParser.ParseFromLexer(pl); perr == nil {
			c.decl = g.convert()
		}
	case "sink":
		var g *pSink
		if g, perr = sinkParser.ParseFromLexer(pl); perr == nil {
			c.decl = g.convert()
		}
	case "component":
		var g *pComponent
		if g, perr = componentParser.ParseFromLexer(pl); perr == nil {
			c.decl = g.convert()
		}
	case "stream":
		var g *pStream
		if g, perr = streamParser.ParseFromLexer(pl); perr == nil {
			c.decl = g.convert()
		}
	}
	if onDisagree != nil && (perr == nil) != (ck.err == nil) {
		onDisagree(text[sp.start:sp.end], perr, ck.err)
	}
	if perr != nil && c.err == nil {
		// The checker and the grammar disagree; trust the grammar, which
		// is the definition, and point where participle does.
		off := first.start
		if pe, ok := perr.(interface{ Position() plexer.Position }); ok {
			off = pe.Position().Offset
		}
		if off < sp.start || off > sp.end {
			off = first.start
		}
		c.err = &chunkErr{expected: "syntax error in this declaration", r: Range{Pos(off), Pos(off)}}
	}
	if c.err != nil {
		c.dataflow, c.imp, c.decl = nil, nil, nil
	}
	return c
}

// assemble fills the file from its chunks: declarations in order, the
// errors of the chunks (completed with what follows each chunk), the
// lexical errors, and the errors about the order of the file's parts.
func (f *File) assemble(text string, lr *lexResult, spans []span) {
	errs := append([]*SyntaxError(nil), lr.errs...)
	lexAt := make(map[Pos]bool, len(lr.errs))
	for _, e := range lr.errs {
		lexAt[e.Range.Start] = true
	}
	var seenImport, seenDecl bool
	var dataflowAt Pos = -1
	for i, c := range f.chunks {
		if e := c.err; e != nil {
			msg, r := e.expected, e.r
			if e.atEnd {
				if i+1 < len(f.chunks) {
					nt := lr.toks[spans[i+1].lo]
					msg += " but found " + describe(text, nt)
					r = Range{Pos(nt.start), Pos(nt.end)}
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
		kwRange := Range{Pos(c.start), Pos(c.kwEnd)}
		switch c.kw {
		case "dataflow":
			switch {
			case dataflowAt >= 0:
				errs = append(errs, &SyntaxError{Msg: "a file names its dataflow only once: 'dataflow' already appears at line " + strconv.Itoa(f.Lines.Position(dataflowAt).Line), Range: kwRange})
			case seenImport || seenDecl:
				errs = append(errs, &SyntaxError{Msg: "'dataflow' must come first in the file, before imports and declarations", Range: kwRange})
			}
			if dataflowAt < 0 {
				dataflowAt = Pos(c.start)
			}
			if f.Dataflow == nil && c.dataflow != nil {
				f.Dataflow = c.dataflow
			}
		case "import":
			if seenDecl {
				errs = append(errs, &SyntaxError{Msg: "imports must come before the declarations (source, sink, component, stream)", Range: kwRange})
			}
			seenImport = true
			if c.imp != nil {
				f.Imports = append(f.Imports, c.imp)
			}
		case "source", "sink", "component", "stream":
			seenDecl = true
			if c.decl != nil {
				f.Decls = append(f.Decls, c.decl)
			}
		}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Range.Start < errs[j].Range.Start })
	f.Errors = errs
}
