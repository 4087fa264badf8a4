package analysis

import (
	"context"
	"fmt"
	"testing"
)

// The paper's case studies with the labels SPEC §3 lists.
func TestPaperCaseStudies(t *testing.T) {
	cases := []struct {
		file     string
		labels   map[string]string // Lookup name -> label ("" for none)
		internal map[string]string // path -> internal label
		codes    []string          // finding codes with severity, sorted as reported
	}{
		{
			file:     "../testdata/paper/wordcount.blazes",
			labels:   map[string]string{"Count.counts": "Run", "Commit.db": "Run", "Splitter.words": "Async", "Count.words": "Async", "Count": "Run"},
			internal: map[string]string{"Count: words -> counts": "Taint", "Splitter: tweets -> words": ""},
			codes:    []string{"BLZ001 warning"},
		},
		{
			file:     "../testdata/paper/wordcount_sealed.blazes",
			labels:   map[string]string{"Splitter.words": "Seal[batch]", "Count.words": "Seal[batch]", "Count.counts": "Async", "Commit.counts": "Async", "Commit.db": "Async"},
			internal: map[string]string{"Count: words -> counts": ""},
		},
		{
			file:     "../testdata/paper/adtrack/poor.blazes",
			labels:   map[string]string{"Report.response": "Inst", "Cache.response": "Diverge", "analysts": "Diverge", "Cache": "Diverge"},
			internal: map[string]string{"Report: request -> response": "NDRead[id]", "Cache: response -> response": "Taint"},
			codes:    []string{"BLZ003 information", "BLZ001 error"},
		},
		{
			file:   "../testdata/paper/adtrack/thresh.blazes",
			labels: map[string]string{"Report.response": "Async", "Cache.response": "Async", "analysts": "Async"},
		},
		{
			file:     "../testdata/paper/adtrack/window.blazes",
			labels:   map[string]string{"Report.click": "Seal[window]", "Report.response": "Async", "Cache.response": "Async", "analysts": "Async"},
			internal: map[string]string{"Report: request -> response": ""},
		},
		{
			file:     "../testdata/paper/adtrack/campaign.blazes",
			labels:   map[string]string{"Report.click": "Seal[campaign]", "Report.response": "Async", "Cache.response": "Async", "analysts": "Async"},
			internal: map[string]string{"Report: request -> response": ""},
		},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := Load(c.file, Options{})
			if p.LoadErr != nil {
				t.Fatal(p.LoadErr)
			}
			for name, want := range c.labels {
				x := p.Lookup(name)
				if x == nil {
					t.Errorf("%s: not found", name)
					continue
				}
				if got := x.DerivedLabel().String(); got != want {
					t.Errorf("%s = %s, want %s", name, got, want)
				}
			}
			for name, want := range c.internal {
				x, ok := p.Lookup(name).(*Path)
				if !ok {
					t.Errorf("path %s: not found", name)
					continue
				}
				if got := x.Internal.String(); got != want {
					t.Errorf("internal(%s) = %q, want %q", name, got, want)
				}
			}
			var got []string
			for _, d := range p.Diagnostics {
				got = append(got, d.Code+" "+d.Severity.String())
			}
			if fmt.Sprint(got) != fmt.Sprint(c.codes) && !(len(got) == 0 && len(c.codes) == 0) {
				t.Errorf("findings %v, want %v", got, c.codes)
			}
		})
	}
}

// The word count's fixes in SPEC §4's order: single-attribute seals (the
// one at the source first: batch sorts first), the whole-gate seal, keyed
// orders (single attributes first), the global order.
func TestWordCountFixes(t *testing.T) {
	p := Load("../testdata/paper/wordcount.blazes", Options{})
	if len(p.Diagnostics) != 1 {
		t.Fatalf("diagnostics: %v", p.Diagnostics)
	}
	var titles []string
	for _, f := range p.Diagnostics[0].Fixes {
		titles = append(titles, fmt.Sprintf("%s/%s/%v", f.Kind, f.Title, f.Preferred))
	}
	want := []string{
		"seal/Seal source tweets on (batch)/true",
		"seal/Seal stream Splitter.words -> Count.words on (word)/false",
		"seal/Seal stream Splitter.words -> Count.words on (batch, word)/false",
		"order/Order stream Splitter.words -> Count.words on (batch)/false",
		"order/Order stream Splitter.words -> Count.words on (word)/false",
		"order/Order stream Splitter.words -> Count.words on (batch, word)/false",
		"order/Order stream Splitter.words -> Count.words in one global log (order)/false",
	}
	if fmt.Sprint(titles) != fmt.Sprint(want) {
		t.Errorf("fixes:\n%v\nwant\n%v", titles, want)
	}
}

func TestExplainChain(t *testing.T) {
	p := Load("../testdata/paper/wordcount_sealed.blazes", Options{})
	got := ChainLine(Chain(p.Lookup("Commit.db")))
	want := "tweets Seal[batch] → Splitter.tweets Seal[batch] →(CR) Splitter.words Seal[batch] → Count.words Seal[batch] →(OW[batch,word]) Count.counts Async → Commit.counts Async →(CW) Commit.db Async"
	if got != want {
		t.Errorf("chain:\n%s\nwant\n%s", got, want)
	}
}

// A component being typed (a syntax error in its body) is still declared:
// the streams naming it raise no errors of their own, and what parsed of
// it is analysed.
func TestBrokenComponentIsDeclared(t *testing.T) {
	text := `source tweets(word, batch)
component Count {
  words -> counts : OW[word, batch]
  counts -> 
}
component Commit {
  counts -> db : CW
}
stream tweets -> Count.words
stream Count.counts -> Commit.counts
stream Count.partial -> Commit.counts
`
	p := Load("b.blazes", Options{FS: memFS{"b.blazes": []byte(text)}})
	var codes []string
	for _, d := range p.Diagnostics {
		codes = append(codes, d.Code)
	}
	if fmt.Sprint(codes) != "[BLZ001 BLZ000]" && fmt.Sprint(codes) != "[BLZ000 BLZ001]" {
		t.Errorf("codes %v, want one BLZ000 and the BLZ001 of Count's parsed path", codes)
	}
	if got := p.Lookup("Commit.db").DerivedLabel().String(); got != "Run" {
		t.Errorf("Commit.db = %s, want Run (through the broken Count)", got)
	}
}

// A cancelled context stops the analysis and says so.
func TestLoadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := Load("../testdata/paper/wordcount.blazes", Options{Context: ctx})
	if !p.Canceled || len(p.Diagnostics) != 0 {
		t.Errorf("canceled=%v diagnostics=%d", p.Canceled, len(p.Diagnostics))
	}
	if p := Load("../testdata/paper/wordcount.blazes", Options{Context: context.Background()}); p.Canceled || len(p.Diagnostics) != 1 {
		t.Errorf("uncancelled: canceled=%v diagnostics=%d", p.Canceled, len(p.Diagnostics))
	}
}
