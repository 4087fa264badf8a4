package analysis

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/internal/gen"
)

// diagsText renders diagnostics in full (locations, related information,
// fixes with their edits), one line per item, for comparisons.
func diagsText(ds []*Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s:%v %s %s [%s %s %s] %s\n", d.File, d.Range, d.Code, d.Severity, d.Component, d.Path, d.Label, d.Message)
		for _, r := range d.Related {
			fmt.Fprintf(&b, "  related %s:%v %s\n", r.File, r.Range, r.Message)
		}
		for _, f := range d.Fixes {
			fmt.Fprintf(&b, "  fix %q %s preferred=%v %v\n", f.Title, f.Kind, f.Preferred, f.Edits)
		}
	}
	return b.String()
}

// checkSession updates s and compares its diagnostics with Load's.
func checkSession(t *testing.T, s *Session, root string, fsys FS, what string) *Result {
	t.Helper()
	res := s.Update(Options{FS: fsys})
	cold := Load(root, Options{FS: fsys})
	if (res.LoadErr == nil) != (cold.LoadErr == nil) {
		t.Fatalf("%s: load error %v, Load says %v", what, res.LoadErr, cold.LoadErr)
	}
	if a, b := diagsText(res.Diagnostics), diagsText(cold.Diagnostics); a != b {
		t.Fatalf("%s: session differs from Load:\n%s", what, firstDiff(a, b))
	}
	return res
}

// Every file of testdata, imports included, gives the diagnostics Load
// gives, on a first update and after a no-op one.
func TestSessionEqualsLoadOnTestdata(t *testing.T) {
	var roots []string
	_ = filepath.WalkDir("../testdata", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".blazes") {
			roots = append(roots, path)
		}
		return nil
	})
	if len(roots) < 30 {
		t.Fatalf("found only %d testdata files", len(roots))
	}
	for _, root := range roots {
		s := NewSession(root)
		res := checkSession(t, s, root, OSFS{}, root)
		if !res.Rebuilt {
			t.Errorf("%s: a first update must build everything", root)
		}
		res = checkSession(t, s, root, OSFS{}, root+" (again)")
		if res.Rebuilt || res.Evaluated != 0 {
			t.Errorf("%s: an update with nothing changed rebuilt=%v evaluated %d components", root, res.Rebuilt, res.Evaluated)
		}
	}
}

// After every edit of random sequences of user-like and raw edits of
// generated dataflows, the session's diagnostics equal Load's.
func TestSessionEdits(t *testing.T) {
	seeds, steps := 8, 60
	if testing.Short() {
		seeds, steps = 2, 20
	}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		r := rand.New(rand.NewSource(seed))
		text := gen.Dataflow(120, seed)
		s := NewSession(fuzzName)
		for step := 0; step < steps; step++ {
			checkSession(t, s, fuzzName, memFS{fuzzName: text}, fmt.Sprintf("seed %d step %d", seed, step))
			text = fuzzStep(text, seed, step, byte(r.Intn(256)))
		}
	}
}

// An edit in the middle of a large dataflow re-labels and re-checks a
// small part of it.
func TestSessionEditIsLocal(t *testing.T) {
	text := gen.Dataflow(2000, 1)
	s := NewSession(fuzzName)
	checkSession(t, s, fuzzName, memFS{fuzzName: text}, "open")
	at := bytes.Index(text, []byte("\nstream src")) + len("\nstream ")
	at += len(text[at:]) / 2
	at += bytes.Index(text[at:], []byte("\nstream ")) + len("\nstream ")
	for i, edit := range []string{"x", ""} {
		var next []byte
		if edit == "x" {
			next = append(append(append([]byte(nil), text[:at]...), 'x'), text[at:]...)
		} else {
			next = text
		}
		res := checkSession(t, s, fuzzName, memFS{fuzzName: next}, fmt.Sprintf("edit %d", i))
		if res.Rebuilt || res.Evaluated > 400 || res.Findings > 400 {
			t.Errorf("edit %d: rebuilt=%v, %d components re-labelled, %d re-checked, of 2000", i, res.Rebuilt, res.Evaluated, res.Findings)
		}
	}
}

