package analysis_test

import (
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/analysis"
)

// The cases of contract v2's extensions (SPEC §3 "The extensions, as these
// rules give them", and a file for every new rule), checked by TestRules
// like the others.
func init() { ruleCases = append(ruleCases, v2RuleCases...) }

// fixAttrs lists the attribute text each fix writes.
func fixAttrs(fs []analysis.Fix) string {
	var out []string
	for _, f := range fs {
		out = append(out, fixAttribute(f))
	}
	return strings.Join(out, " | ")
}

func wantFixes(t *testing.T, p *analysis.Program, code, comp, want string) *analysis.Diagnostic {
	t.Helper()
	d := findingAt(p, code, comp)
	if d == nil {
		t.Errorf("no %s on %s", code, comp)
		return nil
	}
	if got := fixAttrs(d.Fixes); got != want {
		t.Errorf("%s on %s: fixes [%s], want [%s]", code, comp, got, want)
	}
	return d
}

func wantCauses(t *testing.T, p *analysis.Program, path, want string) {
	t.Helper()
	q, ok := p.Lookup(path).(*analysis.Path)
	if !ok {
		t.Errorf("no path %s", path)
		return
	}
	if got := strings.Join(q.Causes(), ","); got != want {
		t.Errorf("%s: causes [%s], want [%s]", path, got, want)
	}
}

func wantExplain(t *testing.T, p *analysis.Program, name string, has ...string) {
	t.Helper()
	x := p.Lookup(name)
	if x == nil {
		t.Errorf("no %s", name)
		return
	}
	text := analysis.Explain(x)
	for _, h := range has {
		if !strings.Contains(text, h) {
			t.Errorf("explain %s lacks %q:\n%s", name, h, text)
		}
	}
	if strings.Contains(text, "consumes its seal") && strings.Contains(text, "by order") {
		t.Errorf("explain %s says an order-coordinated path consumes its seal:\n%s", name, text)
	}
}

