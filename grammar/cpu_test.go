package grammar

import (
	"os"
	"syscall"
	"testing"
	"time"

	igen "github.com/blazes-dev/blazes/internal/gen"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestCPUEdit reports CPU time per operation (wall time is unreliable on a
// shared machine). Run with BLAZES_CPU=1.
func TestCPUEdit(t *testing.T) {
	if os.Getenv("BLAZES_CPU") == "" {
		t.Skip("set BLAZES_CPU=1")
	}
	text := igen.Dataflow(10000, 1)
	d := NewDoc("g", text)
	for _, frac := range []float64{0.5, 0.02} {
		edited, i := oneCharEdit(text, frac)
		for _, m := range []struct {
			name string
			fn   func()
			n    int
		}{
			{"Doc.Edit", func() { d.Edit(edited, i, i, i+1, nil) }, 200},
			{"Parse", func() { Parse("g", edited) }, 5},
		} {
			m.fn()
			c0, w0 := cpuTime(), time.Now()
			for k := 0; k < m.n; k++ {
				m.fn()
			}
			t.Logf("frac %.2f %-12s cpu %8.2fms/op  wall %8.2fms/op", frac, m.name, float64(cpuTime()-c0)/float64(m.n)/1e6, float64(time.Since(w0))/float64(m.n)/1e6)
		}
	}
}
