package grammar

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// equalFiles compares two parses structurally, including the chunk cache.
func equalFiles(a, b *File) bool { return reflect.DeepEqual(a, b) }

func testdataFiles(t testing.TB) []string {
	var out []string
	for _, pat := range []string{"testdata/*.blazes", "../testdata/*.blazes", "../testdata/*/*.blazes"} {
		m, _ := filepath.Glob(pat)
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatal("no testdata files")
	}
	return out
}

func readFile(t testing.TB, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var editSnippets = []string{"", " ", "\n", "}", "{", "component X {", "source", " stream a -> b\n", "/*", "*/", "//", "\"", "x", ":", "->", "OR[", "]", "\n\nsink s\n", "\r\n", "\x00", "é"}

// randomEdit replaces a random span of text with a random snippet.
func randomEdit(r *rand.Rand, text []byte) []byte {
	i := r.Intn(len(text) + 1)
	j := i + r.Intn(4)
	if j > len(text) {
		j = len(text)
	}
	s := editSnippets[r.Intn(len(editSnippets))]
	out := append([]byte{}, text[:i]...)
	out = append(out, s...)
	return append(out, text[j:]...)
}

// TestReparseEqualsParse is the property the language server relies on:
// after any sequence of edits, Reparse gives exactly what Parse gives.
func TestReparseEqualsParse(t *testing.T) {
	watchDisagreement(t)
	r := rand.New(rand.NewSource(7))
	seeds := [][]byte{[]byte(example)}
	for _, p := range testdataFiles(t) {
		seeds = append(seeds, readFile(t, p))
	}
	for i := 0; i < 5; i++ {
		seeds = append(seeds, []byte(gen(r, 10)))
	}
	for si, seed := range seeds {
		text := seed
		f := Parse("n", text)
		for step := 0; step < 60; step++ {
			text = randomEdit(r, text)
			before := snapshot(f)
			g := reparseFile(f, text)
			want := Parse("n", text)
			if !equalFiles(g, want) {
				t.Fatalf("seed %d step %d: Reparse differs from Parse on %q", si, step, text)
			}
			if snapshot(f) != before {
				t.Fatalf("Reparse modified its previous snapshot")
			}
			checkRanges(t, g)
			f = g
		}
	}
}

// snapshot renders every range of f, to detect mutation.
func snapshot(f *File) string {
	var b strings.Builder
	walk(f, func(n Node) { fmt.Fprint(&b, n.Span()) })
	for _, e := range f.Errors {
		fmt.Fprint(&b, e.Range, e.Msg)
	}
	return b.String()
}

// genBig is a file of n components wired into a chain.
func genBig(n int) []byte {
	var b strings.Builder
	b.WriteString("dataflow big\n\nsource s0(k, v) seal(k)\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "// component %d\ncomponent C%d {\n  in  i(k, v)\n  out o(k, v)\n  i -> o : OW[k]\n}\n\n", i, i)
	}
	b.WriteString("stream s0 -> C0.i\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "stream C%d.o -> C%d.i\n", i-1, i)
	}
	return []byte(b.String())
}

func BenchmarkParse10k(b *testing.B) {
	text := genBig(10000)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := Parse("big", text)
		if len(f.Errors) > 0 {
			b.Fatal(f.Errors[0])
		}
	}
}

func BenchmarkLex10k(b *testing.B) {
	text := genBig(10000)
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		lex(text)
	}
}

// edit is one replacement: text[start:oldEnd] becomes repl.
type edit struct {
	start, oldEnd int
	repl          string
}

func (e edit) apply(text []byte) (out []byte, newEnd int) {
	out = append([]byte{}, text[:e.start]...)
	out = append(out, e.repl...)
	newEnd = len(out)
	return append(out, text[e.oldEnd:]...), newEnd
}

var editKeywords = []string{"source", "sink", "component", "stream", "import", "dataflow", "in", "out", "seal", "rep"}

