package grammar

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Format prints f in the one canonical layout of .blazes files. It refuses
// a file with syntax errors (it could only guess at what the broken parts
// mean, and a formatter must never lose text). Only layout changes: the
// tokens, and the comments, come out in the same order, except that the
// attributes of a source or a stream are put in canonical order.
//
// The layout:
//
//   - `dataflow name`, then a blank line; the imports, one a line; then
//     the declarations, each on one line except components.
//   - Components print as `component Name {`, one member a line indented
//     by two spaces, and `}`; `in` is padded to the width of `out` so that
//     interface names line up; an empty component is `component Name {}`.
//   - Lists are separated by ", " (schemas, attribute keys, gates, all in
//     the order written; a window term prints `window(t)`); stream
//     attributes are separated by one space, in the canonical order
//     `seal(...)`/`watermark(t)`, `rep`, `partition(...)`/`shuffle`,
//     `order`: what the producer announces, where records go, the order
//     they arrive in (attributes of one rank keep the order written), as in
//     `stream a -> B.x watermark(ts) partition(word) order(word)`;
//     `CW`/`OR`/`OW` keep their brackets exactly when they were written,
//     and `order` its parentheses, so `OR` and `OR[]`, `order` and
//     `order()` stay as written (each pair means the same).
//   - Between top-level declarations there is one blank line, except
//     between consecutive declarations of the same kind among import,
//     source, sink and stream: these stay adjacent, and a blank line the
//     user put between two of them is kept (at most one), so they can be
//     grouped. Inside a component, blank lines between members are kept,
//     at most one, never after '{' or before '}'.
//   - A comment at the end of a line stays at the end of the line of the
//     construct it follows; runs of consecutive lines that all end with a
//     comment have their comments aligned one space after the longest
//     line, as gofmt does. A comment on its own line stays on its own line
//     before the construct that follows it, indented like that construct.
//     A comment written inside a construct that now prints on one line
//     (as in `source a(x, // why\n y)`) moves onto its own line just
//     before that construct.
//   - Lines end with "\n" (CRLF input comes out with LF), and the file
//     ends with one newline.
func Format(f *File) ([]byte, error) {
	if f == nil {
		return nil, errors.New("format: no file")
	}
	if n := len(f.Errors); n > 0 {
		e := f.Errors[0]
		pos := f.Lines.Position(e.Range.Start)
		return nil, fmt.Errorf("cannot format %s: %d syntax error(s), the first at line %d, column %d: %s", f.Name, n, pos.Line, pos.Column, e.Msg)
	}
	p := &printer{f: f, text: f.Text}
	p.collect()
	p.place()
	return p.render(), nil
}

// line is one output line: code with its source range, or a comment.
type line struct {
	indent   int
	code     string
	src      Range  // source range of the code (or of the comment)
	group    string // top-level kind of the declaration the line starts; "" for lines inside one
	close    bool   // the '}' of a component
	inBody   bool   // a member of a component
	comment  bool   // an own-line comment
	trailing []string
	blank    bool // a blank line precedes this line
}

type printer struct {
	f     *File
	text  []byte
	code  []*line // code lines in source order
	lines []*line // final lines, comments placed
}

func join(ids []*Ident) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(id.Name)
	}
	return b.String()
}

func schema(s *Schema) string {
	if s == nil {
		return ""
	}
	return "(" + join(s.Attrs) + ")"
}

// attrRank is the canonical position of each stream attribute: what the
// producer announces (seal, watermark), then where records go (rep, then
// partition or shuffle), then the order they arrive in (order).
var attrRank = [...]int{AttrSeal: 0, AttrWatermark: 0, AttrRep: 1, AttrPartition: 2, AttrShuffle: 2, AttrOrder: 3}

// attrs prints stream attributes in canonical order (see attrRank); the
// sort is stable, so attributes of one rank keep the order written.
func attrs(as []*StreamAttr) string {
	sorted := append([]*StreamAttr(nil), as...)
	sort.SliceStable(sorted, func(i, j int) bool { return attrRank[sorted[i].Kind] < attrRank[sorted[j].Kind] })
	var b strings.Builder
	for _, a := range sorted {
		b.WriteByte(' ')
		b.WriteString(a.String())
	}
	return b.String()
}

