package analysis

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
)

// maxRelated bounds related information so that a finding on a huge graph
// stays readable.
const maxRelated = 20

// downBudget bounds the walk that lists the components a finding raises,
// so that a graph with thousands of findings costs linear time.
const downBudget = 128

// candidate is a labelled thing a finding may name as its worst
// consequence downstream. Candidates are totally ordered (severity, then
// terminal before not, then title), so the best of any set does not depend
// on the order in which it is searched, nor on declaration order.
type candidate struct {
	sev  int
	term bool
	x    Labelled
}

func (a candidate) better(b candidate) bool {
	if a.x == nil {
		return false
	}
	if b.x == nil || a.sev != b.sev {
		return b.x == nil || a.sev > b.sev
	}
	if a.term != b.term {
		return a.term
	}
	return titleLess(a.x, b.x)
}

// titleParts splits x.Title() into pieces whose concatenation is the title,
// so that titles can be compared without building them (the reach pass
// compares tens of thousands).
func titleParts(x Labelled) [3]string {
	switch x := x.(type) {
	case *Iface:
		if x.Comp != nil {
			return [3]string{x.Comp.Name, ".", x.Name}
		}
		return [3]string{x.Name}
	case *Component:
		return [3]string{"state(", x.Name, ")"}
	}
	return [3]string{x.Title()}
}

// titleLess reports whether a.Title() < b.Title().
func titleLess(a, b Labelled) bool {
	pa, pb := titleParts(a), titleParts(b)
	i, j, ki, kj := 0, 0, 0, 0 // part and byte indices into pa and pb
	for {
		for i < 3 && ki == len(pa[i]) {
			i, ki = i+1, 0
		}
		for j < 3 && kj == len(pb[j]) {
			j, kj = j+1, 0
		}
		switch {
		case i == 3:
			return j < 3 // a is a prefix of b (or equal)
		case j == 3:
			return false
		}
		ca, cb := pa[i][ki], pb[j][kj]
		if ca != cb {
			return ca < cb
		}
		ki++
		kj++
	}
}

// succ calls f for each interface directly downstream of i: for an input,
// the outputs of the paths reading it (every output of the component when
// a write path reads it: they read the state); for an output or a source,
// the consumers of its streams.
func succ(i *Iface, f func(*Iface)) {
	if i.Dir == DirIn {
		write := false
		for _, q := range i.Paths {
			f(q.Out)
			write = write || q.Kind.Write()
		}
		if write {
			for _, o := range i.Comp.Outputs {
				f(o)
			}
		}
		return
	}
	for _, s := range i.Out {
		f(s.To)
	}
}

// own is the candidate an interface contributes: itself, or for an input
// written into state, the component's state when that is worse.
func own(i *Iface) candidate {
	c := candidate{sev: i.Label.Severity(), term: isTerminal(i), x: i}
	if i.Dir == DirIn {
		for _, q := range i.Paths {
			if q.Kind.Write() {
				st := candidate{sev: i.Comp.State.Severity(), x: i.Comp}
				if st.better(c) {
					c = st
				}
				break
			}
		}
	}
	return c
}

// setReach gives the members of an SCC of the interface graph their
// reach, once the SCCs downstream of it have theirs. Members have none
// yet (zero), so the best over all successors is the best outside.
func setReach(members []*Iface) {
	var best candidate
	for _, m := range members {
		if c := own(m); c.better(best) {
			best = c
		}
		succ(m, func(n *Iface) {
			if c := n.reach; c.better(best) {
				best = c
			}
		})
	}
	for _, m := range members {
		m.reach = best
	}
}

// downstream describes what path p influences: the worst label reachable
// from it with a witness carrying it (see candidate), and the components
// downstream whose labels are raised (at most maxRelated, found within a
// bounded walk).
func downstream(p *Path) (comps []*Component, worst Label, where Labelled) {
	starts := []*Iface{p.Out}
	best := candidate{sev: p.OutLabel.Severity(), x: p}
	if p.Kind.Write() {
		starts = p.Comp.Outputs
		if st := (candidate{sev: p.Comp.State.Severity(), x: p.Comp}); st.sev > best.sev {
			best = st
		}
	}
	for _, o := range starts {
		if c := o.reach; c.sev >= best.sev && (c.sev > best.sev || best.x == Labelled(p) || c.better(best)) {
			best = c
		}
	}
	worst, where = best.x.DerivedLabel(), best.x
	if where == Labelled(p) {
		worst = p.OutLabel
	}
	seen := map[*Iface]bool{}
	seenComp := map[*Component]bool{p.Comp: true}
	queue := append([]*Iface(nil), starts...)
	for _, s := range starts {
		seen[s] = true
	}
	for steps := 0; len(queue) > 0 && steps < downBudget && len(comps) < maxRelated; steps++ {
		i := queue[0]
		queue = queue[1:]
		if i.Dir == DirIn && !seenComp[i.Comp] {
			seenComp[i.Comp] = true
			if raised(i.Comp) {
				comps = append(comps, i.Comp)
			}
		}
		succ(i, func(n *Iface) {
			if !seen[n] && n.reach.sev >= LRun.Severity() {
				seen[n] = true
				queue = append(queue, n)
			}
		})
	}
	sort.Slice(comps, func(i, j int) bool { return comps[i].Name < comps[j].Name })
	return comps, worst, where
}

