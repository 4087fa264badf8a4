package witness

import (
	"sort"

	"github.com/blazes-dev/blazes/analysis"
)

// Differing is the part of the dataflow where a witness's two executions
// disagree: the finding's component, the components upstream of it whose
// outputs already differ and feed it through streams that carry the
// difference, and the streams leaving the interface where the witness
// shows it. Names are those of the graph (`blazes graph`): a component by
// its name, an interface as Component.name, a stream as "From -> To" (the
// DOT edge's id), so that a client can highlight them without any analysis
// of its own.
type Differing struct {
	Components []string `json:"components"`
	Interfaces []string `json:"interfaces"`
	Streams    []string `json:"streams"`
}

// differing computes w.Differing from the two runs' outputs.
func (m *model) differing(w *Witness, t Target) Differing {
	a, b := w.Runs[0].Outputs, w.Runs[1].Outputs
	differs := func(i *analysis.Iface) bool {
		return i == t.Iface || !sameRecords(a[i.FullName()], b[i.FullName()])
	}
	comps := map[*analysis.Component]bool{t.Path.Comp: true}
	ifaces := map[*analysis.Iface]bool{t.Iface: true}
	streams := map[*analysis.Stream]bool{}
	for _, s := range t.Iface.Out {
		streams[s] = true
	}
	work := []*analysis.Component{t.Path.Comp}
	for len(work) > 0 {
		c := work[len(work)-1]
		work = work[:len(work)-1]
		for _, in := range c.Inputs {
			for _, s := range in.In {
				from := s.From.Comp
				if from == nil || m.byComp[from] == nil || !differs(s.From) {
					continue
				}
				streams[s] = true
				ifaces[s.From] = true
				if !comps[from] {
					comps[from] = true
					work = append(work, from)
				}
			}
		}
	}
	d := Differing{Components: []string{}, Interfaces: []string{}, Streams: []string{}}
	for _, c := range m.prog.Components {
		if comps[c] {
			d.Components = append(d.Components, c.Name)
		}
	}
	for i := range ifaces {
		d.Interfaces = append(d.Interfaces, i.FullName())
	}
	sort.Strings(d.Interfaces)
	for _, s := range m.prog.Streams {
		if streams[s] {
			d.Streams = append(d.Streams, s.Name())
		}
	}
	return d
}

// Entry is a witness as `blazes witness --format json` prints it (one
// element of "witnesses") and the server's blazes.witness command returns
// it with {"format": "json"}.
type Entry struct {
	Code      string              `json:"code"`
	Component string              `json:"component"`
	Path      string              `json:"path"`
	Interface string              `json:"interface"`
	Kind      string              `json:"kind"`
	Inputs    map[string][]Record `json:"inputs"`
	Runs      [2]EntryRun         `json:"runs"`
	Differing Differing           `json:"differing"`
}

// EntryRun is one execution of an Entry.
type EntryRun struct {
	Schedule Schedule            `json:"schedule"`
	Outputs  map[string][]Record `json:"outputs"`
}

// Schedule names an execution: the seed of its delivery order and the
// replica (1-based).
type Schedule struct {
	Seed    int64 `json:"seed"`
	Replica int   `json:"replica"`
}

// Entry returns the JSON form of w.
func (w *Witness) Entry() Entry {
	e := Entry{Code: w.Code, Component: w.Component, Path: w.Path, Interface: w.Interface, Kind: w.Kind, Inputs: w.Inputs, Differing: w.Differing}
	for i, r := range w.Runs {
		outs := map[string][]Record{}
		for k, v := range r.Outputs {
			outs[k] = v
		}
		if _, ok := outs[w.Interface]; !ok {
			outs[w.Interface] = []Record{}
		}
		e.Runs[i] = EntryRun{Schedule: Schedule{Seed: r.Seed, Replica: r.Replica}, Outputs: outs}
	}
	return e
}
