package analysis_test

import (
	"testing"

	"github.com/blazes-dev/blazes/analysis"
)

// The analysis on files that use the syntax of contract v2: the
// annotations print in SPEC §2's text form, and no error comes (the v2
// rules themselves are tested with the rules).
func TestAnnotationTextV2(t *testing.T) {
	src := `source clicks(user, ts, ad) watermark(ts) partition(user)
component C {
  in  rec(user, ts, ad)
  rec -> a : CR
  rec -> b : CW
  rec -> c : CW[]
  rec -> d : CW[user]
  rec -> e : OR
  rec -> f : OR[ad, user]
  rec -> g : OW[window(ts), user, window(ad), user]
}
stream clicks -> C.rec order(user) shuffle
`
	p := analysis.Load("v2.blazes", analysis.Options{FS: memFS{"v2.blazes": []byte(src)}})
	for _, d := range p.Diagnostics {
		if d.Severity == analysis.SevError {
			t.Errorf("unexpected error %s %s", d.Code, d.Message)
		}
	}
	want := map[string]string{
		"C: rec -> a": "CR", "C: rec -> b": "CW", "C: rec -> c": "CW", "C: rec -> d": "CW[user]",
		"C: rec -> e": "OR[]", "C: rec -> f": "OR[ad,user]", "C: rec -> g": "OW[user,window(ad),window(ts)]",
	}
	for name, w := range want {
		path, ok := p.Lookup(name).(*analysis.Path)
		if !ok {
			t.Fatalf("no path %s", name)
		}
		if got := path.Annotation(); got != w {
			t.Errorf("%s: annotation %q, want %q", name, got, w)
		}
	}
}
