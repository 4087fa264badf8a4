package grammar

import (
	"bytes"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	igen "github.com/blazes-dev/blazes/internal/gen"
)

// checkDoc verifies d against want, the Parse of its text: its File and
// its Errors equal Parse's, and its pieces are Parse's chunks (see
// checkPieces).
func checkDoc(t testing.TB, d *Doc, want *File) {
	t.Helper()
	if got := d.File(); !equalFiles(got, want) {
		t.Fatalf("File differs from Parse on %q\n%s", d.Text, diffFiles(got, want))
	}
	if got := d.Errors(); !reflect.DeepEqual(got, want.Errors) {
		g := *want
		g.Errors = got
		t.Fatalf("Errors differ from Parse on %q\n%s", d.Text, diffFiles(&g, want))
	}
	if d.clean() != (len(want.Errors) == 0) {
		t.Fatalf("clean is %v with %d errors on %q", d.clean(), len(want.Errors), d.Text)
	}
	checkPieces(t, d, want)
}

// checkPieces verifies that the pieces of d, moved from their Base to
// their starts, are the chunks of want, and that every node of a piece
// lies inside the piece's text, on the same text as the full parse's node.
func checkPieces(t testing.TB, d *Doc, want *File) {
	t.Helper()
	ps := d.Pieces()
	if len(ps) != len(want.chunks) {
		t.Fatalf("%d pieces, want %d, on %q", len(ps), len(want.chunks), d.Text)
	}
	var ar arena
	seen := make(map[*Piece]bool, len(ps))
	for i, p := range ps {
		if seen[p] {
			t.Fatalf("piece %d is also at another index", i)
		}
		seen[p] = true
		c, s := want.chunks[i], d.Start(i)
		src := p.Source()
		m := s - p.Base // what moves the piece's nodes to their place
		switch {
		case p.Base < 0 || len(src) != p.Base+len(p.Text) || !bytes.Equal(src[p.Base:], p.Text):
			t.Fatalf("piece %d: source of %d bytes from base %d does not end with its text", i, len(src), p.Base)
		case s != c.start:
			t.Fatalf("piece %d starts at %d, want %d", i, s, c.start)
		case !bytes.Equal(p.Text, want.Text[c.start:c.end]):
			t.Fatalf("piece %d text %q, want %q", i, p.Text, want.Text[c.start:c.end])
		case p.Kw != c.kw || p.Newlines != bytes.Count(p.Text, []byte{'\n'}):
			t.Fatalf("piece %d: keyword %q, %d newlines", i, p.Kw, p.Newlines)
		case !reflect.DeepEqual(p.c.shift(&ar, m), c):
			t.Fatalf("piece %d: chunk %+v moved by %d is not %+v", i, *p.c, m, *c)
		case !reflect.DeepEqual(ar.shiftDecl(p.Decl, m), c.decl) || !reflect.DeepEqual(ar.shiftIdent(p.Dataflow, m), c.dataflow):
			t.Fatalf("piece %d: declaration differs from the chunk's", i)
		}
		if (p.Import == nil) != (c.imp == nil) || p.Import != nil && (p.Import.Path != c.imp.Path || p.Import.Range.Shift(m) != c.imp.Range || p.Import.PathRange.Shift(m) != c.imp.PathRange) {
			t.Fatalf("piece %d: import %+v, want %+v", i, p.Import, c.imp)
		}
		pf := &File{Text: src, Dataflow: p.Dataflow}
		if p.Import != nil {
			pf.Imports = []*Import{p.Import}
		}
		if p.Decl != nil {
			pf.Decls = []Decl{p.Decl}
		}
		checkRanges(t, pf)
		walk(pf, func(n Node) {
			r := n.Span()
			if int(r.Start) < p.Base {
				t.Fatalf("piece %d: %T at %v starts before the piece (base %d)", i, n, r, p.Base)
			}
			if got, w := src[r.Start:r.End], want.Text[int(r.Start)+m:int(r.End)+m]; !bytes.Equal(got, w) {
				t.Fatalf("piece %d: %T at %v is %q, want %q", i, n, r, got, w)
			}
		})
	}
}

