// Package declorder reorders the top-level declarations of a .blazes text,
// for tests that the analysis does not depend on declaration order.
package declorder

import (
	"math/rand"
	"sort"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
)

// Shuffle returns text with its top-level declarations in a random
// order, for tests that the analysis does not depend on declaration order.
// The preamble (dataflow, imports, leading comments) stays first; each
// declaration takes along the text up to the next one (trailing comments
// included).
func Shuffle(r *rand.Rand, text []byte) []byte {
	f := grammar.Parse("shuffle.blazes", text)
	if len(f.Decls) < 2 {
		return text
	}
	var starts []int
	for _, d := range f.Decls {
		starts = append(starts, int(d.Span().Start))
	}
	sort.Ints(starts)
	var chunks []string
	for i, s := range starts {
		end := len(text)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		c := string(text[s:end])
		if !strings.HasSuffix(c, "\n") {
			c += "\n"
		}
		chunks = append(chunks, c)
	}
	r.Shuffle(len(chunks), func(i, j int) { chunks[i], chunks[j] = chunks[j], chunks[i] })
	out := string(text[:starts[0]])
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return []byte(out + strings.Join(chunks, ""))
}
