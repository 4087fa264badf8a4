package grammar

import (
	"fmt"
	"io"
	"unicode/utf8"

	plexer "github.com/alecthomas/participle/v2/lexer"
)

// tokKind is the kind of a token from the hand-written lexer. The values are
// also participle token types (see lexDef.Symbols), so a token converts to a
// participle token without a lookup.
type tokKind int

const (
	tIdent   tokKind = iota + 1 // name, not a keyword
	tKeyword                    // one of the reserved words
	tString                     // "..." with \" and \\ escapes, quotes included
	tPunct                      // -> { } ( ) [ ] , : .
	tInvalid                    // a run of characters that start no token
)

// token is one lexed token; comments are kept apart in File.Comments.
type token struct {
	kind       tokKind
	start, end int
}

// keywords are reserved: the lexer classifies them so that the grammar can
// refuse them where a name is expected, with a message saying why.
var keywords = map[string]bool{
	"dataflow": true, "import": true, "source": true, "sink": true,
	"component": true, "in": true, "out": true, "stream": true,
	"seal": true, "rep": true, "order": true,
	"CR": true, "CW": true, "OR": true, "OW": true,
}

// topKeywords start a top-level chunk (see split).
var topKeywords = map[string]bool{
	"dataflow": true, "import": true, "source": true, "sink": true,
	"component": true, "stream": true,
}

