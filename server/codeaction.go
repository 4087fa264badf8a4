package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

type codeActionParams struct {
	TextDocument struct {
		URI string `json:"uri"`
	} `json:"textDocument"`
	Range   protocol.Range `json:"range"`
	Context struct {
		Only []string `json:"only"`
	} `json:"context"`
}

func kindWanted(only []string, kind string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(kind, o+".") {
			return true
		}
	}
	return false
}

func (s *Server) codeAction(ctx context.Context, raw json.RawMessage) (any, error) {
	p, v, err := decodeView[codeActionParams](s, ctx, raw)
	if err != nil {
		return nil, err
	}
	path := v.path
	out := []protocol.CodeAction{}
	if kindWanted(p.Context.Only, string(protocol.QuickFix)) {
		seen := map[string]bool{}
		for _, sn := range v.roots {
			prog := sn.program()
			if prog == nil || sn.gens[path] != v.sn.gens[path] {
				continue
			}
			for _, d := range prog.Diagnostics {
				if d.File != path || len(d.Fixes) == 0 {
					continue
				}
				pd := s.toDiagnostic(sn, d)
				if !rangesOverlap(pd.Range, p.Range) {
					continue
				}
				for _, fx := range d.Fixes {
					key := d.Code + fx.Title + fmt.Sprint(d.Range)
					if seen[key] {
						continue
					}
					seen[key] = true
					out = append(out, protocol.CodeAction{
						Title:       fx.Title,
						Kind:        protocol.QuickFix,
						Diagnostics: []protocol.Diagnostic{pd},
						IsPreferred: fx.Preferred,
						Edit:        toWorkspaceEdit(sn, fx.Edits),
					})
				}
			}
		}
	}
	if len(p.Context.Only) == 0 && v.prog() != nil && v.file != nil {
		out = append(out, s.witnessActions(v, p.Range)...)
		off := v.offset(p.Range.Start)
		if x := v.prog().LabelledAt(v.file, off); x != nil {
			out = append(out, protocol.CodeAction{
				Title: "Explain this label: " + x.Title(),
				Command: &protocol.Command{
					Title:     "Explain this label",
					Command:   cmdExplain,
					Arguments: []any{p.TextDocument.URI, p.Range.Start},
				},
			})
		}
	}
	return out, nil
}

func (s *Server) codeLens(ctx context.Context, raw json.RawMessage) (any, error) {
	_, v, err := decodeView[textDocumentParams](s, ctx, raw)
	if err != nil {
		return nil, err
	}
	path := v.path
	out := []protocol.CodeLens{}
	prog := v.prog()
	if prog == nil || v.file == nil {
		return out, nil
	}
	for _, d := range v.file.Decls {
		cd, ok := d.(*grammar.Component)
		if !ok || cd.Name == nil {
			continue
		}
		c := prog.ComponentOf(cd)
		if c == nil {
			continue
		}
		n := needsCoordination(v, c)
		title := "coordination-free"
		if n > 0 {
			title = fmt.Sprintf("needs coordination (%d)", n)
		}
		pos := lspPos(v.lines.LSP(cd.Name.Range.Start))
		r := toRange(v.lines, cd.Name.Range)
		out = append(out, protocol.CodeLens{
			Range:   r,
			Command: &protocol.Command{Title: title, Command: cmdExplain, Arguments: []any{fileURI(path), pos}},
		})
	}
	return out, nil
}

// needsCoordination counts the order-sensitive paths of c that are not
// coordinated (the BLZ001/BLZ002 findings on it).
func needsCoordination(v *view, c *analysis.Component) int {
	n := 0
	for _, p := range c.Paths {
		if !p.Kind.Confluent() && !p.Coordinated {
			n++
		}
	}
	return n
}

type inlayCategory int

const (
	inlayStreams inlayCategory = iota
	inlayInterfaces
	inlayPaths
)

func (s *Server) inlayHint(ctx context.Context, raw json.RawMessage) (any, error) {
	st := s.currentSettings().InlayHints
	out := []inlayHint{}
	if !st.Enabled || !(st.Streams || st.Interfaces || st.Paths) {
		return out, nil
	}
	p, v, err := decodeView[inlayHintParams](s, ctx, raw)
	if err != nil {
		return nil, err
	}
	path := v.path
	prog := v.prog()
	if prog == nil || v.file == nil || v.sn.gens[path] == 0 {
		return out, nil
	}
	lo, hi := v.offset(p.Range.Start), v.offset(p.Range.End)
	if p.Range == (protocol.Range{}) {
		hi = grammar.Pos(len(v.text))
	}
	add := func(at grammar.Pos, label string, tip string) {
		if at < lo || at > hi {
			return
		}
		out = append(out, inlayHint{Position: lspPos(v.lines.LSP(at)), Label: label, Kind: 1, Tooltip: tip, PaddingLeft: true})
	}
	f := v.file
	if st.Streams {
		for _, sm := range prog.Streams {
			if sm.File != f || sm.Decl == nil || sm.Label.Kind == analysis.None {
				continue
			}
			add(sm.Decl.Range.End, ": "+sm.Label.String(), LabelMeaning(sm.Label))
		}
	}
	if st.Interfaces {
		ifaces := append(append([]*analysis.Iface(nil), prog.Sources...), prog.Sinks...)
		for _, c := range prog.Components {
			ifaces = append(ifaces, c.Inputs...)
			ifaces = append(ifaces, c.Outputs...)
		}
		for _, i := range ifaces {
			if i.File != f || i.Label.Kind == analysis.None {
				continue
			}
			at := i.NameRange.End
			switch d := i.Decl.(type) {
			case *grammar.Interface:
				at = d.Range.End
			case *grammar.Source:
				at = d.Name.Range.End
				if d.Schema != nil {
					at = d.Schema.Range.End
				}
			case *grammar.Sink:
				at = d.Range.End
			}
			add(at, ": "+i.Label.String(), LabelMeaning(i.Label))
		}
	}
	if st.Paths {
		for _, c := range prog.Components {
			for _, pa := range c.Paths {
				if c.File != f || pa.Decl == nil || pa.Internal.Kind == analysis.None {
					continue
				}
				add(pa.Decl.Range.End, pa.Internal.String(), LabelMeaning(pa.Internal))
			}
		}
	}
	sortHints(out)
	return out, nil
}

func sortHints(h []inlayHint) {
	less := func(a, b protocol.Position) bool {
		return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
	}
	sort.SliceStable(h, func(i, j int) bool { return less(h[i].Position, h[j].Position) })
}
