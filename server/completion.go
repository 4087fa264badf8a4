package server

import (
	"context"
	"encoding/json"
	"slices"
	"sort"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

func (s *Server) completion(ctx context.Context, raw json.RawMessage) (any, error) {
	v, off, err := s.viewAt(ctx, raw)
	if err != nil {
		return nil, err
	}
	cc := analysis.CompleteAt(v.file, v.text, off)
	list := protocol.CompletionList{Items: []protocol.CompletionItem{}}
	seen := map[string]bool{}
	replace := toRange(v.lines, grammar.Range{Start: cc.Replace.Start, End: off})
	add := func(label string, kind protocol.CompletionItemKind, detail string) {
		if seen[label] {
			return
		}
		seen[label] = true
		list.Items = append(list.Items, protocol.CompletionItem{Label: label, Kind: kind, Detail: detail,
			TextEdit: &protocol.TextEdit{Range: replace, NewText: label}})
	}
	keywords := func(ks ...string) {
		for _, k := range ks {
			add(k, protocol.CompletionItemKindKeyword, "keyword")
		}
	}
	// Names from the analysed program, or from the files' syntax.
	files := v.files()
	occs := func(f func(o analysis.Occurrence) bool) []analysis.Occurrence {
		var out []analysis.Occurrence
		for _, file := range files {
			for _, o := range analysis.Occurrences(file) {
				if f(o) {
					out = append(out, o)
				}
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Sym.Name < out[j].Sym.Name })
		return out
	}
	lex := analysis.LexicalSymbols(v.text)
	names := func(kinds ...analysis.SymKind) {
		want := func(k analysis.SymKind) bool { return slices.Contains(kinds, k) }
		var found []analysis.Symbol
		for _, o := range occs(func(o analysis.Occurrence) bool { return o.Decl && want(o.Sym.Kind) }) {
			found = append(found, o.Sym)
		}
		for _, l := range lex {
			if l.Decl && want(l.Sym.Kind) {
				found = append(found, l.Sym)
			}
		}
		sort.SliceStable(found, func(i, j int) bool { return found[i].Name < found[j].Name })
		for _, sym := range found {
			kind := protocol.CompletionItemKindClass
			if sym.Kind != analysis.SymComponent {
				kind = protocol.CompletionItemKindEvent
			}
			add(sym.Name, kind, sym.Kind.String())
		}
	}
	ifaces := func(comp string, kinds ...analysis.SymKind) {
		want := func(k analysis.SymKind) bool { return slices.Contains(kinds, k) }
		var found []analysis.Symbol
		for _, o := range occs(func(o analysis.Occurrence) bool {
			return o.Sym.Comp == comp && !o.Range.Contains(off) && want(o.Sym.Kind)
		}) {
			found = append(found, o.Sym)
		}
		for _, l := range lex {
			if l.Sym.Comp == comp && want(l.Sym.Kind) && l.Sym.Name != cc.Prefix {
				found = append(found, l.Sym)
			}
		}
		sort.SliceStable(found, func(i, j int) bool { return found[i].Name < found[j].Name })
		for _, sym := range found {
			add(sym.Name, protocol.CompletionItemKindInterface, sym.Kind.String()+" of "+comp)
		}
	}
	var attrsOf func(sym analysis.Symbol, depth int)
	attrsOf = func(sym analysis.Symbol, depth int) {
		before := len(list.Items)
		if x, ok := v.prog().Entity(sym).(*analysis.Iface); ok && x != nil {
			for _, a := range x.Schema {
				add(a, protocol.CompletionItemKindField, "attribute of "+x.FullName())
			}
		}
		for _, l := range lex {
			if analysis.SameEntity(l.Sym, sym) {
				for _, a := range l.Schema {
					add(a, protocol.CompletionItemKindField, "attribute of "+sym.Name)
				}
			}
		}
		// An input without a schema carries what its producers carry.
		if len(list.Items) == before && sym.Kind == analysis.SymInput && depth < 4 {
			for _, st := range analysis.LexicalStreams(v.text) {
				if analysis.SameEntity(st[1], sym) {
					attrsOf(st[0], depth+1)
				}
			}
			if x, ok := v.prog().Entity(sym).(*analysis.Iface); ok && x != nil {
				for _, st := range x.In {
					for _, a := range st.From.Schema {
						add(a, protocol.CompletionItemKindField, "attribute of "+st.From.FullName())
					}
				}
			}
		}
	}
	switch cc.Kind {
	case analysis.CompleteNothing:
	case analysis.CompleteTopLevel:
		keywords("component", "stream", "source", "sink", "import", "dataflow")
	case analysis.CompleteMember:
		keywords("in", "out")
		ifaces(cc.Comp, analysis.SymInput)
	case analysis.CompleteMemberTarget:
		ifaces(cc.Comp, analysis.SymOutput)
	case analysis.CompleteAnnotation:
		for _, a := range []struct{ k, d string }{
			{"CR", "confluent, read-only"}, {"CW", "confluent, write"},
			{"OR", "order-sensitive read (gate in [ ])"}, {"OW", "order-sensitive write (gate in [ ])"},
		} {
			add(a.k, protocol.CompletionItemKindEnumMember, a.d)
		}
	case analysis.CompleteGateAttr:
		from := cc.PathFrom
		if cc.Path != nil && cc.Path.From != nil {
			from = cc.Path.From.Name
		}
		if from != "" {
			attrsOf(analysis.Symbol{Kind: analysis.SymInput, Comp: cc.Comp, Name: from}, 0)
		}
		if !cc.Window {
			add("window", protocol.CompletionItemKindKeyword, "gate term window(t): per event-time window of t")
		}
	case analysis.CompleteSealAttr:
		switch d := cc.Decl.(type) {
		case *grammar.Source:
			if d.Name != nil {
				attrsOf(analysis.Symbol{Kind: analysis.SymSource, Name: d.Name.Name}, 0)
			}
			if d.Schema != nil {
				for _, a := range d.Schema.Attrs {
					add(a.Name, protocol.CompletionItemKindField, "attribute of "+d.Name.Name)
				}
			}
		case *grammar.Stream:
			if d.From != nil && d.From.Name != nil {
				if d.From.Iface != nil {
					attrsOf(analysis.Symbol{Kind: analysis.SymOutput, Comp: d.From.Name.Name, Name: d.From.Iface.Name}, 0)
				} else {
					attrsOf(analysis.Symbol{Kind: analysis.SymSource, Name: d.From.Name.Name}, 0)
				}
			}
			if d.To != nil && d.To.Name != nil && d.To.Iface != nil {
				attrsOf(analysis.Symbol{Kind: analysis.SymInput, Comp: d.To.Name.Name, Name: d.To.Iface.Name}, 0)
			}
		}
	case analysis.CompleteIfaceOf:
		if cc.Producer {
			ifaces(cc.Comp, analysis.SymOutput)
		} else {
			ifaces(cc.Comp, analysis.SymInput)
		}
	case analysis.CompleteEndpoint:
		names(analysis.SymComponent)
		if cc.Producer {
			names(analysis.SymSource)
		} else {
			names(analysis.SymSink)
		}
	case analysis.CompleteStreamAttr:
		keywords("seal", "rep", "order", "watermark")
		if !cc.IntoSink { // a sink runs no instances to route to (BLZ112)
			keywords("partition", "shuffle")
		}
		keywords("component", "stream", "source", "sink")
	}
	return list, nil
}
