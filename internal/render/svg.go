package render

import (
	"bytes"
	"math"
	"path/filepath"
	"strconv"
	"unicode/utf8"

	"github.com/blazes-dev/blazes/analysis"
)

// The legend is a band at the top: a row of label colours, then a row of
// the marks the drawing uses.
const (
	legendTop  = 12.0
	legendRow  = 22.0
	legendMinW = 640.0
)

// labelLegend lists the label kinds with their colours, as DOT's clients
// show them.
var labelLegend = []struct {
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

// severityColor is the colour of a finding's mark: apart from the label
// colours, and always dashed.
func severityColor(s analysis.Severity) string {
	switch s {
	case analysis.SevError:
		return "#d50000"
	case analysis.SevWarning:
		return "#ffb300"
	case analysis.SevInformation:
		return "#00897b"
	}
	return "#757575"
}

// A mark is one kind of thing the drawing shows; the legend has an entry
// for each mark the drawing uses (data-mark on both).
type mark struct {
	key  string
	text string
	draw func(w *writer, x, y float64) // the sample, y the row's top
	sw   float64                       // the sample's width; 0 means 22
}

func (m mark) sampleW() float64 {
	if m.sw > 0 {
		return m.sw
	}
	return 22
}

func marksOf(g *graph) []mark {
	var ms []mark
	has := func(f func(*gnode) bool) bool {
		for v := range g.nodes {
			if f(&g.nodes[v]) {
				return true
			}
		}
		return false
	}
	grey := "#616161"
	if has(func(n *gnode) bool { return n.kind == kindSource }) {
		ms = append(ms, mark{"source", "source (streams leave on the right)", func(w *writer, x, y float64) {
			w.rect(x, y+2, 22, 12, 6, "none", grey, "")
			w.dot(x+22, y+8, grey)
		}, 0})
	}
	if has(func(n *gnode) bool { return n.kind == kindSink }) {
		ms = append(ms, mark{"sink", "sink (ringed)", func(w *writer, x, y float64) {
			w.rect(x, y+2, 22, 12, 6, "none", grey, "")
			w.rect(x+2, y+4, 18, 8, 4, "none", grey, "")
			w.dot(x, y+8, grey)
		}, 0})
	}
	if has(func(n *gnode) bool { return n.kind == kindComponent || n.kind == kindOther }) {
		ms = append(ms, mark{"component", "component: inputs left, outputs right", func(w *writer, x, y float64) {
			w.rect(x, y, 22, 16, 2, "none", grey, "")
			w.line(x, y+6, x+22, y+6, grey, "")
			w.dot(x, y+11, grey)
			w.dot(x+22, y+11, grey)
		}, 0})
		ms = append(ms, mark{"port", "interface (port, in its label's colour)", func(w *writer, x, y float64) {
			w.line(x, y+8, x+18, y+8, grey, ` stroke-width="1.4"`)
			w.dot(x+20, y+8, grey)
		}, 0})
	}
	if has(func(n *gnode) bool { return n.kind == kindOther }) {
		ms = append(ms, mark{"other", "an endpoint the program does not declare", func(w *writer, x, y float64) {
			w.rect(x, y+2, 22, 12, 2, analysis.LabelColor(analysis.LNone), "", "")
		}, 0})
	}
	if has(func(n *gnode) bool { return n.rep }) {
		ms = append(ms, mark{"replicated", "replicated component (stacked)", func(w *writer, x, y float64) {
			w.rect(x+4, y, 18, 12, 2, "#ffffff", grey, "")
			w.rect(x, y+4, 18, 12, 2, "#ffffff", grey, "")
		}, 0})
	}
	edge := func(f func(*gedge) bool) bool {
		for i := range g.edges {
			if f(&g.edges[i]) {
				return true
			}
		}
		return false
	}
	if edge(func(e *gedge) bool { return e.rep }) {
		ms = append(ms, mark{"rep", "a stream that carries rep: its consumer is replicated", func(w *writer, x, y float64) {
			w.s(`<text x="`)
			w.f(x + 15)
			w.s(`" y="`)
			w.f(y + 12)
			w.s(`" text-anchor="middle" font-size="10">rep</text>`)
		}, 30})
	}
	if edge(func(e *gedge) bool { return e.order }) {
		ms = append(ms, mark{"order", "a stream that carries order (ordered delivery)", func(w *writer, x, y float64) {
			w.s(`<text x="`)
			w.f(x + 15)
			w.s(`" y="`)
			w.f(y + 12)
			w.s(`" text-anchor="middle" font-size="10">order</text>`)
		}, 30})
	}
	for _, sev := range []analysis.Severity{analysis.SevError, analysis.SevWarning, analysis.SevInformation, analysis.SevHint} {
		if has(func(n *gnode) bool {
			for _, f := range n.findings {
				if f.sev == sev {
					return true
				}
			}
			return false
		}) {
			c := severityColor(sev)
			ms = append(ms, mark{"finding-" + sev.String(), "path with a finding (" + sev.String() + "), named under its ports with the code", func(w *writer, x, y float64) {
				w.line(x, y+8, x+22, y+8, c, ` stroke-width="2.5" stroke-dasharray="5 3"`)
			}, 0})
		}
	}
	return ms
}

// SVG renders p's dataflow as a standalone SVG document: one node per
// source, component and sink (a <g class="node"> whose id is its name),
// one edge per stream (a <g class="edge"> whose id is the stream's name),
// coloured and labelled as (*analysis.Program).DOT colours and labels
// them. A component shows its interfaces as ports, inputs on its left and
// outputs on its right (<circle class="port"> whose data-iface is the
// interface's full name); each edge starts at its producer's output port
// and ends at its consumer's input port. A path that holds findings is
// drawn across its component in the worst finding's severity colour, with
// its annotation and the codes (<g class="finding">). A legend explains
// the colours and every mark used. The same program always gives the
// same bytes.
func SVG(p *analysis.Program) []byte {
	g := build(p)
	l := doLayout(g)
	marks := marksOf(g)
	w := &writer{}
	w.buf.Grow(2048 + 900*len(g.nodes) + 500*len(g.edges))

	labelsW := margin
	for _, e := range labelLegend {
		labelsW += 16 + textWidth(e.name, subSize) + 14
	}
	// The marks wrap to the width of the drawing (at least legendMinW).
	width := max(l.width, labelsW+margin, legendMinW)
	type placed struct{ x, y float64 }
	at := make([]placed, len(marks))
	mx, my := margin, legendTop+legendRow
	for i, m := range marks {
		ew := m.sampleW() + 6 + textWidth(m.text, subSize)
		if mx > margin && mx+ew > width-margin {
			mx, my = margin, my+legendRow
		}
		at[i] = placed{mx, my}
		width = max(width, mx+ew+margin)
		mx += ew + 16
	}
	legendH := my - legendTop
	if len(marks) > 0 {
		legendH += legendRow
	}
	top := legendTop + legendH + 8 // the graph's top
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
	for _, e := range labelLegend {
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
	for _, e := range labelLegend {
		c := analysis.LabelColor(e.l)
		w.s(`<g class="legend-entry" data-mark="label-` + c[1:] + `">`)
		w.rect(x, ly+2, 12, 12, 2, c, "", "")
		w.s(`<text x="`)
		w.f(x + 16)
		w.s(`" y="`)
		w.f(ly + 12)
		w.s(`">` + e.name + "</text></g>\n")
		x += 16 + textWidth(e.name, subSize) + 14
	}
	for i, m := range marks {
		x, ly := at[i].x, at[i].y
		w.s(`<g class="legend-entry" data-mark="` + m.key + `">`)
		m.draw(w, x, ly)
		w.s(`<text x="`)
		w.f(x + m.sampleW() + 6)
		w.s(`" y="`)
		w.f(ly + 12)
		w.s(`">`)
		w.text(m.text)
		w.s("</text></g>\n")
	}
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

// rect draws a rectangle; stroke and extra may be empty.
func (w *writer) rect(x, y, width, height, rx float64, fill, stroke, extra string) {
	w.s(`<rect x="`)
	w.f(x)
	w.s(`" y="`)
	w.f(y)
	w.s(`" width="`)
	w.f(width)
	w.s(`" height="`)
	w.f(height)
	w.s(`" rx="`)
	w.f(rx)
	w.s(`" fill="` + fill + `"`)
	if stroke != "" {
		w.s(` stroke="` + stroke + `"`)
	}
	if extra != "" {
		w.s(" " + extra)
	}
	w.s("/>")
}

// line draws a line from (x1, y1) to (x2, y2); extra holds further
// attributes, each with its leading space.
func (w *writer) line(x1, y1, x2, y2 float64, color, extra string) {
	w.s(`<line x1="`)
	w.f(x1)
	w.s(`" y1="`)
	w.f(y1)
	w.s(`" x2="`)
	w.f(x2)
	w.s(`" y2="`)
	w.f(y2)
	w.s(`" stroke="` + color + `"` + extra + `/>`)
}

// dot draws a port's dot.
func (w *writer) dot(x, y float64, color string) {
	w.s(`<circle cx="`)
	w.f(x)
	w.s(`" cy="`)
	w.f(y)
	w.s(`" r="3" fill="` + color + `" stroke="#ffffff" stroke-width="1"/>`)
}

// portXY is where port k of node v's side (right for outputs) is.
func portXY(l *layout, v, k int, out bool) (float64, float64) {
	n := &l.g.nodes[v]
	x, y := l.cx(int32(v))-n.w/2, l.items[v].y
	ps := n.ins
	if out {
		x += n.w
		ps = n.outs
	}
	if k < len(ps) {
		y += ps[k].dy
	}
	return x, y
}

func (w *writer) node(l *layout, v int) {
	n := &l.g.nodes[v]
	cx, cy := l.cx(int32(v)), l.items[v].y
	x0, y0 := cx-n.w/2, cy-n.h/2
	w.s(`<g id="`)
	w.text(n.name)
	w.s(`" class="node" data-mark="` + n.kind.String() + `"><title>`)
	w.text(n.title)
	w.s("</title>\n")
	if n.rep {
		// A replica behind: the component runs as several copies.
		w.s(`<g class="replicated" data-mark="replicated">`)
		w.rect(x0+5, y0-5, n.w, n.h, 5, "#ffffff", n.color, `stroke-width="1.2"`)
		w.s("</g>\n")
	}
	boxed := n.kind == kindComponent || n.h > nodeH
	rx := 5.0
	if !boxed {
		rx = n.h / 2
	}
	w.rect(x0, y0, n.w, n.h, rx, n.color, n.color, "")
	w.s("\n")
	if boxed {
		// The body, under the header, holds the interfaces.
		w.rect(x0+1.5, y0+hdrH-4, n.w-3, n.h-hdrH+2.5, 3.5, "#ffffff", "", "")
		w.s("\n")
	}
	if n.kind == kindSink {
		// A sink has an inner ring, so that it reads apart from a source.
		w.rect(x0+3, y0+3, n.w-6, n.h-6, rx-3, "none", "#ffffff", `stroke-opacity="0.7"`)
		w.s("\n")
	}
	ty := cy - 3
	if boxed {
		ty = y0 + 15
	}
	w.s(`<text x="`)
	w.f(cx)
	w.s(`" y="`)
	w.f(ty)
	w.s(`" text-anchor="middle" font-size="12" font-weight="bold" fill="#ffffff">`)
	w.text(n.name)
	w.s(`</text><text x="`)
	w.f(cx)
	w.s(`" y="`)
	w.f(ty + 14)
	w.s(`" text-anchor="middle" font-size="11" fill="#ffffff">`)
	w.text(n.sub)
	w.s("</text>\n")
	for _, f := range n.findings {
		w.finding(l, v, f)
	}
	ports := func(ps []port, out bool) {
		for k, pt := range ps {
			x, y := portXY(l, v, k, out)
			dir := "in"
			if out {
				dir = "out"
			}
			w.s(`<g class="port-group"><title>`)
			w.text(pt.title)
			w.s(`</title><circle class="port" data-mark="port" data-iface="`)
			w.text(pt.name)
			w.s(`" data-dir="` + dir + `" cx="`)
			w.f(x)
			w.s(`" cy="`)
			w.f(y)
			w.s(`" r="3.5" fill="` + pt.color + `" stroke="#ffffff" stroke-width="1.2"/>`)
			if pt.short != "" {
				tx, anchor := x+portPad, "start"
				if out {
					tx, anchor = x-portPad, "end"
				}
				w.s(`<text x="`)
				w.f(tx)
				w.s(`" y="`)
				w.f(y + 3.5)
				w.s(`" text-anchor="` + anchor + `" font-size="10" fill="` + pt.color + `">`)
				w.text(pt.short)
				w.s("</text>")
			}
			w.s("</g>\n")
		}
	}
	ports(n.ins, false)
	ports(n.outs, true)
	w.s("</g>\n")
}

// finding draws a path that holds findings across its component, from
// its input's name to its output's, with the annotation and the codes.
func (w *writer) finding(l *layout, v int, f finding) {
	n := &l.g.nodes[v]
	c := severityColor(f.sev)
	x1, y1 := portXY(l, v, f.in, false)
	x2, y2 := portXY(l, v, f.out, true)
	x1 += portPad + textWidth(n.ins[f.in].short, portSize) + 4
	x2 -= portPad + textWidth(n.outs[f.out].short, portSize) + 4
	w.s(`<g class="finding" data-mark="finding-` + f.sev.String() + `" data-path="`)
	w.text(n.ins[f.in].short + " -> " + n.outs[f.out].short)
	w.s(`" data-code="` + f.codes + `"><title>`)
	w.text(f.messages)
	w.s("</title>")
	// The outline says at a glance which component holds a finding.
	w.rect(l.cx(int32(v))-n.w/2-3, l.items[v].y-n.h/2-3, n.w+6, n.h+6, 7, "none", c, `stroke-width="2" stroke-dasharray="5 3"`)
	w.s(`<path d="M`)
	w.pt(x1, y1)
	if math.Abs(y1-y2) < 0.05 {
		w.s(" L")
	} else {
		dx := (x2 - x1) / 2
		w.s(" C")
		w.pt(x1+dx, y1)
		w.s(" ")
		w.pt(x2-dx, y2)
		w.s(" ")
	}
	w.pt(x2, y2)
	w.s(`" fill="none" stroke="` + c + `" stroke-width="2.5" stroke-dasharray="5 3"/>`)
	w.s(`<text x="`)
	w.f(l.cx(int32(v)))
	w.s(`" y="`)
	w.f(l.items[v].y + f.dy)
	w.s(`" text-anchor="middle" font-size="10" font-weight="bold" fill="` + c + `">`)
	w.text(f.text)
	w.s("</text></g>\n")
}

// A path is a list of points, each joined to the next by a horizontal
// Bézier (tangents level at both ends) or by a straight line.
type waypoint struct {
	x, y     float64
	straight bool // the segment to the next point is a line
}

// hook is how far an edge runs straight out of a port before it turns.
const hook = 10.0

func (w *writer) edge(l *layout, ei int) {
	e := &l.g.edges[ei]
	w.s(`<g id="`)
	w.text(e.id)
	w.s(`" class="edge"`)
	switch {
	case e.rep && e.order:
		w.s(` data-mark="rep order"`)
	case e.rep:
		w.s(` data-mark="rep"`)
	case e.order:
		w.s(` data-mark="order"`)
	}
	w.s(`><title>`)
	w.text(e.title)
	w.s("</title>\n")
	var lx, ly float64 // label baseline, centred
	var d []waypoint
	if e.loop {
		d, lx, ly = loopPath(l, e)
	} else {
		// Left to right in layout order: a back edge runs from its
		// consumer (left) to its producer (right), and is reversed below.
		a, b := e.from, e.to
		if e.back {
			a, b = b, a
		}
		var mids []waypoint
		for _, it := range e.items {
			if !l.isDummy(it) {
				continue
			}
			cx, y := l.cx(it), l.items[it].y
			hw := l.items[it].w / 2
			if hw > 0 {
				mids = append(mids, waypoint{x: cx - hw, y: y, straight: true}, waypoint{x: cx + hw, y: y})
			} else {
				mids = append(mids, waypoint{x: cx, y: y})
			}
			if l.items[it].label {
				lx, ly = cx, y-4
			}
		}
		na, nb := &l.g.nodes[a], &l.g.nodes[b]
		xa, xb := l.cx(int32(a))+na.w/2, l.cx(int32(b))-nb.w/2
		if e.direct {
			lx, ly = (xa+xb)/2, (e.portA+e.portB)/2-4
		}
		if !e.back {
			d = append(d, waypoint{x: xa, y: e.portA})
			d = append(d, mids...)
			d = append(d, waypoint{x: xb, y: e.portB})
		} else {
			// The producer b is on the right: leave its output port
			// rightwards, pass over or under it, run back through the
			// dummies, pass over or under the consumer a, and enter its
			// input port from the left.
			xbR := l.cx(int32(b)) + nb.w/2
			xaL := l.cx(int32(a)) - na.w/2
			nextB, nextA := e.portA, e.portB
			if len(mids) > 0 {
				nextB, nextA = mids[len(mids)-1].y, mids[0].y
			}
			cb := clearance(l, b, nextB)
			ca := clearance(l, a, nextA)
			d = append(d,
				waypoint{x: xbR, y: e.portB, straight: true},
				waypoint{x: xbR + hook, y: e.portB, straight: true},
				waypoint{x: xbR + hook, y: cb, straight: true},
				waypoint{x: xb, y: cb})
			for i := len(mids) - 1; i >= 0; i-- {
				m := mids[i]
				// Reversed: a segment's kind moves to its other end.
				m.straight = i > 0 && mids[i-1].straight
				d = append(d, m)
			}
			d = append(d,
				waypoint{x: xa, y: ca, straight: true},
				waypoint{x: xaL - hook, y: ca, straight: true},
				waypoint{x: xaL - hook, y: e.portA, straight: true},
				waypoint{x: xaL, y: e.portA})
			if e.direct || len(mids) == 0 {
				lx, ly = (xa+xb)/2, (ca+cb)/2-4
			}
		}
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
	w.s(`<text x="`)
	w.f(lx)
	w.s(`" y="`)
	w.f(ly)
	w.s(`" text-anchor="middle" font-size="10" fill="` + e.color + `" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">`)
	w.text(e.text)
	w.s("</text>\n</g>\n")
}

// clearance is the y just above node v, or just below it when toward is
// below its centre: where an edge passes it.
func clearance(l *layout, v int, toward float64) float64 {
	n := &l.g.nodes[v]
	y := l.items[v].y
	if toward > y {
		return y + n.h/2 + 7
	}
	return y - n.h/2 - 7
}

// loopPath routes a self-loop from the output port over the top of its
// node to the input port, and says where its label goes.
func loopPath(l *layout, e *gedge) ([]waypoint, float64, float64) {
	n := &l.g.nodes[e.from]
	k := 0
	for i, ei := range n.loops {
		if &l.g.edges[ei] == e {
			k = i
		}
	}
	cx := l.cx(int32(e.from))
	xo, yo := portXY(l, e.from, e.pa, true)
	xi, yi := portXY(l, e.from, e.pb, false)
	top := l.items[e.from].y - n.h/2 - 0.75*(loopBase+loopStep*float64(k))
	s := hook + 4*float64(k)
	d := []waypoint{
		{x: xo, y: yo, straight: true},
		{x: xo + s, y: yo, straight: true},
		{x: xo + s, y: top, straight: true},
		{x: xi - s, y: top, straight: true},
		{x: xi - s, y: yi, straight: true},
		{x: xi, y: yi},
	}
	return d, cx, top - 3
}
