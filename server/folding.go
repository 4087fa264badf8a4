// Folding ranges: declarations and comments over several lines.

package server

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

func (s *Server) foldingRange(ctx context.Context, raw json.RawMessage) (any, error) {
	_, v, err := decodeView[textDocumentParams](s, ctx, raw)
	if err != nil {
		return nil, err
	}
	out := []foldingRange{}
	line := func(o grammar.Pos) uint32 { return uint32(lsppos.Of(v.lines, o).Line) }
	if f := v.file; f != nil {
		if n := len(f.Imports); n > 1 {
			a, b := line(f.Imports[0].Range.Start), line(f.Imports[n-1].Range.End)
			if b > a {
				out = append(out, foldingRange{StartLine: a, EndLine: b, Kind: "imports"})
			}
		}
		for _, d := range f.Decls {
			a, b := line(d.Span().Start), line(d.Span().End)
			if c, ok := d.(*grammar.Component); ok && c.RBrace > c.LBrace {
				a, b = line(c.LBrace), line(c.RBrace)
				if b > a {
					b-- // keep the closing brace visible
				}
			}
			if b > a {
				out = append(out, foldingRange{StartLine: a, EndLine: b})
			}
		}
	}
	for _, t := range grammar.Tokens(v.text) {
		if t.Kind != grammar.TokenComment {
			continue
		}
		a, b := line(t.Range.Start), line(t.Range.End)
		if b > a {
			out = append(out, foldingRange{StartLine: a, EndLine: b, Kind: "comment"})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartLine < out[j].StartLine })
	return out, nil
}
