package render

import (
	"math"
	"sort"
)

// The layout works on "items": the real nodes (item i is node i) and the
// dummies that carry an edge across a layer. Node layers are even; an
// edge between layers 2k and 2k+2 crosses the odd layer 2k+1 on a dummy
// that holds its label, so labels take room like nodes and never overlap.

type item struct {
	node      int32 // node index, or -1 for a dummy
	edge      int32 // for dummies, the edge
	label     bool  // the dummy that carries its edge's label
	layer     int32
	pos       int32
	y         float64
	w         float64 // width in its column
	top, bot  float64 // extent above and below y
	in, out   []int32 // links
	preorder  int32
	isVisited bool
}

// link joins items of adjacent layers, left to right.
type link struct {
	a, b       int32
	w          float64 // how much it pulls its ends into line
	offA, offB float64 // where it meets each end, from the end's y (ports)
}

type layout struct {
	g      *graph
	items  []item
	links  []link
	layers [][]int32
	colX   []float64 // left edge of each layer's column
	colW   []float64
	width  float64
	height float64
}

func (l *layout) isDummy(i int32) bool { return l.items[i].node < 0 }

// doLayout places every node and edge of g.
func doLayout(g *graph) *layout {
	l := &layout{g: g}
	rank := l.rank()
	l.makeItems(rank)
	l.initOrder()
	l.order()
	l.place()
	l.columns()
	l.ports()
	return l
}

// rank breaks cycles (marking DFS back edges, which are laid out reversed)
// and assigns each node its longest-path layer from the nodes without
// predecessors; a node without predecessors then moves right to just
// before its nearest successor.
func (l *layout) rank() []int {
	g := l.g
	n := len(g.nodes)
	out := make([][]int32, n)
	indeg := make([]int, n)
	for ei, e := range g.edges {
		if e.loop {
			continue
		}
		out[e.from] = append(out[e.from], int32(ei))
		indeg[e.to]++
	}
	// Iterative DFS, roots without predecessors first.
	const white, grey, black = 0, 1, 2
	state := make([]uint8, n)
	type frame struct{ v, next int }
	var stack []frame
	dfs := func(r int) {
		state[r] = grey
		stack = append(stack[:0], frame{r, 0})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next == len(out[f.v]) {
				state[f.v] = black
				stack = stack[:len(stack)-1]
				continue
			}
			ei := out[f.v][f.next]
			f.next++
			w := g.edges[ei].to
			switch state[w] {
			case white:
				state[w] = grey
				stack = append(stack, frame{w, 0})
			case grey:
				g.edges[ei].back = true
			}
		}
	}
	for v := 0; v < n; v++ {
		if indeg[v] == 0 && state[v] == white {
			dfs(v)
		}
	}
	for v := 0; v < n; v++ {
		if state[v] == white {
			dfs(v)
		}
	}
	// Longest path over the acyclic graph (back edges reversed), Kahn's
	// order.
	succ := make([][]int32, n)
	deg := make([]int, n)
	for _, e := range g.edges {
		if e.loop {
			continue
		}
		a, b := e.from, e.to
		if e.back {
			a, b = b, a
		}
		succ[a] = append(succ[a], int32(b))
		deg[b]++
	}
	hasPred := make([]bool, n)
	for v := range deg {
		hasPred[v] = deg[v] > 0
	}
	rank := make([]int, n)
	queue := make([]int32, 0, n)
	for v := 0; v < n; v++ {
		if deg[v] == 0 {
			queue = append(queue, int32(v))
		}
	}
	for h := 0; h < len(queue); h++ {
		v := queue[h]
		for _, w := range succ[v] {
			rank[w] = max(rank[w], rank[v]+1)
			if deg[w]--; deg[w] == 0 {
				queue = append(queue, w)
			}
		}
	}
	for v := 0; v < n; v++ {
		if hasPred[v] || len(succ[v]) == 0 {
			continue
		}
		m := math.MaxInt
		for _, w := range succ[v] {
			m = min(m, rank[w])
		}
		rank[v] = m - 1
	}
	return rank
}