// gate prints gate terms in the order written.
func gate(ts []*GateTerm) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.String())
	}
	return b.String()
}

// declCode is the one line a source, sink or stream prints as; for a
// component, its first line "component Name {".
func declCode(d Decl) string {
	switch d := d.(type) {
	case *Source:
		return "source " + d.Name.Name + schema(d.Schema) + attrs(d.Attrs)
	case *Sink:
		return "sink " + d.Name.Name + schema(d.Schema)
	case *Stream:
		return "stream " + d.From.String() + " -> " + d.To.String() + attrs(d.Attrs)
	case *Component:
		return "component " + d.Name.Name + " {"
	}
	return ""
}

// memberCode is the line a component member prints as, without its
// indentation.
func memberCode(m Member) string {
	switch m := m.(type) {
	case *Interface:
		dir := "in  "
		if m.Dir == Out {
			dir = "out "
		}
		return dir + m.Name.Name + schema(m.Schema)
	case *Path:
		ann := m.Ann.Kind.String()
		if m.Ann.Brackets {
			ann += "[" + gate(m.Ann.Gate) + "]"
		}
		return m.From.Name + " -> " + m.To.Name + " : " + ann
	}
	return ""
}

// collect lists the code lines in source order.
func (p *printer) collect() {
	f := p.f
	add := func(l *line) { p.code = append(p.code, l) }
	if f.Dataflow != nil {
		start := f.Dataflow.Range.Start
		for _, c := range f.chunks {
			if c.kw == "dataflow" {
				start = Pos(c.start)
				break
			}
		}
		add(&line{code: "dataflow " + f.Dataflow.Name, src: Range{start, f.Dataflow.Range.End}, group: "dataflow"})
	}
	for _, im := range f.Imports {
		add(&line{code: "import " + string(p.text[im.PathRange.Start:im.PathRange.End]), src: im.Range, group: "import"})
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *Source:
			add(&line{code: declCode(d), src: d.Range, group: "source"})
		case *Sink:
			add(&line{code: declCode(d), src: d.Range, group: "sink"})
		case *Stream:
			add(&line{code: declCode(d), src: d.Range, group: "stream"})
		case *Component:
			head := declCode(d)
			if len(d.Members) == 0 && !p.commentIn(d.LBrace+1, d.RBrace) {
				add(&line{code: head + "}", src: d.Range, group: "component"})
				continue
			}
			add(&line{code: head, src: Range{d.Range.Start, d.LBrace + 1}, group: "component"})
			for _, m := range d.Members {
				add(&line{indent: 1, code: memberCode(m), src: m.Span(), inBody: true})
			}
			add(&line{code: "}", src: Range{d.RBrace, d.RBrace + 1}, close: true})
		}
	}
}

func (p *printer) commentIn(start, end Pos) bool {
	cs := p.f.Comments
	i := sort.Search(len(cs), func(i int) bool { return cs[i].Range.Start >= start })
	return i < len(cs) && cs[i].Range.Start < end
}

func (p *printer) hasNewline(a, b Pos) bool {
	if a >= b {
		return false
	}
	return strings.IndexByte(string(p.text[a:b]), '\n') >= 0
}

func (p *printer) hasBlank(a, b Pos) bool {
	if a >= b {
		return false
	}
	return strings.Count(string(p.text[a:b]), "\n") >= 2
}

// commentText normalizes a comment: CRLF inside block comments becomes LF,
// and line comments lose trailing blanks.
func commentText(c *Comment) string {
	s := strings.ReplaceAll(c.Text, "\r\n", "\n")
	if strings.HasPrefix(s, "//") {
		s = strings.TrimRight(s, " \t\r")
	}
	return s
}

