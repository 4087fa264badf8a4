package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

type witnessOut struct {
	Witnesses []struct {
		Code      string                      `json:"code"`
		Component string                      `json:"component"`
		Path      string                      `json:"path"`
		Interface string                      `json:"interface"`
		Kind      string                      `json:"kind"`
		Inputs    map[string][]map[string]int `json:"inputs"`
		Runs      []struct {
			Schedule map[string]int              `json:"schedule"`
			Outputs  map[string][]map[string]int `json:"outputs"`
		} `json:"runs"`
	} `json:"witnesses"`
	Searched *int `json:"searched"`
}

func multiset(rs []map[string]int) string {
	var out []string
	for _, r := range rs {
		b, _ := json.Marshal(r) // keys sorted
		out = append(out, string(b))
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestWitnessWordCount(t *testing.T) {
	start := time.Now()
	r := blazes(t, repoRoot, "witness", "testdata/paper/wordcount.blazes")
	// The time is reported, not asserted (tests never assert wall-clock
	// times; docs/performance.md has the measured search times).
	t.Logf("blazes witness took %v", time.Since(start))
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"BLZ001: Count: words -> counts", "Two runs of the same input disagree on Count.counts.", "Input (", "tweets", "Count.words received", "Count.counts emitted ≠", "only in run 1"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the trace lacks %q:\n%s", want, r.stdout)
		}
	}

	r = blazes(t, repoRoot, "witness", "--format", "json", "testdata/paper/wordcount.blazes")
	if r.code != 1 {
		t.Fatalf("json: exit %d\n%s", r.code, r.stderr)
	}
	var out witnessOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(out.Witnesses) != 1 || out.Searched == nil || *out.Searched == 0 {
		t.Fatalf("%s", r.stdout)
	}
	w := out.Witnesses[0]
	if w.Code != "BLZ001" || w.Component != "Count" || w.Path != "words -> counts" || w.Interface != "Count.counts" || w.Kind != "runs" {
		t.Errorf("witness: %+v", w)
	}
	if n := len(w.Inputs["tweets"]); n < 1 || n > 3 {
		t.Errorf("%d tweets", n)
	}
	if len(w.Runs) != 2 {
		t.Fatalf("%d runs", len(w.Runs))
	}
	a, b := w.Runs[0].Outputs["Count.counts"], w.Runs[1].Outputs["Count.counts"]
	if multiset(a) == multiset(b) {
		t.Errorf("the two runs agree at Count.counts: %v", a)
	}
	if _, ok := w.Runs[0].Schedule["seed"]; !ok {
		t.Errorf("schedule: %v", w.Runs[0].Schedule)
	}
}

func TestWitnessSealedFindsNothing(t *testing.T) {
	r := blazes(t, repoRoot, "witness", "testdata/paper/wordcount_sealed.blazes")
	if r.code != 0 || !strings.Contains(r.stdout, "found no two that disagree") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = blazes(t, repoRoot, "witness", "--format=json", "testdata/paper/wordcount_sealed.blazes")
	var out witnessOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
		t.Fatalf("exit %d %v\n%s", r.code, err, r.stdout)
	}
	if len(out.Witnesses) != 0 || out.Searched == nil || *out.Searched == 0 || !strings.Contains(r.stdout, `"witnesses": []`) {
		t.Fatalf("%s", r.stdout)
	}
}

// The seal fix the check offers, applied, leaves nothing to witness.
func TestWitnessAfterTheSealFix(t *testing.T) {
	r := blazes(t, repoRoot, "check", "--format", "json", "testdata/paper/wordcount.blazes")
	var rep struct {
		Diagnostics []struct {
			Fixes []struct {
				Edits []struct {
					Range struct {
						Start struct{ Line, Character int }
						End   struct{ Line, Character int }
					}
					NewText string `json:"newText"`
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || len(rep.Diagnostics) == 0 || len(rep.Diagnostics[0].Fixes) == 0 {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	text, err := os.ReadFile(filepath.Join(repoRoot, "testdata/paper/wordcount.blazes"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(text), "\n")
	edits := rep.Diagnostics[0].Fixes[0].Edits
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		if e.Range.Start.Line != e.Range.End.Line {
			t.Fatalf("a multi-line edit: %+v", e)
		}
		l := lines[e.Range.Start.Line]
		lines[e.Range.Start.Line] = l[:e.Range.Start.Character] + e.NewText + l[e.Range.End.Character:]
	}
	dir := t.TempDir()
	fixed := filepath.Join(dir, "wordcount.blazes")
	if err := os.WriteFile(fixed, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	r = blazes(t, dir, "witness", "wordcount.blazes")
	if r.code != 0 {
		t.Fatalf("after the fix: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestWitnessSelection(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "two.blazes")
	os.WriteFile(file, []byte(`source a(k, v)
source q(k)
component T {
  u -> r : CW
  q -> r : OR[k]
}
component W {
  x -> y : OW[k]
}
stream a -> T.u rep
stream q -> T.q rep
stream a -> W.x
`), 0o644)
	r := blazes(t, dir, "witness", "--format", "json", "two.blazes")
	var out witnessOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 1 || len(out.Witnesses) != 2 {
		t.Fatalf("exit %d %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	kinds := map[string]string{}
	for _, w := range out.Witnesses {
		kinds[w.Component] = w.Kind
	}
	if kinds["T"] != "replicas" && kinds["T"] != "runs" || kinds["W"] != "runs" {
		t.Errorf("kinds: %v", kinds)
	}
	r = blazes(t, dir, "witness", "--format", "json", "two.blazes", "W")
	out = witnessOut{}
	if json.Unmarshal([]byte(r.stdout), &out); r.code != 1 || len(out.Witnesses) != 1 || out.Witnesses[0].Component != "W" {
		t.Fatalf("W: exit %d\n%s", r.code, r.stdout)
	}
	r = blazes(t, dir, "witness", "two.blazes", "--finding", "2", "--format", "json")
	out = witnessOut{}
	if json.Unmarshal([]byte(r.stdout), &out); r.code != 1 || len(out.Witnesses) != 1 || out.Witnesses[0].Component != "W" {
		t.Fatalf("--finding 2: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"two.blazes", "--finding", "3"}, "not 3"},
		{[]string{"two.blazes", "Tt"}, "did you mean T?"},
		{[]string{"missing.blazes"}, "missing.blazes"},
		{[]string{"two.blazes", "--format", "xml"}, "--format"},
		{[]string{}, "want FILE"},
	} {
		r := blazes(t, dir, append([]string{"witness"}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
	os.WriteFile(filepath.Join(dir, "bad.blazes"), []byte("component C { x -> y : OW }\nstream nowhere -> C.x\n"), 0o644)
	if r := blazes(t, dir, "witness", "bad.blazes"); r.code != 2 || !strings.Contains(r.stderr, "has errors") {
		t.Errorf("bad: exit %d %q", r.code, r.stderr)
	}
}

// docs/witness.md shows the word count's witness as the command prints it.
func TestWitnessDocExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "witness.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"testdata/paper/wordcount.blazes", "testdata/paper/wordcount_sealed.blazes"} {
		r := blazes(t, repoRoot, "witness", file)
		if !strings.Contains(string(doc), "$ blazes witness "+file+"\n"+r.stdout) {
			t.Errorf("docs/witness.md does not show what blazes witness %s prints:\n%s", file, r.stdout)
		}
	}
}
