package analysis

import (
	"fmt"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
)

// sccSolver brings the components of one SCC to their least fixpoint,
// everything upstream of it being final: a worklist of the components
// whose inputs moved, until none does.
type sccSolver struct {
	queue  []*Component
	queued map[*Component]bool
}

// solve evaluates scc; inSCC says which consumers belong to it.
func (sv *sccSolver) solve(scc []*Component, inSCC func(*Component) bool) {
	if sv.queued == nil {
		sv.queued = map[*Component]bool{}
	}
	sv.queue = append(sv.queue[:0], scc...)
	for _, c := range scc {
		sv.queued[c] = true
	}
	for len(sv.queue) > 0 {
		c := sv.queue[0]
		sv.queue = sv.queue[1:]
		sv.queued[c] = false
		for _, out := range evalComponent(c) {
			for _, s := range out.Out {
				l := Max(s.Label, streamLabel(s))
				if l == s.Label {
					continue
				}
				s.Label = l
				if d := s.To.Comp; d != nil && inSCC(d) && !sv.queued[d] {
					sv.queued[d] = true
					sv.queue = append(sv.queue, d)
				}
			}
		}
	}
}

func sourceLabel(src *Iface) Label {
	if a := src.sourceSeal(); a != nil {
		return SealOn(identNames(a.Keys))
	}
	return LAsync
}

func sourceWhy(src *Iface) *Why {
	if a := src.sourceSeal(); a != nil {
		return &Why{Rule: "source", Text: fmt.Sprintf("source %s carries seal(%s), so its stream is %s", src.Name, strings.Join(identNames(a.Keys), ", "), src.Label)}
	}
	return &Why{Rule: "source", Text: fmt.Sprintf("source %s carries no seal, so its stream is Async", src.Name)}
}

// streamLabel is the label of s given its producer's label: seal(k) on the
// stream turns Async or Seal[*] into Seal[k]; it cannot repair Run, Inst or
// Diverge.
func streamLabel(s *Stream) Label {
	l := s.From.Label
	if s.Seal != nil && (l.Kind == Seal || l.Kind == Async) {
		return *s.Seal
	}
	return l
}

func streamWhy(s *Stream) *Why {
	from := s.From.Label
	switch {
	case from.Kind == None:
		return &Why{Rule: "stream", Text: fmt.Sprintf("nothing reaches %s, so the stream carries nothing", s.From.FullName()), From: []Labelled{s.From}}
	case s.Seal != nil && (from.Kind == Seal || from.Kind == Async) && *s.Seal != from:
		return &Why{Rule: "seal", Text: fmt.Sprintf("seal(%s) on the stream turns %s into %s", strings.ReplaceAll(s.Seal.Key, ",", ", "), from, s.Label), From: []Labelled{s.From}}
	case s.Seal != nil && from.Severity() > LAsync.Severity():
		return &Why{Rule: "seal", Text: fmt.Sprintf("a seal cannot repair %s: the stream carries %s from %s", from, s.Label, s.From.FullName()), From: []Labelled{s.From}}
	}
	return &Why{Rule: "stream", Text: fmt.Sprintf("the stream carries the label of %s", s.From.FullName()), From: []Labelled{s.From}}
}

// meetLabels is the meet of the labels of streams into an input or sink.
func meetLabels(in []*Stream) Label {
	l := LNone
	for _, s := range in {
		l = Max(l, s.Label)
	}
	return l
}

// ifaceWhy derives the label of an interface, source or sink.
func ifaceWhy(i *Iface) *Why {
	switch i.Dir {
	case DirSource:
		return sourceWhy(i)
	case DirOut:
		return outputWhy(i)
	}
	l := i.Label
	w := &Why{Rule: "meet"}
	switch {
	case len(i.In) == 0:
		w.Text = "no stream feeds it"
	case len(i.In) == 1:
		w.Rule = "stream"
		w.Text = "the label of its one stream"
		w.From = []Labelled{i.In[0]}
	case l.Kind == Seal:
		w.Text = fmt.Sprintf("every one of its %d streams is %s", len(i.In), l)
		w.From = streamsAsLabelled(i.In)
	default:
		w.Text = fmt.Sprintf("the most severe of its %d streams (seals count as Async unless all share one key)", len(i.In))
		for _, s := range i.In {
			if s.Label == l || (l == LAsync && s.Label.Kind == Seal) {
				w.From = append(w.From, s)
			}
		}
	}
	return w
}

