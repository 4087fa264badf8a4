package grammar

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// Tests of the constructs of contract v2: window(t) gate terms, CW[g], and
// the stream attributes watermark(t), order(k), partition(k), shuffle.

const v2Example = `source clicks(user, ts) watermark(ts) partition(user)

component Count {
  in  clicks(user, ts)
  clicks -> counts : OW[user, window(ts)]
  clicks -> seen : CW[user]
  clicks -> all : CW
}

stream clicks -> Count.clicks partition(user) order(user) shuffle order() order
`

// text returns the source text r covers.
func text(src string, r Range) string { return src[r.Start:r.End] }

func TestParseV2(t *testing.T) {
	watchDisagreement(t)
	f := Parse("v2", []byte(v2Example))
	if len(f.Errors) > 0 {
		t.Fatalf("errors: %v", f.Errors[0].Msg)
	}
	checkRanges(t, f)
	src := f.Decls[0].(*Source)
	if len(src.Attrs) != 2 {
		t.Fatalf("source attrs %+v", src.Attrs)
	}
	wm := src.Attrs[0]
	if wm.Kind != AttrWatermark || !wm.Parens || len(wm.Keys) != 1 || text(v2Example, wm.Range) != "watermark(ts)" ||
		text(v2Example, wm.Keys[0].Range) != "ts" || text(v2Example, wm.Word()) != "watermark" {
		t.Errorf("watermark %+v", wm)
	}
	if p := src.Attrs[1]; p.Kind != AttrPartition || text(v2Example, p.Range) != "partition(user)" || p.Keys[0].Name != "user" {
		t.Errorf("partition %+v", p)
	}
	if got := text(v2Example, src.Range); got != "source clicks(user, ts) watermark(ts) partition(user)" {
		t.Errorf("source range covers %q", got)
	}

	c := f.Decls[1].(*Component)
	ow := c.Members[1].(*Path).Ann
	if ow.Kind != OW || len(ow.Gate) != 2 || text(v2Example, ow.Range) != "OW[user, window(ts)]" {
		t.Fatalf("OW %+v", ow)
	}
	if g := ow.Gate[0]; g.Window || g.Attr.Name != "user" || text(v2Example, g.Range) != "user" || g.Word() != (Range{}) {
		t.Errorf("plain term %+v", g)
	}
	if g := ow.Gate[1]; !g.Window || g.Attr.Name != "ts" || text(v2Example, g.Range) != "window(ts)" ||
		text(v2Example, g.Attr.Range) != "ts" || text(v2Example, g.Word()) != "window" || g.String() != "window(ts)" {
		t.Errorf("window term %+v", g)
	}
	if names := ow.GateAttrs(); len(names) != 2 || names[0].Name != "user" || names[1].Name != "ts" {
		t.Errorf("GateAttrs %v", names)
	}
	cw := c.Members[2].(*Path).Ann
	if cw.Kind != CW || !cw.Brackets || len(cw.Gate) != 1 || text(v2Example, cw.Range) != "CW[user]" {
		t.Errorf("CW[user] %+v", cw)
	}
	if bare := c.Members[3].(*Path).Ann; bare.Kind != CW || bare.Brackets || len(bare.Gate) != 0 || text(v2Example, bare.Range) != "CW" {
		t.Errorf("CW %+v", bare)
	}

	st := f.Decls[2].(*Stream)
	want := []struct {
		kind   AttrKind
		text   string
		keys   []string
		parens bool
	}{
		{AttrPartition, "partition(user)", []string{"user"}, true},
		{AttrOrder, "order(user)", []string{"user"}, true},
		{AttrShuffle, "shuffle", nil, false},
		{AttrOrder, "order()", nil, true},
		{AttrOrder, "order", nil, false},
	}
	if len(st.Attrs) != len(want) {
		t.Fatalf("stream attrs %d, want %d", len(st.Attrs), len(want))
	}
	for i, w := range want {
		a := st.Attrs[i]
		var keys []string
		for _, k := range a.Keys {
			keys = append(keys, k.Name)
			if text(v2Example, k.Range) != k.Name {
				t.Errorf("key %q has range covering %q", k.Name, text(v2Example, k.Range))
			}
		}
		if a.Kind != w.kind || text(v2Example, a.Range) != w.text || !reflect.DeepEqual(keys, w.keys) || a.Parens != w.parens ||
			text(v2Example, a.Word()) != w.kind.String() {
			t.Errorf("attr %d: %v %q keys %v parens %v, want %v %q %v %v", i, a.Kind, text(v2Example, a.Range), keys, a.Parens, w.kind, w.text, w.keys, w.parens)
		}
	}
	if !strings.HasSuffix(text(v2Example, st.Range), "shuffle order() order") {
		t.Errorf("stream range covers %q", text(v2Example, st.Range))
	}
}

