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

type pIdent struct {
	Pos  plexer.Position
	Name string `parser:"@Ident"`
}

type pDataflow struct {
	Pos  plexer.Position
	Name *pIdent `parser:"'dataflow' @@"`
}

type pImport struct {
	Pos  plexer.Position
	Path *pString `parser:"'import' @@"`
}

type pString struct {
	Pos plexer.Position
	Raw string `parser:"@String"`
}

type pSchema struct {
	Pos    plexer.Position
	Attrs  []*pIdent `parser:"'(' ( @@ ( ',' @@ )* )?"`
	RParen *pRParen  `parser:"@@"`
}

type pRParen struct {
	Pos plexer.Position
	V   string `parser:"@')'"`
}

type pRBrack struct {
	Pos plexer.Position
	V   string `parser:"@']'"`
}

type pLBrace struct {
	Pos plexer.Position
	V   string `parser:"@'{'"`
}

type pRBrace struct {
	Pos plexer.Position
	V   string `parser:"@'}'"`
}

type pStreamAttr struct {
	Pos  plexer.Position
	Seal *pSeal   `parser:"  @@"`
	Rep  *pIdentK `parser:"| @@"`
}

// pIdentK is the keyword rep or order (kept as a struct for its position).
type pIdentK struct {
	Pos plexer.Position
	K   string `parser:"@('rep' | 'order')"`
}

type pSeal struct {
	Pos    plexer.Position
	Keys   []*pIdent `parser:"'seal' '(' ( @@ ( ',' @@ )* )?"`
	RParen *pRParen  `parser:"@@"`
}

type pSource struct {
	Pos    plexer.Position
	Name   *pIdent        `parser:"'source' @@"`
	Schema *pSchema       `parser:"@@?"`
	Attrs  []*pStreamAttr `parser:"@@*"`
}

type pSink struct {
	Pos    plexer.Position
	Name   *pIdent  `parser:"'sink' @@"`
	Schema *pSchema `parser:"@@?"`
}

type pComponent struct {
	Pos     plexer.Position
	Name    *pIdent    `parser:"'component' @@"`
	LBrace  *pLBrace   `parser:"@@"`
	Members []*pMember `parser:"@@*"`
	RBrace  *pRBrace   `parser:"@@"`
}

type pMember struct {
	Iface *pIface `parser:"  @@"`
	Path  *pPath  `parser:"| @@"`
}

type pIface struct {
	Pos    plexer.Position
	Dir    string   `parser:"@('in' | 'out')"`
	Name   *pIdent  `parser:"@@"`
	Schema *pSchema `parser:"@@?"`
}

type pPath struct {
	Pos  plexer.Position
	From *pIdent `parser:"@@ '->'"`
	To   *pIdent `parser:"@@ ':'"`
	Ann  *pAnn   `parser:"@@"`
}

type pAnn struct {
	Pos    plexer.Position
	Kind   string    `parser:"( @('CR' | 'CW')"`
	OKind  string    `parser:"| @('OR' | 'OW')"`
	LBrack string    `parser:"  ( @'['"`
	Gate   []*pIdent `parser:"    ( @@ ( ',' @@ )* )?"`
	RBrack *pRBrack  `parser:"    @@ )? )"`
}

type pStream struct {
	Pos   plexer.Position
	From  *pEndpoint     `parser:"'stream' @@"`
	To    *pEndpoint     `parser:"'->' @@"`
	Attrs []*pStreamAttr `parser:"@@*"`
}

type pEndpoint struct {
	Pos   plexer.Position
	Name  *pIdent `parser:"@@"`
	Iface *pIdent `parser:"( '.' @@ )?"`
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
