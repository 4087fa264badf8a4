package analysis

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
)

// fixes computes SPEC §4's fixes for an uncoordinated path p whose
// uncoordinated relevant inputs are bad, in the order of preference:
// watermarks, single-attribute seals, the whole-gate seal, keyed orders
// (single attributes first), the global order, and seal() last. Seals are
// offered only when every bad input is Async or a seal.
func fixes(prog *Program, p *Path, bad []Labelled) []Fix {
	sealable := len(bad) > 0
	for _, l := range bad {
		k := l.(*Iface).Label.Kind
		if k != Async && k != Seal {
			sealable = false
		}
	}
	plain, windows := SplitGate(p.Gate)
	var out, last []Fix
	if sealable {
		for _, t := range windows {
			if f, ok := sealFix(p, bad, []string{t}, true); ok {
				out = append(out, f)
			}
		}
		for _, a := range plain {
			if f, ok := sealFix(p, bad, []string{a}, false); ok {
				out = append(out, f)
			}
		}
		if whole := KeyAttrs(CanonKey(append(append([]string(nil), plain...), windows...))); len(whole) > 1 {
			if f, ok := sealFix(p, bad, whole, false); ok {
				out = append(out, f)
			}
		}
		if p.Gate == "" {
			if f, ok := sealFix(p, bad, nil, false); ok {
				last = append(last, f)
			}
		}
	}
	keys := [][]string{}
	for _, a := range plain {
		keys = append(keys, []string{a})
	}
	if len(plain) > 1 {
		keys = append(keys, plain)
	}
	keys = append(keys, nil)
	for _, k := range keys {
		if f, ok := orderFix(p, k); ok {
			out = append(out, f)
		}
	}
	out = append(out, last...)
	if len(out) > 0 {
		out[0].Preferred = true
	}
	return out
}

// sealPoint is where a seal goes: a source declaration or a stream.
type sealPoint struct {
	src    *Iface
	stream *Stream
}

func sealFix(p *Path, bad []Labelled, attrs []string, watermark bool) (Fix, bool) {
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
	verb := "Seal"
	if watermark {
		text, verb = "watermark("+attrs[0]+")", "Watermark"
	}
	var edits []Edit
	var where []string
	sources := 0
	for _, pt := range points {
		if pt.src != nil {
			decl := pt.src.Decl.(*grammar.Source)
			edits = append(edits, setAttr(pt.src.File, decl.Range.End, decl.Attrs, text, grammar.AttrSeal, grammar.AttrWatermark)...)
			where = append(where, "source "+pt.src.Name)
			sources++
		} else {
			edits = append(edits, setAttr(pt.stream.File, pt.stream.Decl.Range.End, pt.stream.Decl.Attrs, text, grammar.AttrSeal, grammar.AttrWatermark)...)
			where = append(where, "stream "+pt.stream.Name())
		}
	}
	sort.Strings(where)
	title := fmt.Sprintf("%s %s on (%s)", verb, strings.Join(where, ", "), strings.Join(attrs, ", "))
	if len(attrs) == 0 {
		title = fmt.Sprintf("Seal %s with seal() (the end of the whole stream)", strings.Join(where, ", "))
	}
	return Fix{
		Title:   title,
		Kind:    "seal",
		Edits:   edits,
		sources: sources,
	}, true
}

// setAttr makes a declaration carry text as its only attribute of the
// given kinds: the first such attribute is replaced and the others are
// removed (a seal is never doubled, a conflicting watermark or a
// duplicate does not survive), or text is appended after the
// declaration's last token.
func setAttr(f *grammar.File, end grammar.Pos, attrs []*grammar.StreamAttr, text string, kinds ...grammar.AttrKind) []Edit {
	var out []Edit
	for _, a := range attrs {
		if !slices.Contains(kinds, a.Kind) {
			continue
		}
		if len(out) == 0 {
			out = append(out, editAt(f, a.Range, text))
		} else {
			out = append(out, editAt(f, grammar.Range{Start: precedingSpace(f.Text, a.Range.Start), End: a.Range.End}, ""))
		}
	}
	if len(out) == 0 {
		out = append(out, editAt(f, grammar.Range{Start: end, End: end}, " "+text))
	}
	return out
}

