package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"
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
