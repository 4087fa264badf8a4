// Package importer holds what every topology importer shares: Model, a
// small description of a dataflow that an importer fills from an engine's
// topology description (Storm Flux YAML, Kafka Streams TopologyDescription
// text, Flink execution plan JSON), and its conversion to a grammar AST
// printed by the project's formatter. Each engine has its own package under
// importer/ (flux, kafkastreams, flink): a pure function from the parsed
// input to a Model. No importer writes .blazes text by hand, and none needs
// the engine's library to read its description.
//
// Printing: Model.File converts the Model to grammar nodes (names made
// valid and unique, see File) and hands them to grammar.Build, which
// renders each node with the formatter's own per-node rules, puts the Doc
// lines before it as comments, and parses the text back, so the File has
// the ranges and positioned comments grammar.Format works from. Print is
// grammar.Format of that File: there is one printer, the formatter's, and
// Print's output is a fixed point of `blazes fmt`.
//
// Shared by every importer: Options (what an importer may read besides
// its input: includes through ReadFile, Flux properties and environment),
// Warning (what it skipped, with file and line), Error (an input it cannot
// read: file, line, what was expected), MaxInputSize and ReadFile (the
// bounded reader the command line and the language server give), and
// the signature every importer has:
//
//	func Import(name string, data []byte, opts importer.Options) (*importer.Model, []importer.Warning, error)
//
// importer/formats lists the formats and their importers for the command
// line and the language server.
package importer

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/blazes-dev/blazes/grammar"
)

// Model is one imported dataflow. Doc fields are comment lines (without
// the leading "//") printed on their own lines before what they document;
// an importer names there the original node, bolt or processor, and writes
// "TODO: ..." lines for every decision a person must take.
type Model struct {
	Name       string   // the dataflow name ("" for none)
	Doc        []string // the file's header comment
	Sources    []Source
	Sinks      []Sink
	Components []Component
	Streams    []Stream
}

// Source is `source Name(Schema) Attrs`.
type Source struct {
	Name   string
	Schema []string // nil: no schema declared
	Attrs  []Attr
	Doc    []string
}

// Sink is `sink Name(Schema)`.
type Sink struct {
	Name   string
	Schema []string
	Doc    []string
}

// Component is `component Name { in...; out...; paths }`.
type Component struct {
	Name    string
	Doc     []string
	Inputs  []Iface // declared `in` interfaces (paths may declare more by use)
	Outputs []Iface
	Paths   []Path
}

// Iface is an `in`/`out` declaration.
type Iface struct {
	Name   string
	Schema []string
}

// Path is `From -> To : Ann[Gate]`.
type Path struct {
	From, To string
	Ann      grammar.AnnKind
	Gate     []GateTerm
	Brackets bool // print "[...]" (always true when Gate is not empty)
	Doc      []string
}

// GateTerm is a gate attribute, or window(Attr) when Window is set.
type GateTerm struct {
	Attr   string
	Window bool
}

// Stream is `stream From -> To Attrs`.
type Stream struct {
	From, To Endpoint
	Attrs    []Attr
	Doc      []string
}

// Endpoint names a source or sink (Comp empty, Iface its name) or a
// component's interface.
type Endpoint struct {
	Comp, Iface string
}

// Attr is a stream or source attribute: seal(Keys), watermark(Keys[0]),
// rep, order / order(Keys), partition(Keys), shuffle.
type Attr struct {
	Kind grammar.AttrKind
	Keys []string
}

// MaxIdent bounds the bytes of an engine name that Ident reads: a hostile
// input's megabyte-long name must not become a megabyte-long identifier.
const MaxIdent = 100

// Ident turns an engine's name ("split-bolt", "KSTREAM-SOURCE-0000000000",
// "Window(TumblingEventTimeWindows(5000))") into a .blazes identifier:
// letters, digits and '_' kept, every other run of characters one '_', a
// leading digit prefixed with '_', reserved words suffixed with '_'. The
// empty name becomes "_". Only the first MaxIdent bytes are read.
func Ident(name string) string {
	if len(name) > MaxIdent {
		name = name[:MaxIdent]
	}
	var b strings.Builder
	under := false
	for _, r := range name {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			b.WriteRune(r)
			under = false
			continue
		}
		if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	s := strings.TrimRight(b.String(), "_")
	if s == "" {
		return "_"
	}
	if s[0] >= '0' && s[0] <= '9' {
		s = "_" + s
	}
	if grammar.IsKeyword(s) {
		s += "_"
	}
	return s
}

// Names hands out identifiers that are unique among the top-level names of
// one model (sources, sinks and components share a namespace).
type Names map[string]bool

// Unique returns Ident(name), or Ident(name) with the first free suffix
// _2, _3, ... when it is taken, and marks it taken.
func (n Names) Unique(name string) string {
	base := Ident(name)
	id := base
	for i := 2; n[id]; i++ {
		id = fmt.Sprintf("%s_%d", base, i)
	}
	n[id] = true
	return id
}

// DataflowName is the dataflow name of a model imported from file: the
// file's base name without its extension, as an identifier.
func DataflowName(file string) string {
	base := filepath.Base(file)
	return Ident(strings.TrimSuffix(base, filepath.Ext(base)))
}