// isTerminal reports whether x is where data leaves the dataflow: a sink or
// an output no stream reads.
func isTerminal(x Labelled) bool {
	i, ok := x.(*Iface)
	return ok && (i.Dir == DirSink || (i.Dir == DirOut && len(i.Out) == 0))
}

func uncoordinatedFinding(prog *Program, p *Path) *Diagnostic {
	bad := uncoordinated(p)
	code := CodeUncoordinated
	var wrongSeal []string
	for _, l := range bad {
		i := l.(*Iface)
		if i.Label.Kind == Seal {
			code = CodeWrongSeal
			wrongSeal = append(wrongSeal, fmt.Sprintf("%s is %s, but %s is not within the gate [%s]",
				i.FullName(), i.Label, keyPhrase(i.Label.Key), p.Gate))
		}
	}
	comps, worst, where := downstream(p)
	sev := SevWarning
	if worst.Kind == Diverge {
		sev = SevError
	}
	internal := p.Internal.String()
	var b strings.Builder
	fmt.Fprintf(&b, "%s: order-sensitive path %s (%s) is not coordinated: ", p.Comp.Name, p.Name(), p.Annotation())
	var names []string
	for _, l := range bad {
		i := l.(*Iface)
		names = append(names, fmt.Sprintf("%s is %s", i.FullName(), i.Label))
	}
	fmt.Fprintf(&b, "input %s", strings.Join(names, ", input "))
	if len(wrongSeal) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(wrongSeal, "; "))
	}
	fmt.Fprintf(&b, ". The path is %s, so %s.%s is %s", internal, p.Comp.Name, p.Out.Name, p.OutLabel)
	if where != Labelled(p) && where != Labelled(p.Out) {
		fmt.Fprintf(&b, ", and %s is %s downstream", where.Title(), worst)
	}
	fmt.Fprintf(&b, ". %s.", wayOut(p, bad))
	d := &Diagnostic{
		Location:  at(p.Comp.File, p.Decl.Ann.Range),
		Severity:  sev,
		Code:      code,
		Message:   b.String(),
		Component: p.Comp.Name,
		Path:      p.Name(),
		Label:     p.OutLabel,
	}
	for _, l := range bad {
		i := l.(*Iface)
		for _, s := range i.In {
			d.addRelated(s.File, s.Decl.Range, fmt.Sprintf("uncoordinated input: stream %s is %s", s.Name(), s.Label))
		}
		if len(i.In) == 0 {
			d.addRelated(i.File, i.NameRange, fmt.Sprintf("uncoordinated input %s is %s", i.FullName(), i.Label))
		}
	}
	for _, c := range comps {
		d.addRelated(c.File, c.Decl.Name.Range, fmt.Sprintf("downstream: %s is raised to %s", c.Name, worstOf(c)))
	}
	d.Fixes = fixes(prog, p, bad)
	for _, f := range d.Fixes {
		if f.Preferred {
			d.Message += " Cheapest fix: " + lowerFirst(f.Title) + "."
		}
	}
	return d
}

func keyPhrase(key string) string {
	if key == "" {
		return "the empty key"
	}
	return "key (" + strings.ReplaceAll(key, ",", ", ") + ")"
}

func wayOut(p *Path, bad []Labelled) string {
	var targets []string
	for _, l := range bad {
		targets = append(targets, l.(*Iface).FullName())
	}
	what := strings.Join(targets, " and ")
	if p.Gate == "" {
		return fmt.Sprintf("Seal %s with seal() (the end of the stream), or order it", what)
	}
	return fmt.Sprintf("Seal %s on attributes within the gate (%s), or order it", what, strings.ReplaceAll(p.Gate, ",", ", "))
}

// raised reports whether any output of c carries content nondeterminism.
func raised(c *Component) bool { return worstOf(c).Severity() >= LRun.Severity() }

func worstOf(c *Component) Label {
	w := c.State
	for _, o := range c.Outputs {
		w = Max(w, o.Label)
	}
	if w.Kind == Seal {
		return LAsync
	}
	return w
}

