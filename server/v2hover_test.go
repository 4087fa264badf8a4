package server

import (
	"strings"
	"testing"
)

// Hover on paths and streams speaks contract v2's rules: how a path is
// coordinated (by seal, or by which log), why an internal label fired, and
// a watermark is shown as written, not as the seal it amounts to.
func TestHoverV2Coordination(t *testing.T) {
	const text = `source views(user, page)
source profiles(user, region)
source events(user, ts)

component Join {
  views -> enriched : OR[user]
  profiles -> enriched : OW[user]
}

component Count {
  rec -> totals : OW[user, window(ts)]
}

component Scatter {
  rec -> sums : CW[user]
}

stream views -> Join.views order(user)
stream profiles -> Join.profiles order(user)
stream events -> Count.rec watermark(ts)
stream events -> Scatter.rec shuffle
`
	c := newClient(t, testOpts{})
	c.open("v2.blazes", text)
	c.waitDiags("v2.blazes", atVersion(1))
	cases := []struct {
		needle string
		want   []string
		not    []string
	}{
		{"OR[user]", []string{"coordinated by order: Join.views and Join.profiles travel in one log, order(user)"}, []string{"sealed compatibly"}},
		{"OW[user, window(ts)]", []string{"coordinated by seal (Count.rec is Seal[ts]"}, nil},
		{"CW[user]", []string{"internal", "Taint", "causes: scattered"}, nil},
		{"stream events -> Count", []string{"`watermark(ts)`"}, []string{"seal(ts)"}},
	}
	for _, tc := range cases {
		h := hoverAt(t, c, text, tc.needle, 1)
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
}
