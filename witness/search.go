package witness

import (
	"context"
	"math/rand"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/analysis"
)

// Options bound a search.
type Options struct {
	// Inputs is how many random inputs to try (default 200).
	Inputs int
	// Schedules is how many schedules to run per input (default 8).
	Schedules int
	// MaxRecords bounds the records per source (default 3).
	MaxRecords int
	// Seed makes the search reproducible (default 1).
	Seed int64
	// Context, when set, stops the search early when it is done.
	Context context.Context
}

func (o Options) norm() Options {
	if o.Inputs <= 0 {
		o.Inputs = 200
	}
	if o.Schedules <= 1 {
		o.Schedules = 8
	}
	if o.MaxRecords <= 0 {
		o.MaxRecords = 3
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Target is a finding to find a witness for: the path it is on and the
// interface its consequence shows at (the path's output).
type Target struct {
	Diag  *analysis.Diagnostic
	Path  *analysis.Path
	Iface *analysis.Iface
}

// Witnessable reports whether a finding's code is one a witness exists
// for: BLZ001, BLZ002 and BLZ004.
func Witnessable(code string) bool {
	return code == "BLZ001" || code == "BLZ002" || code == "BLZ004"
}

// Targets lists the witnessable findings of prog, in the order check
// prints them.
func Targets(prog *analysis.Program) []Target {
	var out []Target
	for _, d := range prog.Diagnostics {
		if !Witnessable(d.Code) {
			continue
		}
		if p := PathOf(prog, d); p != nil {
			out = append(out, Target{Diag: d, Path: p, Iface: p.Out})
		}
	}
	return out
}

// PathOf finds the path a BLZ001-BLZ004 finding is on.
func PathOf(prog *analysis.Program, d *analysis.Diagnostic) *analysis.Path {
	for _, c := range prog.Components {
		if c.Name != d.Component {
			continue
		}
		for _, p := range c.Paths {
			if p.Name() == d.Path {
				return p
			}
		}
	}
	return nil
}

// Record is a record as printed: attribute values by name.
type Record map[string]int

// Run is one side of a witness.
type Run struct {
	Seed    int64               `json:"seed"`
	Replica int                 `json:"replica"` // 1-based
	Outputs map[string][]Record `json:"-"`
	// Arrivals and Emitted are the trace: records in the order each input
	// instance processed them and each output instance emitted them.
	Arrivals map[string][]Record `json:"-"`
	Emitted  map[string][]Record `json:"-"`
}

// Witness is two executions of one input that disagree at Interface.
type Witness struct {
	Code      string
	Component string
	Path      string
	Interface string
	Kind      string // "runs", "replicas" or "routings"
	Sources   []string
	Inputs    map[string][]Record
	Runs      [2]Run
	// Differ lists the records whose multiplicity at Interface differs:
	// first those only (or more often) in the first run, then the second.
	OnlyFirst, OnlySecond []Record
	// Order lists the interfaces of the simulated cone, upstream first.
	Order []string
	// Differing is where in the dataflow the two executions disagree.
	Differing Differing
}

// Result is the outcome of a search.
type Result struct {
	Witness  *Witness // nil when none was found
	Searched int      // executions run
	// Infinite counts the executions that did not end within the step
	// bound (a cycle that forwards forever) and so were not compared.
	Infinite int
}

type finding struct {
	infinite int
	m        *model
	target   *analysis.Iface
	code     string
	comp     *mcomp
}

type pair struct {
	in     Inputs
	V      int
	a, b   int64 // seeds; a is the first (recording) run
	ra, rb int   // replicas
	diff   int
}

// giveUp is how many inputs the search tries before it stops when none
// of their executions has ended.
const giveUp = 10

// Find searches for a witness of t.
func Find(prog *analysis.Program, t Target, opts Options) Result {
	opts = opts.norm()
	m := newModel(prog, cone(t.Path.Comp))
	f := &finding{m: m, target: t.Iface, code: t.Diag.Code, comp: m.byComp[t.Path.Comp]}
	rng := rand.New(rand.NewSource(opts.Seed))
	searched := 0
	for trial := 0; trial < opts.Inputs; trial++ {
		if trial == giveUp && f.infinite == searched {
			break // no execution ends: a cycle forwards records forever
		}
		if opts.Context != nil && opts.Context.Err() != nil {
			break
		}
		V := 2 + rng.Intn(2)
		in := m.randomInputs(rng, V, opts.MaxRecords)
		p, n := f.search(in, V, opts)
		searched += n
		if p == nil {
			continue
		}
		p, n = f.shrink(p, opts)
		searched += n
		w := f.render(p, t)
		return Result{Witness: w, Searched: searched, Infinite: f.infinite}
	}
	return Result{Searched: searched, Infinite: f.infinite}
}

func (m *model) randomInputs(rng *rand.Rand, V, maxRecs int) Inputs {
	in := Inputs{}
	for _, s := range m.sources {
		n := 1 + rng.Intn(maxRecs)
		for i := 0; i < n; i++ {
			b := make([]byte, len(m.attrs))
			for a := 0; a < m.nData; a++ {
				b[a] = byte(rng.Intn(V) + 1)
			}
			in[s] = append(in[s], string(b))
		}
		sort.Strings(in[s])
	}
	return in
}

// search runs one input under a number of schedules and returns the pair
// of executions that disagree at the target with the fewest differences.
func (f *finding) search(in Inputs, V int, opts Options) (*pair, int) {
	var best *pair
	first := f.m.execute(in, V, 0, nil, false)
	n := 1
	if first.truncated {
		f.infinite++
		return nil, n
	}
	base := first.contents[ifaceRep{f.target, 0}]
	reps := 1
	if f.comp != nil {
		reps = f.comp.reps
	}
	for s := int64(1); s < int64(opts.Schedules); s++ {
		r := f.m.execute(in, V, s, first.rec, false)
		n++
		if r.truncated {
			f.infinite++
			continue
		}
		mine := r.contents[ifaceRep{f.target, 0}]
		// Two replicas disagreeing within one run show a replicated
		// component's finding best: they come first.
		if reps > 1 {
			other := r.contents[ifaceRep{f.target, 1}]
			if d := diffCount(mine, other); d > 0 && (best == nil || best.ra == best.rb || d < best.diff) {
				best = &pair{in: in, V: V, a: s, b: s, ra: 0, rb: 1, diff: d}
			}
		}
		if d := diffCount(base, mine); d > 0 && (best == nil || best.ra == best.rb && d < best.diff) {
			best = &pair{in: in, V: V, a: 0, b: s, ra: 0, rb: 0, diff: d}
		}
	}
	return best, n
}

func diffCount(a, b map[rec]int) int {
	d := 0
	for k, x := range a {
		if y := b[k]; x != y {
			d += abs(x - y)
		}
	}
	for k, y := range b {
		if _, ok := a[k]; !ok {
			d += y
		}
	}
	return d
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// shrink removes records and lowers values while a witness remains.
func (f *finding) shrink(p *pair, opts Options) (*pair, int) {
	n := 0
	for changed := true; changed; {
		changed = false
		for _, s := range f.m.sources {
			for i := 0; i < len(p.in[s]); i++ {
				if len(p.in[s]) <= 1 && f.totalRecords(p.in) <= 1 {
					continue
				}
				in := cloneInputs(p.in)
				in[s] = append(in[s][:i:i], in[s][i+1:]...)
				q, k := f.search(in, p.V, opts)
				n += k
				if q != nil {
					p, changed = q, true
					i--
				}
			}
		}
	}
	// Lower an attribute in every record at once, then in one at a time.
	for a := 0; a < f.m.nData; a++ {
		in := cloneInputs(p.in)
		lowered := false
		for _, s := range f.m.sources {
			for i, x := range in[s] {
				if x[a] > 1 {
					b := []byte(x)
					b[a] = 1
					in[s][i] = string(b)
					lowered = true
				}
			}
		}
		if !lowered {
			continue
		}
		q, k := f.search(in, p.V, opts)
		n += k
		if q != nil {
			p = q
		}
	}
	for _, s := range f.m.sources {
		for i := range p.in[s] {
			for a := 0; a < f.m.nData; a++ {
				if p.in[s][i][a] <= 1 {
					continue
				}
				in := cloneInputs(p.in)
				b := []byte(in[s][i])
				b[a] = 1
				in[s][i] = string(b)
				q, k := f.search(in, p.V, opts)
				n += k
				if q != nil {
					p = q
				}
			}
		}
	}
	return p, n
}

func (f *finding) totalRecords(in Inputs) int {
	t := 0
	for _, r := range in {
		t += len(r)
	}
	return t
}

func cloneInputs(in Inputs) Inputs {
	out := Inputs{}
	for k, v := range in {
		out[k] = append([]rec(nil), v...)
	}
	return out
}

// render runs the pair again with tracing and builds the witness.
func (f *finding) render(p *pair, t Target) *Witness {
	first := f.m.execute(p.in, p.V, 0, nil, true)
	ra := first
	if p.a != 0 {
		ra = f.m.execute(p.in, p.V, p.a, first.rec, true)
	}
	rb := f.m.execute(p.in, p.V, p.b, first.rec, true)
	kind := "runs"
	switch {
	case p.ra != p.rb:
		kind = "replicas"
	case t.Diag.Code == "BLZ004":
		kind = "routings"
	}
	w := &Witness{
		Code: t.Diag.Code, Component: t.Path.Comp.Name, Path: t.Path.Name(), Interface: t.Iface.FullName(), Kind: kind,
		Inputs: map[string][]Record{},
	}
	for _, s := range f.m.sources {
		w.Sources = append(w.Sources, s.Name)
		w.Inputs[s.Name] = []Record{}
		for _, x := range p.in[s] {
			w.Inputs[s.Name] = append(w.Inputs[s.Name], f.m.record(x))
		}
	}
	w.Order = f.m.order()
	w.Runs[0] = f.m.runOf(ra, p.a, p.ra)
	w.Runs[1] = f.m.runOf(rb, p.b, p.rb)
	a := ra.contents[ifaceRep{t.Iface, p.ra}]
	b := rb.contents[ifaceRep{t.Iface, p.rb}]
	w.OnlyFirst = f.m.minus(a, b)
	w.OnlySecond = f.m.minus(b, a)
	w.Differing = f.m.differing(w, t)
	return w
}

func (m *model) minus(a, b map[rec]int) []Record {
	var keys []rec
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []Record
	for _, k := range keys {
		for i := b[k]; i < a[k]; i++ {
			out = append(out, m.record(k))
		}
	}
	return out
}

func (m *model) record(x rec) Record {
	r := Record{}
	for i, a := range m.attrs {
		if i < len(x) && x[i] != 0 {
			r[a] = int(x[i]) - 1
		}
	}
	return r
}

// runOf collects what one replica of an execution did.
func (m *model) runOf(r *run, seed int64, replica int) Run {
	out := Run{Seed: seed, Replica: replica + 1, Outputs: map[string][]Record{}, Arrivals: map[string][]Record{}, Emitted: map[string][]Record{}}
	for k, ms := range r.contents {
		if k.rep != replica || k.i.Dir == analysis.DirIn {
			continue
		}
		var keys []rec
		for x := range ms {
			keys = append(keys, x)
		}
		sort.Strings(keys)
		for _, x := range keys {
			for j := 0; j < ms[x]; j++ {
				out.Outputs[k.i.FullName()] = append(out.Outputs[k.i.FullName()], m.record(x))
			}
		}
	}
	// keep tells the replica's instances, and names them without the
	// replica, so that two replicas' traces line up.
	keep := func(name string) (string, bool) {
		if i := strings.Index(name, " (replica "); i >= 0 {
			j := i + len(" (replica ")
			return name[:i] + name[j+2:], name[j:j+1] == string(rune('1'+replica))
		}
		return name, true
	}
	for k, xs := range r.arrivals {
		if n, ok := keep(k); ok {
			for _, x := range xs {
				out.Arrivals[n] = append(out.Arrivals[n], m.record(x))
			}
		}
	}
	for k, xs := range r.emitted {
		if n, ok := keep(k); ok {
			for _, x := range xs {
				out.Emitted[n] = append(out.Emitted[n], m.record(x))
			}
		}
	}
	return out
}

// order lists the simulated components upstream first (by distance from
// the sources).
func (m *model) order() []string {
	depth := map[*mcomp]int{}
	var work []*mcomp
	for _, ms := range m.streams {
		if ms.from.Dir == analysis.DirSource && ms.to.Comp != nil {
			if mc := m.byComp[ms.to.Comp]; mc != nil {
				if _, ok := depth[mc]; !ok {
					depth[mc] = 0
					work = append(work, mc)
				}
			}
		}
	}
	for len(work) > 0 {
		mc := work[0]
		work = work[1:]
		for _, ms := range m.streams {
			if ms.from.Comp == mc.c && ms.to.Comp != nil {
				if nc := m.byComp[ms.to.Comp]; nc != nil {
					if _, ok := depth[nc]; !ok {
						depth[nc] = depth[mc] + 1
						work = append(work, nc)
					}
				}
			}
		}
	}
	comps := append([]*mcomp(nil), m.comps...)
	sort.SliceStable(comps, func(i, j int) bool { return depth[comps[i]] < depth[comps[j]] })
	var out []string
	for _, mc := range comps {
		out = append(out, mc.c.Name)
	}
	return out
}

// Violation is an interface the analysis labels Seal[...] or Async whose
// contents differ between two executions of one input.
type Violation struct {
	Iface string
	Label string
	Kind  string // "runs" or "replicas"
	In    map[string][]Record
	V     int
	SeedA int64
	SeedB int64
}

// Check executes the whole program on random inputs under a number of
// schedules and returns the interfaces labelled Seal[...] or Async whose
// contents two executions disagree on (none, when the analysis is sound
// on prog), and how many executions it ran.
func Check(prog *analysis.Program, opts Options) ([]Violation, int) {
	opts = opts.norm()
	m := newModel(prog, nil)
	var det []ifaceRep
	var all []*analysis.Iface
	all = append(all, m.sources...)
	all = append(all, m.sinks...)
	for _, mc := range m.comps {
		all = append(all, mc.c.Inputs...)
		all = append(all, mc.c.Outputs...)
	}
	for _, i := range all {
		if k := i.Label.Kind; k == analysis.Seal || k == analysis.Async {
			det = append(det, ifaceRep{i, 0})
		}
	}
	if len(det) == 0 {
		return nil, 0
	}
	reps := func(i *analysis.Iface) int {
		if i.Comp == nil {
			return 1
		}
		return m.byComp[i.Comp].reps
	}
	rng := rand.New(rand.NewSource(opts.Seed))
	var out []Violation
	seen := map[*analysis.Iface]bool{}
	searched := 0
	for trial := 0; trial < opts.Inputs; trial++ {
		V := 2 + rng.Intn(2)
		in := m.randomInputs(rng, V, opts.MaxRecords)
		first := m.execute(in, V, 0, nil, false)
		searched++
		if first.truncated {
			continue
		}
		for s := int64(1); s < int64(opts.Schedules); s++ {
			r := m.execute(in, V, s, first.rec, false)
			searched++
			if r.truncated {
				continue
			}
			for _, k := range det {
				if seen[k.i] {
					continue
				}
				mine := r.contents[k]
				kind := ""
				if diffCount(first.contents[k], mine) > 0 {
					kind = "runs"
				} else if reps(k.i) > 1 && diffCount(mine, r.contents[ifaceRep{k.i, 1}]) > 0 {
					kind = "replicas"
				}
				if kind == "" {
					continue
				}
				seen[k.i] = true
				v := Violation{Iface: k.i.FullName(), Label: k.i.Label.String(), Kind: kind, In: map[string][]Record{}, V: V, SeedA: 0, SeedB: s}
				for src, xs := range in {
					for _, x := range xs {
						v.In[src.Name] = append(v.In[src.Name], m.record(x))
					}
				}
				out = append(out, v)
			}
		}
	}
	return out, searched
}
