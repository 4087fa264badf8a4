package analysis

import "testing"

// Attributes written on a source (routing, order, watermark) reach the
// streams out of it in a session as in Load, when they are added, changed
// and removed by edits of the source alone.
func TestSessionSourceAttributes(t *testing.T) {
	const rest = `
component Join {
  views -> enriched : OR[user]
  profiles -> enriched : OW[user]
}

component Count {
  rec -> totals : CW[user]
}

stream views -> Join.views order(user)
stream profiles -> Join.profiles
stream profiles -> Count.rec
`
	s := NewSession("s.blazes")
	for _, src := range []string{
		"source views(user, page)\nsource profiles(user, region)\n",
		"source views(user, page)\nsource profiles(user, region) order(user)\n",
		"source views(user, page)\nsource profiles(user, region) order(user) shuffle\n",
		"source views(user, page)\nsource profiles(user, region) order partition(user)\n",
		"source views(user, page)\nsource profiles(user, region) watermark(region) partition(region)\n",
		"source views(user, page)\nsource profiles(user, region) order(user)\n",
		"source views(user, page)\nsource profiles(user, region)\n",
	} {
		res := checkSession(t, s, "s.blazes", memFS{"s.blazes": []byte(src + rest)}, src)
		codes := map[string]bool{}
		for _, d := range res.Diagnostics {
			codes[d.Code] = true
		}
		t.Logf("%q: %v", src, codes)
	}
}