// checkSplice verifies that the pieces of next outside sp are those of
// prev, same pointers.
func checkSplice(t testing.TB, prev, next *Doc, sp Splice) {
	t.Helper()
	op, np := prev.Pieces(), next.Pieces()
	if sp.Start < 0 || sp.Start > sp.OldEnd || sp.OldEnd > len(op) || sp.Start > sp.NewEnd || sp.NewEnd > len(np) || len(op)-sp.OldEnd != len(np)-sp.NewEnd {
		t.Fatalf("splice %+v of %d pieces into %d", sp, len(op), len(np))
	}
	for i := 0; i < sp.Start; i++ {
		if op[i] != np[i] {
			t.Fatalf("splice %+v: piece %d before it is not shared", sp, i)
		}
	}
	for k := 0; sp.OldEnd+k < len(op); k++ {
		if op[sp.OldEnd+k] != np[sp.NewEnd+k] {
			t.Fatalf("splice %+v: piece %d after it is not shared", sp, sp.OldEnd+k)
		}
	}
}

// docEdit picks an edit of text: one of randomEditFor's, or bytes that
// are no text at all (NUL, invalid UTF-8, control characters), or a
// piece of junk taken from junk.
func docEdit(r *rand.Rand, text, junk []byte) edit {
	if r.Intn(5) > 0 {
		return randomEditFor(r, text)
	}
	i := r.Intn(len(text) + 1)
	j := min(i+r.Intn(3), len(text))
	if len(junk) > 0 && r.Intn(2) == 0 {
		a := r.Intn(len(junk))
		return edit{i, j, string(junk[a:min(a+1+r.Intn(16), len(junk))])}
	}
	return edit{i, j, []string{"\x00", "\xff", "\xc3", "\xe2\x82", "\x00source\x00", "\x7f{", "\"\xff\""}[r.Intn(7)]}
}

// applyDoc applies e to d in one of the ways a caller may: Edit with its
// offsets, Reparse, or Edit with offsets that do not describe the edit.
func applyDoc(r *rand.Rand, d *Doc, e edit) (*Doc, Splice, []byte) {
	next, newEnd := e.apply(d.Text)
	switch r.Intn(8) {
	case 0:
		nd, sp := reparseDoc(d, next)
		return nd, sp, next
	case 1:
		nd, sp := d.Edit(next, e.start, e.oldEnd+1, newEnd, nil)
		return nd, sp, next
	}
	nd, sp := d.Edit(next, e.start, e.oldEnd, newEnd, nil)
	return nd, sp, next
}

// docSeeds are the texts the sequence tests start from.
func docSeeds(t testing.TB, r *rand.Rand) [][]byte {
	seeds := [][]byte{[]byte(example), []byte(""), []byte("\r\n\r\n"), genBig(20), igen.Dataflow(60, 1), igen.Dataflow(1, 2),
		[]byte("dataflow d\nimport \"x\"\nsource s\nimport \"y\"\ndataflow e\ncomponent C {\n in i\n\x00\xff\nstream C.i -> s seal(\n"),
		bytes.Repeat([]byte("source s\x00 ?\n"), 60), // more lexical errors than are reported
		[]byte(v2Example)}
	for _, p := range testdataFiles(t) {
		seeds = append(seeds, readFile(t, p))
	}
	for i := 0; i < 6; i++ {
		seeds = append(seeds, []byte(gen(r, 12)))
	}
	junk := make([]byte, 300)
	r.Read(junk)
	return append(seeds, junk)
}

// TestDocEqualsParse: for every seed, NewDoc equals Parse, and so does
// every Doc of a sequence of 100 random edits, each applied to the
// previous Doc; the pieces outside each splice are shared, and the
// previous Doc is never modified.
func TestDocEqualsParse(t *testing.T) {
	watchDisagreement(t)
	r := rand.New(rand.NewSource(5))
	steps := 100
	if testing.Short() {
		steps = 30
	}
	for si, seed := range docSeeds(t, r) {
		d, want := NewDoc("n", seed), Parse("n", seed)
		checkDoc(t, d, want)
		for step := 0; step < steps; step++ {
			e := docEdit(r, d.Text, seed)
			nd, sp, next := applyDoc(r, d, e)
			nwant := Parse("n", next)
			checkDoc(t, nd, nwant)
			checkSplice(t, d, nd, sp)
			if !equalFiles(d.File(), want) {
				t.Fatalf("seed %d step %d: Edit modified the previous File", si, step)
			}
			checkPieces(t, d, want)
			d, want = nd, nwant
		}
	}
}

