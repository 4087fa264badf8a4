package analysis

import "github.com/blazes-dev/blazes/grammar"

// CompletionKind says what may be written at a cursor.
type CompletionKind uint8

const (
	CompleteTopLevel     CompletionKind = iota // a declaration keyword
	CompleteMember                             // inside a component body: in, out, interface names
	CompleteAnnotation                         // after "i -> o :"
	CompleteGateAttr                           // inside CW[ / OR[ / OW[ (a term), or window( in a gate (see Window)
	CompleteSealAttr                           // inside seal( watermark( order( partition( of a source or stream
	CompleteIfaceOf                            // after "Comp." in a stream
	CompleteEndpoint                           // after "stream" or "->" in a stream
	CompleteStreamAttr                         // after a stream's endpoints or a source's name: an attribute (seal rep order watermark partition shuffle), or a new declaration
	CompleteNothing                            // inside a comment or string
	CompleteSchemaAttr                         // inside a schema's parentheses
	CompleteMemberTarget                       // after "i ->" in a component: output names
)

// CompletionContext describes the cursor for completion.
type CompletionContext struct {
	Kind     CompletionKind
	Prefix   string        // the identifier part before the cursor
	Replace  grammar.Range // the range the completion replaces (the prefix)
	Comp     string        // CompleteIfaceOf: the component; CompleteMember/Annotation/Gate: the enclosing component
	Producer bool          // CompleteIfaceOf, CompleteEndpoint: the producer side of a stream
	Decl     grammar.Decl  // the enclosing top-level declaration, if the AST has one
	Path     *grammar.Path // CompleteGateAttr: the path, when parsed
	PathFrom string        // CompleteGateAttr: the input name written before "->"
	Window   bool          // CompleteGateAttr: inside window(...): an attribute only, not a new term
	IntoSink bool          // CompleteStreamAttr: the stream's consumer is a sink (no partition or shuffle)
}

