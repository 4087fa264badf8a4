package render

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/internal/gen"
	"github.com/blazes-dev/blazes/internal/golden"
)

const repo = "../.."

// memFS serves programs from memory.
type memFS map[string][]byte

func (m memFS) ReadFile(name string) ([]byte, error) {
	if b, ok := m[name]; ok {
		return b, nil
	}
	return nil, io.ErrUnexpectedEOF
}

func load(t testing.TB, file string) *analysis.Program {
	t.Helper()
	p := analysis.Load(filepath.Join(repo, file), analysis.Options{})
	if p.LoadErr != nil {
		t.Fatal(p.LoadErr)
	}
	return p
}

func loadText(t testing.TB, text string) *analysis.Program {
	t.Helper()
	p := analysis.Load("t.blazes", analysis.Options{FS: memFS{"t.blazes": []byte(text)}})
	if p.LoadErr != nil {
		t.Fatal(p.LoadErr)
	}
	return p
}

// elem is a parsed SVG element.
type elem struct {
	name     string
	attrs    map[string]string
	children []*elem
	text     string
}

func (e *elem) find(fn func(*elem) bool) []*elem {
	var out []*elem
	var walk func(*elem)
	walk = func(x *elem) {
		if fn(x) {
			out = append(out, x)
		}
		for _, c := range x.children {
			walk(c)
		}
	}
	walk(e)
	return out
}

func (e *elem) child(name string) *elem {
	for _, c := range e.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// parse decodes the whole document with encoding/xml and returns its root.
func parse(t *testing.T, svg []byte) *elem {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	var root *elem
	var stack []*elem
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &elem{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				if root != nil {
					t.Fatal("more than one root element")
				}
				root = e
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	if root == nil || root.name != "svg" {
		t.Fatalf("no <svg> root element:\n%s", svg)
	}
	return root
}

func groups(root *elem, class string) map[string]*elem {
	m := map[string]*elem{}
	for _, g := range root.find(func(e *elem) bool { return e.name == "g" && e.attrs["class"] == class }) {
		m[g.attrs["id"]] = g
	}
	return m
}

func TestNodesAndEdges(t *testing.T) {
	for _, file := range []string{"testdata/paper/adtrack/poor.blazes", "testdata/paper/wordcount.blazes"} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			p := load(t, file)
			root := parse(t, SVG(p))
			nodes, edges := groups(root, "node"), groups(root, "edge")
			var names []string
			for _, s := range p.Sources {
				names = append(names, s.Name)
			}
			for _, c := range p.Components {
				names = append(names, c.Name)
			}
			for _, s := range p.Sinks {
				names = append(names, s.Name)
			}
			if len(nodes) != len(names) {
				t.Errorf("%d nodes, want %d", len(nodes), len(names))
			}
			for _, n := range names {
				g := nodes[n]
				if g == nil {
					t.Errorf("no node %s", n)
					continue
				}
				if title := g.child("title"); title == nil || !strings.Contains(title.text, n) {
					t.Errorf("node %s: no <title> naming it", n)
				}
				if g.child("rect") == nil || len(g.find(func(e *elem) bool { return e.name == "text" && e.text == n })) != 1 {
					t.Errorf("node %s: no box or no name", n)
				}
			}
			if len(edges) != len(p.Streams) {
				t.Errorf("%d edges, want %d", len(edges), len(p.Streams))
			}
			for _, s := range p.Streams {
				g := edges[s.Name()]
				if g == nil {
					t.Errorf("no edge %s", s.Name())
					continue
				}
				path := g.child("path")
				c := analysis.LabelColor(s.Label)
				if path == nil || path.attrs["stroke"] != c || !strings.Contains(path.attrs["marker-end"], c[1:]) {
					t.Errorf("edge %s: want a path stroked %s with its arrowhead", s.Name(), c)
				}
				label := g.child("text")
				if label == nil || !strings.HasPrefix(label.text, s.Label.String()) || label.attrs["fill"] != c {
					t.Errorf("edge %s: want its label %s in %s", s.Name(), s.Label, c)
				}
				if s.Rep && !strings.Contains(label.text, "rep") {
					t.Errorf("edge %s: the label lacks rep", s.Name())
				}
			}
		})
	}
}

func fill(t *testing.T, nodes map[string]*elem, name string) string {
	t.Helper()
	g := nodes[name]
	if g == nil {
		t.Fatalf("no node %s", name)
	}
	return g.child("rect").attrs["fill"]
}

