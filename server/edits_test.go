package server

import (
	"strings"
	"sync"
	"testing"

	"github.com/blazes-dev/blazes/analysis"
)

// didChange hands the session the edit itself: the document's pieces the
// edit did not touch are the same after it (nothing parsed again), and the
// update re-labels only what the edit touched.
func TestDidChangeHandsTheEdit(t *testing.T) {
	var mu sync.Mutex
	var results []*analysis.Result
	eng := DefaultEngine()
	update := eng.Update
	eng.Update = func(s *analysis.Session, root string, o analysis.Options) *analysis.Result {
		res := update(s, root, o)
		mu.Lock()
		results = append(results, res)
		mu.Unlock()
		return res
	}
	c := newClient(t, testOpts{cfg: Config{Engine: eng}})
	text := "source s\n" + strings.Repeat("component Pad { i -> o : CR }\n", 1) + wordcountUnsealed
	c.open("e.blazes", text)
	c.waitDiags("e.blazes", atVersion(1))
	// Type a character at the end of the last line.
	lines := strings.Split(text, "\n")
	last := len(lines) - 2
	v := c.change("e.blazes", []int{last, len(lines[last]), last, len(lines[last])}, " ")
	c.waitDiags("e.blazes", atVersion(v))
	mu.Lock()
	defer mu.Unlock()
	first, second := results[0], results[len(results)-1]
	path := c.path("e.blazes")
	a, b := first.Docs[path].Pieces(), second.Docs[path].Pieces()
	if len(a) != len(b) || a[0] != b[0] || a[1] != b[1] {
		t.Fatalf("the pieces before the edit were parsed again")
	}
	if second.Rebuilt {
		t.Errorf("the update rebuilt the graph")
	}
}