// Edits of an imported file and of the importing one, and an import that
// comes and goes, keep the session equal to Load.
func TestSessionImports(t *testing.T) {
	dir := t.TempDir()
	src := "../testdata/paper/adtrack"
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err == nil {
			if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	texts := map[string][]byte{}
	var root string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		texts[p], _ = os.ReadFile(p)
		if bytes.Contains(texts[p], []byte("import ")) && root == "" {
			root = p
		}
	}
	if root == "" {
		t.Fatal("no importing file in testdata/paper/adtrack")
	}
	s := NewSession(root)
	r := rand.New(rand.NewSource(7))
	names := make([]string, 0, len(texts))
	for p := range texts {
		names = append(names, p)
	}
	for step := 0; step < 60; step++ {
		fsys := memFS{}
		for p, t := range texts {
			fsys[p] = t
		}
		checkSession(t, s, root, fsys, fmt.Sprintf("step %d", step))
		p := names[r.Intn(len(names))]
		switch r.Intn(5) {
		case 0: // an import that breaks, then mends
			if bytes.Contains(texts[p], []byte("import \"")) {
				texts[p] = bytes.Replace(texts[p], []byte("import \""), []byte("import \"nope/"), 1)
			} else {
				texts[p] = bytes.Replace(texts[p], []byte("import \"nope/"), []byte("import \""), 1)
			}
		default:
			texts[p] = fuzzStep(texts[p], 7, step, byte(r.Intn(256)))
		}
	}
}

func FuzzSession(f *testing.F) {
	fuzzEdits(f, func() func(*testing.T, int, []byte) {
		s := NewSession(fuzzName)
		return func(t *testing.T, i int, text []byte) {
			checkSession(t, s, fuzzName, memFS{fuzzName: text}, fmt.Sprintf("step %d", i))
		}
	})
}

// OccurrenceAt, which looks only at the declarations around the offset,
// finds what a scan of every occurrence of the file finds, at every
// offset of every testdata file and of a broken one.
func TestOccurrenceAtEqualsScan(t *testing.T) {
	var names []string
	_ = filepath.WalkDir("../testdata", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".blazes") {
			names = append(names, path)
		}
		return nil
	})
	texts := [][]byte{[]byte("dataflow d\nsource s(a) seal(a)\ncomponent C { in i(a)\n i -> o : OW[a]\nstream s -> C.i order\nstream C.o -> k\n")}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, b)
	}
	for _, text := range texts {
		f := grammar.Parse("x.blazes", text)
		occs := Occurrences(f)
		for off := grammar.Pos(0); int(off) <= len(text); off++ {
			var want *Occurrence
			for i := range occs {
				if o := &occs[i]; o.Range.Contains(off) && (want == nil || o.Range.Start == off) {
					want = o
				}
			}
			got := OccurrenceAt(f, off)
			if (got == nil) != (want == nil) || got != nil && (got.Sym != want.Sym || got.Range != want.Range || got.Decl != want.Decl) {
				t.Fatalf("offset %d of %q: got %+v, want %+v", off, text, got, want)
			}
		}
	}
}

// After a rebuild (the set of files changed), nothing of the old graph
// stays reachable from the session: a big file edited down to a small
// one must not keep its old declarations alive.
func TestSessionRebuildReleasesOldGraph(t *testing.T) {
	big := gen.Dataflow(300, 1)
	s := NewSession("main.blazes")
	s.Update(Options{FS: memFS{"main.blazes": big}, Root: "/"})
	var old []weak.Pointer[entry]
	for _, f := range s.files {
		for _, e := range f.entries {
			old = append(old, weak.Make(e))
		}
	}
	if len(old) < 300 {
		t.Fatalf("only %d entries", len(old))
	}
	// An import of a file that is not there changes nothing in the set
	// of files; one that is there does, and the text shrinks.
	small := []byte("import \"lib.blazes\"\nsource s\n")
	s.Update(Options{FS: memFS{"main.blazes": small, "lib.blazes": []byte("sink k\n")}, Root: "/"})
	runtime.GC()
	runtime.GC()
	alive := 0
	for _, w := range old {
		if w.Value() != nil {
			alive++
		}
	}
	if alive > 0 {
		t.Errorf("%d of %d entries of the old graph are still reachable", alive, len(old))
	}
	runtime.KeepAlive(s)
}

// The "did you mean" of an unknown name follows the names declared
// anywhere: declaring, renaming and removing a near name updates it, as
// Load would say it.
func TestSessionSuggestionFollowsDeclarations(t *testing.T) {
	base := "source events(key)\ncomponent Map { rec -> res : CR }\nstream events -> Map.rec\nstream Mapper.res -> Map.rec\n"
	s := NewSession(fuzzName)
	steps := []string{
		base,
		base + "component Mappr { x -> res : CR }\nstream events -> Mappr.x\n",
		base + "component Mapperz { x -> res : CR }\nstream events -> Mapperz.x\n",
		base,
	}
	want := []string{"", "did you mean Mappr?", "did you mean Mapperz?", ""}
	for i, text := range steps {
		res := checkSession(t, s, fuzzName, memFS{fuzzName: []byte(text)}, fmt.Sprintf("step %d", i))
		var msg string
		for _, d := range res.Diagnostics {
			if d.Code == CodeUnknownName {
				msg = d.Message
			}
		}
		if !strings.Contains(msg, "unknown component Mapper") || (want[i] != "" && !strings.Contains(msg, want[i])) || (want[i] == "" && strings.Contains(msg, "did you mean")) {
			t.Errorf("step %d: BLZ101 says %q, want %q", i, msg, want[i])
		}
	}
}