func TestColours(t *testing.T) {
	const (
		async   = "#1565c0"
		run     = "#ef6c00"
		inst    = "#c62828"
		diverge = "#6a1b9a"
	)
	nodes := groups(parse(t, SVG(load(t, "testdata/paper/wordcount.blazes"))), "node")
	for name, want := range map[string]string{"tweets": async, "Splitter": async, "Count": run, "Commit": run} {
		if got := fill(t, nodes, name); got != want {
			t.Errorf("wordcount: %s is %s, want %s", name, got, want)
		}
	}
	p := load(t, "testdata/paper/adtrack/poor.blazes")
	nodes = groups(parse(t, SVG(p)), "node")
	for name, want := range map[string]string{"clicks": async, "requests": async, "Report": inst, "Cache": diverge, "analysts": diverge} {
		if got := fill(t, nodes, name); got != want {
			t.Errorf("poor: %s is %s, want %s", name, got, want)
		}
	}
	// The same node colours as DOT.
	dot := p.DOT()
	for name, g := range nodes {
		if !strings.Contains(dot, `"`+name+`" [id="`+name+`", URL="blazes:`+name+`", shape=`) ||
			!strings.Contains(dot, `fillcolor="`+g.child("rect").attrs["fill"]+`", label="`+name+`\n`) {
			t.Errorf("%s: colour %s differs from DOT's:\n%s", name, g.child("rect").attrs["fill"], dot)
		}
	}
}

func TestShapes(t *testing.T) {
	nodes := groups(parse(t, SVG(load(t, "testdata/paper/adtrack/poor.blazes"))), "node")
	round := func(name string) bool {
		r := nodes[name].child("rect")
		return 2*atof(r.attrs["rx"]) == atof(r.attrs["height"])
	}
	for _, n := range []string{"clicks", "requests", "analysts"} {
		if !round(n) {
			t.Errorf("%s is not drawn as a pill", n)
		}
	}
	for _, n := range []string{"Report", "Cache"} {
		if round(n) {
			t.Errorf("component %s is drawn as a pill", n)
		}
	}
}

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

func TestDeterministic(t *testing.T) {
	for _, file := range []string{"testdata/paper/adtrack/poor.blazes", "testdata/paper/wordcount.blazes"} {
		a := SVG(load(t, file))
		for i := 0; i < 5; i++ {
			if b := SVG(load(t, file)); !bytes.Equal(a, b) {
				t.Fatalf("%s: two renderings differ", file)
			}
		}
	}
	text := string(gen.Dataflow(300, 7))
	a := SVG(loadText(t, text))
	if b := SVG(loadText(t, text)); !bytes.Equal(a, b) {
		t.Fatal("a generated dataflow: two renderings differ")
	}
	parse(t, a)
}

func TestCycles(t *testing.T) {
	p := loadText(t, `source s(key)
sink k(key)
component A {
  in rec(key)
  in fb(key)
  out res(key)
  rec -> res : CR
  fb -> res : CW
}
component B {
  rec -> res : CR
}
component Self {
  in rec(key)
  out res(key)
  rec -> res : CW
}
stream s -> A.rec
stream A.res -> B.rec
stream B.res -> A.fb
stream B.res -> Self.rec
stream Self.res -> Self.rec
stream Self.res -> k
`)
	if len(p.Streams) != 6 {
		t.Fatalf("%d streams, want 6", len(p.Streams))
	}
	svg := SVG(p)
	root := parse(t, svg)
	edges := groups(root, "edge")
	for _, id := range []string{"A.res -> B.rec", "B.res -> A.fb", "Self.res -> Self.rec", "Self.res -> k"} {
		g := edges[id]
		if g == nil {
			t.Errorf("no edge %s", id)
			continue
		}
		d := g.child("path").attrs["d"]
		if !strings.HasPrefix(d, "M") || strings.Contains(d, "NaN") || strings.Contains(d, "Inf") {
			t.Errorf("edge %s: bad path %q", id, d)
		}
	}
	if len(groups(root, "node")) != 5 {
		t.Errorf("want 5 nodes")
	}
	// A cycle without any way in: the layout still terminates.
	p = loadText(t, "component X {\n  a -> b : CR\n}\ncomponent Y {\n  a -> b : CR\n}\nstream X.b -> Y.a\nstream Y.b -> X.a\n")
	if n := len(groups(parse(t, SVG(p)), "edge")); n != 2 {
		t.Errorf("a closed cycle: %d edges, want 2", n)
	}
}

