package server

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

// files returns the view's document and every file of the programs that
// contain it (imports and importers), the document first.
func (v *view) files() []*grammar.File {
	out := []*grammar.File{}
	seen := map[string]bool{}
	if v.file != nil {
		out = append(out, v.file)
		seen[v.path] = true
	}
	for _, sn := range v.roots {
		if !sn.ok {
			continue
		}
		for _, n := range sn.fileNames() {
			if !seen[n] {
				seen[n] = true
				out = append(out, sn.file(n))
			}
		}
	}
	return out
}

func location(f *grammar.File, r grammar.Range) protocol.Location {
	lt := f.Lines
	if lt == nil {
		lt = grammar.NewLineTable(f.Text)
	}
	return protocol.Location{URI: uri.URI(fileURI(f.Name)), Range: toRange(lt, r)}
}

func (s *Server) definition(ctx context.Context, raw json.RawMessage) (any, error) {
	v, off, err := s.viewAt(ctx, raw)
	if err != nil {
		return nil, err
	}
	occ := analysis.OccurrenceAt(v.file, off)
	if occ == nil || occ.Sym.Kind == analysis.SymAttr || occ.Sym.Kind == analysis.SymDataflow {
		if imp := importAt(v.file, off); imp != "" {
			return []protocol.Location{{URI: uri.URI(fileURI(imp))}}, nil
		}
		return []protocol.Location{}, nil
	}
	def := analysis.Definition(v.files(), occ.Sym)
	if def == nil {
		return []protocol.Location{}, nil
	}
	return []protocol.Location{location(def.File, def.Range)}, nil
}

// importAt returns the resolved path of the import string under off.
func importAt(f *grammar.File, off grammar.Pos) string {
	if f == nil {
		return ""
	}
	for _, i := range f.Imports {
		if i.PathRange.Contains(off) {
			return filepathJoin(f.Name, i.Path)
		}
	}
	return ""
}

func (s *Server) references(ctx context.Context, raw json.RawMessage) (any, error) {
	var p struct {
		Context struct {
			IncludeDeclaration bool `json:"includeDeclaration"`
		} `json:"context"`
	}
	_ = json.Unmarshal(raw, &p)
	v, off, err := s.viewAt(ctx, raw)
	if err != nil {
		return nil, err
	}
	out := []protocol.Location{}
	occ := analysis.OccurrenceAt(v.file, off)
	if occ == nil {
		return out, nil
	}
	for _, r := range analysis.References(v.files(), occ.Sym) {
		if r.Decl && !p.Context.IncludeDeclaration {
			continue
		}
		out = append(out, location(r.File, r.Range))
	}
	return out, nil
}

// renameTarget finds the renameable symbol at off, or explains why not.
func renameTarget(v *view, off grammar.Pos) (*analysis.Occurrence, error) {
	occ := analysis.OccurrenceAt(v.file, off)
	if occ == nil {
		for _, t := range grammar.Tokens(v.text) {
			if t.Range.Contains(off) && (t.Kind == grammar.TokenKeyword || t.Kind == grammar.TokenAnnotation) {
				return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%q is a keyword and cannot be renamed", t.Text)
			}
		}
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "nothing to rename here: place the cursor on a component, interface, source or sink name")
	}
	switch occ.Sym.Kind {
	case analysis.SymAttr:
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "attribute %q cannot be renamed: attributes are matched by name across schemas, gates and seals", occ.Sym.Name)
	case analysis.SymDataflow:
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "the dataflow name cannot be renamed")
	}
	return occ, nil
}

func (s *Server) prepareRename(ctx context.Context, raw json.RawMessage) (any, error) {
	v, off, err := s.viewAt(ctx, raw)
	if err != nil {
		return nil, err
	}
	occ, err := renameTarget(v, off)
	if err != nil {
		return nil, err
	}
	return map[string]any{"range": toRange(v.lines, occ.Range), "placeholder": occ.Sym.Name}, nil
}