// makeItems creates the items: nodes, then each edge's dummies, within a
// budget (an edge over it is drawn as one curve without dummies).
func (l *layout) makeItems(rank []int) {
	g := l.g
	l.items = make([]item, len(g.nodes), len(g.nodes)+2*len(g.edges))
	maxLayer := 0
	for v := range g.nodes {
		n := &g.nodes[v]
		top := n.h / 2
		if len(n.loops) > 0 {
			top += loopRise(len(n.loops) - 1)
		}
		l.items[v] = item{node: int32(v), edge: -1, layer: int32(2 * rank[v]), w: max(n.w, n.loopW), top: top, bot: n.h / 2}
		maxLayer = max(maxLayer, 2*rank[v])
	}
	ends := func(e *gedge) (int, int) {
		if e.back {
			return e.to, e.from
		}
		return e.from, e.to
	}
	total, budget := 0, 8*(len(g.nodes)+len(g.edges))+1024
	var long []int
	for ei := range g.edges {
		e := &g.edges[ei]
		if e.loop {
			continue
		}
		a, b := ends(e)
		total += 2*(rank[b]-rank[a]) - 1
		if rank[b]-rank[a] > 1 {
			long = append(long, ei)
		}
	}
	if total > budget {
		sort.SliceStable(long, func(i, j int) bool {
			ai, bi := ends(&g.edges[long[i]])
			aj, bj := ends(&g.edges[long[j]])
			return rank[bi]-rank[ai] > rank[bj]-rank[aj]
		})
		for _, ei := range long {
			if total <= budget {
				break
			}
			e := &g.edges[ei]
			a, b := ends(e)
			e.direct = true
			total -= 2*(rank[b]-rank[a]) - 1
		}
	}
	for ei := range g.edges {
		e := &g.edges[ei]
		if e.loop || e.direct {
			continue
		}
		a, b := ends(e)
		la, lb := 2*rank[a], 2*rank[b]
		mid := (la + lb) / 2
		if mid%2 == 0 {
			mid--
		}
		e.items = append(e.items, int32(a))
		for L := la + 1; L < lb; L++ {
			d := item{node: -1, edge: int32(ei), layer: int32(L), top: dummySep / 2, bot: dummySep / 2}
			if L == mid {
				d.label = true
				d.w = textWidth(e.text, edgeSize) + 8
				d.top = labelAsc
				d.bot = 3
			}
			e.items = append(e.items, int32(len(l.items)))
			l.items = append(l.items, d)
		}
		e.items = append(e.items, int32(b))
		for k := 0; k+1 < len(e.items); k++ {
			x, y := e.items[k], e.items[k+1]
			w := 1.0
			switch {
			case l.isDummy(x) && l.isDummy(y):
				w = 8
			case l.isDummy(x) || l.isDummy(y):
				w = 2
			}
			k0 := link{a: x, b: y, w: w}
			if k == 0 {
				k0.offA = l.portDY(e, a)
			}
			if k+2 == len(e.items) {
				k0.offB = l.portDY(e, b)
			}
			li := int32(len(l.links))
			l.links = append(l.links, k0)
			l.items[x].out = append(l.items[x].out, li)
			l.items[y].in = append(l.items[y].in, li)
		}
	}
	l.layers = make([][]int32, maxLayer+1)
}

// initOrder orders each layer by a depth-first traversal from the nodes
// of the leftmost layers, as Graphviz does: a tree comes out uncrossed.
func (l *layout) initOrder() {
	roots := make([]int32, len(l.g.nodes))
	for i := range roots {
		roots[i] = int32(i)
	}
	sort.SliceStable(roots, func(i, j int) bool { return l.items[roots[i]].layer < l.items[roots[j]].layer })
	var stack []int32
	visit := func(r int32) {
		if l.items[r].isVisited {
			return
		}
		stack = append(stack[:0], r)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			it := &l.items[v]
			if it.isVisited {
				continue
			}
			it.isVisited = true
			it.pos = int32(len(l.layers[it.layer]))
			l.layers[it.layer] = append(l.layers[it.layer], v)
			// Push successors in reverse so that the first is visited
			// first; predecessors too, so that a component reached
			// backwards sits by its other inputs.
			for k := len(it.in) - 1; k >= 0; k-- {
				if p := l.links[it.in[k]].a; !l.items[p].isVisited {
					stack = append(stack, p)
				}
			}
			for k := len(it.out) - 1; k >= 0; k-- {
				if s := l.links[it.out[k]].b; !l.items[s].isVisited {
					stack = append(stack, s)
				}
			}
		}
	}
	for _, r := range roots {
		visit(r)
	}
}

