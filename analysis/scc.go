package analysis

// tarjan is the scratch space Tarjan's algorithm keeps in each node while
// a program is built (index+1; 0 means not visited yet).
type tarjan struct {
	index, low int32
	onStack    bool
}

// sccNode is a graph node that carries its own Tarjan scratch space.
type sccNode interface {
	comparable
	scratch() *tarjan
}

func (i *Iface) scratch() *tarjan     { return &i.tj }
func (c *Component) scratch() *tarjan { return &c.tj }

// forEachSCC calls emit with each strongly connected component of the
// graph reachable from roots, consumers first (reverse topological order):
// when emit sees an SCC, every SCC it feeds has been emitted already.
// Tarjan's algorithm, iterative, so that a long chain cannot overflow the
// stack; succ calls its callback for each successor of a node.
func forEachSCC[N sccNode](roots []N, succ func(N, func(N)), emit func([]N)) {
	// The successors of the nodes on the work stack live in one buffer
	// used as a stack too: a frame owns buf[lo:hi] and frees it when it
	// is popped, so the walk allocates nothing per node.
	type frame struct {
		n         N
		lo, hi, k int
	}
	var stack, buf []N
	var next int32
	push := func(m N) { buf = append(buf, m) }
	visit := func(n N) frame {
		next++
		t := n.scratch()
		t.index, t.low, t.onStack = next, next, true
		stack = append(stack, n)
		f := frame{n: n, lo: len(buf)}
		succ(n, push)
		f.hi, f.k = len(buf), f.lo
		return f
	}
	for _, root := range roots {
		if root.scratch().index != 0 {
			continue
		}
		work := []frame{visit(root)}
		for len(work) > 0 {
			f := &work[len(work)-1]
			if f.k < f.hi {
				m := buf[f.k]
				f.k++
				if t := m.scratch(); t.index == 0 {
					work = append(work, visit(m))
				} else if ft := f.n.scratch(); t.onStack && t.index < ft.low {
					ft.low = t.index
				}
				continue
			}
			n := f.n
			buf = buf[:f.lo]
			work = work[:len(work)-1]
			t := n.scratch()
			if len(work) > 0 {
				if pt := work[len(work)-1].n.scratch(); t.low < pt.low {
					pt.low = t.low
				}
			}
			if t.low != t.index {
				continue
			}
			start := len(stack) - 1
			for stack[start] != n {
				start--
			}
			members := stack[start:]
			for _, m := range members {
				m.scratch().onStack = false
			}
			emit(members)
			stack = stack[:start]
		}
	}
}
