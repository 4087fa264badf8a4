// Package kafkastreams imports the text Kafka Streams prints for
// Topology.describe() (a TopologyDescription) as an importer.Model.
//
// Both layouts Kafka has printed are read: the multi-line one
//
//	Topologies:
//	   Sub-topology: 0
//	    Source: KSTREAM-SOURCE-0000000000 (topics: [input])
//	      --> KSTREAM-FILTER-0000000001
//	    Processor: KSTREAM-FILTER-0000000001 (stores: [])
//	      --> KSTREAM-SINK-0000000002
//	      <-- KSTREAM-SOURCE-0000000000
//	    Sink: KSTREAM-SINK-0000000002 (topic: output)
//	      <-- KSTREAM-FILTER-0000000001
//
// and the one-line form of older versions and of the tutorial
// (`Source: X(topics: t) --> Y`), indented with spaces or tabs.
package kafkastreams

import (
	"fmt"
	"strings"

	"github.com/blazes-dev/blazes/importer"
)

// maxNodes bounds the nodes of one description: real topologies have a
// few hundred at most.
const (
	maxNodes   = 10000
	maxEdges   = 100000
	maxStreams = 100000
)

type nodeKind int

const (
	kindSource nodeKind = iota
	kindProcessor
	kindSink
)

func (k nodeKind) String() string { return [...]string{"source", "processor", "sink"}[k] }

// node is one Source:, Processor: or Sink: of the description.
type node struct {
	kind      nodeKind
	name      string
	line      int
	sub       string // the sub-topology's label ("0", "1 (global store)")
	global    bool   // in a global-store sub-topology
	topics    []string
	pattern   string // Source: (topic pattern: ...)
	stores    []string
	topic     string // Sink: (topic: ...)
	extractor string // Sink: (extractor class: ...)
	succ      []string
	pred      []string
	edgeLine  map[string]int // where each neighbour was named
	succSet   map[string]bool
	predSet   map[string]bool
}

// addSucc and addPred record an edge once.
func (n *node) addSucc(x string) {
	if !n.succSet[x] {
		n.succSet[x] = true
		n.succ = append(n.succ, x)
	}
}

func (n *node) addPred(x string) {
	if !n.predSet[x] {
		n.predSet[x] = true
		n.pred = append(n.pred, x)
	}
}

type description struct {
	nodes  []*node
	byName map[string]*node
}

