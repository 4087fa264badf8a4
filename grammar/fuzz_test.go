package grammar

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzParse: on arbitrary bytes Parse never panics, every range lies in
// the text, the checker and the grammar agree, Reparse and ReparseEdit
// from a related snapshot equal Parse, and a file without errors formats to a file with
// the same tokens that formats to itself.
func FuzzParse(f *testing.F) {
	f.Add([]byte(example))
	f.Add([]byte("component A { a -> b : OR[x, y] }\nstream A.b -> c seal() rep order"))
	f.Add([]byte("source a(x,\nsink b /* open"))
	f.Add([]byte("import \"a\\\"b\"\x00\xff"))
	f.Add([]byte(v2Example))
	f.Add([]byte("component C { a -> b : OW[id, window, window(ts)] }\nstream partition -> C.a partition(partition) shuffle watermark(ts) order(k) order"))
	f.Add([]byte("stream a -> B.x shuffle\n  foo\nsource s watermark(ts,\nstream c -> D.y partition()\ncomponent D { y -> z : CW[window( }"))
	f.Fuzz(func(t *testing.T, data []byte) {
		watchDisagreement(t)
		p := Parse("fuzz", data)
		checkRanges(t, p)
		half := Parse("fuzz", data[:len(data)/2])
		if r := reparseFile(half, data); !equalFiles(r, p) {
			t.Fatalf("Reparse differs from Parse")
		}
		// An edit inserting the middle third of data, then removing it.
		i, j := len(data)/3, 2*len(data)/3
		cut := append(append([]byte{}, data[:i]...), data[j:]...)
		pc := Parse("fuzz", cut)
		if r := editFile(pc, data, i, i, j); !equalFiles(r, p) {
			t.Fatalf("ReparseEdit (insertion) differs from Parse")
		}
		if r := editFile(p, cut, i, j, i); !equalFiles(r, pc) {
			t.Fatalf("ReparseEdit (deletion) differs from Parse")
		}
		if len(p.Errors) > 0 {
			if _, err := Format(p); err == nil {
				t.Fatal("Format accepted a file with errors")
			}
			return
		}
		out, err := Format(p)
		if err != nil {
			t.Fatal(err)
		}
		q := Parse("fuzz", out)
		if len(q.Errors) > 0 {
			t.Fatalf("formatted output has errors: %s\n%q", q.Errors[0].Msg, out)
		}
		if !reflect.DeepEqual(formattedTokens(p), tokens(out)) {
			t.Fatalf("tokens changed: %q -> %q", data, out)
		}
		if again, _ := Format(q); !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q -> %q", out, again)
		}
	})
}
