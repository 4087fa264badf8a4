package analysis

import (
	"bytes"
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/internal/gen"
)

// snapshotText renders every label and finding of a program, so that two
// programs can be compared in full.
func snapshotText(p *Program) string {
	var b strings.Builder
	for _, c := range p.Components {
		fmt.Fprintf(&b, "%s state=%s rep=%v\n", c.Name, c.State, c.Replicated)
		for _, i := range c.Inputs {
			fmt.Fprintf(&b, "  in %s %s\n", i.Name, i.Label)
		}
		for _, o := range c.Outputs {
			fmt.Fprintf(&b, "  out %s %s\n", o.Name, o.Label)
		}
		for _, q := range c.Paths {
			fmt.Fprintf(&b, "  path %s %s %s %s %v\n", q.Name(), q.Annotation(), q.Internal, q.OutLabel, q.Coordinated)
		}
	}
	for _, s := range p.Streams {
		fmt.Fprintf(&b, "stream %s %s\n", s.Name(), s.Label)
	}
	for _, s := range p.Sinks {
		fmt.Fprintf(&b, "sink %s %s\n", s.Name, s.Label)
	}
	for _, d := range p.Diagnostics {
		fmt.Fprintf(&b, "%s %v %s %s\n", d.Code, d.Range, d.Severity, d.Message)
		for _, f := range d.Fixes {
			fmt.Fprintf(&b, "  fix %s %v\n", f.Title, f.Edits)
		}
	}
	return b.String()
}

var (
	reStream = regexp.MustCompile(`(?m)^stream [^\n]*$`)
	reAnn    = regexp.MustCompile(`: (CR|CW|OR\[[^\]]*\]|OW\[[^\]]*\])`)
	reComp   = regexp.MustCompile(`(?m)^component [^\n]*\{`)
)

// mutate makes one random edit of the kinds a user makes: seal, order or
// rep toggled on a stream, an annotation changed, a stream or component
// deleted, a typo that breaks a declaration.
func mutate(r *rand.Rand, text []byte) []byte {
	pick := func(re *regexp.Regexp) []int {
		locs := re.FindAllIndex(text, -1)
		if len(locs) == 0 {
			return nil
		}
		return locs[r.Intn(len(locs))]
	}
	splice := func(start, end int, repl string) []byte {
		out := append([]byte(nil), text[:start]...)
		out = append(out, repl...)
		return append(out, text[end:]...)
	}
	switch r.Intn(7) {
	case 0, 1: // toggle an attribute at the end of a stream
		if loc := pick(reStream); loc != nil {
			line := string(text[loc[0]:loc[1]])
			attr := []string{" seal(batch)", " seal(key)", " order", " rep",
				" watermark(batch)", " order(key)", " partition(key)", " shuffle"}[r.Intn(8)]
			if strings.HasSuffix(line, attr) {
				return splice(loc[1]-len(attr), loc[1], "")
			}
			return splice(loc[1], loc[1], attr)
		}
	case 2: // change an annotation
		if loc := pick(reAnn); loc != nil {
			ann := []string{": CR", ": CW", ": OR[key]", ": OW[key, batch]", ": OW[]",
				": OW[key, window(batch)]", ": CW[key]", ": OR[window(batch)]"}[r.Intn(8)]
			return splice(loc[0], loc[1], ann)
		}
	case 3: // delete a stream
		if loc := pick(reStream); loc != nil {
			return splice(loc[0], loc[1], "")
		}
	case 4: // break a component's header (a half-typed edit), or mend it
		if i := bytes.Index(text, []byte("component @")); i >= 0 {
			return splice(i, i+len("component @"), "component ")
		}
		if loc := pick(reComp); loc != nil {
			return splice(loc[0], loc[0]+len("component "), "component @")
		}
	case 5: // rename a component's use in a stream (unknown name)
		if loc := pick(reStream); loc != nil {
			return splice(loc[0]+len("stream "), loc[0]+len("stream "), "X")
		}
	case 6: // insert a comment: everything after it moves
		at := r.Intn(len(text))
		for at > 0 && text[at-1] != '\n' {
			at--
		}
		return splice(at, at, "// moved\n")
	}
	return text
}

// A session's program after any sequence of edits is exactly a fresh
// session's (Load) over the same text: labels, findings and fixes.
func TestIncrementalEqualsCold(t *testing.T) {
	seeds := 6
	steps := 40
	if testing.Short() {
		seeds, steps = 2, 15
	}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		r := rand.New(rand.NewSource(seed))
		text := gen.Dataflow(200, seed)
		s := NewSession("g.blazes")
		for step := 0; step < steps; step++ {
			fs := memFS{"g.blazes": text}
			inc := s.Update(Options{FS: fs}).Program()
			cold := Load("g.blazes", Options{FS: fs})
			if a, b := snapshotText(inc), snapshotText(cold); a != b {
				t.Fatalf("seed %d step %d: incremental differs from cold:\n%s", seed, step, firstDiff(a, b))
			}
			text = mutate(r, text)
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n incremental: %s\n cold:        %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(al), len(bl))
}

// An edit far downstream re-labels little: most components keep their
// labels.
func TestIncrementalReuses(t *testing.T) {
	text := gen.Dataflow(1000, 3)
	s := NewSession("g.blazes")
	s.Update(Options{FS: memFS{"g.blazes": text}})
	// Toggle order on the last stream line: only its consumer changes.
	i := bytes.LastIndex(text, []byte("\nstream "))
	j := i + 1 + bytes.IndexByte(text[i+1:], '\n')
	edited := append(append(append([]byte(nil), text[:j]...), " order"...), text[j:]...)
	res := s.Update(Options{FS: memFS{"g.blazes": edited}})
	if n := len(res.Program().Components); res.Rebuilt || res.Evaluated > n/10 {
		t.Errorf("re-labelled %d of %d components (rebuilt %v)", res.Evaluated, n, res.Rebuilt)
	}
}
