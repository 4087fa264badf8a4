package kafkastreams

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/importer"
)

// Import reads a TopologyDescription text (what Topology.describe()
// prints) and returns its Model. name is the input's file name, used in
// messages and for the dataflow's name.
//
// Each processor becomes a component, except that processors sharing a
// state store become one component (a join reads the store its table
// side writes). Topics read from outside become sources, topics written
// out become sinks, and a topic the topology both writes and reads (a
// repartition or changelog topic between sub-topologies) becomes a stream
// from the writing processor to the reading one. What the description
// does not say (keys, timestamps, what a processor the program named
// does) is written conservatively with a "TODO:" comment.
func Import(name string, data []byte, opts importer.Options) (*importer.Model, []importer.Warning, error) {
	name, err := importer.Input(name, data)
	if err != nil {
		return nil, nil, err
	}
	d, err := parse(name, data)
	if err != nil {
		return nil, nil, err
	}
	b := &builder{file: name, d: d, names: importer.Names{}, comp: map[string]*group{},
		sources: map[string]int{}, sinks: map[string]int{}, streamIdx: map[[2]importer.Endpoint]int{}}
	b.build()
	if b.err != nil {
		return nil, nil, b.err
	}
	b.dropIdleKeyTodos()
	return b.m, b.warns, nil
}

// keyTodo is the TODO of a source whose streams carry partition(key).
const keyTodo = "TODO: the streams out of it carry partition(key), one task per partition: name the topic's key, or write shuffle if its records have no key"

// dropIdleKeyTodos removes keyTodo from the sources none of whose streams
// carries partition (a topic read straight into a sink, say): a TODO must
// name a decision the model actually holds.
func (b *builder) dropIdleKeyTodos() {
	routed := map[string]bool{}
	for _, st := range b.m.Streams {
		for _, a := range st.Attrs {
			if a.Kind == grammar.AttrPartition && st.From.Comp == "" {
				routed[st.From.Iface] = true
			}
		}
	}
	for i := range b.m.Sources {
		src := &b.m.Sources[i]
		if routed[src.Name] {
			continue
		}
		src.Doc = slices.DeleteFunc(src.Doc, func(l string) bool { return l == keyTodo })
	}
}

type group struct {
	members []*node
	info    map[*node]info
	comp    int // index in Model.Components
	in      map[*node]string
	out     map[*node]string
	// suppressed: a suppress follows this group's output, so its windows
	// are final when emitted: its inputs carry watermark(ts).
	suppressed bool
	whole      *decision // the combined annotation of a big group
}

type builder struct {
	file      string
	d         *description
	m         *importer.Model
	warns     []importer.Warning
	names     importer.Names
	comp      map[string]*group // processor name -> its group
	groups    []*group
	sources   map[string]int // topic or pattern node -> index in Model.Sources
	sinks     map[string]int // topic or extractor node -> index in Model.Sinks
	writers   map[string][]*node
	readers   map[string][]*node
	streamIdx map[[2]importer.Endpoint]int
	// logs: for each stream index, the topic whose order it carries.
	logs map[int]string
	err  error
}

func (b *builder) build() {
	b.m = &importer.Model{Name: importer.DataflowName(b.file), Doc: []string{
		"Imported from " + filepath.Base(b.file) + " (a Kafka Streams topology description) by blazes import.",
		"One component per processor (processors sharing a state store are one component);",
		"a source per input topic, a sink per output topic; a topic the topology writes",
		"and reads again (repartition, changelog) is a stream partition(key) order(key).",
		"Streams into processors carry partition(key): each runs as one task per partition",
		"of its sub-topology's input topics (a global store's processors: one instance).",
		"The description prints no keys and no timestamps: `key` and `ts` stand for them.",
		"Every TODO marks a decision the description does not show.",
	}}
	b.names[b.m.Name] = true
	b.logs = map[int]string{}
	b.writers, b.readers = map[string][]*node{}, map[string][]*node{}
	for _, nd := range b.d.nodes {
		switch nd.kind {
		case kindSink:
			if nd.topic != "" {
				b.writers[nd.topic] = append(b.writers[nd.topic], nd)
			}
		case kindSource:
			for _, t := range nd.topics {
				b.readers[t] = append(b.readers[t], nd)
			}
		}
	}
	b.group()
	b.markSuppressed()
	for _, g := range b.groups {
		b.component(g)
	}
	for _, g := range b.groups {
		for _, p := range g.members {
			for _, x := range p.pred {
				if b.comp[x] == g {
					continue
				}
				b.connect(b.d.byName[x], b.consumerOf(g, p))
			}
		}
	}
	for _, nd := range b.d.nodes {
		if nd.kind != kindSink || (nd.topic != "" && len(b.readers[nd.topic]) > 0) {
			continue
		}
		to := b.sinkFor(nd)
		for _, x := range nd.pred {
			b.connect(b.d.byName[x], to)
		}
	}
	b.oneLogPerComponent()
	shortenDocs(b.m)
}

