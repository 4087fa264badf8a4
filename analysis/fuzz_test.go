package analysis

// Native fuzz targets for the analysis (go test -fuzz). Each execution is
// small: a generated dataflow of 5..60 components (internal/gen) or a
// testdata file, perturbed by edits the fuzz input drives, so that the
// engine runs thousands of executions a second. Each target checks one
// property the SPEC promises:
//
//   - FuzzDeclarationOrder: the result does not depend on the order of the
//     top-level declarations.
//   - FuzzMonotoneCoordination: adding order, or a compatible seal, to a
//     stream never makes a label more severe.
//   - FuzzFixes: every offered BLZ001/BLZ002/BLZ004 fix removes its
//     finding and creates no error.
//   - FuzzFormat: grammar.Format is idempotent and changes only layout.
//   - FuzzIncremental: Options.Prev + grammar.Reparse equals a cold load.
//   - FuzzAnalysisGarbage: arbitrary bytes never panic and every range
//     lies inside its file.
//
// scripts/fuzz.sh (make test) runs each for a bounded time; the seed
// corpora under testdata/fuzz/<Target>/ also run as plain tests.

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/internal/declorder"
	"github.com/blazes-dev/blazes/internal/gen"
	"github.com/blazes-dev/blazes/internal/golden"
)

const fuzzName = "fuzz.blazes"

var (
	fuzzFilesOnce sync.Once
	fuzzFiles     [][]byte // testdata files without imports
)

// fuzzTestdata returns the module's testdata .blazes files that have no
// import (a single-file memFS serves them).
func fuzzTestdata() [][]byte {
	fuzzFilesOnce.Do(func() {
		var names []string
		_ = filepath.WalkDir("../testdata", func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".blazes") {
				names = append(names, path)
			}
			return nil
		})
		sort.Strings(names)
		for _, n := range names {
			text, err := os.ReadFile(n)
			if err != nil || len(grammar.Parse(n, text).Imports) > 0 {
				continue
			}
			fuzzFiles = append(fuzzFiles, text)
		}
	})
	return fuzzFiles
}

// fuzzBase picks the starting text: mostly a generated dataflow of 5..60
// components, sometimes a testdata file.
func fuzzBase(sel uint8, seed int64) []byte {
	if files := fuzzTestdata(); sel >= 224 && len(files) > 0 {
		return files[int(sel)%len(files)]
	}
	return gen.Dataflow(5+int(sel)%56, seed)
}

// fuzzEdit applies the user-like edits of mutate, one per byte of ops (at
// most max), each driven by its byte.
func fuzzEdit(text []byte, seed int64, ops []byte, max int) []byte {
	for i, op := range ops {
		if i >= max {
			break
		}
		r := rand.New(rand.NewSource(seed ^ int64(i)<<32 ^ int64(op)))
		text = mutate(r, text)
	}
	return text
}

func fuzzLoad(text []byte) *Program {
	return Load(fuzzName, Options{FS: memFS{fuzzName: text}})
}

