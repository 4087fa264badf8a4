package grammar

import (
	"bytes"
	"fmt"
	"testing"

	igen "github.com/blazes-dev/blazes/internal/gen"
)

// oneCharEdit returns text with one character inserted inside the
// declaration that holds offset frac*len(text) (an 'x' appended to the
// first name after it), and the edit's offsets.
func oneCharEdit(text []byte, frac float64) (edited []byte, start int) {
	i := int(float64(len(text)) * frac)
	k := bytes.Index(text[i:], []byte("component "))
	i += k + len("component ") + 1
	edited = append(append(append([]byte{}, text[:i]...), 'x'), text[i:]...)
	return edited, i
}

// BenchmarkEdit10k is a whole parse of a 10k-component file after a
// one-character edit, in its middle and near its top: what
// BenchmarkDocEdit10k's incremental edit saves.
func BenchmarkEdit10k(b *testing.B) {
	text := igen.Dataflow(10000, 1)
	for _, where := range []struct {
		name string
		frac float64
	}{{"middle", 0.5}, {"top", 0.02}} {
		edited, _ := oneCharEdit(text, where.frac)
		b.Run(where.name+"/Parse", func(b *testing.B) {
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				Parse("g", edited)
			}
		})
	}
}

// BenchmarkParseGen is a cold parse of generated dataflows.
func BenchmarkParseGen(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		text := igen.Dataflow(n, 1)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for i := 0; i < b.N; i++ {
				if f := Parse("g", text); len(f.Errors) > 0 {
					b.Fatal(f.Errors[0])
				}
			}
		})
	}
}
