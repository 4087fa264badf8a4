package server

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/analysis"
)

// executeCommand runs blazes.explain and blazes.graph.
//
//	blazes.explain [uri, {line, character}] | [name]  -> markdown string
//	blazes.graph   [uri]                              -> DOT string
func (s *Server) executeCommand(ctx context.Context, raw json.RawMessage) (any, error) {
	var p executeCommandParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	switch p.Command {
	case cmdExplain:
		return s.explain(ctx, p.Arguments)
	case cmdGraph:
		if len(p.Arguments) < 1 {
			return nil, invalidParams("blazes.graph takes [uri]")
		}
		var u string
		if json.Unmarshal(p.Arguments[0], &u) != nil {
			return nil, invalidParams("blazes.graph: the argument must be a document URI string")
		}
		path, err := docPath(u)
		if err != nil {
			return nil, err
		}
		v, err := s.ws.view(ctx, path)
		if err != nil {
			return nil, err
		}
		if v.prog() == nil {
			return nil, invalidParams("blazes.graph: %s could not be analysed", path)
		}
		return v.prog().DOT(), nil
	}
	return nil, invalidParams("unknown command %q (the server has %s and %s)", p.Command, cmdExplain, cmdGraph)
}

func (s *Server) explain(ctx context.Context, args []json.RawMessage) (any, error) {
	if len(args) == 0 {
		return nil, invalidParams("blazes.explain takes [uri, position] or [name]")
	}
	var first string
	if json.Unmarshal(args[0], &first) != nil {
		return nil, invalidParams("blazes.explain: the first argument must be a URI or a name")
	}
	if len(args) >= 2 {
		var pos protocol.Position
		if err := json.Unmarshal(args[1], &pos); err != nil {
			return nil, invalidParams("blazes.explain: the second argument must be a position {line, character}")
		}
		path, err := docPath(first)
		if err != nil {
			return nil, err
		}
		v, err := s.ws.view(ctx, path)
		if err != nil {
			return nil, err
		}
		if v.prog() == nil || v.file == nil {
			return nil, invalidParams("blazes.explain: %s could not be analysed", path)
		}
		x := v.prog().LabelledAt(v.file, v.offset(pos))
		if x == nil {
			return nil, invalidParams("blazes.explain: nothing labelled at %d:%d", pos.Line+1, pos.Character+1)
		}
		return explainMarkdown(x), nil
	}
	// A name: look it up in every analysed root.
	name := strings.TrimSpace(first)
	for _, sn := range s.ws.snapshots() {
		prog := sn.program()
		if prog == nil {
			continue
		}
		if x := prog.Lookup(name); x != nil {
			return explainMarkdown(x), nil
		}
	}
	return nil, invalidParams("blazes.explain: no component, interface, stream or path named %q in the open dataflows", name)
}

func explainMarkdown(x analysis.Labelled) string {
	var b strings.Builder
	describe(&b, x)
	b.WriteString("\n```text\n")
	b.WriteString(strings.TrimRight(analysis.Explain(x), "\n"))
	b.WriteString("\n```\n")
	return b.String()
}
