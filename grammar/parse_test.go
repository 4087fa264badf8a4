package grammar

import (
	"bytes"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

func TestParseExample(t *testing.T) {
	watchDisagreement(t)
	f := Parse("wc.blazes", []byte(example))
	if len(f.Errors) != 0 {
		t.Fatalf("errors: %v", f.Errors)
	}
	checkRanges(t, f)
	if f.Dataflow == nil || f.Dataflow.Name != "wordcount" || f.Dataflow.Range != (Range{9, 18}) {
		t.Fatalf("dataflow = %+v", f.Dataflow)
	}
	if len(f.Decls) != 7 || len(f.Comments) != 2 {
		t.Fatalf("%d decls, %d comments", len(f.Decls), len(f.Comments))
	}
	src := f.Decls[0].(*Source)
	if src.Name.Range != (Range{27, 33}) || src.Range != (Range{20, 59}) || src.Schema.Range != (Range{33, 47}) {
		t.Errorf("source ranges: %+v %+v %+v", src.Name.Range, src.Range, src.Schema.Range)
	}
	if len(src.Attrs) != 1 || src.Attrs[0].Kind != AttrSeal || src.Attrs[0].Keys[0].Name != "batch" || src.Attrs[0].Range != (Range{48, 59}) {
		t.Errorf("seal: %+v", src.Attrs)
	}
	sp := f.Decls[1].(*Component)
	if sp.Name.Name != "Splitter" || sp.Name.Range != (Range{108, 116}) || example[sp.LBrace] != '{' || example[sp.RBrace] != '}' {
		t.Errorf("Splitter: %+v", sp)
	}
	if got := example[sp.Range.Start:sp.Range.End]; !strings.HasPrefix(got, "component Splitter {") || !strings.HasSuffix(got, "CR\n}") {
		t.Errorf("component text %q", got)
	}
	in := sp.Members[0].(*Interface)
	if in.Dir != In || example[in.Range.Start:in.Range.End] != "in  tweets(tweet, batch)" {
		t.Errorf("in: %q", example[in.Range.Start:in.Range.End])
	}
	p := sp.Members[2].(*Path)
	if example[p.Range.Start:p.Range.End] != "tweets -> words : CR" || p.Ann.Kind != CR || p.Ann.Brackets {
		t.Errorf("path %q", example[p.Range.Start:p.Range.End])
	}
	cnt := f.Decls[2].(*Component).Members[0].(*Path)
	if cnt.Ann.Kind != OW || !cnt.Ann.Brackets || len(cnt.Ann.Gate) != 2 || cnt.Ann.Gate[1].Attr.Name != "batch" ||
		example[cnt.Ann.Range.Start:cnt.Ann.Range.End] != "OW[word, batch]" {
		t.Errorf("OW: %+v", cnt.Ann)
	}
	st := f.Decls[5].(*Stream)
	if st.From.String() != "Splitter.words" || st.To.String() != "Count.words" ||
		example[st.Range.Start:st.Range.End] != "stream Splitter.words -> Count.words" ||
		example[st.From.Iface.Range.Start:st.From.Iface.Range.End] != "words" {
		t.Errorf("stream %+v", st)
	}
	if f.Comments[0].Text != "// the spout punctuates each batch" {
		t.Errorf("comment %q", f.Comments[0].Text)
	}
}

// TestConstructs checks each construct's AST and that every name's range
// covers exactly the name.
func TestConstructs(t *testing.T) {
	watchDisagreement(t)
	tests := []struct {
		src   string
		check func(t *testing.T, f *File)
	}{
		{`import "a/b.blazes"`, func(t *testing.T, f *File) {
			im := f.Imports[0]
			if im.Path != "a/b.blazes" || im.PathRange != (Range{7, 19}) || im.Range != (Range{0, 19}) {
				t.Errorf("%+v", im)
			}
		}},
		{`import "q\"x\\y"`, func(t *testing.T, f *File) {
			if p := f.Imports[0].Path; p != `q"x\y` {
				t.Errorf("path %q", p)
			}
		}},
		{`source s`, func(t *testing.T, f *File) {
			s := f.Decls[0].(*Source)
			if s.Schema != nil || s.Attrs != nil || s.Range != (Range{0, 8}) {
				t.Errorf("%+v", s)
			}
		}},
		{`source s() seal() rep order`, func(t *testing.T, f *File) {
			s := f.Decls[0].(*Source)
			if s.Schema == nil || len(s.Schema.Attrs) != 0 || len(s.Attrs) != 3 || s.Attrs[0].Kind != AttrSeal ||
				len(s.Attrs[0].Keys) != 0 || s.Attrs[1].Kind != AttrRep || s.Attrs[2].Kind != AttrOrder || s.Range.End != 27 {
				t.Errorf("%+v", s)
			}
		}},
		{`sink out_1(a,b)`, func(t *testing.T, f *File) {
			s := f.Decls[0].(*Sink)
			if s.Name.Name != "out_1" || len(s.Schema.Attrs) != 2 || s.Schema.Attrs[1].Range != (Range{13, 14}) {
				t.Errorf("%+v", s)
			}
		}},
		{"component C{}", func(t *testing.T, f *File) {
			c := f.Decls[0].(*Component)
			if c.LBrace != 11 || c.RBrace != 12 || c.Members != nil || c.Range != (Range{0, 13}) {
				t.Errorf("%+v", c)
			}
		}},
		{"component C { a -> b : OR  a -> b : OR[] out o() a->b:OW[x] }", func(t *testing.T, f *File) {
			m := f.Decls[0].(*Component).Members
			a0, a1 := m[0].(*Path).Ann, m[1].(*Path).Ann
			if a0.Kind != OR || a0.Brackets || len(a0.Gate) != 0 || a0.Range != (Range{23, 25}) {
				t.Errorf("OR: %+v", a0)
			}
			if a1.Kind != OR || !a1.Brackets || len(a1.Gate) != 0 || a1.Range != (Range{36, 40}) {
				t.Errorf("OR[]: %+v", a1)
			}
			if o := m[2].(*Interface); o.Dir != Out || o.Name.Range != (Range{45, 46}) {
				t.Errorf("out: %+v", o)
			}
			if p := m[3].(*Path); p.Ann.Kind != OW || p.Ann.Gate[0].Attr.Name != "x" || p.Range != (Range{49, 59}) {
				t.Errorf("path: %+v", p)
			}
		}},
		{"stream a -> b", func(t *testing.T, f *File) {
			s := f.Decls[0].(*Stream)
			if s.From.Iface != nil || s.To.Name.Range != (Range{12, 13}) || s.To.Range != (Range{12, 13}) {
				t.Errorf("%+v", s)
			}
		}},
		{"stream A.x -> B.y seal(k) rep", func(t *testing.T, f *File) {
			s := f.Decls[0].(*Stream)
			if s.From.Range != (Range{7, 10}) || s.To.Iface.Range != (Range{16, 17}) || len(s.Attrs) != 2 || s.Range.End != 29 {
				t.Errorf("%+v", s)
			}
		}},
		{"dataflow d\r\nsource s\r\n", func(t *testing.T, f *File) {
			if f.Dataflow.Range != (Range{9, 10}) || f.Decls[0].Span() != (Range{12, 20}) {
				t.Errorf("%+v %+v", f.Dataflow, f.Decls[0])
			}
		}},
		{"", func(t *testing.T, f *File) {
			if f.Dataflow != nil || len(f.Decls) != 0 || len(f.Errors) != 0 {
				t.Errorf("%+v", f)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			f := Parse("t", []byte(tc.src))
			if len(f.Errors) != 0 {
				t.Fatalf("errors: %v", f.Errors[0].Msg)
			}
			checkRanges(t, f)
			walk(f, func(n Node) {
				if id, ok := n.(*Ident); ok && tc.src[id.Range.Start:id.Range.End] != id.Name {
					t.Errorf("ident %q has range %v covering %q", id.Name, id.Range, tc.src[id.Range.Start:id.Range.End])
				}
			})
			tc.check(t, f)
		})
	}
}

// TestErrors checks the messages and where they point.
func TestErrors(t *testing.T) {
	watchDisagreement(t)
	tests := []struct {
		src  string
		msg  string // substring of the first error
		at   string // text the first error's range covers
		nDec int    // declarations, broken ones included
	}{
		{"component A { a -> b : XX }", "expected an annotation (CR, CW, OR[...], OW[...]) after ':' but found 'XX'", "XX", 1},
		{"component A { a b : CR }", "expected '->' between the path's input and output but found 'b'", "b", 1},
		{"component A { a -> b CR }", "expected ':' and an annotation", "CR", 1},
		{"component A { a -> b : }", "expected an annotation (CR, CW, OR[...], OW[...]) after ':' but found '}'", "}", 1},
		{"component A { in source }", "expected a name for the input interface after 'in' but found the keyword 'source': keywords are reserved", "source", 1},
		{"source order", "expected a name for the source but found the keyword 'order'", "order", 0},
		{"component CR {}", "keywords are reserved and cannot be used as names", "CR", 0},
		{"component A { a -> b : CR[x] }", "CR takes no gate", "[", 1},
		{"component A { a -> b : OR[x y] }", "expected ',' or ']' after a gate attribute but found 'y'", "y", 1},
		{"component A a -> b : CR }", "expected '{' after the component's name but found 'a'", "a", 1},
		{"component A { a -> b : CR ", "expected '}' to close component A but found the end of the file", "", 1},
		{"source a(x y)", "expected ',' or ')' after an attribute name but found 'y'", "y", 1},
		{"source a(x) foo", "expected a stream attribute (seal(...), watermark(...), rep, order, partition(...), shuffle) or a new declaration after the source but found 'foo'", "foo", 1},
		// Contract v2: gate terms and the new stream attributes.
		{"stream a -> B.x shuffle foo", "expected a stream attribute (seal(...), watermark(...), rep, order, partition(...), shuffle) or a new declaration after the stream but found 'foo'", "foo", 1},
		{"stream a -> B.x partition()", "partition needs at least one key attribute, e.g. partition(word), but found ')'", ")", 1},
		{"stream a -> B.x partition", "expected '(' after 'partition', e.g. partition(key) but found the end of the file", "", 1},
		{"stream a -> B.x partition(k", "expected ',' or ')' after a partition key attribute but found the end of the file", "", 1},
		{"stream a -> B.x watermark()", "watermark takes one attribute, e.g. watermark(ts), but found ')'", ")", 1},
		{"stream a -> B.x watermark(a, b)", "watermark takes exactly one attribute, e.g. watermark(ts), but found ','", ",", 1},
		{"stream a -> B.x watermark", "expected '(' after 'watermark', e.g. watermark(ts)", "", 1},
		{"source s watermark(order)", "expected the attribute of watermark(...), e.g. watermark(ts) but found the keyword 'order'", "order", 1},
		{"stream a -> B.x shuffle(k)", "shuffle takes no attributes: write partition(k) to route records by key", "(", 1},
		{"stream a -> B.x rep(k)", "rep takes no attributes", "(", 1},
		{"stream a -> B.x order(k,)", "expected an order key attribute but found ')'", ")", 1},
		{"component A { a -> b : OR[window()] }", "window takes one attribute, e.g. window(ts), but found ')'", ")", 1},
		{"component A { a -> b : OR[window(a, b)] }", "window takes exactly one attribute, e.g. window(ts), but found ','", ",", 1},
		{"component A { a -> b : OW[window(t) x] }", "expected ',' or ']' after a gate attribute but found 'x'", "x", 1},
		{"component A { a -> b : OW[window(t] }", "expected ')' after the attribute of window but found ']'", "]", 1},
		{"component A { a -> b : CW[x y] }", "expected ',' or ']' after a gate attribute but found 'y'", "y", 1},
		{"component A { a -> b : OR[x, order] }", "expected a gate attribute or window(attribute) but found the keyword 'order'", "order", 1},
		{"sink a(x) rep", "expected a schema '(...)' or a new declaration after the sink but found the keyword 'rep'", "rep", 1},
		{"stream a b", "expected '->' between the stream's producer and consumer but found 'b'", "b", 0},
		{"stream a -> b seal", "expected '(' after 'seal'", "", 1},
		{"import x", "expected a quoted path after 'import'", "x", 0},
		{"dataflow", "expected a name for the dataflow", "", 0},
		{"hello world\nsource a", "expected a top-level declaration (dataflow, import, source, sink, component, stream) but found 'hello'", "hello world", 1},
		{"source a\nimport \"x\"", "imports must come before the declarations", "import", 1},
		{"source a\ndataflow d", "'dataflow' must come first", "dataflow", 1},
		{"dataflow d\ndataflow e", "a file names its dataflow only once", "dataflow", 0},
		{"/* open", "unterminated block comment", "/*", 0},
		{"import \"open\nsource a", "unterminated string", "\"open", 1},
		{"import \"a\\n\"", "unknown escape sequence", "\\n", 0},
		{"source a\x00", "invalid NUL character", "\x00", 1},
		{"source a \xff\xfe", "invalid UTF-8", "\xff\xfe", 1},
		{"source a - b", "did you mean '->'", "-", 1},
		{"source a(x,\n\nsink b", "expected an attribute name but found the keyword 'sink'", "sink", 2},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			f := Parse("t", []byte(tc.src))
			checkRanges(t, f)
			if len(f.Errors) == 0 {
				t.Fatalf("no error")
			}
			e := f.Errors[0]
			if !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("message %q, want it to contain %q", e.Msg, tc.msg)
			}
			if got := tc.src[e.Range.Start:e.Range.End]; got != tc.at {
				t.Errorf("range %v covers %q, want %q", e.Range, got, tc.at)
			}
			if len(f.Decls) != tc.nDec {
				t.Errorf("%d decls, want %d", len(f.Decls), tc.nDec)
			}
			if strings.Contains(e.Msg, "participle") || strings.Contains(e.Msg, "unexpected token") {
				t.Errorf("raw participle message: %q", e.Msg)
			}
		})
	}
}