// countAttrs counts the attributes of the given kinds.
func countAttrs(attrs []*grammar.StreamAttr, kinds ...grammar.AttrKind) int {
	n := 0
	for _, a := range attrs {
		if slices.Contains(kinds, a.Kind) {
			n++
		}
	}
	return n
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

// orderFix puts order(key) (order for the empty key) on every stream into
// the path's own input and its relevant inputs, replacing an existing
// order attribute.
func orderFix(p *Path, key []string) (Fix, bool) {
	ck := CanonKey(key)
	text := orderText(ck)
	var edits []Edit
	var names []string
	for _, i := range orderInputs(p) {
		for _, s := range i.In {
			if s.Decl == nil || !carries(s.From, key) || !carries(s.To, key) {
				if s.Decl != nil {
					return Fix{}, false // the log key must be an attribute both ends carry
				}
				continue
			}
			names = append(names, s.Name())
			own := countAttrs(s.Decl.Attrs, grammar.AttrOrder)
			if s.Order && s.OrderKey == ck && own <= 1 {
				continue // ordered so already, on the stream or from its source
			}
			edits = append(edits, setAttr(s.File, s.Decl.Range.End, s.Decl.Attrs, text, grammar.AttrOrder)...)
		}
	}
	if len(edits) == 0 {
		return Fix{}, false
	}
	sort.Strings(names)
	title := fmt.Sprintf("Order %s %s", streamWord(len(names)), strings.Join(names, ", "))
	if ck == "" {
		title += " in one global log (order)"
	} else {
		title += " on (" + keyText(ck) + ")"
	}
	return Fix{Title: title, Kind: "order", Edits: edits}, true
}

// partitionFixes are BLZ004's fixes: one per key (each single plain
// attribute of the gate and the whole set of them; with no plain attribute,
// each attribute of the declared schema of a state input) putting
// partition(k) on every stream into every state input of p, replacing
// shuffle or another partition; and, last, one removing partition and
// shuffle from every stream into the component.
func partitionFixes(p *Path) []Fix {
	var out []Fix
	plain, _ := SplitGate(p.Gate)
	var keys [][]string
	for _, a := range plain {
		keys = append(keys, []string{a})
	}
	if len(plain) > 1 {
		keys = append(keys, plain)
	}
	if len(plain) == 0 {
		for _, i := range stateInputs(p) {
			if i.HasSchema {
				for _, a := range i.Schema {
					keys = append(keys, []string{a})
				}
				break
			}
		}
	}
	for _, k := range keys {
		if f, ok := partitionFix(p, k); ok {
			out = append(out, f)
		}
	}
	if f, ok := oneInstanceFix(p.Comp); ok {
		out = append(out, f)
	}
	if len(out) > 0 {
		out[0].Preferred = true
	}
	return out
}

func partitionFix(p *Path, key []string) (Fix, bool) {
	text := "partition(" + strings.Join(key, ", ") + ")"
	var edits []Edit
	var names []string
	for _, i := range stateInputs(p) {
		for _, s := range i.In {
			if s.Decl == nil {
				continue
			}
			if !carries(s.From, key) || !carries(s.To, key) {
				return Fix{}, false
			}
			names = append(names, s.Name())
			if s.Route == RoutePartition && s.PartKey == CanonKey(key) && countAttrs(s.Decl.Attrs, grammar.AttrPartition, grammar.AttrShuffle) <= 1 {
				continue
			}
			edits = append(edits, setAttr(s.File, s.Decl.Range.End, s.Decl.Attrs, text, grammar.AttrPartition, grammar.AttrShuffle)...)
		}
	}
	if len(edits) == 0 {
		return Fix{}, false
	}
	sort.Strings(names)
	return Fix{Title: fmt.Sprintf("Partition %s %s on (%s)", streamWord(len(names)), strings.Join(names, ", "), strings.Join(key, ", ")),
		Kind: "partition", Edits: edits}, true
}

// oneInstanceFix removes partition(...) and shuffle from every stream into
// c, and from the sources of those streams that carry them: c runs as one
// instance.
func oneInstanceFix(c *Component) (Fix, bool) {
	var edits []Edit
	var names []string
	seenSrc := map[*grammar.Source]bool{}
	remove := func(f *grammar.File, attrs []*grammar.StreamAttr) {
		for _, a := range attrs {
			if a.Kind == grammar.AttrPartition || a.Kind == grammar.AttrShuffle {
				edits = append(edits, editAt(f, grammar.Range{Start: precedingSpace(f.Text, a.Range.Start), End: a.Range.End}, ""))
			}
		}
	}
	for _, i := range c.Inputs {
		for _, s := range i.In {
			if s.Decl == nil || s.Route == RouteSingle {
				continue
			}
			names = append(names, s.Name())
			remove(s.File, s.Decl.Attrs)
			if src, ok := s.From.Decl.(*grammar.Source); ok && !seenSrc[src] {
				seenSrc[src] = true
				remove(s.From.File, src.Attrs)
			}
		}
	}
	if len(edits) == 0 {
		return Fix{}, false
	}
	sort.Strings(names)
	return Fix{Title: fmt.Sprintf("Run %s as one instance (remove partition and shuffle from %s)", c.Name, strings.Join(names, ", ")),
		Kind: "partition", Edits: edits}, true
}
