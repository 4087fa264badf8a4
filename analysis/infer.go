package analysis

import (
	"fmt"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
)

// infer computes every label as the least fixpoint of SPEC §3's rules, then
// records derivations in one final pass so that they do not depend on the
// order in which the worklist happened to visit the graph.
func infer(p *Program) {
	for _, c := range p.Components {
		for _, path := range c.Paths {
			path.relevant = relevantInputs(path)
		}
	}
	// Sources label their streams; components are then evaluated until no
	// label moves. Every rule is monotone and labels have finite height
	// (None < Seal[k] < Async < Run < Inst < Diverge), so this terminates.
	queue := make([]*Component, 0, len(p.Components))
	queued := make(map[*Component]bool, len(p.Components))
	push := func(c *Component) {
		if !queued[c] {
			queued[c] = true
			queue = append(queue, c)
		}
	}
	for _, src := range p.Sources {
		src.Label = sourceLabel(src)
		for _, s := range src.Out {
			s.Label = streamLabel(s)
		}
	}
	for _, c := range p.Components {
		push(c)
	}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		queued[c] = false
		for _, out := range evalComponent(c, false) {
			for _, s := range out.Out {
				l := Max(s.Label, streamLabel(s))
				if l != s.Label {
					s.Label = l
					if s.To.Comp != nil {
						push(s.To.Comp)
					}
				}
			}
		}
	}
	// The final pass: derivations, sinks.
	for _, src := range p.Sources {
		src.Why = sourceWhy(src)
		for _, s := range src.Out {
			s.Why = streamWhy(s)
		}
	}
	for _, c := range p.Components {
		evalComponent(c, true)
		for _, out := range c.Outputs {
			for _, s := range out.Out {
				s.Why = streamWhy(s)
			}
		}
	}
	for _, sink := range p.Sinks {
		sink.Label, sink.Why = meetStreams(sink, true)
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

// meetStreams labels an input interface or sink from its streams.
func meetStreams(i *Iface, why bool) (Label, *Why) {
	l := LNone
	for _, s := range i.In {
		l = Max(l, s.Label)
	}
	if !why {
		return l, nil
	}
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
	return l, w
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
// label changed. With why set it also records every derivation.
func evalComponent(c *Component, why bool) []*Iface {
	for _, in := range c.Inputs {
		l, w := meetStreams(in, why)
		in.Label = Max(in.Label, l)
		in.Why = w
	}
	// Internal labels first: state(C) depends on the write paths' Taint.
	for _, p := range c.Paths {
		p.Internal, p.Coordinated, p.InternalWhy = LNone, true, nil
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
				if why {
					p.InternalWhy = &Why{Rule: "rule 3", Text: fmt.Sprintf("a write of %s input: replicas store different contents", l), From: []Labelled{p.In}}
				}
			}
		case grammar.OW:
			switch {
			case !p.Coordinated:
				p.Internal = LTaint
				if why {
					p.InternalWhy = &Why{Rule: "rules 2, 4", Text: fmt.Sprintf("OW[%s] is not coordinated: the state depends on input order", p.Gate), From: uncoordinated(p)}
				}
			case isInstOrDiverge(l):
				p.Internal = LTaint
				if why {
					p.InternalWhy = &Why{Rule: "rule 3", Text: fmt.Sprintf("a write of %s input: replicas store different contents", l), From: []Labelled{p.In}}
				}
			}
		case grammar.OR:
			if !p.Coordinated {
				p.Internal = Label{Kind: NDRead, Key: p.Gate}
				if why {
					p.InternalWhy = &Why{Rule: "rule 1", Text: fmt.Sprintf("OR[%s] is not coordinated: the answer depends on how reads interleave with writes", p.Gate), From: uncoordinated(p)}
				}
			}
		}
	}
	// state(C).
	state := LNone
	var stateFrom []Labelled
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
			stateFrom = append(stateFrom, p)
		}
	}
	c.State = state
	if why {
		c.StateWhy = stateWhy(c, stateFrom)
	}
	// Path outputs.
	for _, p := range c.Paths {
		l := p.In.Label
		if l.Kind == None {
			p.OutLabel = LNone
			if why {
				p.Why = &Why{Rule: p.Kind.String(), Text: fmt.Sprintf("nothing reaches %s", p.In.FullName()), From: []Labelled{p.In}}
			}
			continue
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
			out = Max(LAsync, Up(l))
			out = Max(out, state)
			if p.Internal.Kind == NDRead {
				if c.Replicated {
					out = Max(out, LInst)
				} else {
					out = Max(out, LRun)
				}
			}
		}
		p.OutLabel = out
		if why {
			p.Why = pathWhy(p, state)
		}
	}
	// Output interfaces.
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
		if why {
			o.Why = outputWhy(o)
		}
	}
	return changed
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

func stateWhy(c *Component, from []Labelled) *Why {
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

func pathWhy(p *Path, state Label) *Why {
	l := p.In.Label
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
		if p.InternalWhy != nil {
			from = append(from, p.InternalWhy.From...)
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
