package analysis

import (
	"math/rand"
	"testing"
)

// titleLess orders exactly as comparing the built titles would.
func TestTitleLess(t *testing.T) {
	names := []string{"", "a", "b", "ab", "a_", "A", "C1", "C10", "C1x", "state", "x.y"}
	r := rand.New(rand.NewSource(1))
	pick := func() Labelled {
		n := names[r.Intn(len(names))]
		switch r.Intn(3) {
		case 0:
			return &Iface{Name: n, Dir: DirSource}
		case 1:
			return &Iface{Name: n, Comp: &Component{Name: names[r.Intn(len(names))]}}
		}
		return &Component{Name: n}
	}
	for k := 0; k < 20000; k++ {
		a, b := pick(), pick()
		if got, want := titleLess(a, b), a.Title() < b.Title(); got != want {
			t.Fatalf("titleLess(%q, %q) = %v, want %v", a.Title(), b.Title(), got, want)
		}
	}
}
