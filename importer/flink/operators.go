package flink

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/importer"
)

// op is what the importer decides about one operator.
type op struct {
	ann   grammar.AnnKind
	keyed bool // the gate holds the key of its HASH inputs
	keys  []string
	win   bool // the gate holds window(ts)
	clock bool // processing time: a clock source drives it
	doc   []string
}

var (
	groupBy  = regexp.MustCompile(`groupBy=\[([^\]]*)\]`)
	hashKeys = regexp.MustCompile(`^HASH\[([^\]]*)\]$`)
)

func fields(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, importer.Ident(f))
		}
	}
	return out
}

// keysOf is the key the operator's HASH inputs are partitioned by, when
// the plan prints it (SQL plans: "HASH[word]", "groupBy=[word]"); nil
// otherwise.
func keysOf(n *node) []string {
	for _, pr := range n.Predecessors {
		if m := hashKeys.FindStringSubmatch(pr.ShipStrategy); m != nil {
			if k := fields(m[1]); len(k) > 0 {
				return k
			}
		}
	}
	if m := groupBy.FindStringSubmatch(n.Contents + " " + n.Type); m != nil {
		return fields(m[1])
	}
	return nil
}

func hashed(n *node) bool {
	for _, pr := range n.Predecessors {
		if strings.HasPrefix(pr.ShipStrategy, "HASH") {
			return true
		}
	}
	return false
}

const todoUnknown = "TODO: decide what it does: CR if stateless, CW[k]/OW[k] for state kept per key k, OR/OW for reads/writes of shared state"

// classify decides an operator's annotation from its name.
func classify(n *node) op {
	l := label(n)
	name := opName(l)
	switch {
	case l == "Map" || l == "Flat Map" || l == "Filter" || l == "Co-Map" || l == "Co-Flat Map" || l == "Partition" || name == "Calc":
		return op{ann: grammar.CR, doc: []string{name + ": stateless, order does not matter"}}
	case isAssigner(n):
		return op{ann: grammar.CR, doc: []string{name + ": assigns timestamps and emits watermarks; the streams after it carry watermark(" + tsAttr + ")",
			"TODO: `" + tsAttr + "` stands for the event-time attribute it extracts: name it"}}
	case l == "Keyed Aggregation" || l == "Keyed Reduce":
		return op{ann: grammar.OW, keyed: true, doc: []string{
			l + ": keyed state, a rolling result emitted on every record",
			"TODO: write CW[key] if the emitted values do not depend on order (sum, count); OW (min, max, a reduce) is the safe choice",
		}}
	case name == "GroupAggregate" || name == "GlobalGroupAggregate":
		return op{ann: grammar.OW, keyed: true, doc: []string{
			name + ": keyed state (SQL GROUP BY), updated on every record",
			"TODO: write CW[...] if the aggregates do not depend on order (COUNT, SUM of non-negative values)",
		}}
	case name == "Window" || name == "TriggerWindow":
		return window(n, l)
	case name == "Interval Join" || strings.Contains(l, "IntervalJoin"):
		return op{ann: grammar.OW, keyed: true, doc: []string{name + ": an interval join, both sides write keyed state"}}
	case name == "KeyedProcess" || name == "Co-Keyed-Process" || name == "KeyedCoProcess":
		return op{ann: grammar.OW, doc: []string{
			name + ": a keyed process function, the program's own code over keyed state",
			"TODO: decide what it does: OW[key] (or OW[key, window(ts)] for event-time timers) for keyed state, CR if stateless",
		}}
	case strings.Contains(name, "Broadcast"):
		return op{ann: grammar.OW, doc: []string{
			name + ": reads broadcast state; every instance receives the broadcast side (no equivalent: see docs/modelling.md, broadcast state)",
			todoUnknown,
		}}
	}
	return op{ann: grammar.OW, doc: []string{
		cut(name) + ": an operator the importer does not know (the program's own code?), written order-sensitive with the empty gate",
		todoUnknown,
	}}
}

