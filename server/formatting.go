// Formatting: the whole document, never one with syntax errors.

package server

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/grammar"
)

func (s *Server) formatting(ctx context.Context, raw json.RawMessage) (any, error) {
	_, path, err := decodeDoc[textDocumentParams](raw)
	if err != nil {
		return nil, err
	}
	if s.cfg.Engine.Format == nil {
		return nil, jsonrpc2.NewError(jsonrpc2.MethodNotFound, "formatting is not available in this build")
	}
	v, err := s.ws.view(ctx, path)
	if err != nil {
		return nil, err
	}
	out := []protocol.TextEdit{}
	f := v.file
	if f == nil || len(f.Errors) > 0 {
		return out, nil // never format a file with syntax errors
	}
	text, err := s.cfg.Engine.Format(f)
	if err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	if string(text) == string(v.text) {
		return out, nil
	}
	whole := toRange(v.lines, grammar.Range{Start: 0, End: grammar.Pos(len(v.text))})
	return []protocol.TextEdit{{Range: whole, NewText: string(text)}}, nil
}
