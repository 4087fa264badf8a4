package render

import (
	"bytes"
	"math"
	"path/filepath"
	"strconv"
	"unicode/utf8"

	"github.com/blazes-dev/blazes/analysis"
)

// The legend is a band at the top, legendH high from legendTop.
const (
	legendTop = 12.0
	legendH   = 36.0
)

// legend lists the label kinds with their colours, as DOT's clients show
// them.
var legend = []struct {
	name string
	l    analysis.Label
}{
	{"Seal", analysis.Label{Kind: analysis.Seal}},
	{"Async", analysis.LAsync},
	{"Run", analysis.LRun},
	{"Inst", analysis.LInst},
	{"Diverge", analysis.LDiverge},
	{"unlabelled", analysis.LNone},
}

// SVG renders p's dataflow as a standalone SVG document: one node per
// source, component and sink (a <g class="node"> whose id is its name),
// one edge per stream (a <g class="edge"> whose id is the stream's name),
// coloured and labelled as (*analysis.Program).DOT colours and labels
// them. The same program always gives the same bytes.
func SVG(p *analysis.Program) []byte {
	g := build(p)
	l := doLayout(g)
	w := &writer{}
	w.buf.Grow(1024 + 600*len(g.nodes) + 500*len(g.edges))

	width := max(l.width, legendWidth())
	top := legendTop + legendH // the graph's top
	height := top + l.height + margin
	if len(g.nodes) == 0 {
		height = top + 24 + margin
	}

	w.s(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.s(`<svg xmlns="http://www.w3.org/2000/svg" width="`)
	w.f(width)
	w.s(`" height="`)
	w.f(height)
	w.s(`" viewBox="0 0 `)
	w.f(width)
	w.s(" ")
	w.f(height)
	w.s(`" font-family="` + fontFamily + `">` + "\n")
	w.s("<title>dataflow")
	if p.Root != "" {
		w.text(" " + filepath.Base(p.Root))
	}
	w.s("</title>\n")

	// One arrowhead per colour used (SVG 1.1 markers cannot take the
	// colour of their path).
	w.s("<defs>\n")
	used := map[string]bool{}
	for _, e := range legend {
		c := analysis.LabelColor(e.l)
		for _, ed := range g.edges {
			if ed.color == c {
				used[c] = true
				break
			}
		}
		if used[c] {
			w.s(`<marker id="arrow-` + c[1:] + `" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0.8 L10,5 L0,9.2 z" fill="` + c + `"/></marker>` + "\n")
		}
	}
	w.s("</defs>\n")
	w.s(`<rect width="100%" height="100%" fill="#ffffff"/>` + "\n")

	// The legend.
	w.s(`<g class="legend" font-size="11" fill="#424242">` + "\n")
	x, ly := margin, legendTop
	for _, e := range legend {
		w.s(`<rect x="`)
		w.f(x)
		w.s(`" y="`)
		w.f(ly + 2)
		w.s(`" width="12" height="12" rx="2" fill="` + analysis.LabelColor(e.l) + `"/><text x="`)
		w.f(x + 16)
		w.s(`" y="`)
		w.f(ly + 12)
		w.s(`">` + e.name + "</text>\n")
		x += 16 + textWidth(e.name, subSize) + 14
	}
	x += 6
	w.s(`<rect x="`)
	w.f(x)
	w.s(`" y="`)
	w.f(ly + 2)
	w.s(`" width="22" height="12" rx="6" fill="none" stroke="#616161"/><text x="`)
	w.f(x + 26)
	w.s(`" y="`)
	w.f(ly + 12)
	w.s(`">source/sink</text>` + "\n")
	x += 26 + textWidth("source/sink", subSize) + 14
	w.s(`<rect x="`)
	w.f(x)
	w.s(`" y="`)
	w.f(ly + 2)
	w.s(`" width="22" height="12" rx="2" fill="none" stroke="#616161"/><text x="`)
	w.f(x + 26)
	w.s(`" y="`)
	w.f(ly + 12)
	w.s(`">component</text>` + "\n")
	w.s("</g>\n")
	if len(g.nodes) == 0 {
		w.s(`<text x="`)
		w.f(margin)
		w.s(`" y="`)
		w.f(top + 16)
		w.s(`" font-size="12" fill="#757575">(empty dataflow)</text>` + "\n")
	}

	w.s(`<g class="graph" transform="translate(0,`)
	w.f(top)
	w.s(`)">` + "\n")
	// Edges under the nodes.
	for ei := range g.edges {
		w.edge(l, ei)
	}
	for v := range g.nodes {
		w.node(l, v)
	}
	w.s("</g>\n</svg>\n")
	return w.buf.Bytes()
}

// legendWidth is the width the legend takes, margins included.
func legendWidth() float64 {
	x := margin
	for _, e := range legend {
		x += 16 + textWidth(e.name, subSize) + 14
	}
	x += 6 + 26 + textWidth("source/sink", subSize) + 14
	return x + 26 + textWidth("component", subSize) + margin
}

type writer struct {
	buf bytes.Buffer
	tmp []byte
}

func (w *writer) s(s string) { w.buf.WriteString(s) }

// f writes a coordinate rounded to a tenth.
func (w *writer) f(x float64) {
	x = math.Round(x*10) / 10
	if x == 0 {
		x = 0 // no "-0"
	}
	w.tmp = strconv.AppendFloat(w.tmp[:0], x, 'f', -1, 64)
	w.buf.Write(w.tmp)
}

func (w *writer) pt(x, y float64) {
	w.f(x)
	w.buf.WriteByte(',')
	w.f(y)
}

// text writes s escaped for XML text and attribute values; characters XML
// cannot hold become U+FFFD.
func (w *writer) text(s string) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '&':
			w.s("&amp;")
		case r == '<':
			w.s("&lt;")
		case r == '>':
			w.s("&gt;")
		case r == '"':
			w.s("&quot;")
		case r == '\'':
			w.s("&apos;")
		case r == '\n' || r == '\t':
			w.buf.WriteRune(r)
		case r == utf8.RuneError && n == 1, r < 0x20, r == 0xfffe, r == 0xffff, r >= 0xd800 && r <= 0xdfff:
			w.buf.WriteRune('\uFFFD')
		default:
			w.buf.WriteString(s[i : i+n])
		}
		i += n
	}
}

