package grammar

import (
	"bytes"
	"testing"

	plexer "github.com/alecthomas/participle/v2/lexer"
)

// participleRules is the .blazes token set written as participle's own
// regular-expression lexer (lexer.MustSimple) would take it: what the
// grammar would use without the hand-written lexer of lexer.go.
var participleRules = plexer.MustSimple([]plexer.SimpleRule{
	{Name: "Comment", Pattern: `//[^\n]*|/\*([^*]|\*[^/])*\*/`},
	{Name: "String", Pattern: `"(\\.|[^"\\\n])*"`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Punct", Pattern: `->|[{}()\[\],:.]`},
	{Name: "Whitespace", Pattern: `[ \t\r\n\f\v]+`},
})

// BenchmarkLexers compares the hand-written lexer with participle's
// regular-expression lexer on the 10k-component file: the reason the
// grammar has its own (docs/performance.md).
func BenchmarkLexers(b *testing.B) {
	text := genBig(10000)
	b.Run("hand-written", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			lex(text)
		}
	})
	b.Run("participle-regexp", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			l, err := participleRules.Lex("gen.blazes", bytes.NewReader(text))
			if err != nil {
				b.Fatal(err)
			}
			for {
				t, err := l.Next()
				if err != nil {
					b.Fatal(err)
				}
				if t.EOF() {
					break
				}
			}
		}
	})
}

// Both lexers see the same tokens (comments and whitespace aside) on the
// generated file, so the comparison is of the same work.
func TestLexersAgree(t *testing.T) {
	text := genBig(200)
	want := lex(text).toks
	l, err := participleRules.Lex("gen.blazes", bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	syms := participleRules.Symbols()
	skip := map[plexer.TokenType]bool{syms["Comment"]: true, syms["Whitespace"]: true}
	n := 0
	for {
		tok, err := l.Next()
		if err != nil {
			t.Fatal(err)
		}
		if tok.EOF() {
			break
		}
		if skip[tok.Type] {
			continue
		}
		if n >= len(want) || string(text[want[n].start:want[n].end]) != tok.Value || want[n].start != tok.Pos.Offset {
			t.Fatalf("token %d: participle %q at %d, hand-written lexer differs", n, tok.Value, tok.Pos.Offset)
		}
		n++
	}
	if n != len(want) {
		t.Fatalf("participle lexed %d tokens, the hand-written lexer %d", n, len(want))
	}
}
