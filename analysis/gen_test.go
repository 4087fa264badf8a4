package analysis

import "github.com/blazes-dev/blazes/internal/gen"

// genFS serves one generated dataflow under any name.
type genFS struct{ n int }

func (g genFS) ReadFile(string) ([]byte, error) {
	n := g.n
	if n == 0 {
		n = 300
	}
	return gen.Dataflow(n, 1), nil
}
