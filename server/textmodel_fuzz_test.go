package server

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

// The server's text model is applyChange: one didChange content change (a
// UTF-16 line/character range and the new text, or the whole text) applied
// to a document. FuzzTextModel checks it against refApply, a reference
// written from the documented behaviour of grammar.LineTable.Offset:
//
//   - lines end at '\n'; a '\r' just before a '\n' is not addressable (a
//     character past it, or at it, means the end of the line's content);
//   - a line past the last one means the end of the text;
//   - a character past the end of a line means the end of that line;
//   - a character inside a surrogate pair means after the pair (the first
//     rune boundary at or after the position);
//   - invalid UTF-8 bytes count one UTF-16 unit each (they read as U+FFFD);
//   - a range whose end is before its start is taken with its ends swapped;
//   - a ranged edit that leaves invalid UTF-8 is made valid (runs of bad
//     bytes become U+FFFD); a change without a range replaces the text.

// refOffset decodes an LSP position by walking the runes of its line.
func refOffset(text string, p protocol.Position) int {
	start := 0
	for l := uint32(0); l < p.Line; l++ {
		i := strings.IndexByte(text[start:], '\n')
		if i < 0 {
			return len(text)
		}
		start += i + 1
	}
	line := text[start:]
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = strings.TrimSuffix(line[:i], "\r")
	}
	units := 0
	for i, r := range line { // invalid bytes: r == RuneError, one byte
		if units >= int(p.Character) {
			return start + i
		}
		units += utf16.RuneLen(r)
	}
	return start + len(line)
}

func refApply(text string, c contentChange) string {
	if c.Range == nil {
		return c.Text
	}
	s, e := refOffset(text, c.Range.Start), refOffset(text, c.Range.End)
	if e < s {
		s, e = e, s
	}
	out := text[:s] + c.Text + text[e:]
	if !utf8.ValidString(out) {
		out = strings.ToValidUTF8(out, "\uFFFD")
	}
	return out
}

// pieces are what fuzzed edits insert: line breaks of every kind, runes of
// every UTF-8 length, a surrogate pair's rune, and invalid UTF-8.
var pieces = []string{
	"a", "Z", " ", "\n", "\r\n", "\r", "\t", "é", "€", "😀", "𝄞", "\xff", "\xf0\x9f", "\xed\xa0\x80",
	"component ", "stream ", "import \"x.blazes\"\n", "->", "{", "}", ":", "OW[", "]",
}

// positionValue maps a fuzz byte to a line or character: mostly small,
// sometimes far past the end (up to the largest uint32).
func positionValue(b byte) uint32 {
	switch {
	case b < 200:
		return uint32(b % 24)
	case b < 250:
		return uint32(b-200) * 7
	case b < 254:
		return 1 << 20
	default:
		return ^uint32(0)
	}
}

// decodeChanges turns fuzz bytes into content changes.
func decodeChanges(ops []byte) []contentChange {
	var out []contentChange
	next := func() byte {
		if len(ops) == 0 {
			return 0
		}
		b := ops[0]
		ops = ops[1:]
		return b
	}
	for len(ops) > 0 && len(out) < 64 {
		kind := next()
		var sb strings.Builder
		for n := int(next() % 8); n > 0; n-- {
			k := next()
			if int(k) < len(pieces) {
				sb.WriteString(pieces[k])
			} else {
				sb.WriteByte(k) // raw, possibly invalid, byte
			}
		}
		c := contentChange{Text: sb.String()}
		if kind%16 != 0 { // 1 in 16: replace the whole text
			c.Range = &protocol.Range{
				Start: protocol.Position{Line: positionValue(next()), Character: positionValue(next())},
				End:   protocol.Position{Line: positionValue(next()), Character: positionValue(next())},
			}
		} else if !utf8.ValidString(c.Text) {
			// Through the protocol a document's text is a JSON string,
			// always valid UTF-8 once decoded.
			c.Text = strings.ToValidUTF8(c.Text, "\uFFFD")
		}
		out = append(out, c)
	}
	return out
}