// fuzzSnapshot renders what must not depend on declaration order or
// layout: every label (sources, sinks, interfaces, paths, states, streams)
// and the diagnostics as a multiset of code+message (ranges ignored).
func fuzzSnapshot(p *Program) string {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	for _, list := range [][]*Iface{p.Sources, p.Sinks} {
		for _, i := range list {
			add("iface %s %s = %s", i.Dir, i.FullName(), i.Label)
		}
	}
	for _, c := range p.Components {
		add("state %s = %s rep=%v", c.Name, c.State, c.Replicated)
		for _, list := range [][]*Iface{c.Inputs, c.Outputs} {
			for _, i := range list {
				add("iface %s %s = %s", i.Dir, i.FullName(), i.Label)
			}
		}
		for _, q := range c.Paths {
			add("path %s: %s %s internal=%s out=%s coordinated=%v", c.Name, q.Name(), q.Annotation(), q.Internal, q.OutLabel, q.Coordinated)
		}
	}
	for _, s := range p.Streams {
		add("stream %s = %s", s.Name(), s.Label)
	}
	for _, d := range p.Diagnostics {
		add("diag %s %s %s", d.Code, d.Severity, d.Message)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func fuzzHas(p *Program, pred func(code string) bool) bool {
	for _, d := range p.Diagnostics {
		if pred(d.Code) {
			return true
		}
	}
	return false
}

func isError(code string) bool { return code == CodeSyntax || strings.HasPrefix(code, "BLZ1") }

// ---- FuzzDeclarationOrder ------------------------------------------------

func FuzzDeclarationOrder(f *testing.F) {
	f.Add(uint8(5), int64(1), []byte{})
	f.Add(uint8(40), int64(7), []byte{1, 2, 3})
	f.Add(uint8(230), int64(3), []byte{9})
	f.Fuzz(func(t *testing.T, sel uint8, seed int64, ops []byte) {
		text := fuzzEdit(fuzzBase(sel, seed), seed, ops, 8)
		base := fuzzLoad(text)
		// With a syntax error or a duplicate name the first declaration
		// wins: order-dependent by definition.
		if fuzzHas(base, func(c string) bool { return c == CodeSyntax || c == CodeDuplicate }) {
			return
		}
		want := fuzzSnapshot(base)
		r := rand.New(rand.NewSource(seed))
		for k := 0; k < 2; k++ {
			shuffled := declorder.Shuffle(r, text)
			if got := fuzzSnapshot(fuzzLoad(shuffled)); got != want {
				t.Fatalf("shuffle %d changes the result:\n%s\n--- original:\n%s\n--- shuffled:\n%s", k, golden.LineDiff(want, got), text, shuffled)
			}
		}
	})
}

// ---- FuzzMonotoneCoordination --------------------------------------------

// fuzzSealKey returns a key for a seal on s that is compatible with every
// gate of an order-sensitive path s's consumer reads it through (k ⊆ gate,
// or the empty key, which every gate accepts) and that the schemas at both
// ends carry; pick chooses among the candidates.
func fuzzSealKey(s *Stream, pick int) string {
	cands := map[string]bool{"": true}
	attrs := map[string]bool{}
	for _, l := range [][]string{s.From.Schema, s.To.Schema, {"key", "batch", "val"}} {
		for _, a := range l {
			attrs[a] = true
		}
	}
	for a := range attrs {
		cands[a] = true
	}
	if s.To.Comp != nil {
		for _, p := range s.To.Comp.Paths {
			if p.Kind.Confluent() {
				continue
			}
			reads := p.In == s.To
			for _, r := range p.relevant {
				reads = reads || r == s.To
			}
			if !reads {
				continue
			}
			for k := range cands {
				if k != "" && !Compatible(SealOn([]string{k}), p.Gate) {
					delete(cands, k)
				}
			}
		}
	}
	var keys []string
	for k := range cands {
		ok := true
		for _, i := range []*Iface{s.From, s.To} {
			if k != "" && i.HasSchema && !contains(i.Schema, k) {
				ok = false
			}
		}
		if ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys[pick%len(keys)]
}

// severityLE reports whether b is no more severe than a (Seal[*] counts
// as below Async, two seals are equal).
func severityLE(b, a Label) bool { return b.Severity() <= a.Severity() }

func internalRank(l Label) int {
	switch l.Kind {
	case NDRead:
		return 1
	case Taint:
		return 2
	}
	return 0
}

func FuzzMonotoneCoordination(f *testing.F) {
	f.Add(uint8(10), int64(1), []byte{0, 3, 1, 7})
	f.Add(uint8(55), int64(2), []byte{1, 200, 1, 13, 0, 99})
	f.Add(uint8(240), int64(5), []byte{1, 0})
	f.Fuzz(func(t *testing.T, sel uint8, seed int64, ops []byte) {
		text := fuzzBase(sel, seed)
		old := fuzzLoad(text)
		if len(old.Streams) == 0 {
			return
		}
		// Each pair of bytes is one addition: kind, then stream.
		type edit struct {
			at   int
			text string
		}
		var edits []edit
		var what []string
		used := map[*Stream]bool{}
		for i := 0; i+1 < len(ops) && len(edits) < 4; i += 2 {
			s := old.Streams[int(ops[i+1])%len(old.Streams)]
			if used[s] {
				continue
			}
			var add string
			if ops[i]%2 == 0 {
				if s.Order || hasAttr(s, grammar.AttrOrder) {
					continue
				}
				add = " order"
			} else {
				// A seal is only added where none is written, and not where a
				// seal already arrives: replacing Seal[j] by Seal[k] can
				// undo a coordination downstream, which is no addition.
				if s.Seal != nil || hasAttr(s, grammar.AttrSeal) || s.Label.Kind == Seal {
					continue
				}
				add = " seal(" + fuzzSealKey(s, int(ops[i])/2) + ")"
			}
			used[s] = true
			edits = append(edits, edit{int(s.Decl.Range.End), add})
			what = append(what, s.Name()+add)
		}
		if len(edits) == 0 {
			return
		}
		sort.Slice(edits, func(i, j int) bool { return edits[i].at > edits[j].at })
		buf := append([]byte(nil), text...)
		for _, e := range edits {
			buf = append(buf[:e.at:e.at], append([]byte(e.text), buf[e.at:]...)...)
		}
		nw := fuzzLoad(buf)
		if fuzzHas(nw, isError) && !fuzzHas(old, isError) {
			t.Fatalf("adding %v creates an error:\n%s", what, diagText(nw))
		}
		type rec struct {
			label, internal Label
		}
		before := map[string]rec{}
		collect := func(p *Program, visit func(name string, r rec)) {
			for _, list := range [][]*Iface{p.Sources, p.Sinks} {
				for _, i := range list {
					visit("iface "+i.FullName(), rec{label: i.Label})
				}
			}
			for _, c := range p.Components {
				visit("state "+c.Name, rec{label: c.State})
				for _, list := range [][]*Iface{c.Inputs, c.Outputs} {
					for _, i := range list {
						visit(i.Dir.String()+" "+i.FullName(), rec{label: i.Label})
					}
				}
				for _, q := range c.Paths {
					visit("path "+q.Title(), rec{q.OutLabel, q.Internal})
				}
			}
			for _, s := range p.Streams {
				visit("stream "+s.Name(), rec{label: s.Label})
			}
		}
		collect(old, func(name string, r rec) { before[name] = r })
		collect(nw, func(name string, r rec) {
			o, ok := before[name]
			if !ok {
				return // a second stream between the same ends
			}
			if !severityLE(r.label, o.label) || internalRank(r.internal) > internalRank(o.internal) {
				t.Errorf("adding %v raises %s from %s (internal %s) to %s (internal %s)",
					what, name, o.label, o.internal, r.label, r.internal)
			}
		})
		if t.Failed() {
			t.Logf("text:\n%s", buf)
		}
	})
}

func hasAttr(s *Stream, k grammar.AttrKind) bool {
	for _, a := range s.Decl.Attrs {
		if a.Kind == k {
			return true
		}
	}
	return false
}

func diagText(p *Program) string {
	var b strings.Builder
	for _, d := range p.Diagnostics {
		fmt.Fprintf(&b, "  %s %v %s %s\n", d.Code, d.Range, d.Severity, d.Message)
	}
	return b.String()
}

// ---- FuzzFixes -------------------------------------------------------------

// fuzzApply applies edits of one file (descending offsets; overlapping
// edits are an error).
func fuzzApply(text []byte, edits []Edit) ([]byte, error) {
	es := append([]Edit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Range.Start > es[j].Range.Start })
	buf := append([]byte(nil), text...)
	prev := len(buf) + 1
	for _, e := range es {
		if e.File != fuzzName {
			return nil, fmt.Errorf("edit of unknown file %s", e.File)
		}
		s, en := int(e.Range.Start), int(e.Range.End)
		if s < 0 || en < s || en > len(buf) || en > prev {
			return nil, fmt.Errorf("bad or overlapping edit %v", e.Range)
		}
		buf = append(buf[:s:s], append([]byte(e.NewText), buf[en:]...)...)
		prev = s
	}
	return buf, nil
}

// sameFinding reports whether code b after a fix is the finding a was:
// BLZ001 and BLZ002 are one finding (the fix may change which), BLZ004
// another.
func sameFinding(a, b string) bool {
	uncoord := func(c string) bool { return c == CodeUncoordinated || c == CodeWrongSeal }
	return a == b || uncoord(a) && uncoord(b)
}

func errorCounts(p *Program) map[string]int {
	m := map[string]int{}
	for _, d := range p.Diagnostics {
		if isError(d.Code) {
			m[d.Code+" "+d.Message]++
		}
	}
	return m
}

func FuzzFixes(f *testing.F) {
	f.Add(uint8(20), int64(1), []byte{})
	f.Add(uint8(45), int64(9), []byte{2, 0, 1})
	f.Add(uint8(250), int64(4), []byte{})
	f.Fuzz(func(t *testing.T, sel uint8, seed int64, ops []byte) {
		text := fuzzEdit(fuzzBase(sel, seed), seed, ops, 4)
		p := fuzzLoad(text)
		before := errorCounts(p)
		checked := 0
		for _, d := range p.Diagnostics {
			if d.Code != CodeUncoordinated && d.Code != CodeWrongSeal && d.Code != CodeScattered {
				continue
			}
			for _, fix := range d.Fixes {
				if checked++; checked > 24 {
					return // enough for one execution
				}
				fixed, err := fuzzApply(text, fix.Edits)
				if err != nil {
					t.Fatalf("%s on %s: %s: fix %q: %v", d.Code, d.Component, d.Path, fix.Title, err)
				}
				q := fuzzLoad(fixed)
				for _, e := range q.Diagnostics {
					if sameFinding(e.Code, d.Code) && e.Component == d.Component && e.Path == d.Path {
						t.Fatalf("%s on %s: %s: after fix %q, %s remains: %s\n--- text:\n%s\n--- fixed:\n%s", d.Code, d.Component, d.Path, fix.Title, e.Code, e.Message, text, fixed)
					}
				}
				for k, n := range errorCounts(q) {
					if n > before[k] {
						t.Fatalf("fix %q for %s on %s creates an error: %s\n--- text:\n%s\n--- fixed:\n%s", fix.Title, d.Code, d.Component, k, text, fixed)
					}
				}
			}
		}
	})
}

// ---- FuzzFormat ------------------------------------------------------------

var fuzzSpace = []string{" ", "  ", "\t", " /* c */ ", "\n", "\n\n", "\r\n", " // c\n", "\n\t  \n"}

// fuzzLayout changes only layout: each pair of op bytes picks a
// whitespace run (spread over the text) and rewrites it. A run without a
// newline gets spaces, tabs or a block comment; one with a newline keeps
// one (so a line comment stays closed), unless the line has no comment,
// then it may be joined with the next.
func fuzzLayout(text []byte, ops []byte) []byte {
	type run struct{ start, end int }
	var runs []run
	for i := 0; i < len(text); {
		if c := text[i]; c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			j := i
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r') {
				j++
			}
			runs = append(runs, run{i, j})
			i = j
			continue
		}
		i++
	}
	if len(runs) == 0 {
		return text
	}
	repl := map[int]string{}
	for i := 0; i+1 < len(ops); i += 2 {
		k := int(ops[i]) * len(runs) / 256
		rn := runs[k]
		ws := string(text[rn.start:rn.end])
		s := fuzzSpace[int(ops[i+1])%len(fuzzSpace)]
		nl := strings.Contains(ws, "\n")
		lineStart := bytes.LastIndexByte(text[:rn.start], '\n') + 1
		commented := bytes.Contains(text[lineStart:rn.start], []byte("//")) || bytes.Contains(text[lineStart:rn.start], []byte("/*"))
		switch {
		case nl && !strings.Contains(s, "\n") && commented:
			s += "\n"
		case !nl && strings.Contains(s, "//"):
			s = " /* c */ "
		}
		repl[k] = s
	}
	var b bytes.Buffer
	last := 0
	for k, rn := range runs {
		if s, ok := repl[k]; ok {
			b.Write(text[last:rn.start])
			b.WriteString(s)
			last = rn.end
		}
	}
	b.Write(text[last:])
	return b.Bytes()
}

