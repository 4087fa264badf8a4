// Inlay hints: labels after streams, interfaces and paths.

package server

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

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
		out = append(out, inlayHint{Position: lspPos(lsppos.Of(v.lines, at)), Label: label, Kind: 1, Tooltip: tip, PaddingLeft: true})
	}
	f := v.file
	if st.Streams {
		for _, sm := range prog.Streams {
			if sm.File != f || sm.Decl == nil || sm.Label.Kind == analysis.None {
				continue
			}
			add(sm.Decl.Range.End, ": "+sm.Label.String(), sm.Label.Meaning())
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
			add(at, ": "+i.Label.String(), i.Label.Meaning())
		}
	}
	if st.Paths {
		for _, c := range prog.Components {
			for _, pa := range c.Paths {
				if c.File != f || pa.Decl == nil || pa.Internal.Kind == analysis.None {
					continue
				}
				add(pa.Decl.Range.End, pa.Internal.String(), pa.Internal.Meaning())
			}
		}
	}
	sortHints(out)
	return out, nil
}

// sortHints orders hints by position (stably: hints at one place keep
// their order).
func sortHints(h []inlayHint) {
	slices.SortStableFunc(h, func(a, b inlayHint) int {
		if c := cmp.Compare(a.Position.Line, b.Position.Line); c != 0 {
			return c
		}
		return cmp.Compare(a.Position.Character, b.Position.Character)
	})
}
