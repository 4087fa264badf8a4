package grammar

import (
	"fmt"
	"strings"
)

// Synth describes a file made by a program rather than typed: the nodes
// of its declarations, without ranges, and the comments to print before
// them. Build turns it into a File.
type Synth struct {
	Name     string   // the file name the File carries
	Header   []string // comment lines at the top of the file
	Dataflow string   // the dataflow name; "" for none
	Decls    []Decl   // sources, sinks, components and streams, in order
	// Docs are comment lines printed on their own lines before a node: a
	// declaration, or a member of a component. A line is the comment's
	// text without the leading "//"; a line with newlines is split, and
	// what cannot be in a line comment (control characters, invalid
	// UTF-8) is replaced.
	Docs map[Node][]string
}

// Build renders s with the formatter's own rules for each declaration
// and member (the text Format prints for a node) and the comments of
// Docs on their own lines before their nodes, then parses that text, so
// that the File it returns has ranges, comments placed by position and
// a Text, as a parsed file has: Format(Build(s)) is the canonical layout
// of s. The nodes of the returned File are the parsed ones, not those of
// s. A node that renders to text that does not parse back (an identifier
// that is not one, a partition without keys) is an error naming the line.
func Build(s Synth) (*File, error) {
	var b strings.Builder
	comments := func(lines []string, indent string) {
		for _, l := range lines {
			for _, part := range strings.Split(l, "\n") {
				part = strings.TrimRight(commentSafe(part), " \t")
				b.WriteString(indent + "//")
				if part != "" && !strings.HasPrefix(part, " ") {
					b.WriteByte(' ')
				}
				b.WriteString(part + "\n")
			}
		}
	}
	comments(s.Header, "")
	if len(s.Header) > 0 {
		b.WriteByte('\n')
	}
	if s.Dataflow != "" {
		b.WriteString("dataflow " + s.Dataflow + "\n\n")
	}
	for _, d := range s.Decls {
		if d == nil {
			return nil, fmt.Errorf("build %s: a nil declaration", s.Name)
		}
		comments(s.Docs[d], "")
		b.WriteString(declCode(d) + "\n")
		c, ok := d.(*Component)
		if !ok {
			continue
		}
		for _, m := range c.Members {
			if m == nil {
				return nil, fmt.Errorf("build %s: a nil member in component %s", s.Name, c.Name.Name)
			}
			comments(s.Docs[m], "  ")
			b.WriteString("  " + memberCode(m) + "\n")
		}
		b.WriteString("}\n")
	}
	text := []byte(b.String())
	f := Parse(s.Name, text)
	if len(f.Errors) > 0 {
		e := f.Errors[0]
		pos := f.Lines.Position(e.Range.Start)
		line := string(text[int(e.Range.Start)-pos.Column+1:])
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		if len(line) > 120 {
			line = line[:120] + "..."
		}
		return nil, fmt.Errorf("build %s: line %d does not parse (%s): %s", s.Name, pos.Line, e.Msg, line)
	}
	return f, nil
}

// commentSafe makes s fit in a line comment: invalid UTF-8 becomes U+FFFD,
// control characters (but tab) and the characters some editors take for
// line breaks (U+0085, U+2028, U+2029) become spaces.
func commentSafe(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t') || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}
