package flink

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blazes-dev/blazes/importer"
)

// The placeholder attributes: a DataStream plan prints neither keys nor
// timestamps.
const (
	keyAttr = "key"
	tsAttr  = "ts"
)

// Import reads a Flink execution plan and returns its Model. name is the
// input's file name, used in messages and for the dataflow's name.
//
// Data sources become sources, data sinks sinks, every operator a
// component; each predecessor link becomes a stream whose routing comes
// from its ship strategy. Timestamp/watermark assigners put watermark(ts)
// on the streams after them; event-time windows get window(ts) in their
// gate; processing-time windows read a clock source. Operators the
// importer does not know are written order-sensitive with the empty gate
// and a "TODO:" comment.
func Import(name string, data []byte, opts importer.Options) (*importer.Model, []importer.Warning, error) {
	name, err := importer.Input(name, data)
	if err != nil {
		return nil, nil, err
	}
	p, err := parse(name, data)
	if err != nil {
		return nil, nil, err
	}
	b := &builder{file: name, p: p, names: importer.Names{}, decl: map[int64]string{},
		ops: map[int64]op{}, wm: map[int64]string{}}
	b.build()
	return b.m, b.warns, nil
}

type builder struct {
	file  string
	p     *plan
	m     *importer.Model
	warns []importer.Warning
	names importer.Names
	decl  map[int64]string // node id -> its source, sink or component name
	ops   map[int64]op
	wm    map[int64]string // node id -> the attribute its output is watermarked on
	clock string           // the clock source's name, once declared
}

// sqlID is the operator number the Table planner adds to names
// ("Calc[3]", "[3]:Calc(select=...)").
var sqlID = regexp.MustCompile(`^\[[0-9]+\]:|\[[0-9]+\]$`)

// label is a node's name as the plan prints it, with its arguments when
// only the contents show them ("Calc(select=[word])" for the type
// "Calc[3]" and the contents "[3]:Calc(select=[word])").
func label(n *node) string {
	t := sqlID.ReplaceAllString(n.Type, "")
	c := sqlID.ReplaceAllString(n.Contents, "")
	if t == "" {
		return c
	}
	if !strings.Contains(t, "(") && strings.HasPrefix(c, t+"(") {
		return c
	}
	return t
}

func (b *builder) describe(n *node) []string {
	par := ""
	if n.Parallelism != nil {
		par = fmt.Sprintf(", parallelism %d", *n.Parallelism)
	}
	name := n.Type
	if name == "" {
		name = n.Contents
	}
	doc := []string{fmt.Sprintf("Flink node %d (%s%s): %s", n.id, n.Pact, par, cut(name))}
	if n.Contents != "" && n.Contents != n.Type {
		doc = append(doc, "contents: "+cut(n.Contents))
	}
	return doc
}

func (b *builder) build() {
	b.m = &importer.Model{Name: importer.DataflowName(b.file), Doc: []string{
		"Imported from " + filepath.Base(b.file) + " (a Flink execution plan) by blazes import.",
		"Data sources are sources, data sinks sinks, every operator a component; ship",
		"strategies are routing (HASH: partition, REBALANCE/RESCALE/SHUFFLE: shuffle).",
		"The plan prints no keys and no timestamps: `key` and `ts` stand for them.",
		"Every TODO marks a decision the plan does not show.",
	}}
	b.names[b.m.Name] = true
	for _, n := range b.p.nodes {
		switch n.Pact {
		case "Data Source":
			src := importer.Source{Name: b.names.Unique(strings.TrimPrefix(label(n), "Source: ")), Doc: b.describe(n)}
			b.decl[n.id] = src.Name
			b.m.Sources = append(b.m.Sources, src)
		case "Data Sink":
			snk := importer.Sink{Name: b.names.Unique(strings.TrimPrefix(label(n), "Sink: ")), Doc: b.describe(n)}
			b.decl[n.id] = snk.Name
			b.m.Sinks = append(b.m.Sinks, snk)
		default:
			b.decl[n.id] = b.names.Unique(opName(label(n)) + fmt.Sprintf("_%d", n.id))
		}
	}
	for _, n := range b.p.nodes {
		b.watermark(n)
	}
	for _, n := range b.p.nodes {
		if n.Pact == "Operator" {
			b.component(n)
		}
	}
	for _, n := range b.p.nodes {
		b.streams(n)
	}
}

// opName is the operator's name without its arguments: "Window" for
// "Window(TumblingEventTimeWindows(5000), ...)".
func opName(s string) string {
	if i := strings.IndexByte(s, '('); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

var rowtime = regexp.MustCompile(`rowtime=\[([A-Za-z_][A-Za-z0-9_]*)\]`)

// watermark computes, for every node, the attribute its output is
// watermarked on ("" for none): an assigner's output is; an operator's
// is when all its inputs are (Flink forwards the smallest watermark).
func (b *builder) watermark(n *node) string {
	if t, ok := b.wm[n.id]; ok {
		return t
	}
	b.wm[n.id] = "" // the plan is acyclic; this only guards the recursion
	t := ""
	switch {
	case n.Pact == "Data Source":
	case isAssigner(n):
		t = tsAttr
		if m := rowtime.FindStringSubmatch(n.Contents + " " + n.Type); m != nil {
			t = m[1]
		}
	default:
		for i, pr := range n.Predecessors {
			u := b.watermark(b.p.byID[*pr.ID])
			if u == "" || (i > 0 && u != t) {
				t = ""
				break
			}
			t = u
		}
	}
	b.wm[n.id] = t
	return t
}

func isAssigner(n *node) bool {
	l := label(n)
	return l == "Timestamps/Watermarks" || strings.HasPrefix(l, "WatermarkAssigner(")
}