func (d *Diagnostic) addRelated(f *grammar.File, r grammar.Range, msg string) {
	if len(d.Related) >= maxRelated {
		return
	}
	d.Related = append(d.Related, Related{Location: at(f, r), Message: msg})
}

func replicaWriteFinding(p *Path) *Diagnostic {
	l := p.In.Label
	d := &Diagnostic{
		Location:  at(p.Comp.File, p.Decl.Ann.Range),
		Severity:  SevInformation,
		Code:      CodeReplicaWrite,
		Component: p.Comp.Name,
		Path:      p.Name(),
		Label:     p.OutLabel,
		Message: fmt.Sprintf("%s: write path %s (%s) of replicated component %s stores %s input: replicas store different contents, so transient disagreement becomes permanent (state(%s) is %s). Fix the cause upstream.",
			p.Comp.Name, p.Name(), p.Annotation(), p.Comp.Name, l, p.Comp.Name, p.Comp.State),
	}
	if p.Comp.RepStream != nil {
		d.addRelated(p.Comp.RepStream.File, p.Comp.RepStream.Decl.Range, fmt.Sprintf("%s is replicated by this rep stream", p.Comp.Name))
	}
	for _, root := range rootCauses(p.In) {
		d.addRelated(root.Comp.File, root.Decl.Ann.Range, fmt.Sprintf("root cause: %s path %s is %s", root.Comp.Name, root.Name(), root.Internal))
	}
	return d
}

// rootCauses follows derivations upstream from x to the uncoordinated
// order-sensitive paths whose nondeterminism reaches it.
func rootCauses(x Labelled) []*Path {
	var out []*Path
	seen := map[Labelled]bool{}
	var walk func(l Labelled)
	walk = func(l Labelled) {
		if seen[l] || len(out) >= maxRelated {
			return
		}
		seen[l] = true
		if p, ok := l.(*Path); ok && !p.Kind.Confluent() && !p.Coordinated {
			out = append(out, p)
			return
		}
		w := l.Derivation()
		if w == nil {
			return
		}
		for _, f := range w.From {
			if f.DerivedLabel().Severity() >= LRun.Severity() || isPath(f) {
				walk(f)
			}
		}
	}
	walk(x)
	return out
}

func isPath(l Labelled) bool { _, ok := l.(*Path); return ok }

// orderFinding reports over-coordination on a stream carrying `order`.
func orderFinding(s *Stream) *Diagnostic {
	if !s.Order || s.Decl == nil {
		return nil
	}
	r := s.Decl.Range
	for _, a := range s.Decl.Attrs {
		if a.Kind == grammar.AttrOrder {
			r = a.Range
		}
	}
	var needers []*Path
	if s.To.Comp != nil {
		for _, p := range s.To.Comp.Paths {
			for _, i := range p.relevant {
				if i == s.To {
					needers = append(needers, p)
				}
			}
		}
	}
	mk := func(code, msg string) *Diagnostic {
		d := &Diagnostic{Location: at(s.File, r), Severity: SevHint, Code: code, Message: msg}
		if a := orderAttr(s.Decl); a != nil {
			d.Fixes = []Fix{{Title: "Remove order from stream " + s.Name(), Kind: "remove",
				Edits: []Edit{editAt(s.File, grammar.Range{Start: precedingSpace(s.File.Text, a.Range.Start), End: a.Range.End}, "")}}}
		}
		return d
	}
	if len(needers) == 0 {
		return mk(CodeNeedlessOrder, fmt.Sprintf("order on stream %s is not needed: no order-sensitive path of its consumer %s reads it as a relevant input", s.Name(), consumerName(s)))
	}
	// Would the input be coordinated by its seal alone?
	l := s.To.Label
	for _, p := range needers {
		if !Compatible(l, p.Gate) {
			return nil
		}
	}
	return mk(CodeOrderOverSeal, fmt.Sprintf("order on stream %s is not needed: %s is already %s, compatible with every gate that reads it; the seal is the cheaper coordination", s.Name(), s.To.FullName(), l))
}

func consumerName(s *Stream) string {
	if s.To.Comp != nil {
		return s.To.Comp.Name
	}
	return "sink " + s.To.Name
}

func orderAttr(d *grammar.Stream) *grammar.StreamAttr {
	for _, a := range d.Attrs {
		if a.Kind == grammar.AttrOrder {
			return a
		}
	}
	return nil
}

// precedingSpace extends a removal leftwards over blanks so that removing
// an attribute leaves no double space.
func precedingSpace(text []byte, at grammar.Pos) grammar.Pos {
	i := int(at)
	for i > 0 && (text[i-1] == ' ' || text[i-1] == '\t') {
		i--
	}
	return grammar.Pos(i)
}

// lowerFirst lowers the first letter of a fix title for use mid-sentence.
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