// TestRecovery: several broken declarations in one file are all reported,
// and the intact ones are parsed.
func TestRecovery(t *testing.T) {
	watchDisagreement(t)
	src := `junk before
dataflow d
source ok1(a)
source broken(a b)
component Good { x -> y : CR }
component Bad { x -> y : ZZ }
component Unclosed {
  x -> y : CW
stream ok1 -> Good.x
stream Good.y -> 
sink ok2
component Bad2 { in in }
`
	f := Parse("r", []byte(src))
	checkRanges(t, f)
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *Source:
			names = append(names, d.Name.Name)
		case *Sink:
			names = append(names, d.Name.Name)
		case *Component:
			names = append(names, d.Name.Name)
		case *Stream:
			names = append(names, d.From.String())
		}
	}
	if got := strings.Join(names, " "); got != "ok1 broken Good Bad Unclosed ok1 ok2 Bad2" {
		t.Errorf("decls %q", got)
	}
	want := []string{"junk before", "b", "ZZ", "stream", "sink", "in"}
	if len(f.Errors) != len(want) {
		for _, e := range f.Errors {
			t.Logf("%v %s", e.Range, e.Msg)
		}
		t.Fatalf("%d errors, want %d", len(f.Errors), len(want))
	}
	for i, e := range f.Errors {
		if got := src[e.Range.Start:e.Range.End]; got != want[i] {
			t.Errorf("error %d (%s) covers %q, want %q", i, e.Msg, got, want[i])
		}
	}
}