// CompleteAt works out what may be written at off in text (f, when
// non-nil, is its parse and helps to find the enclosing declaration).
func CompleteAt(f *grammar.File, text []byte, off grammar.Pos) CompletionContext {
	toks := grammar.Tokens(text)
	ctx := CompletionContext{Kind: CompleteTopLevel, Replace: grammar.Range{Start: off, End: off}}
	// Tokens strictly before the cursor; the one under it may be the prefix.
	var before []grammar.Token
	for _, t := range toks {
		if t.Range.Start >= off {
			break
		}
		if t.Kind == grammar.TokenComment || t.Kind == grammar.TokenString {
			if off < t.Range.End || (off == t.Range.End && t.Kind == grammar.TokenComment && t.Text[1] == '/') {
				ctx.Kind = CompleteNothing
				return ctx
			}
			if t.Kind == grammar.TokenComment {
				continue
			}
		}
		if (t.Kind == grammar.TokenIdent || t.Kind == grammar.TokenKeyword || t.Kind == grammar.TokenAnnotation) && t.Range.End >= off {
			ctx.Prefix = string(text[t.Range.Start:off])
			ctx.Replace = grammar.Range{Start: t.Range.Start, End: t.Range.End}
			break
		}
		before = append(before, t)
	}
	if f != nil {
		for _, d := range f.Decls {
			if d.Span().Start <= off && off <= d.Span().End {
				ctx.Decl = d
			}
		}
	}
	// Find the enclosing construct by scanning back to the last top-level
	// keyword at brace depth 0.
	depth := 0
	start := 0
	for i, t := range before {
		switch t.Text {
		case "{":
			depth++
		case "}":
			if depth > 0 {
				depth--
			}
		}
		if depth == 0 && t.Kind == grammar.TokenKeyword && (t.Text == "source" || t.Text == "sink" || t.Text == "component" || t.Text == "stream" || t.Text == "import" || t.Text == "dataflow") {
			start = i
		}
	}
	seg := before[start:]
	if len(seg) == 0 {
		return ctx
	}
	last := func(k int) grammar.Token { // k-th token from the end, 1-based
		if len(seg) >= k {
			return seg[len(seg)-k]
		}
		return grammar.Token{Kind: grammar.TokenPunct}
	}
	// Inside parentheses or brackets? Closed pairs before the cursor are
	// skipped, so that after "OW[k, window(t), " the cursor is in the gate.
	open := -1
	nest := 0
	for i := len(seg) - 1; i >= 0; i-- {
		t := seg[i].Text
		if t == "{" || t == "}" {
			break
		}
		if t == ")" || t == "]" {
			nest++
			continue
		}
		if t == "(" || t == "[" {
			if nest > 0 {
				nest--
				continue
			}
			open = i
			break
		}
	}
	// keyList: the '(' at open is that of an attribute whose keys are
	// attributes of the stream (seal, watermark, order, partition).
	keyList := func() bool {
		if open < 1 {
			return false
		}
		switch seg[open-1].Text {
		case "seal", "watermark", "order", "partition":
			return true
		}
		return false
	}
	head := seg[0].Text
	switch head {
	case "component":
		if len(seg) >= 2 && seg[1].Kind == grammar.TokenIdent {
			ctx.Comp = seg[1].Text
		}
		braced := false
		for _, t := range seg {
			if t.Text == "{" {
				braced = true
			}
			if t.Text == "}" {
				ctx.Kind = CompleteTopLevel
				return ctx
			}
		}
		if !braced {
			ctx.Kind = CompleteNothing
			return ctx
		}
		if open >= 0 {
			gate := open
			if seg[open].Text == "(" && open >= 2 && seg[open-1].Text == "window" && (seg[open-2].Text == "[" || seg[open-2].Text == ",") {
				// window( inside a gate: find the gate's '['.
				ctx.Window = true
				for gate = open - 1; gate >= 0 && seg[gate].Text != "[" && seg[gate].Text != "{"; gate-- {
				}
				if gate < 0 || seg[gate].Text != "[" {
					gate = open
				}
			}
			if seg[gate].Text == "[" {
				ctx.Kind = CompleteGateAttr
				// ... from -> to : OW [
				if gate >= 5 && seg[gate-4].Text == "->" {
					ctx.PathFrom = seg[gate-5].Text
				}
				if pd, ok := ctx.Decl.(*grammar.Component); ok {
					for _, m := range pd.Members {
						if p, ok := m.(*grammar.Path); ok && p.Range.Start <= off && off <= p.Range.End+1 {
							ctx.Path = p
						}
					}
				}
			} else {
				ctx.Kind = CompleteSchemaAttr
			}
			return ctx
		}
		switch {
		case last(1).Text == ":":
			ctx.Kind = CompleteAnnotation
		case last(1).Text == "->":
			ctx.Kind = CompleteMemberTarget
		case last(1).Text == "in" || last(1).Text == "out":
			ctx.Kind = CompleteNothing // a new name
		default:
			ctx.Kind = CompleteMember
		}
		return ctx
	case "stream":
		if open >= 0 {
			if keyList() {
				ctx.Kind = CompleteSealAttr
			} else {
				ctx.Kind = CompleteNothing
			}
			return ctx
		}
		arrow := -1
		for i, t := range seg {
			if t.Text == "->" {
				arrow = i
			}
		}
		if last(1).Text == "." && last(2).Kind == grammar.TokenIdent {
			ctx.Kind = CompleteIfaceOf
			ctx.Comp = last(2).Text
			ctx.Producer = arrow < 0
			return ctx
		}
		if last(1).Text == "stream" || last(1).Text == "->" {
			ctx.Kind = CompleteEndpoint
			ctx.Producer = arrow < 0
			return ctx
		}
		if arrow >= 0 && len(seg)-arrow >= 2 {
			ctx.Kind = CompleteStreamAttr
			// "-> name" without ".iface": the consumer is a sink.
			ctx.IntoSink = len(seg)-arrow == 2 || seg[arrow+2].Text != "."
			return ctx
		}
		ctx.Kind = CompleteNothing
		return ctx
	case "source":
		if open >= 0 {
			if keyList() {
				ctx.Kind = CompleteSealAttr
			} else {
				ctx.Kind = CompleteSchemaAttr
			}
			return ctx
		}
		if len(seg) >= 2 {
			ctx.Kind = CompleteStreamAttr
		} else {
			ctx.Kind = CompleteNothing
		}
		return ctx
	case "sink":
		if open >= 0 {
			ctx.Kind = CompleteSchemaAttr
			return ctx
		}
		if len(seg) == 1 {
			ctx.Kind = CompleteNothing
		}
		return ctx
	case "import", "dataflow":
		if len(seg) == 1 {
			ctx.Kind = CompleteNothing
		}
		return ctx
	}
	return ctx
}

// LexSym is a name found by LexicalSymbols.
type LexSym struct {
	Sym    Symbol
	Schema []string // the attributes of a declared schema, if any
	Decl   bool
}

