package server

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// The words of contract v2 in the editor: hover documents them, completion
// offers them only where the grammar allows them, semantic tokens colour
// them as keywords only in keyword position. All over real JSON-RPC.

// v2Text uses every new construct, and the contextual words as names too:
// a component named shuffle with an input named partition.
const v2Text = `source clicks(user, ts, ad) watermark(ts)

component shuffle {
  in  partition(user, ts, ad)
  partition -> counts : OW[user, window(ts)]
  partition -> seen : CW[ad]
}

stream clicks -> shuffle.partition partition(user) order(user)
stream shuffle.counts -> db shuffle
`

func openV2(t *testing.T) *client {
	c := newClient(t, testOpts{})
	c.open("v2.blazes", v2Text)
	c.waitDiags("v2.blazes", atVersion(1))
	return c
}

func hoverAt(t *testing.T, c *client, text, needle string, delta int) string {
	t.Helper()
	l, col := lineOf(text, needle)
	var h protocol.Hover
	c.call("textDocument/hover", docPos(c.uri("v2.blazes"), l, col+delta), &h)
	return h.Contents.Value
}

func TestHoverWords(t *testing.T) {
	c := openV2(t)
	cases := []struct {
		needle string
		delta  int
		want   []string
		not    []string
	}{
		{"watermark(ts)", 2, []string{"`watermark(t)`", "seal(t)", "WatermarkStrategy", "withTimestampField", "withLag", "grace", "Beam: "}, nil},
		{"partition(user) order", 3, []string{"`partition(k, ...)`", `fieldsGrouping("producer", new Fields("k"))`, "keyBy", "the topic keyed by k", "GroupByKey"}, nil},
		{"order(user)", 1, []string{"`order(k, ...) / order`", "one task per partition", "single-partition topic"}, nil},
		{"db shuffle", 4, []string{"`shuffle`", "shuffleGrouping", "rebalance()", "round-robin", "Reshuffle"}, nil},
		{"window(ts)", 1, []string{"`window(t)", "TumblingEventTimeWindows", "windowedBy", "withTumblingWindow", "FixedWindows"}, nil},
		// A stream lists its attributes.
		{"stream clicks", 1, []string{"**stream** `clicks -> shuffle.partition` `partition(user) order(user)`"}, nil},
		// The same letters used as names are not the words.
		{"shuffle {", 1, []string{"**component** `shuffle`"}, []string{"shuffleGrouping"}},
		{"partition(user, ts, ad)", 1, []string{"partition"}, []string{"fieldsGrouping"}},
		// A key of partition(...) is an attribute, not a seal key.
		{"user) order", 1, []string{"**attribute** `user`", "the key of `partition(user)`"}, []string{"seal(", "fieldsGrouping"}},
	}
	for _, tc := range cases {
		h := hoverAt(t, c, v2Text, tc.needle, tc.delta)
		for _, w := range tc.want {
			if !strings.Contains(h, w) {
				t.Errorf("hover at %q lacks %q:\n%s", tc.needle, w, h)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(h, w) {
				t.Errorf("hover at %q has %q:\n%s", tc.needle, w, h)
			}
		}
	}
	// seal, in a v1 file.
	c.open("wc.blazes", wordcountUnsealed+"\nstream Count.counts -> db seal(word)\n")
	c.waitDiags("wc.blazes", atVersion(1))
	l, col := lineOf(wordcountUnsealed+"\nstream Count.counts -> db seal(word)\n", "seal(word)")
	var h protocol.Hover
	c.call("textDocument/hover", docPos(c.uri("wc.blazes"), l, col+1), &h)
	if !strings.Contains(h.Contents.Value, "Trident batch id") || !strings.Contains(h.Contents.Value, "punctuates") {
		t.Errorf("hover on seal:\n%s", h.Contents.Value)
	}
}

func TestCompletionWords(t *testing.T) {
	text := "source clicks(user, ts) \n" +
		"component C {\n  in  rec(user, ts)\n  rec -> res : OW[]\n  rec -> out : OW[user, window(), ]\n  \n}\n" +
		"stream clicks -> C.rec \n" +
		"stream C.res -> db \n" +
		"stream clicks -> C.rec partition()\n"
	c := newClient(t, testOpts{})
	c.open("c.blazes", text)
	c.waitDiags("c.blazes", atVersion(1))
	words := []string{"watermark", "partition", "shuffle"}
	set := func(got []string) map[string]bool {
		m := map[string]bool{}
		for _, g := range got {
			m[g] = true
		}
		return m
	}
	check := func(what string, got []string, want, not []string) {
		t.Helper()
		m := set(got)
		for _, w := range want {
			if !m[w] {
				t.Errorf("%s: completion %v lacks %q", what, got, w)
			}
		}
		for _, w := range not {
			if m[w] {
				t.Errorf("%s: completion %v offers %q", what, got, w)
			}
		}
	}
	// After a stream's endpoints and after a source: every attribute.
	check("after a stream", complete(t, c, "c.blazes", text, "C.rec \n", 6), append([]string{"seal", "rep", "order"}, words...), []string{"window"})
	check("after a stream into a sink", complete(t, c, "c.blazes", text, "db \n", 3), []string{"seal", "rep", "order", "watermark"}, []string{"partition", "shuffle", "window"})
	check("after a source", complete(t, c, "c.blazes", text, "ts) \n", 4), append([]string{"seal", "order"}, words...), []string{"window"})
	// In a gate: the input's attributes and window; inside window(): attributes only.
	check("in a gate", complete(t, c, "c.blazes", text, "OW[]", 3), []string{"user", "ts", "window"}, words)
	check("inside window()", complete(t, c, "c.blazes", text, "window(), ]", 7), []string{"user", "ts"}, append([]string{"window"}, words...))
	check("after a window term", complete(t, c, "c.blazes", text, "window(), ]", 10), []string{"user", "ts", "window"}, words)
	// In a component body: members, never the stream words.
	check("in a body", complete(t, c, "c.blazes", text, "  \n}", 2), []string{"in", "out"}, append([]string{"window"}, words...))
	// Inside partition(): the stream's attributes.
	check("inside partition()", complete(t, c, "c.blazes", text, "partition()", 10), []string{"user", "ts"}, words)
}

func TestSemanticTokensWords(t *testing.T) {
	c := openV2(t)
	var toks protocol.SemanticTokens
	c.call("textDocument/semanticTokens/full", map[string]any{"textDocument": map[string]any{"uri": c.uri("v2.blazes")}}, &toks)
	// Decode to (line, col, len) -> type.
	type key struct{ line, col int }
	types := map[key]uint32{}
	line, col := 0, 0
	for i := 0; i+5 <= len(toks.Data); i += 5 {
		if toks.Data[i] > 0 {
			col = 0
		}
		line += int(toks.Data[i])
		col += int(toks.Data[i+1])
		types[key{line, col}] = toks.Data[i+3]
	}
	typeAt := func(needle string, delta int) (uint32, bool) {
		l, c := lineOf(v2Text, needle)
		ty, ok := types[key{l, c + delta}]
		return ty, ok
	}
	for _, tc := range []struct {
		needle string
		delta  int
		want   uint32 // 0 keyword, 1 component, 2 interface
	}{
		{"watermark(ts)", 0, 0},
		{"window(ts)", 0, 0},
		{"partition(user) order", 0, 0},
		{"shuffle\n", 0, 0},
		{"order(user)", 0, 0},
		{"shuffle {", 0, 1},               // a component named shuffle
		{"partition(user, ts, ad)", 0, 2}, // an input named partition
		{"partition -> counts", 0, 2},     // the same input in a path
		{"shuffle.partition", 0, 1},       // the component in a stream
		{"shuffle.partition", len("shuffle."), 2},
	} {
		ty, ok := typeAt(tc.needle, tc.delta)
		if !ok || ty != tc.want {
			t.Errorf("token at %q+%d: type %d (present %v), want %d", tc.needle, tc.delta, ty, ok, tc.want)
		}
	}
}

// TestDiagnosticsV2Mistakes: the new mistakes reach the editor with their
// codes, at the attribute at fault.
func TestDiagnosticsV2Mistakes(t *testing.T) {
	text := "source clicks(user, ts) seal(user) watermark(ts)\n" +
		"sink db\n" +
		"component C {\n  in  rec(user, ts)\n  rec -> res : OW[user, window(day)]\n}\n" +
		"stream clicks -> C.rec partition(user) shuffle\n" +
		"stream C.res -> db partition(user)\n" +
		"stream C.res -> C.rec partition()\n"
	c := newClient(t, testOpts{})
	c.open("m.blazes", text)
	p := c.waitDiags("m.blazes", atVersion(1))
	want := map[string]string{ // code -> the text its range covers
		"BLZ000": ")",
		"BLZ111": "watermark(ts)",
		"BLZ103": "day",
		"BLZ112": "partition(user)",
	}
	found := map[string]bool{}
	lines := strings.Split(text, "\n")
	for _, d := range p.Diagnostics {
		code, _ := d.Code.(string)
		w, ok := want[code]
		if !ok {
			continue
		}
		r := d.Range
		if r.Start.Line != r.End.Line {
			t.Errorf("%s spans lines: %+v", code, r)
			continue
		}
		got := lines[r.Start.Line][r.Start.Character:r.End.Character]
		if got == w {
			found[code] = true
		}
	}
	for code, w := range want {
		if !found[code] {
			t.Errorf("no %s on %q among %s", code, w, mustJSON(p.Diagnostics))
		}
	}
	// shuffle with partition on one stream is the second BLZ111.
	n := 0
	for _, d := range p.Diagnostics {
		if d.Code == "BLZ111" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d BLZ111, want 2: %s", n, mustJSON(p.Diagnostics))
	}
}