// randomEditFor picks an edit of text that is likely to be interesting for
// an incremental reparse: at random places, at the boundaries of tokens
// and keywords, inside comments and strings, opening or closing a block
// comment far from the declarations it swallows, adding or removing braces
// and keywords.
func randomEditFor(r *rand.Rand, text []byte) edit {
	n := len(text)
	at := func() int { return r.Intn(n + 1) }
	lr := lex(text)
	switch k := r.Intn(10); {
	case k < 3 || len(lr.toks) == 0:
		i := at()
		j := min(i+r.Intn(4), n)
		return edit{i, j, editSnippets[r.Intn(len(editSnippets))]}
	case k == 3: // at a token's start or end, or over its first character
		t := lr.toks[r.Intn(len(lr.toks))]
		i := []int{t.start, t.end}[r.Intn(2)]
		switch r.Intn(4) {
		case 0:
			return edit{i, i, "x"}
		case 1:
			return edit{t.start, min(t.start+1, n), ""}
		case 2:
			return edit{i, i, " "}
		default:
			return edit{t.start, t.end, editKeywords[r.Intn(len(editKeywords))]}
		}
	case k == 4: // open a block comment, or close one
		i := at()
		if r.Intn(2) == 0 {
			return edit{i, i, "/*"}
		}
		return edit{i, i, "*/"}
	case k == 5: // delete a '/*' or a '*/'
		for _, c := range lr.comments {
			if r.Intn(3) == 0 && len(c.Text) >= 2 {
				if r.Intn(2) == 0 || c.Text[len(c.Text)-1] != '/' || len(c.Text) < 4 {
					return edit{int(c.Range.Start), int(c.Range.Start) + 2, ""}
				}
				return edit{int(c.Range.End) - 2, int(c.Range.End), ""}
			}
		}
		i := at()
		return edit{i, i, "/* x */"}
	case k == 6: // inside a comment or a string
		var rs []Range
		for _, c := range lr.comments {
			rs = append(rs, c.Range)
		}
		for _, t := range lr.toks {
			if t.kind == tString {
				rs = append(rs, Range{Pos(t.start), Pos(t.end)})
			}
		}
		if len(rs) == 0 {
			i := at()
			return edit{i, i, "\"a b\""}
		}
		g := rs[r.Intn(len(rs))]
		i := int(g.Start) + r.Intn(int(g.End-g.Start)+1)
		return edit{i, i, []string{"x", "\n", "\"", "}", "source a\n", "*/", "\\"}[r.Intn(7)]}
	case k == 7: // add or remove a brace
		for _, t := range lr.toks {
			if t.kind == tPunct && (text[t.start] == '{' || text[t.start] == '}') && r.Intn(4) == 0 {
				return edit{t.start, t.end, ""}
			}
		}
		i := at()
		return edit{i, i, []string{"{", "}"}[r.Intn(2)]}
	case k == 8: // a keyword on a new line, or joined to what precedes
		i := at()
		kw := editKeywords[r.Intn(len(editKeywords))]
		return edit{i, i, []string{"\n" + kw + " ", kw, kw + " a\n"}[r.Intn(3)]}
	default: // a larger deletion or a paste of existing text
		i := at()
		j := min(i+r.Intn(200), n)
		if r.Intn(2) == 0 {
			return edit{i, j, ""}
		}
		p := at()
		return edit{p, p, string(text[i:j])}
	}
}

// TestReparseEditEqualsParse is the property for ReparseEdit: after any
// sequence of edits, each applied to the previous result, it gives exactly
// what Parse gives (declarations, errors, comments, chunks and line
// table), and it never modifies its previous snapshot.
func TestReparseEditEqualsParse(t *testing.T) {
	watchDisagreement(t)
	r := rand.New(rand.NewSource(11))
	seeds := [][]byte{[]byte(example), []byte(""), []byte("\r\n\r\n"), genBig(20)}
	for _, p := range testdataFiles(t) {
		seeds = append(seeds, readFile(t, p))
	}
	for i := 0; i < 8; i++ {
		seeds = append(seeds, []byte(gen(r, 12)))
	}
	steps := 150
	if testing.Short() {
		steps = 40
	}
	for si, seed := range seeds {
		text := seed
		f := Parse("n", text)
		for step := 0; step < steps; step++ {
			e := randomEditFor(r, text)
			next, newEnd := e.apply(text)
			before := snapshot(f)
			g := editFile(f, next, e.start, e.oldEnd, newEnd)
			want := Parse("n", next)
			if !equalFiles(g, want) {
				t.Fatalf("seed %d step %d: editFile(%+v) differs from Parse\nbefore: %q\nafter:  %q\n%s", si, step, e, text, next, diffFiles(g, want))
			}
			if snapshot(f) != before {
				t.Fatalf("ReparseEdit modified its previous snapshot")
			}
			checkRanges(t, g)
			text, f = next, g
		}
	}
}