// renameContextual replaces each contextual word by a name of the same
// length that is no word of the language, so that ranges stay the same.
var contextualStandIns = map[string]string{"window": "wXndow", "partition": "pXrtition", "shuffle": "sXuffle", "watermark": "wXtermark"}

func renameContextual(s string) string {
	for w, r := range contextualStandIns {
		s = regexp.MustCompile(`\b`+w+`\b`).ReplaceAllString(s, r)
	}
	return s
}

// restoreNames undoes renameContextual in the names of f's AST.
func restoreNames(f *File) {
	back := map[string]string{}
	for w, r := range contextualStandIns {
		back[r] = w
	}
	walk(f, func(n Node) {
		if id, ok := n.(*Ident); ok {
			if w, ok := back[id.Name]; ok {
				id.Name = w
			}
		}
	})
	if f.Dataflow != nil {
		if w, ok := back[f.Dataflow.Name]; ok {
			f.Dataflow.Name = w
		}
	}
}

// declsOf is f's declarations and imports, for comparing two parses.
func declsOf(f *File) []any {
	return []any{f.Dataflow, f.Imports, f.Decls, len(f.Errors)}
}

// TestContextualWordsAsNames: files that use watermark, partition, shuffle
// and window as names parse exactly as the same files with other names: a
// contextual word is a keyword only where the grammar places an attribute
// or a gate term.
func TestContextualWordsAsNames(t *testing.T) {
	watchDisagreement(t)
	srcs := map[string]string{
		"every name": `dataflow window
source watermark(window, partition) seal(window)
source shuffle
sink partition(shuffle, watermark)
component shuffle {
  in  partition(window, watermark)
  out window(shuffle)
  partition -> window : OR[window, shuffle, watermark, partition]
  watermark -> shuffle : OW[window]
  window -> partition : CW[partition]
}
stream watermark -> shuffle.partition seal(partition) order(window)
stream shuffle.window -> partition
stream shuffle -> window.watermark order(shuffle, watermark)
`,
	}
	paper, err := os.ReadFile("../testdata/paper/adtrack/window.blazes")
	if err != nil {
		t.Fatal(err)
	}
	srcs["paper window.blazes"] = string(paper)
	for name, src := range srcs {
		t.Run(name, func(t *testing.T) {
			f := Parse(name, []byte(src))
			if len(f.Errors) > 0 {
				t.Fatalf("errors: %s", f.Errors[0].Msg)
			}
			g := Parse(name, []byte(renameContextual(src)))
			restoreNames(g)
			if !reflect.DeepEqual(declsOf(f), declsOf(g)) {
				t.Errorf("the file parses differently from the same file with other names:\n%s\n%s", snapshot(f), snapshot(g))
			}
			checkFormat(t, name, []byte(src))
		})
	}
	// The paper's OR[id, window] is two plain attributes.
	f := Parse("paper", paper)
	for _, d := range f.Decls {
		c, ok := d.(*Component)
		if !ok {
			continue
		}
		for _, m := range c.Members {
			if p, ok := m.(*Path); ok && p.Ann.Kind == OR {
				if len(p.Ann.Gate) != 2 || p.Ann.Gate[1].Window || p.Ann.Gate[1].Attr.Name != "window" {
					t.Errorf("OR[id, window]: %+v", p.Ann.Gate)
				}
			}
		}
	}
	// Both meanings side by side: a contextual word as a name where a key
	// or a gate term is expected, and as a keyword. window(window) is a
	// window term over the attribute named window.
	mixed := "component C { a -> b : OR[id, window, window(window)] }\nstream partition -> C.a partition(partition, shuffle) shuffle watermark(watermark)\n"
	g := Parse("gate", []byte(mixed))
	if len(g.Errors) > 0 {
		t.Fatal(g.Errors[0].Msg)
	}
	checkFormat(t, "mixed", []byte(mixed))
	st := g.Decls[1].(*Stream)
	if st.From.Name.Name != "partition" || len(st.Attrs) != 3 || st.Attrs[0].Kind != AttrPartition || st.Attrs[0].Keys[0].Name != "partition" ||
		st.Attrs[0].Keys[1].Name != "shuffle" || st.Attrs[1].Kind != AttrShuffle || st.Attrs[2].Kind != AttrWatermark || st.Attrs[2].Keys[0].Name != "watermark" {
		t.Errorf("mixed stream %+v", st)
	}
	terms := g.Decls[0].(*Component).Members[0].(*Path).Ann.Gate
	if len(terms) != 3 || terms[1].Window || terms[1].Attr.Name != "window" || !terms[2].Window || terms[2].Attr.Name != "window" ||
		GateKey(terms) != "id,window,window(window)" {
		t.Errorf("terms %+v, key %q", terms, GateKey(terms))
	}
}