func window(n *node, l string) op {
	inner := l[strings.IndexByte(l, '(')+1:]
	assigner := opName(inner)
	if i := strings.IndexByte(assigner, ','); i >= 0 {
		assigner = assigner[:i]
	}
	var trigger string
	if args := splitTop(strings.TrimSuffix(inner, ")")); len(args) > 1 {
		trigger = opName(args[1])
	}
	o := op{ann: grammar.OW, keyed: hashed(n)}
	switch {
	case strings.Contains(assigner, "EventTime"):
		o.win = true
		o.doc = []string{"an event-time window (" + assigner + "): order matters within a key and a window of ts"}
	case strings.Contains(assigner, "ProcessingTime"):
		o.clock = true
		o.doc = []string{"a processing-time window (" + assigner + "): it fires on the machine's clock, not on the data, so it is order-sensitive and reads a clock source"}
	case assigner == "GlobalWindows":
		o.doc = []string{"a window over GlobalWindows (a count window or a custom trigger): which records share a window depends on arrival order"}
	default:
		o.doc = []string{"a window of " + cut(assigner) + ", which the importer does not know", "TODO: add window(" + tsAttr + ") to the gate if it is an event-time window"}
	}
	if strings.Contains(trigger, "Continuous") || (o.win && strings.Contains(trigger, "ProcessingTime")) {
		o.doc = append(o.doc, "TODO: the trigger "+trigger+" fires before the window closes: model its firings as a clock source (docs/modelling.md, early results)")
	}
	if strings.Contains(l, "CoGroupWindowFunction") || strings.Contains(l, "JoinedStreams") {
		o.doc = append(o.doc, "a windowed join (coGroup/join): both sides write the window's state")
	}
	if !o.keyed {
		o.doc = append(o.doc, "no HASH input: a windowAll, one instance for all keys")
	}
	return o
}

// splitTop splits s at the commas outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

func (b *builder) inputName(n *node, i int) string {
	if len(n.Predecessors) == 1 {
		return "input"
	}
	return fmt.Sprintf("input%d", i+1)
}

func (b *builder) component(n *node) {
	o := classify(n)
	c := importer.Component{Name: b.decl[n.id], Doc: b.describe(n)}
	keys := keysOf(n)
	var gate []importer.GateTerm
	if o.keyed && o.ann != grammar.CR {
		if keys == nil {
			keys = []string{keyAttr}
			o.doc = append(o.doc, "TODO: `"+keyAttr+"` stands for the keyBy key, which the plan does not print: name it")
		}
		for _, k := range keys {
			gate = append(gate, importer.GateTerm{Attr: k})
		}
	}
	if o.win {
		ts := b.inputWatermark(n)
		if ts == "" {
			ts = tsAttr
			o.doc = append(o.doc, "TODO: no Timestamps/Watermarks assigner precedes this event-time window: if the source emits watermarks (fromSource with a WatermarkStrategy), write watermark("+tsAttr+") on the streams into it")
		}
		gate = append(gate, importer.GateTerm{Attr: ts, Window: true})
	}
	o.keys = keys
	b.ops[n.id] = o
	for i := range n.Predecessors {
		c.Inputs = append(c.Inputs, importer.Iface{Name: b.inputName(n, i)})
	}
	c.Outputs = []importer.Iface{{Name: "output"}}
	for _, in := range c.Inputs {
		c.Paths = append(c.Paths, importer.Path{From: in.Name, To: "output", Ann: o.ann, Gate: gate,
			Brackets: o.ann == grammar.OR || o.ann == grammar.OW || len(gate) > 0, Doc: o.doc})
	}
	if o.clock {
		if b.clock == "" {
			b.clock = b.names.Unique("clock")
			b.m.Sources = append(b.m.Sources, importer.Source{Name: b.clock, Doc: []string{
				"processing time: the clock of the machines that run the job (docs/modelling.md, processing time)",
			}})
		}
		c.Inputs = append(c.Inputs, importer.Iface{Name: "clock"})
		c.Paths = append(c.Paths, importer.Path{From: "clock", To: "output", Ann: grammar.OW, Brackets: true,
			Doc: []string{"the window fires and is cleared on the clock: a write, order-sensitive against every record"}})
	}
	b.m.Components = append(b.m.Components, c)
}

