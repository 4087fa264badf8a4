package server

import (
	"strings"
	"testing"
)

func TestInlayHintsAndSettings(t *testing.T) {
	c := openWC(t, testOpts{initOpts: map[string]any{"blazes": map[string]any{"inlayHints": map[string]any{"paths": false}}}})
	get := func() []inlayHint {
		var hs []inlayHint
		c.call("textDocument/inlayHint", map[string]any{"textDocument": map[string]any{"uri": c.uri("wc.blazes")}, "range": rng(0, 0, 100, 0)}, &hs)
		return hs
	}
	labels := func(hs []inlayHint) string {
		var s []string
		for _, h := range hs {
			s = append(s, h.Label)
		}
		return strings.Join(s, " ")
	}
	hs := get()
	if strings.Contains(labels(hs), "Taint") {
		t.Errorf("path hints shown although switched off: %s", labels(hs))
	}
	if !strings.Contains(labels(hs), ": Run") || !strings.Contains(labels(hs), ": Async") {
		t.Errorf("stream/interface hints missing: %s", labels(hs))
	}
	// The stream Count.counts -> Commit.counts carries Run, hinted at its end.
	l, _ := lineOf(wordcountUnsealed, "stream Count.counts")
	found := false
	for _, h := range hs {
		if h.Position.Line == uint32(l) && h.Label == ": Run" {
			found = true
		}
	}
	if !found {
		t.Errorf("no Run hint on line %d: %s", l, mustJSON(hs))
	}
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"inlayHints": map[string]any{"paths": true, "streams": false, "interfaces": false}}})
	hs = get()
	if labels(hs) != "Taint" {
		t.Errorf("only the path hint expected, got %q", labels(hs))
	}
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"blazes": map[string]any{"inlayHints": map[string]any{"enabled": false}}}})
	if hs = get(); len(hs) != 0 {
		t.Errorf("hints with enabled=false: %s", labels(hs))
	}
}
