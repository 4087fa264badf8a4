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

// errAt records an error whose message says it all, on token i.
func (c *checker) errAt(i int, msg string) bool {
	if c.err == nil {
		t := c.toks[i]
		c.err = &chunkErr{expected: msg, r: Range{Pos(t.start), Pos(t.end)}}
	}
	return false
}

// one is `Ident ")"` after the '(' of an attribute that takes exactly one
// attribute (watermark(t), window(t)); word names it in messages.
func (c *checker) one(word, example string) bool {
	if c.at(")") {
		return c.errAt(c.i, fmt.Sprintf("%s takes one attribute, e.g. %s, but found ')'", word, example))
	}
	if !c.name(fmt.Sprintf("the attribute of %s(...), e.g. %s", word, example)) {
		return false
	}
	if c.at(",") {
		return c.errAt(c.i, fmt.Sprintf("%s takes exactly one attribute, e.g. %s, but found ','", word, example))
	}
	return c.punct(")", fmt.Sprintf("')' after the attribute of %s", word))
}

// streamAttrs is `{ StreamAttr }`, then the end of the chunk. The words
// watermark, partition and shuffle are identifiers that mean an attribute
// here: after a source's name and schema, or a stream's endpoints, only
// attributes may follow until the next declaration's keyword.
func (c *checker) streamAttrs(after string) bool {
	for !c.eof() {
		switch {
		case c.at("seal"):
			c.i++
			if !c.punct("(", "'(' after 'seal', e.g. seal(key) or seal()") || !c.list(")", "a seal key attribute") {
				return false
			}
		case c.at("watermark"):
			c.i++
			if !c.punct("(", "'(' after 'watermark', e.g. watermark(ts)") || !c.one("watermark", "watermark(ts)") {
				return false
			}
		case c.at("partition"):
			c.i++
			if !c.punct("(", "'(' after 'partition', e.g. partition(key)") {
				return false
			}
			if c.at(")") {
				return c.errAt(c.i, "partition needs at least one key attribute, e.g. partition(word), but found ')': to send each record to any instance write shuffle, to a single instance leave the attribute out")
			}
			if !c.list(")", "a partition key attribute") {
				return false
			}
		case c.at("order"):
			c.i++
			if c.at("(") {
				c.i++
				if !c.list(")", "an order key attribute") {
					return false
				}
			}
		case c.at("rep"), c.at("shuffle"):
			c.i++
			if c.at("(") {
				w := c.val(c.i - 1)
				hint := "write partition(k) to route records by key"
				if w == "rep" {
					hint = "it delivers every record to every replica"
				}
				return c.errAt(c.i, fmt.Sprintf("%s takes no attributes: %s", w, hint))
			}
		default:
			return c.fail("a stream attribute (seal(...), watermark(...), rep, order, partition(...), shuffle) or a new declaration after " + after)
		}
		c.mark()
	}
	return true
}

// gate is `[ GateTerm { "," GateTerm } ] "]"` after '['. A term is an
// attribute, or window(t) when the identifier window is followed by '(':
// OR[id, window] names an attribute called window.
func (c *checker) gate() bool {
	if c.at("]") {
		c.i++
		return true
	}
	for {
		if c.at("window") && c.i+1 < len(c.toks) && c.toks[c.i+1].kind == tPunct && c.val(c.i+1) == "(" {
			c.i += 2
			if !c.one("window", "window(ts)") {
				return false
			}
		} else if !c.name("a gate attribute or window(attribute)") {
			return false
		}
		switch {
		case c.at("]"):
			c.i++
			return true
		case c.at(","):
			c.i++
		default:
			return c.fail("',' or ']' after a gate attribute")
		}
	}
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
			case c.at("CR"):
				c.i++
				if c.at("[") {
					c.errAt(c.i, "CR takes no gate: only CW, OR and OW have '[...]'")
					return
				}
			case c.at("CW"), c.at("OR"), c.at("OW"):
				c.i++
				if c.at("[") {
					c.i++
					if !c.gate() {
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