// TestDocOrder: the errors about the order of a file's parts, in files
// without other errors, where Errors cannot lean on the pieces' own.
func TestDocOrder(t *testing.T) {
	for _, text := range []string{
		"dataflow a\nimport \"x\"\nsource s\n", "// c\ndataflow a\nimport \"x\"\nimport \"y\"\nsink k\nstream s -> k\n", "",
		"source s\nimport \"x\"\n", "dataflow a\ndataflow b\n", "import \"x\"\ndataflow a\n", "source s\ndataflow a\n",
		"dataflow a\nsource s\nimport \"x\"\ndataflow b\n",
	} {
		d := NewDoc("n", []byte(text))
		checkDoc(t, d, Parse("n", []byte(text)))
	}
}

// TestDocGen: generated dataflows of several sizes.
func TestDocGen(t *testing.T) {
	for _, n := range []int{1, 40, 400} {
		for seed := int64(1); seed <= 3; seed++ {
			text := igen.Dataflow(n, seed)
			d := NewDoc("g", text)
			checkDoc(t, d, Parse("g", text))
			if len(d.Errors()) > 0 {
				t.Fatalf("n=%d seed=%d: %v", n, seed, d.Errors()[0])
			}
		}
	}
}

// TestDocShares: a one-character edit in a big file replaces one piece
// and shares all others, however far the others move; the declarations
// of the shared pieces are the same nodes.
func TestDocShares(t *testing.T) {
	text := igen.Dataflow(2000, 1)
	d := NewDoc("g", text)
	for _, frac := range []float64{0.02, 0.5, 0.98} {
		edited, i := oneCharEdit(text, frac)
		nd, sp := d.Edit(edited, i, i, i+1, nil)
		if sp.OldEnd != sp.Start+1 || sp.NewEnd != sp.Start+1 {
			t.Fatalf("at %v: splice %+v, want one piece", frac, sp)
		}
		checkSplice(t, d, nd, sp)
		for k, p := range nd.Pieces() {
			if k != sp.Start && p.Decl != d.Pieces()[k].Decl {
				t.Fatalf("at %v: declaration of piece %d not shared", frac, k)
			}
		}
		if p := nd.Pieces()[sp.Start]; p == d.Pieces()[sp.Start] || !bytes.Contains(p.Text, []byte("x")) {
			t.Fatalf("at %v: the edited piece was not replaced", frac)
		}
		back, bsp := nd.Edit(text, i, i+1, i, nil)
		checkSplice(t, nd, back, bsp)
		checkDoc(t, back, Parse("g", text))
	}
}

// TestDocOneTree: the pieces of a whole parse are the parse's nodes, not
// a copy, and a File built after an edit shares every piece the edit did
// not move.
func TestDocOneTree(t *testing.T) {
	text := igen.Dataflow(200, 1)
	d := NewDoc("g", text)
	f := d.File()
	for i, p := range d.Pieces() {
		if p.Base != d.Start(i) {
			t.Fatalf("piece %d: base %d, start %d", i, p.Base, d.Start(i))
		}
		if p.Decl != nil && p.Decl != f.chunks[i].decl {
			t.Fatalf("piece %d: its declaration is a copy of the file's", i)
		}
	}
	// An insertion near the end moves only the pieces after it.
	edited, i := oneCharEdit(text, 0.98)
	nd, sp := d.Edit(edited, i, i, i+1, nil)
	nf := nd.File()
	if sp.Start < 10 {
		t.Fatalf("splice %+v: the edit is not near the end", sp)
	}
	for k := 0; k < sp.Start; k++ {
		if nf.chunks[k].decl != f.chunks[k].decl {
			t.Fatalf("piece %d: not shared by the File after an edit that did not move it", k)
		}
	}
	checkDoc(t, nd, Parse("g", edited))
}