func (w *writer) node(l *layout, v int) {
	n := &l.g.nodes[v]
	cx, cy := l.cx(int32(v)), l.items[v].y
	w.s(`<g id="`)
	w.text(n.name)
	w.s(`" class="node"><title>`)
	w.text(n.title)
	w.s("</title>\n")
	rx := 5.0
	if n.kind == kindSource || n.kind == kindSink {
		rx = n.h / 2
	}
	w.s(`<rect x="`)
	w.f(cx - n.w/2)
	w.s(`" y="`)
	w.f(cy - n.h/2)
	w.s(`" width="`)
	w.f(n.w)
	w.s(`" height="`)
	w.f(n.h)
	w.s(`" rx="`)
	w.f(rx)
	w.s(`" fill="` + n.color + `" stroke="` + n.color + `"/>` + "\n")
	if n.kind == kindSink {
		// A sink has an inner ring, so that it reads apart from a source.
		w.s(`<rect x="`)
		w.f(cx - n.w/2 + 3)
		w.s(`" y="`)
		w.f(cy - n.h/2 + 3)
		w.s(`" width="`)
		w.f(n.w - 6)
		w.s(`" height="`)
		w.f(n.h - 6)
		w.s(`" rx="`)
		w.f(rx - 3)
		w.s(`" fill="none" stroke="#ffffff" stroke-opacity="0.7"/>` + "\n")
	}
	w.s(`<text x="`)
	w.f(cx)
	w.s(`" y="`)
	w.f(cy - 3)
	w.s(`" text-anchor="middle" font-size="12" font-weight="bold" fill="#ffffff">`)
	w.text(n.name)
	w.s(`</text><text x="`)
	w.f(cx)
	w.s(`" y="`)
	w.f(cy + 12)
	w.s(`" text-anchor="middle" font-size="11" fill="#ffffff">`)
	w.text(n.sub)
	w.s("</text>\n</g>\n")
}

