// Package render draws a Blazes dataflow as SVG in pure Go: the same nodes,
// colours and edge labels as (*analysis.Program).DOT, laid out left to
// right in layers (a small Sugiyama-style layout: cycles broken at DFS
// back edges, longest-path layering, barycenter ordering, then positions
// by iterated weighted medians). The output is deterministic and the time
// is close to linear in the size of the graph.
package render

import (
	"fmt"

	"github.com/blazes-dev/blazes/analysis"
)

// Sizes, in px. Text is monospace so that widths can be estimated from
// the number of characters (0.6em a character: 7.2px at 12px).
const (
	nameSize  = 12.0 // node name
	subSize   = 11.0 // node label
	edgeSize  = 10.0 // edge label
	charEm    = 0.6
	nodeH     = 38.0
	nodePadX  = 12.0
	minNodeW  = 64.0
	margin    = 20.0
	minColGap = 36.0
	maxColGap = 110.0
	nodeSep   = 18.0 // between two boxes of a layer
	dummySep  = 8.0  // between a box and an edge, or two edges
	loopStep  = 20.0 // each further self-loop is this much taller
	loopBase  = 26.0
	labelAsc  = 13.0 // room above an edge for its label
)

const fontFamily = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace"

type nodeKind uint8

const (
	kindSource nodeKind = iota
	kindComponent
	kindSink
	kindOther // an endpoint that is not among the program's declarations
)

func (k nodeKind) String() string {
	return [...]string{"source", "component", "sink", "other"}[k]
}

// gnode is a node of the drawing: a source, a component or a sink.
type gnode struct {
	name  string
	sub   string // its label, "(unlabelled)" when none
	title string // tooltip: the name and the labels
	kind  nodeKind
	color string
	w, h  float64
	loops []int   // self-loop edges, in stream order
	loopW float64 // the widest self-loop label
}

// gedge is a stream.
type gedge struct {
	from, to int
	text     string // the label drawn on the edge
	title    string
	id       string
	color    string
	loop     bool // from == to
	back     bool // a DFS back edge: laid out reversed, drawn right to left
	direct   bool // over the dummy budget: one curve, no dummies
	items    []int32
	portA    float64 // y where the edge meets its left node
	portB    float64 // y where it meets its right node
}

type graph struct {
	nodes []gnode
	edges []gedge
}

func labelOrNone(l analysis.Label) string {
	if l.Kind == analysis.None {
		return "(unlabelled)"
	}
	return l.String()
}

// componentLabel is the label a component is coloured by, as DOT picks
// it: its most severe output or state (a seal counting as Async), else
// its most severe input; a component with one output and no state takes
// that output's label.
func componentLabel(c *analysis.Component) analysis.Label {
	w := c.State
	for _, o := range c.Outputs {
		w = analysis.Max(w, o.Label)
	}
	if w.Kind == analysis.Seal {
		w = analysis.LAsync
	}
	if w.Kind == analysis.None {
		for _, in := range c.Inputs {
			w = analysis.Max(w, in.Label)
		}
	}
	if len(c.Outputs) == 1 && c.State.Kind == analysis.None {
		w = c.Outputs[0].Label
	}
	return w
}

func nodeName(i *analysis.Iface) string {
	if i.Comp != nil {
		return i.Comp.Name
	}
	return i.Name
}

// textWidth estimates the width of s in a monospace font of the size.
func textWidth(s string, size float64) float64 {
	n := 0
	for _, r := range s {
		n++
		if wide(r) {
			n++
		}
	}
	return float64(n) * size * charEm
}

// wide reports East Asian wide characters, which take two cells.
func wide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115f || r == 0x2329 || r == 0x232a ||
		(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) ||
		(r >= 0xac00 && r <= 0xd7a3) ||
		(r >= 0xf900 && r <= 0xfaff) ||
		(r >= 0xfe30 && r <= 0xfe4f) ||
		(r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6) ||
		(r >= 0x1f300 && r <= 0x1faff) ||
		(r >= 0x20000 && r <= 0x3fffd))
}

// build collects the nodes and edges of p, in DOT's order.
func build(p *analysis.Program) *graph {
	g := &graph{}
	index := map[string]int{}
	add := func(name string, kind nodeKind, l analysis.Label, title string) {
		if _, ok := index[name]; ok {
			return // DOT merges nodes of the same name: so do we
		}
		n := gnode{name: name, sub: labelOrNone(l), title: title, kind: kind, color: analysis.LabelColor(l), h: nodeH}
		n.w = max(textWidth(n.name, nameSize), textWidth(n.sub, subSize)) + 2*nodePadX
		if kind == kindSource || kind == kindSink {
			n.w += n.h / 2 // room for the round ends
		}
		n.w = max(n.w, minNodeW)
		index[name] = len(g.nodes)
		g.nodes = append(g.nodes, n)
	}
	for _, s := range p.Sources {
		add(s.Name, kindSource, s.Label, "source "+s.Name+": "+labelOrNone(s.Label))
	}
	for _, c := range p.Components {
		tip := "component " + c.Name
		for _, q := range c.Paths {
			tip += fmt.Sprintf("\n%s : %s → %s", q.Name(), q.Annotation(), labelOrNone(q.OutLabel))
			if q.Internal.Kind != analysis.None {
				tip += " {" + q.Internal.String() + "}"
			}
		}
		add(c.Name, kindComponent, componentLabel(c), tip)
	}
	for _, s := range p.Sinks {
		add(s.Name, kindSink, s.Label, "sink "+s.Name+": "+labelOrNone(s.Label))
	}
	ids := map[string]int{}
	for _, s := range p.Streams {
		if s == nil || s.From == nil || s.To == nil {
			continue
		}
		from, to := nodeName(s.From), nodeName(s.To)
		for _, n := range []string{from, to} {
			if _, ok := index[n]; !ok {
				add(n, kindOther, analysis.LNone, n)
			}
		}
		text := labelOrNone(s.Label)
		if s.Rep {
			text += " rep"
		}
		if s.Order {
			text += " order"
		}
		id := s.Name()
		if k := ids[id]; k > 0 {
			id = fmt.Sprintf("%s #%d", id, k+1)
		}
		ids[s.Name()]++
		e := gedge{
			from: index[from], to: index[to], text: text, id: id,
			title: s.Name() + ": " + labelOrNone(s.Label),
			color: analysis.LabelColor(s.Label),
		}
		e.loop = e.from == e.to
		if e.loop {
			n := &g.nodes[e.from]
			n.loops = append(n.loops, len(g.edges))
			n.loopW = max(n.loopW, textWidth(text, edgeSize)+8)
		}
		g.edges = append(g.edges, e)
	}
	return g
}

// loopRise is how far above its node the k-th self-loop (0-based) reaches,
// its label included.
func loopRise(k int) float64 {
	return 0.75*(loopBase+loopStep*float64(k)) + labelAsc + 2
}
