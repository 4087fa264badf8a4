package grammar

import (
	"bytes"
	"math"
	"sort"
)

// Pos is a byte offset into a file's text. Like go/token, nodes keep only
// offsets; a LineTable turns them into lines and columns on demand, so a
// declaration's AST can be shifted when text before it moves.
type Pos int

// Range is a half-open byte span [Start, End).
type Range struct {
	Start, End Pos
}

// Contains reports whether off lies in r (the end is inclusive so that a
// cursor just after a name still touches it).
func (r Range) Contains(off Pos) bool { return r.Start <= off && off <= r.End }

// Shift returns r moved by delta bytes.
func (r Range) Shift(delta int) Range { return Range{r.Start + Pos(delta), r.End + Pos(delta)} }

// Position is a human position: byte offset, one-based line and one-based
// byte column (as compilers print them).
type Position struct {
	Offset int
	Line   int
	Column int
}

// LineTable converts between byte offsets and lines/columns for one text.
type LineTable struct {
	text  []byte
	lines []uint32 // byte offset of the start of each line
	wide  []int    // the same, instead of lines, for a text of 4 GiB or more
}

// count is the number of lines; at(i) is the offset where line i starts.
// Offsets take 32 bits: the server updates a document's table on every
// keystroke, and half the size is half the copying.
func (t *LineTable) count() int {
	if t.wide != nil {
		return len(t.wide)
	}
	return len(t.lines)
}

func (t *LineTable) at(i int) int {
	if t.wide != nil {
		return t.wide[i]
	}
	return int(t.lines[i])
}

// NewLineTable indexes text. Lines end at '\n'; a '\r' before it is part of
// the line's content for offsets but never counted as a column position
// that LSP clients can address differently (they all treat \r\n as one
// break, and so do we, since the offset of '\r' maps to the end of line).
func NewLineTable(text []byte) *LineTable {
	if len(text) > math.MaxUint32 {
		wide := []int{0}
		for i, b := range text {
			if b == '\n' {
				wide = append(wide, i+1)
			}
		}
		return &LineTable{text: text, wide: wide}
	}
	lines := make([]uint32, 1, len(text)/24+1)
	for i, b := range text {
		if b == '\n' {
			lines = append(lines, uint32(i+1))
		}
	}
	return &LineTable{text: text, lines: lines}
}

// edited returns the table of text, which is t's text with
// t.text[start:oldEnd] replaced by text[start:newEnd]: the line starts
// before the edit are kept, those after it shifted, and only the inserted
// bytes are scanned. Lines end at '\n' whatever precedes it, so an edit
// that splits or joins a "\r\n" needs nothing special.
func (t *LineTable) edited(text []byte, start, oldEnd, newEnd int) *LineTable {
	if t.wide != nil || len(text) > math.MaxUint32 {
		return NewLineTable(text)
	}
	// Old line starts s with s <= start follow a '\n' before the edit;
	// those in (start, oldEnd] follow a removed '\n'; the others move.
	search := func(x int) int {
		return sort.Search(len(t.lines), func(i int) bool { return int(t.lines[i]) >= x })
	}
	k := search(start + 1)
	m := search(oldEnd + 1)
	ins := text[start:newEnd]
	nl := bytes.Count(ins, []byte{'\n'})
	lines := make([]uint32, k, k+nl+len(t.lines)-m)
	copy(lines, t.lines[:k])
	for i, b := range ins {
		if b == '\n' {
			lines = append(lines, uint32(start+i+1))
		}
	}
	delta := uint32(newEnd - oldEnd) // wraps for a deletion: the sum is right modulo 2^32
	for _, s := range t.lines[m:] {
		lines = append(lines, s+delta)
	}
	return &LineTable{text: text, lines: lines}
}

// Edited returns the table of text, which is t's text with
// t.Text()[start:oldEnd] replaced by text[start:newEnd], scanning only the
// inserted bytes (the server keeps each document's table this way instead
// of indexing the whole text on every keystroke). t is not modified.
func (t *LineTable) Edited(text []byte, start, oldEnd, newEnd int) *LineTable {
	return t.edited(text, start, oldEnd, newEnd)
}

// indexes reports whether t is the table of text (the same bytes, not a
// copy).
func (t *LineTable) indexes(text []byte) bool {
	return len(t.text) == len(text) && (len(text) == 0 || &t.text[0] == &text[0])
}

// Text returns the indexed text.
func (t *LineTable) Text() []byte { return t.text }

// LineCount is the number of lines (a text with no newline has one).
func (t *LineTable) LineCount() int { return t.count() }

func (t *LineTable) clamp(off Pos) int {
	o := int(off)
	if o < 0 {
		return 0
	}
	if o > len(t.text) {
		return len(t.text)
	}
	return o
}

// line returns the zero-based line holding offset o.
func (t *LineTable) line(o int) int {
	// sort.Search inlined: the server converts thousands of positions
	// per publication.
	lo, hi := 0, t.count()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.at(m) > o {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo - 1
}

// Position converts an offset (clamped into the text) to a Position.
func (t *LineTable) Position(off Pos) Position {
	o := t.clamp(off)
	l := t.line(o)
	return Position{Offset: o, Line: l + 1, Column: o - t.at(l) + 1}
}

// Line returns the zero-based line holding off (clamped into the text).
func (t *LineTable) Line(off Pos) int { return t.line(t.clamp(off)) }

// LineStart is the offset where zero-based line l starts (l must be less
// than LineCount).
func (t *LineTable) LineStart(l int) int { return t.at(l) }
