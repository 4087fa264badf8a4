package analysis

// Navigation helpers for editors: which name is under a cursor, where a
// name is declared and used, what can be completed. Pure Go over the AST;
// the language server translates the results to the protocol.

import (
	"sort"

	"github.com/blazes-dev/blazes/grammar"
)

// SymKind says what a name denotes.
type SymKind uint8

const (
	SymNone SymKind = iota
	SymComponent
	SymInput  // an input interface of Comp
	SymOutput // an output interface of Comp
	SymSource
	SymSink
	SymAttr // an attribute (schema, gate or seal key); not resolved further
	SymDataflow
)

func (k SymKind) String() string {
	return [...]string{"", "component", "input", "output", "source", "sink", "attribute", "dataflow"}[k]
}

// Symbol identifies a named thing across a program. Comp is set for
// interfaces; for an endpoint whose first half may be a source or sink
// (a bare name) Kind is SymSource on the producer side and SymSink on the
// consumer side.
type Symbol struct {
	Kind SymKind
	Comp string
	Name string
}

// Occurrence is one appearance of a symbol's name in a file.
type Occurrence struct {
	Sym   Symbol
	File  *grammar.File
	Range grammar.Range
	Decl  bool          // a declaration (component, in/out, source, sink)
	Node  grammar.Node  // the innermost node holding the name
	Outer grammar.Decl  // the top-level declaration holding it
	Path  *grammar.Path // the path holding it, if any
}

// Occurrences lists every name in f with what it denotes, in source order.
// The resolution is syntactic: it needs no analysis, so it works on files
// with errors.
func Occurrences(f *grammar.File) []Occurrence {
	if f == nil {
		return nil
	}
	return occurrences(f, f.Decls, true)
}