// maxDoc bounds a comment line: names from the input may be of any length.
const maxDoc = 240

// shortenDocs cuts every comment line of m to maxDoc bytes.
func shortenDocs(m *importer.Model) {
	cut := func(doc []string) {
		for i, l := range doc {
			if len(l) > maxDoc {
				doc[i] = l[:maxDoc] + "..."
			}
		}
	}
	cut(m.Doc)
	for i := range m.Sources {
		cut(m.Sources[i].Doc)
	}
	for i := range m.Sinks {
		cut(m.Sinks[i].Doc)
	}
	for i := range m.Components {
		cut(m.Components[i].Doc)
		for j := range m.Components[i].Paths {
			cut(m.Components[i].Paths[j].Doc)
		}
	}
	for i := range m.Streams {
		cut(m.Streams[i].Doc)
	}
}

// group unites processors that share a store.
func (b *builder) group() {
	parent := map[*node]*node{}
	var find func(*node) *node
	find = func(n *node) *node {
		for parent[n] != n {
			parent[n] = parent[parent[n]]
			n = parent[n]
		}
		return n
	}
	union := func(a, c *node) {
		ra, rc := find(a), find(c)
		if ra != rc {
			parent[rc] = ra
		}
	}
	byStore := map[string]*node{}
	var procs []*node
	for _, nd := range b.d.nodes {
		if nd.kind == kindProcessor {
			procs = append(procs, nd)
			parent[nd] = nd
		}
	}
	for _, nd := range procs {
		for _, s := range nd.stores {
			if o, ok := byStore[s]; ok {
				union(o, nd)
				continue
			}
			byStore[s] = nd
		}
	}
	// The parts of a windowed stream-stream join: each side's WINDOWED
	// node writes a window store and forwards to the JOINTHIS/JOINOTHER
	// node that probes the other side's store: one state, one component.
	for _, nd := range procs {
		if classify(nd).role != roleWindowJoin {
			continue
		}
		for _, x := range nd.succ {
			if q := b.d.byName[x]; q.kind == kindProcessor && classify(q).role == roleWindowJoin {
				union(nd, q)
			}
		}
	}
	byRoot := map[*node]*group{}
	for _, nd := range procs {
		r := find(nd)
		g := byRoot[r]
		if g == nil {
			g = &group{info: map[*node]info{}, in: map[*node]string{}, out: map[*node]string{}}
			byRoot[r] = g
			b.groups = append(b.groups, g)
		}
		g.members = append(g.members, nd)
		g.info[nd] = classify(nd)
		b.comp[nd.name] = g
	}
}

// markSuppressed finds the groups a suppress reads from: their windows are
// closed by stream time, so they are windowed and watermarked.
func (b *builder) markSuppressed() {
	for _, g := range b.groups {
		for _, p := range g.members {
			if g.info[p].role != roleSuppress {
				continue
			}
			for _, x := range p.pred {
				up := b.comp[x]
				if up == nil || up == g {
					continue
				}
				up.suppressed = true
				for _, q := range up.members {
					in := up.info[q]
					if in.role == roleAggregate {
						in.windowed = true
						up.info[q] = in
					}
				}
			}
		}
	}
}

// short names a member's interface in a component of several processors.
func short(nd *node) string {
	if m := generated.FindStringSubmatch(nd.name); m != nil {
		kind := m[1][strings.Index(m[1], "-")+1:]
		num := strings.TrimLeft(nd.name[len(m[1])+1:], "0")
		if num == "" {
			num = "0"
		}
		return importer.Ident(strings.ToLower(kind) + "_" + num)
	}
	return importer.Ident(nd.name)
}

