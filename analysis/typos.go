package analysis

import (
	"fmt"

	"github.com/blazes-dev/blazes/grammar"
)

// BLZ301: a gate or seal attribute mentioned once in the whole dataflow —
// in no schema, no other gate, no other seal — that no declared schema
// checks is probably misspelt. `OW[word, bach]` beside
// `source tweets(tweet, batch)` silently changes what the analysis advises;
// a schema on the path's input would have caught it as BLZ103, so where a
// schema applies the check leaves it to BLZ103.
//
// The rule is typoFinding, over what attrsOf reads from each declaration.
// The Session keeps the counts of attribute names as pieces come and go,
// and applies it to the declarations an edit may have changed the answer
// for (all of them on a fresh session, which is what Load is).

// attrUse is one gate or seal attribute written in a declaration.
type attrUse struct {
	id   *grammar.Ident
	what string // "gate" or "seal"
	// checked: a schema of the declaration itself applies (the input of
	// the path declares one; the sealed source declares one).
	checked bool
	// stream: a stream's seal, checked when an end declares a schema.
	stream bool
}

// attrInfo is what one declaration says about attribute names.
type attrInfo struct {
	declared []string // the names in schemas
	uses     []attrUse
}

// names calls f with every mention of an attribute name: the names in
// schemas, then the uses.
func (a *attrInfo) names(f func(string)) {
	for _, n := range a.declared {
		f(n)
	}
	for _, u := range a.uses {
		f(u.id.Name)
	}
}

// attrsOf reads the attribute names of a declaration. It walks the
// declaration twice, counting then filling, so that a declaration costs
// at most two allocations (a cold check reads every one).
func attrsOf(d grammar.Decl) attrInfo {
	var a attrInfo
	nDecl, nUse := 0, 0
	walkAttrs(d, func(*grammar.Ident) { nDecl++ }, func(attrUse) { nUse++ })
	if nDecl > 0 {
		a.declared = make([]string, 0, nDecl)
	}
	if nUse > 0 {
		a.uses = make([]attrUse, 0, nUse)
	}
	walkAttrs(d, func(id *grammar.Ident) { a.declared = append(a.declared, id.Name) },
		func(u attrUse) { a.uses = append(a.uses, u) })
	return a
}

// walkAttrs calls decl with every name a schema of d declares and use
// with every use of a name in a gate or a stream attribute.
func walkAttrs(d grammar.Decl, decl func(*grammar.Ident), use func(attrUse)) {
	schema := func(s *grammar.Schema) {
		if s == nil {
			return
		}
		for _, id := range s.Attrs {
			decl(id)
		}
	}
	seals := func(attrs []*grammar.StreamAttr, checked, stream bool) {
		for _, at := range attrs {
			// Every keyed attribute: seal, watermark, order(k), partition(k).
			for _, k := range at.Keys {
				use(attrUse{id: k, what: at.Kind.String(), checked: checked, stream: stream})
			}
		}
	}
	switch d := d.(type) {
	case *grammar.Source:
		schema(d.Schema)
		seals(d.Attrs, d.Schema != nil, false)
	case *grammar.Sink:
		schema(d.Schema)
	case *grammar.Stream:
		seals(d.Attrs, false, true)
	case *grammar.Component:
		for _, m := range d.Members {
			if it, ok := m.(*grammar.Interface); ok {
				schema(it.Schema)
			}
		}
		for _, m := range d.Members {
			p, ok := m.(*grammar.Path)
			if !ok || p.Ann == nil {
				continue
			}
			checked := false
			for _, m := range d.Members {
				if it, ok := m.(*grammar.Interface); ok && it.Dir == grammar.In && it.Schema != nil && it.Name != nil && p.From != nil && it.Name.Name == p.From.Name {
					checked = true
				}
			}
			for _, t := range p.Ann.Gate {
				if t.Attr != nil {
					use(attrUse{id: t.Attr, what: "gate", checked: checked})
				}
			}
		}
	}
}

// typoFinding is the rule: the BLZ301 warning for a use in file f, given
// how many times its name is mentioned in the dataflow, whether a schema
// declares it, whether a schema at an end of the use's stream checks it
// (asked only when the rest does not decide), and every attribute name of
// the dataflow (for the suggestion); nil when the use is not a likely
// misspelling.
func typoFinding(f *grammar.File, u attrUse, count int, declared bool, endChecked func() bool, names func(yield func(string) bool)) *Diagnostic {
	if u.checked || count != 1 || declared || (u.stream && endChecked()) {
		return nil
	}
	guess := "a misspelling?"
	if s := Closest(u.id.Name, names); s != "" {
		guess = "did you mean " + s + "?"
	}
	return &Diagnostic{
		Location: at(f, u.id.Range),
		Severity: SevWarning,
		Code:     CodeAttrTypo,
		Message: fmt.Sprintf("%s attribute %s appears nowhere else in the dataflow and no schema declares it: %s (a schema on the interface it concerns would check it)",
			u.what, u.id.Name, guess),
	}
}

// endsChecked reports whether an end of a stream declares a schema (the
// stream's seal is then checked against it: BLZ103), by the names the
// builder resolved.
func (b *builder) endsChecked(s *grammar.Stream) bool {
	return b.endHasSchema(s.From, true) || b.endHasSchema(s.To, false)
}

func (b *builder) endHasSchema(e *grammar.Endpoint, producer bool) bool {
	if e == nil || e.Name == nil {
		return false
	}
	if e.Iface == nil {
		end := b.ends[e.Name.Name]
		return end != nil && end.HasSchema
	}
	c := b.comps[e.Name.Name]
	if c == nil {
		return false
	}
	list := c.Inputs
	if producer {
		list = c.Outputs
	}
	for _, i := range list {
		if i.Name == e.Iface.Name {
			return i.HasSchema
		}
	}
	return false
}
