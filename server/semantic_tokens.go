// Semantic tokens: keywords, names by kind, comments, strings and arrows.

package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

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
	for _, t := range grammar.Tokens(text) {
		switch t.Kind {
		case grammar.TokenKeyword:
			toks = append(toks, semTok{r: t.Range, typ: 0})
		case grammar.TokenAnnotation:
			toks = append(toks, semTok{r: t.Range, typ: 5})
		case grammar.TokenComment:
			toks = append(toks, semTok{r: t.Range, typ: 6})
		case grammar.TokenString:
			toks = append(toks, semTok{r: t.Range, typ: 7})
		case grammar.TokenPunct:
			if t.Text == "->" {
				toks = append(toks, semTok{r: t.Range, typ: 9})
			}
		case grammar.TokenIdent:
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
		a, b := lsppos.Of(lt, start), lsppos.Of(lt, end)
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
