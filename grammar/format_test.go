package grammar

import (
	"bytes"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

func commentTexts(f *File) []string {
	out := make([]string, len(f.Comments))
	for i, c := range f.Comments {
		out[i] = commentText(c)
	}
	return out
}

// checkFormat formats src and checks the formatter's promises: the output
// parses without error, has the same tokens and comments in the same
// order, and formats to itself.
func checkFormat(t *testing.T, name string, src []byte) []byte {
	t.Helper()
	f := Parse(name, src)
	if len(f.Errors) > 0 {
		t.Fatalf("%s: %s", name, f.Errors[0].Msg)
	}
	out, err := Format(f)
	if err != nil {
		t.Fatal(err)
	}
	g := Parse(name, out)
	if len(g.Errors) > 0 {
		t.Fatalf("%s: formatted output does not parse: %s\n%s", name, g.Errors[0].Msg, out)
	}
	if !reflect.DeepEqual(formattedTokens(f), tokens(out)) {
		t.Fatalf("%s: tokens changed:\n%s\n----\n%s", name, src, out)
	}
	if !reflect.DeepEqual(commentTexts(f), commentTexts(g)) {
		t.Fatalf("%s: comments changed: %q vs %q\n%s", name, commentTexts(f), commentTexts(g), out)
	}
	again, err := Format(g)
	if err != nil || !bytes.Equal(again, out) {
		t.Fatalf("%s: not idempotent:\n%s\n----\n%s", name, out, again)
	}
	return out
}

func TestFormatExample(t *testing.T) {
	out := checkFormat(t, "wc", []byte(example))
	want := strings.Replace(strings.Replace(example, "seal(batch)   //", "seal(batch) //", 1), "batch]      //", "batch] //", 1)
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestFormatLayout(t *testing.T) {
	src := "// head\n\n\n// more\ndataflow x // df\nimport \"a\\\"\"\n\n\n\nimport \"b\"\nsource a(x,  // inner\n y)\nsource b\n\nsource c /* c1 */ /* c2 */\nsink s component A {} component B { // hb\n\n // first\n in x\n\n\n out y a -> b:OR /* t */\n  c->d:CW // u\n // before close\n\n} // after close\n\n\n\n// end\n"
	want := `// head

// more
dataflow x // df

import "a\""

import "b"

// inner
source a(x, y)
source b

source c /* c1 */ /* c2 */

sink s

component A {}

component B { // hb
  // first
  in  x

  out y
  a -> b : OR /* t */
  c -> d : CW // u
  // before close
} // after close

// end
`
	if got := string(checkFormat(t, "layout", []byte(src))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestFormatCRLF(t *testing.T) {
	crlf := strings.ReplaceAll(example, "\n", "\r\n")
	out := checkFormat(t, "crlf", []byte(crlf))
	lf := checkFormat(t, "lf", []byte(example))
	if !bytes.Equal(out, lf) {
		t.Errorf("CRLF input formats differently:\n%q\n%q", out, lf)
	}
	if bytes.Contains(out, []byte("\r")) {
		t.Errorf("output keeps \\r")
	}
	checkFormat(t, "crlf-block", []byte("/* a\r\n b */\r\nsource a /* x */\r\n"))
}

func TestFormatRefusesErrors(t *testing.T) {
	f := Parse("bad", []byte("source a(\n"))
	if _, err := Format(f); err == nil || !strings.Contains(err.Error(), "syntax error") {
		t.Errorf("err = %v", err)
	}
}

func TestFormatEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "// only\n", "/* x */"} {
		checkFormat(t, src, []byte(src))
	}
}

func TestFormatTestdata(t *testing.T) {
	for _, p := range testdataFiles(t) {
		src := readFile(t, p)
		if f := Parse(p, src); len(f.Errors) > 0 {
			continue // files that test errors
		}
		checkFormat(t, p, src)
	}
}

func TestFormatGenerated(t *testing.T) {
	watchDisagreement(t)
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 300; i++ {
		checkFormat(t, "gen", []byte(gen(r, 1+r.Intn(8))))
	}
}

func TestFormatAlignsTrailingComments(t *testing.T) {
	src := "source a // x\nsource bbb(k) // y\n\nsource c // z\n"
	want := "source a      // x\nsource bbb(k) // y\n\nsource c // z\n"
	if got := string(checkFormat(t, "align", []byte(src))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