// BLZ301 follows edits anywhere in the dataflow: a second mention of the
// name, a schema at an end of the sealed stream, a new near name for the
// suggestion, and the mention going away again.
func TestSessionTyposFollowEdits(t *testing.T) {
	base := "source s(key, batch)\ncomponent C { x -> y : OW[key, bach] }\ncomponent D { x -> y : CW }\nstream s -> C.x\nstream C.y -> D.x seal(zone)\n"
	steps := []struct {
		text  string
		typos []string // substrings, one per BLZ301
	}{
		{base, []string{"bach appears nowhere else in the dataflow and no schema declares it: did you mean batch?", "zone appears"}},
		{base + "source t(bach)\n", []string{"zone appears"}},
		{base + "component E { in x(zone)  x -> y : CR }\n", []string{"bach"}},
		{strings.Replace(base, "component D { x", "component D { in x(a)  x", 1), []string{"bach"}},
		{strings.Replace(base, "batch", "other", 1), []string{"bach appears nowhere else in the dataflow and no schema declares it: a misspelling?", "zone"}},
		{base, []string{"did you mean batch?", "zone"}},
	}
	s := NewSession(fuzzName)
	for i, st := range steps {
		res := checkSession(t, s, fuzzName, memFS{fuzzName: []byte(st.text)}, fmt.Sprintf("step %d", i))
		var got []string
		for _, d := range res.Diagnostics {
			if d.Code == CodeAttrTypo {
				got = append(got, d.Message)
			}
		}
		n := 0
		for _, want := range st.typos {
			for _, g := range got {
				if strings.Contains(g, want) {
					n++
					break
				}
			}
		}
		if n != len(st.typos) || len(got) != len(st.typos) {
			t.Errorf("step %d: BLZ301 %q, want %q", i, got, st.typos)
		}
	}
}

// The suggestion of a BLZ301 changes with a name declared far from it (the
// piece holding the typo is not touched by the edit).
func TestSessionTypoSuggestionFollowsFarNames(t *testing.T) {
	head := "component C { x -> y : OW[bach] }\nstream s -> C.x\n\n"
	s := NewSession(fuzzName)
	for i, st := range []struct{ tail, want string }{
		{"source s(batch)\n", "did you mean batch?"},
		{"source s(other)\n", "a misspelling?"},
		{"source s(bath)\n", "did you mean bath?"},
	} {
		res := checkSession(t, s, fuzzName, memFS{fuzzName: []byte(head + st.tail)}, fmt.Sprintf("step %d", i))
		var got []string
		for _, d := range res.Diagnostics {
			if d.Code == CodeAttrTypo {
				got = append(got, d.Message)
			}
		}
		if len(got) != 1 || !strings.Contains(got[0], st.want) {
			t.Errorf("step %d: BLZ301 %q, want one saying %q", i, got, st.want)
		}
	}
}

// TestLoadDiagnosticsAreTheirOwnOrigin: a diagnostic of Load is its own
// origin (Diagnostic.Origin), so that the session's relative copies, and
// the per-piece files they point to, are not kept alive by the program;
// a session updated again keeps its origins, which the server needs.
func TestLoadDiagnosticsAreTheirOwnOrigin(t *testing.T) {
	text := gen.Dataflow(300, 1)
	fs := memFS{fuzzName: text}
	p := Load(fuzzName, Options{FS: fs})
	if len(p.Diagnostics) == 0 {
		t.Fatal("no diagnostics to check")
	}
	for _, d := range p.Diagnostics {
		if d.Origin() != d {
			t.Fatalf("%s at %v: origin is another diagnostic", d.Code, d.Range)
		}
	}
	res := NewSession(fuzzName).Update(Options{FS: fs})
	kept := 0
	for _, d := range res.Diagnostics {
		if d.Origin() != d {
			kept++
		}
	}
	if kept == 0 {
		t.Error("a session's diagnostics keep no origin")
	}
}
