package analysis

import "github.com/blazes-dev/blazes/grammar"

// at is the location of r in f.
func at(f *grammar.File, r grammar.Range) Location { return Location{File: f.Name, Range: r} }

// editAt is the edit replacing r in f with text.
func editAt(f *grammar.File, r grammar.Range, text string) Edit {
	return Edit{File: f.Name, Range: r, NewText: text}
}
