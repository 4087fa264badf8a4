// Package importtest holds what the importers' tests share: a readable
// JSON rendering of a Model for golden files, and a check that a Model is
// well formed (valid and unique names, every stream's ends declared,
// every component input fed).
package importtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/importer"
)

// JSON renders m as indented JSON, with annotations and attribute kinds
// written as words ("OW", "partition") rather than numbers.
func JSON(m *importer.Model) ([]byte, error) {
	type attr struct {
		Kind string
		Keys []string `json:",omitempty"`
	}
	type path struct {
		From, To string
		Ann      string
		Doc      []string `json:",omitempty"`
	}
	type iface struct {
		Name   string
		Schema []string `json:",omitempty"`
	}
	type comp struct {
		Name    string
		Doc     []string `json:",omitempty"`
		Inputs  []iface  `json:",omitempty"`
		Outputs []iface  `json:",omitempty"`
		Paths   []path   `json:",omitempty"`
	}
	type source struct {
		Name   string
		Schema []string `json:",omitempty"`
		Attrs  []attr   `json:",omitempty"`
		Doc    []string `json:",omitempty"`
	}
	type stream struct {
		From, To string
		Attrs    []attr   `json:",omitempty"`
		Doc      []string `json:",omitempty"`
	}
	type model struct {
		Name       string
		Doc        []string
		Sources    []source `json:",omitempty"`
		Sinks      []source `json:",omitempty"`
		Components []comp   `json:",omitempty"`
		Streams    []stream `json:",omitempty"`
	}
	attrs := func(as []importer.Attr) []attr {
		var out []attr
		for _, a := range as {
			out = append(out, attr{Kind: a.Kind.String(), Keys: a.Keys})
		}
		return out
	}
	ep := func(e importer.Endpoint) string {
		if e.Comp == "" {
			return e.Iface
		}
		return e.Comp + "." + e.Iface
	}
	ifaces := func(fs []importer.Iface) []iface {
		var out []iface
		for _, f := range fs {
			out = append(out, iface{Name: f.Name, Schema: f.Schema})
		}
		return out
	}
	out := model{Name: m.Name, Doc: m.Doc}
	for _, s := range m.Sinks {
		out.Sinks = append(out.Sinks, source{Name: s.Name, Schema: s.Schema, Doc: s.Doc})
	}
	for _, s := range m.Sources {
		out.Sources = append(out.Sources, source{Name: s.Name, Schema: s.Schema, Attrs: attrs(s.Attrs), Doc: s.Doc})
	}
	for _, c := range m.Components {
		oc := comp{Name: c.Name, Doc: c.Doc, Inputs: ifaces(c.Inputs), Outputs: ifaces(c.Outputs)}
		for _, p := range c.Paths {
			oc.Paths = append(oc.Paths, path{From: p.From, To: p.To, Ann: Ann(p), Doc: p.Doc})
		}
		out.Components = append(out.Components, oc)
	}
	for _, s := range m.Streams {
		out.Streams = append(out.Streams, stream{From: ep(s.From), To: ep(s.To), Attrs: attrs(s.Attrs), Doc: s.Doc})
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Ann writes a path's annotation as the language does: OW[key, window(ts)].
func Ann(p importer.Path) string {
	s := p.Ann.String()
	if len(p.Gate) == 0 && !p.Brackets {
		return s
	}
	var terms []string
	for _, t := range p.Gate {
		if t.Window {
			terms = append(terms, "window("+t.Attr+")")
		} else {
			terms = append(terms, t.Attr)
		}
	}
	return s + "[" + strings.Join(terms, ", ") + "]"
}

var ident = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Problems lists what makes m ill formed: an invalid or reserved
// identifier, a name declared twice, a stream whose end is not declared (or
// is a source used as a consumer, a sink as a producer), a component input
// no stream feeds, partition or shuffle on a stream into a sink, a path
// between undeclared interfaces.
func Problems(m *importer.Model) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	checkIdent := func(what, s string) {
		if !ident.MatchString(s) || grammar.IsKeyword(s) {
			bad("%s %q is not a valid identifier", what, s)
		}
	}
	if m.Name != "" {
		checkIdent("dataflow name", m.Name)
	}
	top := map[string]string{}
	declare := func(what, name string) {
		checkIdent(what, name)
		if prev, ok := top[name]; ok {
			bad("%s %q is also a %s", what, name, prev)
		}
		top[name] = what
	}
	sources, sinks := map[string]bool{}, map[string]bool{}
	for _, s := range m.Sources {
		declare("source", s.Name)
		sources[s.Name] = true
		for _, a := range s.Schema {
			checkIdent("schema attribute", a)
		}
	}
	for _, s := range m.Sinks {
		declare("sink", s.Name)
		sinks[s.Name] = true
	}
	ins, outs := map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, c := range m.Components {
		declare("component", c.Name)
		ins[c.Name], outs[c.Name] = map[string]bool{}, map[string]bool{}
		for _, f := range c.Inputs {
			checkIdent("input", f.Name)
			if ins[c.Name][f.Name] {
				bad("component %s declares input %s twice", c.Name, f.Name)
			}
			ins[c.Name][f.Name] = true
		}
		for _, f := range c.Outputs {
			checkIdent("output", f.Name)
			if outs[c.Name][f.Name] {
				bad("component %s declares output %s twice", c.Name, f.Name)
			}
			outs[c.Name][f.Name] = true
		}
		for _, p := range c.Paths {
			if !ins[c.Name][p.From] {
				bad("component %s: path from undeclared input %s", c.Name, p.From)
			}
			if !outs[c.Name][p.To] {
				bad("component %s: path to undeclared output %s", c.Name, p.To)
			}
			for _, g := range p.Gate {
				checkIdent("gate attribute", g.Attr)
			}
			if p.Ann == grammar.CR && (len(p.Gate) > 0 || p.Brackets) {
				bad("component %s: CR with a gate", c.Name)
			}
		}
	}
	fed := map[importer.Endpoint]bool{}
	for _, s := range m.Streams {
		what := fmt.Sprintf("stream %s.%s -> %s.%s", s.From.Comp, s.From.Iface, s.To.Comp, s.To.Iface)
		if s.From.Comp == "" {
			if !sources[s.From.Iface] {
				bad("%s: producer %s is no declared source", what, s.From.Iface)
			}
		} else if !outs[s.From.Comp][s.From.Iface] {
			bad("%s: producer is no declared component output", what)
		}
		if s.To.Comp == "" {
			if !sinks[s.To.Iface] {
				bad("%s: consumer %s is no declared sink", what, s.To.Iface)
			}
			for _, a := range s.Attrs {
				if a.Kind == grammar.AttrPartition || a.Kind == grammar.AttrShuffle {
					bad("%s: %s on a stream into a sink", what, a.Kind)
				}
			}
		} else if !ins[s.To.Comp][s.To.Iface] {
			bad("%s: consumer is no declared component input", what)
		}
		kinds := map[grammar.AttrKind]bool{}
		for _, a := range s.Attrs {
			if kinds[a.Kind] {
				bad("%s: %s written twice", what, a.Kind)
			}
			kinds[a.Kind] = true
			for _, k := range a.Keys {
				checkIdent("attribute key", k)
			}
		}
		if (kinds[grammar.AttrPartition] && kinds[grammar.AttrShuffle]) || (kinds[grammar.AttrSeal] && kinds[grammar.AttrWatermark]) {
			bad("%s: conflicting attributes", what)
		}
		fed[s.To] = true
	}
	for _, c := range m.Components {
		for _, f := range c.Inputs {
			if !fed[importer.Endpoint{Comp: c.Name, Iface: f.Name}] {
				bad("component %s: input %s is fed by no stream", c.Name, f.Name)
			}
		}
	}
	return out
}

// HasTodo reports whether any line of docs is a TODO.
func HasTodo(docs ...[]string) bool {
	for _, d := range docs {
		for _, l := range d {
			if strings.HasPrefix(l, "TODO:") {
				return true
			}
		}
	}
	return false
}
