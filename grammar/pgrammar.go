package grammar

import (
	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"
)

// The participle grammar, one root per top-level declaration. Parse splits
// a file into chunks at top-level keywords and parses each chunk with the
// root for its keyword, so that an error in one declaration cannot hide
// the others. The structs below are participle's view; convert.go turns
// them into the AST with exact ranges (participle's EndPos is the start of
// the next token, which would include whitespace, so ends are computed
// from the last token of each node instead).

// The words watermark, partition, shuffle and window are contextual: the
// lexer makes them identifiers, and the grammar matches them by their text
// only where an attribute or a gate term may stand ('watermark' matches an
// Ident whose text is watermark), so they stay names everywhere else. A
// gate term tries 'window' '(' first and falls back to a plain Ident with
// participle's one token of lookahead: OR[window] is the attribute named
// window, OR[window(t)] a window term.

// The structs capture tokens (plexer.Token, or []plexer.Token for a whole
// list with its brackets) rather than small structs for every name and
// bracket: a struct costs participle a reflect.New, a position injection
// and a deferred capture per field, and parsing 100k declarations made
// millions of them. The root structs need no position: a chunk starts with
// its keyword.

type pDataflow struct {
	Name plexer.Token `parser:"'dataflow' @Ident"`
}

type pImport struct {
	Path plexer.Token `parser:"'import' @String"`
}

type pSource struct {
	Name   plexer.Token   `parser:"'source' @Ident"`
	Schema []plexer.Token `parser:"@( '(' ( Ident ( ',' Ident )* )? ')' )?"`
	Attrs  []plexer.Token `parser:"@( ( 'seal' '(' ( Ident ( ',' Ident )* )? ')' | 'watermark' '(' Ident ')' | 'rep' | 'order' ( '(' ( Ident ( ',' Ident )* )? ')' )? | 'partition' '(' Ident ( ',' Ident )* ')' | 'shuffle' )* )"`
}

type pSink struct {
	Name   plexer.Token   `parser:"'sink' @Ident"`
	Schema []plexer.Token `parser:"@( '(' ( Ident ( ',' Ident )* )? ')' )?"`
}

type pComponent struct {
	Name    plexer.Token `parser:"'component' @Ident"`
	LBrace  plexer.Token `parser:"@'{'"`
	Members []*pMember   `parser:"@@*"`
	RBrace  plexer.Token `parser:"@'}'"`
}

// pMember is an interface (Dir is set) or a path.
type pMember struct {
	Dir    plexer.Token   `parser:"(  @('in' | 'out')"`
	Name   plexer.Token   `parser:"   @Ident"`
	Schema []plexer.Token `parser:"   @( '(' ( Ident ( ',' Ident )* )? ')' )?"`
	From   plexer.Token   `parser:"| @Ident '->'"`
	To     plexer.Token   `parser:"  @Ident ':'"`
	Ann    []plexer.Token `parser:"  @( 'CR' | ( 'CW' | 'OR' | 'OW' ) ( '[' ( ( 'window' '(' Ident ')' | Ident ) ( ',' ( 'window' '(' Ident ')' | Ident ) )* )? ']' )? ) )"`
}

type pStream struct {
	From  []plexer.Token `parser:"'stream' @( Ident ( '.' Ident )? )"`
	To    []plexer.Token `parser:"'->' @( Ident ( '.' Ident )? )"`
	Attrs []plexer.Token `parser:"@( ( 'seal' '(' ( Ident ( ',' Ident )* )? ')' | 'watermark' '(' Ident ')' | 'rep' | 'order' ( '(' ( Ident ( ',' Ident )* )? ')' )? | 'partition' '(' Ident ( ',' Ident )* ')' | 'shuffle' )* )"`
}

func build[G any]() *participle.Parser[G] {
	return participle.MustBuild[G](participle.Lexer(lexDef{}))
}

var (
	dataflowParser  = build[pDataflow]()
	importParser    = build[pImport]()
	sourceParser    = build[pSource]()
	sinkParser      = build[pSink]()
	componentParser = build[pComponent]()
	streamParser    = build[pStream]()
)