func TestEmpty(t *testing.T) {
	for _, p := range []*analysis.Program{{}, loadText(t, "")} {
		root := parse(t, SVG(p))
		if len(groups(root, "node")) != 0 || len(groups(root, "edge")) != 0 {
			t.Error("an empty program has nodes or edges")
		}
		if root.attrs["viewBox"] == "" || strings.Contains(root.attrs["viewBox"], "NaN") {
			t.Errorf("bad viewBox %q", root.attrs["viewBox"])
		}
	}
}

func TestEscaping(t *testing.T) {
	// Names are identifiers, but a program built by hand may hold anything.
	src := &analysis.Iface{Name: `a<b>&"c'`, Dir: analysis.DirSource}
	snk := &analysis.Iface{Name: "z\x01]]>", Dir: analysis.DirSink}
	p := &analysis.Program{Sources: []*analysis.Iface{src}, Sinks: []*analysis.Iface{snk}}
	p.Streams = []*analysis.Stream{{From: src, To: snk}, {From: src, To: snk}}
	root := parse(t, SVG(p))
	nodes := groups(root, "node")
	if nodes[`a<b>&"c'`] == nil || nodes["z\uFFFD]]>"] == nil {
		t.Errorf("names not kept through escaping: %v", nodes)
	}
	if n := len(groups(root, "edge")); n != 2 {
		t.Errorf("two parallel streams: %d edges", n)
	}
}

func TestGolden(t *testing.T) {
	golden.Check(t, "testdata/golden/render_wordcount.svg", SVG(load(t, "testdata/paper/wordcount.blazes")))
	golden.Check(t, "testdata/golden/render_poor.svg", SVG(load(t, "testdata/paper/adtrack/poor.blazes")))
}

// cyclesText has a back edge, a self-loop, an ordered stream and a
// component with two inputs.
const cyclesText = `source s(key)
sink k(key)
component A {
  in rec(key)
  in fb(key)
  out res(key)
  rec -> res : CR
  fb -> res : CW
}
component B {
  rec -> res : CR
}
component Self {
  in rec(key)
  out res(key)
  rec -> res : CW
}
stream s -> A.rec
stream A.res -> B.rec
stream B.res -> A.fb
stream B.res -> Self.rec
stream Self.res -> Self.rec order
stream Self.res -> k
`

// programs are the dataflows the structural tests look at.
func programs(t *testing.T) map[string]*analysis.Program {
	return map[string]*analysis.Program{
		"poor":       load(t, "testdata/paper/adtrack/poor.blazes"),
		"thresh":     load(t, "testdata/paper/adtrack/thresh.blazes"),
		"wordcount":  load(t, "testdata/paper/wordcount.blazes"),
		"sealed":     load(t, "testdata/paper/wordcount_sealed.blazes"),
		"cycles":     loadText(t, cyclesText),
		"generated":  loadText(t, string(gen.Dataflow(200, 3))),
		"undeclared": undeclared(),
	}
}

// undeclared is a program built by hand whose streams meet a component
// that is not among its declarations: its interfaces still get ports.
func undeclared() *analysis.Program {
	x := &analysis.Component{Name: "X"}
	src := &analysis.Iface{Name: "s", Dir: analysis.DirSource, Label: analysis.LAsync}
	snk := &analysis.Iface{Name: "k", Dir: analysis.DirSink}
	a := &analysis.Iface{Comp: x, Name: "a", Dir: analysis.DirIn}
	b := &analysis.Iface{Comp: x, Name: "b", Dir: analysis.DirIn}
	o := &analysis.Iface{Comp: x, Name: "o", Dir: analysis.DirOut}
	return &analysis.Program{
		Sources: []*analysis.Iface{src},
		Sinks:   []*analysis.Iface{snk},
		Streams: []*analysis.Stream{{From: src, To: a, Label: analysis.LAsync}, {From: src, To: b, Rep: true}, {From: o, To: snk}, {From: o, To: a, Order: true}},
	}
}

// ends returns the first and the last point of a path's d.
func ends(t *testing.T, d string) (x0, y0, x1, y1 float64) {
	t.Helper()
	f := strings.FieldsFunc(d, func(r rune) bool { return r == ' ' || r == ',' || (r >= 'A' && r <= 'Z') })
	if len(f) < 4 || !strings.HasPrefix(d, "M") {
		t.Fatalf("bad path %q", d)
	}
	return atof(f[0]), atof(f[1]), atof(f[len(f)-2]), atof(f[len(f)-1])
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.051 }

