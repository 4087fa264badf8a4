package witness

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"sync"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

// memFS serves one file from memory.
type memFS map[string][]byte

func (m memFS) ReadFile(name string) ([]byte, error) {
	if b, ok := m[name]; ok {
		return b, nil
	}
	return nil, os.ErrNotExist
}

func loadText(text string) *analysis.Program {
	return analysis.Load("/mem/g.blazes", analysis.Options{FS: memFS{"/mem/g.blazes": []byte(text)}, Root: "/mem"})
}

var (
	v2Once sync.Once
	v2On   bool
)

// v2Rules reports whether the analysis implements the rules of contract
// v2 for its new constructs: a shuffled CW is Taint (scattered), a
// watermark seals, and ordered writes alone do not coordinate a read.
// The parts of the tests that use v2 constructs turn on by themselves
// when it does.
func v2Rules() bool {
	v2Once.Do(func() {
		p := loadText("source a(k, v)\ncomponent C { x -> y : CW[k] }\nstream a -> C.x shuffle\n")
		scattered := len(p.Components) == 1 && p.Components[0].Paths[0].Internal.Kind == analysis.Taint
		p = loadText("source a(k, t) watermark(t)\ncomponent C { x -> y : OW[k, window(t)] }\nstream a -> C.x\n")
		watermark := len(p.Components) == 1 && p.Components[0].Paths[0].Internal.Kind == analysis.None
		p = loadText("source u(k, v)\nsource q(k)\ncomponent T { u -> r : CW\n q -> r : OR[k] }\nstream u -> T.u order\nstream q -> T.q\n")
		orderedRead := false
		for _, c := range p.Components {
			for _, x := range c.Paths {
				if x.Kind == grammar.OR && x.Internal.Kind == analysis.NDRead {
					orderedRead = true
				}
			}
		}
		v2On = scattered && watermark && orderedRead
	})
	return v2On
}

// usesV2 reports whether a program uses a construct of contract v2:
// watermark, partition, shuffle, a keyed order, or a window gate term.
func usesV2(p *analysis.Program) bool {
	attrs := func(as []*grammar.StreamAttr) bool {
		for _, a := range as {
			switch a.Kind {
			case grammar.AttrWatermark, grammar.AttrPartition, grammar.AttrShuffle:
				return true
			case grammar.AttrOrder:
				if len(a.Keys) > 0 {
					return true
				}
			}
		}
		return false
	}
	for _, f := range p.Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *grammar.Source:
				if attrs(d.Attrs) {
					return true
				}
			case *grammar.Stream:
				if attrs(d.Attrs) {
					return true
				}
			case *grammar.Component:
				for _, m := range d.Members {
					if pa, ok := m.(*grammar.Path); ok && pa.Ann != nil {
						for _, t := range pa.Ann.Gate {
							if t.Window {
								return true
							}
						}
					}
				}
			}
		}
	}
	return false
}

// hasErrors: the program has a syntax or semantic error.
func hasErrors(p *analysis.Program) bool {
	for _, d := range p.Diagnostics {
		if d.Severity == analysis.SevError && (d.Code == "BLZ000" || strings.HasPrefix(d.Code, "BLZ1")) {
			return true
		}
	}
	return false
}

// genGraph writes a small random dataflow. With v2, it uses every
// construct of contract v2; without, those of v1 only (seal, rep, global
// order, plain gates).
func genGraph(r *rand.Rand, v2 bool) string {
	var b bytes.Buffer
	b.WriteString("dataflow g\n")
	nsrc := 1 + r.Intn(2)
	keys := []string{"k", "b"}
	seal := func() string {
		switch x := r.Intn(10); {
		case x < 2:
			return " seal(" + keys[r.Intn(2)] + ")"
		case x == 2:
			return " seal()"
		case x == 3 && v2:
			return " watermark(t)"
		case x == 4:
			return " seal(k, b)"
		}
		return ""
	}
	for s := 0; s < nsrc; s++ {
		fmt.Fprintf(&b, "source s%d(k, b, t, v)%s\n", s, seal())
	}
	n := 1 + r.Intn(4)
	var outs []string
	for s := 0; s < nsrc; s++ {
		outs = append(outs, fmt.Sprintf("s%d", s))
	}
	gate := func() string {
		var terms []string
		for _, a := range []string{"k", "b"} {
			if r.Intn(2) == 0 {
				terms = append(terms, a)
			}
		}
		if v2 && r.Intn(3) == 0 {
			terms = append(terms, "window(t)")
		}
		return "[" + strings.Join(terms, ", ") + "]"
	}
	var streams bytes.Buffer
	for c := 0; c < n; c++ {
		fmt.Fprintf(&b, "component C%d {\n", c)
		nin := 1 + r.Intn(2)
		nout := 1 + r.Intn(2)
		used := map[int]bool{}
		for i := 0; i < nin; i++ {
			o := r.Intn(nout)
			used[o] = true
			ann := ""
			switch r.Intn(4) {
			case 0:
				ann = "CR"
			case 1:
				ann = "CW"
				if v2 && r.Intn(2) == 0 {
					ann += gate()
				}
			case 2:
				ann = "OR" + gate()
			case 3:
				ann = "OW" + gate()
			}
			fmt.Fprintf(&b, "  i%d -> o%d : %s\n", i, o, ann)
			if r.Intn(4) == 0 && nout > 1 {
				fmt.Fprintf(&b, "  i%d -> o%d : CR\n", i, (o+1)%nout)
				used[(o+1)%nout] = true
			}
			nprod := 1 + r.Intn(2)
			for j := 0; j < nprod; j++ {
				from := outs[r.Intn(len(outs))]
				fmt.Fprintf(&streams, "stream %s -> C%d.i%d%s\n", from, c, i, streamAttrs(r, v2, seal))
			}
		}
		b.WriteString("}\n")
		for o := 0; o < nout; o++ {
			if used[o] {
				outs = append(outs, fmt.Sprintf("C%d.o%d", c, o))
			}
		}
	}
	// Now and then a feedback edge.
	if n > 1 && r.Intn(5) == 0 {
		fmt.Fprintf(&streams, "stream %s -> C0.i0%s\n", outs[len(outs)-1], streamAttrs(r, v2, seal))
	}
	if r.Intn(2) == 0 {
		b.WriteString("sink snk\n")
		fmt.Fprintf(&streams, "stream %s -> snk\n", outs[len(outs)-1])
	}
	b.Write(streams.Bytes())
	return b.String()
}

func streamAttrs(r *rand.Rand, v2 bool, seal func() string) string {
	s := ""
	if r.Intn(3) == 0 {
		s += seal()
	}
	if r.Intn(4) == 0 {
		s += " rep"
	}
	switch x := r.Intn(12); {
	case x == 0:
		s += " order"
	case x == 1 && v2:
		s += " order(k)"
	case x == 2 && v2:
		s += " partition(k)"
	case x == 3 && v2:
		s += " shuffle"
	case x == 4 && v2:
		s += " partition(b)"
	}
	return s
}
