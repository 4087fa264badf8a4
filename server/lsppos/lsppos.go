// Package lsppos converts between byte offsets in a text and the Language
// Server Protocol's positions, whose columns count UTF-16 code units. It
// belongs to the editor side (the language server, and the CLI's JSON and
// SARIF output, which use the same coordinates); the grammar knows only
// bytes, lines and byte columns (grammar.LineTable).
package lsppos

import (
	"encoding/binary"
	"unicode/utf8"

	"github.com/blazes-dev/blazes/grammar"
)

// Position is the LSP's position: zero-based line and zero-based UTF-16
// code unit column.
type Position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// Range is a range in LSP coordinates.
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// Of converts an offset (clamped into t's text) to an LSP position.
func Of(t *grammar.LineTable, off grammar.Pos) Position {
	text := t.Text()
	o := min(max(int(off), 0), len(text))
	l := t.Line(grammar.Pos(o))
	return Position{Line: l, Character: utf16Len(text[t.LineStart(l):o])}
}

// RangeOf converts a range of t's text to LSP coordinates.
func RangeOf(t *grammar.LineTable, r grammar.Range) Range {
	text := t.Text()
	start := Of(t, r.Start)
	// Most ranges end on the line they start on: count on from the start.
	s, e := min(max(int(r.Start), 0), len(text)), min(max(int(r.End), 0), len(text))
	if e >= s && (s == len(text) || utf8.RuneStart(text[s])) && (start.Line+1 >= t.LineCount() || e < t.LineStart(start.Line+1)) {
		return Range{Start: start, End: Position{Line: start.Line, Character: start.Character + utf16Len(text[s:e])}}
	}
	return Range{Start: start, End: Of(t, r.End)}
}

// Offset converts an LSP position to a byte offset of t's text. ok is
// false when the position lies outside the text; the returned offset is
// then clamped to the nearest valid one (end of line, or end of text),
// which is what editors expect for positions past the end of a line.
func Offset(t *grammar.LineTable, p Position) (off grammar.Pos, ok bool) {
	text := t.Text()
	if p.Line < 0 || p.Character < 0 {
		return 0, false
	}
	if p.Line >= t.LineCount() {
		return grammar.Pos(len(text)), false
	}
	start := t.LineStart(p.Line)
	end := len(text)
	if p.Line+1 < t.LineCount() {
		end = t.LineStart(p.Line+1) - 1 // the '\n'
	}
	if end > start && text[end-1] == '\r' && end < len(text) && text[end] == '\n' {
		end--
	}
	units := 0
	for i := start; i < end; {
		if units >= p.Character {
			return grammar.Pos(i), units == p.Character
		}
		r, size := utf8.DecodeRune(text[i:end])
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
		i += size
	}
	return grammar.Pos(end), units == p.Character
}

// utf16Len counts UTF-16 code units in b; invalid bytes count as one unit
// each (they decode as U+FFFD).
func utf16Len(b []byte) int {
	n := 0
	// ASCII, eight bytes at a time.
	for len(b) >= 8 && binary.LittleEndian.Uint64(b)&0x8080808080808080 == 0 {
		n += 8
		b = b[8:]
	}
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			n++
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		b = b[size:]
	}
	return n
}