// TestDocReusesMoved: declarations swapped by a cut and paste are the
// same pieces at their new places.
func TestDocReusesMoved(t *testing.T) {
	a := "component A { a -> b : CR }\n"
	b := "component B { c -> d : CW }\n"
	tail := "stream A.b -> B.c\n"
	d := NewDoc("n", []byte(a+b+tail))
	nd, sp := reparseDoc(d, []byte(b+a+tail))
	checkDoc(t, nd, Parse("n", []byte(b+a+tail)))
	checkSplice(t, d, nd, sp)
	op, np := d.Pieces(), nd.Pieces()
	if np[0] != op[1] || np[1] != op[0] || np[2] != op[2] {
		t.Fatalf("moved declarations not reused: splice %+v", sp)
	}
	// Declarations pasted twice are reused once, whether few or many
	// were replaced.
	var many, twice []string
	for i := 0; i < 12; i++ {
		many = append(many, fmt.Sprintf("component C%d { a -> b : CR }\n", i))
	}
	for i := len(many) - 1; i >= 0; i-- {
		twice = append(twice, many[i], many[i])
	}
	for _, texts := range [][2]string{{a + b + tail, a + b + b + tail}, {strings.Join(many, ""), strings.Join(twice, "")}} {
		d := NewDoc("n", []byte(texts[0]))
		nd, sp := reparseDoc(d, []byte(texts[1]))
		checkDoc(t, nd, Parse("n", []byte(texts[1])))
		checkSplice(t, d, nd, sp)
		reused := 0
		for _, p := range nd.Pieces() {
			if slices.Contains(d.Pieces(), p) {
				reused++
			}
		}
		if reused != len(d.Pieces()) {
			t.Fatalf("%d of %d pieces reused", reused, len(d.Pieces()))
		}
	}
}

// TestDocFileAsPrev: the File of a Doc serves as the previous version for
// ReparseEdit and Reparse, and is built once.
func TestDocFileAsPrev(t *testing.T) {
	d := NewDoc("n", []byte(example))
	i := strings.Index(example, "counts -> db")
	text := []byte(example[:i] + "x" + example[i:])
	d2, _ := d.Edit(text, i, i, i+1, nil)
	f := d2.File()
	if d2.File() != f {
		t.Fatalf("File built twice")
	}
	back := []byte(example)
	want := Parse("n", back)
	if g := editFile(f, back, i, i+1, i); !equalFiles(g, want) {
		t.Fatalf("ReparseEdit from a Doc's File: %s", diffFiles(g, want))
	}
	if g := reparseFile(f, back); !equalFiles(g, want) {
		t.Fatalf("Reparse from a Doc's File: %s", diffFiles(g, want))
	}
}

// TestDocNil: a nil Doc, or one not made by NewDoc, edits as NewDoc
// parses.
func TestDocNil(t *testing.T) {
	var d *Doc
	text := []byte(example)
	nd, sp := d.Edit(text, 0, 0, 0, nil)
	checkDoc(t, nd, Parse("", text))
	if sp != (Splice{0, 0, len(nd.Pieces())}) {
		t.Fatalf("splice %+v", sp)
	}
	nd, _ = reparseDoc(&Doc{Name: "z"}, text)
	checkDoc(t, nd, Parse("z", text))
}

// TestDocBadOffsets: offsets that do not describe the edit fall back to
// finding it.
func TestDocBadOffsets(t *testing.T) {
	d := NewDoc("n", []byte(example))
	text := []byte(strings.Replace(example, "Count", "Counter", -1))
	for _, off := range [][3]int{{0, 0, 0}, {5, 3, 9}, {0, len(example), len(text) + 1}, {-1, 0, 0}, {10, 20, 20}} {
		nd, sp := d.Edit(text, off[0], off[1], off[2], nil)
		checkDoc(t, nd, Parse("n", text))
		checkSplice(t, d, nd, sp)
	}
}

