package grammar

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
)

const example = `dataflow wordcount

source tweets(tweet, batch) seal(batch)   // the spout punctuates each batch

component Splitter {
  in  tweets(tweet, batch)
  out words(word, batch)
  tweets -> words : CR
}

component Count {
  words -> counts : OW[word, batch]      // a count per word per batch
}

component Commit {
  counts -> db : CW
}

stream tweets -> Splitter.tweets
stream Splitter.words -> Count.words
stream Count.counts -> Commit.counts
`

// watchDisagreement fails the test if the checker and participle ever
// disagree on whether a chunk parses.
func watchDisagreement(t testing.TB) {
	onDisagree = func(chunk string, perr error, cerr *chunkErr) {
		t.Errorf("participle and checker disagree on %q: participle %v, checker %+v", chunk, perr, cerr)
	}
	t.Cleanup(func() { onDisagree = nil })
}

// checkRanges verifies that every range in f lies inside its text.
func checkRanges(t testing.TB, f *File) {
	t.Helper()
	n := Pos(len(f.Text))
	bad := func(r Range) bool { return r.Start < 0 || r.End < r.Start || r.End > n }
	for _, e := range f.Errors {
		if bad(e.Range) {
			t.Fatalf("error %q has range %v outside text of %d bytes", e.Msg, e.Range, n)
		}
		if e.Msg == "" {
			t.Fatalf("error without message at %v", e.Range)
		}
	}
	for _, c := range f.Comments {
		if bad(c.Range) {
			t.Fatalf("comment range %v outside text", c.Range)
		}
	}
	walk(f, func(nd Node) {
		if bad(nd.Span()) {
			t.Fatalf("node %T range %v outside text of %d bytes", nd, nd.Span(), n)
		}
	})
	for i := 1; i < len(f.Errors); i++ {
		if f.Errors[i].Range.Start < f.Errors[i-1].Range.Start {
			t.Fatalf("errors not in source order")
		}
	}
}

// walk visits every node of f.
func walk(f *File, fn func(Node)) {
	if f.Dataflow != nil {
		fn(f.Dataflow)
	}
	for _, im := range f.Imports {
		fn(im)
	}
	ids := func(xs []*Ident) {
		for _, x := range xs {
			fn(x)
		}
	}
	sch := func(s *Schema) {
		if s != nil {
			fn(s)
			ids(s.Attrs)
		}
	}
	ats := func(as []*StreamAttr) {
		for _, a := range as {
			fn(a)
			ids(a.Keys)
		}
	}
	ep := func(e *Endpoint) {
		fn(e)
		fn(e.Name)
		if e.Iface != nil {
			fn(e.Iface)
		}
	}
	for _, d := range f.Decls {
		fn(d)
		switch d := d.(type) {
		case *Source:
			fn(d.Name)
			sch(d.Schema)
			ats(d.Attrs)
		case *Sink:
			fn(d.Name)
			sch(d.Schema)
		case *Stream:
			ep(d.From)
			ep(d.To)
			ats(d.Attrs)
		case *Component:
			fn(d.Name)
			for _, m := range d.Members {
				fn(m)
				switch m := m.(type) {
				case *Interface:
					fn(m.Name)
					sch(m.Schema)
				case *Path:
					fn(m.From)
					fn(m.To)
					fn(m.Ann)
					for _, g := range m.Ann.Gate {
						fn(g)
						fn(g.Attr)
					}
				}
			}
		}
	}
}

// tokens returns the non-comment token texts of src.
func tokens(src []byte) []string {
	lr := lex(src)
	out := make([]string, len(lr.toks))
	for i, t := range lr.toks {
		out[i] = string(src[t.start:t.end])
	}
	return out
}

