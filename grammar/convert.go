package grammar

import (
	"strings"

	plexer "github.com/alecthomas/participle/v2/lexer"
)

// Conversion from participle's structs to the AST. Every range is exact:
// it starts at the node's first token and ends at the end of its last one.

func (ar *arena) ident(t *plexer.Token) *Ident {
	id := ar.idents.new()
	*id = Ident{Name: t.Value, Range: Range{Pos(t.Pos.Offset), Pos(t.Pos.Offset + len(t.Value))}}
	return id
}

// list returns the names among toks, a captured list with its brackets
// and commas.
func (ar *arena) list(toks []plexer.Token) []*Ident {
	n := 0
	for i := range toks {
		if toks[i].Type == plexer.TokenType(tIdent) {
			n++
		}
	}
	out := ar.identPs.make(n)
	n = 0
	for i := range toks {
		if toks[i].Type == plexer.TokenType(tIdent) {
			out[n] = ar.ident(&toks[i])
			n++
		}
	}
	return out
}

// closeEnd is the end of a captured bracketed list: after its last token.
func closeEnd(toks []plexer.Token) Pos { return Pos(toks[len(toks)-1].Pos.Offset + 1) }

func (ar *arena) schema(toks []plexer.Token) *Schema {
	if len(toks) == 0 {
		return nil
	}
	s := ar.schemas.new()
	*s = Schema{Attrs: ar.list(toks), Range: Range{Pos(toks[0].Pos.Offset), closeEnd(toks)}}
	return s
}