type parser struct {
	nedges int
	file   string
	d      *description
	sub    string
	glob   bool
	last   *node
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return &importer.Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// quote shows a piece of the input in a message, cut to a readable length.
func quote(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// parse reads a TopologyDescription text.
func parse(file string, data []byte) (*description, error) {
	p := &parser{file: file, d: &description{byName: map[string]*node{}}}
	lines := strings.Split(string(data), "\n")
	for i, raw := range lines {
		if err := p.line(i+1, strings.TrimRight(raw, "\r")); err != nil {
			return nil, err
		}
	}
	if len(p.d.nodes) == 0 {
		return nil, p.errorf(0, "no Source:, Processor: or Sink: node found: expected the text Topology.describe() prints, starting with \"Topologies:\"")
	}
	if err := p.link(); err != nil {
		return nil, err
	}
	return p.d, nil
}

func (p *parser) line(n int, raw string) error {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return nil
	case s == "Topologies:" || s == "Sub-topologies:" || s == "Global Stores:" || s == "none":
		return nil
	case strings.HasPrefix(s, "Topology:") && strings.HasSuffix(s, ":"):
		return nil // a named topology's header
	case strings.HasPrefix(s, "Sub-topology:"):
		rest := strings.TrimSpace(strings.TrimPrefix(s, "Sub-topology:"))
		id, tail, _ := strings.Cut(rest, " ")
		if id == "" {
			return p.errorf(n, "expected a sub-topology number after \"Sub-topology:\"")
		}
		p.sub, p.glob, p.last = id, false, nil
		if strings.Contains(tail, "global") {
			p.sub, p.glob = id+" (global store)", true
		}
		return nil
	case strings.HasPrefix(s, "GlobalStore:"):
		p.sub = strings.TrimSpace(strings.TrimPrefix(s, "GlobalStore:")) + " (global store)"
		p.glob, p.last = true, nil
		return nil
	case strings.HasPrefix(s, "-->") || strings.HasPrefix(s, "<--"):
		if p.last == nil {
			return p.errorf(n, "expected a Source:, Processor: or Sink: line before the edge list %s", quote(s))
		}
		return p.edges(n, p.last, s)
	}
	for _, k := range []struct {
		prefix string
		kind   nodeKind
	}{{"Source:", kindSource}, {"Processor:", kindProcessor}, {"Sink:", kindSink}} {
		if strings.HasPrefix(s, k.prefix) {
			return p.node(n, k.kind, strings.TrimSpace(strings.TrimPrefix(s, k.prefix)))
		}
	}
	return p.errorf(n, "expected \"Sub-topology: N\", a Source:, Processor: or Sink: node, or a --> / <-- edge list, found %s", quote(s))
}

// markers are the parenthesised descriptions that follow a node's name.
var markers = map[nodeKind][]string{
	kindSource:    {"(topics:", "(topic pattern:"},
	kindProcessor: {"(stores:"},
	kindSink:      {"(topic:", "(extractor class:"},
}

func (p *parser) node(n int, kind nodeKind, s string) error {
	if len(p.d.nodes) >= maxNodes {
		return p.errorf(n, "more than %d nodes: too many for one topology description", maxNodes)
	}
	if p.sub == "" {
		return p.errorf(n, "expected \"Sub-topology: N\" before the first node")
	}
	at, marker := -1, ""
	for _, m := range markers[kind] {
		if i := strings.Index(s, m); i >= 0 && (at < 0 || i < at) {
			at, marker = i, m
		}
	}
	if at < 0 {
		return p.errorf(n, "expected %s after the %s's name, found %s", strings.Join(markers[kind], "... or "), kind, quote(s))
	}
	name := strings.TrimSpace(s[:at])
	if name == "" {
		return p.errorf(n, "expected a %s name before %s", kind, marker)
	}
	rest := s[at+len(marker):]
	// Edges written on the same line (the one-line layout).
	var edgeText []string
	for {
		i := strings.LastIndex(rest, " -->")
		j := strings.LastIndex(rest, " <--")
		if j > i {
			i = j
		}
		if i < 0 {
			break
		}
		edgeText = append(edgeText, strings.TrimSpace(rest[i:]))
		rest = rest[:i]
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasSuffix(rest, ")") {
		return p.errorf(n, "expected ')' to close %s of %s %s", marker, kind, quote(name))
	}
	value := strings.TrimSpace(strings.TrimSuffix(rest, ")"))
	if _, dup := p.d.byName[name]; dup {
		return p.errorf(n, "%s %s is declared twice (first at line %d)", kind, quote(name), p.d.byName[name].line)
	}
	nd := &node{kind: kind, name: name, line: n, sub: p.sub, global: p.glob, edgeLine: map[string]int{},
		succSet: map[string]bool{}, predSet: map[string]bool{}}
	switch marker {
	case "(topics:":
		nd.topics = list(value)
		if len(nd.topics) == 0 {
			return p.errorf(n, "source %s reads no topic: expected (topics: [name, ...])", quote(name))
		}
	case "(topic pattern:":
		nd.pattern = value
	case "(stores:":
		nd.stores = list(value)
	case "(topic:":
		if value == "" {
			return p.errorf(n, "sink %s names no topic: expected (topic: name)", quote(name))
		}
		nd.topic = value
	case "(extractor class:":
		nd.extractor = value
	}
	p.d.nodes = append(p.d.nodes, nd)
	p.d.byName[name] = nd
	p.last = nd
	for k := len(edgeText) - 1; k >= 0; k-- {
		if err := p.edges(n, nd, edgeText[k]); err != nil {
			return err
		}
	}
	return nil
}

// list reads "[a, b]" or "a, b" (brackets are absent in old versions).
func list(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (p *parser) edges(n int, nd *node, s string) error {
	out := strings.HasPrefix(s, "-->")
	names := list(strings.TrimSpace(s[3:]))
	if len(names) == 1 && names[0] == "none" {
		names = nil
	}
	if out && nd.kind == kindSink {
		return p.errorf(n, "sink %s has no successors: expected only \"<--\" after a Sink:", quote(nd.name))
	}
	if !out && nd.kind == kindSource && len(names) > 0 {
		return p.errorf(n, "source %s has no predecessors: expected only \"-->\" after a Source:", quote(nd.name))
	}
	for _, x := range names {
		if x == nd.name {
			return p.errorf(n, "%s %s lists itself as a neighbour", nd.kind, quote(nd.name))
		}
		if _, seen := nd.edgeLine[x]; !seen {
			nd.edgeLine[x] = n
		}
		if (out && nd.succSet[x]) || (!out && nd.predSet[x]) {
			continue
		}
		if p.nedges++; p.nedges > maxEdges {
			return p.errorf(n, "more than %d edges: too many for one topology description", maxEdges)
		}
		if out {
			nd.addSucc(x)
		} else {
			nd.addPred(x)
		}
	}
	return nil
}

// link checks every named neighbour and makes the edges symmetric (Kafka
// prints each edge at both ends; the one-line layout sometimes only at one).
func (p *parser) link() error {
	for _, nd := range p.d.nodes {
		for _, x := range append(append([]string(nil), nd.succ...), nd.pred...) {
			other, ok := p.d.byName[x]
			if !ok {
				return p.errorf(nd.edgeLine[x], "%s %s names %s, which is no node of the topology", nd.kind, quote(nd.name), quote(x))
			}
			if other.sub != nd.sub {
				return p.errorf(nd.edgeLine[x], "%s %s (sub-topology %s) is linked to %s of sub-topology %s: nodes of different sub-topologies are joined only through topics", nd.kind, quote(nd.name), nd.sub, quote(x), other.sub)
			}
		}
	}
	for _, nd := range p.d.nodes {
		for _, x := range nd.succ {
			other := p.d.byName[x]
			if other.kind == kindSource {
				return p.errorf(nd.edgeLine[x], "%s %s forwards to source %s: a source has no predecessors", nd.kind, quote(nd.name), quote(x))
			}
			other.addPred(nd.name)
		}
		for _, x := range nd.pred {
			other := p.d.byName[x]
			if other.kind == kindSink {
				return p.errorf(nd.edgeLine[x], "%s %s is fed by sink %s: a sink has no successors", nd.kind, quote(nd.name), quote(x))
			}
			other.addSucc(nd.name)
		}
	}
	return nil
}