func FuzzTextModel(f *testing.F) {
	seed := func(text string, ops ...byte) { f.Add([]byte(text), ops) }
	seed(wordcountUnsealed, 1, 2, 3, 4, 0, 2, 5, 1, 6, 9, 2, 9, 3)
	seed("a\r\nb\r\nc", 1, 1, 0, 1, 9, 0, 1, 3, 1, 2, 0, 1)      // CRLF, past the end of a line
	seed("😀x😀\n", 1, 1, 9, 0, 1, 0, 1, 17, 2, 10, 0, 0, 1, 0, 3) // inside surrogate pairs
	seed("abc", 1, 0, 0, 3, 0, 1, 255, 255, 254, 254)            // past the end of the text
	seed("abc\ndef", 1, 1, 0, 1, 2, 0, 0)                        // end before start
	seed("\xff\xfe ok \xe2\x82", 1, 2, 11, 12, 0, 1, 0, 3)       // invalid UTF-8 text
	seed("", 0, 3, 9, 10, 11, 1, 1, 0, 0, 0, 0)                  // whole-text replace, then insert
	seed("x\ny", 1, 1, 13, 0, 1, 1, 0)                           // split a rune's bytes
	seed("a\rb\n\r\n", 1, 1, 0, 0, 1, 1, 5, 2, 0, 2, 1)          // lone CR, empty CRLF line

	f.Fuzz(func(t *testing.T, text []byte, ops []byte) {
		cur := append([]byte(nil), text...)
		ref := string(text)
		var lines *grammar.LineTable
		for i, c := range decodeChanges(ops) {
			before := string(cur)
			e, _ := applyChange(cur, lines, c)
			if e.Start >= 0 && (string(e.Old) != before || e.OldEnd < e.Start || e.NewEnd < e.Start ||
				before[:e.Start] != string(e.New[:e.Start]) || before[e.OldEnd:] != string(e.New[e.NewEnd:]) ||
				string(e.New[e.Start:e.NewEnd]) != c.Text && c.Range != nil) {
				t.Fatalf("change %d %s %q to %q: the edit %d %d %d does not describe the change", i, mustJSON(c.Range), c.Text, before, e.Start, e.OldEnd, e.NewEnd)
			}
			cur, lines = e.New, e.Lines
			if lines != nil && !reflect.DeepEqual(lines, grammar.NewLineTable(cur)) {
				t.Fatalf("change %d %s %q to %q: the kept line table is not the text's", i, mustJSON(c.Range), c.Text, before)
			}
			ref = refApply(ref, c)
			if string(cur) != ref {
				t.Fatalf("change %d %s %q to %q:\nserver    %q\nreference %q", i, mustJSON(c.Range), c.Text, before, cur, ref)
			}
			if c.Range != nil && !utf8.Valid(cur) {
				t.Fatalf("change %d left invalid UTF-8: %q", i, cur)
			}
			if c.Range != nil && utf8.ValidString(before) && utf8.ValidString(c.Text) {
				// Valid text: exactly a splice, every other byte kept.
				s, e := refOffset(before, c.Range.Start), refOffset(before, c.Range.End)
				if e < s {
					s, e = e, s
				}
				if want := before[:s] + c.Text + before[e:]; string(cur) != want {
					t.Fatalf("change %d is not a splice: %q, want %q", i, cur, want)
				}
			}
		}
		checkRoundTrip(t, cur)
	})
}

// checkRoundTrip: every rune boundary of a valid text maps to an LSP
// position and back to itself (except the unaddressable point between
// '\r' and '\n', which maps back to the '\r').
func checkRoundTrip(t *testing.T, text []byte) {
	if !utf8.Valid(text) {
		return
	}
	lt := grammar.NewLineTable(text)
	step := 1 + len(text)/512 // refOffset walks from the start: sample long texts
	for o := 0; o <= len(text); o += step {
		if o < len(text) && !utf8.RuneStart(text[o]) {
			continue
		}
		if o > 0 && text[o-1] == '\r' && o < len(text) && text[o] == '\n' {
			continue
		}
		p := lsppos.Of(lt, grammar.Pos(o))
		back, ok := lsppos.Offset(lt, p)
		if int(back) != o || !ok {
			t.Fatalf("offset %d -> %v -> %d (ok %v) in %q", o, p, back, ok, text)
		}
		if want := refOffset(string(text), protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character)}); want != o {
			t.Fatalf("reference: offset %d -> %v -> %d in %q", o, p, want, text)
		}
	}
	if !bytes.Equal(lt.Text(), text) {
		t.Fatal("line table text")
	}
}
