package importer

import (
	"fmt"
	"strconv"

	"github.com/blazes-dev/blazes/grammar"
)

// File converts m to a grammar AST: the nodes of every declaration, with
// the Doc lines as comments before them, built by grammar.Build (so the
// File has ranges and parses back), ready for grammar.Format.
//
// Names are made valid and unique on the way: every name goes through
// Ident; sources, sinks and components share one namespace, and a name
// already taken (two engine names that sanitize alike, or a name written
// twice) gets the first free suffix _2, _3, ... A stream names a
// declaration or an interface by its Model name; when a Model name is
// declared twice, streams name the first. Interfaces are unique per
// component and direction, attributes per schema (a repeated one is
// dropped).
func (m *Model) File() (*grammar.File, error) {
	if m == nil {
		return nil, fmt.Errorf("import: no model")
	}
	b := &builder{top: newNames(), comps: map[string]*compNames{}, docs: map[grammar.Node][]string{}}
	name := ""
	if m.Name != "" {
		name = Ident(m.Name)
	}
	var decls []grammar.Decl
	add := func(d grammar.Decl, doc []string) {
		decls = append(decls, d)
		if len(doc) > 0 {
			b.docs[d] = doc
		}
	}
	// Declare every top-level name first, so streams find them wherever
	// they come in the Model.
	srcNames := make([]string, len(m.Sources))
	for i, s := range m.Sources {
		srcNames[i] = b.top.declare(s.Name)
	}
	sinkNames := make([]string, len(m.Sinks))
	for i, s := range m.Sinks {
		sinkNames[i] = b.top.declare(s.Name)
	}
	compIDs := make([]string, len(m.Components))
	for i, c := range m.Components {
		compIDs[i] = b.top.declare(c.Name)
		if _, ok := b.comps[c.Name]; !ok {
			b.comps[c.Name] = &compNames{in: newNames(), out: newNames()}
		}
	}
	for i, s := range m.Sources {
		add(&grammar.Source{Name: ident(srcNames[i]), Schema: schema(s.Schema), Attrs: b.attrs(s.Attrs)}, s.Doc)
	}
	for i, s := range m.Sinks {
		add(&grammar.Sink{Name: ident(sinkNames[i]), Schema: schema(s.Schema)}, s.Doc)
	}
	seen := map[string]bool{}
	for i, c := range m.Components {
		names := b.comps[c.Name]
		if seen[c.Name] { // a second component of one Model name: its own interfaces
			names = &compNames{in: newNames(), out: newNames()}
		}
		seen[c.Name] = true
		comp := &grammar.Component{Name: ident(compIDs[i])}
		for _, in := range c.Inputs {
			comp.Members = append(comp.Members, &grammar.Interface{Dir: grammar.In, Name: ident(names.in.declare(in.Name)), Schema: schema(in.Schema)})
		}
		for _, out := range c.Outputs {
			comp.Members = append(comp.Members, &grammar.Interface{Dir: grammar.Out, Name: ident(names.out.declare(out.Name)), Schema: schema(out.Schema)})
		}
		for _, p := range c.Paths {
			kind := p.Ann
			ann := &grammar.Annotation{Kind: kind, Brackets: kind != grammar.CR && (p.Brackets || len(p.Gate) > 0)}
			if kind != grammar.CR {
				for _, t := range p.Gate {
					ann.Gate = append(ann.Gate, &grammar.GateTerm{Attr: ident(Ident(t.Attr)), Window: t.Window})
				}
			}
			path := &grammar.Path{From: ident(names.in.use(p.From)), To: ident(names.out.use(p.To)), Ann: ann}
			comp.Members = append(comp.Members, path)
			if len(p.Doc) > 0 {
				b.docs[path] = p.Doc
			}
		}
		add(comp, c.Doc)
	}
	for _, s := range m.Streams {
		add(&grammar.Stream{From: b.endpoint(s.From, false), To: b.endpoint(s.To, true), Attrs: b.attrs(s.Attrs)}, s.Doc)
	}
	return grammar.Build(grammar.Synth{Name: m.Name + ".blazes", Header: m.Doc, Dataflow: name, Decls: decls, Docs: b.docs})
}

// Print is m in the canonical layout of .blazes files: grammar.Format of
// m.File(). Formatting it again leaves it unchanged.
func Print(m *Model) ([]byte, error) {
	f, err := m.File()
	if err != nil {
		return nil, err
	}
	return grammar.Format(f)
}

type builder struct {
	top   *names
	comps map[string]*compNames
	docs  map[grammar.Node][]string
}

type compNames struct{ in, out *names }

// names hands out unique identifiers for the names of one namespace.
type names struct {
	byModel map[string]string // Model name -> identifier (the first declaration)
	taken   map[string]bool
}

func newNames() *names { return &names{byModel: map[string]string{}, taken: map[string]bool{}} }

// declare gives a declaration its identifier: Ident(name), suffixed when
// taken.
func (n *names) declare(name string) string {
	id := Ident(name)
	if n.taken[id] {
		for i := 2; ; i++ {
			c := id + "_" + strconv.Itoa(i)
			if !n.taken[c] {
				id = c
				break
			}
		}
	}
	n.taken[id] = true
	if _, ok := n.byModel[name]; !ok {
		n.byModel[name] = id
	}
	return id
}

// use is the identifier of a name that may or may not be declared: the
// declared one, else a new declaration (interfaces are declared by use).
func (n *names) use(name string) string {
	if id, ok := n.byModel[name]; ok {
		return id
	}
	return n.declare(name)
}

func (b *builder) endpoint(e Endpoint, consumer bool) *grammar.Endpoint {
	if e.Comp == "" {
		id, ok := b.top.byModel[e.Iface]
		if !ok {
			id = Ident(e.Iface) // undeclared: the analysis reports it
		}
		return &grammar.Endpoint{Name: ident(id)}
	}
	comp, ok := b.top.byModel[e.Comp]
	if !ok {
		return &grammar.Endpoint{Name: ident(Ident(e.Comp)), Iface: ident(Ident(e.Iface))}
	}
	names := b.comps[e.Comp]
	ns := names.out
	if consumer {
		ns = names.in
	}
	return &grammar.Endpoint{Name: ident(comp), Iface: ident(ns.use(e.Iface))}
}

func (b *builder) attrs(as []Attr) []*grammar.StreamAttr {
	var out []*grammar.StreamAttr
	for _, a := range as {
		sa := &grammar.StreamAttr{Kind: a.Kind}
		for _, k := range dedup(a.Keys) {
			sa.Keys = append(sa.Keys, ident(k))
		}
		switch a.Kind {
		case grammar.AttrSeal, grammar.AttrWatermark, grammar.AttrPartition:
			sa.Parens = true
		case grammar.AttrOrder:
			sa.Parens = len(sa.Keys) > 0
		default:
			sa.Keys = nil
		}
		out = append(out, sa)
	}
	return out
}

func ident(name string) *grammar.Ident { return &grammar.Ident{Name: name} }

// dedup sanitizes attribute names and drops repeated ones.
func dedup(attrs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range attrs {
		id := Ident(a)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func schema(attrs []string) *grammar.Schema {
	if attrs == nil {
		return nil
	}
	s := &grammar.Schema{}
	for _, a := range dedup(attrs) {
		s.Attrs = append(s.Attrs, ident(a))
	}
	return s
}