func (b *builder) component(g *group) {
	rep := g.members[0]
	for _, p := range g.members {
		if r := g.info[p].role; r == roleLookup || r == roleAggregate || r == roleWindowJoin || r == roleTableJoin {
			rep = p
			break
		}
	}
	c := importer.Component{Name: b.names.Unique(rep.name)}
	if len(g.members) > 1 {
		var stores []string
		seen := map[string]bool{}
		for _, p := range g.members {
			for _, s := range p.stores {
				if !seen[s] {
					seen[s] = true
					stores = append(stores, s)
				}
			}
		}
		c.Doc = append(c.Doc, fmt.Sprintf("Kafka Streams processors sharing the stores [%s], one component:", strings.Join(stores, ", ")))
	}
	for _, p := range g.members {
		line := fmt.Sprintf("Processor: %s (sub-topology %s, stores: [%s])", p.name, p.sub, strings.Join(p.stores, ", "))
		if len(g.members) == 1 {
			line = "Kafka Streams " + line
		}
		c.Doc = append(c.Doc, line)
		if p.global {
			c.Doc = append(c.Doc, "a global store: every instance holds the whole table, modelled as one instance (no routing)")
		}
	}
	single := len(g.members) == 1
	inNames, outNames := map[string]bool{}, map[string]bool{}
	name := func(p *node, dflt string, used map[string]bool) string {
		n := dflt
		if !single {
			n = short(p)
		}
		id := n
		for i := 2; used[id]; i++ {
			id = fmt.Sprintf("%s_%d", n, i)
		}
		used[id] = true
		return id
	}
	// A member linked to a processor of another group gets an interface.
	outside := func(names []string) bool {
		return slices.ContainsFunc(names, func(x string) bool { return b.comp[x] != g })
	}
	for _, p := range g.members {
		if outside(p.pred) {
			g.in[p] = name(p, "input", inNames)
			c.Inputs = append(c.Inputs, importer.Iface{Name: g.in[p]})
		}
	}
	for _, p := range g.members {
		if outside(p.succ) {
			g.out[p] = name(p, "output", outNames)
			c.Outputs = append(c.Outputs, importer.Iface{Name: g.out[p]})
		}
	}
	outs := c.Outputs
	if len(outs) == 0 {
		// Nothing leaves but the store (interactive queries): one output
		// so that the component's paths can be written.
		outs = []importer.Iface{{Name: "output"}}
		c.Outputs = outs
		c.Doc = append(c.Doc, "forwards to no processor (--> none): its output stands for its store")
	}
	for _, p := range g.members {
		in, ok := g.in[p]
		if !ok {
			continue
		}
		d := b.decideFrom(g, p)
		for _, o := range outs {
			c.Paths = append(c.Paths, importer.Path{From: in, To: o.Name, Ann: d.ann, Gate: d.gate,
				Brackets: len(d.gate) > 0 || d.ann == grammar.OR || d.ann == grammar.OW, Doc: d.doc})
		}
	}
	g.comp = len(b.m.Components)
	b.m.Components = append(b.m.Components, c)
}

// bigGroup is the size above which a component's paths are all given the
// combined annotation of every member, instead of the members each input
// reaches (quadratic work on a hostile input; never fewer constraints).
const bigGroup = 200

// decideFrom is the annotation of the paths from p's input: the
// processors it reaches inside the component, combined.
func (b *builder) decideFrom(g *group, p *node) decision {
	members := g.members
	if len(g.members) <= bigGroup {
		members = b.reach(g, p)
	} else if g.whole != nil {
		return *g.whole
	}
	seen := map[info]bool{}
	var ds []decision
	for _, q := range members {
		if in := g.info[q]; !seen[in] {
			seen[in] = true
			ds = append(ds, in.decide())
		}
	}
	d := combine(ds)
	if len(g.members) > bigGroup {
		g.whole = &d
	}
	return d
}

// reach lists p and the members of g reachable from it inside g.
func (b *builder) reach(g *group, p *node) []*node {
	seen := map[*node]bool{p: true}
	out := []*node{p}
	for i := 0; i < len(out); i++ {
		for _, x := range out[i].succ {
			q := b.d.byName[x]
			if b.comp[x] == g && !seen[q] {
				seen[q] = true
				out = append(out, q)
			}
		}
	}
	return out
}