// unquote strips the quotes of a string literal and resolves \" and \\.
// The lexer has already reported unterminated strings and unknown escapes;
// here they are taken as written.
func unquote(raw string) string {
	s := raw
	if len(s) > 0 && s[0] == '"' {
		s = s[1:]
	}
	if len(s) > 0 && s[len(s)-1] == '"' && !strings.HasSuffix(s, `\"`) || strings.HasSuffix(s, `\\"`) {
		s = s[:len(s)-1]
	}
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (p *pImport) convert(start int) *Import {
	off := Pos(p.Path.Pos.Offset)
	pr := Range{off, off + Pos(len(p.Path.Value))}
	return &Import{Path: unquote(p.Path.Value), PathRange: pr, Range: Range{Pos(start), pr.End}}
}

// attrWord reports whether t is the word of a stream attribute: one of
// the keywords seal, rep, order, or one of the contextual words
// watermark, partition, shuffle (identifiers, but only as the first token
// of an attribute: inside parentheses they are keys).
func attrWord(t *plexer.Token) (AttrKind, bool) {
	switch t.Value {
	case "seal":
		return AttrSeal, true
	case "rep":
		return AttrRep, true
	case "order":
		return AttrOrder, true
	case "watermark":
		return AttrWatermark, true
	case "partition":
		return AttrPartition, true
	case "shuffle":
		return AttrShuffle, true
	}
	return 0, false
}

func isPunct(t *plexer.Token, s string) bool {
	return t.Type == plexer.TokenType(tPunct) && t.Value == s
}

// streamAttrs converts a captured run of stream attributes: each is a word,
// then, when the next token is '(', a list up to its ')'.
func (ar *arena) streamAttrs(toks []plexer.Token) []*StreamAttr {
	// ends[i] is the index after attribute i's last token.
	next := func(i int) int {
		j := i + 1
		if j < len(toks) && isPunct(&toks[j], "(") {
			for !isPunct(&toks[j], ")") {
				j++
			}
			j++
		}
		return j
	}
	n := 0
	for i := 0; i < len(toks); i = next(i) {
		n++
	}
	out := ar.attrPs.make(n)
	n = 0
	for i := 0; i < len(toks); {
		t := &toks[i]
		j := next(i)
		k, _ := attrWord(t)
		a := ar.attrs.new()
		*a = StreamAttr{Kind: k, Range: Range{Pos(t.Pos.Offset), Pos(t.Pos.Offset + len(t.Value))}}
		if j > i+1 {
			a.Parens = true
			a.Keys = ar.list(toks[i+1 : j])
			a.Range.End = closeEnd(toks[i:j])
		}
		out[n] = a
		n++
		i = j
	}
	return out
}

// gate converts the captured gate of an annotation, toks[0] being '[' and
// the last token ']'.
func (ar *arena) gate(toks []plexer.Token) []*GateTerm {
	n := 0
	for i := range toks {
		if toks[i].Type == plexer.TokenType(tIdent) {
			n++
		}
	}
	out := ar.termPs.make(n) // at most one term per identifier
	n = 0
	for i := 1; i < len(toks)-1; i++ {
		t := &toks[i]
		if t.Type != plexer.TokenType(tIdent) {
			continue // ','
		}
		g := ar.terms.new()
		if i+1 < len(toks) && isPunct(&toks[i+1], "(") {
			// window ( t )
			*g = GateTerm{Attr: ar.ident(&toks[i+2]), Window: true, Range: Range{Pos(t.Pos.Offset), Pos(toks[i+3].Pos.Offset + 1)}}
			i += 3
		} else {
			id := ar.ident(t)
			*g = GateTerm{Attr: id, Range: id.Range}
		}
		out[n] = g
		n++
	}
	return out[:n:n]
}

func (p *pSource) convert(ar *arena, start int) *Source {
	s := ar.sources.new()
	*s = Source{Name: ar.ident(&p.Name), Schema: ar.schema(p.Schema), Attrs: ar.streamAttrs(p.Attrs)}
	end := s.Name.Range.End
	if s.Schema != nil {
		end = s.Schema.Range.End
	}
	if n := len(s.Attrs); n > 0 {
		end = s.Attrs[n-1].Range.End
	}
	s.Range = Range{Pos(start), end}
	return s
}

func (p *pSink) convert(ar *arena, start int) *Sink {
	s := ar.sinks.new()
	*s = Sink{Name: ar.ident(&p.Name), Schema: ar.schema(p.Schema)}
	end := s.Name.Range.End
	if s.Schema != nil {
		end = s.Schema.Range.End
	}
	s.Range = Range{Pos(start), end}
	return s
}

func (p *pComponent) convert(ar *arena, start int) *Component {
	c := ar.comps.new()
	*c = Component{
		Name:    ar.ident(&p.Name),
		LBrace:  Pos(p.LBrace.Pos.Offset),
		RBrace:  Pos(p.RBrace.Pos.Offset),
		Range:   Range{Pos(start), Pos(p.RBrace.Pos.Offset + 1)},
		Members: ar.members.make(len(p.Members)),
	}
	for i, m := range p.Members {
		if m.Dir.Value != "" {
			f := ar.ifaces.new()
			*f = Interface{Name: ar.ident(&m.Name), Schema: ar.schema(m.Schema)}
			if m.Dir.Value == "out" {
				f.Dir = Out
			}
			end := f.Name.Range.End
			if f.Schema != nil {
				end = f.Schema.Range.End
			}
			f.Range = Range{Pos(m.Dir.Pos.Offset), end}
			c.Members[i] = f
			continue
		}
		a := ar.anns.new()
		at := m.Ann[0]
		switch at.Value {
		case "CR":
			a.Kind = CR
		case "CW":
			a.Kind = CW
		case "OR":
			a.Kind = OR
		case "OW":
			a.Kind = OW
		}
		a.Range = Range{Pos(at.Pos.Offset), Pos(at.Pos.Offset + 2)}
		if len(m.Ann) > 1 {
			a.Brackets = true
			a.Gate = ar.gate(m.Ann[1:])
			a.Range.End = closeEnd(m.Ann)
		}
		path := ar.paths.new()
		*path = Path{From: ar.ident(&m.From), To: ar.ident(&m.To), Ann: a}
		path.Range = Range{path.From.Range.Start, a.Range.End}
		c.Members[i] = path
	}
	return c
}

func (ar *arena) endpoint(toks []plexer.Token) *Endpoint {
	e := ar.ends.new()
	*e = Endpoint{Name: ar.ident(&toks[0])}
	e.Range = e.Name.Range
	if len(toks) == 3 {
		e.Iface = ar.ident(&toks[2])
		e.Range.End = e.Iface.Range.End
	}
	return e
}

func (p *pStream) convert(ar *arena, start int) *Stream {
	s := ar.streams.new()
	*s = Stream{From: ar.endpoint(p.From), To: ar.endpoint(p.To), Attrs: ar.streamAttrs(p.Attrs)}
	end := s.To.Range.End
	if n := len(s.Attrs); n > 0 {
		end = s.Attrs[n-1].Range.End
	}
	s.Range = Range{Pos(start), end}
	return s
}

// shift returns the chunk moved by d bytes, allocated from ar. The nodes
// are copied, never mutated, since the chunk may belong to a snapshot
// others are reading; with d == 0 the chunk is returned as it is.
func (c *chunk) shift(ar *arena, d int) *chunk {
	if d == 0 {
		return c
	}
	n := ar.chunks.new()
	*n = *c
	n.start += d
	n.end += d
	n.kwEnd += d
	if c.dataflow != nil {
		n.dataflow = ar.shiftIdent(c.dataflow, d)
	}
	if c.imp != nil {
		n.imp = &Import{Path: c.imp.Path, PathRange: c.imp.PathRange.Shift(d), Range: c.imp.Range.Shift(d)}
	}
	if c.decl != nil {
		n.decl = ar.shiftDecl(c.decl, d)
	}
	if c.err != nil {
		e := *c.err
		e.r = e.r.Shift(d)
		n.err = &e
	}
	if c.comments != nil {
		n.comments = ar.commPs.make(len(c.comments))
		for i, cm := range c.comments {
			x := ar.comments.new()
			*x = Comment{Text: cm.Text, Range: cm.Range.Shift(d)}
			n.comments[i] = x
		}
	}
	if c.lexErrs != nil {
		n.lexErrs = ar.synErrPs.make(len(c.lexErrs))
		for i, e := range c.lexErrs {
			x := ar.synErrs.new()
			*x = SyntaxError{Msg: e.Msg, Range: e.Range.Shift(d)}
			n.lexErrs[i] = x
		}
	}
	return n
}

func (ar *arena) shiftIdent(id *Ident, d int) *Ident {
	if id == nil {
		return nil
	}
	n := ar.idents.new()
	*n = Ident{Name: id.Name, Range: id.Range.Shift(d)}
	return n
}

func (ar *arena) shiftIdents(ids []*Ident, d int) []*Ident {
	if ids == nil {
		return nil
	}
	out := ar.identPs.make(len(ids))
	if out == nil {
		out = []*Ident{}
	}
	for i, id := range ids {
		out[i] = ar.shiftIdent(id, d)
	}
	return out
}

func (ar *arena) shiftTerms(ts []*GateTerm, d int) []*GateTerm {
	if ts == nil {
		return nil
	}
	out := ar.termPs.make(len(ts))
	if out == nil {
		out = []*GateTerm{}
	}
	for i, t := range ts {
		n := ar.terms.new()
		*n = GateTerm{Attr: ar.shiftIdent(t.Attr, d), Window: t.Window, Range: t.Range.Shift(d)}
		out[i] = n
	}
	return out
}

func (ar *arena) shiftSchema(s *Schema, d int) *Schema {
	if s == nil {
		return nil
	}
	n := ar.schemas.new()
	*n = Schema{Attrs: ar.shiftIdents(s.Attrs, d), Range: s.Range.Shift(d)}
	return n
}

func (ar *arena) shiftAttrs(as []*StreamAttr, d int) []*StreamAttr {
	if as == nil {
		return nil
	}
	out := ar.attrPs.make(len(as))
	if out == nil {
		out = []*StreamAttr{}
	}
	for i, a := range as {
		n := ar.attrs.new()
		*n = StreamAttr{Kind: a.Kind, Keys: ar.shiftIdents(a.Keys, d), Parens: a.Parens, Range: a.Range.Shift(d)}
		out[i] = n
	}
	return out
}

func (ar *arena) shiftEndpoint(e *Endpoint, d int) *Endpoint {
	if e == nil {
		return nil
	}
	n := ar.ends.new()
	*n = Endpoint{Name: ar.shiftIdent(e.Name, d), Iface: ar.shiftIdent(e.Iface, d), Range: e.Range.Shift(d)}
	return n
}

func (ar *arena) shiftDecl(decl Decl, d int) Decl {
	switch x := decl.(type) {
	case *Source:
		n := ar.sources.new()
		*n = *x
		n.Name, n.Schema, n.Attrs, n.Range = ar.shiftIdent(x.Name, d), ar.shiftSchema(x.Schema, d), ar.shiftAttrs(x.Attrs, d), x.Range.Shift(d)
		return n
	case *Sink:
		n := ar.sinks.new()
		*n = *x
		n.Name, n.Schema, n.Range = ar.shiftIdent(x.Name, d), ar.shiftSchema(x.Schema, d), x.Range.Shift(d)
		return n
	case *Stream:
		n := ar.streams.new()
		*n = *x
		n.From, n.To, n.Attrs, n.Range = ar.shiftEndpoint(x.From, d), ar.shiftEndpoint(x.To, d), ar.shiftAttrs(x.Attrs, d), x.Range.Shift(d)
		return n
	case *Component:
		c := ar.comps.new()
		*c = *x
		c.Name, c.Range = ar.shiftIdent(x.Name, d), x.Range.Shift(d)
		if x.LBrace >= 0 {
			c.LBrace += Pos(d)
		}
		if x.RBrace >= 0 {
			c.RBrace += Pos(d)
		}
		if x.Members != nil {
			c.Members = ar.members.make(len(x.Members))
			if c.Members == nil {
				c.Members = []Member{}
			}
		}
		for i, m := range x.Members {
			switch m := m.(type) {
			case *Interface:
				f := ar.ifaces.new()
				*f = Interface{Dir: m.Dir, Name: ar.shiftIdent(m.Name, d), Schema: ar.shiftSchema(m.Schema, d), Range: m.Range.Shift(d)}
				c.Members[i] = f
			case *Path:
				a := ar.anns.new()
				*a = Annotation{Kind: m.Ann.Kind, Gate: ar.shiftTerms(m.Ann.Gate, d), Brackets: m.Ann.Brackets, Range: m.Ann.Range.Shift(d)}
				p := ar.paths.new()
				*p = Path{From: ar.shiftIdent(m.From, d), To: ar.shiftIdent(m.To, d), Ann: a, Range: m.Range.Shift(d)}
				c.Members[i] = p
			}
		}
		return c
	}
	return decl
}
