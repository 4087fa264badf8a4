// Package grammar lexes and parses .blazes files into a small AST with exact
// byte ranges. It owns the syntax: tokens and reserved words (Tokens,
// IsKeyword, IsIdent), the AST, files kept as separately parsed pieces that
// an exact edit updates (Doc), byte lines and columns (LineTable) and the
// formatter. It knows nothing of labels, of the LSP or of UTF-16; positions
// are kept apart from nodes (see Pos and LineTable), as in go/token.
package grammar

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
	AttrSeal AttrKind = iota
	AttrRep
	AttrOrder
)

func (k AttrKind) String() string {
	switch k {
	case AttrSeal:
		return "seal"
	case AttrRep:
		return "rep"
	default:
		return "order"
	}
}

// StreamAttr is `seal(k...)`, `rep` or `order`.
type StreamAttr struct {
	Kind  AttrKind
	Keys  []*Ident // seal keys (empty for seal() and for rep/order)
	Range Range
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

// Annotation is CR, CW, OR[gate] or OW[gate].
type Annotation struct {
	Kind     AnnKind
	Gate     []*Ident // gate attributes; empty for the empty gate
	Brackets bool     // whether "[...]" was written
	Range    Range
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