// consumer is where a stream ends.
type consumer struct {
	ep        importer.Endpoint
	sink      bool
	global    bool // a processor of a global-store sub-topology
	upsert    bool // a table: its input topic is its changelog
	watermark bool
}

func (b *builder) consumerOf(g *group, p *node) consumer {
	// A component holding a global store is written as one instance
	// (every instance of the application holds the whole table): no
	// routing on any of its inputs.
	global := false
	for _, q := range g.members {
		global = global || q.global
	}
	return consumer{
		ep:        importer.Endpoint{Comp: b.m.Components[g.comp].Name, Iface: g.in[p]},
		global:    global,
		upsert:    g.info[p].role == roleUpsert,
		watermark: g.suppressed,
	}
}

func (b *builder) sinkFor(nd *node) consumer {
	key := "topic " + nd.topic
	if nd.topic == "" {
		key = "node " + nd.name
	}
	i, ok := b.sinks[key]
	if !ok {
		s := importer.Sink{}
		if nd.topic != "" {
			s.Name = b.names.Unique(nd.topic)
			s.Doc = []string{fmt.Sprintf("topic %s (Sink: %s, sub-topology %s)", nd.topic, nd.name, nd.sub)}
		} else {
			s.Name = b.names.Unique(nd.name)
			s.Doc = []string{fmt.Sprintf("Sink: %s (sub-topology %s) chooses the topic of each record with %s", nd.name, nd.sub, nd.extractor)}
			b.warns = append(b.warns, importer.Warning{File: b.file, Line: nd.line, Msg: fmt.Sprintf("sink %q chooses its topic per record (extractor class %s): one sink named after the node", nd.name, nd.extractor)})
		}
		i = len(b.m.Sinks)
		b.sinks[key] = i
		b.m.Sinks = append(b.m.Sinks, s)
	}
	return consumer{ep: importer.Endpoint{Iface: b.m.Sinks[i].Name}, sink: true}
}

// producer is where a stream starts, and how it got there.
type producer struct {
	ep       importer.Endpoint
	via      string // the topic, "" for a forward inside a sub-topology
	internal bool   // a topic the topology writes and reads
	doc      []string
	suppress bool // the producer is a suppress: its output is final per window
}

// producers resolves a node feeding a consumer to the components or
// sources that really produce its records: a processor is its
// component's output; a source node is its topics, and a topic the
// topology writes is the processors that write it.
func (b *builder) producers(x *node, seen map[*node]bool) []producer {
	switch x.kind {
	case kindProcessor:
		g := b.comp[x.name]
		return []producer{{ep: importer.Endpoint{Comp: b.m.Components[g.comp].Name, Iface: g.out[x]}, suppress: g.info[x].role == roleSuppress}}
	case kindSource:
		if seen[x] {
			return nil
		}
		seen[x] = true
		if x.pattern != "" {
			return []producer{{ep: importer.Endpoint{Iface: b.sourceFor("pattern "+x.name, x, "")}, via: x.pattern}}
		}
		var out []producer
		for _, t := range x.topics {
			if ws := b.writers[t]; len(ws) > 0 {
				var inner []producer
				for _, w := range ws {
					for _, y := range w.pred {
						inner = append(inner, b.producers(b.d.byName[y], seen)...)
					}
				}
				if len(inner) > 0 {
					for _, p := range inner {
						p.via, p.internal = t, true
						p.doc = []string{fmt.Sprintf("through topic %s, which the topology writes (Sink: %s) and reads (Source: %s)", t, ws[0].name, x.name),
							"TODO: name the key this topic is partitioned by (`key` stands for it)"}
						out = append(out, p)
					}
					continue
				}
			}
			out = append(out, producer{ep: importer.Endpoint{Iface: b.sourceFor("topic "+t, x, t)}, via: t})
		}
		return out
	}
	return nil
}

