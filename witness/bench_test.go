package witness

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/internal/gen"
)

// generated returns a generated dataflow of n components with at least
// one witnessable finding, and its findings.
func generated(tb testing.TB, n int) (*analysis.Program, []Target) {
	for seed := int64(1); seed < 50; seed++ {
		p := loadText(string(gen.Dataflow(n, seed)))
		if ts := Targets(p); len(ts) > 0 {
			return p, ts
		}
	}
	tb.Fatalf("no generated dataflow of %d components has a finding", n)
	return nil, nil
}

// BenchmarkWitness measures the search for one finding's witness in a
// generated dataflow of n components: the search simulates only the cone
// upstream of the finding's component, so its time depends on the cone,
// not on n.
func BenchmarkWitness(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			p, ts := generated(b, n)
			b.ResetTimer()
			found := 0
			for i := 0; i < b.N; i++ {
				if Find(p, ts[i%len(ts)], Options{}).Witness != nil {
					found++
				}
			}
			b.ReportMetric(float64(found)/float64(b.N), "found/op")
		})
	}
}

// BenchmarkWitnessEach searches once for the witness of every finding of
// a generated dataflow of n components and reports the distribution of
// the time per finding (the mean hides it: a finding without a witness
// costs the whole budget).
func BenchmarkWitnessEach(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			p, ts := generated(b, n)
			if len(ts) > 60 {
				ts = ts[:60]
			}
			var times []time.Duration
			found := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				times = times[:0]
				found = 0
				for _, t := range ts {
					start := time.Now()
					if Find(p, t, Options{}).Witness != nil {
						found++
					}
					times = append(times, time.Since(start))
				}
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
			b.ReportMetric(float64(len(ts)), "findings")
			b.ReportMetric(float64(found), "witnessed")
			b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
			b.ReportMetric(ms(times[len(times)*9/10]), "p90-ms")
			b.ReportMetric(ms(times[len(times)-1]), "max-ms")
		})
	}
}