func commentWords(f *grammar.File) []string {
	var out []string
	for _, c := range f.Comments {
		out = append(out, strings.Join(strings.Fields(c.Text), " "))
	}
	return out
}

func FuzzFormat(f *testing.F) {
	f.Add(uint8(8), int64(1), []byte{})
	f.Add(uint8(30), int64(2), []byte{0, 3, 40, 5, 128, 6, 200, 1, 255, 7})
	f.Add(uint8(226), int64(0), []byte{10, 3, 90, 4, 160, 7})
	f.Fuzz(func(t *testing.T, sel uint8, seed int64, ops []byte) {
		text := fuzzLayout(fuzzBase(sel, seed), ops)
		pf := grammar.Parse(fuzzName, text)
		if len(pf.Errors) > 0 {
			return
		}
		out, err := grammar.Format(pf)
		if err != nil {
			t.Fatalf("Format: %v\n%s", err, text)
		}
		qf := grammar.Parse(fuzzName, out)
		if len(qf.Errors) > 0 {
			t.Fatalf("formatted text has a syntax error: %s\n--- input:\n%s\n--- formatted:\n%s", qf.Errors[0].Msg, text, out)
		}
		if again, err := grammar.Format(qf); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Format is not idempotent (err %v)\n--- once:\n%s\n--- twice:\n%s", err, out, again)
		}
		if a, b := strings.Join(commentWords(pf), "\x00"), strings.Join(commentWords(qf), "\x00"); a != b {
			t.Fatalf("comments changed:\n%q\n%q\n--- input:\n%s\n--- formatted:\n%s", commentWords(pf), commentWords(qf), text, out)
		}
		want := fuzzSnapshot(fuzzLoad(text))
		if got := fuzzSnapshot(fuzzLoad(out)); got != want {
			t.Fatalf("formatting changes the analysis:\n%s\n--- input:\n%s\n--- formatted:\n%s", golden.LineDiff(want, got), text, out)
		}
	})
}