func (b *builder) sourceFor(key string, x *node, topic string) string {
	i, ok := b.sources[key]
	if !ok {
		s := importer.Source{}
		if topic != "" {
			s.Name = b.names.Unique(topic)
			s.Doc = []string{fmt.Sprintf("topic %s (Source: %s, sub-topology %s)", topic, x.name, x.sub)}
		} else {
			s.Name = b.names.Unique(x.name)
			s.Doc = []string{fmt.Sprintf("the topics matching %s (Source: %s, sub-topology %s)", x.pattern, x.name, x.sub)}
		}
		if !x.global {
			s.Doc = append(s.Doc, keyTodo)
		}
		i = len(b.m.Sources)
		b.sources[key] = i
		b.m.Sources = append(b.m.Sources, s)
	}
	return b.m.Sources[i].Name
}

// connect writes the streams from every producer of x into to.
func (b *builder) connect(x *node, to consumer) {
	if b.err != nil {
		return
	}
	for _, pr := range b.producers(x, map[*node]bool{}) {
		var attrs []importer.Attr
		var doc []string
		if pr.suppress || (to.watermark && !to.sink) {
			attrs = append(attrs, importer.Attr{Kind: grammar.AttrWatermark, Keys: []string{tsAttr}})
			if pr.suppress {
				doc = append(doc, "the suppress emits each window's final result: watermark("+tsAttr+")")
			} else {
				doc = append(doc, "a suppress(untilWindowCloses) follows: the windows are closed by stream time, watermark("+tsAttr+")")
			}
		}
		ordered := false
		if !to.sink && !to.global {
			attrs = append(attrs, importer.Attr{Kind: grammar.AttrPartition, Keys: []string{keyAttr}})
			if pr.internal || (pr.via != "" && to.upsert) {
				attrs = append(attrs, importer.Attr{Kind: grammar.AttrOrder, Keys: []string{keyAttr}})
				ordered = true
			}
		}
		doc = append(doc, pr.doc...)
		if pr.via != "" && !pr.internal && to.upsert {
			doc = append(doc, "the table's topic is its changelog: one log per key, order(key)")
		}
		if to.global && !to.sink {
			doc = append(doc, "no routing: the component holds a global store, which every instance of the application holds whole (docs/modelling.md, broadcast)")
		}
		k := [2]importer.Endpoint{pr.ep, to.ep}
		if _, dup := b.streamIdx[k]; dup {
			continue
		}
		if len(b.m.Streams) >= maxStreams {
			if b.err == nil {
				b.err = &importer.Error{File: b.file, Msg: fmt.Sprintf("more than %d streams: topics written and read by that many processors are too many for one model", maxStreams)}
			}
			return
		}
		b.streamIdx[k] = len(b.m.Streams)
		if ordered {
			b.logs[len(b.m.Streams)] = pr.via
		}
		b.m.Streams = append(b.m.Streams, importer.Stream{From: pr.ep, To: to.ep, Attrs: attrs, Doc: doc})
	}
}

// oneLogPerComponent keeps order(key) from at most one topic into each
// component: two topics are two logs, and order(key) on both would claim
// one. A table's changelog is kept before a repartition topic.
func (b *builder) oneLogPerComponent() {
	byComp := map[string][]int{}
	for i := range b.m.Streams {
		if _, ok := b.logs[i]; ok {
			c := b.m.Streams[i].To.Comp
			byComp[c] = append(byComp[c], i)
		}
	}
	for _, idx := range byComp {
		topics := map[string]bool{}
		for _, i := range idx {
			topics[b.logs[i]] = true
		}
		if len(topics) < 2 {
			continue
		}
		keep := ""
		tables := map[string]bool{}
		for _, i := range idx {
			for _, l := range b.m.Streams[i].Doc {
				if strings.HasPrefix(l, "the table's topic is its changelog") {
					tables[b.logs[i]] = true
				}
			}
		}
		if len(tables) == 1 {
			for t := range tables {
				keep = t
			}
		}
		for _, i := range idx {
			if b.logs[i] == keep {
				continue
			}
			s := &b.m.Streams[i]
			var attrs []importer.Attr
			for _, a := range s.Attrs {
				if a.Kind != grammar.AttrOrder {
					attrs = append(attrs, a)
				}
			}
			s.Attrs = attrs
			s.Doc = append(s.Doc, fmt.Sprintf("no order(key): %d topics feed this component, and two topics are two logs (Kafka interleaves them by timestamp, best effort)", len(topics)))
		}
	}
}
