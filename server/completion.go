package server

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

func filepathJoin(file, rel string) string {
	return filepath.Clean(filepath.Join(filepath.Dir(file), rel))
}

var tokenTypes = []protocol.SemanticTokenTypes{
	protocol.SemanticTokenKeyword,    // 0
	protocol.SemanticTokenClass,      // 1 component
	protocol.SemanticTokenProperty,   // 2 interface
	protocol.SemanticTokenEvent,      // 3 source / sink
	protocol.SemanticTokenParameter,  // 4 attribute
	protocol.SemanticTokenEnumMember, // 5 annotation
	protocol.SemanticTokenComment,    // 6
	protocol.SemanticTokenString,     // 7
	protocol.SemanticTokenNamespace,  // 8 dataflow name
	protocol.SemanticTokenOperator,   // 9 -> and :
}

var tokenModifiers = []protocol.SemanticTokenModifiers{protocol.SemanticTokenModifierDeclaration}

func (s *Server) semanticTokens(ctx context.Context, raw json.RawMessage) (any, error) {
	_, v, err := decodeView[textDocumentParams](s, ctx, raw)
	if err != nil {
		return nil, err
	}
	return protocol.SemanticTokens{Data: encodeTokens(v.text, v.lines, v.file)}, nil
}

type semTok struct {
	r    grammar.Range
	typ  uint32
	mods uint32
}

func encodeTokens(text []byte, lt *grammar.LineTable, f *grammar.File) []uint32 {
	byStart := map[grammar.Pos]analysis.Occurrence{}
	for _, o := range analysis.Occurrences(f) {
		byStart[o.Range.Start] = o
	}
	// Contextual words (watermark, partition, shuffle, window) are
	// keywords only where the grammar gives them their meaning.
	contextual := map[grammar.Pos]bool{}
	if f != nil {
		for _, r := range grammar.ContextualKeywords(f) {
			contextual[r.Start] = true
		}
	}
	var toks []semTok
	for _, t := range analysis.Lex(text) {
		switch t.Kind {
		case analysis.TokKeyword:
			toks = append(toks, semTok{r: t.Range, typ: 0})
		case analysis.TokAnnotation:
			toks = append(toks, semTok{r: t.Range, typ: 5})
		case analysis.TokComment:
			toks = append(toks, semTok{r: t.Range, typ: 6})
		case analysis.TokString:
			toks = append(toks, semTok{r: t.Range, typ: 7})
		case analysis.TokPunct:
			if t.Text == "->" {
				toks = append(toks, semTok{r: t.Range, typ: 9})
			}
		case analysis.TokIdent:
			if contextual[t.Range.Start] {
				toks = append(toks, semTok{r: t.Range, typ: 0})
				continue
			}
			o, ok := byStart[t.Range.Start]
			if !ok {
				continue
			}
			st := semTok{r: t.Range}
			switch o.Sym.Kind {
			case analysis.SymComponent:
				st.typ = 1
			case analysis.SymInput, analysis.SymOutput:
				st.typ = 2
			case analysis.SymSource, analysis.SymSink:
				st.typ = 3
			case analysis.SymAttr:
				st.typ = 4
			case analysis.SymDataflow:
				st.typ = 8
			}
			if o.Decl {
				st.mods = 1
			}
			toks = append(toks, st)
		}
	}
	data := make([]uint32, 0, len(toks)*5)
	prevLine, prevChar := 0, 0
	emit := func(start, end grammar.Pos, typ, mods uint32) {
		a, b := lt.LSP(start), lt.LSP(end)
		if b.Line != a.Line || b.Character <= a.Character {
			return
		}
		dl := a.Line - prevLine
		dc := a.Character
		if dl == 0 {
			dc = a.Character - prevChar
		}
		data = append(data, uint32(dl), uint32(dc), uint32(b.Character-a.Character), typ, mods)
		prevLine, prevChar = a.Line, a.Character
	}
	for _, t := range toks {
		// Split multi-line tokens (block comments) at line ends.
		start := t.r.Start
		for i := t.r.Start; i < t.r.End; i++ {
			if text[i] == '\n' {
				end := i
				if end > start && text[end-1] == '\r' {
					end--
				}
				emit(start, end, t.typ, t.mods)
				start = i + 1
			}
		}
		emit(start, t.r.End, t.typ, t.mods)
	}
	return data
}

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
		want := func(k analysis.SymKind) bool {
			for _, x := range kinds {
				if x == k {
					return true
				}
			}
			return false
		}
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
		want := func(k analysis.SymKind) bool {
			for _, x := range kinds {
				if x == k {
					return true
				}
			}
			return false
		}
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
