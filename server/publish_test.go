package server

import (
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/internal/gen"
)

// Publications reuse the JSON of diagnostics that did not change: after
// edits that move every line, one line, or nothing but a label, what is
// published (related information included) is exactly the conversion of
// a cold analysis of the text.
func TestPublicationFollowsEdits(t *testing.T) {
	text := string(gen.Dataflow(150, 2))
	c := newClient(t, testOpts{})
	c.open("g.blazes", text)
	c.waitDiags("g.blazes", atVersion(1))
	path := c.path("g.blazes")
	at := func(s string) (int, int) {
		off := strings.Index(text, s)
		if off < 0 {
			t.Fatalf("no %q in the text", s)
		}
		return strings.Count(text[:off], "\n"), off - strings.LastIndex(text[:off], "\n") - 1
	}
	type edit struct {
		what, anchor, insert string
		del                  int
	}
	mid := text[len(text)/2:]
	stream := mid[strings.Index(mid, "\nstream ")+1:]
	stream = stream[:strings.Index(stream, "\n")]
	ann := mid[strings.Index(mid, " : C")+3:]
	ann = ann[:2]
	for _, e := range []edit{
		{"a line at the top moves every line", text[:20], "// top\n", 0},
		{"a character in a stream moves one line's columns", stream, "X", 0},
		{"deleting it moves them back", "X" + stream, "", 1},
		{"an annotation flipped moves no position", " : " + ann, " : " + map[string]string{"CR": "CW", "CW": "CR"}[ann], len(" : " + ann)},
		{"a line removed in the middle", stream + "\n", "", len(stream) + 1},
	} {
		l, col := at(e.anchor)
		endL, endCol := l, col+e.del
		if e.del > 0 && strings.Contains(e.anchor[:e.del], "\n") {
			endL, endCol = l+1, 0
		}
		v := c.change("g.blazes", []int{l, col, endL, endCol}, e.insert)
		off := strings.Index(text, e.anchor)
		text = text[:off] + e.insert + text[off+e.del:]
		got := c.waitDiags("g.blazes", atVersion(v))

		cold := analysis.NewSession(path).Update(analysis.Options{FS: mapFS{path: []byte(text)}})
		sn := &snapshot{ok: true, docs: cold.Docs}
		var want []protocol.Diagnostic
		for _, d := range cold.Diagnostics {
			if d.File == path {
				want = append(want, (&Server{}).toDiagnostic(sn, d))
			}
		}
		a, _ := json.Marshal(got.Diagnostics)
		b, _ := json.Marshal(want)
		if string(a) != string(b) {
			t.Fatalf("%s: published diagnostics differ from a cold analysis:\n%s", e.what, firstDiffJSON(got.Diagnostics, want))
		}
	}
}

func firstDiffJSON(a, b []protocol.Diagnostic) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, _ := json.Marshal(a[i])
		y, _ := json.Marshal(b[i])
		if string(x) != string(y) {
			return "published: " + string(x) + "\ncold:      " + string(y)
		}
	}
	return "lengths differ"
}
