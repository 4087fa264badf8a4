package grammar

import "fmt"

// checker walks the tokens of one chunk along the grammar to find the
// first token that does not fit and say, in words, what was expected
// there. Participle builds the AST (pgrammar.go), but its own errors name
// grammar structs ("expected PRBrace") and, after a partial match inside a
// repetition, point at the start of the member rather than at the token
// that is wrong. The grammar is LL(1), so a walk with one token of
// lookahead finds the exact place; keeping the walk next to the grammar
// (same shape, one function per rule) keeps the two in step, and tests
// check that they agree on every input they try.
type checker struct {
	text source
	toks []token
	i    int
	err  *chunkErr
	// good is the number of leading tokens that form a complete prefix of
	// a component (its head and whole members) or of a stream (both
	// endpoints and whole attributes); 0 when there is none. closed says
	// the component's '}' is among them. Partial ASTs of broken
	// declarations are built from that prefix (see partialDecl).
	good   int
	closed bool
}

// mark records that the tokens so far form a complete prefix.
func (c *checker) mark() {
	if c.err == nil {
		c.good = c.i
	}
}

// chunkErr is a syntax error found inside one chunk. When the chunk ended
// too early (atEnd), the message is completed by the caller, which knows
// what follows the chunk: the next declaration's keyword or the end of
// the file.
type chunkErr struct {
	expected string // "expected ..." without the "but found" part
	found    string // what was found, for errors not at the end
	r        Range
	atEnd    bool
}

func (c *checker) val(i int) string { return c.text.tok(c.toks[i]) }

func (c *checker) at(s string) bool {
	return c.i < len(c.toks) && c.toks[c.i].kind != tString && c.val(c.i) == s
}

func (c *checker) eof() bool { return c.i >= len(c.toks) }

// fail records that the current token is not what the grammar expected.
func (c *checker) fail(expected string) bool {
	if c.err != nil {
		return false
	}
	if c.eof() {
		end := c.toks[len(c.toks)-1].end
		c.err = &chunkErr{expected: "expected " + expected, r: Range{Pos(end), Pos(end)}, atEnd: true}
		return false
	}
	t := c.toks[c.i]
	c.err = &chunkErr{expected: "expected " + expected, found: describe(c.text, t), r: Range{Pos(t.start), Pos(t.end)}}
	return false
}

// describe names a token for a message.
func describe(text source, t token) string {
	v := text.tok(t)
	switch t.kind {
	case tKeyword:
		return fmt.Sprintf("the keyword '%s'", v)
	case tString:
		return "a string"
	case tInvalid:
		return "an invalid character"
	}
	return "'" + v + "'"
}

func (c *checker) punct(s, expected string) bool {
	if c.at(s) {
		c.i++
		return true
	}
	return c.fail(expected)
}

// name accepts an identifier; a keyword gets a message of its own, since
// "expected a name but found 'in'" would not say what is wrong with 'in'.
func (c *checker) name(what string) bool {
	if !c.eof() {
		t := c.toks[c.i]
		if t.kind == tIdent {
			c.i++
			return true
		}
		if t.kind == tKeyword && c.err == nil {
			v := c.val(c.i)
			c.err = &chunkErr{
				expected: fmt.Sprintf("expected %s but found the keyword '%s': keywords are reserved and cannot be used as names", what, v),
				r:        Range{Pos(t.start), Pos(t.end)},
			}
			return false
		}
	}
	return c.fail(what)
}

// list is `[ Ident { "," Ident } ] close` after the opening bracket.
func (c *checker) list(close, what string) bool {
	if c.at(close) {
		c.i++
		return true
	}
	if !c.name(what) {
		return false
	}
	for {
		if c.at(close) {
			c.i++
			return true
		}
		if c.at(",") {
			c.i++
			if !c.name(what) {
				return false
			}
			continue
		}
		return c.fail(fmt.Sprintf("',' or '%s' after %s", close, what))
	}
}