func (s *Server) rename(ctx context.Context, raw json.RawMessage) (any, error) {
	var p struct {
		NewName string `json:"newName"`
	}
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	v, off, err := s.viewAt(ctx, raw)
	if err != nil {
		return nil, err
	}
	occ, err := renameTarget(v, off)
	if err != nil {
		return nil, err
	}
	name := p.NewName
	if grammar.IsKeyword(name) {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%q is a keyword: choose another name", name)
	}
	if !grammar.IsIdent(name) {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%q is not a valid name: names are letters, digits and _, not starting with a digit", name)
	}
	if name == occ.Sym.Name {
		return protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{}}, nil
	}
	files := v.files()
	// Clashes: components, sources and sinks share one namespace; an
	// interface clashes with another of the same component and direction.
	global := func(k analysis.SymKind) bool {
		return k == analysis.SymComponent || k == analysis.SymSource || k == analysis.SymSink
	}
	for _, f := range files {
		for _, o := range analysis.Occurrences(f) {
			if o.Sym.Name != name {
				continue
			}
			if global(occ.Sym.Kind) && global(o.Sym.Kind) {
				return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "cannot rename %s %q to %q: a %s named %q already exists", occ.Sym.Kind, occ.Sym.Name, name, o.Sym.Kind, name)
			}
			if !global(occ.Sym.Kind) && o.Sym.Kind == occ.Sym.Kind && o.Sym.Comp == occ.Sym.Comp {
				return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "cannot rename %s %s.%s to %q: %s already has an %s named %q", occ.Sym.Kind, occ.Sym.Comp, occ.Sym.Name, name, occ.Sym.Comp, occ.Sym.Kind, name)
			}
		}
	}
	edit := protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{}}
	for _, r := range analysis.References(files, occ.Sym) {
		loc := location(r.File, r.Range)
		edit.Changes[loc.URI] = append(edit.Changes[loc.URI], protocol.TextEdit{Range: loc.Range, NewText: name})
	}
	// Renaming a component renames the interface symbols' component part
	// too: Comp.iface endpoints are covered by the component occurrence.
	return edit, nil
}

func (s *Server) documentSymbol(ctx context.Context, raw json.RawMessage) (any, error) {
	_, v, err := decodeView[textDocumentParams](s, ctx, raw)
	if err != nil {
		return nil, err
	}
	path := v.path
	syms := documentSymbols(v.file, v.lines, v.prog())
	s.mu.Lock()
	hier := s.caps.hierarchicalSymbols
	s.mu.Unlock()
	if hier {
		return syms, nil
	}
	// Flatten for clients without hierarchical support.
	out := []protocol.SymbolInformation{}
	var walk func(list []protocol.DocumentSymbol, container string)
	walk = func(list []protocol.DocumentSymbol, container string) {
		for _, d := range list {
			out = append(out, protocol.SymbolInformation{Name: d.Name, Kind: d.Kind, ContainerName: container,
				Location: protocol.Location{URI: uri.URI(fileURI(path)), Range: d.Range}})
			walk(d.Children, d.Name)
		}
	}
	walk(syms, "")
	return out, nil
}

