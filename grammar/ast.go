// Package grammar lexes and parses .blazes files into a small AST with exact
// byte ranges. It owns the syntax: tokens and reserved words (Tokens,
// IsKeyword, IsIdent), the AST, files kept as separately parsed pieces that
// an exact edit updates (Doc), byte lines and columns (LineTable) and the
// formatter. It knows nothing of labels, of the LSP or of UTF-16; positions
// are kept apart from nodes (see Pos and LineTable), as in go/token.
package grammar

import (
	"sort"
	"strings"
)

// File is one parsed .blazes file. A file with syntax errors still carries
// every declaration that parsed: recovery happens at top-level keywords.
// A declaration with a syntax error is kept too, as far as it can be known,
// with Broken set (see Component.Broken).
type File struct {
	Name     string     // the path as given by the caller
	Text     []byte     // the source text
	Lines    *LineTable // offset <-> line/column conversion for Text
	Dataflow *Ident     // name after "dataflow", or nil
	Imports  []*Import
	Decls    []Decl // sources, sinks, components, streams in source order
	Comments []*Comment
	Errors   []*SyntaxError // every syntax error, in source order

	// chunks are the per-declaration parse results (see Doc).
	chunks []*chunk
}

// Node is implemented by every AST node.
type Node interface {
	Span() Range
}

// Decl is a top-level declaration: *Source, *Sink, *Component or *Stream.
type Decl interface {
	Node
	declNode()
}

// Ident is a name with its range.
type Ident struct {
	Name  string
	Range Range
}

// Import is `import "path"`.
type Import struct {
	Path      string // unquoted
	PathRange Range  // range of the string literal, quotes included
	Range     Range
}

// Schema is `( a, b )`.
type Schema struct {
	Attrs []*Ident
	Range Range
}

// AttrKind says which stream attribute a StreamAttr is.
type AttrKind uint8

const (
	AttrSeal      AttrKind = iota // seal(k...)
	AttrRep                       // rep
	AttrOrder                     // order or order(k...)
	AttrWatermark                 // watermark(t)
	AttrPartition                 // partition(k, ...)
	AttrShuffle                   // shuffle
)

// String is the attribute's word: "seal", "rep", "order", "watermark",
// "partition" or "shuffle".
func (k AttrKind) String() string {
	switch k {
	case AttrSeal:
		return "seal"
	case AttrRep:
		return "rep"
	case AttrWatermark:
		return "watermark"
	case AttrPartition:
		return "partition"
	case AttrShuffle:
		return "shuffle"
	default:
		return "order"
	}
}

// StreamAttr is one attribute of a stream or a source: `seal(k...)`,
// `watermark(t)`, `rep`, `order`, `order(k...)`, `partition(k...)` or
// `shuffle`.
type StreamAttr struct {
	Kind AttrKind
	// Keys are the attributes between the parentheses, in source order:
	// the seal key (empty for seal()), the one event-time attribute of
	// watermark(t), the ordering key (empty for order and order()), the
	// partitioning key (never empty in a file without syntax errors).
	// Empty for rep and shuffle.
	Keys []*Ident
	// Parens: "(...)" was written. Always true for seal, watermark and
	// partition, false for rep and shuffle; for order it tells order()
	// from order, which mean the same (one total order).
	Parens bool
	Range  Range // from the word to its ')' (or the word alone)
}

// String renders the attribute in canonical form: "seal(a, b)",
// "order", "order()", "shuffle".
func (a *StreamAttr) String() string {
	if !a.Parens {
		return a.Kind.String()
	}
	return a.Kind.String() + "(" + join(a.Keys) + ")"
}

// Word is the range of the attribute's word (seal, order, partition...),
// without its parentheses.
func (a *StreamAttr) Word() Range {
	return Range{a.Range.Start, a.Range.Start + Pos(len(a.Kind.String()))}
}

// Source is `source name [schema] {attr}`.
type Source struct {
	Name   *Ident
	Schema *Schema // nil when absent
	Attrs  []*StreamAttr
	Range  Range
	// Broken: the declaration has a syntax error (reported in
	// File.Errors); only Name and Range are set, Range running from the
	// keyword to the last token of the declaration's text.
	Broken bool
}

// Sink is `sink name [schema]`.
type Sink struct {
	Name   *Ident
	Schema *Schema
	Range  Range
	Broken bool // as for Source: only Name and Range are set
}

// Dir is the direction of an interface.
type Dir uint8

const (
	In Dir = iota
	Out
)

func (d Dir) String() string {
	if d == In {
		return "in"
	}
	return "out"
}

// Member is an *Interface or a *Path inside a component.
type Member interface {
	Node
	memberNode()
}

// Component is `component Name { members }`.
type Component struct {
	Name    *Ident
	Members []Member // interfaces and paths in source order
	LBrace  Pos      // offset of '{'; NoPos when missing (Broken only)
	RBrace  Pos      // offset of '}'; NoPos when missing (Broken only)
	Range   Range
	// Broken: the declaration has a syntax error (reported in
	// File.Errors), as while it is being typed. It is still in
	// File.Decls when its name is a valid identifier, so that what names
	// it does not turn into errors of its own: consumers treat a broken
	// declaration as declared, and suppress the errors that would only
	// follow from its incompleteness. Members holds the members that
	// parsed completely before the error (none may be missing in
	// between), LBrace and RBrace the braces when found (RBrace is the
	// '}' that closes the body, by brace depth), and Range runs from the
	// keyword to the '}' when found, else to the last token of the
	// declaration's text. Likewise a broken Source or Sink keeps its name,
	// and a broken Stream is kept when both its endpoints parsed, with the
	// attributes that parsed completely before the error.
	Broken bool
}

