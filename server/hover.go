package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

func labelText(l analysis.Label) string {
	if l.Kind == analysis.None {
		return "(unlabelled)"
	}
	return l.String()
}

func labelLine(b *strings.Builder, what string, l analysis.Label) {
	fmt.Fprintf(b, "- %s: **`%s`** — %s\n", what, labelText(l), l.Meaning())
}

// positionIn resolves a request position in the view.
func (v *view) offset(p protocol.Position) grammar.Pos { return toOffset(v.lines, p) }

func (s *Server) viewAt(ctx context.Context, raw json.RawMessage) (*view, grammar.Pos, error) {
	p, v, err := decodeView[positionParams](s, ctx, raw)
	if err != nil {
		return nil, 0, err
	}
	return v, v.offset(p.Position), nil
}

func (s *Server) hover(ctx context.Context, raw json.RawMessage) (any, error) {
	v, off, err := s.viewAt(ctx, raw)
	if err != nil {
		return nil, err
	}
	md, r := hoverText(v, off)
	if md == "" {
		return nil, nil
	}
	s.mu.Lock()
	plain := s.caps.plainHover
	s.mu.Unlock()
	h := protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: md}}
	if plain {
		h.Contents = protocol.MarkupContent{Kind: protocol.PlainText, Value: plainText(md)}
	}
	if r != nil {
		rr := toRange(v.lines, *r)
		h.Range = &rr
	}
	return h, nil
}

// prefersPlainText reads a client's textDocument.hover.contentFormat, its
// formats in order of preference: true when plain text comes before
// markdown. A client that names neither gets markdown.
func prefersPlainText(formats []string) bool {
	for _, f := range formats {
		switch protocol.MarkupKind(f) {
		case protocol.Markdown:
			return false
		case protocol.PlainText:
			return true
		}
	}
	return false
}

// plainText renders the markdown of a hover or an explanation (the small
// subset describe and hoverText write: **strong**, `code`, _emphasis_
// lines, "- " lists and fenced blocks) as plain text with no markdown
// syntax left: fenced blocks are indented instead.
func plainText(md string) string {
	var b strings.Builder
	fenced := false
	for _, line := range strings.SplitAfter(md, "\n") {
		body := strings.TrimSuffix(line, "\n")
		nl := line[len(body):]
		if strings.HasPrefix(body, "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			if body != "" {
				b.WriteString("    ")
			}
			b.WriteString(body + nl)
			continue
		}
		body = strings.ReplaceAll(body, "**", "")
		body = strings.ReplaceAll(body, "`", "")
		if len(body) > 1 && body[0] == '_' && body[len(body)-1] == '_' {
			body = body[1 : len(body)-1]
		}
		b.WriteString(body + nl)
	}
	return b.String()
}

// hoverText renders the hover of the thing at off, with the range it
// covers.
func hoverText(v *view, off grammar.Pos) (string, *grammar.Range) {
	p := v.prog()
	f := v.file
	if f == nil {
		return "", nil
	}
	var b strings.Builder
	var rng *grammar.Range
	occ := analysis.OccurrenceAt(f, off)
	if occ != nil {
		r := occ.Range
		rng = &r
	}
	if occ != nil && occ.Sym.Kind == analysis.SymAttr {
		fmt.Fprintf(&b, "**attribute** `%s`", occ.Sym.Name)
		switch n := occ.Node.(type) {
		case *grammar.StreamAttr:
			if n.Kind == grammar.AttrSeal {
				fmt.Fprintf(&b, " — a key of `seal(%s)`: the producer announces, for each value of it, that no more records with that value will come\n\n", joinIdents(n.Keys))
			} else {
				fmt.Fprintf(&b, " — the key of `%s(%s)`\n\n", n.Kind, joinIdents(n.Keys))
			}
		case *grammar.Annotation:
			gate := "[" + grammar.GateKey(n.Gate) + "]"
			fmt.Fprintf(&b, " — in the gate `%s`: inputs whose values of the gate differ never interact, so order matters only within a partition\n\n", gate)
		case *grammar.Schema:
			b.WriteString(" — declared in a schema: gates and seals on this interface may use it\n\n")
		default:
			b.WriteString("\n\n")
		}
	}
	// A word of the language (seal, watermark, order, partition, shuffle,
	// window, rep): what it means and its counterparts in the engines.
	if w, wr := grammar.WordAt(f, off); w != "" {
		b.WriteString(grammar.Word(w).Markdown() + "\n")
		if rng == nil {
			rng = &wr
		}
	}
	if p == nil {
		if b.Len() == 0 && occ != nil {
			fmt.Fprintf(&b, "**%s** `%s`\n\n_not analysed yet_", occ.Sym.Kind, occ.Sym.Name)
		}
		return b.String(), rng
	}
	x := p.LabelledAt(f, off)
	if x == nil {
		return b.String(), rng
	}
	if rng == nil {
		var r grammar.Range
		switch x := x.(type) {
		case *analysis.Path:
			r = x.Decl.Range
			if x.Decl.Ann != nil && x.Decl.Ann.Range.Contains(off) {
				r = x.Decl.Ann.Range
			}
		case *analysis.Stream:
			r = x.Decl.Range
		case *analysis.Component:
			r = x.Decl.Name.Range
		}
		if r != (grammar.Range{}) {
			rng = &r
		}
	}
	describe(&b, x)
	b.WriteString("\n**Derivation**\n\n```text\n")
	b.WriteString(strings.TrimRight(analysis.Explain(x), "\n"))
	b.WriteString("\n```\n")
	return b.String(), rng
}

