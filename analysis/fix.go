package analysis

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
)

// fixes computes SPEC §4's fixes for an uncoordinated path p whose
// uncoordinated relevant inputs are bad: one seal fix per candidate key
// (when every such input is Async or a seal), then the order fix.
func fixes(prog *Program, p *Path, bad []Labelled) []Fix {
	var out []Fix
	sealable := true
	for _, l := range bad {
		k := l.(*Iface).Label.Kind
		if k != Async && k != Seal {
			sealable = false
		}
	}
	if sealable {
		for _, key := range candidateKeys(p.Gate) {
			if f, ok := sealFix(p, bad, key); ok {
				out = append(out, f)
			}
		}
		// The cheapest seal first, marked preferred: the fewest edits,
		// then the most placed on sources (a producer that punctuates at
		// the origin serves every consumer), then candidate order (the
		// whole gate before single attributes).
		sort.SliceStable(out, func(i, j int) bool {
			a, b := out[i], out[j]
			if len(a.Edits) != len(b.Edits) {
				return len(a.Edits) < len(b.Edits)
			}
			return a.sources > b.sources
		})
		if len(out) > 0 {
			out[0].Preferred = true
		}
	}
	if f, ok := orderFix(bad); ok {
		out = append(out, f)
	}
	return out
}

// candidateKeys are the whole gate and each single attribute of it; the
// empty gate has only the empty key.
//
// A gate with window terms (window(t)) offers no seal here yet: a key
// holding "window(t)" is not an attribute a seal can name.
func candidateKeys(gate string) []string {
	if strings.Contains(gate, "(") {
		return nil
	}
	attrs := KeyAttrs(gate)
	keys := []string{gate}
	if len(attrs) > 1 {
		keys = append(keys, attrs...)
	}
	return keys
}

// sealPoint is where a seal goes: a source declaration or a stream.
type sealPoint struct {
	src    *Iface
	stream *Stream
}

func sealFix(p *Path, bad []Labelled, key string) (Fix, bool) {
	attrs := KeyAttrs(key)
	var points []sealPoint
	seen := map[sealPoint]bool{}
	for _, l := range bad {
		if !carries(l.(*Iface), attrs) {
			return Fix{}, false // the input's schema lacks an attribute of the key
		}
		for _, s := range l.(*Iface).In {
			if !carries(s.From, attrs) {
				return Fix{}, false // the producer cannot punctuate on what it does not carry
			}
			for _, pt := range sealUpstream(s, attrs, map[*Stream]bool{}) {
				if !seen[pt] {
					seen[pt] = true
					points = append(points, pt)
				}
			}
		}
	}
	if len(points) == 0 {
		return Fix{}, false
	}
	text := "seal(" + strings.Join(attrs, ", ") + ")"
	var edits []Edit
	var where []string
	sources := 0
	for _, pt := range points {
		if pt.src != nil {
			decl := pt.src.Decl.(*grammar.Source)
			edits = append(edits, attrEdit(pt.src.File, decl.Range.End, decl.Attrs, text))
			where = append(where, "source "+pt.src.Name)
			sources++
		} else {
			edits = append(edits, attrEdit(pt.stream.File, pt.stream.Decl.Range.End, pt.stream.Decl.Attrs, text))
			where = append(where, "stream "+pt.stream.Name())
		}
	}
	sort.Strings(where)
	return Fix{
		Title:   fmt.Sprintf("Seal %s on (%s)", strings.Join(where, ", "), strings.Join(attrs, ", ")),
		Kind:    "seal",
		Edits:   edits,
		sources: sources,
	}, true
}

// attrEdit replaces an existing seal(...) or watermark(...) among attrs (the last one, which
// is the one used when seal is written twice), or appends text after the
// declaration's last token.
func attrEdit(f *grammar.File, end grammar.Pos, attrs []*grammar.StreamAttr, text string) Edit {
	for i := len(attrs) - 1; i >= 0; i-- {
		if a := attrs[i]; a.Kind == grammar.AttrSeal || a.Kind == grammar.AttrWatermark {
			return editAt(f, a.Range, text)
		}
	}
	return editAt(f, grammar.Range{Start: end, End: end}, " "+text)
}

// sealUpstream finds where seal(attrs) must go so that stream s carries
// Seal[attrs]: as far upstream as the seal propagates. It goes above s when
// s has no seal of its own, its producer's schema (where declared) carries
// every attribute, and the producer is a source, or an output every path
// into which is CR or CW from inputs whose streams can be sealed in turn.
// Otherwise the seal goes on s itself.
func sealUpstream(s *Stream, attrs []string, visiting map[*Stream]bool) []sealPoint {
	here := []sealPoint{{stream: s}}
	if visiting[s] || s.Seal != nil || !carries(s.From, attrs) || !carries(s.To, attrs) {
		return here
	}
	from := s.From
	if from.Dir == DirSource {
		return []sealPoint{{src: from}}
	}
	if len(from.Paths) == 0 {
		return here
	}
	visiting[s] = true
	defer delete(visiting, s)
	var out []sealPoint
	for _, p := range from.Paths {
		if !p.Kind.Confluent() || !carries(p.In, attrs) || len(p.In.In) == 0 {
			return here
		}
		if l := p.In.Label; l.Kind != Async && l.Kind != Seal {
			return here
		}
		for _, up := range p.In.In {
			if visiting[up] {
				// A cycle: a seal inside it cannot be shown to reach s.
				return here
			}
			if !carries(up.From, attrs) {
				// Its producer cannot punctuate on what it does not carry.
				return here
			}
			sub := sealUpstream(up, attrs, visiting)
			out = append(out, sub...)
		}
	}
	return out
}

// carries reports whether an interface's declared schema (if any) holds
// every attribute.
func carries(i *Iface, attrs []string) bool {
	if !i.HasSchema {
		return true
	}
	for _, a := range attrs {
		if !contains(i.Schema, a) {
			return false
		}
	}
	return true
}

func orderFix(bad []Labelled) (Fix, bool) {
	var edits []Edit
	var names []string
	for _, l := range bad {
		for _, s := range l.(*Iface).In {
			if s.Order || s.Decl == nil {
				continue
			}
			edits = append(edits, editAt(s.File, grammar.Range{Start: s.Decl.Range.End, End: s.Decl.Range.End}, " order"))
			names = append(names, s.Name())
		}
	}
	if len(edits) == 0 {
		return Fix{}, false
	}
	title := "Order stream " + names[0]
	if len(names) > 1 {
		title = "Order streams " + strings.Join(names, ", ")
	}
	return Fix{Title: title, Kind: "order", Edits: edits}, true
}
