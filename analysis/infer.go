package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
)

// sccSolver brings the components of one SCC to their least fixpoint,
// everything upstream of it being final: a worklist of the components
// whose inputs moved, until none does.
type sccSolver struct {
	queue []*Component
}

// solve evaluates scc; inSCC says which consumers belong to it.
func (sv *sccSolver) solve(scc []*Component, inSCC func(*Component) bool) {
	sv.queue = append(sv.queue[:0], scc...)
	for _, c := range scc {
		c.at.queued = true
	}
	for len(sv.queue) > 0 {
		c := sv.queue[0]
		sv.queue = sv.queue[1:]
		c.at.queued = false
		for _, out := range evalComponent(c) {
			for _, s := range out.Out {
				l := Max(s.Label, streamLabel(s))
				if l == s.Label {
					continue
				}
				s.Label = l
				if d := s.To.Comp; d != nil && inSCC(d) && !d.at.queued {
					d.at.queued = true
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
		return &Why{Rule: "source", Text: fmt.Sprintf("source %s carries %s(%s), so its stream is %s", src.Name, a.Kind, strings.Join(identNames(a.Keys), ", "), src.Label)}
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
		return &Why{Rule: "seal", Text: fmt.Sprintf("%s on the stream turns %s into %s", sealText(s), from, s.Label), From: []Labelled{s.From}}
	case s.Seal != nil && from.Severity() > LAsync.Severity():
		return &Why{Rule: "seal", Text: fmt.Sprintf("%s cannot repair %s: the stream carries %s from %s, and coordinates nothing", sealText(s), from, s.Label, s.From.FullName()), From: []Labelled{s.From}}
	}
	return &Why{Rule: "stream", Text: fmt.Sprintf("the stream carries the label of %s", s.From.FullName()), From: []Labelled{s.From}}
}

// sealText renders the stream's seal as written: seal(k) or watermark(t).
func sealText(s *Stream) string {
	if s.Watermark {
		return "watermark(" + s.Seal.Key + ")"
	}
	return "seal(" + keyText(s.Seal.Key) + ")"
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

// coordinatedFor reports whether input i is coordinated by seal for gate
// g: its label is a seal compatible with g. An input nothing reaches yet
// is coordinated (nothing flows to race).
func coordinatedFor(i *Iface, gate string) bool {
	return i.Label.Kind == None || Compatible(i.Label, gate)
}

// orderedOn says on which key input i is ordered (SPEC §3 Ordered input):
// ok when every stream into it carries order(k) with one same k; anyKey when
// no stream reaches it (or nothing flows yet), which is ordered on any key.
func orderedOn(i *Iface) (key string, anyKey, ok bool) {
	if len(i.In) == 0 || i.Label.Kind == None {
		return "", true, true
	}
	for n, s := range i.In {
		if !s.Order || (n > 0 && s.OrderKey != key) {
			return "", false, false
		}
		key = s.OrderKey
	}
	return key, false, true
}

// coordinatedBySeal is the first way of SPEC §3's Coordinated path: every
// relevant input has a seal compatible with the gate.
func coordinatedBySeal(p *Path) bool {
	for _, i := range p.relevant {
		if !coordinatedFor(i, p.Gate) {
			return false
		}
	}
	return true
}

// orderInputs are the inputs an order coordination must cover: the path's
// own input and its relevant inputs.
func orderInputs(p *Path) []*Iface {
	out := []*Iface{p.In}
	for _, i := range p.relevant {
		if i != p.In {
			out = append(out, i)
		}
	}
	return out
}

// coordinatedByOrder is the second way: one key k within the plain
// attributes of the gate such that the path's own input and every relevant
// input are ordered on k (one log). It returns that key.
func coordinatedByOrder(p *Path) (key string, ok bool) {
	set := false
	for _, i := range orderInputs(p) {
		k, anyKey, ok := orderedOn(i)
		switch {
		case !ok:
			return "", false
		case anyKey:
		case set && k != key:
			return "", false
		default:
			key, set = k, true
		}
	}
	return key, keyWithinGate(key, p.Gate)
}

// coordinated is SPEC §3's Coordinated path: by seal or by order, which do
// not mix. A path with no relevant input is coordinated.
func coordinated(p *Path) bool {
	if len(p.relevant) == 0 || coordinatedBySeal(p) {
		return true
	}
	_, ok := coordinatedByOrder(p)
	return ok
}

// stateInputs are the state inputs of a stateful path (SPEC §3
// Partitioning): its own input and the inputs of the component's write
// paths.
func stateInputs(p *Path) []*Iface {
	out := []*Iface{p.In}
	for _, q := range p.Comp.Paths {
		if q.Kind.Write() && !containsIface(out, q.In) {
			out = append(out, q.In)
		}
	}
	return out
}

func containsIface(list []*Iface, i *Iface) bool {
	for _, x := range list {
		if x == i {
			return true
		}
	}
	return false
}

// scatteredBy returns the shuffle streams into the state inputs of a
// stateful path, by name (what a finding says must not depend on the
// order of the declarations): the path is scattered when there is one.
func scatteredBy(p *Path) []*Stream {
	if p.Kind == grammar.CR {
		return nil
	}
	var out []*Stream
	for _, i := range stateInputs(p) {
		for _, s := range i.In {
			if s.Route == RouteShuffle {
				out = append(out, s)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *Stream) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

func isScattered(p *Path) bool {
	if p.Kind == grammar.CR {
		return false
	}
	for _, i := range stateInputs(p) {
		for _, s := range i.In {
			if s.Route == RouteShuffle {
				return true
			}
		}
	}
	return false
}

// parallel reports whether a component runs as parallel instances: some
// stream into it carries partition(...) or shuffle.
func parallel(c *Component) bool {
	for _, i := range c.Inputs {
		for _, s := range i.In {
			if s.Route != RouteSingle {
				return true
			}
		}
	}
	return false
}

// splitBy reports whether a stateful path that is not scattered is split
// (SPEC §3 Partitioning): its component is parallel and its state inputs
// are not all partition(k) on one key within the plain attributes of the
// gate. It returns the streams into the state inputs, which say how it is
// routed.
func splitBy(p *Path) (streams []*Stream, split bool) {
	if p.Kind == grammar.CR || !parallel(p.Comp) || isScattered(p) {
		return nil, false
	}
	key, set, whole := "", false, true
	for _, i := range stateInputs(p) {
		for _, s := range i.In {
			streams = append(streams, s)
			switch {
			case s.Route != RoutePartition:
				whole = false
			case set && s.PartKey != key:
				whole = false
			default:
				key, set = s.PartKey, true
			}
		}
	}
	if whole && set && keyWithinGate(key, p.Gate) {
		return streams, false
	}
	return streams, true
}

// Causes lists why a path's internal label fired (SPEC §5): any of
// "uncoordinated", "scattered", "rule3". Empty when it has none.
func (p *Path) Causes() []string {
	if p.Internal.Kind == None {
		return nil
	}
	var out []string
	if !p.Kind.Confluent() && !p.Coordinated {
		out = append(out, "uncoordinated")
	}
	if isScattered(p) {
		out = append(out, "scattered")
	}
	if p.Kind.Write() && isInstOrDiverge(p.In.Label) {
		out = append(out, "rule3")
	}
	return out
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
			p.Coordinated = coordinated(p)
		}
		scattered := isScattered(p)
		switch p.Kind {
		case grammar.CW:
			if isInstOrDiverge(l) || scattered {
				p.Internal = LTaint
			}
		case grammar.OW:
			if !p.Coordinated || isInstOrDiverge(l) || scattered {
				p.Internal = LTaint
			}
		case grammar.OR:
			if !p.Coordinated || scattered {
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

// internalWhy explains a path's internal label: each cause that fired.
func internalWhy(p *Path) *Why {
	if p.Internal.Kind == None {
		return nil
	}
	var rules, texts []string
	var from []Labelled
	for _, c := range p.Causes() {
		switch c {
		case "uncoordinated":
			gap := ""
			if g := orderGap(p); g != "" {
				gap = " (" + g + ")"
			}
			if p.Kind == grammar.OR {
				rules = append(rules, "rule 1")
				texts = append(texts, fmt.Sprintf("%s is not coordinated: the answer depends on how reads interleave with writes%s", p.Annotation(), gap))
			} else {
				rules = append(rules, "rules 2, 4")
				texts = append(texts, fmt.Sprintf("%s is not coordinated: the state depends on input order%s", p.Annotation(), gap))
			}
			from = append(from, uncoordinated(p)...)
		case "scattered":
			sh := scatteredBy(p)
			var names []string
			for _, s := range sh {
				names = append(names, s.Name())
				from = append(from, s)
			}
			rules = append(rules, "scattered")
			texts = append(texts, fmt.Sprintf("shuffle on %s scatters the state of %s over its instances: which instance holds which record changes from run to run", strings.Join(names, ", "), p.Comp.Name))
		case "rule3":
			rules = append(rules, "rule 3")
			texts = append(texts, fmt.Sprintf("a write of %s input: replicas store different contents", p.In.Label))
			from = append(from, p.In)
		}
	}
	return &Why{Rule: strings.Join(rules, "; "), Text: strings.Join(texts, "; "), From: dedupe(from)}
}

// HowCoordinated says how a coordinated order-sensitive path is
// coordinated ("by seal (...)", "by order: ...").
func (p *Path) HowCoordinated() string { return howCoordinated(p) }

// howCoordinated says how a coordinated order-sensitive path is
// coordinated: by which seals, or by which log.
func howCoordinated(p *Path) string {
	if len(p.relevant) == 0 {
		return "as it has no relevant input to race with"
	}
	if coordinatedBySeal(p) {
		var parts []string
		for _, i := range p.relevant {
			if i.Label.Kind == None {
				continue
			}
			parts = append(parts, fmt.Sprintf("%s is %s", i.FullName(), i.Label))
		}
		if len(parts) == 0 {
			return "as nothing reaches its relevant inputs"
		}
		return fmt.Sprintf("by seal (%s, compatible with the gate [%s])", strings.Join(parts, ", "), p.Gate)
	}
	key, _ := coordinatedByOrder(p)
	var names []string
	for _, i := range orderInputs(p) {
		if len(i.In) > 0 {
			names = append(names, i.FullName())
		}
	}
	verb := "travel"
	if len(names) == 1 {
		verb = "travels"
	}
	return fmt.Sprintf("by order: %s %s in one log, %s", strings.Join(names, " and "), verb, orderText(key))
}

// uncoordinated lists the relevant inputs of p that are not coordinated.
func uncoordinated(p *Path) []Labelled {
	var out []Labelled
	if p.Coordinated {
		return nil
	}
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
		if iw := internalWhy(p); iw != nil {
			text += fmt.Sprintf("; the write is Taint (%s: %s)", iw.Rule, iw.Text)
			from = append(from, iw.From...)
		}
	default:
		ann := p.Annotation()
		switch {
		case p.Internal.Kind == NDRead:
			why := "not coordinated"
			if p.Coordinated {
				why = "scattered"
			}
			out := "Run"
			if p.Comp.Replicated {
				out = fmt.Sprintf("Inst (%s is replicated)", p.Comp.Name)
			}
			text = fmt.Sprintf("%s is %s: %s, so the output is at least %s", ann, why, p.Internal, out)
		case p.Internal == LTaint:
			text = fmt.Sprintf("%s is Taint: state(%s) = %s flows to the output", ann, p.Comp.Name, state)
		case p.Coordinated && p.OutLabel.Kind == Async && coordinatedBySeal(p) && len(p.relevant) > 0:
			text = fmt.Sprintf("%s is coordinated %s; it consumes its seal, so the output is Async", ann, howCoordinated(p))
		case p.Coordinated && p.OutLabel.Kind == Async:
			text = fmt.Sprintf("%s is coordinated %s; the output is Async", ann, howCoordinated(p))
		default:
			text = fmt.Sprintf("%s is coordinated %s, but its output is at least %s", ann, howCoordinated(p), p.OutLabel)
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
