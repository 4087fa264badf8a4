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
			g := Reparse(f, text)
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

// TestReparseReuses checks that unchanged declarations are not parsed
// again: their nodes are shared when they did not move.
func TestReparseReuses(t *testing.T) {
	f := Parse("n", []byte(example))
	text := strings.Replace(example, "CW", "CR", 1) // inside Commit
	g := Reparse(f, []byte(text))
	if f.Decls[0] != g.Decls[0] || f.Decls[1] != g.Decls[1] {
		t.Errorf("declarations before the edit were not reused")
	}
	if f.Decls[3] == g.Decls[3] {
		t.Errorf("the edited declaration was reused")
	}
	text2 := "\n" + text
	h := Reparse(g, []byte(text2))
	if h.Decls[0] == g.Decls[0] || h.Decls[0].Span() != g.Decls[0].Span().Shift(1) {
		t.Errorf("moved declaration not copied and shifted")
	}
	if !equalFiles(h, Parse("n", []byte(text2))) {
		t.Errorf("differs from Parse")
	}
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

func BenchmarkReparse10kOneChar(b *testing.B) {
	text := genBig(10000)
	f := Parse("big", text)
	i := strings.Index(string(text), "component C5000 {")
	edited := append([]byte{}, text...)
	edited[i+len("component C5000 {")+6] = 'j' // in  i -> in  j
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		g := Reparse(f, edited)
		if len(g.Errors) > 0 {
			b.Fatal(g.Errors[0])
		}
	}
}

// BenchmarkReparse10kInsert inserts a character early in the file, so
// that every later declaration moves and is copied.
func BenchmarkReparse10kInsert(b *testing.B) {
	text := genBig(10000)
	f := Parse("big", text)
	i := strings.Index(string(text), "C1 {")
	edited := append(append(append([]byte{}, text[:i+2]...), 'x'), text[i+2:]...)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		Reparse(f, edited)
	}
}

func BenchmarkLex10k(b *testing.B) {
	text := genBig(10000)
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		lex(text)
	}
}