// TestPorts checks that every interface of a component is a port on its
// side (inputs left, outputs right), and that every stream's edge starts
// at its producer's output port and ends at its consumer's input port.
func TestPorts(t *testing.T) {
	for name, p := range programs(t) {
		t.Run(name, func(t *testing.T) {
			root := parse(t, SVG(p))
			nodes, edges := groups(root, "node"), groups(root, "edge")
			// Ports by interface, and on which node.
			type at struct {
				x, y float64
				node string
			}
			ports := map[string]at{}
			for id, g := range nodes {
				for _, c := range g.find(func(e *elem) bool { return e.name == "circle" && e.attrs["class"] == "port" }) {
					ports[c.attrs["data-iface"]+"/"+c.attrs["data-dir"]] = at{atof(c.attrs["cx"]), atof(c.attrs["cy"]), id}
				}
			}
			for _, c := range p.Components {
				box := nodes[c.Name].child("rect")
				left := atof(box.attrs["x"])
				right := left + atof(box.attrs["width"])
				top := atof(box.attrs["y"])
				bottom := top + atof(box.attrs["height"])
				for _, side := range []struct {
					ifaces []*analysis.Iface
					x      float64
					dir    string
				}{{c.Inputs, left, "/in"}, {c.Outputs, right, "/out"}} {
					for _, i := range side.ifaces {
						pt, ok := ports[i.FullName()+side.dir]
						if !ok || pt.node != c.Name {
							t.Errorf("%s: no port on %s", i.FullName(), c.Name)
							continue
						}
						if !near(pt.x, side.x) || pt.y <= top || pt.y >= bottom {
							t.Errorf("%s: port at %v,%v, not on the side x=%v between y %v and %v", i.FullName(), pt.x, pt.y, side.x, top, bottom)
						}
					}
				}
			}
			seen := map[string]int{}
			for _, s := range p.Streams {
				id := s.Name()
				if k := seen[id]; k > 0 {
					id += " #" + strconv.Itoa(k+1)
				}
				seen[s.Name()]++
				g := edges[id]
				if g == nil {
					t.Errorf("no edge %s", id)
					continue
				}
				x0, y0, x1, y1 := ends(t, g.child("path").attrs["d"])
				from, ok1 := ports[s.From.FullName()+"/out"]
				to, ok2 := ports[s.To.FullName()+"/in"]
				if !ok1 || !ok2 {
					t.Errorf("%s: no port for an end (%v %v)", id, ok1, ok2)
					continue
				}
				if !near(x0, from.x) || !near(y0, from.y) {
					t.Errorf("%s starts at %v,%v, not at the port of %s (%v,%v)", id, x0, y0, s.From.FullName(), from.x, from.y)
				}
				if !near(x1, to.x) || !near(y1, to.y) {
					t.Errorf("%s ends at %v,%v, not at the port of %s (%v,%v)", id, x1, y1, s.To.FullName(), to.x, to.y)
				}
			}
		})
	}
}

// TestFindingMarks checks that the paths marked are exactly those that
// hold findings, in the worst finding's severity colour, with the codes,
// and drawn from the path's input port's row to its output port's.
func TestFindingMarks(t *testing.T) {
	total := 0
	for name, p := range programs(t) {
		t.Run(name, func(t *testing.T) {
			root := parse(t, SVG(p))
			type want struct {
				sev   analysis.Severity
				codes []string
			}
			wants := map[string]*want{}
			for _, d := range p.Diagnostics {
				if d.Component == "" || d.Path == "" {
					continue
				}
				k := d.Component + ": " + d.Path
				w := wants[k]
				if w == nil {
					w = &want{sev: d.Severity}
					wants[k] = w
				}
				w.sev = min(w.sev, d.Severity)
				w.codes = append(w.codes, d.Code)
			}
			got := map[string]bool{}
			for id, g := range groups(root, "node") {
				for _, f := range g.find(func(e *elem) bool { return e.name == "g" && e.attrs["class"] == "finding" }) {
					k := id + ": " + f.attrs["data-path"]
					got[k] = true
					w := wants[k]
					if w == nil {
						t.Errorf("%s is marked but holds no finding", k)
						continue
					}
					total++
					path := f.child("path")
					if path == nil || path.attrs["stroke"] != severityColor(w.sev) || path.attrs["stroke-dasharray"] == "" {
						t.Errorf("%s: want a dashed path in %s (%s)", k, severityColor(w.sev), w.sev)
						continue
					}
					if f.attrs["data-mark"] != "finding-"+w.sev.String() {
						t.Errorf("%s: mark %q, want finding-%s", k, f.attrs["data-mark"], w.sev)
					}
					text := f.child("text")
					for _, c := range w.codes {
						if !strings.Contains(f.attrs["data-code"], c) || text == nil || !strings.Contains(text.text, c) {
							t.Errorf("%s: the mark lacks the code %s", k, c)
						}
					}
					// From the input's row to the output's.
					in, out, _ := strings.Cut(f.attrs["data-path"], " -> ")
					var iy, oy float64
					for _, c := range g.find(func(e *elem) bool { return e.name == "circle" && e.attrs["class"] == "port" }) {
						switch c.attrs["data-iface"] + "/" + c.attrs["data-dir"] {
						case id + "." + in + "/in":
							iy = atof(c.attrs["cy"])
						case id + "." + out + "/out":
							oy = atof(c.attrs["cy"])
						}
					}
					_, y0, _, y1 := ends(t, path.attrs["d"])
					if iy == 0 || oy == 0 || !near(y0, iy) || !near(y1, oy) {
						t.Errorf("%s: the mark runs from y %v to %v, the ports are at %v and %v", k, y0, y1, iy, oy)
					}
				}
			}
			for k := range wants {
				if !got[k] {
					t.Errorf("%s holds a finding but is not marked", k)
				}
			}
		})
	}
	if total < 3 {
		t.Errorf("only %d marks over the paper's examples", total)
	}
}

