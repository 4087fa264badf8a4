package analysis

import (
	"strings"

	"github.com/blazes-dev/blazes/grammar"
)

// IfaceDir says what an Iface is.
type IfaceDir uint8

const (
	DirIn IfaceDir = iota
	DirOut
	DirSource
	DirSink
)

func (d IfaceDir) String() string {
	return [...]string{"in", "out", "source", "sink"}[d]
}

// Iface is a node of the graph that streams attach to: a component's input
// or output interface, a source or a sink.
type Iface struct {
	Comp      *Component // nil for sources and sinks
	Name      string
	Dir       IfaceDir
	Schema    []string // declared attributes; nil when no schema is declared
	HasSchema bool
	File      *grammar.File
	Decl      grammar.Node // *grammar.Interface, *grammar.Source, *grammar.Sink, or the *grammar.Ident of the path that declared it by use
	NameRange grammar.Range
	In        []*Stream // streams into this node (inputs, sinks)
	Out       []*Stream // streams out of this node (outputs, sources)
	Paths     []*Path   // paths reading (inputs) or writing (outputs) it
	Label     Label

	tj    tarjan     // scratch while a Session computes reach (scc.go)
	reach candidate  // the worst label downstream (findings.go)
	at    ifaceMarks // the update that last put it in each set (session.go)
}

// FullName is "Comp.iface", or the bare name for sources and sinks.
func (i *Iface) FullName() string {
	if i.Comp == nil {
		return i.Name
	}
	return i.Comp.Name + "." + i.Name
}

// Component is a component with its interfaces and paths.
type Component struct {
	Name       string
	File       *grammar.File
	Decl       *grammar.Component
	Inputs     []*Iface // in declaration/use order
	Outputs    []*Iface
	Paths      []*Path
	Replicated bool    // rep(C): some input stream carries rep
	RepStream  *Stream // a witness for Replicated
	State      Label   // state(C)

	tj   tarjan    // scratch while a Session labels (scc.go)
	gone bool      // a Session dropped it (its declaration lost its name)
	at   compMarks // the update that last put it in each set (session.go)
}

// Path is `i -> o : A` of a component, with its derived labels.
type Path struct {
	Comp        *Component
	Decl        *grammar.Path
	In, Out     *Iface
	Kind        grammar.AnnKind
	Gate        string // canonical gate key
	Internal    Label  // NDRead[g], Taint, or None
	OutLabel    Label
	Coordinated bool // order-sensitive paths only

	relevant []*Iface // SPEC §3's relevant inputs (order-sensitive paths)
}

// Name is "i -> o".
func (p *Path) Name() string { return p.In.Name + " -> " + p.Out.Name }

// Annotation renders the annotation as SPEC §2 prints it.
func (p *Path) Annotation() string {
	switch {
	case p.Kind == grammar.CR, p.Kind == grammar.CW && p.Gate == "":
		return p.Kind.String()
	}
	return p.Kind.String() + "[" + p.Gate + "]"
}

// Stream is a channel between two Ifaces.
type Stream struct {
	File      *grammar.File
	Decl      *grammar.Stream
	From, To  *Iface
	Seal      *Label // Seal[k] when the stream carries seal(k), Seal[t] for watermark(t)
	Watermark bool   // the seal is written watermark(t)
	Rep       bool
	Order     bool   // the stream carries order or order(k)
	OrderKey  string // the canonical key of order(k); "" for order
	Route     Route  // partition(k), shuffle, or one instance
	PartKey   string // the canonical key of partition(k)
	Label     Label

	ent *entry // the piece that declares it, in a Session
}

// Route is how a stream distributes records among its consumer's
// instances (SPEC §1).
type Route uint8

const (
	RouteSingle    Route = iota // neither: one instance
	RoutePartition              // partition(k)
	RouteShuffle                // shuffle
)

// AttrText renders the attributes that matter to the analysis in the
// language's syntax: "watermark(ts) order(user) partition(user) rep".
func (s *Stream) AttrText() string {
	var parts []string
	if s.Seal != nil {
		if s.Watermark {
			parts = append(parts, "watermark("+s.Seal.Key+")")
		} else {
			parts = append(parts, "seal("+keyText(s.Seal.Key)+")")
		}
	}
	if s.Order {
		parts = append(parts, orderText(s.OrderKey))
	}
	switch s.Route {
	case RoutePartition:
		parts = append(parts, "partition("+keyText(s.PartKey)+")")
	case RouteShuffle:
		parts = append(parts, "shuffle")
	}
	if s.Rep {
		parts = append(parts, "rep")
	}
	return strings.Join(parts, " ")
}