func streamsAsLabelled(ss []*Stream) []Labelled {
	out := make([]Labelled, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// relevantInputs are the inputs an order-sensitive path can rendezvous with
// (SPEC §3). For OR: the inputs of the component's write paths, or, with no
// write path, the inputs of its other paths but not the path's own input.
// For OW: its own input and the inputs of the other write paths.
func relevantInputs(p *Path) []*Iface {
	if p.Kind.Confluent() {
		return nil
	}
	var out []*Iface
	add := func(i *Iface) {
		for _, x := range out {
			if x == i {
				return
			}
		}
		out = append(out, i)
	}
	c := p.Comp
	if p.Kind.Write() {
		add(p.In)
		for _, q := range c.Paths {
			if q != p && q.Kind.Write() {
				add(q.In)
			}
		}
		return out
	}
	hasWrite := false
	for _, q := range c.Paths {
		if q.Kind.Write() {
			hasWrite = true
			add(q.In)
		}
	}
	if !hasWrite {
		for _, q := range c.Paths {
			if q != p && q.In != p.In {
				add(q.In)
			}
		}
	}
	return out
}

// coordinatedFor reports whether input i is coordinated for gate g: its
// label is a compatible seal, or every stream into it is ordered. An input
// nothing reaches yet is coordinated (nothing flows to race).
func coordinatedFor(i *Iface, gate string) bool {
	if i.Label.Kind == None || Compatible(i.Label, gate) {
		return true
	}
	return allOrdered(i)
}

func allOrdered(i *Iface) bool {
	if len(i.In) == 0 {
		return false
	}
	for _, s := range i.In {
		if !s.Order {
			return false
		}
	}
	return true
}

func isInstOrDiverge(l Label) bool { return l.Kind == Inst || l.Kind == Diverge }

// evalComponent applies the path rules to c and returns the outputs whose
// label changed.
func evalComponent(c *Component) []*Iface {
	for _, in := range c.Inputs {
		in.Label = Max(in.Label, meetLabels(in.In))
	}
	// Internal labels first: state(C) depends on the write paths' Taint.
	for _, p := range c.Paths {
		p.Internal, p.Coordinated = LNone, true
		l := p.In.Label
		if l.Kind == None {
			continue
		}
		if !p.Kind.Confluent() {
			for _, i := range p.relevant {
				if !coordinatedFor(i, p.Gate) {
					p.Coordinated = false
					break
				}
			}
		}
		switch p.Kind {
		case grammar.CW:
			if isInstOrDiverge(l) {
				p.Internal = LTaint
			}
		case grammar.OW:
			if !p.Coordinated || isInstOrDiverge(l) {
				p.Internal = LTaint
			}
		case grammar.OR:
			if !p.Coordinated {
				p.Internal = Label{Kind: NDRead, Key: p.Gate}
			}
		}
	}
	c.State = stateOf(c, nil)
	for _, p := range c.Paths {
		p.OutLabel = pathOut(p, c.State)
	}
	var changed []*Iface
	for _, o := range c.Outputs {
		l := LNone
		for _, p := range o.Paths {
			l = Max(l, p.OutLabel)
		}
		l = Max(o.Label, l)
		if l != o.Label {
			o.Label = l
			changed = append(changed, o)
		}
	}
	return changed
}

// stateOf is state(C): the most severe up() of the write paths' inputs,
// and Diverge (replicated) or Run for every write path that is Taint. With
// from set it also collects the paths that contributed.
func stateOf(c *Component, from *[]Labelled) Label {
	state := LNone
	for _, p := range c.Paths {
		if !p.Kind.Write() || p.In.Label.Kind == None {
			continue
		}
		contrib := Up(p.In.Label)
		if p.Internal == LTaint {
			if c.Replicated {
				contrib = Max(contrib, LDiverge)
			} else {
				contrib = Max(contrib, LRun)
			}
		}
		if contrib.Kind != None {
			state = Max(state, contrib)
			if from != nil {
				*from = append(*from, p)
			}
		}
	}
	return state
}

// pathOut is the out label of path p given state(C) (SPEC §3's table).
func pathOut(p *Path, state Label) Label {
	l := p.In.Label
	if l.Kind == None {
		return LNone
	}
	var out Label
	switch p.Kind {
	case grammar.CR, grammar.CW:
		out = LAsync
		if l.Kind == Seal {
			out = l
		}
		out = Max(out, Up(l))
		if p.Kind == grammar.CW {
			out = Max(out, state)
		}
	default:
		out = Max(Max(LAsync, Up(l)), state)
		if p.Internal.Kind == NDRead {
			if p.Comp.Replicated {
				out = Max(out, LInst)
			} else {
				out = Max(out, LRun)
			}
		}
	}
	return out
}

// internalWhy explains a path's internal label.
func internalWhy(p *Path) *Why {
	l := p.In.Label
	switch {
	case p.Internal.Kind == None:
		return nil
	case p.Kind == grammar.OR:
		return &Why{Rule: "rule 1", Text: fmt.Sprintf("OR[%s] is not coordinated: the answer depends on how reads interleave with writes", p.Gate), From: uncoordinated(p)}
	case p.Kind == grammar.OW && !p.Coordinated:
		return &Why{Rule: "rules 2, 4", Text: fmt.Sprintf("OW[%s] is not coordinated: the state depends on input order", p.Gate), From: uncoordinated(p)}
	}
	return &Why{Rule: "rule 3", Text: fmt.Sprintf("a write of %s input: replicas store different contents", l), From: []Labelled{p.In}}
}

// uncoordinated lists the relevant inputs of p that are not coordinated.
func uncoordinated(p *Path) []Labelled {
	var out []Labelled
	for _, i := range p.relevant {
		if !coordinatedFor(i, p.Gate) {
			out = append(out, i)
		}
	}
	return out
}

func stateWhy(c *Component) *Why {
	var from []Labelled
	stateOf(c, &from)
	if c.State.Kind == None {
		return &Why{Rule: "state", Text: fmt.Sprintf("the state of %s is deterministic", c.Name)}
	}
	text := fmt.Sprintf("the state of %s is %s", c.Name, c.State)
	for _, l := range from {
		p := l.(*Path)
		if p.Internal == LTaint {
			if c.Replicated {
				text += fmt.Sprintf(": %s is Taint and %s is replicated (rep on %s), so replicas diverge", p.Name(), c.Name, c.RepStream.Name())
			} else {
				text += fmt.Sprintf(": %s is Taint, so a replay may rebuild it differently", p.Name())
			}
			break
		}
	}
	return &Why{Rule: "state", Text: text, From: from}
}

func pathWhy(p *Path) *Why {
	state := p.Comp.State
	l := p.In.Label
	if l.Kind == None {
		return &Why{Rule: p.Kind.String(), Text: fmt.Sprintf("nothing reaches %s", p.In.FullName()), From: []Labelled{p.In}}
	}
	from := []Labelled{p.In}
	if state.Kind != None && p.Kind != grammar.CR && p.OutLabel == state && Up(l) != state {
		from = append(from, p.Comp)
	}
	var text string
	switch p.Kind {
	case grammar.CR, grammar.CW:
		switch {
		case l.Kind == Seal && p.OutLabel == l:
			text = fmt.Sprintf("%s passes the seal of its input: %s", p.Kind, l)
		case Up(l).Kind != None && p.OutLabel == l:
			text = fmt.Sprintf("%s of a %s input stays %s (content nondeterminism flows on)", p.Kind, l, l)
		case p.OutLabel.Kind == Async:
			text = fmt.Sprintf("%s of an %s input is Async", p.Kind, l)
		default:
			text = fmt.Sprintf("%s: at least state(%s) = %s", p.Kind, p.Comp.Name, state)
		}
		if p.Internal == LTaint {
			text += fmt.Sprintf("; the write is Taint (rule 3: %s input on a replicated component)", l)
		}
	default:
		ann := p.Annotation()
		switch {
		case p.Internal.Kind == NDRead && p.Comp.Replicated:
			text = fmt.Sprintf("%s is not coordinated: NDRead[%s], and %s is replicated, so the output is Inst", ann, p.Gate, p.Comp.Name)
		case p.Internal.Kind == NDRead:
			text = fmt.Sprintf("%s is not coordinated: NDRead[%s], so the output is Run", ann, p.Gate)
		case p.Internal == LTaint:
			text = fmt.Sprintf("%s is Taint: state(%s) = %s flows to the output", ann, p.Comp.Name, state)
		case p.Coordinated && p.OutLabel.Kind == Async:
			text = fmt.Sprintf("%s is coordinated; it consumes its seal, so the output is Async", ann)
		default:
			text = fmt.Sprintf("%s is coordinated, but its output is at least %s", ann, p.OutLabel)
		}
		if iw := internalWhy(p); iw != nil {
			from = append(from, iw.From...)
		}
	}
	return &Why{Rule: p.Kind.String(), Text: text, From: dedupe(from)}
}

func dedupe(ls []Labelled) []Labelled {
	out := ls[:0:0]
	for _, l := range ls {
		dup := false
		for _, o := range out {
			if o == l {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, l)
		}
	}
	return out
}

func outputWhy(o *Iface) *Why {
	switch len(o.Paths) {
	case 0:
		return &Why{Rule: "meet", Text: "no path writes it"}
	case 1:
		return &Why{Rule: "path", Text: fmt.Sprintf("the output of path %s", o.Paths[0].Name()), From: []Labelled{o.Paths[0]}}
	}
	w := &Why{Rule: "meet", Text: fmt.Sprintf("the most severe of the %d paths into it (seals count as Async unless all share one key)", len(o.Paths))}
	for _, p := range o.Paths {
		if p.OutLabel == o.Label || (o.Label == LAsync && p.OutLabel.Kind == Seal) {
			w.From = append(w.From, p)
		}
	}
	return w
}
