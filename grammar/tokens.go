package grammar

// TokenKind classifies the tokens that editors colour and complete.
type TokenKind uint8

const (
	TokenIdent      TokenKind = iota // a name
	TokenKeyword                     // a reserved word other than an annotation
	TokenAnnotation                  // CR, CW, OR, OW
	TokenString                      // a string literal, quotes included
	TokenComment                     // a // or /* */ comment
	TokenPunct                       // -> { } ( ) [ ] , : .
	TokenInvalid                     // characters that start no token
)

// Token is one token of Tokens.
type Token struct {
	Kind  TokenKind
	Range Range
	Text  string // the token's text
}

// Tokens lexes text with the parser's own lexer and returns every token,
// comments included, in source order. It accepts anything: unterminated
// strings and comments end where the lexer ends them.
func Tokens(text []byte) []Token {
	r := lex(text)
	out := make([]Token, 0, len(r.toks)+len(r.comments))
	ci := 0
	flush := func(before int) {
		for ci < len(r.comments) && int(r.comments[ci].Range.Start) < before {
			c := r.comments[ci].Range
			out = append(out, Token{Kind: TokenComment, Range: c, Text: string(text[c.Start:c.End])})
			ci++
		}
	}
	for _, t := range r.toks {
		flush(t.start)
		k := TokenPunct
		switch t.kind {
		case tIdent:
			k = TokenIdent
		case tKeyword:
			k = TokenKeyword
			if s := string(text[t.start:t.end]); s == "CR" || s == "CW" || s == "OR" || s == "OW" {
				k = TokenAnnotation
			}
		case tString:
			k = TokenString
		case tInvalid:
			k = TokenInvalid
		}
		out = append(out, Token{Kind: k, Range: Range{Pos(t.start), Pos(t.end)}, Text: string(text[t.start:t.end])})
	}
	flush(len(text) + 1)
	return out
}

// IsKeyword reports whether s is a reserved word of the language.
func IsKeyword(s string) bool { return keywords[s] }

// IsIdent reports whether s is a valid identifier that is not a keyword.
func IsIdent(s string) bool {
	if s == "" || IsKeyword(s) {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// ImportPaths returns the paths of the imports at the head of text, as
// the parser reads them: imports come before every declaration, so it
// lexes only as far as the first token that is not part of a dataflow
// name or an import (a caller that keeps the import graph up to date on
// every keystroke pays for the head of the file only). An import without
// a path, or with an empty one, is left out.
func ImportPaths(text []byte) []string {
	sc := scanner{text: text, newline: true, r: &lexResult{}}
	var out []string
	for {
		t, _, ok := sc.next()
		if !ok || t.kind != tKeyword {
			return out
		}
		switch string(text[t.start:t.end]) {
		case "dataflow":
			if n, _, ok := sc.next(); !ok || n.kind != tIdent {
				return out
			}
		case "import":
			s, _, ok := sc.next()
			if !ok || s.kind != tString {
				return out
			}
			if p := unquote(string(text[s.start:s.end])); p != "" {
				out = append(out, p)
			}
		default:
			return out
		}
	}
}
