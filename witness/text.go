package witness

import (
	"fmt"
	"sort"
	"strings"
)

// Format renders a record: "{batch=1 word=0 @Count=2}", attributes by
// name, the counts last.
func Format(r Record) string {
	var keys, counts []string
	for k := range r {
		if strings.HasPrefix(k, "@") {
			counts = append(counts, k)
		} else {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	sort.Strings(counts)
	keys = append(keys, counts...)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, r[k])
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// Side names the two executions of a witness: "run 1 (schedule 0)",
// "replica 2 (schedule 3)".
func (w *Witness) Side(i int) string {
	r := w.Runs[i]
	if w.Kind == "replicas" {
		return fmt.Sprintf("replica %d (schedule %d)", r.Replica, r.Seed)
	}
	return fmt.Sprintf("run %d (schedule %d)", i+1, r.Seed)
}

// Text renders a witness as a trace a person can follow: the input, then
// for every component upstream first what each of its inputs received
// and each of its outputs emitted, in order, the two executions side by
// side, and the difference at the interface.
func (w *Witness) Text() string {
	var b strings.Builder
	what := map[string]string{"runs": "Two runs of the same input", "replicas": "Two replicas in one run", "routings": "Two routings of the same input"}[w.Kind]
	fmt.Fprintf(&b, "%s: %s: %s\n", w.Code, w.Component, w.Path)
	fmt.Fprintf(&b, "%s disagree on %s.\n\n", what, w.Interface)
	n := 0
	for _, s := range w.Sources {
		n += len(w.Inputs[s])
	}
	fmt.Fprintf(&b, "Input (%s):\n", plural(n, "record"))
	width := 0
	for _, s := range w.Sources {
		width = max(width, len(s))
	}
	for _, s := range w.Sources {
		for i, r := range w.Inputs[s] {
			name := s
			if i > 0 {
				name = ""
			}
			fmt.Fprintf(&b, "  %-*s  %s\n", width, name, Format(r))
		}
		if len(w.Inputs[s]) == 0 {
			fmt.Fprintf(&b, "  %-*s  (nothing)\n", width, s)
		}
	}
	b.WriteString("\n")

	type row struct {
		title       string
		left, right []Record
		differs     bool
	}
	var rows []row
	names := func(m1, m2 map[string][]Record, comp string) []string {
		set := map[string]bool{}
		for k := range m1 {
			if strings.HasPrefix(k, comp+".") {
				set[k] = true
			}
		}
		for k := range m2 {
			if strings.HasPrefix(k, comp+".") {
				set[k] = true
			}
		}
		var out []string
		for k := range set {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	a, c := w.Runs[0], w.Runs[1]
	for _, comp := range w.Order {
		for _, k := range names(a.Arrivals, c.Arrivals, comp) {
			rows = append(rows, row{title: k + " received", left: a.Arrivals[k], right: c.Arrivals[k]})
		}
		for _, k := range names(a.Emitted, c.Emitted, comp) {
			base := k
			if i := strings.IndexAny(k, " "); i >= 0 {
				base = k[:i]
			}
			rows = append(rows, row{title: k + " emitted", left: a.Emitted[k], right: c.Emitted[k],
				differs: base == w.Interface && !sameRecords(a.Outputs[w.Interface], c.Outputs[w.Interface])})
		}
	}
	colA := 0
	for _, r := range rows {
		colA = max(colA, len(r.title)+2)
	}
	colB := len(w.Side(0))
	for _, r := range rows {
		for _, x := range r.left {
			colB = max(colB, len(Format(x)))
		}
	}
	fmt.Fprintf(&b, "%-*s  %-*s  %s\n", colA, "", colB, w.Side(0), w.Side(1))
	for _, r := range rows {
		title := r.title
		if r.differs {
			title += " ≠"
		}
		lines := max(len(r.left), len(r.right), 1)
		for i := 0; i < lines; i++ {
			l, rr := "", ""
			if i < len(r.left) {
				l = Format(r.left[i])
			} else if i == 0 {
				l = "(nothing)"
			}
			if i < len(r.right) {
				rr = Format(r.right[i])
			} else if i == 0 {
				rr = "(nothing)"
			}
			t := ""
			if i == 0 {
				t = title
			}
			fmt.Fprintf(&b, "%-*s  %-*s  %s\n", colA, t, colB, l, rr)
		}
	}
	fmt.Fprintf(&b, "\n%s differs (as a multiset):\n", w.Interface)
	list := func(rs []Record) string {
		if len(rs) == 0 {
			return "nothing"
		}
		parts := make([]string, len(rs))
		for i, r := range rs {
			parts[i] = Format(r)
		}
		return strings.Join(parts, ", ")
	}
	fmt.Fprintf(&b, "  only in %s: %s\n", w.Side(0), list(w.OnlyFirst))
	fmt.Fprintf(&b, "  only in %s: %s\n", w.Side(1), list(w.OnlySecond))
	b.WriteString("\n" + w.Explanation() + "\n")
	return b.String()
}

// Explanation says in one sentence what the two executions show.
func (w *Witness) Explanation() string {
	switch w.Kind {
	case "replicas":
		return "Each replica receives the same records in its own order; the replicas' answers differ within one run."
	case "routings":
		return "The same records, routed to different parallel instances, leave different contents: each instance holds its own part of the state."
	}
	return "The same records, delivered in another order, make " + w.Interface + " hold different records: a replay after a failure may disagree with the first run."
}

func sameRecords(a, b []Record) bool {
	count := map[string]int{}
	for _, r := range a {
		count[Format(r)]++
	}
	for _, r := range b {
		count[Format(r)]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
