// Package flux imports Apache Storm Flux topology files (YAML) as an
// importer.Model.
//
// What it reads: `name`, `spouts`, `bolts` (id and className, and the
// output fields of Flux's shell wrappers), `streams` (from, to, grouping
// type, args, streamId, customClass), `includes` (files resolved
// relative to the including file through Options.ReadFile; classpath
// resources are skipped with a warning; `override` as Flux does it:
// an included name, spout or bolt replaces one of the same id only with
// override: true; included streams are appended), and the `${name}`,
// `${name[i]}` and `${ENV-NAME}` placeholders Flux substitutes from a
// properties file and the environment before it parses the YAML. The
// rest (config, components, configMethods, worker hooks) does not change
// the dataflow and is not read.
//
// The mapping: a spout is a source named after its id; a bolt is a
// component with one input per upstream spout or bolt (and stream id)
// and one output per stream id it emits on, or a sink when its class is
// known to only write elsewhere; SHUFFLE and LOCAL_OR_SHUFFLE become
// `shuffle`, FIELDS `partition(...)` of its fields, GLOBAL and NONE
// nothing (with a comment), ALL, DIRECT and CUSTOM a comment saying the
// language has no equivalent. Streams from Storm's `__system` component
// (tick tuples) come from a declared source `__system`. The paths of a
// bolt whose class is not known are written `OW[]` with a `TODO:`
// comment; known classes get their real annotation.
package flux

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/importer"
)

const systemID = "__system"

// role is what a known class becomes.
type role int

const (
	asComponent role = iota
	asSource
	asSink
)

// class is what the import knows of a Storm class.
type class struct {
	role   role
	fields []string // output fields
	out    string   // name of the output interface
	ann    grammar.AnnKind
	gate   bool   // gate on the first field of the input
	does   string // what it does, for the comment
}

var known = map[string]class{
	"org.apache.storm.testing.TestWordSpout": {role: asSource, fields: []string{"word"},
		does: "emits words picked at random from a fixed list"},
	"org.apache.storm.kafka.spout.KafkaSpout": {role: asSource,
		does: "reads records from Kafka topics, in order within each Kafka partition only"},
	"org.apache.storm.flux.wrappers.spouts.FluxShellSpout": {role: asSource,
		does: "a spout run as a separate process (multilang)"},
	"org.apache.storm.testing.TestWordCounter": {fields: []string{"word", "count"}, out: "counts", ann: grammar.OW, gate: true,
		does: "keeps a count per word (its first field) and emits (word, count) on each tuple: what it emits depends on the order of each word's tuples"},
	"org.apache.storm.flux.examples.StatefulWordCounter": {fields: []string{"word", "count"}, out: "counts", ann: grammar.OW, gate: true,
		does: "keeps a count per word (its first field) in Storm state and emits (word, count) on each tuple: what it emits depends on the order of each word's tuples"},
	"org.apache.storm.flux.examples.WordCounter": {fields: []string{"word", "count"}, out: "counts", ann: grammar.CR,
		does: "emits (word, 1) for each tuple and keeps nothing: confluent"},
	"org.apache.storm.flux.examples.TestWindowBolt": {fields: []string{"count"}, out: "counts", ann: grammar.OW,
		does: "emits the number of tuples in each window; its windows are counts of tuples in arrival order, so what a window holds depends on the order of the whole stream"},
	"org.apache.storm.flux.wrappers.bolts.LogInfoBolt": {role: asSink, does: "logs every tuple"},
	"org.apache.storm.flux.examples.TestPrintBolt":     {role: asSink, does: "prints every tuple"},
	"org.apache.storm.hdfs.bolt.HdfsBolt":              {role: asSink, does: "writes tuples to files in HDFS"},
	"org.apache.storm.hbase.bolt.HBaseBolt":            {role: asSink, does: "writes tuples to an HBase table"},
}

const shellBolt = "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"

