package witness

import (
	"testing"
	"time"

	"github.com/blazes-dev/blazes/analysis"
)

func load(t testing.TB, path string) *analysis.Program {
	t.Helper()
	p := analysis.Load(path, analysis.Options{})
	if p.LoadErr != nil {
		t.Fatal(p.LoadErr)
	}
	return p
}

func TestWordCount(t *testing.T) {
	start := time.Now()
	p := load(t, "../testdata/paper/wordcount.blazes")
	ts := Targets(p)
	if len(ts) != 1 {
		t.Fatalf("targets: %d", len(ts))
	}
	res := Find(p, ts[0], Options{})
	if res.Witness == nil {
		t.Fatalf("no witness in %d executions", res.Searched)
	}
	w := res.Witness
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
	t.Logf("%+v", w)
	n := 0
	for _, r := range w.Inputs {
		n += len(r)
	}
	if n > 3 {
		t.Errorf("%d records", n)
	}
	sealed := load(t, "../testdata/paper/wordcount_sealed.blazes")
	if ts := Targets(sealed); len(ts) != 0 {
		t.Fatalf("sealed: %d targets", len(ts))
	}
	if v, n := Check(sealed, Options{}); len(v) != 0 || n == 0 {
		t.Fatalf("sealed: violations %+v after %d", v, n)
	}
}

func TestSoundnessTestdataDraft(t *testing.T) {
	files, _ := filepathGlob("../testdata")
	for _, f := range files {
		p := load(t, f)
		v, n := Check(p, Options{Inputs: 60, Schedules: 6})
		for _, x := range v {
			t.Errorf("%s: %s (%s) differs between %s: %+v", f, x.Iface, x.Label, x.Kind, x)
		}
		ts := Targets(p)
		found := 0
		for _, tg := range ts {
			if Find(p, tg, Options{Inputs: 100}).Witness != nil {
				found++
			} else {
				t.Logf("%s: no witness for %s %s: %s", f, tg.Diag.Code, tg.Path.Comp.Name, tg.Path.Name())
			}
		}
		t.Logf("%s: %d runs, %d/%d witnesses", f, n, found, len(ts))
	}
}
