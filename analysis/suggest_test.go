package analysis

import (
	"slices"
	"testing"
)

func TestClosest(t *testing.T) {
	names := []string{"batch", "word", "tweets", "Splitter", "Count", "campaign_id_of_the_request"}
	for _, c := range []struct{ name, want string }{
		{"bach", "batch"},       // one deletion
		{"wrod", ""},            // a transposition is two edits: too far for four letters
		{"Spliter", "Splitter"}, // two edits allowed from five letters
		{"Cout", "Count"},       // one edit
		{"xyz", ""},             // nothing near
		{"batch", ""},           // the name itself is never suggested
		{"campaign_id_of_the_reqest", "campaign_id_of_the_request"},
		{"campaign_id_of_a_response", ""}, // long, but too many edits
	} {
		if got := Closest(c.name, slices.Values(names)); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	// Ties go to the name that sorts first, whatever the order given.
	for _, order := range [][]string{{"cat", "cab"}, {"cab", "cat"}} {
		if got := Closest("ca", slices.Values(order)); got != "cab" {
			t.Errorf("Closest(ca, %v) = %q, want cab", order, got)
		}
	}
	if d := editDistance("kitten", "sitting", 10); d != 3 {
		t.Errorf("editDistance(kitten, sitting) = %d, want 3", d)
	}
	long := "a_name_longer_than_thirty_three_characters_x"
	if d := editDistance(long, long+"y", 10); d != 1 {
		t.Errorf("long names: distance %d, want 1", d)
	}
}
