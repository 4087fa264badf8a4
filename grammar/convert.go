package grammar

import "strings"

// Conversion from participle's structs to the AST. Every range is exact:
// it starts at the node's first token and ends at the end of its last one.

func (p *pIdent) ident() *Ident {
	return &Ident{Name: p.Name, Range: Range{Pos(p.Pos.Offset), Pos(p.Pos.Offset + len(p.Name))}}
}

func idents(ps []*pIdent) []*Ident {
	if len(ps) == 0 {
		return nil
	}
	out := make([]*Ident, len(ps))
	for i, p := range ps {
		out[i] = p.ident()
	}
	return out
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

func (p *pImport) convert() *Import {
	start := Pos(p.Path.Pos.Offset)
	pr := Range{start, start + Pos(len(p.Path.Raw))}
	return &Import{Path: unquote(p.Path.Raw), PathRange: pr, Range: Range{Pos(p.Pos.Offset), pr.End}}
}

func (p *pSchema) convert() *Schema {
	if p == nil {
		return nil
	}
	return &Schema{Attrs: idents(p.Attrs), Range: Range{Pos(p.Pos.Offset), Pos(p.RParen.Pos.Offset + 1)}}
}

func streamAttrs(ps []*pStreamAttr) []*StreamAttr {
	if len(ps) == 0 {
		return nil
	}
	out := make([]*StreamAttr, len(ps))
	for i, p := range ps {
		a := &StreamAttr{}
		if p.Seal != nil {
			a.Kind = AttrSeal
			a.Keys = idents(p.Seal.Keys)
			a.Range = Range{Pos(p.Seal.Pos.Offset), Pos(p.Seal.RParen.Pos.Offset + 1)}
		} else {
			a.Kind = AttrRep
			if p.Rep.K == "order" {
				a.Kind = AttrOrder
			}
			a.Range = Range{Pos(p.Rep.Pos.Offset), Pos(p.Rep.Pos.Offset + len(p.Rep.K))}
		}
		out[i] = a
	}
	return out
}

func (p *pSource) convert() *Source {
	s := &Source{Name: p.Name.ident(), Schema: p.Schema.convert(), Attrs: streamAttrs(p.Attrs)}
	end := s.Name.Range.End
	if s.Schema != nil {
		end = s.Schema.Range.End
	}
	if n := len(s.Attrs); n > 0 {
		end = s.Attrs[n-1].Range.End
	}
	s.Range = Range{Pos(p.Pos.Offset), end}
	return s
}

func (p *pSink) convert() *Sink {
	s := &Sink{Name: p.Name.ident(), Schema: p.Schema.convert()}
	end := s.Name.Range.End
	if s.Schema != nil {
		end = s.Schema.Range.End
	}
	s.Range = Range{Pos(p.Pos.Offset), end}
	return s
}

func (p *pComponent) convert() *Component {
	c := &Component{
		Name:   p.Name.ident(),
		LBrace: Pos(p.LBrace.Pos.Offset),
		RBrace: Pos(p.RBrace.Pos.Offset),
		Range:  Range{Pos(p.Pos.Offset), Pos(p.RBrace.Pos.Offset + 1)},
	}
	if len(p.Members) > 0 {
		c.Members = make([]Member, len(p.Members))
	}
	for i, m := range p.Members {
		if m.Iface != nil {
			f := &Interface{Name: m.Iface.Name.ident(), Schema: m.Iface.Schema.convert()}
			if m.Iface.Dir == "out" {
				f.Dir = Out
			}
			end := f.Name.Range.End
			if f.Schema != nil {
				end = f.Schema.Range.End
			}
			f.Range = Range{Pos(m.Iface.Pos.Offset), end}
			c.Members[i] = f
			continue
		}
		pp := m.Path
		a := &Annotation{}
		kind := pp.Ann.Kind + pp.Ann.OKind
		switch kind {
		case "CR":
			a.Kind = CR
		case "CW":
			a.Kind = CW
		case "OR":
			a.Kind = OR
		case "OW":
			a.Kind = OW
		}
		a.Range = Range{Pos(pp.Ann.Pos.Offset), Pos(pp.Ann.Pos.Offset + 2)}
		if pp.Ann.LBrack != "" {
			a.Brackets = true
			a.Gate = idents(pp.Ann.Gate)
			a.Range.End = Pos(pp.Ann.RBrack.Pos.Offset + 1)
		}
		path := &Path{From: pp.From.ident(), To: pp.To.ident(), Ann: a}
		path.Range = Range{path.From.Range.Start, a.Range.End}
		c.Members[i] = path
	}
	return c
}

func (p *pEndpoint) convert() *Endpoint {
	e := &Endpoint{Name: p.Name.ident()}
	e.Range = e.Name.Range
	if p.Iface != nil {
		e.Iface = p.Iface.ident()
		e.Range.End = e.Iface.Range.End
	}
	return e
}

func (p *pStream) convert() *Stream {
	s := &Stream{From: p.From.convert(), To: p.To.convert(), Attrs: streamAttrs(p.Attrs)}
	end := s.To.Range.End
	if n := len(s.Attrs); n > 0 {
		end = s.Attrs[n-1].Range.End
	}
	s.Range = Range{Pos(p.Pos.Offset), end}
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
		*n = StreamAttr{Kind: a.Kind, Keys: ar.shiftIdents(a.Keys, d), Range: a.Range.Shift(d)}
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
				*a = Annotation{Kind: m.Ann.Kind, Gate: ar.shiftIdents(m.Ann.Gate, d), Brackets: m.Ann.Brackets, Range: m.Ann.Range.Shift(d)}
				p := ar.paths.new()
				*p = Path{From: ar.shiftIdent(m.From, d), To: ar.shiftIdent(m.To, d), Ann: a, Range: m.Range.Shift(d)}
				c.Members[i] = p
			}
		}
		return c
	}
	return decl
}
