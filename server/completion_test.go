package server

import (
	"strings"
	"testing"
)

func TestCompletion(t *testing.T) {
	text := "source tweets(tweet, batch) seal()\n" +
		"component Splitter {\n  in tweets(tweet, batch)\n  out words(word, batch)\n  tweets -> words : \n}\n" +
		"component Count {\n  words -> counts : OW[]\n}\n" +
		"stream tweets -> Splitter.\n" +
		"stream Splitter.words -> Count.words seal()\n\n"
	c := newClient(t, testOpts{})
	c.open("c.blazes", text)
	c.waitDiags("c.blazes", atVersion(1))
	has := func(got []string, want ...string) {
		t.Helper()
		s := " " + strings.Join(got, " ") + " "
		for _, w := range want {
			if !strings.Contains(s, " "+w+" ") {
				t.Errorf("completion %v lacks %q", got, w)
			}
		}
	}
	has(complete(t, c, "c.blazes", text, "words : \n", 8), "CR", "CW", "OR", "OW")
	has(complete(t, c, "c.blazes", text, "Splitter.\n", 9), "tweets")
	has(complete(t, c, "c.blazes", text, "OW[]", 3), "word", "batch")
	has(complete(t, c, "c.blazes", text, "seal()\ncomponent", 5), "tweet", "batch")
	has(complete(t, c, "c.blazes", text, "Count.words seal()", 17), "word", "batch")
	has(complete(t, c, "c.blazes", text, "\n\n", 2), "component", "stream", "source", "sink")
	has(complete(t, c, "c.blazes", text, "stream tweets", 7), "Splitter", "Count", "tweets")
}
