package grammar

import "bytes"

// The tests describe some edits by their texts only; these find the edit
// the way a test's reference does (the longest common prefix and suffix),
// to hand Doc.Edit exact offsets.

// diffEdit returns the edit that turns old into text.
func diffEdit(old, text []byte) (start, oldEnd, newEnd int) {
	n := min(len(old), len(text))
	p := 0
	for p < n && old[p] == text[p] {
		p++
	}
	s := 0
	for s < n-p && old[len(old)-1-s] == text[len(text)-1-s] {
		s++
	}
	return p, len(old) - s, len(text) - s
}

// reparseDoc is d.Edit for the edit between d.Text and text; the same
// text gives d itself.
func reparseDoc(d *Doc, text []byte) (*Doc, Splice) {
	if d != nil && bytes.Equal(d.Text, text) {
		return d, Splice{}
	}
	if d == nil {
		return d.Edit(text, 0, 0, 0, nil)
	}
	s, o, n := diffEdit(d.Text, text)
	return d.Edit(text, s, o, n, nil)
}

// reparseFile is the File of the Doc of prev's text after the edit
// between prev's text and text.
func reparseFile(prev *File, text []byte) *File {
	d, _ := reparseDoc(NewDoc(prev.Name, prev.Text), text)
	return d.File()
}

// editFile is the File of the Doc of prev's text after one edit.
func editFile(prev *File, text []byte, start, oldEnd, newEnd int) *File {
	var d *Doc
	if prev != nil {
		d = NewDoc(prev.Name, prev.Text)
	}
	d, _ = d.Edit(text, start, oldEnd, newEnd, nil)
	return d.File()
}