// Import reads the Flux topology data (the contents of the file name)
// into a Model. Warnings are what it skipped (a classpath include, a
// placeholder without a value); an error is an *importer.Error naming
// the file and line.
func Import(name string, data []byte, opts importer.Options) (*importer.Model, []importer.Warning, error) {
	name, err := importer.Input(name, data)
	if err != nil {
		return nil, nil, err
	}
	var warns []importer.Warning
	warn := func(w importer.Warning) { warns = append(warns, w) }
	t, err := load(name, data, opts, nil, warn)
	if err != nil {
		return nil, warns, err
	}
	if t.sourceClass != "" {
		return nil, warns, &importer.Error{File: name, Line: t.sourceLine, Msg: fmt.Sprintf(
			"the topology is built in Java by %s (topologySource): the file declares no spouts, bolts and streams to import", clip(t.sourceClass, 80))}
	}
	m, err := convert(name, t, warn)
	if m != nil {
		wrapDocs(m)
	}
	return m, warns, err
}

func convert(name string, t *topology, warn func(importer.Warning)) (*importer.Model, error) {
	base := filepath.Base(name)
	m := &importer.Model{Name: t.name}
	if m.Name == "" {
		m.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	title := base
	if t.name != "" {
		title = fmt.Sprintf("%q (%s)", clip(t.name, 80), base)
	}
	m.Doc = []string{
		fmt.Sprintf("Imported from the Storm Flux topology %s by blazes import.", title),
		"Spouts are sources, bolts components (or sinks when they only write elsewhere), groupings stream attributes. Each TODO marks a decision to take: blazes check reports every place where it matters.",
	}
	if len(t.spouts)+len(t.bolts) == 0 {
		warn(importer.Warning{File: name, Msg: "no spouts and no bolts: the model is empty"})
	}

	byID := map[string]*compDef{}
	for _, c := range t.spouts {
		byID[c.id] = c
	}
	for _, c := range t.bolts {
		if o := byID[c.id]; o != nil {
			return nil, &importer.Error{File: c.file, Line: c.line, Msg: fmt.Sprintf("the bolt id %q is also a spout's id (%s:%d): Storm needs unique ids", clip(c.id, 60), o.file, o.line)}
		}
		byID[c.id] = c
	}

	// Check every stream's ends; gather what flows into and out of bolts.
	system := false
	outIDs := map[string][]string{} // bolt id -> stream ids it emits on, in order
	ins := map[string][]*streamDef{}
	for _, s := range t.streams {
		from, to := byID[s.from], byID[s.to]
		switch {
		case from == nil && s.from == systemID:
			system = true
		case from == nil:
			return nil, &importer.Error{File: s.file, Line: s.line, Msg: fmt.Sprintf("the stream comes from %q: no spout or bolt has this id", clip(s.from, 60))}
		}
		switch {
		case to == nil:
			return nil, &importer.Error{File: s.file, Line: s.line, Msg: fmt.Sprintf("the stream goes to %q: no bolt has this id", clip(s.to, 60))}
		case to.spout:
			return nil, &importer.Error{File: s.file, Line: s.line, Msg: fmt.Sprintf("the stream goes to the spout %q: only bolts receive streams", clip(s.to, 60))}
		}
		if from != nil && !from.spout && !contains(outIDs[s.from], streamID(s)) {
			outIDs[s.from] = append(outIDs[s.from], streamID(s))
		}
		ins[s.to] = append(ins[s.to], s)
	}

	if system {
		m.Sources = append(m.Sources, importer.Source{Name: systemID, Doc: []string{
			"Storm's own __system component: its tick tuples are a processing-time clock, emitted at a fixed interval whatever the data.",
		}})
	}
	for _, c := range t.spouts {
		k := known[c.class]
		doc := []string{fmt.Sprintf("spout %q (%s)", c.id, c.class)}
		if k.does != "" {
			doc[0] += ": " + k.does
		} else {
			doc = append(doc, "The fields it emits are not known here; declare them as its schema if you know them.")
		}
		fields := k.fields
		if c.fields != nil {
			fields = c.fields
		}
		m.Sources = append(m.Sources, importer.Source{Name: c.id, Schema: fields, Doc: doc})
	}

	role := map[string]role{} // bolt id -> its role
	for _, c := range t.bolts {
		k, ok := known[c.class]
		r := asComponent
		if ok && k.role == asSink && len(outIDs[c.id]) == 0 {
			r = asSink
		}
		role[c.id] = r
		if r == asSink {
			m.Sinks = append(m.Sinks, importer.Sink{Name: c.id, Doc: []string{fmt.Sprintf("bolt %q (%s): %s", c.id, c.class, k.does)}})
		}
	}

	// Field names each producer emits, when known: a gate on "the first
	// field" is named after it.
	fieldsOf := func(id string) []string {
		c := byID[id]
		if c == nil {
			return nil
		}
		if c.fields != nil {
			return c.fields
		}
		return known[c.class].fields
	}

	// Output interface names, unique per bolt: bolt id -> stream id -> name.
	outNames := map[string]map[string]string{}
	for _, c := range t.bolts {
		used := map[string]bool{}
		ids := outIDs[c.id]
		if len(ids) == 0 {
			ids = []string{"default"}
		}
		outNames[c.id] = map[string]string{}
		for _, id := range ids {
			outNames[c.id][id] = unique(outName(c, id), used)
		}
	}

	inName := map[*streamDef]string{}
	for _, c := range t.bolts {
		if role[c.id] != asComponent {
			continue
		}
		k, isKnown := known[c.class]
		if isKnown && k.role == asSource {
			isKnown = false // a spout class used as a bolt: nothing is known
		}
		comp := importer.Component{Name: c.id}
		switch {
		case isKnown && k.role == asSink:
			// A class known to only write elsewhere, yet streams leave it.
			isKnown = false
			comp.Doc = []string{fmt.Sprintf("bolt %q (%s) %s and emits nothing, yet streams leave it here: every path is written OW[] (order-sensitive across the whole stream) until you decide.", c.id, c.class, k.does)}
		case isKnown:
			comp.Doc = []string{fmt.Sprintf("bolt %q (%s): %s", c.id, c.class, k.does)}
		default:
			comp.Doc = []string{
				fmt.Sprintf("bolt %q (%s): what it does is not known here, so every path is written OW[] (order-sensitive across the whole stream) until you decide.", c.id, c.class),
			}
		}
		// Inputs: one per producer and stream id.
		used := map[string]bool{}
		seenIn := map[string]string{}
		var inputs []string
		for _, s := range ins[c.id] {
			key := s.from + "\x00" + streamID(s)
			if n, ok := seenIn[key]; ok {
				inName[s] = n
				continue
			}
			n := importer.Ident(s.from)
			if streamID(s) != "default" {
				n += "_" + importer.Ident(streamID(s))
			}
			n = unique(n, used)
			seenIn[key] = n
			inName[s] = n
			inputs = append(inputs, n)
			comp.Inputs = append(comp.Inputs, importer.Iface{Name: n})
		}
		// Outputs: one per stream id it emits on (or one, unconnected).
		var fields []string
		if isKnown {
			fields = k.fields
		}
		if c.class == shellBolt {
			fields = c.fields
		}
		outs := outIDs[c.id]
		if len(outs) == 0 {
			outs = []string{"default"}
		}
		for _, id := range outs {
			comp.Outputs = append(comp.Outputs, importer.Iface{Name: outNames[c.id][id], Schema: fields})
		}
		for _, in := range inputs {
			s := firstStream(ins[c.id], inName, in)
			for _, id := range outs {
				p := importer.Path{From: in, To: outNames[c.id][id], Ann: grammar.OW, Brackets: true}
				if isKnown {
					p.Ann = k.ann
					if k.gate {
						g := "word"
						if f := fieldsOf(s.from); len(f) > 0 {
							g = f[0]
						}
						p.Gate = []importer.GateTerm{{Attr: g}}
					}
				} else {
					p.Doc = []string{"TODO: decide this path's annotation (CR/CW if the bolt's output does not depend on the order of its input, else OR/OW with the gate it is insensitive across)."}
					if s.grouping == "FIELDS" {
						keys := strings.Join(identList(s.args), ", ")
						p.Doc = append(p.Doc, fmt.Sprintf("The FIELDS grouping on (%s) suggests OW[%s] or CW[%s].", keys, keys, keys))
					}
				}
				comp.Paths = append(comp.Paths, p)
			}
		}
		m.Components = append(m.Components, comp)
	}

	for _, s := range t.streams {
		st := importer.Stream{}
		switch c := byID[s.from]; {
		case c == nil || c.spout:
			st.From = importer.Endpoint{Iface: s.from}
		default:
			st.From = importer.Endpoint{Comp: s.from, Iface: outNames[c.id][streamID(s)]}
		}
		sink := role[s.to] == asSink
		if sink {
			st.To = importer.Endpoint{Iface: s.to}
		} else {
			st.To = importer.Endpoint{Comp: s.to, Iface: inName[s]}
		}
		st.Attrs, st.Doc = grouping(s, sink)
		if streamID(s) != "default" {
			st.Doc = append([]string{fmt.Sprintf("Storm stream id %q", s.streamID)}, st.Doc...)
		}
		m.Streams = append(m.Streams, st)
	}
	return m, nil
}

func wrapDocs(m *importer.Model) {
	m.Doc = wrap(m.Doc)
	for i := range m.Sources {
		m.Sources[i].Doc = wrap(m.Sources[i].Doc)
	}
	for i := range m.Sinks {
		m.Sinks[i].Doc = wrap(m.Sinks[i].Doc)
	}
	for i := range m.Components {
		c := &m.Components[i]
		c.Doc = wrap(c.Doc)
		for j := range c.Paths {
			c.Paths[j].Doc = wrap(c.Paths[j].Doc)
		}
	}
	for i := range m.Streams {
		m.Streams[i].Doc = wrap(m.Streams[i].Doc)
	}
}

// grouping maps a Storm grouping to stream attributes and comments.
func grouping(s *streamDef, sink bool) ([]importer.Attr, []string) {
	var attrs []importer.Attr
	var doc []string
	switch s.grouping {
	case "SHUFFLE":
		attrs = []importer.Attr{{Kind: grammar.AttrShuffle}}
	case "LOCAL_OR_SHUFFLE":
		attrs = []importer.Attr{{Kind: grammar.AttrShuffle}}
		doc = []string{"LOCAL_OR_SHUFFLE grouping: a shuffle that prefers instances in the same worker."}
	case "FIELDS":
		attrs = []importer.Attr{{Kind: grammar.AttrPartition, Keys: s.args}}
	case "GLOBAL":
		doc = []string{"GLOBAL grouping: every tuple goes to one instance of the bolt (the lowest task id)."}
	case "NONE":
		doc = []string{"NONE grouping: no routing written; Storm runs NONE as a shuffle today."}
	case "ALL":
		doc = []string{"ALL grouping: every instance of the bolt receives every tuple (a broadcast); the language has no equivalent."}
	case "DIRECT":
		doc = []string{"DIRECT grouping: the producer chooses the instance of each tuple; the language has no equivalent."}
	case "CUSTOM":
		c := s.custom
		if c == "" {
			c = "unnamed class"
		}
		doc = []string{fmt.Sprintf("CUSTOM grouping (%s): the language has no equivalent.", c)}
	}
	if sink && len(attrs) > 0 {
		doc = append(doc, fmt.Sprintf("%s grouping not written: a sink has no instances to route to.", s.grouping))
		attrs = nil
	}
	return attrs, doc
}

func streamID(s *streamDef) string {
	if s.streamID == "" {
		return "default"
	}
	return s.streamID
}

// outName is the output interface of bolt c for a stream id.
func outName(c *compDef, id string) string {
	if id != "default" {
		return importer.Ident(id)
	}
	if k, ok := known[c.class]; ok && k.out != "" {
		return k.out
	}
	return "output"
}

func unique(n string, used map[string]bool) string {
	id := n
	for i := 2; used[id]; i++ {
		id = fmt.Sprintf("%s_%d", n, i)
	}
	used[id] = true
	return id
}

func firstStream(ss []*streamDef, inName map[*streamDef]string, in string) *streamDef {
	for _, s := range ss {
		if inName[s] == in {
			return s
		}
	}
	return ss[0]
}

// wrap breaks comment lines longer than 88 characters at spaces.
func wrap(lines []string) []string {
	const width = 88
	var out []string
	for _, l := range lines {
		for len(l) > width {
			i := strings.LastIndexByte(l[:width], ' ')
			if i <= 0 {
				break
			}
			out = append(out, l[:i])
			l = l[i+1:]
		}
		out = append(out, l)
	}
	return out
}

func identList(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = importer.Ident(s)
	}
	return out
}