// diffFiles says how two parses differ, for failure messages.
func diffFiles(a, b *File) string {
	switch {
	case !reflect.DeepEqual(a.Lines, b.Lines):
		return fmt.Sprintf("line tables differ: %v vs %v", a.Lines.lines, b.Lines.lines)
	case !reflect.DeepEqual(a.Errors, b.Errors):
		var s strings.Builder
		for _, e := range a.Errors {
			fmt.Fprintf(&s, "got  %v %s\n", e.Range, e.Msg)
		}
		for _, e := range b.Errors {
			fmt.Fprintf(&s, "want %v %s\n", e.Range, e.Msg)
		}
		return s.String()
	case !reflect.DeepEqual(a.Comments, b.Comments):
		return "comments differ"
	case !reflect.DeepEqual(a.Decls, b.Decls):
		return fmt.Sprintf("decls differ: %d vs %d", len(a.Decls), len(b.Decls))
	case len(a.chunks) != len(b.chunks):
		return fmt.Sprintf("%d chunks, want %d", len(a.chunks), len(b.chunks))
	}
	for i := range a.chunks {
		if !reflect.DeepEqual(a.chunks[i], b.chunks[i]) {
			return fmt.Sprintf("chunk %d: %+v, want %+v", i, *a.chunks[i], *b.chunks[i])
		}
	}
	return "other fields differ"
}

// TestReparseEditFarComment opens a block comment at the top of a big file
// and closes it again: every declaration disappears, then comes back.
func TestReparseEditFarComment(t *testing.T) {
	text := genBig(200)
	f := Parse("n", text)
	i := strings.Index(string(text), "component C3 ")
	steps := []edit{{i, i, "/*"}, {i + 2, i + 2, " x"}, {i + 4, i + 4, "*/"}, {i, i + 6, ""}}
	for k, e := range steps {
		next, newEnd := e.apply(text)
		g := editFile(f, next, e.start, e.oldEnd, newEnd)
		if want := Parse("n", next); !equalFiles(g, want) {
			t.Fatalf("step %d: differs from Parse: %s", k, diffFiles(g, want))
		}
		text, f = next, g
	}
	if len(f.Decls) != 200*2+1 || len(f.Errors) != 0 {
		t.Fatalf("%d decls, %d errors", len(f.Decls), len(f.Errors))
	}
}

// TestReparseEditBadOffsets: offsets that do not describe the edit fall
// back to a full comparison, and the result is still right.
func TestReparseEditBadOffsets(t *testing.T) {
	f := Parse("n", []byte(example))
	text := strings.Replace(example, "Count", "Counter", -1)
	for _, off := range [][3]int{{0, 0, 0}, {5, 3, 9}, {0, len(example), len(text) + 1}, {-1, 0, 0}, {10, 20, 20}} {
		g := editFile(f, []byte(text), off[0], off[1], off[2])
		if !equalFiles(g, Parse("n", []byte(text))) {
			t.Fatalf("offsets %v: differs from Parse", off)
		}
	}
	if g := editFile(nil, []byte(text), 0, 0, 0); !equalFiles(g, Parse("", []byte(text))) {
		t.Fatalf("nil prev")
	}
}

// TestLineTableEdited: the incrementally updated line table equals a
// rebuilt one, CRLF included.
func TestLineTableEdited(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	pieces := []string{"a", "\r\n", "\n", "\r", "é", "😀", ""}
	text := []byte("ab\r\ncd\n\r\nef")
	lt := NewLineTable(text)
	for step := 0; step < 2000; step++ {
		i := r.Intn(len(text) + 1)
		j := min(i+r.Intn(3), len(text))
		var b strings.Builder
		for k := r.Intn(3); k > 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		next, newEnd := edit{i, j, b.String()}.apply(text)
		got := lt.edited(next, i, j, newEnd)
		if want := NewLineTable(next); !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d: %v, want %v", step, got.lines, want.lines)
		}
		text, lt = next, got
	}
}
