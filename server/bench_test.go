package server

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blazes-dev/blazes/internal/gen"
)

// BenchmarkKeystroke measures keystroke -> published diagnostics: one
// didChange that flips a path annotation of a component in the middle of a
// generated dataflow (CR <-> CW, so labels downstream change), until the
// diagnostics of that version arrive. "incremental" is the server as it
// runs (declaration-level reparse, previous program passed to the
// analysis); "full" parses and analyses the whole text from scratch.
func BenchmarkKeystroke(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, mode := range []string{"incremental", "full"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, mode), func(b *testing.B) { benchKeystroke(b, n, mode == "full") })
		}
	}
}

func benchKeystroke(b *testing.B, n int, full bool) {
	cfg := Config{}
	if full {
		cfg.Engine = FullEngine()
	}
	text := string(gen.Dataflow(n, 1))
	c := newClient(b, testOpts{cfg: cfg})
	c.open("big.blazes", text)
	c.waitDiags("big.blazes", atVersion(1))
	// The annotation to flip: the first "CR" or "CW" path after the middle
	// component.
	mid := strings.Index(text, fmt.Sprintf("component C%d {", n/2))
	rel := strings.Index(text[mid:], " : C")
	if mid < 0 || rel < 0 {
		b.Fatal("no path to edit")
	}
	off := mid + rel + 3 // the 'C' of the annotation
	before := text[:off]
	line := strings.Count(before, "\n")
	col := off - strings.LastIndex(before, "\n") - 1
	cur := text[off : off+2]
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next := "CW"
		if cur == "CW" {
			next = "CR"
		}
		start := time.Now()
		v := c.change("big.blazes", []int{line, col, line, col + 2}, next)
		c.waitDiags("big.blazes", atVersion(v))
		lat = append(lat, time.Since(start))
		cur = next
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 {
		i := int(p * float64(len(lat)-1))
		return float64(lat[i].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.5), "median-ms")
	b.ReportMetric(q(0.95), "p95-ms")
}

// BenchmarkRequestAfterEdit measures what the first request after a
// keystroke pays: the diagnostics path does not build the whole program
// (labels, derivations, fixes), so the first hover of a version builds it
// (Load over the session's documents, with the previous program as Prev).
func BenchmarkRequestAfterEdit(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			text := string(gen.Dataflow(n, 1))
			c := newClient(b, testOpts{})
			c.open("big.blazes", text)
			c.waitDiags("big.blazes", atVersion(1))
			mid := strings.Index(text, fmt.Sprintf("component C%d {", n/2))
			off := mid + strings.Index(text[mid:], " : C") + 3
			line := strings.Count(text[:off], "\n")
			col := off - strings.LastIndex(text[:off], "\n") - 1
			cur := text[off : off+2]
			hover := docPos(c.uri("big.blazes"), line, col)
			var h any
			c.call("textDocument/hover", hover, &h)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				next := "CW"
				if cur == "CW" {
					next = "CR"
				}
				b.StopTimer()
				v := c.change("big.blazes", []int{line, col, line, col + 2}, next)
				c.waitDiags("big.blazes", atVersion(v))
				cur = next
				b.StartTimer()
				c.call("textDocument/hover", hover, &h)
			}
		})
	}
}
