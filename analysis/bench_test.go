package analysis

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/blazes-dev/blazes/internal/gen"
)

// memFS serves texts by name, and plays the editor: it says what edit
// turned a text it served before into the present one (the span between
// their longest common prefix and suffix), as an editor's didChange does.
type memFS map[string][]byte

func (m memFS) ReadFile(name string) ([]byte, error) {
	if b, ok := m[name]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("%s: no such file", name)
}

func (m memFS) Edits(name string, from []byte) ([]TextEdit, bool) {
	text, ok := m[name]
	if !ok {
		return nil, false
	}
	// Blocks of 256 bytes first: benchmarks time the analysis of an
	// edit, not this scan.
	n := min(len(from), len(text))
	p := 0
	for p+256 <= n && bytes.Equal(from[p:p+256], text[p:p+256]) {
		p += 256
	}
	for p < n && from[p] == text[p] {
		p++
	}
	s := 0
	for s+256 <= n-p && bytes.Equal(from[len(from)-s-256:len(from)-s], text[len(text)-s-256:len(text)-s]) {
		s += 256
	}
	for s < n-p && from[len(from)-1-s] == text[len(text)-1-s] {
		s++
	}
	return []TextEdit{{Old: from, New: text, Start: p, OldEnd: len(from) - s, NewEnd: len(text) - s}}, true
}

// BenchmarkCheck is a cold check (parse, build, infer, findings, fixes) of
// generated dataflows; docs/performance.md records its numbers.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		text := gen.Dataflow(n, 1)
		fs := memFS{"gen.blazes": text}
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				p := Load("gen.blazes", Options{FS: fs})
				if len(p.Components) < n {
					b.Fatalf("only %d components", len(p.Components))
				}
			}
		})
	}
}

// BenchmarkAnalyse measures a cold Load: a fresh session, parse included.
func BenchmarkAnalyse(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		text := gen.Dataflow(n, 1)
		fs := memFS{"gen.blazes": text}
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Load("gen.blazes", Options{FS: fs})
			}
		})
	}
}

// BenchmarkEdit measures a one-character edit (a space typed after a
// stream in the middle of the file) analysed cold, by a fresh session:
// what BenchmarkSession's incremental update saves.
func BenchmarkEdit(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		text := gen.Dataflow(n, 1)
		mid := bytes.Index(text[len(text)/2:], []byte("\nstream ")) + len(text)/2
		eol := mid + 1 + bytes.IndexByte(text[mid+1:], '\n')
		texts := [2][]byte{text, append(append(append([]byte(nil), text[:eol]...), ' '), text[eol:]...)}
		b.Run(fmt.Sprintf("cold/components=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Load("g.blazes", Options{FS: memFS{"g.blazes": texts[(i+1)%2]}})
			}
		})
	}
}

// BenchmarkSession measures the language server's per-keystroke analysis
// without the protocol: a Session update after a one-character edit in the
// middle of a generated dataflow, typed and deleted in turn. "name" types
// after the consumer of the first stream in the second half of the file
// (the edit lspbench makes: the component becomes unknown, then known
// again); "annotation" flips the first CR/CW path after the middle
// component (labels downstream move).
func BenchmarkSession(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		text := gen.Dataflow(n, 1)
		mid := len(text) / 2
		st := mid + bytes.Index(text[mid:], []byte("\nstream "))
		arrow := st + bytes.Index(text[st:], []byte("-> ")) + len("-> ")
		end := arrow
		for end < len(text) && (text[end] == '_' || text[end] >= '0' && text[end] <= '9' || text[end] >= 'A' && text[end] <= 'Z' || text[end] >= 'a' && text[end] <= 'z') {
			end++
		}
		typed := append(append(append([]byte(nil), text[:end]...), 'x'), text[end:]...)
		comp := bytes.Index(text, []byte(fmt.Sprintf("component C%d {", n/2)))
		ann := comp + bytes.Index(text[comp:], []byte(" : C")) + len(" : ")
		flipped := append([]byte(nil), text...)
		if flipped[ann+1] == 'R' {
			flipped[ann+1] = 'W'
		} else {
			flipped[ann+1] = 'R'
		}
		for _, edit := range []struct {
			name string
			next []byte
		}{{"name", typed}, {"annotation", flipped}} {
			b.Run(fmt.Sprintf("%s/components=%d", edit.name, n), func(b *testing.B) {
				s := NewSession("g.blazes")
				s.Update(Options{FS: memFS{"g.blazes": text}})
				texts := [2][]byte{text, edit.next}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					res := s.Update(Options{FS: memFS{"g.blazes": texts[(i+1)%2]}})
					if res.Rebuilt {
						b.Fatal("rebuilt")
					}
				}
			})
		}
	}
}