// ---- FuzzIncremental -------------------------------------------------------

// fuzzSnippets are raw insertions that break and mend declarations.
var fuzzSnippets = []string{"}", "{", "\n", "stream ", "component Z {", " -> ", ":", " : OW[key]", "(", ")", ",", "seal(batch)", "// x", "/*", "*/", "C0", ".res", "source", "\x00", "é"}

// fuzzStep makes one edit driven by op: mostly mutate's user-like edits,
// sometimes a raw insertion or deletion at an arbitrary offset.
func fuzzStep(text []byte, seed int64, i int, op byte) []byte {
	r := rand.New(rand.NewSource(seed ^ int64(i)<<32 ^ int64(op)))
	switch {
	case op%8 == 6 && len(text) > 0: // insert a snippet
		at := r.Intn(len(text) + 1)
		s := fuzzSnippets[r.Intn(len(fuzzSnippets))]
		return append(append(append([]byte(nil), text[:at]...), s...), text[at:]...)
	case op%8 == 7 && len(text) > 0: // delete a few bytes
		at := r.Intn(len(text))
		end := min(len(text), at+1+r.Intn(12))
		return append(append([]byte(nil), text[:at]...), text[end:]...)
	}
	return mutate(r, text)
}

// fuzzEdits fuzzes sequences of up to 24 edits (fuzzStep) of a starting
// text (fuzzBase): for each input, newCheck makes the checker of one
// sequence, which sees every text of it in turn.
func fuzzEdits(f *testing.F, newCheck func() func(t *testing.T, step int, text []byte)) {
	f.Add(uint8(30), int64(1), []byte{0, 1, 2, 3, 4, 5, 6, 7})
	f.Add(uint8(60), int64(3), []byte{4, 4, 12, 2, 2, 14, 15})
	f.Add(uint8(231), int64(2), []byte{6, 7, 1, 0})
	f.Fuzz(func(t *testing.T, sel uint8, seed int64, ops []byte) {
		text := fuzzBase(sel, seed)
		if len(ops) > 24 {
			ops = ops[:24]
		}
		check := newCheck()
		for i := 0; i <= len(ops); i++ {
			if i > 0 {
				text = fuzzStep(text, seed, i, ops[i-1])
			}
			check(t, i, text)
		}
	})
}

