package witness

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The differing part of the word count's witness: Count, whose counts
// differ, and the stream carrying them to Commit; not Splitter, whose
// words are the same in both runs.
func TestDifferingWordCount(t *testing.T) {
	p := load(t, "../testdata/paper/wordcount.blazes")
	w := Find(p, Targets(p)[0], Options{}).Witness
	if w == nil {
		t.Fatal("no witness")
	}
	want := Differing{
		Components: []string{"Count"},
		Interfaces: []string{"Count.counts"},
		Streams:    []string{"Count.counts -> Commit.counts"},
	}
	if !reflect.DeepEqual(w.Differing, want) {
		t.Errorf("differing: %+v, want %+v", w.Differing, want)
	}
	if e := w.Entry(); !reflect.DeepEqual(e.Differing, want) || e.Interface != "Count.counts" {
		t.Errorf("entry: %+v", e)
	}
}

// Two order-sensitive components in a row, for the finding on the second:
// when the first's counts differ too, the differing part starts there and
// follows the stream between them; the source's stream, the same in both
// runs, is not part of it. When only the second's output differs, only the
// second is.
func TestDifferingUpstream(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "chain.blazes")
	src := `dataflow chain

source words(word, batch)

component First {
  words -> counts : OW[word]
}

component Second {
  counts -> totals : OW[word]
}

sink db(word, batch)

stream words -> First.words
stream First.counts -> Second.counts
stream Second.totals -> db
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p := load(t, file)
	var tg *Target
	for _, x := range Targets(p) {
		if x.Path.Comp.Name == "Second" {
			tg = &x
		}
	}
	if tg == nil {
		t.Fatalf("no finding on Second in %+v", Targets(p))
	}
	m := newModel(p, cone(tg.Path.Comp))
	one, two := []Record{{"word": 0}}, []Record{{"word": 1}}
	w := &Witness{Runs: [2]Run{
		{Outputs: map[string][]Record{"First.counts": one, "Second.totals": one}},
		{Outputs: map[string][]Record{"First.counts": two, "Second.totals": two}},
	}}
	want := Differing{
		Components: []string{"First", "Second"},
		Interfaces: []string{"First.counts", "Second.totals"},
		Streams:    []string{"First.counts -> Second.counts", "Second.totals -> db"},
	}
	if got := m.differing(w, *tg); !reflect.DeepEqual(got, want) {
		t.Errorf("differing: %+v, want %+v", got, want)
	}
	w.Runs[1].Outputs["First.counts"] = one
	want = Differing{Components: []string{"Second"}, Interfaces: []string{"Second.totals"}, Streams: []string{"Second.totals -> db"}}
	if got := m.differing(w, *tg); !reflect.DeepEqual(got, want) {
		t.Errorf("differing: %+v, want %+v", got, want)
	}
}
