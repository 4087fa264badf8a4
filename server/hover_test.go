package server

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

func TestHover(t *testing.T) {
	c := openWC(t, testOpts{})
	cases := []struct {
		needle string
		want   []string
	}{
		{"Count {", []string{"**component** `Count`", "state", "Run", "Derivation"}},
		{"OW[word", []string{"**path**", "Taint", "order-sensitive write", "Run"}},
		{"counts -> db", []string{"input", "Commit.counts", "Run"}},
		{"tweets(tweet, batch)\n\ncomponent", []string{"**source** `tweets`", "Async", "deterministic contents"}},
		{"stream Splitter.words", []string{"**stream**", "Splitter.words -> Count.words"}},
		{"batch]", []string{"**attribute** `batch`", "gate"}},
	}
	for _, tc := range cases {
		var h protocol.Hover
		c.call("textDocument/hover", at(c, tc.needle, 1), &h)
		if h.Contents.Kind != protocol.Markdown {
			t.Errorf("%q: kind %q", tc.needle, h.Contents.Kind)
		}
		for _, w := range tc.want {
			if !strings.Contains(h.Contents.Value, w) {
				t.Errorf("hover at %q lacks %q:\n%s", tc.needle, w, h.Contents.Value)
			}
		}
	}
}