// NoPos marks a position that is missing from a broken declaration.
const NoPos Pos = -1

// Interface is `in name [schema]` or `out name [schema]`.
type Interface struct {
	Dir    Dir
	Name   *Ident
	Schema *Schema
	Range  Range
}

// AnnKind is the kind of a path annotation.
type AnnKind uint8

const (
	CR AnnKind = iota
	CW
	OR
	OW
)

func (k AnnKind) String() string { return [...]string{"CR", "CW", "OR", "OW"}[k] }

// Confluent reports whether the annotation is CR or CW.
func (k AnnKind) Confluent() bool { return k == CR || k == CW }

// Write reports whether the annotation is a write (CW or OW).
func (k AnnKind) Write() bool { return k == CW || k == OW }

// Annotation is CR, CW[gate], OR[gate] or OW[gate].
type Annotation struct {
	Kind     AnnKind
	Gate     []*GateTerm // gate terms in source order; empty for the empty gate
	Brackets bool        // whether "[...]" was written (never for CR)
	Range    Range
}

// GateAttrs returns the attribute of every gate term, in source order:
// a for the term a, t for window(t). These are the names a declared
// schema must carry.
func (a *Annotation) GateAttrs() []*Ident {
	if len(a.Gate) == 0 {
		return nil
	}
	out := make([]*Ident, len(a.Gate))
	for i, t := range a.Gate {
		out[i] = t.Attr
	}
	return out
}

// GateTerm is one term of a gate: a plain attribute `a`, or a window
// term `window(t)` (per event-time window of the attribute t).
type GateTerm struct {
	Attr   *Ident // the attribute: a, or the t of window(t)
	Window bool   // the term is window(Attr)
	Range  Range  // the whole term: the attribute, or "window" to ')'
}

// String renders the term: "a" or "window(t)".
func (t *GateTerm) String() string {
	if t.Window {
		return "window(" + t.Attr.Name + ")"
	}
	return t.Attr.Name
}

// Word is the range of the word "window" of a window term (the zero
// Range for a plain attribute).
func (t *GateTerm) Word() Range {
	if !t.Window {
		return Range{}
	}
	return Range{t.Range.Start, t.Range.Start + Pos(len("window"))}
}

// Path is `from -> to : annotation`.
type Path struct {
	From  *Ident
	To    *Ident
	Ann   *Annotation
	Range Range
}

// Endpoint is `Name` (a source or sink) or `Comp.iface`.
type Endpoint struct {
	Name  *Ident
	Iface *Ident // nil for a source or sink
	Range Range
}

// String renders the endpoint as written: "name" or "Comp.iface".
func (e *Endpoint) String() string {
	if e.Iface == nil {
		return e.Name.Name
	}
	return e.Name.Name + "." + e.Iface.Name
}

// Stream is `stream from -> to {attr}`.
type Stream struct {
	From   *Endpoint
	To     *Endpoint
	Attrs  []*StreamAttr
	Range  Range
	Broken bool // as for Component: endpoints and the whole attributes before the error
}

// Comment is a // or /* */ comment.
type Comment struct {
	Text  string
	Range Range
}

// SyntaxError is a BLZ000 finding: a message and the range it concerns.
type SyntaxError struct {
	Msg   string
	Range Range
}

func (e *SyntaxError) Error() string { return e.Msg }

func (n *Ident) Span() Range      { return n.Range }
func (n *Import) Span() Range     { return n.Range }
func (n *Schema) Span() Range     { return n.Range }
func (n *StreamAttr) Span() Range { return n.Range }
func (n *Source) Span() Range     { return n.Range }
func (n *Sink) Span() Range       { return n.Range }
func (n *Component) Span() Range  { return n.Range }
func (n *Interface) Span() Range  { return n.Range }
func (n *Annotation) Span() Range { return n.Range }
func (n *GateTerm) Span() Range   { return n.Range }
func (n *Path) Span() Range       { return n.Range }
func (n *Endpoint) Span() Range   { return n.Range }
func (n *Stream) Span() Range     { return n.Range }
func (n *Comment) Span() Range    { return n.Range }

func (*Source) declNode()    {}
func (*Sink) declNode()      {}
func (*Component) declNode() {}
func (*Stream) declNode()    {}

func (*Interface) memberNode() {}
func (*Path) memberNode()      {}

// GateKey renders a gate in the canonical text form of SPEC §2: the plain
// attributes sorted by name, then the window terms sorted by attribute,
// each once, joined by commas without spaces ("a,b,window(t)"); "" for
// the empty gate.
func GateKey(terms []*GateTerm) string {
	switch len(terms) {
	case 0:
		return ""
	case 1:
		return terms[0].String()
	}
	var plain, windows []string
	for _, t := range terms {
		if t.Window {
			windows = append(windows, t.Attr.Name)
		} else {
			plain = append(plain, t.Attr.Name)
		}
	}
	out := sortedUnique(plain)
	for _, w := range sortedUnique(windows) {
		out = append(out, "window("+w+")")
	}
	return strings.Join(out, ",")
}

func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	sort.Strings(s)
	out := s[:1]
	for _, x := range s[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}
