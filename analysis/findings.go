package analysis

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
)

// maxRelated bounds related information so that a finding on a huge graph
// stays readable.
const maxRelated = 20

// pathFindings returns the findings of one path (SPEC §4): BLZ001 or
// BLZ002 when it is not coordinated, BLZ004 when it is scattered, BLZ005
// when it is split, BLZ003 for a replicated write of Inst or Diverge.
func pathFindings(prog *Program, path *Path) []*Diagnostic {
	var out []*Diagnostic
	c := path.Comp
	if path.In.Label.Kind == None {
		return nil
	}
	if !path.Kind.Confluent() && !path.Coordinated {
		out = append(out, uncoordinatedFinding(prog, path))
	}
	if sh := scatteredBy(path); len(sh) > 0 {
		out = append(out, scatteredFinding(path, sh))
	} else if d := splitFinding(path); d != nil {
		out = append(out, d)
	}
	if c.Replicated && path.Kind.Write() && isInstOrDiverge(path.In.Label) {
		out = append(out, replicaWriteFinding(path))
	}
	return out
}

// findingCode is the code of the finding a root-cause path carries.
func findingCode(p *Path) string {
	if !p.Kind.Confluent() && !p.Coordinated {
		for _, l := range uncoordinated(p) {
			if l.(*Iface).Label.Kind == Seal {
				return CodeWrongSeal
			}
		}
		return CodeUncoordinated
	}
	return CodeScattered
}

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
	slices.SortFunc(comps, byCompName)
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
	var upstream []string // the findings that already make a bad input Run, Inst or Diverge
	var cycle []string    // bad inputs made nondeterministic by the path itself, round a cycle
	for _, l := range bad {
		i := l.(*Iface)
		switch {
		case i.Label.Kind == Seal:
			code = CodeWrongSeal
			wrongSeal = append(wrongSeal, fmt.Sprintf("%s is sealed on %s, which is not within the gate [%s]",
				i.FullName(), keyPhrase(i.Label.Key), p.Gate))
		case Up(i.Label).Kind != None:
			for _, root := range rootCauses(i) {
				if root != p {
					upstream = append(upstream, fmt.Sprintf("%s (%s: %s)", findingCode(root), root.Comp.Name, root.Name()))
				}
			}
			if len(upstream) == 0 {
				cycle = append(cycle, i.FullName())
			}
		}
	}
	upstream = uniqueStrings(upstream)
	comps, worst, where := downstream(p)
	sev := SevWarning
	if worst.Kind == Diverge {
		sev = SevError
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: order-sensitive path %s (%s) is not coordinated: ", p.Comp.Name, p.Name(), p.Annotation())
	var names []string
	for _, l := range bad {
		i := l.(*Iface)
		names = append(names, fmt.Sprintf("%s is %s", i.FullName(), i.Label))
	}
	if len(names) > 0 {
		fmt.Fprintf(&b, "input %s", strings.Join(names, ", input "))
	} else {
		b.WriteString("its relevant inputs are sealed")
	}
	if len(wrongSeal) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(wrongSeal, "; "))
	}
	if gap := orderGap(p); gap != "" {
		fmt.Fprintf(&b, "; %s", gap)
	}
	fmt.Fprintf(&b, ". The path is %s, so %s.%s is %s", p.Internal, p.Comp.Name, p.Out.Name, p.OutLabel)
	if where != Labelled(p) && where != Labelled(p.Out) {
		fmt.Fprintf(&b, ", and %s is %s downstream", where.Title(), worst)
	}
	fmt.Fprintf(&b, ". %s.", wayOut(p, bad, upstream, cycle))
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
	if len(d.Fixes) > 0 {
		d.Message += " Preferred fix: " + lowerFirst(d.Fixes[0].Title) + "."
	}
	return d
}