func FuzzIncremental(f *testing.F) {
	fuzzEdits(f, func() func(*testing.T, int, []byte) {
		s := NewSession(fuzzName)
		return func(t *testing.T, i int, text []byte) {
			fsys := memFS{fuzzName: text}
			inc := s.Update(Options{FS: fsys}).Program()
			cold := Load(fuzzName, Options{FS: fsys})
			if a, b := snapshotText(inc), snapshotText(cold); a != b {
				t.Fatalf("step %d: incremental differs from cold:\n%s\n--- text:\n%s", i, firstDiff(a, b), text)
			}
		}
	})
}

// ---- FuzzAnalysisGarbage -----------------------------------------------------

func FuzzAnalysisGarbage(f *testing.F) {
	f.Add([]byte(""))
	f.Add(gen.Dataflow(6, 1))
	f.Add(gen.Dataflow(6, 2)[:150])
	f.Add([]byte("component A { a -> b : OR[x, y] }\nstream A.b -> c seal() rep order\nstream A.b -> A.a rep"))
	f.Add([]byte("import \"x.blazes\"\nimport \"../y\"\nimport \"/etc/passwd\"\nimport \"\"\nsource a(\x00\xff"))
	f.Add([]byte("source s(k) seal(z) seal(k) rep rep\nsink s\ncomponent s { in x(k) in x out y y -> y : OW[q] y -> y : CR }\nstream s -> s.y\nstream s.y -> s"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := Load(fuzzName, Options{FS: memFS{fuzzName: data}})
		if p.LoadErr != nil {
			t.Fatalf("LoadErr on a served file: %v", p.LoadErr)
		}
		inFile := func(what string, file string, r grammar.Range) {
			gf := p.FileNamed(file)
			if gf == nil {
				t.Fatalf("%s names a file not in the program: %q", what, file)
			}
			if r.Start < 0 || r.End < r.Start || int(r.End) > len(gf.Text) {
				t.Fatalf("%s: range %v outside %s (%d bytes)", what, r, file, len(gf.Text))
			}
		}
		for _, d := range p.Diagnostics {
			inFile(d.Code+" "+d.Message, d.File, d.Range)
			for _, rel := range d.Related {
				inFile(d.Code+" related "+rel.Message, rel.File, rel.Range)
			}
			for _, fx := range d.Fixes {
				for _, e := range fx.Edits {
					inFile(d.Code+" fix "+fx.Title, e.File, e.Range)
				}
				if _, err := fuzzApply(data, fx.Edits); err != nil {
					t.Fatalf("%s fix %q: %v", d.Code, fx.Title, err)
				}
			}
		}
		// Derivations and explanations are computed on demand: they must
		// not panic either.
		for _, c := range p.Components {
			_ = Explain(c)
			for _, q := range c.Paths {
				_ = Explain(q)
				_ = q.InternalDerivation()
			}
			for _, list := range [][]*Iface{c.Inputs, c.Outputs} {
				for _, i := range list {
					_ = Explain(i)
				}
			}
		}
		for _, s := range p.Streams {
			_ = Explain(s)
		}
		_ = p.DOT()
	})
}