// inputWatermark is the attribute every input of n is watermarked on, or "".
func (b *builder) inputWatermark(n *node) string {
	t := ""
	for i, pr := range n.Predecessors {
		u := b.wm[*pr.ID]
		if u == "" || (i > 0 && u != t) {
			return ""
		}
		t = u
	}
	return t
}

// streams writes the streams into n, one per predecessor link.
func (b *builder) streams(n *node) {
	if n.Pact == "Data Source" {
		return
	}
	var toOp *op
	if o, ok := b.ops[n.id]; ok {
		toOp = &o
	}
	broadcast := false
	for _, pr := range n.Predecessors {
		broadcast = broadcast || pr.ShipStrategy == "BROADCAST"
	}
	for i, pr := range n.Predecessors {
		from := b.p.byID[*pr.ID]
		s := importer.Stream{From: b.endpoint(from, false), To: importer.Endpoint{Iface: b.decl[n.id]}}
		if toOp != nil {
			s.To = importer.Endpoint{Comp: b.decl[n.id], Iface: b.inputName(n, i)}
		}
		if t := b.wm[from.id]; t != "" && toOp != nil {
			s.Attrs = append(s.Attrs, importer.Attr{Kind: grammar.AttrWatermark, Keys: []string{t}})
		}
		strategy := pr.ShipStrategy
		switch {
		case broadcast && toOp != nil && strategy != "BROADCAST" && strategy != "FORWARD" && strategy != "":
			s.Doc = append(s.Doc, strategy+" ignored: a BROADCAST input gives every instance the whole broadcast state, so the consumer is written as one instance (docs/modelling.md, broadcast)")
		case strategy == "FORWARD" || strategy == "":
		case strings.HasPrefix(strategy, "HASH"):
			if toOp == nil {
				s.Doc = append(s.Doc, "HASH into the sink: a sink runs no instances in the model, so no partition")
				break
			}
			keys := toOp.keys
			if keys == nil {
				if m := hashKeys.FindStringSubmatch(strategy); m != nil {
					keys = fields(m[1])
				}
			}
			if len(keys) == 0 {
				keys = []string{keyAttr}
				s.Doc = append(s.Doc, "TODO: `"+keyAttr+"` stands for the keyBy key, which the plan does not print: name it")
			}
			s.Attrs = append(s.Attrs, importer.Attr{Kind: grammar.AttrPartition, Keys: keys})
		case strategy == "REBALANCE" || strategy == "RESCALE" || strategy == "SHUFFLE":
			if toOp == nil {
				s.Doc = append(s.Doc, strategy+" into the sink: a sink runs no instances in the model, so no shuffle")
				break
			}
			s.Attrs = append(s.Attrs, importer.Attr{Kind: grammar.AttrShuffle})
		case strategy == "GLOBAL":
			s.Doc = append(s.Doc, "GLOBAL: every record goes to one instance")
		case strategy == "BROADCAST":
			s.Doc = append(s.Doc, "BROADCAST: every instance receives every record; the language has no equivalent, so the consumer is written as one instance (docs/modelling.md, broadcast)")
		case strategy == "CUSTOM":
			s.Doc = append(s.Doc, "CUSTOM partitioner: no equivalent", "TODO: write partition(k) if it routes records by a key k, shuffle if at random")
		default:
			s.Doc = append(s.Doc, "ship strategy "+cut(strategy)+": unknown to the importer, no routing written")
			b.warns = append(b.warns, importer.Warning{File: b.file, Line: n.line, Msg: fmt.Sprintf("node %d: unknown ship strategy %q, no routing written", n.id, cut(strategy))})
		}
		b.m.Streams = append(b.m.Streams, s)
	}
	if toOp != nil && toOp.clock {
		b.m.Streams = append(b.m.Streams, importer.Stream{From: importer.Endpoint{Iface: b.clock},
			To: importer.Endpoint{Comp: b.decl[n.id], Iface: "clock"}})
	}
}

func (b *builder) endpoint(n *node, _ bool) importer.Endpoint {
	if n.Pact == "Data Source" {
		return importer.Endpoint{Iface: b.decl[n.id]}
	}
	return importer.Endpoint{Comp: b.decl[n.id], Iface: "output"}
}