// lexResult is the whole-file lexing of a text.
type lexResult struct {
	toks     []token
	comments []*Comment
	errs     []*SyntaxError
	// lineStart[i] reports whether toks[i] is the first token on its line
	// (ignoring comments); split uses it to recover from a missing '}'.
	lineStart []bool
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// startsToken reports whether text[i] begins a valid token, a comment or
// whitespace; everything else is gathered into one tInvalid token so that a
// line of garbage yields one error, not one per byte.
func startsToken(text []byte, i int) bool {
	c := text[i]
	if isSpace(c) || isIdentStart(c) {
		return true
	}
	switch c {
	case '"', '{', '}', '(', ')', '[', ']', ',', ':', '.':
		return true
	case '-':
		return i+1 < len(text) && text[i+1] == '>'
	case '/':
		return i+1 < len(text) && (text[i+1] == '/' || text[i+1] == '*')
	}
	return false
}

// lex tokenizes the whole text in one linear pass. It never fails: problems
// become SyntaxErrors with ranges inside the text, and the offending bytes
// become tInvalid tokens the parser then refuses. The errors are not capped
// here (see capLexErrors).
func lex(text []byte) *lexResult {
	r := &lexResult{toks: make([]token, 0, len(text)/4+1)}
	r.lineStart = make([]bool, 0, cap(r.toks))
	sc := scanner{text: text, newline: true, r: r}
	for {
		t, nl, ok := sc.next()
		if !ok {
			return r
		}
		r.toks = append(r.toks, t)
		r.lineStart = append(r.lineStart, nl)
	}
}

// scanner lexes text from offset i on, one token at a time, appending the
// comments and lexical errors it meets to r. Its only state besides the
// offset is whether a newline was seen since the last token, so lexing from
// the start of a token gives the same tokens as lexing the whole text:
// Doc.Edit uses that to relex only around an edit.
type scanner struct {
	text    []byte
	i       int
	newline bool
	r       *lexResult // receives comments and errors (toks are the caller's)
}

// next returns the next token and whether it is the first on its line; ok
// is false at the end of the text.
func (s *scanner) next() (tok token, lineStart, ok bool) {
	text, r := s.text, s.r
	n := len(text)
	i := s.i
	for i < n {
		c := text[i]
		switch {
		case c == '\n':
			s.newline = true
			i++
		case isSpace(c):
			i++
		case isIdentStart(c):
			j := i + 1
			for j < n && isIdentChar(text[j]) {
				j++
			}
			k := tIdent
			if keywords[string(text[i:j])] {
				k = tKeyword
			}
			return s.emit(k, i, j)
		case c == '/' && i+1 < n && text[i+1] == '/':
			j := i + 2
			for j < n && text[j] != '\n' {
				j++
			}
			e := j
			if e > i+2 && text[e-1] == '\r' {
				e--
			}
			r.comments = append(r.comments, &Comment{Text: string(text[i:e]), Range: Range{Pos(i), Pos(e)}})
			i = j
		case c == '/' && i+1 < n && text[i+1] == '*':
			j := i + 2
			closed := false
			for j+1 < n {
				if text[j] == '*' && text[j+1] == '/' {
					closed = true
					j += 2
					break
				}
				j++
			}
			if !closed {
				j = n
				r.errs = append(r.errs, &SyntaxError{Msg: "unterminated block comment: '/*' has no matching '*/'", Range: Range{Pos(i), Pos(i + 2)}})
			}
			for k := i; k < j; k++ {
				if text[k] == '\n' {
					s.newline = true
					break
				}
			}
			r.comments = append(r.comments, &Comment{Text: string(text[i:j]), Range: Range{Pos(i), Pos(j)}})
			i = j
		case c == '"':
			j := i + 1
			closed := false
			for j < n && text[j] != '\n' {
				if text[j] == '\\' && j+1 < n && text[j+1] != '\n' {
					if text[j+1] != '"' && text[j+1] != '\\' {
						_, size := utf8.DecodeRune(text[j+1:])
						r.errs = append(r.errs, &SyntaxError{Msg: fmt.Sprintf("unknown escape sequence %s in string (only \\\" and \\\\ are allowed)", quoteBytes(text[j:j+1+size])), Range: Range{Pos(j), Pos(j + 1 + size)}})
					}
					j += 2
					continue
				}
				if text[j] == '"' {
					closed = true
					j++
					break
				}
				j++
			}
			if !closed {
				e := j
				if e > i+1 && text[e-1] == '\r' {
					e--
				}
				r.errs = append(r.errs, &SyntaxError{Msg: "unterminated string: missing closing '\"' before the end of the line", Range: Range{Pos(i), Pos(e)}})
				j = e
			}
			return s.emit(tString, i, j)
		case c == '-' && i+1 < n && text[i+1] == '>':
			return s.emit(tPunct, i, i+2)
		case c == '{' || c == '}' || c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == ':' || c == '.':
			return s.emit(tPunct, i, i+1)
		default:
			j := i
			for j < n && !startsToken(text, j) {
				if text[j] < utf8.RuneSelf {
					j++
				} else {
					_, size := utf8.DecodeRune(text[j:])
					j += size
				}
			}
			r.errs = append(r.errs, &SyntaxError{Msg: invalidMsg(text[i:j]), Range: Range{Pos(i), Pos(j)}})
			return s.emit(tInvalid, i, j)
		}
	}
	s.i = i
	return token{}, false, false
}

func (s *scanner) emit(k tokKind, start, end int) (token, bool, bool) {
	nl := s.newline
	s.newline = false
	s.i = end
	return token{k, start, end}, nl, true
}

// capLexErrors keeps the first maxLexErrors lexical errors of a file and
// replaces the rest by one error saying how many were left out.
func capLexErrors(errs []*SyntaxError) []*SyntaxError {
	if n := len(errs); n > maxLexErrors {
		last := errs[maxLexErrors]
		errs = append(errs[:maxLexErrors:maxLexErrors], &SyntaxError{
			Msg:   fmt.Sprintf("too many invalid characters: %d more problems in the rest of the file are not reported", n-maxLexErrors),
			Range: last.Range,
		})
	}
	return errs
}

// maxLexErrors caps the lexical errors of one file: a binary file would
// otherwise yield one per byte, drowning the errors that matter and the
// editor showing them.
const maxLexErrors = 100

// invalidMsg describes a run of characters that start no token.
func invalidMsg(b []byte) string {
	c, size := utf8.DecodeRune(b)
	switch {
	case b[0] == 0:
		return "invalid NUL character in the text"
	case c == utf8.RuneError && size <= 1:
		return "invalid UTF-8 encoding in the text"
	case b[0] == '-':
		return "unexpected character '-' (did you mean '->'?)"
	case b[0] == '/':
		return "unexpected character '/' (comments start with // or /*)"
	}
	if len(b) > size {
		return fmt.Sprintf("unexpected characters %s", quoteBytes(b))
	}
	return fmt.Sprintf("unexpected character %s", quoteBytes(b))
}

// quoteBytes renders b for a message, shortened and with invalid bytes
// escaped so that the message itself stays valid UTF-8.
func quoteBytes(b []byte) string {
	const max = 20
	s := string(b)
	if utf8.RuneCountInString(s) > max {
		rs := []rune(s)
		return fmt.Sprintf("%+q", string(rs[:max])+"…")
	}
	if utf8.ValidString(s) {
		return "'" + s + "'"
	}
	return fmt.Sprintf("%+q", s)
}

// Participle token types: the lexer's kinds plus EOF.
var symbols = map[string]plexer.TokenType{
	"EOF":     plexer.EOF,
	"Ident":   plexer.TokenType(tIdent),
	"Keyword": plexer.TokenType(tKeyword),
	"String":  plexer.TokenType(tString),
	"Punct":   plexer.TokenType(tPunct),
	"Invalid": plexer.TokenType(tInvalid),
}

// lexDef is the participle lexer.Definition of the language. Parse does not
// go through it (it hands participle the tokens of each chunk, already
// lexed, see chunkLexer), but it makes the grammar usable on its own, e.g.
// parser.ParseString in tests.
type lexDef struct{}

func (lexDef) Symbols() map[string]plexer.TokenType { return symbols }

func (lexDef) Lex(filename string, r io.Reader) (plexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return lexDef{}.LexBytes(filename, b)
}

// LexBytes lexes b whole; lexical errors are dropped here (Parse reports
// them), the offending bytes reach the grammar as Invalid tokens.
func (lexDef) LexBytes(filename string, b []byte) (plexer.Lexer, error) {
	lr := lex(b)
	return &chunkLexer{text: source{s: string(b)}, toks: lr.toks, end: len(b)}, nil
}

// chunkLexer feeds participle the already-lexed tokens of one chunk.
type chunkLexer struct {
	text  source
	toks  []token
	end   int // offset of the EOF token: the end of the chunk
	i     int
	close bool // emit a '}' at end before the EOF (see partialDecl)
}

func (l *chunkLexer) Next() (plexer.Token, error) {
	if l.i >= len(l.toks) {
		if l.close {
			l.close = false
			return plexer.Token{Type: plexer.TokenType(tPunct), Value: "}", Pos: plexer.Position{Offset: l.end}}, nil
		}
		return plexer.Token{Type: plexer.EOF, Pos: plexer.Position{Offset: l.end}}, nil
	}
	t := l.toks[l.i]
	l.i++
	return plexer.Token{Type: plexer.TokenType(t.kind), Value: l.text.tok(t), Pos: plexer.Position{Offset: t.start}}, nil
}