// TestGarbage: hostile inputs never panic, finish quickly and report
// errors whose ranges lie inside the text.
func TestGarbage(t *testing.T) {
	watchDisagreement(t)
	r := rand.New(rand.NewSource(1))
	random := make([]byte, 1<<16)
	r.Read(random)
	long := bytes.Repeat([]byte("a "), 1<<19) // a 1 MB line
	inputs := map[string][]byte{
		"random":       random,
		"nul":          []byte("source a\x00\x00 b\x00"),
		"1MB line":     long,
		"1MB comment":  append([]byte("// "), bytes.Repeat([]byte("x"), 1<<20)...),
		"1MB string":   append([]byte("import \""), bytes.Repeat([]byte("x"), 1<<20)...),
		"nested {":     append([]byte("component A "), bytes.Repeat([]byte("{"), 10000)...),
		"nested {}":    []byte("component A " + strings.Repeat("{", 10000) + strings.Repeat("}", 10000)),
		"nested (":     []byte("source a" + strings.Repeat("(", 10000)),
		"unterminated": []byte("source a /* never closed\nsource b"),
		"string":       []byte("import \"never closed\nsource b"),
		"only }":       []byte(strings.Repeat("}", 1000) + "source a"),
		"keywords":     []byte(strings.Repeat("source sink component stream in out ", 1000)),
		"invalid utf8": []byte("source \xc3\x28 a\xe2\x82"),
		"bom":          []byte("\xef\xbb\xbfsource a"),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			// A hang or a quadratic blow-up shows as the test binary's
			// timeout; wall-clock limits are not asserted.
			f := Parse(name, in)
			checkRanges(t, f)
			if name != "1MB comment" && name != "nested {}" && name != "1MB line" && len(f.Errors) == 0 {
				t.Errorf("no error")
			}
			g := reparseFile(Parse(name, []byte("source x\n")), in)
			if !equalFiles(f, g) {
				t.Errorf("Reparse differs from Parse")
			}
		})
	}
}

