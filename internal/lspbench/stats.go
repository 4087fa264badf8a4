package lspbench

import (
	"math"
	"sort"
	"time"
)

// Stats summarises latencies.
type Stats struct {
	N      int           `json:"n"`
	Min    time.Duration `json:"min_ns"`
	Median time.Duration `json:"median_ns"`
	P95    time.Duration `json:"p95_ns"`
	P99    time.Duration `json:"p99_ns"`
	Max    time.Duration `json:"max_ns"`
	Mean   time.Duration `json:"mean_ns"`
}

// Summarise computes Stats of ds (which it does not modify). The median
// is the middle value (the mean of the two middle values for an even
// count); p95 and p99 are nearest-rank percentiles: the smallest sample
// that at least that share of the samples does not exceed.
func Summarise(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Stats{
		N:      n,
		Min:    s[0],
		Median: med,
		P95:    Percentile(s, 95),
		P99:    Percentile(s, 99),
		Max:    s[n-1],
		Mean:   sum / time.Duration(n),
	}
}

// Percentile is the nearest-rank p-th percentile (0 < p <= 100) of the
// sorted samples s: s[ceil(p/100*n)-1].
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p * float64(n) / 100))
	if rank < 1 {
		rank = 1
	}
	if rank > n {
		rank = n
	}
	return sorted[rank-1]
}
