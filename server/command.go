package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

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
	case cmdImport:
		return s.importTopology(ctx, p.Arguments)
	case cmdWitness:
		return s.witness(ctx, p.Arguments)
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
	return nil, invalidParams("unknown command %q (the server has %s, %s, %s and %s)", p.Command, cmdExplain, cmdGraph, cmdImport, cmdWitness)
}

// showOption reads the optional last argument {"show": false} of the
// commands that show their result themselves (explain, import, witness):
// it returns the other arguments and whether to show. A command whose
// arguments could themselves be objects passes min, the number of
// arguments that always come first.
func showOption(args []json.RawMessage, min int) ([]json.RawMessage, bool) {
	n := len(args)
	if n <= min {
		return args, true
	}
	var opts struct {
		Show *bool `json:"show"`
	}
	if json.Unmarshal(args[n-1], &opts) != nil || opts.Show == nil {
		return args, true
	}
	return args[:n-1], *opts.Show
}

// explain answers the explanation as markdown and also shows it where
// every client sees it (many clients drop a command's result): a generated
// document opened with window/showDocument when the client supports it,
// else a window/showMessage. A last argument {"show": false} asks for the
// result only, for a client that shows it itself.
func (s *Server) explain(ctx context.Context, args []json.RawMessage) (any, error) {
	args, show := showOption(args, 0)
	x, err := s.explainTarget(ctx, args)
	if err != nil {
		return nil, err
	}
	md := explainMarkdown(x)
	if show {
		s.showExplanation(x.Title(), md)
	}
	return md, nil
}

// explainTarget finds what blazes.explain's arguments name.
func (s *Server) explainTarget(ctx context.Context, args []json.RawMessage) (analysis.Labelled, error) {
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
		return x, nil
	}
	// A name: look it up in every analysed root.
	name := strings.TrimSpace(first)
	for _, sn := range s.ws.snapshots() {
		prog := sn.program()
		if prog == nil {
			continue
		}
		if x := prog.Lookup(name); x != nil {
			return x, nil
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

// maxMessageLines bounds an explanation sent as window/showMessage.
const maxMessageLines = 60

// showExplanation shows the explanation of the label titled title.
func (s *Server) showExplanation(title, md string) {
	s.mu.Lock()
	showDoc := s.caps.showDocument
	s.mu.Unlock()
	if showDoc {
		path, err := s.writeExplanation(title, md)
		if err == nil {
			s.callClient("window/showDocument", protocol.ShowDocumentParams{URI: protocol.URI(fileURI(path)), TakeFocus: true})
			return
		}
		s.log.Warn("cannot write the explanation; showing it as a message", zap.Error(err))
	}
	text := strings.TrimRight(plainText(md), "\n")
	if lines := strings.Split(text, "\n"); len(lines) > maxMessageLines {
		text = strings.Join(lines[:maxMessageLines], "\n") + fmt.Sprintf("\n… (%d more lines)", len(lines)-maxMessageLines)
	}
	s.notify("window/showMessage", protocol.ShowMessageParams{Type: protocol.MessageTypeInfo, Message: text})
}

// writeExplanation writes md to a markdown file named after the label in
// the session's explanation folder (made on first use, removed when the
// session ends), and returns its path. A label explained again with a
// different text gets a new file, so an editor that keeps the first one
// open shows the new text.
func (s *Server) writeExplanation(title, md string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.explainDir == "" {
		dir, err := os.MkdirTemp("", "blazes-explain-")
		if err != nil {
			return "", err
		}
		s.explainDir = dir
	}
	base := fileSafe(title)
	for n := 1; ; n++ {
		name := base + ".md"
		if n > 1 {
			name = fmt.Sprintf("%s-%d.md", base, n)
		}
		path := filepath.Join(s.explainDir, name)
		old, err := os.ReadFile(path)
		if err == nil && string(old) != md {
			continue
		}
		if err == nil {
			return path, nil
		}
		return path, os.WriteFile(path, []byte(md), 0o644)
	}
}

// removeExplanations removes the session's explanation folder.
func (s *Server) removeExplanations() {
	s.mu.Lock()
	dir := s.explainDir
	s.explainDir = ""
	s.mu.Unlock()
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}

// fileSafe turns a label's title ("Count: words -> counts") into a file
// name ("Count_words_counts").
func fileSafe(title string) string {
	var b strings.Builder
	sep := false
	for _, r := range title {
		if r < 0x80 && (r == '.' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '_') || r >= 0x80 && unicode.IsLetter(r) {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		} else {
			sep = true
		}
	}
	name := strings.Trim(b.String(), ".")
	if name == "" {
		name = "explanation"
	}
	for len(name) > 80 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}