// formattedTokens returns the non-comment token texts Format must print for
// f, a file without errors: the tokens of its text, with the attributes of
// each source and stream in canonical order (see attrRank).
func formattedTokens(f *File) []string {
	lr := lex(f.Text)
	txt := func(t token) string { return string(f.Text[t.start:t.end]) }
	// The tokens of each attribute run, keyed by the offset of its first
	// token; tokens inside a run are skipped.
	runs := map[Pos][]string{}
	skip := map[int]bool{}
	for _, d := range f.Decls {
		var as []*StreamAttr
		switch d := d.(type) {
		case *Source:
			as = d.Attrs
		case *Stream:
			as = d.Attrs
		}
		if len(as) == 0 {
			continue
		}
		sorted := append([]*StreamAttr(nil), as...)
		sort.SliceStable(sorted, func(i, j int) bool { return attrRank[sorted[i].Kind] < attrRank[sorted[j].Kind] })
		var run []string
		for _, a := range sorted {
			for _, t := range lr.toks {
				if Pos(t.start) >= a.Range.Start && Pos(t.end) <= a.Range.End {
					run = append(run, txt(t))
				}
			}
		}
		for i, t := range lr.toks {
			if Pos(t.start) >= as[0].Range.Start && Pos(t.end) <= as[len(as)-1].Range.End {
				skip[i] = true
			}
		}
		runs[as[0].Range.Start] = run
	}
	out := []string{}
	for i, t := range lr.toks {
		if r, ok := runs[Pos(t.start)]; ok {
			out = append(out, r...)
		}
		if !skip[i] {
			out = append(out, txt(t))
		}
	}
	return out
}

// genNames include the contextual words, which are names wherever the
// grammar expects a name.
var genNames = []string{"a", "b", "tweets", "words", "x_1", "Count", "batch", "id", "_z", "window", "partition", "shuffle", "watermark"}

// gen writes a random valid file of n declarations with random spacing,
// newlines and comments between tokens.
func gen(r *rand.Rand, n int) string {
	var b strings.Builder
	sep := func() {
		switch r.Intn(12) {
		case 0:
			b.WriteString("\n")
		case 1:
			b.WriteString(" /* c" + fmt.Sprint(r.Intn(99)) + " */ ")
		case 2:
			b.WriteString(" // l" + fmt.Sprint(r.Intn(99)) + "\n")
		case 3:
			b.WriteString("\n\n\n")
		case 4:
			b.WriteString("\r\n")
		case 5:
			b.WriteString("  ")
		default:
			b.WriteString(" ")
		}
	}
	tok := func(ts ...string) {
		for _, t := range ts {
			b.WriteString(t)
			sep()
		}
	}
	name := func() string { return genNames[r.Intn(len(genNames))] }
	list := func(open, close string) {
		tok(open)
		k := r.Intn(4)
		for i := 0; i < k; i++ {
			if i > 0 {
				tok(",")
			}
			tok(name())
		}
		tok(close)
	}
	keys := func() { // ( k {, k} ): one key or more
		tok("(", name())
		for k := r.Intn(3); k > 0; k-- {
			tok(",", name())
		}
		tok(")")
	}
	sattrs := func() {
		for k := r.Intn(4); k > 0; k-- {
			switch r.Intn(7) {
			case 0:
				tok("seal")
				list("(", ")")
			case 1:
				tok("rep")
			case 2:
				tok("order")
				if r.Intn(2) == 0 {
					list("(", ")")
				}
			case 3:
				tok("watermark", "(", name(), ")")
			case 4:
				tok("partition")
				keys()
			case 5:
				tok("shuffle")
			default:
				tok("order")
			}
		}
	}
	gate := func() {
		tok("[")
		k := r.Intn(4)
		for i := 0; i < k; i++ {
			if i > 0 {
				tok(",")
			}
			if r.Intn(3) == 0 {
				tok("window", "(", name(), ")")
			} else {
				tok(name())
			}
		}
		tok("]")
	}
	if r.Intn(2) == 0 {
		tok("dataflow", name())
	}
	for k := r.Intn(3); k > 0; k-- {
		tok("import", fmt.Sprintf("%q", name()+".blazes"))
	}
	for i := 0; i < n; i++ {
		switch r.Intn(4) {
		case 0:
			tok("source", name())
			if r.Intn(2) == 0 {
				list("(", ")")
			}
			sattrs()
		case 1:
			tok("sink", name())
			if r.Intn(2) == 0 {
				list("(", ")")
			}
		case 2:
			tok("stream", name())
			if r.Intn(2) == 0 {
				tok(".", name())
			}
			tok("->", name())
			if r.Intn(2) == 0 {
				tok(".", name())
			}
			sattrs()
		default:
			tok("component", name(), "{")
			for k := r.Intn(5); k > 0; k-- {
				if r.Intn(3) == 0 {
					tok([]string{"in", "out"}[r.Intn(2)], name())
					if r.Intn(2) == 0 {
						list("(", ")")
					}
					continue
				}
				tok(name(), "->", name(), ":")
				ann := []string{"CR", "CW", "OR", "OW"}[r.Intn(4)]
				tok(ann)
				if ann != "CR" && r.Intn(2) == 0 {
					gate()
				}
			}
			tok("}")
		}
	}
	return b.String()
}