// TestStrayIdentifier: after a stream's endpoints an identifier can only
// be an attribute; an unknown one is an error on that identifier, and the
// declarations after it still parse.
func TestStrayIdentifier(t *testing.T) {
	watchDisagreement(t)
	src := "stream a -> B.x shuffle\n  foo\nsource s watermark(ts)\nstream c -> D.y partition(k)\n"
	f := Parse("stray", []byte(src))
	if len(f.Errors) != 1 {
		t.Fatalf("errors %v", f.Errors)
	}
	e := f.Errors[0]
	if text(src, e.Range) != "foo" || !strings.Contains(e.Msg, "expected a stream attribute (seal(...), watermark(...), rep, order, partition(...), shuffle) or a new declaration after the stream but found 'foo'") {
		t.Errorf("error %q at %q", e.Msg, text(src, e.Range))
	}
	if len(f.Decls) != 3 {
		t.Fatalf("decls %d", len(f.Decls))
	}
	st := f.Decls[0].(*Stream)
	if !st.Broken || len(st.Attrs) != 1 || st.Attrs[0].Kind != AttrShuffle {
		t.Errorf("broken stream %+v", st)
	}
	if s := f.Decls[1].(*Source); s.Broken || s.Attrs[0].Kind != AttrWatermark {
		t.Errorf("source %+v", s)
	}
	if s := f.Decls[2].(*Stream); s.Broken || s.Attrs[0].Kind != AttrPartition {
		t.Errorf("stream %+v", s)
	}
	// A half-typed attribute keeps the attributes before it.
	f = Parse("half", []byte("stream a -> B.x watermark(ts) partition(\n"))
	if st := f.Decls[0].(*Stream); !st.Broken || len(st.Attrs) != 1 || st.Attrs[0].Kind != AttrWatermark {
		t.Errorf("half-typed: %+v", f.Decls[0])
	}
}