// A path is a list of points, each joined to the next by a horizontal
// Bézier (tangents level at both ends) or by a straight line.
type waypoint struct {
	x, y     float64
	straight bool // the segment to the next point is a line
}

func (w *writer) edge(l *layout, ei int) {
	e := &l.g.edges[ei]
	w.s(`<g id="`)
	w.text(e.id)
	w.s(`" class="edge"><title>`)
	w.text(e.title)
	w.s("</title>\n")
	var lx, ly float64 // label baseline, centred
	var d []waypoint
	switch {
	case e.loop:
		lx, ly = w.loop(l, e)
	default:
		a, b := e.from, e.to
		if e.back {
			a, b = b, a
		}
		na, nb := &l.g.nodes[a], &l.g.nodes[b]
		d = append(d, waypoint{x: l.cx(int32(a)) + na.w/2, y: e.portA})
		if e.direct {
			p0 := d[0]
			p3 := waypoint{x: l.cx(int32(b)) - nb.w/2, y: e.portB}
			lx, ly = (p0.x+p3.x)/2, (p0.y+p3.y)/2-4
		}
		for _, it := range e.items {
			if !l.isDummy(it) {
				continue
			}
			cx, y := l.cx(it), l.items[it].y
			hw := l.items[it].w / 2
			if hw > 0 {
				d = append(d, waypoint{x: cx - hw, y: y, straight: true}, waypoint{x: cx + hw, y: y})
			} else {
				d = append(d, waypoint{x: cx, y: y})
			}
			if l.items[it].label {
				lx, ly = cx, y-4
			}
		}
		d = append(d, waypoint{x: l.cx(int32(b)) - nb.w/2, y: e.portB})
		if e.back {
			// Drawn from the right end to the left: reverse, keeping
			// each segment's kind with the segment.
			r := make([]waypoint, len(d))
			for i := range d {
				r[i] = d[len(d)-1-i]
				r[i].straight = i+1 < len(d) && d[len(d)-2-i].straight
			}
			d = r
		}
		w.s(`<path d="M`)
		w.pt(d[0].x, d[0].y)
		for i := 0; i+1 < len(d); i++ {
			p, q := d[i], d[i+1]
			if p.straight || math.Abs(p.y-q.y) < 0.05 {
				w.s(" L")
				w.pt(q.x, q.y)
				continue
			}
			dx := (q.x - p.x) / 2
			w.s(" C")
			w.pt(p.x+dx, p.y)
			w.s(" ")
			w.pt(q.x-dx, q.y)
			w.s(" ")
			w.pt(q.x, q.y)
		}
		w.s(`" fill="none" stroke="` + e.color + `" stroke-width="1.4" marker-end="url(#arrow-` + e.color[1:] + `)"/>` + "\n")
	}
	w.s(`<text x="`)
	w.f(lx)
	w.s(`" y="`)
	w.f(ly)
	w.s(`" text-anchor="middle" font-size="10" fill="` + e.color + `" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">`)
	w.text(e.text)
	w.s("</text>\n</g>\n")
}

// loop draws a self-loop over the top of its node and returns where its
// label goes.
func (w *writer) loop(l *layout, e *gedge) (float64, float64) {
	n := &l.g.nodes[e.from]
	k := 0
	for i, ei := range n.loops {
		if &l.g.edges[ei] == e {
			k = i
		}
	}
	cx, top := l.cx(int32(e.from)), l.items[e.from].y-n.h/2
	a := min(n.w/2-6, 12+6*float64(k))
	h := loopBase + loopStep*float64(k)
	w.s(`<path d="M`)
	w.pt(cx+a, top)
	w.s(" C")
	w.pt(cx+a+16, top-h)
	w.s(" ")
	w.pt(cx-a-16, top-h)
	w.s(" ")
	w.pt(cx-a, top)
	w.s(`" fill="none" stroke="` + e.color + `" stroke-width="1.4" marker-end="url(#arrow-` + e.color[1:] + `)"/>` + "\n")
	return cx, top - 0.75*h - 3
}
