package gen_test

import (
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/internal/gen"
)

type memFS map[string][]byte

func (m memFS) ReadFile(name string) ([]byte, error) { return m[name], nil }

// Generated dataflows use every construct of contract v2 and still
// analyse without an error; their findings include the new ones.
func TestDataflowUsesV2Constructs(t *testing.T) {
	text := gen.Dataflow(2000, 1)
	for _, c := range []string{" watermark(batch)", "window(batch)", ": CW[key]", " order(key)", " partition(key)", " partition(batch)", " shuffle", "views -> res : OR[key]"} {
		if !strings.Contains(string(text), c) {
			t.Errorf("a generated dataflow of 2000 components has no %q", c)
		}
	}
	p := analysis.Load("g.blazes", analysis.Options{FS: memFS{"g.blazes": text}})
	codes := map[string]int{}
	for _, d := range p.Diagnostics {
		codes[d.Code]++
		if d.Severity == analysis.SevError && strings.HasPrefix(d.Code, "BLZ1") || d.Code == analysis.CodeSyntax {
			t.Errorf("error in a generated dataflow: %s %s", d.Code, d.Message)
		}
	}
	for _, c := range []string{analysis.CodeUncoordinated, analysis.CodeScattered, analysis.CodeSplit} {
		if codes[c] == 0 {
			t.Errorf("no %s in a generated dataflow of 2000 components (%v)", c, codes)
		}
	}
}