func TestLineTable(t *testing.T) {
	text := []byte("ab\r\n// 😀 x\r\né\n")
	lt := NewLineTable(text)
	if lt.LineCount() != 4 {
		t.Errorf("lines %d", lt.LineCount())
	}
	x := bytes.IndexByte(text, 'x')
	tests := []struct {
		off int
		pos Position
	}{
		{0, Position{0, 1, 1}},
		{2, Position{2, 1, 3}}, // the '\r'
		{4, Position{4, 2, 1}},
		{x, Position{x, 2, 9}}, // byte columns
		{x + 3, Position{x + 3, 3, 1}},
		{x + 5, Position{x + 5, 3, 3}}, // after é (2 bytes)
		{len(text), Position{len(text), 4, 1}},
	}
	for _, tc := range tests {
		if got := lt.Position(Pos(tc.off)); got != tc.pos {
			t.Errorf("Position(%d) = %+v, want %+v", tc.off, got, tc.pos)
		}
		if l := lt.Line(Pos(tc.off)); l != tc.pos.Line-1 || lt.LineStart(l) != tc.off-tc.pos.Column+1 {
			t.Errorf("Line(%d) = %d starting at %d", tc.off, l, lt.LineStart(l))
		}
	}
}

func TestTestdataFiles(t *testing.T) {
	watchDisagreement(t)
	for _, path := range testdataFiles(t) {
		src := readFile(t, path)
		f := Parse(path, src)
		checkRanges(t, f)
	}
}

