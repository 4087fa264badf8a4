// Package gen generates large, realistic .blazes dataflows for benchmarks
// and property tests: chains of maps, merges, replicated stages, sealed
// streams, order-sensitive aggregations and reads over state, feedback
// loops and sinks, in proportions that resemble stream-processing jobs;
// and, now and then, the constructs of contract v2: watermarks and
// windowed aggregates, keyed logs (order(k)) and stream-table joins,
// keyed state (CW[k]) on parallel instances routed by partition(k) or
// shuffle.
package gen

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
)

// pipelineLen is the length of one job's pipeline in a generated file.
const pipelineLen = 40

// Dataflow returns a dataflow of n components (n ≥ 1), deterministic for a
// given seed. Every component input has a producer, so the text analyses
// without semantic errors; it has findings (uncoordinated aggregations)
// as real dataflows do.
func Dataflow(n int, seed int64) []byte {
	if n < 1 {
		n = 1
	}
	r := rand.New(rand.NewSource(seed))
	// v2 drives the constructs of contract v2 from its own source, so
	// that the rest of a generated file stays as it was.
	v2 := rand.New(rand.NewSource(seed*7919 + 17))
	var b bytes.Buffer
	b.Grow(n * 180)
	fmt.Fprintf(&b, "dataflow generated_%d\n\n", n)
	nsrc := n/50 + 1
	for s := 0; s < nsrc; s++ {
		fmt.Fprintf(&b, "source src%d(key, batch, val)", s)
		if r.Intn(3) == 0 {
			if v2.Intn(3) == 0 {
				b.WriteString(" watermark(batch)")
			} else {
				b.WriteString(" seal(batch)")
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "sink results(key, batch, val)\n\n")

	type input struct{ comp, iface string }
	var streams bytes.Buffer
	// A large dataflow file holds many jobs: components come in pipelines
	// of pipelineLen. producer picks an upstream output for component i:
	// mostly a recent component of its pipeline (chains and fan-in),
	// sometimes a source, rarely a component of an earlier pipeline (jobs
	// that feed each other).
	producer := func(i int) string {
		start := i - i%pipelineLen
		switch {
		case i > start && r.Intn(100) == 0:
			return fmt.Sprintf("C%d.res", r.Intn(start+1))
		case i == start || r.Intn(12) == 0:
			return fmt.Sprintf("src%d", r.Intn(nsrc))
		}
		back := 1 + r.Intn(min(i-start, 8))
		return fmt.Sprintf("C%d.res", i-back)
	}
	attrs := func() string {
		s := ""
		switch x := r.Intn(20); {
		case x < 4:
			s += " seal(batch)"
		case x == 4:
			s += " seal(key)"
		case x == 5 && r.Intn(4) == 0:
			s += " order"
		}
		if r.Intn(10) == 0 {
			s += " rep"
		}
		switch v2.Intn(40) {
		case 0:
			s = strings.Replace(s, " seal(batch)", " watermark(batch)", 1)
		case 1:
			s += " partition(key)"
		case 2:
			if v2.Intn(3) == 0 {
				s += " shuffle"
			}
		case 3:
			if strings.Contains(s, " order") {
				s = strings.Replace(s, " order", " order(key)", 1)
			} else {
				s += " order(key)"
			}
		}
		return s
	}
	feed := func(from string, to input) {
		fmt.Fprintf(&streams, "stream %s -> %s.%s%s\n", from, to.comp, to.iface, attrs())
	}
	// feedSealed feeds an order-sensitive input the way a working program
	// does: mostly through a stream sealed within the gate.
	feedSealed := func(from string, to input, seal string) {
		if r.Intn(100) < 97 {
			fmt.Fprintf(&streams, "stream %s -> %s.%s seal(%s)\n", from, to.comp, to.iface, seal)
			return
		}
		feed(from, to)
	}
	// feedWith feeds an input the way a working v2 program does: mostly
	// with the attributes that coordinate or route it (a watermark, a
	// keyed log, a partition).
	feedWith := func(from string, to input, with string) {
		if r.Intn(100) < 97 {
			fmt.Fprintf(&streams, "stream %s -> %s.%s %s\n", from, to.comp, to.iface, with)
			return
		}
		feed(from, to)
	}
	var firstIn []string
	var loops []int
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("C%d", i)
		fmt.Fprintf(&b, "component %s {\n", name)
		var ins []string
		sealed := map[string]string{} // input -> the seal a careful author puts on it
		switch x := r.Intn(20); {
		case x < 9: // map or filter
			b.WriteString("  in  rec(key, batch, val)\n  out res(key, batch, val)\n  rec -> res : CR\n")
			ins = []string{"rec"}
		case x < 11: // merge of two streams
			b.WriteString("  a -> res : CR\n  b -> res : CR\n")
			ins = []string{"a", "b"}
		case x < 13: // monotone accumulation
			b.WriteString("  rec -> res : CW\n")
			ins = []string{"rec"}
		case x < 16: // order-sensitive aggregation per key and batch
			b.WriteString("  rec -> res : OW[key, batch]   // per-batch aggregate\n")
			ins = []string{"rec"}
			sealed["rec"] = "batch"
		case x < 18: // a read over state written by another input
			b.WriteString("  upd -> res : CW\n  query -> res : OR[key]\n")
			ins = []string{"upd", "query"}
			sealed["upd"] = "key"
		default: // a last-writer-wins table
			b.WriteString("  rec -> res : OW[key]\n")
			ins = []string{"rec"}
			sealed["rec"] = "key"
		}
		with := map[string]string{} // input -> the v2 attributes a careful author writes
		if v2.Intn(8) == 0 {
			// Now and then a construct of contract v2 instead, with as many
			// inputs.
			switch len(ins) {
			case 1:
				b.Truncate(b.Len() - len(compBody(&b, name)))
				sealed = map[string]string{}
				switch v2.Intn(3) {
				case 0: // a windowed aggregate per key over an event-time watermark
					b.WriteString("  rec -> res : OW[key, window(batch)]\n")
					with["rec"] = "watermark(batch)"
				case 1: // keyed state on parallel instances
					b.WriteString("  rec -> res : CW[key]\n")
					with["rec"] = []string{"partition(key)", "partition(key)", "partition(key)", "partition(batch)", "shuffle"}[v2.Intn(5)]
				default: // a per-key log
					b.WriteString("  rec -> res : OW[key]\n")
					with["rec"] = "order(key)"
				}
			case 2: // a stream-table join over one keyed log
				b.Truncate(b.Len() - len(compBody(&b, name)))
				sealed = map[string]string{}
				ins = []string{"views", "table"}
				b.WriteString("  views -> res : OR[key]\n  table -> res : OW[key]\n")
				with["views"], with["table"] = "order(key)", "order(key)"
			}
		}
		b.WriteString("}\n\n")
		for _, in := range ins {
			if w, ok := with[in]; ok {
				feedWith(producer(i), input{name, in}, w)
			} else if k, ok := sealed[in]; ok {
				feedSealed(producer(i), input{name, in}, k)
			} else {
				feed(producer(i), input{name, in})
			}
		}
		firstIn = append(firstIn, ins[0])
		// A feedback loop now and then: a later component's output comes
		// back into this one through a small relay.
		if i+5 < n && i%pipelineLen+5 < pipelineLen && r.Intn(50) == 0 {
			fmt.Fprintf(&b, "component %s_fb {\n  rec -> res : CR\n}\n\n", name)
			feed(fmt.Sprintf("C%d.res", i+1+r.Intn(4)), input{name + "_fb", "rec"})
			loops = append(loops, i)
		}
	}
	for _, i := range loops {
		fmt.Fprintf(&streams, "stream C%d_fb.res -> C%d.%s\n", i, i, firstIn[i])
	}
	b.Write(streams.Bytes())
	fmt.Fprintf(&b, "stream C%d.res -> results\n", n-1)
	return b.Bytes()
}

// compBody returns the text written for component name since its header
// line, which a v2 construct replaces.
func compBody(b *bytes.Buffer, name string) []byte {
	text := b.Bytes()
	head := []byte("component " + name + " {\n")
	i := bytes.LastIndex(text, head)
	return text[i+len(head):]
}