// TestDocErrorsNoAlloc: on a file without errors, Errors finds none
// without allocating.
func TestDocErrorsNoAlloc(t *testing.T) {
	d := NewDoc("g", igen.Dataflow(300, 1))
	if n := testing.AllocsPerRun(20, func() {
		if !d.clean() {
			t.Fatal("errors in a generated file")
		}
	}); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

// TestDocConcurrent: readers of one Doc, building its File and Errors and
// editing it at the same time, see the same results (run with -race).
func TestDocConcurrent(t *testing.T) {
	text := append(genBig(50), "\ncomponent Broken {\n  in i(\n"...)
	d := NewDoc("n", text)
	edited, i := oneCharEdit(text, 0.5)
	var wg sync.WaitGroup
	files := make([]*File, 8)
	for k := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nd, _ := d.Edit(edited, i, i, i+1, nil)
			nd.Errors()
			d.Errors()
			files[k] = d.File()
		}()
	}
	wg.Wait()
	for _, f := range files {
		if f != files[0] {
			t.Fatalf("File built more than once")
		}
	}
	checkDoc(t, d, Parse("n", text))
}

// FuzzDoc: on arbitrary bytes and arbitrary edits, NewDoc and Edit never
// panic and always give what Parse gives, sharing the pieces outside the
// splice.
func FuzzDoc(f *testing.F) {
	f.Add([]byte(example), uint64(1))
	f.Add([]byte("component A { a -> b : OR[x, y] }\nstream A.b -> c seal() rep order"), uint64(2))
	f.Add([]byte("source a(x,\nsink b /* open"), uint64(3))
	f.Add([]byte("import \"a\\\"b\"\x00\xff"), uint64(4))
	f.Add([]byte("dataflow d\nimport \"x\"\nsource s\nimport \"y\"\ndataflow e\ncomponent C {\n in i\n"), uint64(5))
	f.Add([]byte("component C {\n  in i\n  component D { }\n}\n\"unterminated\nsource s"), uint64(6))
	f.Add([]byte{}, uint64(7))
	f.Add([]byte(v2Example), uint64(8))
	f.Add([]byte("component C { a -> b : OW[id, window, window(ts)] }\nstream partition -> C.a partition(partition) shuffle watermark(ts) order(k) order"), uint64(9))
	f.Add([]byte("stream a -> B.x shuffle\n  foo\nsource s watermark(ts,\nstream c -> D.y partition()\ncomponent D { y -> z : CW[window( }"), uint64(10))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		watchDisagreement(t)
		d, want := NewDoc("fuzz", data), Parse("fuzz", data)
		checkDoc(t, d, want)
		half, _ := reparseDoc(NewDoc("fuzz", data[:len(data)/2]), data)
		checkDoc(t, half, want)
		r := rand.New(rand.NewSource(int64(seed)))
		for step := 0; step < 4; step++ {
			nd, sp, next := applyDoc(r, d, docEdit(r, d.Text, data))
			nwant := Parse("fuzz", next)
			checkDoc(t, nd, nwant)
			checkSplice(t, d, nd, sp)
			checkPieces(t, d, want)
			d, want = nd, nwant
		}
	})
}

// BenchmarkDocEdit10k is BenchmarkEdit10k's one-character edit for a Doc,
// inserting the character and deleting it again, with the errors of the
// result: nothing after the edit is copied, wherever it is.
func BenchmarkDocEdit10k(b *testing.B) {
	text := igen.Dataflow(10000, 1)
	d := NewDoc("g", text)
	for _, where := range []struct {
		name string
		frac float64
	}{{"middle", 0.5}, {"top", 0.02}} {
		edited, i := oneCharEdit(text, where.frac)
		de, _ := d.Edit(edited, i, i, i+1, nil)
		b.Run(where.name+"/insert", func(b *testing.B) {
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				if g, _ := d.Edit(edited, i, i, i+1, nil); len(g.Errors()) > 0 {
					b.Fatal(g.Errors()[0])
				}
			}
		})
		b.Run(where.name+"/delete", func(b *testing.B) {
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				if g, _ := de.Edit(text, i, i+1, i, nil); len(g.Errors()) > 0 {
					b.Fatal(g.Errors()[0])
				}
			}
		})
	}
}

// BenchmarkNewDoc10k is the cold parse of BenchmarkParseGen/10000 kept as
// pieces.
func BenchmarkNewDoc10k(b *testing.B) {
	text := igen.Dataflow(10000, 1)
	b.ReportAllocs()
	for n := 0; n < b.N; n++ {
		if d := NewDoc("g", text); len(d.Errors()) > 0 {
			b.Fatal(d.Errors()[0])
		}
	}
}