// TestBrokenDecls: a declaration with a syntax error stays in Decls with
// what can be known of it, marked Broken.
func TestBrokenDecls(t *testing.T) {
	watchDisagreement(t)
	type want struct {
		kind    string // "component", "source", "sink", "stream" or "" (no decl)
		name    string
		members []string // rendered members of a component, or attrs of a stream
		lbrace  bool
		rbrace  bool
		rng     string // text the declaration's range covers
	}
	tests := []struct {
		src string
		w   want
	}{
		{"component A {\n  in x(k)\n  x -> y : CR\n  y -> ", want{"component", "A", []string{"in x", "x->y:CR"}, true, false, "component A {\n  in x(k)\n  x -> y : CR\n  y ->"}},
		{"component A { x -> y : OR[k }", want{"component", "A", nil, true, true, "component A { x -> y : OR[k }"}},
		{"component A { in x x -> y : XX } junk", want{"component", "A", []string{"in x"}, true, true, "component A { in x x -> y : XX }"}},
		{"component A {} junk", want{"component", "A", nil, true, true, "component A {}"}},
		{"component A x", want{"component", "A", nil, false, false, "component A x"}},
		{"component A", want{"component", "A", nil, false, false, "component A"}},
		{"component A { { } x -> y : CR", want{"component", "A", nil, true, false, "component A { { } x -> y : CR"}},
		{"component in {}", want{}},
		{"component", want{}},
		{"source s(a, ", want{"source", "s", nil, false, false, "source s(a,"}},
		{"sink k(a b)", want{"sink", "k", nil, false, false, "sink k(a b)"}},
		{"source seal", want{}},
		{"stream a -> ", want{}},
		{"stream a.", want{}},
		{"stream a -> B.i rep seal(k", want{"stream", "a", []string{"rep"}, false, false, "stream a -> B.i rep seal(k"}},
		{"stream a -> B.i seal(k) x", want{"stream", "a", []string{"seal"}, false, false, "stream a -> B.i seal(k) x"}},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			f := Parse("b", []byte(tc.src))
			checkRanges(t, f)
			if len(f.Errors) == 0 {
				t.Fatal("no error")
			}
			if _, err := Format(f); err == nil {
				t.Error("Format accepted a broken file")
			}
			if tc.w.kind == "" {
				if len(f.Decls) != 0 {
					t.Fatalf("decls %v, want none", f.Decls)
				}
				return
			}
			if len(f.Decls) != 1 {
				t.Fatalf("%d decls", len(f.Decls))
			}
			d := f.Decls[0]
			var got want
			switch d := d.(type) {
			case *Component:
				if !d.Broken {
					t.Error("not Broken")
				}
				got = want{kind: "component", name: d.Name.Name, lbrace: d.LBrace != NoPos, rbrace: d.RBrace != NoPos}
				for _, m := range d.Members {
					switch m := m.(type) {
					case *Interface:
						got.members = append(got.members, m.Dir.String()+" "+m.Name.Name)
					case *Path:
						got.members = append(got.members, m.From.Name+"->"+m.To.Name+":"+m.Ann.Kind.String())
					}
				}
				if got.lbrace && tc.src[d.LBrace] != '{' || got.rbrace && tc.src[d.RBrace] != '}' {
					t.Errorf("braces at %d, %d", d.LBrace, d.RBrace)
				}
			case *Source:
				got = want{kind: "source", name: d.Name.Name}
				if !d.Broken || d.Schema != nil || d.Attrs != nil {
					t.Errorf("source %+v", d)
				}
			case *Sink:
				got = want{kind: "sink", name: d.Name.Name}
				if !d.Broken || d.Schema != nil {
					t.Errorf("sink %+v", d)
				}
			case *Stream:
				got = want{kind: "stream", name: d.From.Name.Name}
				if !d.Broken || d.To == nil {
					t.Errorf("stream %+v", d)
				}
				for _, a := range d.Attrs {
					got.members = append(got.members, a.Kind.String())
				}
			}
			got.rng = tc.src[d.Span().Start:d.Span().End]
			if !reflect.DeepEqual(got, tc.w) {
				t.Errorf("got %+v\nwant %+v", got, tc.w)
			}
		})
	}
	// A whole file: the intact declarations are not Broken.
	f := Parse("e", []byte(example))
	for _, d := range f.Decls {
		if c, ok := d.(*Component); ok && (c.Broken || c.LBrace == NoPos) {
			t.Errorf("intact component marked broken")
		}
	}
}

// A broken import chunk with a complete path keeps its import.
func TestBrokenImportKept(t *testing.T) {
	f := Parse("a.blazes", []byte("import \"lib.blazes\" junk (\nsource s\n"))
	if len(f.Errors) == 0 {
		t.Fatal("no syntax error")
	}
	if len(f.Imports) != 1 || f.Imports[0].Path != "lib.blazes" {
		t.Fatalf("imports %v", f.Imports)
	}
	if r := f.Imports[0].PathRange; string(f.Text[r.Start:r.End]) != `"lib.blazes"` {
		t.Errorf("path range %v", r)
	}
}
