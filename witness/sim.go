package witness

import (
	"math/rand"
	"sort"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

// A record is a string of one byte per attribute of the model: the value
// plus one, 0 when the record lacks the attribute.
type rec = string

const maxCount = 250

type msgKind uint8

const (
	mData msgKind = iota
	mPunct
	mEOS
)

type msg struct {
	kind msgKind
	r    rec    // data
	val  string // punct: the key's values, one byte each
}

type channel struct {
	ms     *mstream
	to     *inst           // nil for a sink
	sink   *analysis.Iface // the sink, when to is nil
	queue  []msg
	sealed map[string]bool
	eos    bool
	active bool
}

type pathRec struct {
	mp *mpath
	r  rec
}

type entry struct {
	in *analysis.Iface
	r  rec
}

type logBuf struct {
	pending []entry
	pos     int
}

type inst struct {
	mc      *mcomp
	rep     int
	part    int
	set     map[pathRec]bool // what each CW and OW path has stored
	sizes   map[pathRec]int  // the size of each CW path's gate groups
	entries []entry
	held    map[*mpath]map[string][]rec
	ins     map[*analysis.Iface][]*channel
	logs    map[string]*logBuf
	outs    map[*mstream][][]*channel // [replica][part]
	sent    map[*mstream]map[string]bool
	eosSent bool
}

// Inputs are the records each source feeds, in a canonical order.
type Inputs map[*analysis.Iface][]rec

type ifaceRep struct {
	i   *analysis.Iface
	rep int
}

// run is one execution of a model.
type run struct {
	m         *model
	V         int // attribute values are 0..V-1
	rng       *rand.Rand
	insts     []*inst
	byComp    map[*mcomp][][]*inst // [replica][part]
	active    []*channel
	ref       map[string][]string // order logs of the first run, replayed
	rec       map[string][]string // order logs recorded (first run)
	forced    bool                // flushing at a quiescent point
	steps     int
	limit     int // steps before the run counts as infinite
	truncated bool
	contents  map[ifaceRep]map[rec]int
	trace     bool
	arrivals  map[string][]rec // "Comp.in#r/p" -> records in processing order
	emitted   map[string][]rec // "Comp.out#r/p" -> records in emission order
}

// maxSteps bounds one run (a cycle through CR forwards forever): a floor,
// raised for large cones by stepsPerChannel for every channel.
const (
	maxSteps        = 3000
	stepsPerChannel = 40
)

func (m *model) execute(in Inputs, V int, seed int64, ref map[string][]string, trace bool) *run {
	r := &run{m: m, V: V, rng: rand.New(rand.NewSource(seed)), byComp: map[*mcomp][][]*inst{}, ref: ref,
		contents: map[ifaceRep]map[rec]int{}, trace: trace}
	if ref == nil {
		r.rec = map[string][]string{}
	}
	if trace {
		r.arrivals = map[string][]rec{}
		r.emitted = map[string][]rec{}
	}
	for _, mc := range m.comps {
		grid := make([][]*inst, mc.reps)
		for rp := 0; rp < mc.reps; rp++ {
			for pt := 0; pt < mc.parts; pt++ {
				x := &inst{mc: mc, rep: rp, part: pt, set: map[pathRec]bool{}, sizes: map[pathRec]int{}, held: map[*mpath]map[string][]rec{},
					ins: map[*analysis.Iface][]*channel{}, logs: map[string]*logBuf{}, outs: map[*mstream][][]*channel{}, sent: map[*mstream]map[string]bool{}}
				grid[rp] = append(grid[rp], x)
				r.insts = append(r.insts, x)
			}
		}
		r.byComp[mc] = grid
	}
	// Channels: from every producer instance to every consumer instance
	// it reaches.
	srcOuts := map[*mstream][][]*channel{}
	sinkCh := map[*analysis.Iface]*channel{}
	for _, ms := range m.streams {
		var targets [][]*channel // [replica][part] for one producer replica
		mk := func(rp, prodReps int) [][]*channel {
			if ms.to.Dir == analysis.DirSink {
				if rp != 0 {
					return nil
				}
				c := &channel{ms: ms, sink: ms.to, sealed: map[string]bool{}}
				sinkCh[ms.to] = c
				return [][]*channel{{c}}
			}
			mc := m.byComp[ms.to.Comp]
			grid := r.byComp[mc]
			out := make([][]*channel, mc.reps)
			for rc := 0; rc < mc.reps; rc++ {
				if mc.reps > 1 && prodReps > 1 && rc != rp || mc.reps == 1 && rp != 0 {
					continue
				}
				for pt := 0; pt < mc.parts; pt++ {
					c := &channel{ms: ms, to: grid[rc][pt], sealed: map[string]bool{}}
					grid[rc][pt].ins[ms.to] = append(grid[rc][pt].ins[ms.to], c)
					out[rc] = append(out[rc], c)
				}
			}
			return out
		}
		if ms.from.Dir == analysis.DirSource {
			targets = mk(0, 1)
			srcOuts[ms] = targets
			continue
		}
		pc := m.byComp[ms.from.Comp]
		for _, x := range r.insts {
			if x.mc == pc {
				x.outs[ms] = mk(x.rep, pc.reps)
				x.sent[ms] = map[string]bool{}
			}
		}
	}
	// Sources: each stream gets every record, in an order of the
	// schedule's choosing, with punctuations after the last record of
	// each key value, then the end of the stream.
	for _, ms := range m.streams {
		chans, ok := srcOuts[ms]
		if !ok {
			continue
		}
		recs := append([]rec(nil), in[ms.from]...)
		r.rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
		last := map[string]int{}
		if ms.hasPunct {
			for i, x := range recs {
				last[keyVal(x, ms.punct)] = i
			}
		}
		for i, x := range recs {
			r.route(chans, ms, x)
			if ms.hasPunct {
				if v := keyVal(x, ms.punct); last[v] == i {
					r.broadcast(chans, msg{kind: mPunct, val: v})
				}
			}
		}
		if ms.hasPunct {
			for _, v := range r.tuples(len(ms.punct)) {
				if _, done := last[v]; !done {
					r.broadcast(chans, msg{kind: mPunct, val: v})
				}
			}
		}
		r.broadcast(chans, msg{kind: mEOS})
	}
	nch := 0
	for _, x := range r.insts {
		for _, cs := range x.ins {
			nch += len(cs)
		}
	}
	r.limit = max(maxSteps, stepsPerChannel*nch)
	for _, x := range r.insts {
		r.progress(x)
	}
	r.loop()
	return r
}

func (r *run) loop() {
	for {
		if len(r.active) == 0 {
			// Nothing moves: release every held group and every log, in
			// a canonical order (a cycle's seals and ends never come),
			// and go on while that sends anything. The flush punctuates
			// nothing: what comes round a loop afterwards is held again.
			r.forced = true
			for _, x := range r.insts {
				r.progress(x)
			}
			r.forced = false
			if len(r.active) == 0 {
				return
			}
			continue
		}
		if r.steps >= r.limit {
			r.truncated = true
			return
		}
		r.steps++
		i := r.rng.Intn(len(r.active))
		c := r.active[i]
		n := 0
		for n < len(c.queue) && c.queue[n].kind == mData {
			n++
		}
		j := 0
		if n > 0 {
			j = r.rng.Intn(n)
		}
		mg := c.queue[j]
		c.queue = append(c.queue[:j], c.queue[j+1:]...)
		if len(c.queue) == 0 {
			c.active = false
			r.active[i] = r.active[len(r.active)-1]
			r.active = r.active[:len(r.active)-1]
		}
		r.deliver(c, mg)
	}
}

func (r *run) send(c *channel, mg msg) {
	c.queue = append(c.queue, mg)
	if !c.active {
		c.active = true
		r.active = append(r.active, c)
	}
}

func (r *run) broadcast(chans [][]*channel, mg msg) {
	for _, row := range chans {
		for _, c := range row {
			r.send(c, mg)
		}
	}
}

// route sends a data record to one instance of every replica.
func (r *run) route(chans [][]*channel, ms *mstream, x rec) {
	for _, row := range chans {
		if len(row) == 0 {
			continue
		}
		pt := 0
		switch {
		case len(row) == 1:
		case ms.shuffle:
			pt = r.rng.Intn(len(row))
		case ms.hasPart:
			pt = hashKey(x, ms.part) % len(row)
		}
		r.send(row[pt], msg{kind: mData, r: x})
	}
}

func hashKey(x rec, key []int) int {
	h := uint32(2166136261)
	for _, a := range key {
		h ^= uint32(x[a])
		h *= 16777619
	}
	return int(h >> 7)
}

func keyVal(x rec, key []int) string {
	b := make([]byte, len(key))
	for i, a := range key {
		b[i] = x[a]
	}
	return string(b)
}

// tuples lists every value of an n-attribute key, encoded as records
// encode values.
func (r *run) tuples(n int) []string {
	out := []string{""}
	for i := 0; i < n; i++ {
		var next []string
		for _, t := range out {
			for v := 0; v < r.V; v++ {
				next = append(next, t+string(rune(v+1)))
			}
		}
		out = next
	}
	return out
}

func (r *run) observe(i *analysis.Iface, rep int, x rec) {
	k := ifaceRep{i, rep}
	ms := r.contents[k]
	if ms == nil {
		ms = map[rec]int{}
		r.contents[k] = ms
	}
	ms[x]++
}

func (r *run) deliver(c *channel, mg msg) {
	if c.to == nil {
		if mg.kind == mData {
			r.observe(c.sink, 0, mg.r)
			if r.trace {
				r.arrivals[c.sink.Name] = append(r.arrivals[c.sink.Name], mg.r)
			}
		}
		return
	}
	x := c.to
	switch mg.kind {
	case mPunct:
		c.sealed[mg.val] = true
	case mEOS:
		c.eos = true
	case mData:
		if c.ms.hasOrder {
			r.logAppend(x, c.ms, mg.r)
		} else {
			r.process(x, c.ms.to, mg.r)
		}
	}
	r.progress(x)
}

// logAppend puts a record in the consumer's log for its key value, and
// releases what the log's order allows: in the first run, the log's order
// is the order of appends, recorded; in every other run (a replay) and
// at every replica, the log is read again in that recorded order.
func (r *run) logAppend(x *inst, ms *mstream, v rec) {
	lk := ms.orderKey + "|" + keyVal(v, ms.order)
	gk := x.mc.c.Name + "#" + string(rune('0'+x.part)) + "|" + lk
	e := entry{ms.to, v}
	if r.ref == nil {
		if x.rep == 0 {
			r.rec[gk] = append(r.rec[gk], entryKey(e))
		}
		r.process(x, ms.to, v)
		return
	}
	lb := x.logs[lk]
	if lb == nil {
		lb = &logBuf{}
		x.logs[lk] = lb
	}
	lb.pending = append(lb.pending, e)
	r.drainLog(x, lb, r.ref[gk], false)
}

func entryKey(e entry) string { return e.in.Name + "\x00" + e.r }

func (r *run) drainLog(x *inst, lb *logBuf, seq []string, force bool) {
	for lb.pos < len(seq) {
		found := -1
		for i, e := range lb.pending {
			if entryKey(e) == seq[lb.pos] {
				found = i
				break
			}
		}
		if found < 0 {
			if !force {
				return
			}
			lb.pos++
			continue
		}
		e := lb.pending[found]
		lb.pending = append(lb.pending[:found], lb.pending[found+1:]...)
		lb.pos++
		r.process(x, e.in, e.r)
	}
	if force && len(lb.pending) > 0 {
		rest := lb.pending
		lb.pending = nil
		sort.Slice(rest, func(i, j int) bool { return entryKey(rest[i]) < entryKey(rest[j]) })
		for _, e := range rest {
			r.process(x, e.in, e.r)
		}
	}
}

// process applies every path out of input in to one record.
func (r *run) process(x *inst, in *analysis.Iface, v rec) {
	r.observe(in, x.rep, v)
	if r.trace {
		k := instName(in, x)
		r.arrivals[k] = append(r.arrivals[k], v)
	}
	for _, mp := range x.mc.byIn[in] {
		switch mp.kind {
		case grammar.CR:
			r.emit(x, mp.p.Out, v)
		case grammar.CW:
			if k := (pathRec{mp, v}); !x.set[k] {
				x.set[k] = true
				x.entries = append(x.entries, entry{in, v})
				r.emit(x, mp.p.Out, v)
				// The group's size crossing n, once per n: a threshold
				// test, confluent on one instance, telling which
				// instance held how much of the group.
				g := pathRec{mp, groupKey(v, mp)}
				x.sizes[g]++
				r.emit(x, mp.p.Out, r.marker(v, mp, x.sizes[g]))
			}
		case grammar.OW, grammar.OR:
			if mp.hold && !r.forced {
				g := groupKey(v, mp)
				if x.held[mp] == nil {
					x.held[mp] = map[string][]rec{}
				}
				x.held[mp][g] = append(x.held[mp][g], v)
			} else {
				r.apply(x, mp, v)
			}
		}
	}
	if !x.mc.writers {
		// A component without write paths: what its inputs carry is the
		// state its reads see.
		x.entries = append(x.entries, entry{in, v})
	}
}

// apply runs an order-sensitive path on one record.
func (r *run) apply(x *inst, mp *mpath, v rec) {
	if mp.kind == grammar.OW {
		// A write of a value the path already stored (its own count
		// aside: a record coming back round a loop) changes nothing and
		// emits nothing.
		k := pathRec{mp, withCount(v, mp.countAt, -1)}
		if x.set[k] {
			return
		}
		x.set[k] = true
		x.entries = append(x.entries, entry{mp.p.In, v})
	}
	n := 0
	for _, e := range x.entries {
		if mp.kind == grammar.OR && !containsIface(mp.relevant, e.in) {
			continue
		}
		if sameGroup(e.r, v, mp) {
			n++
		}
	}
	r.emit(x, mp.p.Out, withCount(v, mp.countAt, n))
}

func containsIface(s []*analysis.Iface, i *analysis.Iface) bool {
	for _, x := range s {
		if x == i {
			return true
		}
	}
	return false
}

// withCount sets the count attribute at to n (n = -1 clears it).
func withCount(v rec, at, n int) rec {
	if n > maxCount {
		n = maxCount
	}
	b := []byte(v)
	b[at] = byte(n + 1)
	return string(b)
}

func groupKey(v rec, mp *mpath) string {
	b := make([]byte, 0, len(mp.plain)+len(mp.window))
	for _, a := range mp.plain {
		b = append(b, v[a])
	}
	for _, a := range mp.window {
		b = append(b, window(v[a]))
	}
	return string(b)
}

// window is the event-time window of a value: windows of two values.
func window(b byte) byte {
	if b == 0 {
		return 0
	}
	return (b-1)/2 + 1
}

func sameGroup(a, b rec, mp *mpath) bool {
	for _, x := range mp.plain {
		if a[x] != b[x] {
			return false
		}
	}
	for _, x := range mp.window {
		if window(a[x]) != window(b[x]) {
			return false
		}
	}
	return true
}

func (r *run) emit(x *inst, out *analysis.Iface, v rec) {
	r.observe(out, x.rep, v)
	if r.trace {
		k := instName(out, x)
		r.emitted[k] = append(r.emitted[k], v)
	}
	for ms, chans := range x.outs {
		if ms.from == out {
			r.route(chans, ms, v)
		}
	}
}

// region is a set of records: fixed attribute values, and windows.
type region struct {
	fixed map[int]byte
	win   map[int]byte
}

func (g region) has(v rec) bool {
	for a, b := range g.fixed {
		if v[a] != b {
			return false
		}
	}
	for a, w := range g.win {
		if window(v[a]) != w {
			return false
		}
	}
	return true
}

func groupRegion(v rec, mp *mpath) region {
	g := region{fixed: map[int]byte{}, win: map[int]byte{}}
	for _, a := range mp.plain {
		g.fixed[a] = v[a]
	}
	for _, a := range mp.window {
		if _, ok := g.fixed[a]; !ok {
			g.win[a] = window(v[a])
		}
	}
	return g
}

// sealedFor: the channel has announced that no more records of g come.
func (r *run) sealedFor(c *channel, g region) bool {
	if c.eos {
		return true
	}
	if !c.ms.hasPunct {
		return false
	}
	vals := []string{""}
	for _, a := range c.ms.punct {
		var opts []byte
		if b, ok := g.fixed[a]; ok {
			opts = []byte{b}
		} else if w, ok := g.win[a]; ok && w == 0 {
			opts = []byte{0} // records without the attribute: never sealed before the end
		} else if ok {
			for v := 0; v < r.V; v++ {
				if window(byte(v+1)) == w {
					opts = append(opts, byte(v+1))
				}
			}
		} else {
			return false
		}
		var next []string
		for _, t := range vals {
			for _, b := range opts {
				next = append(next, t+string([]byte{b}))
			}
		}
		vals = next
	}
	for _, t := range vals {
		if !c.sealed[t] {
			return false
		}
	}
	return true
}

// complete: every producer of input in has sealed g, and no record of g
// waits in the input's logs.
func (r *run) complete(x *inst, in *analysis.Iface, g region) bool {
	if r.forced {
		return true
	}
	for _, c := range x.ins[in] {
		if !r.sealedFor(c, g) {
			return false
		}
	}
	for _, lb := range x.logs {
		for _, e := range lb.pending {
			if e.in == in && g.has(e.r) {
				return false
			}
		}
	}
	return true
}

// progress releases complete gate groups, and punctuates and ends the
// outputs the instance is done with.
func (r *run) progress(x *inst) {
	if r.forced {
		keys := make([]string, 0, len(x.logs))
		for k := range x.logs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gk := x.mc.c.Name + "#" + string(rune('0'+x.part)) + "|" + k
			r.drainLog(x, x.logs[k], r.ref[gk], true)
		}
	}
	// Writes first: a coordinated read of a complete group reads the
	// group's every write.
	for _, mp := range x.mc.release {
		groups := x.held[mp]
		if len(groups) == 0 {
			continue
		}
		keys := make([]string, 0, len(groups))
		for k := range groups {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			recs := groups[k]
			g := groupRegion(recs[0], mp)
			ok := r.forced || !r.writesHeld(x, mp, g)
			for _, in := range mp.relevant {
				if !ok || !r.complete(x, in, g) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			delete(groups, k)
			sort.Strings(recs)
			for _, v := range recs {
				r.apply(x, mp, v)
			}
		}
	}
	if r.forced {
		return
	}
	// Punctuations and ends of stream, in a fixed order.
	streams := make([]*mstream, 0, len(x.outs))
	for ms := range x.outs {
		streams = append(streams, ms)
	}
	sort.Slice(streams, func(i, j int) bool { return streams[i].s.Name() < streams[j].s.Name() })
	for _, ms := range streams {
		if !ms.hasPunct {
			continue
		}
		for _, v := range r.tuples(len(ms.punct)) {
			if x.sent[ms][v] {
				continue
			}
			g := region{fixed: map[int]byte{}}
			for i, a := range ms.punct {
				g.fixed[a] = v[i]
			}
			if r.done(x, ms.from, g) {
				x.sent[ms][v] = true
				r.broadcast(x.outs[ms], msg{kind: mPunct, val: v})
			}
		}
	}
	if !x.eosSent && r.done(x, nil, region{}) {
		x.eosSent = true
		for _, ms := range streams {
			r.broadcast(x.outs[ms], msg{kind: mEOS})
		}
	}
}

// done: the instance will emit no more records of g on out (every
// output when out is nil).
func (r *run) done(x *inst, out *analysis.Iface, g region) bool {
	for _, mp := range x.mc.paths {
		if out != nil && mp.p.Out != out {
			continue
		}
		if !r.complete(x, mp.p.In, g) {
			return false
		}
		for _, recs := range x.held[mp] {
			for _, v := range recs {
				if g.has(v) {
					return false
				}
			}
		}
	}
	return true
}

func instName(i *analysis.Iface, x *inst) string {
	n := i.FullName()
	if x.mc.reps > 1 {
		n += " (replica " + string(rune('1'+x.rep)) + ")"
	}
	if x.mc.parts > 1 {
		n += " [instance " + string(rune('1'+x.part)) + "]"
	}
	return n
}

// marker is the record a CW path emits when a gate group reaches size n:
// the group's plain gate attributes, the first value of its window for a
// window term, and the count.
func (r *run) marker(v rec, mp *mpath, n int) rec {
	b := make([]byte, len(v))
	for _, a := range mp.plain {
		b[a] = v[a]
	}
	for _, a := range mp.window {
		if b[a] == 0 {
			b[a] = (window(v[a])-1)*2 + 1
		}
	}
	if n > maxCount {
		n = maxCount
	}
	b[mp.countAt] = byte(n + 1)
	return string(b)
}

// writesHeld: another write path of the instance still holds a record of
// g, so the group's state is not final yet (a write path held on a wider
// gate group than the reader's).
func (r *run) writesHeld(x *inst, mp *mpath, g region) bool {
	for _, w := range x.mc.release {
		if w == mp || !w.kind.Write() {
			continue
		}
		for _, recs := range x.held[w] {
			for _, v := range recs {
				if g.has(v) {
					return true
				}
			}
		}
	}
	return false
}