// orderGap explains, for a path some of whose inputs are ordered, why the
// order does not coordinate it: an input outside the log, two logs, or a
// log on a key outside the gate.
func orderGap(p *Path) string {
	var ordered, unordered []string
	keys := map[string]bool{}
	for _, i := range orderInputs(p) {
		k, anyKey, ok := orderedOn(i)
		switch {
		case anyKey:
		case ok:
			ordered = append(ordered, i.FullName())
			keys[k] = true
		default:
			unordered = append(unordered, i.FullName())
		}
	}
	if len(ordered) == 0 {
		return ""
	}
	switch {
	case len(unordered) > 0:
		return fmt.Sprintf("%s %s ordered, but %s %s not in that log, where the path's own input and every relevant input must travel",
			strings.Join(ordered, " and "), isAre(len(ordered)), strings.Join(unordered, " and "), isAre(len(unordered)))
	case len(keys) > 1:
		var ks []string
		for k := range keys {
			ks = append(ks, orderText(k))
		}
		sort.Strings(ks)
		return fmt.Sprintf("its inputs are ordered in different logs (%s), which do not order records relative to each other", strings.Join(ks, ", "))
	}
	for k := range keys {
		return fmt.Sprintf("its inputs are ordered by %s, whose key is not within the plain attributes of the gate [%s]", orderText(k), p.Gate)
	}
	return ""
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func uniqueStrings(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func keyPhrase(key string) string {
	if key == "" {
		return "the empty key"
	}
	return "key (" + keyText(key) + ")"
}

// wayOut says how to coordinate p: name the upstream findings when an
// input is already Run, Inst or Diverge; for BLZ002 which key, which gate
// and that widening the gate is the other way out; else seal or order.
func wayOut(p *Path, bad []Labelled, upstream, cycle []string) string {
	var targets, sealedKeys []string
	for _, l := range bad {
		i := l.(*Iface)
		targets = append(targets, i.FullName())
		if i.Label.Kind == Seal {
			sealedKeys = append(sealedKeys, i.Label.Key)
		}
	}
	what := strings.Join(targets, " and ")
	var logged []string
	for _, i := range orderInputs(p) {
		logged = append(logged, i.FullName())
	}
	order := fmt.Sprintf("order %s in one log keyed within the gate", strings.Join(logged, " and "))
	if !hasPlain(p.Gate) {
		order = fmt.Sprintf("order %s in one global log (order)", strings.Join(logged, " and "))
	}
	switch {
	case len(upstream) > 0:
		return fmt.Sprintf("An input is already nondeterministic because of %s upstream: a seal cannot repair that, so fix %s first, or %s",
			strings.Join(upstream, ", "), pronoun(len(upstream)), order)
	case len(cycle) > 0:
		return fmt.Sprintf("%s %s already nondeterministic because this path's own output comes back to it round a cycle: a seal cannot repair that, so %s",
			strings.Join(cycle, " and "), isAre(len(cycle)), order)
	case len(bad) == 0:
		return "Order " + strings.TrimPrefix(order, "order ")
	case len(sealedKeys) > 0:
		ks := uniqueStrings(sealedKeys)
		var ps []string
		for _, k := range ks {
			ps = append(ps, keyPhrase(k))
		}
		// The widened gate: the gate's terms and the sealed attributes
		// not yet in it, as plain attributes.
		plain, windows := SplitGate(p.Gate)
		var extra []string
		for _, k := range ks {
			for _, a := range KeyAttrs(k) {
				if !contains(plain, a) && !contains(windows, a) {
					extra = append(extra, a)
				}
			}
		}
		terms := KeyAttrs(CanonKey(append(plain, extra...)))
		for _, w := range windows {
			terms = append(terms, "window("+w+")")
		}
		within := fmt.Sprintf("on a key within the gate [%s]", p.Gate)
		if p.Gate == "" {
			within = "with seal() (the end of the whole stream, which an unbounded stream never reaches)"
		}
		return fmt.Sprintf("Seal %s %s instead of %s, or widen the gate to %s[%s] if records with different %s never interact there, or %s",
			what, within, strings.Join(ps, ", "), p.Kind, strings.Join(terms, ","), strings.Join(uniqueStrings(extra), ", "), order)
	case p.Gate == "":
		return fmt.Sprintf("Seal %s with seal() (the end of the whole stream, which an unbounded stream never reaches), or %s", what, order)
	}
	return fmt.Sprintf("Seal %s on attributes within the gate [%s], or %s", what, p.Gate, order)
}

func pronoun(n int) string {
	if n == 1 {
		return "that finding"
	}
	return "those findings"
}

func hasPlain(gate string) bool {
	plain, _ := SplitGate(gate)
	return len(plain) > 0
}

// scatteredFinding is BLZ004: a stateful path whose state inputs are fed
// by shuffle streams.
func scatteredFinding(p *Path, shuffled []*Stream) *Diagnostic {
	comps, worst, where := downstream(p)
	sev := SevWarning
	if worst.Kind == Diverge {
		sev = SevError
	}
	var names []string
	for _, s := range shuffled {
		names = append(names, s.Name())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: stateful path %s (%s) is scattered: %s %s %s shuffle, so which instance of %s holds which record changes from run to run; coordination (seal or order) does not repair that, only routing does. The path is %s, so %s.%s is %s",
		p.Comp.Name, p.Name(), p.Annotation(), streamWord(len(names)), strings.Join(names, ", "), carryWord(len(names)), p.Comp.Name,
		p.Internal, p.Comp.Name, p.Out.Name, p.OutLabel)
	if where != Labelled(p) && where != Labelled(p.Out) {
		fmt.Fprintf(&b, ", and %s is %s downstream", where.Title(), worst)
	}
	b.WriteString(".")
	d := &Diagnostic{
		Location:  at(p.Comp.File, p.Decl.Ann.Range),
		Severity:  sev,
		Code:      CodeScattered,
		Component: p.Comp.Name,
		Path:      p.Name(),
		Label:     p.OutLabel,
	}
	for _, s := range shuffled {
		d.addRelated(s.File, s.Decl.Range, fmt.Sprintf("shuffled stream %s", s.Name()))
	}
	for _, c := range comps {
		d.addRelated(c.File, c.Decl.Name.Range, fmt.Sprintf("downstream: %s is raised to %s", c.Name, worstOf(c)))
	}
	d.Fixes = partitionFixes(p)
	if len(d.Fixes) > 0 {
		fmt.Fprintf(&b, " Preferred fix: %s.", lowerFirst(d.Fixes[0].Title))
	}
	d.Message = b.String()
	return d
}

func streamWord(n int) string {
	if n == 1 {
		return "stream"
	}
	return "streams"
}

func carryWord(n int) string {
	if n == 1 {
		return "carries"
	}
	return "carry"
}

// splitFinding is BLZ005: a stateful path with a non-empty gate whose
// parallel instances each hold part of some gate groups.
func splitFinding(p *Path) *Diagnostic {
	if p.Gate == "" {
		return nil
	}
	streams, split := splitBy(p)
	if !split {
		return nil
	}
	var routes []string
	for _, s := range streams {
		r := "one instance"
		switch s.Route {
		case RoutePartition:
			r = "partition(" + keyText(s.PartKey) + ")"
		case RouteShuffle:
			r = "shuffle"
		}
		routes = append(routes, fmt.Sprintf("%s by %s", s.Name(), r))
	}
	sort.Strings(routes)
	plain, _ := SplitGate(p.Gate)
	keep := "no partition keeps a group of a gate without plain attributes whole: only one instance does"
	if len(plain) > 0 {
		keep = fmt.Sprintf("partition(%s) on every stream into its state inputs would keep each group whole", plain[0])
	}
	d := &Diagnostic{
		Location:  at(p.Comp.File, p.Decl.Ann.Range),
		Severity:  SevInformation,
		Code:      CodeSplit,
		Component: p.Comp.Name,
		Path:      p.Name(),
		Message: fmt.Sprintf("%s: path %s (%s) is split over parallel instances: its state is routed by %s, not all by one key within the gate [%s], so each instance holds part of some gate groups (the same part in every run: deterministic, no label changes; two-level aggregations do this on purpose). If each group must be whole, %s.",
			p.Comp.Name, p.Name(), p.Annotation(), strings.Join(routes, ", "), p.Gate, keep),
	}
	for _, s := range streams {
		d.addRelated(s.File, s.Decl.Range, fmt.Sprintf("routing of %s", s.Name()))
	}
	return d
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
		if p, ok := l.(*Path); ok && p.In.Label.Kind != None && ((!p.Kind.Confluent() && !p.Coordinated) || isScattered(p)) {
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

// orderNeeders are the order-sensitive paths of a stream's consumer that
// an order on it can coordinate: those with a relevant input whose own
// input or one of whose relevant inputs the stream feeds.
func orderNeeders(s *Stream) []*Path {
	var out []*Path
	if s.To.Comp == nil {
		return nil
	}
	for _, p := range s.To.Comp.Paths {
		if p.Kind.Confluent() || len(p.relevant) == 0 {
			continue
		}
		if containsIface(orderInputs(p), s.To) {
			out = append(out, p)
		}
	}
	return out
}

// orderFinding reports over-coordination on a stream carrying order
// (BLZ201, BLZ202, BLZ203), judging labels, not declarations.
func orderFinding(s *Stream) *Diagnostic {
	if !s.Order || s.Decl == nil {
		return nil
	}
	a := orderAttr(s.Decl)
	r := s.Decl.Range
	if a != nil {
		r = a.Range
	}
	text := orderText(s.OrderKey)
	mk := func(code, msg string) *Diagnostic {
		d := &Diagnostic{Location: at(s.File, r), Severity: SevHint, Code: code, Message: msg}
		if a != nil {
			d.Fixes = []Fix{{Title: "Remove " + text + " from stream " + s.Name(), Kind: "remove",
				Edits: []Edit{editAt(s.File, grammar.Range{Start: precedingSpace(s.File.Text, a.Range.Start), End: a.Range.End}, "")}}}
		}
		return d
	}
	needers := orderNeeders(s)
	if len(needers) == 0 {
		return mk(CodeNeedlessOrder, fmt.Sprintf("%s on stream %s is not needed: no order-sensitive path of its consumer %s can be coordinated by it", text, s.Name(), consumerName(s)))
	}
	// Would every path that needs it be coordinated by its seals alone?
	bySeal, ownSeal := true, true
	for _, p := range needers {
		if !coordinatedBySeal(p) {
			bySeal = false
			break
		}
		ownSeal = ownSeal && Compatible(s.To.Label, p.Gate)
	}
	if bySeal && !ownSeal {
		return mk(CodeNeedlessOrder, fmt.Sprintf("%s on stream %s is not needed: every path of %s it could coordinate (%s) is already coordinated by the seals of its relevant inputs", text, s.Name(), consumerName(s), pathNames(needers)))
	}
	if bySeal {
		return mk(CodeOrderOverSeal, fmt.Sprintf("%s on stream %s is not needed: %s is %s, and every path that reads it (%s) is already coordinated by compatible seals; the seal is the cheaper coordination",
			text, s.Name(), s.To.FullName(), s.To.Label, pathNames(needers)))
	}
	if s.OrderKey != "" || s.To.Label.Kind == None {
		return nil
	}
	return globalOrderFinding(s, r)
}

// globalOrderFinding is BLZ203: s carries a global order, every path its
// log coordinates is coordinated by it, and one plain attribute is in the
// gate of each: a log keyed on it would do, and scales.
func globalOrderFinding(s *Stream, r grammar.Range) *Diagnostic {
	log := []*Stream{s}
	inLog := map[*Stream]bool{s: true}
	var paths []*Path
	seenPath := map[*Path]bool{}
	for k := 0; k < len(log); k++ {
		for _, p := range orderNeeders(log[k]) {
			if seenPath[p] {
				continue
			}
			seenPath[p] = true
			if key, ok := coordinatedByOrder(p); !ok || key != "" {
				return nil
			}
			paths = append(paths, p)
			for _, i := range orderInputs(p) {
				for _, u := range i.In {
					if !inLog[u] {
						if !u.Order || u.OrderKey != "" || u.Decl == nil {
							return nil
						}
						inLog[u] = true
						log = append(log, u)
					}
				}
			}
		}
	}
	var common []string
	for n, p := range paths {
		plain, _ := SplitGate(p.Gate)
		if n == 0 {
			common = plain
			continue
		}
		var keep []string
		for _, x := range common {
			if contains(plain, x) {
				keep = append(keep, x)
			}
		}
		common = keep
	}
	if len(common) == 0 {
		return nil
	}
	x := common[0]
	sort.Slice(log, func(i, j int) bool { return log[i].Name() < log[j].Name() })
	var names []string
	var edits []Edit
	for _, u := range log {
		names = append(names, u.Name())
		edits = append(edits, setAttr(u.File, u.Decl.Range.End, u.Decl.Attrs, "order("+x+")", grammar.AttrOrder)...)
	}
	d := &Diagnostic{Location: at(s.File, r), Severity: SevHint, Code: CodeGlobalOrder,
		Message: fmt.Sprintf("a global order on stream %s is more than needed: every path its log coordinates (%s) has %s in its gate, so records with different %s never interact there; a log keyed on %s (order(%s) on %s) coordinates as well and can be partitioned",
			s.Name(), pathNames(paths), x, x, x, x, strings.Join(names, ", ")),
		Fixes: []Fix{{Title: fmt.Sprintf("Order %s %s on (%s) instead of globally", streamWord(len(names)), strings.Join(names, ", "), x), Kind: "order", Edits: edits}},
	}
	return d
}

func pathNames(ps []*Path) string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s (%s)", p.Name(), p.Annotation()))
	}
	return strings.Join(out, ", ")
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