// order reduces crossings by barycenter sweeps, keeping the best order
// seen.
func (l *layout) order() {
	const maxIter = 12
	best := l.snapshot()
	bestC := l.crossings()
	keys := make([]float64, 0)
	stall := 0
	for iter := 0; iter < maxIter && bestC > 0 && stall < 3; iter++ {
		for L := 1; L < len(l.layers); L++ {
			keys = l.sortLayer(L, true, keys)
		}
		for L := len(l.layers) - 2; L >= 0; L-- {
			keys = l.sortLayer(L, false, keys)
		}
		if c := l.crossings(); c < bestC {
			best, bestC, stall = l.snapshot(), c, 0
		} else {
			stall++
		}
	}
	l.layers = best
	for _, layer := range l.layers {
		for p, v := range layer {
			l.items[v].pos = int32(p)
		}
	}
}

func (l *layout) snapshot() [][]int32 {
	s := make([][]int32, len(l.layers))
	for i, layer := range l.layers {
		s[i] = append([]int32(nil), layer...)
	}
	return s
}

// sortLayer sorts a layer by the mean relative position of its neighbours
// in the layer before it (byIn) or after it; an item without neighbours
// there keeps its relative position.
func (l *layout) sortLayer(L int, byIn bool, keys []float64) []float64 {
	layer := l.layers[L]
	if len(layer) < 2 {
		return keys
	}
	other := L + 1
	if byIn {
		other = L - 1
	}
	no := float64(len(l.layers[other]))
	n := float64(len(layer))
	keys = keys[:0]
	for p, v := range layer {
		it := &l.items[v]
		ls := it.out
		if byIn {
			ls = it.in
		}
		if len(ls) == 0 {
			keys = append(keys, (float64(p)+0.5)/n)
			continue
		}
		s := 0.0
		for _, li := range ls {
			o := l.links[li].b
			if byIn {
				o = l.links[li].a
			}
			s += (float64(l.items[o].pos) + 0.5) / no
		}
		keys = append(keys, s/float64(len(ls)))
	}
	perm := make([]int32, len(layer))
	for i := range perm {
		perm[i] = int32(i)
	}
	sort.SliceStable(perm, func(i, j int) bool { return keys[perm[i]] < keys[perm[j]] })
	sorted := make([]int32, len(layer))
	for p, q := range perm {
		sorted[p] = layer[q]
		l.items[layer[q]].pos = int32(p)
	}
	l.layers[L] = sorted
	return keys
}

// crossings counts the edge crossings between every pair of adjacent
// layers (Barth, Jünger and Mutzel's accumulation with a Fenwick tree).
func (l *layout) crossings() int {
	total := 0
	var tree []int
	var lower []int
	for L := 0; L+1 < len(l.layers); L++ {
		n := len(l.layers[L+1])
		if cap(tree) < n+1 {
			tree = make([]int, n+1)
		}
		tree = tree[:n+1]
		clear(tree)
		seen := 0
		for _, v := range l.layers[L] {
			lower = lower[:0]
			for _, li := range l.items[v].out {
				lower = append(lower, int(l.items[l.links[li].b].pos))
			}
			sort.Ints(lower)
			for _, p := range lower {
				// Links inserted so far that end strictly below p cross.
				le := 0
				for i := p + 1; i > 0; i -= i & -i {
					le += tree[i]
				}
				total += seen - le
			}
			for _, p := range lower {
				for i := p + 1; i <= n; i += i & -i {
					tree[i]++
				}
				seen++
			}
		}
	}
	return total
}

// place assigns y coordinates: sweeps that move each item towards the
// weighted mean of its neighbours' positions, keeping the order and the
// separations of each layer (an isotonic regression, solved in linear
// time by pooling adjacent violators).
func (l *layout) place() {
	for _, layer := range l.layers {
		y := 0.0
		for p, v := range layer {
			it := &l.items[v]
			if p > 0 {
				y += l.sep(layer[p-1], v)
			}
			it.y = y
		}
	}
	var ws []float64
	var ds []float64
	for iter := 0; iter < 6; iter++ {
		for L := 1; L < len(l.layers); L++ {
			ds, ws = l.settle(L, 1, ds, ws)
		}
		for L := len(l.layers) - 2; L >= 0; L-- {
			ds, ws = l.settle(L, 2, ds, ws)
		}
	}
	for iter := 0; iter < 2; iter++ {
		for L := 0; L < len(l.layers); L++ {
			ds, ws = l.settle(L, 3, ds, ws)
		}
	}
}

// sep is the distance between the lines of two items of a layer, a above
// b.
func (l *layout) sep(a, b int32) float64 {
	gap := dummySep
	if !l.isDummy(a) && !l.isDummy(b) {
		gap = nodeSep
	}
	return l.items[a].bot + gap + l.items[b].top
}