func (c *checker) schema() bool {
	c.i++ // "("
	return c.list(")", "an attribute name")
}

// streamAttrs is `{ StreamAttr }`, then the end of the chunk.
func (c *checker) streamAttrs(after string) bool {
	for !c.eof() {
		switch {
		case c.at("seal"):
			c.i++
			if !c.punct("(", "'(' after 'seal', e.g. seal(key) or seal()") || !c.list(")", "a seal key attribute") {
				return false
			}
		case c.at("rep"), c.at("order"):
			c.i++
		default:
			return c.fail("a stream attribute (seal(...), rep, order) or a new declaration after " + after)
		}
		c.mark()
	}
	return true
}

func (c *checker) end(after string) bool {
	if c.eof() {
		return true
	}
	return c.fail("a new declaration after " + after)
}

func (c *checker) chunk() {
	switch c.val(0) {
	case "dataflow":
		c.i = 1
		_ = c.name("a name for the dataflow after 'dataflow'") && c.end("the dataflow's name")
	case "import":
		c.i = 1
		if c.eof() || c.toks[c.i].kind != tString {
			c.fail(`a quoted path after 'import', e.g. import "other.blazes"`)
			return
		}
		c.i++
		c.end("the import")
	case "source":
		c.i = 1
		if !c.name("a name for the source") {
			return
		}
		if c.at("(") && !c.schema() {
			return
		}
		c.streamAttrs("the source")
	case "sink":
		c.i = 1
		if !c.name("a name for the sink") {
			return
		}
		if c.at("(") && !c.schema() {
			return
		}
		if c.eof() {
			return
		}
		c.fail("a schema '(...)' or a new declaration after the sink")
	case "component":
		c.component()
	case "stream":
		c.i = 1
		if c.endpoint() && c.punct("->", "'->' between the stream's producer and consumer") && c.endpoint() {
			c.mark()
			c.streamAttrs("the stream")
		}
	}
}

func (c *checker) endpoint() bool {
	if !c.name("a source, a sink or Component.interface") {
		return false
	}
	if c.at(".") {
		c.i++
		return c.name("an interface name after '.'")
	}
	return true
}

func (c *checker) component() {
	c.i = 1
	if !c.name("a name for the component") {
		return
	}
	name := c.val(1)
	if !c.punct("{", "'{' after the component's name") {
		return
	}
	for {
		c.mark()
		switch {
		case c.eof():
			c.fail("'}' to close component " + name)
			return
		case c.at("}"):
			c.i++
			c.mark()
			c.closed = true
			c.end("the component's '}'")
			return
		case c.at("in"), c.at("out"):
			dir := c.val(c.i)
			c.i++
			what := "a name for the input interface after 'in'"
			if dir == "out" {
				what = "a name for the output interface after 'out'"
			}
			if !c.name(what) {
				return
			}
			if c.at("(") && !c.schema() {
				return
			}
		case c.toks[c.i].kind == tIdent:
			c.i++
			if !c.punct("->", "'->' between the path's input and output") ||
				!c.name("the path's output interface after '->'") ||
				!c.punct(":", "':' and an annotation after the path's output, e.g. ': CR'") {
				return
			}
			switch {
			case c.at("CR"), c.at("CW"):
				c.i++
				if c.at("[") {
					t := c.toks[c.i]
					c.err = &chunkErr{expected: fmt.Sprintf("%s takes no gate: only OR and OW have '[...]'", c.val(c.i-1)), r: Range{Pos(t.start), Pos(t.end)}}
					return
				}
			case c.at("OR"), c.at("OW"):
				c.i++
				if c.at("[") {
					c.i++
					if !c.list("]", "a gate attribute") {
						return
					}
				}
			default:
				c.fail("an annotation (CR, CW, OR[...], OW[...]) after ':'")
				return
			}
		default:
			c.fail("an interface (in, out), a path (input -> output : annotation) or '}'")
			return
		}
	}
}