// keyText renders a canonical key as written in the language: "a, b".
func keyText(key string) string { return strings.ReplaceAll(key, ",", ", ") }

// orderText renders order(k), or order for the empty key.
func orderText(key string) string {
	if key == "" {
		return "order"
	}
	return "order(" + keyText(key) + ")"
}

// Name is "from -> to".
func (s *Stream) Name() string { return s.From.FullName() + " -> " + s.To.FullName() }

// Why is the derivation of one label: the rule that produced it and the
// labelled things it was computed from. Hover, explain and the JSON output
// all render it.
type Why struct {
	Rule string // short rule name, e.g. "source", "seal", "meet", "OW", "state", "rep"
	Text string // one sentence saying how the rule applied
	From []Labelled
}

// Labelled is anything carrying a derived label: *Iface, *Stream, *Path,
// or a *Component (its state).
type Labelled interface {
	Title() string
	DerivedLabel() Label
	Derivation() *Why
}

func (i *Iface) Title() string           { return i.FullName() }
func (i *Iface) DerivedLabel() Label     { return i.Label }
func (i *Iface) Derivation() *Why        { return ifaceWhy(i) }
func (s *Stream) Title() string          { return "stream " + s.Name() }
func (s *Stream) DerivedLabel() Label    { return s.Label }
func (s *Stream) Derivation() *Why       { return streamWhy(s) }
func (p *Path) Title() string            { return p.Comp.Name + ": " + p.Name() }
func (p *Path) DerivedLabel() Label      { return p.OutLabel }
func (p *Path) Derivation() *Why         { return pathWhy(p) }
func (c *Component) Title() string       { return "state(" + c.Name + ")" }
func (c *Component) DerivedLabel() Label { return c.State }
func (c *Component) Derivation() *Why    { return stateWhy(c) }

// InternalDerivation explains the path's internal label (nil when it has
// none). Derivations are computed on demand from the final labels: they
// cost nothing until a hover or an explanation asks.
func (p *Path) InternalDerivation() *Why { return internalWhy(p) }

// Severity of a finding.
type Severity uint8

const (
	SevError Severity = iota + 1
	SevWarning
	SevInformation
	SevHint
)

func (s Severity) String() string {
	return [...]string{"", "error", "warning", "information", "hint"}[s]
}

// Location is a range in a named file.
type Location struct {
	File  string
	Range grammar.Range

	in *grammar.File // the piece of a Session the range is relative to (see at), or nil
}

// at is the location of r in f: a file, or a piece of a Session's
// document, whose positions the Session makes absolute when it hands the
// location out.
func at(f *grammar.File, r grammar.Range) Location {
	return Location{File: f.Name, Range: r, in: f}
}

// Related is a diagnostic's related information.
type Related struct {
	Location
	Message string
}

// Edit replaces Range of File with NewText.
type Edit struct {
	File    string
	Range   grammar.Range
	NewText string

	in *grammar.File // as Location.in
}

// editAt is the edit of r in f (see at).
func editAt(f *grammar.File, r grammar.Range, text string) Edit {
	return Edit{File: f.Name, Range: r, NewText: text, in: f}
}

// Fix is a set of edits that resolves a finding.
type Fix struct {
	Title     string
	Kind      string // "seal", "order" or "partition" (or "remove" for BLZ2xx hints)
	Preferred bool   // the cheapest seal
	Edits     []Edit

	sources int // seal edits placed on sources, for ranking
}

// Diagnostic is one finding.
type Diagnostic struct {
	Location
	Severity  Severity
	Code      string
	Message   string
	Component string // BLZ001-005: the component
	Path      string // BLZ001-005: "i -> o"
	Label     Label  // BLZ001-004: the path's out label
	Related   []Related
	Fixes     []Fix

	origin *Diagnostic // what a Session copied this from (see Origin)
}

// Origin identifies the finding across versions: a Session hands out
// copies of its findings with positions made absolute, and a finding that
// was not recomputed keeps its origin however its text moved, so that a
// client of the Session (the server's publication) can reuse what it
// derived from it. For a diagnostic of Load it is the diagnostic itself.
func (d *Diagnostic) Origin() *Diagnostic {
	if d.origin != nil {
		return d.origin
	}
	return d
}

// Relevant returns the relevant inputs of an order-sensitive path.
func (p *Path) Relevant() []*Iface { return p.relevant }