// TestLegend checks that the legend has an entry for every mark the
// drawing uses: every colour of the label palette, the node kinds,
// ports, replicated components, rep and order, and each finding severity.
func TestLegend(t *testing.T) {
	palette := map[string]bool{}
	for _, k := range []analysis.Label{analysis.LNone, analysis.LAsync, analysis.LRun, analysis.LInst, analysis.LDiverge, {Kind: analysis.Seal}} {
		palette[analysis.LabelColor(k)] = true
	}
	for name, p := range programs(t) {
		t.Run(name, func(t *testing.T) {
			root := parse(t, SVG(p))
			var graph, legend *elem
			for _, g := range root.children {
				switch g.attrs["class"] {
				case "graph":
					graph = g
				case "legend":
					legend = g
				}
			}
			if graph == nil || legend == nil {
				t.Fatal("no graph or no legend")
			}
			entries := map[string]bool{}
			for _, e := range legend.find(func(e *elem) bool { return e.attrs["class"] == "legend-entry" }) {
				if tx := e.find(func(e *elem) bool { return e.name == "text" }); len(tx) == 0 || strings.TrimSpace(tx[len(tx)-1].text) == "" {
					t.Errorf("legend entry %s has no text", e.attrs["data-mark"])
				}
				entries[e.attrs["data-mark"]] = true
			}
			used := map[string]bool{}
			for _, e := range graph.find(func(*elem) bool { return true }) {
				for _, m := range strings.Fields(e.attrs["data-mark"]) {
					used[m] = true
				}
				for _, a := range []string{"fill", "stroke"} {
					if palette[e.attrs[a]] {
						used["label-"+e.attrs[a][1:]] = true
					}
				}
			}
			// What the program holds must show as marks.
			for _, s := range p.Streams {
				if s.Rep && !used["rep"] {
					t.Errorf("stream %s carries rep, no rep mark", s.Name())
				}
				if s.Order && !used["order"] {
					t.Errorf("stream %s carries order, no order mark", s.Name())
				}
			}
			for _, c := range p.Components {
				if c.Replicated && !used["replicated"] {
					t.Errorf("%s is replicated, no mark", c.Name)
				}
				if len(c.Inputs)+len(c.Outputs) > 0 && !used["port"] {
					t.Errorf("%s has interfaces, no port mark", c.Name)
				}
			}
			if len(p.Sources) > 0 && !used["source"] || len(p.Sinks) > 0 && !used["sink"] {
				t.Errorf("sources or sinks are not marked as such: %v", used)
			}
			for m := range used {
				if !entries[m] {
					t.Errorf("the drawing uses %q, the legend does not explain it", m)
				}
			}
		})
	}
}

func TestLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	p := loadText(t, string(gen.Dataflow(2000, 1)))
	root := parse(t, SVG(p))
	if got, want := len(groups(root, "edge")), len(p.Streams); got != want {
		t.Errorf("%d edges, want %d", got, want)
	}
}

func BenchmarkSVG(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		p := loadText(b, string(gen.Dataflow(n, 1)))
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for i := 0; i < b.N; i++ {
				size = len(SVG(p))
			}
			b.ReportMetric(float64(size), "bytes/svg")
		})
	}
}
