package importer

import (
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/grammar"
)

func sample() *Model {
	return &Model{
		Name: "word-count",
		Doc:  []string{"imported from a test", "second line"},
		Sources: []Source{
			{Name: "spout-1", Schema: []string{"word", "word", "ts"}, Attrs: []Attr{{Kind: grammar.AttrOrder}, {Kind: grammar.AttrWatermark, Keys: []string{"ts"}}}, Doc: []string{"spout spout-1"}},
			{Name: "spout_1", Doc: []string{"clashes with spout-1 once sanitized"}},
		},
		Sinks: []Sink{{Name: "log", Doc: []string{"TODO: check\nsplit line"}}},
		Components: []Component{{
			Name:    "count",
			Doc:     []string{"bolt count"},
			Inputs:  []Iface{{Name: "in-1", Schema: []string{"word"}}},
			Outputs: []Iface{{Name: "result"}},
			Paths: []Path{
				{From: "in-1", To: "result", Ann: grammar.OW, Gate: []GateTerm{{Attr: "word"}, {Attr: "ts", Window: true}}, Doc: []string{"per word"}},
				{From: "in-2", To: "result", Ann: grammar.OR, Brackets: true},
				{From: "in-3", To: "result", Ann: grammar.CR, Brackets: true, Gate: []GateTerm{{Attr: "x"}}},
			},
		}},
		Streams: []Stream{
			{From: Endpoint{Iface: "spout-1"}, To: Endpoint{Comp: "count", Iface: "in-1"}, Attrs: []Attr{{Kind: grammar.AttrOrder, Keys: []string{"word"}}, {Kind: grammar.AttrPartition, Keys: []string{"word"}}}},
			{From: Endpoint{Iface: "spout_1"}, To: Endpoint{Comp: "count", Iface: "in-2"}, Attrs: []Attr{{Kind: grammar.AttrShuffle}}, Doc: []string{"shuffled"}},
			{From: Endpoint{Iface: "spout_1"}, To: Endpoint{Comp: "count", Iface: "in-3"}},
			{From: Endpoint{Comp: "count", Iface: "result"}, To: Endpoint{Iface: "log"}},
		},
	}
}

const sampleWant = `// imported from a test
// second line

dataflow word_count

// spout spout-1
source spout_1(word, ts) watermark(ts) order
// clashes with spout-1 once sanitized
source spout_1_2

// TODO: check
// split line
sink log

// bolt count
component count {
  in  in_1(word)
  out result
  // per word
  in_1 -> result : OW[word, window(ts)]
  in_2 -> result : OR[]
  in_3 -> result : CR
}

stream spout_1 -> count.in_1 partition(word) order(word)
// shuffled
stream spout_1_2 -> count.in_2 shuffle
stream spout_1_2 -> count.in_3
stream count.result -> log
`

func TestPrint(t *testing.T) {
	got, err := Print(sample())
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != sampleWant {
		t.Fatalf("Print:\n%s\nwant:\n%s", got, sampleWant)
	}
	// Stable: formatting the printed text again changes nothing.
	f := grammar.Parse("x.blazes", got)
	if len(f.Errors) > 0 {
		t.Fatalf("printed model does not parse: %v", f.Errors[0])
	}
	again, err := grammar.Format(f)
	if err != nil || string(again) != string(got) {
		t.Fatalf("format of the printed model differs (%v):\n%s", err, again)
	}
}

func TestPrintKeywordNamesAndEmpty(t *testing.T) {
	m := &Model{Sources: []Source{{Name: "stream"}, {Name: "9lives"}, {Name: ""}}}
	got, err := Print(m)
	if err != nil {
		t.Fatal(err)
	}
	want := "source stream_\nsource _9lives\nsource _\n"
	if string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestBuildRejectsWhatDoesNotParse(t *testing.T) {
	// A partition without keys cannot be written: Build says which line.
	m := &Model{Sources: []Source{{Name: "a"}}, Sinks: []Sink{{Name: "b"}},
		Streams: []Stream{{From: Endpoint{Iface: "a"}, To: Endpoint{Iface: "b"}, Attrs: []Attr{{Kind: grammar.AttrPartition}}}}}
	_, err := Print(m)
	if err == nil || !strings.Contains(err.Error(), "line ") {
		t.Fatalf("want a parse error naming the line, got %v", err)
	}
}