// settle moves layer L towards its neighbours on the sides in mask (1:
// the layer before, 2: the layer after).
func (l *layout) settle(L int, mask int, ds, ws []float64) ([]float64, []float64) {
	layer := l.layers[L]
	if len(layer) == 0 {
		return ds, ws
	}
	ds, ws = ds[:0], ws[:0]
	off := 0.0
	for p, v := range layer {
		it := &l.items[v]
		if p > 0 {
			off += l.sep(layer[p-1], v)
		}
		sw, sy := 0.0, 0.0
		if mask&1 != 0 {
			for _, li := range it.in {
				k := l.links[li]
				sw += k.w
				sy += k.w * (l.items[k.a].y + k.offA - k.offB)
			}
		}
		if mask&2 != 0 {
			for _, li := range it.out {
				k := l.links[li]
				sw += k.w
				sy += k.w * (l.items[k.b].y + k.offB - k.offA)
			}
		}
		d, w := it.y, 0.05
		if sw > 0 {
			d, w = sy/sw, sw
		}
		// Positions in the frame where the separations are zero.
		ds = append(ds, d-off)
		ws = append(ws, w)
	}
	isotonic(ds, ws)
	off = 0
	for p, v := range layer {
		if p > 0 {
			off += l.sep(layer[p-1], v)
		}
		l.items[v].y = ds[p] + off
	}
	return ds, ws
}

// isotonic replaces d by its weighted non-decreasing least-squares fit
// (pool adjacent violators).
func isotonic(d, w []float64) {
	type block struct {
		sw, swd float64
		n       int
	}
	blocks := make([]block, 0, len(d))
	for i := range d {
		b := block{w[i], w[i] * d[i], 1}
		for len(blocks) > 0 {
			t := blocks[len(blocks)-1]
			if t.swd/t.sw <= b.swd/b.sw {
				break
			}
			b = block{t.sw + b.sw, t.swd + b.swd, t.n + b.n}
			blocks = blocks[:len(blocks)-1]
		}
		blocks = append(blocks, b)
	}
	i := 0
	for _, b := range blocks {
		m := b.swd / b.sw
		for k := 0; k < b.n; k++ {
			d[i] = m
			i++
		}
	}
}

// columns sets the x of each layer: as wide as its widest item, with gaps
// that grow with the steepest edge crossing them.
func (l *layout) columns() {
	n := len(l.layers)
	l.colX = make([]float64, n)
	l.colW = make([]float64, n)
	for L, layer := range l.layers {
		for _, v := range layer {
			l.colW[L] = max(l.colW[L], l.items[v].w)
		}
	}
	x := margin
	for L := range l.layers {
		l.colX[L] = x
		x += l.colW[L]
		if L+1 < n {
			dy := 0.0
			for _, v := range l.layers[L] {
				for _, li := range l.items[v].out {
					dy = max(dy, math.Abs(l.items[l.links[li].b].y-l.items[v].y))
				}
			}
			x += min(max(minColGap, dy/4), maxColGap)
		}
	}
	l.width = x + margin
	// Shift everything down so that the top is at 0.
	top := math.Inf(1)
	bot := math.Inf(-1)
	for i := range l.items {
		it := &l.items[i]
		top = min(top, it.y-it.top)
		bot = max(bot, it.y+it.bot)
	}
	if len(l.items) == 0 {
		top, bot = 0, 0
	}
	for i := range l.items {
		l.items[i].y -= top
	}
	l.height = bot - top
}

// cx is the centre of an item's column.
func (l *layout) cx(i int32) float64 {
	L := l.items[i].layer
	return l.colX[L] + l.colW[L]/2
}

// portDY is where edge e meets node v, from v's centre: at the producer's
// output port or the consumer's input port.
func (l *layout) portDY(e *gedge, v int) float64 {
	n := &l.g.nodes[v]
	if v == e.from && e.pa < len(n.outs) {
		return n.outs[e.pa].dy
	}
	if v == e.to && e.pb < len(n.ins) {
		return n.ins[e.pb].dy
	}
	return 0
}

// ports sets the y where each edge meets its left and right node: the y
// of the interfaces' ports.
func (l *layout) ports() {
	g := l.g
	for ei := range g.edges {
		e := &g.edges[ei]
		a, b := e.from, e.to
		if e.back {
			a, b = b, a
		}
		e.portA = l.items[a].y + l.portDY(e, a)
		e.portB = l.items[b].y + l.portDY(e, b)
	}
}
