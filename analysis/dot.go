package analysis

import (
	"fmt"
	"strings"
)

// LabelColor is the colour the graph and the editor clients use for a
// label's kind: green seals, blue Async, orange Run, red Inst, purple
// Diverge, grey for unlabelled.
func LabelColor(l Label) string {
	switch l.Kind {
	case Seal:
		return "#2e7d32"
	case Async:
		return "#1565c0"
	case Run:
		return "#ef6c00"
	case Inst:
		return "#c62828"
	case Diverge:
		return "#6a1b9a"
	}
	return "#9e9e9e"
}

// DOT renders the dataflow as Graphviz DOT: one node per source, sink and
// component (coloured by its most severe output or state), one edge per
// stream (coloured and labelled by the stream's label). Each node has an id
// equal to its name and a URL "blazes:NAME" so clients can map clicks back.
func (p *Program) DOT() string {
	var b strings.Builder
	b.WriteString("digraph blazes {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", style=\"filled,rounded\", shape=box, fontcolor=white];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	node := func(name, shape string, l Label, tooltip string) {
		fmt.Fprintf(&b, "  %s [id=%s, URL=%s, shape=%s, color=%q, fillcolor=%q, label=%s, tooltip=%s];\n",
			dotID(name), dotID(name), dotID("blazes:"+name), shape, LabelColor(l), LabelColor(l),
			dotID(name+"\n"+labelOrNone(l)), dotID(tooltip))
	}
	for _, s := range p.Sources {
		node(s.Name, "invhouse", s.Label, "source "+s.Name+": "+labelOrNone(s.Label))
	}
	for _, c := range p.Components {
		w := worstOf(c)
		if w.Kind == None {
			for _, in := range c.Inputs {
				w = Max(w, in.Label)
			}
		}
		if len(c.Outputs) == 1 && c.State.Kind == None {
			w = c.Outputs[0].Label
		}
		tip := "component " + c.Name
		for _, q := range c.Paths {
			tip += fmt.Sprintf("\n%s : %s → %s", q.Name(), q.Annotation(), labelOrNone(q.OutLabel))
			if q.Internal.Kind != None {
				tip += " {" + q.Internal.String() + "}"
			}
		}
		node(c.Name, "box", w, tip)
	}
	for _, s := range p.Sinks {
		node(s.Name, "house", s.Label, "sink "+s.Name+": "+labelOrNone(s.Label))
	}
	for _, s := range p.Streams {
		from, to := nodeName(s.From), nodeName(s.To)
		attrs := labelOrNone(s.Label)
		if a := s.AttrText(); a != "" {
			attrs += " " + a
		}
		fmt.Fprintf(&b, "  %s -> %s [id=%s, color=%q, fontcolor=%q, label=%s, tooltip=%s];\n",
			dotID(from), dotID(to), dotID(s.Name()), LabelColor(s.Label), LabelColor(s.Label),
			dotID(attrs), dotID(s.Name()+": "+labelOrNone(s.Label)))
	}
	b.WriteString("}\n")
	return b.String()
}

func nodeName(i *Iface) string {
	if i.Comp != nil {
		return i.Comp.Name
	}
	return i.Name
}

// dotID quotes s as a DOT string.
func dotID(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