func TestGateKey(t *testing.T) {
	for src, want := range map[string]string{
		"OR":                                "",
		"OR[]":                              "",
		"OR[b, a]":                          "a,b",
		"OW[window(t), a]":                  "a,window(t)",
		"OW[window(u), b, window(t), a, b]": "a,b,window(t),window(u)",
		"OW[window(t)]":                     "window(t)",
		"CW[k, window(t), window(t)]":       "k,window(t)",
		"OR[window, window(window), id]":    "id,window,window(window)",
	} {
		f := Parse("g", []byte("component C { a -> b : "+src+" }"))
		if len(f.Errors) > 0 {
			t.Fatalf("%s: %s", src, f.Errors[0].Msg)
		}
		if got := GateKey(f.Decls[0].(*Component).Members[0].(*Path).Ann.Gate); got != want {
			t.Errorf("GateKey(%s) = %q, want %q", src, got, want)
		}
	}
}

func TestCheckAttrs(t *testing.T) {
	tests := []struct {
		src  string // a stream's attributes
		sink string
		want []string // "kind at text: message part"
	}{
		{"seal(k) rep order", "", nil},
		{"watermark(ts) partition(k) order(k)", "", nil},
		{"seal(k) watermark(ts)", "", []string{"2 watermark(ts): seal(k) and watermark(ts) on one declaration"}},
		{"watermark(ts) seal(k) seal(j)", "", []string{"2 seal(k): watermark(ts) and seal(k)", "1 seal(j): seal is written twice"}},
		{"shuffle partition(k)", "", []string{"2 partition(k): shuffle and partition(k) on one declaration: both choose the instance"}},
		{"order order(k)", "", []string{"1 order(k): order is written twice"}},
		{"shuffle shuffle", "", []string{"1 shuffle: shuffle is written twice"}},
		{"partition(k) order(k)", "db", []string{"3 partition(k): partition(k) on a stream into sink db: a sink is outside the dataflow"}},
		{"shuffle order", "db", []string{"3 shuffle: shuffle on a stream into sink db"}},
		{"order rep seal(k)", "db", nil},
	}
	for _, tc := range tests {
		src := "stream a -> B.x " + tc.src
		f := Parse("t", []byte(src))
		if len(f.Errors) > 0 {
			t.Fatalf("%s: %s", src, f.Errors[0].Msg)
		}
		var got []string
		for _, p := range CheckAttrs(f.Decls[0].(*Stream).Attrs, tc.sink) {
			got = append(got, p.Msg)
			_ = p
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %q, want %d problems", tc.src, got, len(tc.want))
			continue
		}
		for i, p := range CheckAttrs(f.Decls[0].(*Stream).Attrs, tc.sink) {
			w := tc.want[i]
			kind, rest, _ := strings.Cut(w, " ")
			at, msg, _ := strings.Cut(rest, ": ")
			if string('0'+rune(p.Kind)) != kind || text(src, p.Range) != at || !strings.Contains(p.Msg, msg) {
				t.Errorf("%s: problem %d is %d at %q: %q, want %s", tc.src, i, p.Kind, text(src, p.Range), p.Msg, w)
			}
		}
	}
}