// LexicalSymbols finds declarations with the lexer alone, so that
// completion still knows a component whose declaration does not parse
// yet (the one being typed): components, sources, sinks, and each
// component's interfaces (declared with in/out or used in a path).
func LexicalSymbols(text []byte) []LexSym {
	toks := grammar.Tokens(text)
	var out []LexSym
	var code []grammar.Token
	for _, t := range toks {
		if t.Kind != grammar.TokenComment {
			code = append(code, t)
		}
	}
	schema := func(i int) []string { // attrs of "( a, b )" starting at code[i]
		if i >= len(code) || code[i].Text != "(" {
			return nil
		}
		var attrs []string
		for j := i + 1; j < len(code) && code[j].Text != ")" && code[j].Text != "{" && code[j].Text != "}"; j++ {
			if code[j].Kind == grammar.TokenIdent {
				attrs = append(attrs, code[j].Text)
			}
		}
		return attrs
	}
	comp := ""
	depth := 0
	for i := 0; i < len(code); i++ {
		t := code[i]
		next := func(k int) grammar.Token {
			if i+k < len(code) {
				return code[i+k]
			}
			return grammar.Token{Kind: grammar.TokenPunct}
		}
		switch {
		case t.Text == "{":
			depth++
		case t.Text == "}":
			if depth > 0 {
				depth--
			}
			if depth == 0 {
				comp = ""
			}
		case depth == 0 && t.Kind == grammar.TokenKeyword && (t.Text == "source" || t.Text == "sink") && next(1).Kind == grammar.TokenIdent:
			k := SymSource
			if t.Text == "sink" {
				k = SymSink
			}
			out = append(out, LexSym{Sym: Symbol{Kind: k, Name: next(1).Text}, Schema: schema(i + 2), Decl: true})
		case depth == 0 && t.Text == "component" && next(1).Kind == grammar.TokenIdent:
			comp = next(1).Text
			out = append(out, LexSym{Sym: Symbol{Kind: SymComponent, Name: comp}, Decl: true})
		case depth == 0 && t.Kind == grammar.TokenKeyword && t.Text != "in" && t.Text != "out":
			comp = ""
		case depth == 1 && comp != "" && (t.Text == "in" || t.Text == "out") && next(1).Kind == grammar.TokenIdent:
			k := SymInput
			if t.Text == "out" {
				k = SymOutput
			}
			out = append(out, LexSym{Sym: Symbol{Kind: k, Comp: comp, Name: next(1).Text}, Schema: schema(i + 2), Decl: true})
		case depth == 1 && comp != "" && t.Kind == grammar.TokenIdent && next(1).Text == "->":
			out = append(out, LexSym{Sym: Symbol{Kind: SymInput, Comp: comp, Name: t.Text}})
			if next(2).Kind == grammar.TokenIdent {
				out = append(out, LexSym{Sym: Symbol{Kind: SymOutput, Comp: comp, Name: next(2).Text}})
			}
		}
	}
	return out
}

// LexicalStreams finds "stream A[.x] -> B[.y]" declarations with the lexer
// alone: pairs of producer and consumer symbols.
func LexicalStreams(text []byte) [][2]Symbol {
	var code []grammar.Token
	for _, t := range grammar.Tokens(text) {
		if t.Kind != grammar.TokenComment {
			code = append(code, t)
		}
	}
	endpoint := func(i int, producer bool) (Symbol, int, bool) {
		if i >= len(code) || code[i].Kind != grammar.TokenIdent {
			return Symbol{}, i, false
		}
		if i+2 < len(code) && code[i+1].Text == "." && code[i+2].Kind == grammar.TokenIdent {
			k := SymInput
			if producer {
				k = SymOutput
			}
			return Symbol{Kind: k, Comp: code[i].Text, Name: code[i+2].Text}, i + 3, true
		}
		k := SymSink
		if producer {
			k = SymSource
		}
		return Symbol{Kind: k, Name: code[i].Text}, i + 1, true
	}
	var out [][2]Symbol
	for i := 0; i < len(code); i++ {
		if code[i].Text != "stream" {
			continue
		}
		from, j, ok := endpoint(i+1, true)
		if !ok || j >= len(code) || code[j].Text != "->" {
			continue
		}
		to, _, ok := endpoint(j+1, false)
		if ok {
			out = append(out, [2]Symbol{from, to})
		}
	}
	return out
}
