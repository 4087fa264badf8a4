package lsppos

import (
	"bytes"
	"testing"

	"github.com/blazes-dev/blazes/grammar"
)

func TestPositions(t *testing.T) {
	text := []byte("ab\r\n// 😀 x\r\né\n")
	lt := grammar.NewLineTable(text)
	x := bytes.IndexByte(text, 'x')
	tests := []struct {
		off  int
		lsp  Position
		back bool // Offset(lsp) == off
	}{
		{0, Position{0, 0}, true},
		{2, Position{0, 2}, true}, // the '\r': end of line 0
		{4, Position{1, 0}, true},
		{x, Position{1, 6}, true}, // "// " 3 units + emoji 2 units + " " 1
		{x + 3, Position{2, 0}, true},
		{x + 5, Position{2, 1}, true}, // after é (2 bytes, 1 unit)
		{len(text), Position{3, 0}, true},
	}
	for _, tc := range tests {
		if got := Of(lt, grammar.Pos(tc.off)); got != tc.lsp {
			t.Errorf("Of(%d) = %+v, want %+v", tc.off, got, tc.lsp)
		}
		if off, ok := Offset(lt, tc.lsp); tc.back && (!ok || int(off) != tc.off) {
			t.Errorf("Offset(%+v) = %d %v, want %d", tc.lsp, off, ok, tc.off)
		}
	}
	// Past the end of a line clamps to the line's end (before \r\n).
	if off, ok := Offset(lt, Position{0, 99}); ok || off != 2 {
		t.Errorf("Offset past end = %d %v", off, ok)
	}
	if off, ok := Offset(lt, Position{99, 0}); ok || int(off) != len(text) {
		t.Errorf("Offset past last line = %d %v", off, ok)
	}
	// Emoji comment: the comment's LSP range counts surrogate pairs.
	f := grammar.Parse("e", []byte("source a // 😀😀\nsink b"))
	c := f.Comments[0]
	if r := RangeOf(f.Lines, c.Range); r != (Range{Position{0, 9}, Position{0, 16}}) {
		t.Errorf("comment LSP range %+v", r)
	}
	if r := RangeOf(f.Lines, f.Decls[1].Span()); r != (Range{Position{1, 0}, Position{1, 6}}) {
		t.Errorf("sink LSP range %+v", r)
	}
}

// RangeOf, which counts a one-line range's end from its start, agrees
// with converting both ends on their own, on ASCII and non-ASCII text,
// CRLF, ranges across lines and out of the text.
func FuzzRangeOf(f *testing.F) {
	f.Add([]byte("source s\r\ncomponent C { in -> out : CR }\n"), 3, 20)
	f.Add([]byte("é😀 abcdefghijklmnop\n\nxyz𝄞"), 1, 17)
	f.Add([]byte("abcdefghijklmnopqrstuvwxyz0123456789"), 9, 33)
	f.Fuzz(func(t *testing.T, text []byte, a, b int) {
		lt := grammar.NewLineTable(text)
		r := grammar.Range{Start: grammar.Pos(a), End: grammar.Pos(b)}
		want := Range{Start: Of(lt, r.Start), End: Of(lt, r.End)}
		if got := RangeOf(lt, r); got != want {
			t.Fatalf("RangeOf(%v) = %v, want %v", r, got, want)
		}
	})
}
