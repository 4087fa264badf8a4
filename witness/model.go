// Package witness is an executable semantics of .blazes dataflows and a
// search for witnesses: two runs, two replicas or two routings of the same
// small input whose contents differ at an interface.
//
// The semantics gives every annotation its canonical, maximally
// order-sensitive behaviour and executes the coordination a file declares
// the way a deployment would (docs/witness.md describes it for users):
//
//   - records are small tuples of attribute values; a record carries every
//     attribute the simulated part of the dataflow mentions, and the
//     reserved attribute "@count" that order-sensitive paths add;
//   - CR forwards each record (the identity);
//   - CW adds the record to the instance's set and emits it when it is new;
//   - OR[g] answers each query with the query and "@count", the number of
//     state entries in the query's gate group at that moment;
//   - OW[g] appends the record to the state and emits it with "@count",
//     its rank in its gate group (first-k, last writer wins);
//   - streams deliver in an order a seeded schedule chooses; a seal is a
//     punctuation per key value, and a coordinated consumer holds a gate
//     group until every producer has sealed it, then processes it sorted;
//     order(k) is a log per key value whose order a first run fixes and
//     every replay and replica reads again; rep gives each replica its own
//     deliveries; partition(k) routes by a hash of k, shuffle by the
//     schedule.
package witness

import (
	"slices"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

// CountAttr is the attribute the CW, OR and OW paths of a component add
// to what they emit: "@" and the component's name. Each component has its
// own, so that a count computed upstream is not overwritten downstream.
func CountAttr(component string) string { return "@" + component }

// Parallel instances of a partitioned or shuffled component, and replicas
// of a replicated one.
const (
	nParts    = 2
	nReplicas = 2
)

// model is the executable form of (a cone of) a program.
type model struct {
	prog    *analysis.Program
	attrs   []string // record attributes: nData data attributes, then the counts
	nData   int
	attrIdx map[string]int
	comps   []*mcomp // in the program's order
	byComp  map[*analysis.Component]*mcomp
	sources []*analysis.Iface
	sinks   []*analysis.Iface
	streams []*mstream
	inCone  map[*analysis.Iface]bool // sources, sinks and component interfaces simulated
}

type mcomp struct {
	c        *analysis.Component
	reps     int
	parts    int
	paths    []*mpath
	release  []*mpath // the order-sensitive paths, writes first
	byIn     map[*analysis.Iface][]*mpath
	byOut    map[*analysis.Iface][]*mpath
	writers  bool // the component has a write path
	inStream map[*analysis.Iface][]*mstream
}

type mpath struct {
	p        *analysis.Path
	kind     grammar.AnnKind
	countAt  int   // the attribute its count goes to
	plain    []int // attribute indexes of the plain gate terms
	window   []int // attribute indexes of the window terms
	relevant []*analysis.Iface
	hold     bool // coordinated by seal as executed: hold gate groups until sealed
}

type mstream struct {
	s        *analysis.Stream
	from, to *analysis.Iface
	rep      bool
	shuffle  bool
	part     []int // partition key
	hasPart  bool
	order    []int
	hasOrder bool
	orderKey string
	declSeal []int // seal(k) or watermark(t) declared on the stream (or its source)
	hasDecl  bool
	punct    []int // the key its producer punctuates, as executed
	hasPunct bool
}

// attrsOf returns the effective attributes of a stream: its own, and for
// a stream out of a source, the source's.
func attrsOf(s *analysis.Stream) []*grammar.StreamAttr {
	var out []*grammar.StreamAttr
	if s.Decl != nil {
		out = append(out, s.Decl.Attrs...)
	}
	if s.From != nil && s.From.Dir == analysis.DirSource {
		if d, ok := s.From.Decl.(*grammar.Source); ok && d != nil {
			for _, a := range d.Attrs {
				if (a.Kind == grammar.AttrSeal || a.Kind == grammar.AttrWatermark) && hasSealAttr(out) {
					continue // the stream's own seal wins
				}
				out = append(out, a)
			}
		}
	}
	return out
}

func hasSealAttr(attrs []*grammar.StreamAttr) bool {
	for _, a := range attrs {
		if a.Kind == grammar.AttrSeal || a.Kind == grammar.AttrWatermark {
			return true
		}
	}
	return false
}

func names(ids []*grammar.Ident) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != nil {
			out = append(out, id.Name)
		}
	}
	return out
}

