package analysis

import (
	"fmt"
	"strings"
)

// Lookup finds a labelled thing by name: "Comp" (its state), "Comp.iface"
// (an output first, then an input), "source" or "sink", "A.x -> B.y" (a
// stream) or "Comp: i -> o" (a path). It returns nil when nothing matches.
func (p *Program) Lookup(name string) Labelled {
	name = strings.TrimSpace(name)
	if strings.Contains(name, "->") {
		if comp, path, ok := strings.Cut(name, ":"); ok {
			c := p.Component(strings.TrimSpace(comp))
			if c == nil {
				return nil
			}
			want := normArrow(path)
			for _, q := range c.Paths {
				if q.Name() == want {
					return q
				}
			}
			return nil
		}
		want := normArrow(name)
		for _, s := range p.Streams {
			if s.Name() == want {
				return s
			}
		}
		return nil
	}
	if comp, iface, ok := strings.Cut(name, "."); ok {
		c := p.Component(comp)
		if c == nil {
			return nil
		}
		for _, list := range [][]*Iface{c.Outputs, c.Inputs} {
			for _, i := range list {
				if i.Name == iface {
					return i
				}
			}
		}
		return nil
	}
	if c := p.Component(name); c != nil {
		return c
	}
	for _, list := range [][]*Iface{p.Sources, p.Sinks} {
		for _, i := range list {
			if i.Name == name {
				return i
			}
		}
	}
	return nil
}

func normArrow(s string) string {
	a, b, _ := strings.Cut(s, "->")
	return strings.TrimSpace(a) + " -> " + strings.TrimSpace(b)
}

// Component returns the component named name, or nil.
func (p *Program) Component(name string) *Component {
	return p.byName[name]
}

// Chain is the paper-style derivation chain of x, upstream first: at each
// step it follows the input that gave the most severe label.
func Chain(x Labelled) []Labelled {
	var chain []Labelled
	seen := map[Labelled]bool{}
	for cur := x; cur != nil && !seen[cur]; {
		seen[cur] = true
		chain = append(chain, cur)
		w := cur.Derivation()
		if w == nil || len(w.From) == 0 {
			break
		}
		// Follow the most severe input that still leads somewhere new, so
		// that a path's chain goes on through its input rather than
		// stopping at the state it itself tainted.
		var next, dead Labelled
		for _, f := range w.From {
			if seen[f] {
				continue
			}
			if leadsNowhere(f, seen) {
				if dead == nil || f.DerivedLabel().Severity() > dead.DerivedLabel().Severity() {
					dead = f
				}
				continue
			}
			if next == nil || f.DerivedLabel().Severity() > next.DerivedLabel().Severity() {
				next = f
			}
		}
		if next == nil {
			next = dead
		}
		cur = next
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain
}

func leadsNowhere(x Labelled, seen map[Labelled]bool) bool {
	w := x.Derivation()
	if w == nil || len(w.From) == 0 {
		return false // a start (a source): a fine place to end
	}
	for _, f := range w.From {
		if !seen[f] {
			return false
		}
	}
	return true
}

// ChainLine renders a chain on one line, as the paper's derivations read:
// "tweets Async → Splitter.tweets Async →(CR) Splitter.words Async → ...".
// A path becomes the label of the arrow it spans; a plain stream (no
// attribute, no change of label) adds nothing and is left out.
func ChainLine(chain []Labelled) string {
	var b strings.Builder
	arrow := ""
	for _, x := range chain {
		var item string
		switch x := x.(type) {
		case *Path:
			arrow = "→(" + x.Annotation()
			if x.Internal.Kind != None {
				arrow += " {" + x.Internal.String() + "}"
			}
			arrow += ") "
			continue
		case *Component:
			item = fmt.Sprintf("%s {state %s}", x.Name, labelOrNone(x.State))
		case *Stream:
			attrs := x.AttrText()
			if attrs == "" && x.Label == x.From.Label {
				continue
			}
			item = "stream"
			if attrs != "" {
				item += " " + attrs
			}
			item += " " + labelOrNone(x.Label)
		default:
			item = x.Title() + " " + labelOrNone(x.DerivedLabel())
		}
		if b.Len() > 0 {
			if arrow == "" {
				arrow = "→ "
			}
			b.WriteString(" " + arrow)
		} else if arrow != "" {
			b.WriteString(arrow)
		}
		arrow = ""
		b.WriteString(item)
	}
	if arrow != "" {
		b.WriteString(" " + strings.TrimSpace(arrow))
	}
	return b.String()
}

func labelOrNone(l Label) string {
	if l.Kind == None {
		return "(unlabelled)"
	}
	return l.String()
}

// Explain renders the derivation of x: the one-line chain, then the
// derivation tree with the rule at each step (depth-first, each node once).
func Explain(x Labelled) string {
	if x == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", x.Title(), labelOrNone(x.DerivedLabel()))
	if p, ok := x.(*Path); ok && p.Internal.Kind != None {
		fmt.Fprintf(&b, "internal label: %s\n", p.Internal)
	}
	fmt.Fprintf(&b, "chain: %s\n\n", ChainLine(Chain(x)))
	seen := map[Labelled]bool{}
	var walk func(l Labelled, depth int)
	walk = func(l Labelled, depth int) {
		indent := strings.Repeat("  ", depth)
		if seen[l] {
			fmt.Fprintf(&b, "%s%s %s (see above)\n", indent, l.Title(), labelOrNone(l.DerivedLabel()))
			return
		}
		seen[l] = true
		w := l.Derivation()
		rule, text := "", ""
		if w != nil {
			rule, text = w.Rule, w.Text
		}
		fmt.Fprintf(&b, "%s%s %s  [%s] %s\n", indent, l.Title(), labelOrNone(l.DerivedLabel()), rule, text)
		if p, ok := l.(*Path); ok {
			if iw := internalWhy(p); iw != nil {
				fmt.Fprintf(&b, "%s  internal %s  [%s] %s\n", indent, p.Internal, iw.Rule, iw.Text)
			}
		}
		if w == nil || depth > 64 {
			return
		}
		for _, f := range w.From {
			walk(f, depth+1)
		}
	}
	walk(x, 0)
	return b.String()
}