func documentSymbols(f *grammar.File, lt *grammar.LineTable, prog *analysis.Program) []protocol.DocumentSymbol {
	out := []protocol.DocumentSymbol{}
	if f == nil {
		return out
	}
	detail := func(l analysis.Label) string {
		if l.Kind == analysis.None {
			return ""
		}
		return l.String()
	}
	ifaceLabel := func(sym analysis.Symbol) string {
		if x := prog.Entity(sym); x != nil {
			return detail(x.DerivedLabel())
		}
		return ""
	}
	if f.Dataflow != nil {
		out = append(out, protocol.DocumentSymbol{Name: f.Dataflow.Name, Detail: "dataflow", Kind: protocol.SymbolKindNamespace,
			Range: toRange(lt, f.Dataflow.Range), SelectionRange: toRange(lt, f.Dataflow.Range)})
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *grammar.Source:
			if d.Name == nil {
				continue
			}
			out = append(out, protocol.DocumentSymbol{Name: d.Name.Name, Detail: strings.TrimSpace("source " + ifaceLabel(analysis.Symbol{Kind: analysis.SymSource, Name: d.Name.Name})),
				Kind: protocol.SymbolKindEvent, Range: toRange(lt, d.Range), SelectionRange: toRange(lt, d.Name.Range)})
		case *grammar.Sink:
			if d.Name == nil {
				continue
			}
			out = append(out, protocol.DocumentSymbol{Name: d.Name.Name, Detail: strings.TrimSpace("sink " + ifaceLabel(analysis.Symbol{Kind: analysis.SymSink, Name: d.Name.Name})),
				Kind: protocol.SymbolKindEvent, Range: toRange(lt, d.Range), SelectionRange: toRange(lt, d.Name.Range)})
		case *grammar.Component:
			if d.Name == nil {
				continue
			}
			cs := protocol.DocumentSymbol{Name: d.Name.Name, Detail: "component", Kind: protocol.SymbolKindClass,
				Range: toRange(lt, d.Range), SelectionRange: toRange(lt, d.Name.Range)}
			if c := prog.ComponentOf(d); c != nil && c.State.Kind != analysis.None {
				cs.Detail = "component, state " + c.State.String()
			}
			for _, m := range d.Members {
				switch m := m.(type) {
				case *grammar.Interface:
					if m.Name == nil {
						continue
					}
					k := analysis.SymInput
					if m.Dir == grammar.Out {
						k = analysis.SymOutput
					}
					cs.Children = append(cs.Children, protocol.DocumentSymbol{Name: m.Name.Name,
						Detail: strings.TrimSpace(m.Dir.String() + " " + ifaceLabel(analysis.Symbol{Kind: k, Comp: d.Name.Name, Name: m.Name.Name})),
						Kind:   protocol.SymbolKindInterface, Range: toRange(lt, m.Range), SelectionRange: toRange(lt, m.Name.Range)})
				case *grammar.Path:
					if m.From == nil || m.To == nil {
						continue
					}
					det := ""
					if m.Ann != nil {
						det = string(f.Text[m.Ann.Range.Start:m.Ann.Range.End])
					}
					if pa := prog.PathOf(m); pa != nil {
						det = pa.Annotation()
						if pa.Internal.Kind != analysis.None {
							det += " " + pa.Internal.String()
						}
					}
					cs.Children = append(cs.Children, protocol.DocumentSymbol{Name: m.From.Name + " -> " + m.To.Name, Detail: det,
						Kind: protocol.SymbolKindFunction, Range: toRange(lt, m.Range), SelectionRange: toRange(lt, m.Range)})
				}
			}
			out = append(out, cs)
		case *grammar.Stream:
			if d.From == nil || d.To == nil || d.From.Name == nil || d.To.Name == nil {
				continue
			}
			det := "stream"
			if sm := prog.StreamOf(d); sm != nil && sm.Label.Kind != analysis.None {
				det = "stream " + sm.Label.String()
			}
			out = append(out, protocol.DocumentSymbol{Name: d.From.String() + " -> " + d.To.String(), Detail: det,
				Kind: protocol.SymbolKindOperator, Range: toRange(lt, d.Range), SelectionRange: toRange(lt, d.Range)})
		}
	}
	return out
}

func (s *Server) workspaceSymbol(ctx context.Context, raw json.RawMessage) (any, error) {
	var p struct {
		Query string `json:"query"`
	}
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	q := strings.ToLower(p.Query)
	out := []protocol.SymbolInformation{}
	files, err := s.ws.allFiles(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for _, o := range analysis.Occurrences(f) {
			if !o.Decl || o.Sym.Kind == analysis.SymAttr || o.Sym.Kind == analysis.SymDataflow {
				continue
			}
			if q != "" && !strings.Contains(strings.ToLower(o.Sym.Name), q) {
				continue
			}
			kind := protocol.SymbolKindClass
			container := ""
			switch o.Sym.Kind {
			case analysis.SymInput, analysis.SymOutput:
				kind = protocol.SymbolKindInterface
				container = o.Sym.Comp
			case analysis.SymSource, analysis.SymSink:
				kind = protocol.SymbolKindEvent
			}
			out = append(out, protocol.SymbolInformation{Name: o.Sym.Name, Kind: kind, ContainerName: container, Location: location(f, o.Range)})
			if len(out) >= 1000 {
				return out, nil
			}
		}
	}
	return out, nil
}

func filepathJoin(file, rel string) string {
	return filepath.Clean(filepath.Join(filepath.Dir(file), rel))
}