// cone returns the components upstream of c's inputs, c included.
func cone(c *analysis.Component) map[*analysis.Component]bool {
	seen := map[*analysis.Component]bool{c: true}
	work := []*analysis.Component{c}
	for len(work) > 0 {
		x := work[len(work)-1]
		work = work[:len(work)-1]
		for _, in := range x.Inputs {
			for _, s := range in.In {
				if p := s.From.Comp; p != nil && !seen[p] {
					seen[p] = true
					work = append(work, p)
				}
			}
		}
	}
	return seen
}

// maxAttrs bounds the attributes a record carries, to keep the search
// space small: key attributes first, then others.
const maxAttrs = 5

// newModel builds the model of the components in comps (nil: all) and
// the sources feeding them; sinks are simulated only when comps is nil.
func newModel(prog *analysis.Program, comps map[*analysis.Component]bool) *model {
	m := &model{prog: prog, attrIdx: map[string]int{}, byComp: map[*analysis.Component]*mcomp{}, inCone: map[*analysis.Iface]bool{}}
	keyAttrs := map[string]bool{}
	otherAttrs := map[string]bool{}
	addSchema := func(i *analysis.Iface) {
		for _, a := range i.Schema {
			otherAttrs[a] = true
		}
	}
	for _, c := range prog.Components {
		if comps != nil && !comps[c] {
			continue
		}
		mc := &mcomp{c: c, reps: 1, parts: 1, byIn: map[*analysis.Iface][]*mpath{}, byOut: map[*analysis.Iface][]*mpath{}, inStream: map[*analysis.Iface][]*mstream{}}
		m.comps = append(m.comps, mc)
		m.byComp[c] = mc
		for _, i := range c.Inputs {
			m.inCone[i] = true
			addSchema(i)
		}
		for _, o := range c.Outputs {
			m.inCone[o] = true
			addSchema(o)
		}
		for _, p := range c.Paths {
			if p.Decl != nil && p.Decl.Ann != nil {
				for _, t := range p.Decl.Ann.Gate {
					if t.Attr != nil {
						keyAttrs[t.Attr.Name] = true
					}
				}
			}
			if p.Kind.Write() {
				mc.writers = true
			}
		}
	}
	srcSeen := map[*analysis.Iface]bool{}
	for _, s := range prog.Streams {
		if s.From == nil || s.To == nil {
			continue
		}
		toOK := s.To.Comp != nil && m.byComp[s.To.Comp] != nil || s.To.Dir == analysis.DirSink && comps == nil
		if !toOK {
			continue
		}
		fromOK := s.From.Comp != nil && m.byComp[s.From.Comp] != nil || s.From.Dir == analysis.DirSource
		if !fromOK {
			continue
		}
		if s.From.Dir == analysis.DirSource && !srcSeen[s.From] {
			srcSeen[s.From] = true
			m.sources = append(m.sources, s.From)
			m.inCone[s.From] = true
			addSchema(s.From)
		}
		if s.To.Dir == analysis.DirSink && !m.inCone[s.To] {
			m.sinks = append(m.sinks, s.To)
			m.inCone[s.To] = true
		}
		for _, a := range attrsOf(s) {
			for _, k := range a.Keys {
				if k != nil {
					keyAttrs[k.Name] = true
				}
			}
		}
		ms := &mstream{s: s, from: s.From, to: s.To}
		m.streams = append(m.streams, ms)
	}
	sort.Slice(m.sources, func(i, j int) bool { return m.sources[i].Name < m.sources[j].Name })
	sort.Slice(m.sinks, func(i, j int) bool { return m.sinks[i].Name < m.sinks[j].Name })

	// Attributes: keys first, then the others, bounded.
	var keys, others []string
	for a := range keyAttrs {
		keys = append(keys, a)
	}
	for a := range otherAttrs {
		if !keyAttrs[a] {
			others = append(others, a)
		}
	}
	sort.Strings(keys)
	sort.Strings(others)
	attrs := keys
	if len(others) == 0 {
		others = []string{"v"}
		if keyAttrs["v"] {
			others = []string{"v_"}
		}
	}
	for _, a := range others {
		if len(attrs) >= maxAttrs && len(attrs) > len(keys) {
			break
		}
		attrs = append(attrs, a)
		if len(attrs) >= maxAttrs {
			break
		}
	}
	m.nData = len(attrs)
	for _, mc := range m.comps {
		for _, p := range mc.c.Paths {
			if p.Kind != grammar.CR {
				m.attrs = append(attrs, CountAttr(mc.c.Name))
				attrs = m.attrs
				break
			}
		}
	}
	m.attrs = attrs
	for i, a := range m.attrs {
		m.attrIdx[a] = i
	}
	idx := func(ns []string) []int {
		out := make([]int, 0, len(ns))
		for _, n := range ns {
			if i, ok := m.attrIdx[n]; ok {
				out = append(out, i)
			}
		}
		sort.Ints(out)
		return out
	}

	for _, ms := range m.streams {
		for _, a := range attrsOf(ms.s) {
			switch a.Kind {
			case grammar.AttrRep:
				ms.rep = true
			case grammar.AttrShuffle:
				ms.shuffle = true
			case grammar.AttrPartition:
				ms.part, ms.hasPart = idx(names(a.Keys)), true
			case grammar.AttrOrder:
				ms.order, ms.hasOrder = idx(names(a.Keys)), true
				ms.orderKey = analysis.CanonKey(names(a.Keys))
			case grammar.AttrSeal, grammar.AttrWatermark:
				ms.declSeal, ms.hasDecl = idx(names(a.Keys)), true
			}
		}
		if mc := m.byComp[ms.to.Comp]; mc != nil {
			mc.inStream[ms.to] = append(mc.inStream[ms.to], ms)
			if ms.rep {
				mc.reps = nReplicas
			}
			if ms.shuffle || ms.hasPart {
				mc.parts = nParts
			}
		}
	}

	for _, mc := range m.comps {
		for _, p := range mc.c.Paths {
			mp := &mpath{p: p, kind: p.Kind, countAt: -1}
			if i, ok := m.attrIdx[CountAttr(mc.c.Name)]; ok {
				mp.countAt = i
			}
			if p.Decl != nil && p.Decl.Ann != nil {
				var plain, win []string
				for _, t := range p.Decl.Ann.Gate {
					if t.Attr == nil {
						continue
					}
					if t.Window {
						win = append(win, t.Attr.Name)
					} else {
						plain = append(plain, t.Attr.Name)
					}
				}
				mp.plain, mp.window = idx(plain), idx(win)
			}
			mc.paths = append(mc.paths, mp)
			mc.byIn[p.In] = append(mc.byIn[p.In], mp)
			mc.byOut[p.Out] = append(mc.byOut[p.Out], mp)
		}
		for _, mp := range mc.paths {
			mp.relevant = relevantInputs(mc, mp)
			if mp.kind == grammar.OW {
				mc.release = append(mc.release, mp)
			}
		}
		for _, mp := range mc.paths {
			if mp.kind == grammar.OR {
				mc.release = append(mc.release, mp)
			}
		}
	}
	m.computePuncts()
	for _, mc := range m.comps {
		for _, mp := range mc.paths {
			mp.hold = m.holds(mc, mp)
		}
	}
	return m
}

