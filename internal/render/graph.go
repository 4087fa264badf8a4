// Package render draws a Blazes dataflow as SVG in pure Go: the same nodes,
// colours and edge labels as (*analysis.Program).DOT, laid out left to
// right in layers (a small Sugiyama-style layout: cycles broken at DFS
// back edges, longest-path layering, barycenter ordering, then positions
// by iterated weighted medians that pull each stream's two ports into
// line). Components show their interfaces as ports, inputs left and
// outputs right, and every edge runs from port to port; the paths that
// hold findings are marked. Graphviz is not linked in: its Go builds
// compile WebAssembly at start-up (docs/graph.md). The output is
// deterministic and the time is close to linear in the size of the graph.
package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blazes-dev/blazes/analysis"
)

// Sizes, in px. Text is monospace so that widths can be estimated from
// the number of characters (0.6em a character: 7.2px at 12px).
const (
	nameSize  = 12.0 // node name
	subSize   = 11.0 // node label
	edgeSize  = 10.0 // edge label
	portSize  = 10.0 // an interface's name on its port
	hdrH      = 36.0 // a component's header: name and label
	rowH      = 16.0 // one interface row of a component
	portPad   = 9.0  // from a port to its name
	portR     = 3.0  // a port's dot
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

// port is an interface drawn on a node's side: a component's inputs on
// its left, its outputs on its right; a source has one output port, a
// sink one input port.
type port struct {
	name  string // the interface's full name ("C.i", or the source's)
	short string // drawn next to the dot; "" for sources and sinks
	color string
	title string
	dy    float64 // from the node's centre
}

// finding marks a component's path that holds findings.
type finding struct {
	in, out  int // port indexes
	codes    string
	sev      analysis.Severity
	text     string  // the path, its annotation and the codes
	dy       float64 // the text's baseline, from the node's centre
	messages string
}

// gnode is a node of the drawing: a source, a component or a sink.
type gnode struct {
	name     string
	sub      string // its label, "(unlabelled)" when none
	title    string // tooltip: the name and the labels
	kind     nodeKind
	color    string
	w, h     float64
	ins      []port
	outs     []port
	rep      bool // a replicated component
	findings []finding
	loops    []int   // self-loop edges, in stream order
	loopW    float64 // the widest self-loop label
}

// gedge is a stream.
type gedge struct {
	from, to int
	pa, pb   int    // the producer's output port, the consumer's input port
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
	rep      bool
	order    bool
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

// build collects the nodes and edges of p, in DOT's order, with each
// component's interfaces as ports and the paths that hold findings.
func build(p *analysis.Program) *graph {
	g := &graph{}
	index := map[string]int{}
	add := func(name string, kind nodeKind, l analysis.Label, title string) *gnode {
		if i, ok := index[name]; ok {
			return &g.nodes[i] // DOT merges nodes of the same name: so do we
		}
		n := gnode{name: name, sub: labelOrNone(l), title: title, kind: kind, color: analysis.LabelColor(l), h: nodeH}
		index[name] = len(g.nodes)
		g.nodes = append(g.nodes, n)
		return &g.nodes[len(g.nodes)-1]
	}
	single := func(i *analysis.Iface, name string) port {
		return port{name: name, color: analysis.LabelColor(i.Label), title: name + ": " + labelOrNone(i.Label)}
	}
	for _, s := range p.Sources {
		n := add(s.Name, kindSource, s.Label, "source "+s.Name+": "+labelOrNone(s.Label))
		if len(n.outs) == 0 {
			n.outs = []port{single(s, s.Name)}
		}
	}
	marks := findingsByPath(p)
	for _, c := range p.Components {
		tip := "component " + c.Name
		for _, q := range c.Paths {
			tip += fmt.Sprintf("\n%s : %s → %s", q.Name(), q.Annotation(), labelOrNone(q.OutLabel))
			if q.Internal.Kind != analysis.None {
				tip += " {" + q.Internal.String() + "}"
			}
		}
		if c.Replicated {
			tip += "\nreplicated (a rep stream reaches it)"
		}
		n := add(c.Name, kindComponent, componentLabel(c), tip)
		if n.kind != kindComponent || len(n.ins)+len(n.outs) > 0 {
			continue
		}
		n.rep = c.Replicated
		for _, i := range c.Inputs {
			n.ins = append(n.ins, port{name: i.FullName(), short: i.Name, color: analysis.LabelColor(i.Label), title: "input " + i.FullName() + ": " + labelOrNone(i.Label)})
		}
		for _, o := range c.Outputs {
			n.outs = append(n.outs, port{name: o.FullName(), short: o.Name, color: analysis.LabelColor(o.Label), title: "output " + o.FullName() + ": " + labelOrNone(o.Label)})
		}
		for _, q := range c.Paths {
			f, ok := marks[c.Name+"\x00"+q.Name()]
			if !ok {
				continue
			}
			f.in, f.out = slices.Index(c.Inputs, q.In), slices.Index(c.Outputs, q.Out)
			if f.in < 0 || f.out < 0 {
				continue
			}
			f.text = q.Name() + " : " + q.Annotation() + "  " + f.codes
			n.findings = append(n.findings, f)
		}
	}
	for _, s := range p.Sinks {
		n := add(s.Name, kindSink, s.Label, "sink "+s.Name+": "+labelOrNone(s.Label))
		if len(n.ins) == 0 {
			n.ins = []port{single(s, s.Name)}
		}
	}
	// portOf finds (or, for an endpoint that is not declared, adds) the
	// port of an interface on its node's side.
	portOf := func(i *analysis.Iface, out bool) (int, int) {
		name := nodeName(i)
		v, ok := index[name]
		if !ok {
			add(name, kindOther, analysis.LNone, name)
			v = index[name]
		}
		n := &g.nodes[v]
		side := &n.ins
		if out {
			side = &n.outs
		}
		full := i.FullName()
		for k, pt := range *side {
			if pt.name == full {
				return v, k
			}
		}
		if n.kind == kindSource || n.kind == kindSink || (n.kind == kindOther && i.Comp == nil) {
			if len(*side) == 0 {
				*side = append(*side, single(i, full))
			}
			return v, 0
		}
		pt := port{name: full, short: i.Name, color: analysis.LabelColor(i.Label), title: full + ": " + labelOrNone(i.Label)}
		*side = append(*side, pt)
		return v, len(*side) - 1
	}
	ids := map[string]int{}
	for _, s := range p.Streams {
		if s == nil || s.From == nil || s.To == nil {
			continue
		}
		from, pa := portOf(s.From, true)
		to, pb := portOf(s.To, false)
		text := labelOrNone(s.Label)
		if a := s.AttrText(); a != "" {
			text += " " + a
		}
		id := s.Name()
		if k := ids[id]; k > 0 {
			id = fmt.Sprintf("%s #%d", id, k+1)
		}
		ids[s.Name()]++
		e := gedge{
			from: from, to: to, pa: pa, pb: pb, text: text, id: id,
			title: s.Name() + ": " + labelOrNone(s.Label),
			color: analysis.LabelColor(s.Label),
			rep:   s.Rep, order: s.Order,
		}
		e.loop = e.from == e.to
		if e.loop {
			n := &g.nodes[e.from]
			n.loops = append(n.loops, len(g.edges))
			n.loopW = max(n.loopW, textWidth(text, edgeSize)+8)
		}
		g.edges = append(g.edges, e)
	}
	for v := range g.nodes {
		g.nodes[v].size()
	}
	return g
}

// findingsByPath gathers the findings that name a component's path
// (BLZ001-003), keyed by component and path name.
func findingsByPath(p *analysis.Program) map[string]finding {
	m := map[string]finding{}
	for _, d := range p.Diagnostics {
		if d.Component == "" || d.Path == "" {
			continue
		}
		k := d.Component + "\x00" + d.Path
		f, ok := m[k]
		if !ok || d.Severity < f.sev {
			f.sev = d.Severity
		}
		if !strings.Contains(f.codes, d.Code) {
			if f.codes != "" {
				f.codes += " "
			}
			f.codes += d.Code
		}
		if f.messages != "" {
			f.messages += "\n"
		}
		f.messages += d.Severity.String() + " " + d.Code + ": " + d.Message
		m[k] = f
	}
	return m
}

// size sets a node's width and height and its ports' places.
func (n *gnode) size() {
	textW := max(textWidth(n.name, nameSize), textWidth(n.sub, subSize)) + 2*nodePadX
	if n.kind != kindComponent && !(n.kind == kindOther && (hasShort(n.ins) || hasShort(n.outs))) {
		n.w = max(textW+n.h/2, minNodeW) // room for the round ends
		for k := range n.ins {
			n.ins[k].dy = 0
		}
		for k := range n.outs {
			n.outs[k].dy = 0
		}
		return
	}
	// A row per interface, then a row per finding under them.
	rows := max(len(n.ins), len(n.outs), 1)
	n.h = hdrH + rowH*float64(rows+len(n.findings)) + 4
	gap := 24.0
	if len(n.findings) > 0 {
		gap = 44
	}
	n.w = max(textW, minNodeW, widest(n.ins)+gap+widest(n.outs)+2*portPad)
	for k := range n.findings {
		f := &n.findings[k]
		n.w = max(n.w, textWidth(f.text, edgeSize)+2*nodePadX)
		f.dy = -n.h/2 + hdrH + rowH*(float64(rows+k)+0.5) + 3.5
	}
	place := func(ps []port) {
		for k := range ps {
			ps[k].dy = -n.h/2 + hdrH + rowH*(float64(k)+0.5)
		}
	}
	place(n.ins)
	place(n.outs)
}

func hasShort(ps []port) bool {
	for _, p := range ps {
		if p.short != "" {
			return true
		}
	}
	return false
}

func widest(ps []port) float64 {
	w := 0.0
	for _, p := range ps {
		w = max(w, textWidth(p.short, portSize))
	}
	return w
}

// loopRise is how far above its node the k-th self-loop (0-based) reaches,
// its label included.
func loopRise(k int) float64 {
	return 0.75*(loopBase+loopStep*float64(k)) + labelAsc + 2
}