var v2RuleCases = []ruleCase{
	{
		file: "watermark_window.blazes",
		labels: map[string]string{
			"events": "Seal[ts]", "Count.counts": "Seal[ts]", "Count.totals": "Async",
		},
		internal: map[string]string{"Count: counts -> totals": ""},
		check: func(t *testing.T, p *analysis.Program) {
			wantExplain(t, p, "Count: counts -> totals", "coordinated by seal (Count.counts is Seal[ts]", "watermark(ts)")
		},
	},
	{
		file:     "watermark_plain_gate.blazes",
		labels:   map[string]string{"Count.counts": "Seal[ts]", "Count.totals": "Async"},
		internal: map[string]string{"Count: counts -> totals": ""},
	},
	{
		file:     "watermark_outside_gate.blazes",
		labels:   map[string]string{"Count.counts": "Seal[ts]", "Count.totals": "Run", "Count": "Run"},
		internal: map[string]string{"Count: counts -> totals": "Taint"},
		findings: []string{"BLZ002 warning"},
		mentions: map[string][]string{"BLZ002": {"sealed on key (ts)", "gate [user]", "widen the gate"}},
		check: func(t *testing.T, p *analysis.Program) {
			wantCauses(t, p, "Count: counts -> totals", "uncoordinated")
			d := wantFixes(t, p, "BLZ002", "Count", "seal(user) | order(user) | order")
			if d != nil && len(d.Fixes) > 0 && !strings.Contains(d.Fixes[0].Title, "source events") {
				t.Errorf("the seal goes on the source, replacing the watermark: %s", fixSummary(d.Fixes))
			}
		},
	},
	{
		file: "join_ordered_writes.blazes",
		labels: map[string]string{
			"Join: views -> enriched": "Run", "Join.enriched": "Run",
		},
		internal: map[string]string{"Join: views -> enriched": "NDRead[user]", "Join: profiles -> enriched": ""},
		findings: []string{"BLZ001 warning"},
		mentions: map[string][]string{"BLZ001": {"Join.profiles is ordered, but Join.views is not in that log"}},
		check: func(t *testing.T, p *analysis.Program) {
			d := wantFixes(t, p, "BLZ001", "Join", "seal(user) | order(user) | order")
			if d == nil || len(d.Fixes) < 2 {
				return
			}
			// The preferred order fix covers the path's own input.
			if of := d.Fixes[1]; of.Kind != "order" || !strings.Contains(of.Title, "views -> Join.views") || !strings.Contains(of.Title, "profiles -> Join.profiles") {
				t.Errorf("order(user) fix does not order both streams: %s", of.Title)
			}
			wantExplain(t, p, "Join: profiles -> enriched", "by order", "order(user)")
		},
	},
	{
		file:     "join_one_log.blazes",
		labels:   map[string]string{"Join.enriched": "Async", "Join: views -> enriched": "Async"},
		internal: map[string]string{"Join: views -> enriched": "", "Join: profiles -> enriched": ""},
		check: func(t *testing.T, p *analysis.Program) {
			wantExplain(t, p, "Join: views -> enriched", "coordinated by order: Join.views and Join.profiles travel in one log, order(user)")
			// The chain shows the stream's order.
			if line := analysis.ChainLine(analysis.Chain(p.Lookup("Join.enriched"))); !strings.Contains(line, "order(user)") {
				t.Errorf("chain lacks order(user): %s", line)
			}
		},
	},
	{
		file:     "two_logs.blazes",
		labels:   map[string]string{"Join: views -> enriched": "Run"},
		internal: map[string]string{"Join: views -> enriched": "NDRead[user]", "Join: profiles -> enriched": ""},
		findings: []string{"BLZ001 warning"},
		mentions: map[string][]string{"BLZ001": {"different logs (order, order(user))"}},
	},
	{
		file:     "order_outside_gate.blazes",
		labels:   map[string]string{"Table.res": "Run"},
		internal: map[string]string{"Table: upd -> res": "Taint"},
		findings: []string{"BLZ001 warning"},
		mentions: map[string][]string{"BLZ001": {"order(region), whose key is not within the plain attributes of the gate [user]"}},
		check: func(t *testing.T, p *analysis.Program) {
			// order(region) is replaced, not doubled.
			d := wantFixes(t, p, "BLZ001", "Table", "seal(user) | order(user) | order")
			if d != nil && len(d.Fixes) == 3 && d.Fixes[1].Edits[0].Range.Start == d.Fixes[1].Edits[0].Range.End {
				t.Errorf("order(user) does not replace order(region): %s", fixSummary(d.Fixes))
			}
		},
	},
	{
		file: "shuffle_scattered.blazes",
		labels: map[string]string{
			"Count.words": "Async", "Count.counts": "Run", "Count": "Run", "Commit.db": "Run",
		},
		internal: map[string]string{"Count: words -> counts": "Taint"},
		findings: []string{"BLZ004 warning"},
		mentions: map[string][]string{"BLZ004": {"shuffled stream Split.words -> Count.words", "coordination (seal or order) does not repair"}},
		check: func(t *testing.T, p *analysis.Program) {
			wantCauses(t, p, "Count: words -> counts", "scattered")
			d := wantFixes(t, p, "BLZ004", "Count", "partition(word) | one instance")
			if d != nil && (d.Component != "Count" || d.Path != "words -> counts" || d.Label != analysis.LRun) {
				t.Errorf("BLZ004 component/path/label: %q %q %s", d.Component, d.Path, d.Label)
			}
			if d != nil && len(d.Fixes) > 0 && d.Fixes[0].Kind != "partition" {
				t.Errorf("fix kind %s", d.Fixes[0].Kind)
			}
			wantExplain(t, p, "Count.counts", "shuffle", "scatters the state of Count")
		},
	},
	{
		file:     "partition_gate.blazes",
		labels:   map[string]string{"Count.counts": "Async", "Commit.db": "Async"},
		internal: map[string]string{"Count: words -> counts": ""},
		check: func(t *testing.T, p *analysis.Program) {
			if line := analysis.ChainLine(analysis.Chain(p.Lookup("Count.counts"))); !strings.Contains(line, "partition(word)") {
				t.Errorf("chain lacks partition(word): %s", line)
			}
			if dot := p.DOT(); !strings.Contains(dot, "partition(word)") {
				t.Errorf("DOT lacks partition(word)")
			}
		},
	},
	{
		file:     "partition_split.blazes",
		labels:   map[string]string{"Count.counts": "Async", "Commit.db": "Async"},
		internal: map[string]string{"Count: words -> counts": ""},
		findings: []string{"BLZ005 information"},
		mentions: map[string][]string{"BLZ005": {"partition(batch)", "partition(word)", "part of some gate groups"}},
		check: func(t *testing.T, p *analysis.Program) {
			d := findingAt(p, "BLZ005", "Count")
			if d != nil && d.Path != "words -> counts" {
				t.Errorf("BLZ005 path %q", d.Path)
			}
		},
	},
	{
		file:     "shuffle_no_gate.blazes",
		labels:   map[string]string{"Count.counts": "Run"},
		internal: map[string]string{"Count: words -> counts": "Taint"},
		findings: []string{"BLZ004 warning"},
		check: func(t *testing.T, p *analysis.Program) {
			wantFixes(t, p, "BLZ004", "Count", "partition(word) | partition(batch) | one instance")
			if dot := p.DOT(); !strings.Contains(dot, "shuffle") {
				t.Errorf("DOT lacks shuffle")
			}
		},
	},
	{
		file:     "or_scattered.blazes",
		labels:   map[string]string{"Table.upd": "Seal[key]", "Table.res": "Run", "Table: q -> res": "Run"},
		internal: map[string]string{"Table: q -> res": "NDRead[key]", "Table: upd -> res": "Taint"},
		findings: []string{"BLZ004 warning", "BLZ004 warning"},
		check: func(t *testing.T, p *analysis.Program) {
			wantCauses(t, p, "Table: q -> res", "scattered")
			wantCauses(t, p, "Table: upd -> res", "scattered")
		},
	},
	{
		file:     "upstream_named.blazes",
		labels:   map[string]string{"Count.counts": "Run", "Rank.counts": "Run", "Rank.top": "Run"},
		internal: map[string]string{"Count: words -> counts": "Taint", "Rank: counts -> top": "Taint"},
		findings: []string{"BLZ001 warning", "BLZ001 warning"},
		check: func(t *testing.T, p *analysis.Program) {
			d := wantFixes(t, p, "BLZ001", "Rank", "order(word) | order")
			if d != nil && (!strings.Contains(d.Message, "because of BLZ001 (Count: words -> counts) upstream") || strings.Contains(d.Message, "Seal Rank")) {
				t.Errorf("Rank's message does not name the upstream finding instead of a seal: %s", d.Message)
			}
		},
	},
	{
		file:     "global_order_keyed.blazes",
		labels:   map[string]string{"Join.enriched": "Async"},
		internal: map[string]string{"Join: views -> enriched": ""},
		findings: []string{"BLZ203 hint", "BLZ203 hint"},
		mentions: map[string][]string{"BLZ203": {"order(user)"}},
		check: func(t *testing.T, p *analysis.Program) {
			for _, d := range p.Diagnostics {
				if len(d.Fixes) != 1 || len(d.Fixes[0].Edits) != 2 || d.Fixes[0].Edits[0].NewText != "order(user)" {
					t.Errorf("BLZ203 fix: %s", fixSummary(d.Fixes))
				}
			}
		},
	},
	{
		file: "order_over_run_watermark.blazes",
		labels: map[string]string{
			"Count.counts -> Agg.counts": "Run", "Agg.counts": "Run", "Agg: counts -> totals": "Run",
		},
		internal: map[string]string{"Count: words -> counts": "Taint", "Agg: counts -> totals": ""},
		findings: []string{"BLZ001 warning"},
		check: func(t *testing.T, p *analysis.Program) {
			wantExplain(t, p, "Count.counts -> Agg.counts", "watermark(ts) cannot repair Run")
		},
	},
}