// relevantInputs are the inputs whose records make up the state a path
// reads or writes: for OR, the inputs of the write paths (or, in a
// component without one, the inputs of the other paths but its own: the
// order of the queries does not matter, the state they read does); for
// OW, its own input and the inputs of the other write paths.
func relevantInputs(mc *mcomp, mp *mpath) []*analysis.Iface {
	set := map[*analysis.Iface]bool{}
	switch mp.kind {
	case grammar.OR:
		for _, q := range mc.paths {
			if mc.writers && q.kind.Write() || !mc.writers && q.p.In != mp.p.In {
				set[q.p.In] = true
			}
		}
	case grammar.OW:
		set[mp.p.In] = true
		for _, q := range mc.paths {
			if q.kind.Write() {
				set[q.p.In] = true
			}
		}
	default:
		return nil
	}
	var out []*analysis.Iface
	for _, i := range mc.c.Inputs {
		if set[i] {
			out = append(out, i)
		}
	}
	return out
}

// computePuncts fixes the key each stream's producer punctuates: a seal
// or watermark declared on the stream (or its source); otherwise the key
// the producing output forwards, which is the common key of the inputs of
// its paths when they are all CR or CW (a punctuation passes through a
// confluent path; an order-sensitive path consumes it).
func (m *model) computePuncts() {
	type key struct {
		set   bool // known
		ok    bool // punctuated
		attrs string
	}
	enc := func(a []int) string {
		var b strings.Builder
		for _, x := range a {
			b.WriteByte(byte(x))
		}
		return b.String()
	}
	dec := func(s string) []int {
		out := make([]int, len(s))
		for i := range s {
			out[i] = int(s[i])
		}
		return out
	}
	sk := map[*mstream]key{}
	for _, ms := range m.streams {
		if ms.hasDecl {
			sk[ms] = key{true, true, enc(ms.declSeal)}
		} else if ms.from.Dir == analysis.DirSource {
			sk[ms] = key{true, false, ""}
		}
	}
	inKey := func(mc *mcomp, in *analysis.Iface) key {
		k := key{}
		for _, ms := range mc.inStream[in] {
			x, ok := sk[ms]
			if !ok || !x.set {
				continue
			}
			if !x.ok {
				return key{true, false, ""}
			}
			if k.set && k.attrs != x.attrs {
				return key{true, false, ""}
			}
			k = x
		}
		return k
	}
	for iter := 0; iter < 4*len(m.streams)+4; iter++ {
		changed := false
		for _, ms := range m.streams {
			if ms.hasDecl || ms.from.Dir == analysis.DirSource {
				continue
			}
			mc := m.byComp[ms.from.Comp]
			k := key{}
			paths := mc.byOut[ms.from]
			if len(paths) == 0 {
				k = key{true, false, ""}
			}
			for _, mp := range paths {
				if !mp.kind.Confluent() {
					k = key{true, false, ""}
					break
				}
				x := inKey(mc, mp.p.In)
				if !x.set {
					continue
				}
				if !x.ok || k.set && k.attrs != x.attrs {
					k = key{true, false, ""}
					break
				}
				k = x
			}
			if old, ok := sk[ms]; !ok && k.set || ok && old != k && k.set {
				sk[ms] = k
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for _, ms := range m.streams {
		if x := sk[ms]; x.ok {
			ms.punct, ms.hasPunct = dec(x.attrs), true
		}
	}
}

// inputPunct is the key every stream into in is punctuated on, when they
// all share one.
func (m *model) inputPunct(mc *mcomp, in *analysis.Iface) ([]int, bool) {
	var k []int
	first := true
	for _, ms := range mc.inStream[in] {
		if !ms.hasPunct {
			return nil, false
		}
		if !first && !slices.Equal(k, ms.punct) {
			return nil, false
		}
		k, first = ms.punct, false
	}
	return k, !first
}

// holds: every relevant input is punctuated on a key within the gate (each
// key attribute a plain gate attribute or the attribute of a window term),
// so a deployment can wait for a gate group to be complete.
//
// A path that its logs already coordinate (its own input and every
// relevant input ordered on one key within the gate) does not hold: it
// processes in log order, so that the reads ordered with its writes see
// them in that order.
func (m *model) holds(mc *mcomp, mp *mpath) bool {
	if mp.kind.Confluent() || len(mp.relevant) == 0 || m.ordered(mc, mp) {
		return false
	}
	for _, in := range mp.relevant {
		k, ok := m.inputPunct(mc, in)
		if !ok {
			return false
		}
		for _, a := range k {
			if !slices.Contains(mp.plain, a) && !slices.Contains(mp.window, a) {
				return false
			}
		}
	}
	return true
}

// ordered: the path's own input and every relevant input are ordered on
// one key whose attributes are plain attributes of the gate.
func (m *model) ordered(mc *mcomp, mp *mpath) bool {
	var key []int
	first := true
	for _, in := range append([]*analysis.Iface{mp.p.In}, mp.relevant...) {
		for _, ms := range mc.inStream[in] {
			if !ms.hasOrder {
				return false
			}
			if !first && !slices.Equal(key, ms.order) {
				return false
			}
			key, first = ms.order, false
		}
	}
	for _, a := range key {
		if !slices.Contains(mp.plain, a) {
			return false
		}
	}
	return true
}