// Regression (found by FuzzFixes): with seal written twice (BLZ109) the
// last one is used, on a source as on a stream, and a seal fix replaces
// that one, so that the fix takes effect.
func TestDuplicateSealLastWins(t *testing.T) {
	for _, text := range []string{
		"source events(key, val) seal(val) seal(key)\ncomponent Agg { rec -> res : OW[key] }\nstream events -> Agg.rec\n",
		"source events(key, val)\ncomponent Agg { rec -> res : OW[key] }\nstream events -> Agg.rec seal(val) seal(key)\n",
	} {
		p := fuzzLoad([]byte(text))
		agg := p.Component("Agg")
		if agg == nil || agg.Inputs[0].Label != SealOn([]string{"key"}) || !agg.Paths[0].Coordinated {
			t.Errorf("%s: want Agg.rec Seal[key], coordinated:\n%s", text, snapshotText(p))
		}
	}
	text := []byte("source events(key, val)\ncomponent Agg { rec -> res : OW[] }\nstream events -> Agg.rec seal(val) seal(key)\n")
	p := fuzzLoad(text)
	for _, d := range p.Diagnostics {
		if d.Code != CodeWrongSeal {
			continue
		}
		for _, fx := range d.Fixes {
			fixed, err := fuzzApply(text, fx.Edits)
			if err != nil {
				t.Fatal(err)
			}
			if q := fuzzLoad(fixed); fuzzHas(q, func(c string) bool { return c == CodeUncoordinated || c == CodeWrongSeal }) {
				t.Errorf("fix %q leaves the finding:\n%s", fx.Title, fixed)
			}
		}
	}
}

// Regression (found by FuzzFixes): a seal fix does not climb onto a stream
// whose producer's schema lacks an attribute of the key (that would be a
// BLZ103); it stays on the stream below.
func TestSealFixStopsAtProducerWithoutKey(t *testing.T) {
	text := []byte(`source events(key, val)
component Map { rec -> res : CR }
component Table { upd -> res : OW[key, batch] }
stream events -> Map.rec
stream Map.res -> Table.upd
`)
	p := fuzzLoad(text)
	before := errorCounts(p)
	n := 0
	for _, d := range p.Diagnostics {
		if d.Code != CodeUncoordinated {
			continue
		}
		for _, fx := range d.Fixes {
			n++
			fixed, err := fuzzApply(text, fx.Edits)
			if err != nil {
				t.Fatal(err)
			}
			q := fuzzLoad(fixed)
			for k, c := range errorCounts(q) {
				if c > before[k] {
					t.Errorf("fix %q creates %s:\n%s", fx.Title, k, fixed)
				}
			}
			if fuzzHas(q, func(c string) bool { return c == CodeUncoordinated || c == CodeWrongSeal }) {
				t.Errorf("fix %q leaves the finding:\n%s", fx.Title, fixed)
			}
		}
	}
	if n == 0 {
		t.Fatalf("no fix offered:\n%s", diagText(p))
	}
}