// place interleaves the comments with the code lines and decides where
// blank lines go.
func (p *printer) place() {
	comments := p.f.Comments
	ci := 0
	var prev *line   // previous code line
	var prevEnd Pos  // end of the previous item (code line or comment)
	var group string // kind of the previous top-level declaration
	var block []*line
	for _, l := range p.code {
		block = block[:0]
		for ci < len(comments) && comments[ci].Range.Start < l.src.End {
			c := comments[ci]
			ci++
			if prev != nil && c.Range.Start >= prev.src.End && !p.hasNewline(prev.src.End, c.Range.Start) && !p.ownLineAfterTrailing(prev, c) {
				prev.trailing = append(prev.trailing, commentText(c))
				prevEnd = c.Range.End
				continue
			}
			indent := l.indent
			if l.close {
				indent = 1
			}
			cl := &line{indent: indent, code: commentText(c), src: c.Range, comment: true, inBody: l.inBody || l.close}
			cl.blank = p.hasBlank(prevEnd, c.Range.Start)
			block = append(block, cl)
			prevEnd = c.Range.End
		}
		l.blank = p.hasBlank(prevEnd, l.src.Start)
		block = append(block, l)

		// Blank lines: the first item of a top-level declaration's block
		// follows the layout rule; items inside follow the input.
		first := block[0]
		switch {
		case l.group != "":
			if len(p.lines) == 0 {
				first.blank = false
			} else if !(l.group == group && sameKindAdjacent[l.group]) {
				first.blank = true
			}
			group = l.group
		case l.close:
			l.blank = false
			if prev != nil && prev.group != "" && !prev.inBody {
				// comments right after '{'
				first.blank = false
			}
		default: // a member
			if prev != nil && prev.group != "" {
				first.blank = false
			}
		}
		p.lines = append(p.lines, block...)
		prev = l
		prevEnd = l.src.End
	}
	// Comments after the last construct.
	for ; ci < len(comments); ci++ {
		c := comments[ci]
		if prev != nil && !p.hasNewline(prevEnd, c.Range.Start) && !p.ownLineAfterTrailing(prev, c) {
			prev.trailing = append(prev.trailing, commentText(c))
			prevEnd = c.Range.End
			continue
		}
		cl := &line{code: commentText(c), src: c.Range, comment: true}
		cl.blank = len(p.lines) > 0 && p.hasBlank(prevEnd, c.Range.Start)
		p.lines = append(p.lines, cl)
		prevEnd = c.Range.End
	}
}

// ownLineAfterTrailing reports whether c must go on its own line although
// it follows prev on the same source line: after a // comment nothing can
// follow on the line, so this only guards against a trailing // comment
// that is already there.
func (p *printer) ownLineAfterTrailing(prev *line, c *Comment) bool {
	n := len(prev.trailing)
	return n > 0 && strings.HasPrefix(prev.trailing[n-1], "//")
}

// sameKindAdjacent lists the declaration kinds that stay adjacent when
// consecutive.
var sameKindAdjacent = map[string]bool{"import": true, "source": true, "sink": true, "stream": true}

func (p *printer) render() []byte {
	var b strings.Builder
	ls := p.lines
	width := make([]int, len(ls)) // column of the trailing comments
	for i := 0; i < len(ls); {
		if !alignable(ls[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(ls) && alignable(ls[j]) && !ls[j].blank && ls[j].indent == ls[i].indent {
			j++
		}
		w := 0
		for k := i; k < j; k++ {
			if n := utf8.RuneCountInString(ls[k].code); n > w {
				w = n
			}
		}
		for k := i; k < j; k++ {
			width[k] = w
		}
		i = j
	}
	for i, l := range ls {
		if l.blank && i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat("  ", l.indent))
		b.WriteString(l.code)
		if len(l.trailing) > 0 {
			pad := width[i] - utf8.RuneCountInString(l.code)
			if pad < 0 {
				pad = 0
			}
			b.WriteString(strings.Repeat(" ", pad+1))
			b.WriteString(strings.Join(l.trailing, " "))
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// alignable: a code line ending with a one-line comment.
func alignable(l *line) bool {
	if l.comment || len(l.trailing) == 0 {
		return false
	}
	for _, t := range l.trailing {
		if strings.Contains(t, "\n") {
			return false
		}
	}
	return true
}
