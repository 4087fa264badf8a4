package server

import (
	"os"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

// DocsURL is where each finding code is explained (anchor: the code in
// lower case).
const DocsURL = "https://github.com/blazes-dev/blazes/blob/main/docs/semantics.md"

// Conversions between analysis/grammar types and protocol types: the only
// place where byte offsets become UTF-16 positions.

func lspPos(p lsppos.Position) protocol.Position {
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character)}
}

func toRange(lt *grammar.LineTable, r grammar.Range) protocol.Range {
	if lt == nil {
		return protocol.Range{}
	}
	x := lsppos.RangeOf(lt, r)
	return protocol.Range{Start: lspPos(x.Start), End: lspPos(x.End)}
}

func toOffset(lt *grammar.LineTable, p protocol.Position) grammar.Pos {
	off, _ := lsppos.Offset(lt, lsppos.Position{Line: int(p.Line), Character: int(p.Character)})
	return off
}

// linesFor finds the line table of a file named in a snapshot, reading the
// disk as a last resort.
func linesFor(sn *snapshot, name string) *grammar.LineTable {
	if sn != nil {
		if lt := sn.lines(name); lt != nil {
			return lt
		}
		if t, ok := sn.texts[name]; ok {
			return grammar.NewLineTable(t)
		}
	}
	if t, err := os.ReadFile(name); err == nil {
		return grammar.NewLineTable(t)
	}
	return grammar.NewLineTable(nil)
}

func toSeverity(s analysis.Severity) protocol.DiagnosticSeverity {
	switch s {
	case analysis.SevError:
		return protocol.DiagnosticSeverityError
	case analysis.SevWarning:
		return protocol.DiagnosticSeverityWarning
	case analysis.SevInformation:
		return protocol.DiagnosticSeverityInformation
	default:
		return protocol.DiagnosticSeverityHint
	}
}

func codeHref(code string) uri.URI {
	return uri.URI(DocsURL + "#" + strings.ToLower(code))
}

func (s *Server) toDiagnostic(sn *snapshot, d *analysis.Diagnostic) protocol.Diagnostic {
	out := protocol.Diagnostic{
		Range:           toRange(linesFor(sn, d.File), d.Range),
		Severity:        toSeverity(d.Severity),
		Code:            d.Code,
		CodeDescription: &protocol.CodeDescription{Href: codeHref(d.Code)},
		Source:          "blazes",
		Message:         d.Message,
	}
	if strings.HasPrefix(d.Code, "BLZ2") {
		out.Tags = []protocol.DiagnosticTag{protocol.DiagnosticTagUnnecessary}
	}
	for _, r := range d.Related {
		out.RelatedInformation = append(out.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: uri.URI(fileURI(r.File)), Range: toRange(linesFor(sn, r.File), r.Range)},
			Message:  r.Message,
		})
	}
	return out
}

// toWorkspaceEdit converts a fix's edits.
func toWorkspaceEdit(sn *snapshot, edits []analysis.Edit) *protocol.WorkspaceEdit {
	we := &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{}}
	for _, e := range edits {
		u := uri.URI(fileURI(e.File))
		we.Changes[u] = append(we.Changes[u], protocol.TextEdit{Range: toRange(linesFor(sn, e.File), e.Range), NewText: e.NewText})
	}
	return we
}

func rangesOverlap(a, b protocol.Range) bool {
	before := func(x, y protocol.Position) bool {
		return x.Line < y.Line || x.Line == y.Line && x.Character < y.Character
	}
	return !before(a.End, b.Start) && !before(b.End, a.Start)
}
