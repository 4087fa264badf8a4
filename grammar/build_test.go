package grammar

import (
	"strings"
	"testing"
)

func TestBuildRendersWithTheFormattersRules(t *testing.T) {
	id := func(s string) *Ident { return &Ident{Name: s} }
	src := &Source{Name: id("tweets"), Schema: &Schema{Attrs: []*Ident{id("tweet"), id("batch")}},
		Attrs: []*StreamAttr{{Kind: AttrOrder}, {Kind: AttrSeal, Keys: []*Ident{id("batch")}, Parens: true}}}
	path := &Path{From: id("words"), To: id("counts"), Ann: &Annotation{Kind: OW, Brackets: true,
		Gate: []*GateTerm{{Attr: id("word")}, {Attr: id("ts"), Window: true}}}}
	comp := &Component{Name: id("Count"), Members: []Member{
		&Interface{Dir: In, Name: id("words"), Schema: &Schema{Attrs: []*Ident{id("word"), id("ts")}}},
		path,
	}}
	st := &Stream{From: &Endpoint{Name: id("tweets")}, To: &Endpoint{Name: id("Count"), Iface: id("words")},
		Attrs: []*StreamAttr{{Kind: AttrPartition, Keys: []*Ident{id("word")}, Parens: true}}}
	f, err := Build(Synth{
		Name:     "b.blazes",
		Header:   []string{"made by a test", "  indented\ntwo lines", ""},
		Dataflow: "wc",
		Decls:    []Decl{src, comp, st},
		Docs:     map[Node][]string{src: {"the spout"}, path: {"TODO: decide"}, st: {"keyed"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Decls) != 3 || f.Decls[0].Span().End == 0 || len(f.Comments) != 7 {
		t.Fatalf("the built file has no ranges or comments: %d decls, %d comments", len(f.Decls), len(f.Comments))
	}
	got, err := Format(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `// made by a test
//  indented
// two lines
//

dataflow wc

// the spout
source tweets(tweet, batch) seal(batch) order

component Count {
  in  words(word, ts)
  // TODO: decide
  words -> counts : OW[word, window(ts)]
}

// keyed
stream tweets -> Count.words partition(word)
`
	if string(got) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	again, err := Format(Parse("x", got))
	if err != nil || string(again) != want {
		t.Fatalf("not a fixed point of Format: %v\n%s", err, again)
	}
}

func TestBuildRefusesWhatDoesNotParse(t *testing.T) {
	for name, d := range map[string]Decl{
		"bad identifier": &Sink{Name: &Ident{Name: "split-bolt"}},
		"keyword":        &Sink{Name: &Ident{Name: "stream"}},
		"empty partition": &Stream{From: &Endpoint{Name: &Ident{Name: "a"}}, To: &Endpoint{Name: &Ident{Name: "b"}},
			Attrs: []*StreamAttr{{Kind: AttrPartition, Parens: true}}},
	} {
		_, err := Build(Synth{Name: "x.blazes", Decls: []Decl{d}})
		if err == nil || !strings.Contains(err.Error(), "x.blazes: line 1 does not parse") {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := Build(Synth{Name: "x.blazes", Decls: []Decl{nil}}); err == nil {
		t.Errorf("a nil declaration: want an error")
	}
}

func TestBuildCommentsStayComments(t *testing.T) {
	s := &Sink{Name: &Ident{Name: "s"}}
	f, err := Build(Synth{Name: "x.blazes", Decls: []Decl{s}, Docs: map[Node][]string{s: {"a\x00b\rc\xff\u2028d\te "}}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := Format(f)
	if want := "// a b c\uFFFD d\te\nsink s\n"; string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