func joinIdents(ids []*grammar.Ident) string {
	var s []string
	for _, i := range ids {
		s = append(s, i.Name)
	}
	return strings.Join(s, ",")
}

// describe writes the heading and the labels of x.
func describe(b *strings.Builder, x analysis.Labelled) {
	switch x := x.(type) {
	case *analysis.Component:
		fmt.Fprintf(b, "**component** `%s`", x.Name)
		if x.Replicated {
			b.WriteString(" (replicated)")
		}
		b.WriteString("\n\n")
		labelLine(b, "state", x.State)
		for _, p := range x.Paths {
			what := fmt.Sprintf("path `%s : %s`", p.Name(), p.Annotation())
			if p.Internal.Kind != analysis.None {
				fmt.Fprintf(b, "- %s: internal **`%s`**, out **`%s`**\n", what, p.Internal, labelText(p.OutLabel))
			} else {
				fmt.Fprintf(b, "- %s: out **`%s`**\n", what, labelText(p.OutLabel))
			}
		}
		for _, i := range x.Inputs {
			labelLine(b, "in `"+i.Name+"`", i.Label)
		}
		for _, i := range x.Outputs {
			labelLine(b, "out `"+i.Name+"`", i.Label)
		}
	case *analysis.Iface:
		kind := map[analysis.IfaceDir]string{analysis.DirIn: "input", analysis.DirOut: "output", analysis.DirSource: "source", analysis.DirSink: "sink"}[x.Dir]
		fmt.Fprintf(b, "**%s** `%s`", kind, x.FullName())
		if x.HasSchema {
			fmt.Fprintf(b, "(%s)", strings.Join(x.Schema, ", "))
		}
		b.WriteString("\n\n")
		labelLine(b, "label", x.Label)
	case *analysis.Path:
		fmt.Fprintf(b, "**path** `%s: %s : %s`", x.Comp.Name, x.Name(), x.Annotation())
		b.WriteString("\n\n")
		fmt.Fprintf(b, "- annotation: `%s` — %s\n", x.Annotation(), annotationMeaning(x))
		labelLine(b, "input", x.In.Label)
		if x.Internal.Kind != analysis.None {
			labelLine(b, "internal", x.Internal)
			fmt.Fprintf(b, "- causes: %s\n", strings.Join(x.Causes(), ", "))
		} else if !x.Kind.Confluent() && x.In.Label.Kind != analysis.None {
			fmt.Fprintf(b, "- coordinated %s\n", x.HowCoordinated())
		}
		labelLine(b, "out", x.OutLabel)
	case *analysis.Stream:
		fmt.Fprintf(b, "**stream** `%s`", x.Name())
		var attrs []string
		if x.Seal != nil && !x.Watermark { // a watermark is listed as written, below
			attrs = append(attrs, "seal("+x.Seal.Key+")")
		}
		if x.Rep {
			attrs = append(attrs, "rep")
		}
		keyed := false
		for _, a := range x.Decl.Attrs { // the attributes of contract v2, as written
			switch {
			case a.Kind == grammar.AttrWatermark, a.Kind == grammar.AttrPartition, a.Kind == grammar.AttrShuffle:
				attrs = append(attrs, a.String())
			case a.Kind == grammar.AttrOrder && len(a.Keys) > 0:
				attrs = append(attrs, a.String())
				keyed = true
			}
		}
		if x.Order && !keyed {
			attrs = append(attrs, "order")
		}
		if len(attrs) > 0 {
			fmt.Fprintf(b, " `%s`", strings.Join(attrs, " "))
		}
		b.WriteString("\n\n")
		labelLine(b, "label", x.Label)
	default:
		fmt.Fprintf(b, "**%s**\n\n", x.Title())
		labelLine(b, "label", x.DerivedLabel())
	}
}

func annotationMeaning(p *analysis.Path) string {
	switch p.Kind {
	case grammar.CR:
		return "confluent, read-only: order-insensitive and stateless"
	case grammar.CW:
		return "confluent, write: order-insensitive, changes state monotonically"
	case grammar.OR:
		return "order-sensitive read: the output depends on how this input interleaves with writes to the state; order matters within gate [" + p.Gate + "]"
	default:
		return "order-sensitive write: the state depends on input order; order matters within gate [" + p.Gate + "]"
	}
}