// A global order inherited from a source: the BLZ203 fix writes order(k)
// on the streams themselves (a stream's own order wins over its
// source's), and the fix round-trips.
func TestGlobalOrderFromSource(t *testing.T) {
	const src = `source views(user, page) order
source profiles(user, region) order

component Join {
  views -> enriched : OR[user]
  profiles -> enriched : OW[user]
}

stream views -> Join.views
stream profiles -> Join.profiles
`
	p := analysis.Load("g.blazes", analysis.Options{FS: memFS{"g.blazes": []byte(src)}})
	n := 0
	for _, d := range p.Diagnostics {
		if d.Code != analysis.CodeGlobalOrder {
			t.Errorf("unexpected %s: %s", d.Code, d.Message)
			continue
		}
		n++
		if len(d.Fixes) != 1 || len(d.Fixes[0].Edits) != 2 {
			t.Fatalf("BLZ203 fix: %s", fixSummary(d.Fixes))
		}
		fixed, err := applyEdits(memFS{"g.blazes": []byte(src)}, d.Fixes[0].Edits)
		if err != nil {
			t.Fatal(err)
		}
		q := analysis.Load("g.blazes", analysis.Options{FS: fixed})
		if len(q.Diagnostics) != 0 {
			t.Errorf("after the BLZ203 fix:\n%s\n%s", fixed["g.blazes"], diagDump(q))
		}
	}
	if n != 2 {
		t.Errorf("%d BLZ203 hints, want 2", n)
	}
}