// occurrences lists the occurrences in decls (and the dataflow name, with
// dataflow set), sorted by position.
func occurrences(f *grammar.File, decls []grammar.Decl, dataflow bool) []Occurrence {
	var out []Occurrence
	add := func(k SymKind, comp string, id *grammar.Ident, decl bool, n grammar.Node, outer grammar.Decl, p *grammar.Path) {
		if id == nil || id.Name == "" {
			return
		}
		out = append(out, Occurrence{Sym: Symbol{Kind: k, Comp: comp, Name: id.Name}, File: f, Range: id.Range, Decl: decl, Node: n, Outer: outer, Path: p})
	}
	attrs := func(ids []*grammar.Ident, n grammar.Node, outer grammar.Decl, p *grammar.Path) {
		for _, a := range ids {
			add(SymAttr, "", a, false, n, outer, p)
		}
	}
	if dataflow && f.Dataflow != nil {
		add(SymDataflow, "", f.Dataflow, true, f.Dataflow, nil, nil)
	}
	for _, d := range decls {
		switch d := d.(type) {
		case *grammar.Source:
			add(SymSource, "", d.Name, true, d, d, nil)
			if d.Schema != nil {
				attrs(d.Schema.Attrs, d.Schema, d, nil)
			}
			for _, a := range d.Attrs {
				attrs(a.Keys, a, d, nil)
			}
		case *grammar.Sink:
			add(SymSink, "", d.Name, true, d, d, nil)
			if d.Schema != nil {
				attrs(d.Schema.Attrs, d.Schema, d, nil)
			}
		case *grammar.Component:
			if d.Name == nil {
				continue
			}
			c := d.Name.Name
			add(SymComponent, "", d.Name, true, d, d, nil)
			for _, m := range d.Members {
				switch m := m.(type) {
				case *grammar.Interface:
					k := SymInput
					if m.Dir == grammar.Out {
						k = SymOutput
					}
					add(k, c, m.Name, true, m, d, nil)
					if m.Schema != nil {
						attrs(m.Schema.Attrs, m.Schema, d, nil)
					}
				case *grammar.Path:
					add(SymInput, c, m.From, false, m, d, m)
					add(SymOutput, c, m.To, false, m, d, m)
					if m.Ann != nil {
						attrs(m.Ann.GateAttrs(), m.Ann, d, m)
					}
				}
			}
		case *grammar.Stream:
			endpoint := func(e *grammar.Endpoint, producer bool) {
				if e == nil || e.Name == nil {
					return
				}
				if e.Iface == nil {
					k := SymSink
					if producer {
						k = SymSource
					}
					add(k, "", e.Name, false, e, d, nil)
					return
				}
				add(SymComponent, "", e.Name, false, e, d, nil)
				k := SymInput
				if producer {
					k = SymOutput
				}
				add(k, e.Name.Name, e.Iface, false, e, d, nil)
			}
			endpoint(d.From, true)
			endpoint(d.To, false)
			for _, a := range d.Attrs {
				attrs(a.Keys, a, d, nil)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Range.Start < out[j].Range.Start })
	return out
}

// OccurrenceAt returns the occurrence whose name touches off (a cursor just
// after a name still touches it), or nil.
func OccurrenceAt(f *grammar.File, off grammar.Pos) *Occurrence {
	if f == nil {
		return nil
	}
	// Only the declarations around off: declarations are in source order
	// and do not overlap, and a hover in a big file must not list every
	// name in it.
	lo := sort.Search(len(f.Decls), func(i int) bool { return f.Decls[i].Span().End >= off })
	hi := lo
	for hi < len(f.Decls) && f.Decls[hi].Span().Start <= off {
		hi++
	}
	occs := occurrences(f, f.Decls[lo:hi], f.Dataflow != nil && f.Dataflow.Range.Contains(off))
	var best *Occurrence
	for i := range occs {
		o := &occs[i]
		if o.Range.Contains(off) {
			// Prefer the name that starts at the cursor over one ending there.
			if best == nil || o.Range.Start == off {
				best = o
			}
		}
	}
	return best
}

// SameEntity reports whether two symbols denote the same thing. A bare
// stream endpoint is a source or a sink by position, but names are global,
// so a source or sink matches a bare endpoint of either side.
func SameEntity(a, b Symbol) bool {
	if a.Name != b.Name {
		return false
	}
	bare := func(k SymKind) bool { return k == SymSource || k == SymSink }
	if bare(a.Kind) && bare(b.Kind) {
		return true
	}
	return a.Kind == b.Kind && a.Comp == b.Comp
}

// References lists every occurrence of sym in files, declarations
// included, in file then source order.
func References(files []*grammar.File, sym Symbol) []Occurrence {
	var out []Occurrence
	for _, f := range files {
		for _, o := range Occurrences(f) {
			if SameEntity(o.Sym, sym) {
				out = append(out, o)
			}
		}
	}
	return out
}

// Definition returns where sym is declared in files: the declaration, or
// for an interface declared only by use, its first use in a path. nil when
// nothing declares it.
func Definition(files []*grammar.File, sym Symbol) *Occurrence {
	refs := References(files, sym)
	for i := range refs {
		if refs[i].Decl {
			return &refs[i]
		}
	}
	for i := range refs {
		if refs[i].Path != nil {
			return &refs[i]
		}
	}
	return nil
}

// Entity finds the graph element that sym denotes in p: *Component,
// *Iface (interfaces, sources, sinks), or nil.
func (p *Program) Entity(sym Symbol) Labelled {
	if p == nil {
		return nil
	}
	switch sym.Kind {
	case SymComponent:
		for _, c := range p.Components {
			if c.Name == sym.Name {
				return c
			}
		}
	case SymInput, SymOutput:
		for _, c := range p.Components {
			if c.Name != sym.Comp {
				continue
			}
			list := c.Inputs
			if sym.Kind == SymOutput {
				list = c.Outputs
			}
			for _, i := range list {
				if i.Name == sym.Name {
					return i
				}
			}
		}
	case SymSource, SymSink:
		for _, l := range [][]*Iface{p.Sources, p.Sinks} {
			for _, i := range l {
				if i.Name == sym.Name {
					return i
				}
			}
		}
	}
	return nil
}

// PathOf returns the analysed path of a path declaration, or nil.
func (p *Program) PathOf(decl *grammar.Path) *Path {
	if p == nil || decl == nil {
		return nil
	}
	for _, c := range p.Components {
		for _, x := range c.Paths {
			if x.Decl == decl {
				return x
			}
		}
	}
	return nil
}

// StreamOf returns the analysed stream of a stream declaration, or nil.
func (p *Program) StreamOf(decl *grammar.Stream) *Stream {
	if p == nil || decl == nil {
		return nil
	}
	for _, s := range p.Streams {
		if s.Decl == decl {
			return s
		}
	}
	return nil
}

// ComponentOf returns the analysed component of a declaration, or nil.
func (p *Program) ComponentOf(decl *grammar.Component) *Component {
	if p == nil || decl == nil {
		return nil
	}
	for _, c := range p.Components {
		if c.Decl == decl {
			return c
		}
	}
	if decl.Name != nil {
		for _, c := range p.Components {
			if c.Name == decl.Name.Name {
				return c
			}
		}
	}
	return nil
}

// FileNamed returns the file of p with the given name, or nil.
func (p *Program) FileNamed(name string) *grammar.File {
	if p == nil {
		return nil
	}
	for _, f := range p.Files {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// LabelledAt returns the labelled graph element at off in file f of p: the
// name under the cursor (component, interface, source, sink), else the
// innermost path or stream declaration holding off. nil when none.
func (p *Program) LabelledAt(f *grammar.File, off grammar.Pos) Labelled {
	if o := OccurrenceAt(f, off); o != nil {
		if o.Sym.Kind != SymAttr {
			if x := p.Entity(o.Sym); x != nil {
				return x
			}
		}
		if o.Path != nil {
			if x := p.PathOf(o.Path); x != nil {
				return x
			}
		}
		if s, ok := o.Outer.(*grammar.Stream); ok {
			if x := p.StreamOf(s); x != nil {
				return x
			}
		}
	}
	for _, d := range f.Decls {
		if !d.Span().Contains(off) {
			continue
		}
		switch d := d.(type) {
		case *grammar.Stream:
			if x := p.StreamOf(d); x != nil {
				return x
			}
		case *grammar.Component:
			for _, m := range d.Members {
				if pd, ok := m.(*grammar.Path); ok && pd.Range.Contains(off) {
					if x := p.PathOf(pd); x != nil {
						return x
					}
				}
			}
			if x := p.ComponentOf(d); x != nil {
				return x
			}
		case *grammar.Source, *grammar.Sink:
			var id *grammar.Ident
			k := SymSource
			if s, ok := d.(*grammar.Source); ok {
				id = s.Name
			} else {
				id = d.(*grammar.Sink).Name
				k = SymSink
			}
			if id != nil {
				if x := p.Entity(Symbol{Kind: k, Name: id.Name}); x != nil {
					return x
				}
			}
		}
	}
	return nil
}