func TestFormatV2(t *testing.T) {
	src := "source clicks(user,ts)  partition( user )order  watermark(ts)\n" +
		"component Count{clicks->counts:OW[ user ,window( ts )]\nclicks->seen:CW[user] clicks->all:CW[]}\n" +
		"stream clicks->Count.clicks order(user)shuffle rep seal(user)\n" +
		"stream Count.counts -> db order( ) // comment\n"
	want := `source clicks(user, ts) watermark(ts) partition(user) order

component Count {
  clicks -> counts : OW[user, window(ts)]
  clicks -> seen : CW[user]
  clicks -> all : CW[]
}

stream clicks -> Count.clicks seal(user) rep shuffle order(user)
stream Count.counts -> db order() // comment
`
	if got := string(checkFormat(t, "v2", []byte(src))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// A comment inside the attributes moves before the declaration; the
	// attributes of one rank keep their order (here the conflicting seal
	// and watermark, an error for the analysis, not for the formatter).
	src = "stream a -> B.x order /* o */ watermark(t) rep seal(k)\n"
	want = "/* o */\nstream a -> B.x watermark(t) seal(k) rep order\n"
	if got := string(checkFormat(t, "v2-comment", []byte(src))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWordDocs(t *testing.T) {
	for _, w := range []string{"seal", "watermark", "order", "partition", "shuffle", "window", "rep"} {
		d := Word(w)
		if d == nil {
			t.Fatalf("no documentation for %s", w)
		}
		if d.Word != w || d.Syntax == "" || d.Meaning == "" || d.Storm == "" || d.Flink == "" || d.Kafka == "" || d.Beam == "" {
			t.Errorf("%s: incomplete %+v", w, d)
		}
		md := d.Markdown()
		for _, s := range []string{d.Syntax, "Storm: ", "Flink: ", "Kafka Streams: ", "Beam: "} {
			if !strings.Contains(md, s) {
				t.Errorf("%s: markdown lacks %q:\n%s", w, s, md)
			}
		}
	}
	if Word("stream") != nil || Word("window_") != nil {
		t.Error("documentation for a word that has none")
	}
	if !strings.Contains(Word("partition").Storm, `fieldsGrouping("producer", new Fields("k"))`) || !strings.Contains(Word("partition").Flink, "keyBy") ||
		!strings.Contains(Word("shuffle").Storm, "shuffleGrouping") || !strings.Contains(Word("shuffle").Flink, "rebalance") ||
		!strings.Contains(Word("watermark").Flink, "WatermarkStrategy") || !strings.Contains(Word("watermark").Storm, "withLag") {
		t.Error("the engine correspondences are missing")
	}
}

// TestWordAt: the words of the language are found only in keyword
// position; the same letters used as names are not words.
func TestWordAt(t *testing.T) {
	src := "source window(ts) watermark(ts) rep\n" +
		"component shuffle { partition -> b : OW[window, window(ts)] }\n" +
		"stream window -> shuffle.partition partition(shuffle) shuffle order(k) seal(watermark)\n"
	f := Parse("w", []byte(src))
	if len(f.Errors) > 0 {
		t.Fatal(f.Errors[0].Msg)
	}
	at := func(s string, nth int) Pos { // offset inside the nth occurrence of s
		i := -1
		for ; nth >= 0; nth-- {
			i += 1 + strings.Index(src[i+1:], s)
		}
		return Pos(i + 1)
	}
	for _, tc := range []struct {
		s    string
		nth  int
		want string
	}{
		{"window", 0, ""}, // a source named window
		{"watermark", 0, "watermark"},
		{"rep", 0, "rep"},
		{"shuffle", 0, ""},   // a component
		{"partition", 0, ""}, // an input
		{"window", 1, ""},    // an attribute named window
		{"window", 2, "window"},
		{"window", 3, ""},    // the stream's producer
		{"shuffle", 1, ""},   // an endpoint
		{"partition", 1, ""}, // an interface
		{"partition", 2, "partition"},
		{"shuffle", 2, ""}, // a partition key
		{"shuffle", 3, "shuffle"},
		{"order", 0, "order"},
		{"seal", 0, "seal"},
		{"watermark", 1, ""}, // a seal key
	} {
		w, r := WordAt(f, at(tc.s, tc.nth))
		if w != tc.want || (w != "" && text(src, r) != w) {
			t.Errorf("%s #%d: WordAt = %q at %q, want %q", tc.s, tc.nth, w, text(src, r), tc.want)
		}
	}
	var kw []string
	for _, r := range ContextualKeywords(f) {
		kw = append(kw, fmt.Sprintf("%d:%s", r.Start, text(src, r)))
	}
	want := []string{
		fmt.Sprintf("%d:watermark", at("watermark", 0)-1), fmt.Sprintf("%d:window", at("window", 2)-1),
		fmt.Sprintf("%d:partition", at("partition", 2)-1), fmt.Sprintf("%d:shuffle", at("shuffle", 3)-1),
	}
	if !reflect.DeepEqual(kw, want) {
		t.Errorf("ContextualKeywords = %v, want %v", kw, want)
	}
}
