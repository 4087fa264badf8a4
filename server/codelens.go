// Code lenses: each component's coordination state.

package server

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

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
		pos := lspPos(lsppos.Of(v.lines, cd.Name.Range.Start))
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
