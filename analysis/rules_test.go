package analysis_test

// Tests of SPEC §3 (rules) and §4 (findings) over the small files of
// testdata/rules/ (one per rule, refinement and finding code; each says in
// its header what it shows), plus two properties over every testdata file
// and generated dataflows: the result does not depend on declaration order,
// and every offered fix removes its finding without creating an error.

import (
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/internal/declorder"
	"github.com/blazes-dev/blazes/internal/gen"
	"github.com/blazes-dev/blazes/internal/golden"
)

// ruleCase is the expected outcome of one testdata file.
type ruleCase struct {
	file string
	// labels maps a name as Program.Lookup takes it ("Comp.iface",
	// "source", "A.x -> B.y", "Comp: i -> o" for a path's out label, "Comp"
	// for state(Comp)) to the label's text; "" is unlabelled.
	labels map[string]string
	// internal maps "Comp: i -> o" to the path's internal label ("" none).
	internal map[string]string
	// findings is the exact multiset of "CODE severity".
	findings []string
	// mentions: for a code, substrings its message (or one of its related
	// messages) must contain.
	mentions map[string][]string
	// check runs extra assertions.
	check func(t *testing.T, p *analysis.Program)
}

var ruleCases = []ruleCase{
	{
		file: "source_unsealed.blazes",
		labels: map[string]string{
			"events": "Async", "events -> Map.rec": "Async",
			"Map.rec": "Async", "Map.res": "Async", "Map: rec -> res": "Async",
		},
		internal: map[string]string{"Map: rec -> res": ""},
	},
	{
		file: "source_sealed.blazes",
		labels: map[string]string{
			"events": "Seal[key]", "events -> Map.rec": "Seal[key]",
			"Map.rec": "Seal[key]", "Map.res": "Seal[key]",
		},
	},
	{
		file: "stream_seal.blazes",
		labels: map[string]string{
			"A.res": "Async", "A.res -> B.rec": "Seal[key]", "B.res": "Seal[key]",
			"C.res": "Seal[batch]", "C.res -> D.rec": "Seal[key]", "D.res": "Seal[key]",
		},
	},
	{
		file: "stream_seal_run.blazes",
		labels: map[string]string{
			"Agg.res": "Run", "Agg.res -> Next.rec": "Run",
			"Next.rec": "Run", "Next.res": "Run", "Agg": "Run",
		},
		internal: map[string]string{"Agg: rec -> res": "Taint"},
		findings: []string{"BLZ001 warning"},
		check: func(t *testing.T, p *analysis.Program) {
			// Agg.rec is Async: the seal fix is offered and goes on the source.
			d := findingAt(p, "BLZ001", "Agg")
			if d == nil {
				return
			}
			if len(d.Fixes) == 0 || d.Fixes[0].Kind != "seal" || !d.Fixes[0].Preferred {
				t.Errorf("want a preferred seal fix first, got %s", fixSummary(d.Fixes))
			}
		},
	},
	{
		file: "meet_equal_seals.blazes",
		labels: map[string]string{
			"Merge.rec": "Seal[key]", "Merge.res": "Seal[key]",
			"Agg.rec": "Seal[key]", "Agg.res": "Async", "Agg": "",
		},
		internal: map[string]string{"Agg: rec -> res": ""},
	},
	{
		file: "meet_different_seals.blazes",
		labels: map[string]string{
			"left -> Merge.rec": "Seal[key]", "right -> Merge.rec": "Seal[val]",
			"Merge.rec": "Async", "Merge.res": "Async", "Agg.res": "Run",
		},
		internal: map[string]string{"Agg: rec -> res": "Taint"},
		findings: []string{"BLZ001 warning"},
	},
	{
		file: "meet_seal_async.blazes",
		labels: map[string]string{
			"Merge.rec": "Async", "Merge.res": "Async", "Agg.res": "Run",
			"Join.a": "Seal[key]", "Join.b": "Async",
			"Join: a -> res": "Seal[key]", "Join: b -> res": "Async", "Join.res": "Async",
		},
		internal: map[string]string{"Agg: rec -> res": "Taint"},
		findings: []string{"BLZ001 warning"},
	},
	{
		file: "cr_passes.blazes",
		labels: map[string]string{
			"Keep.res": "Seal[key]", "Store.rec": "Seal[key]", "Store.res": "Seal[key]", "Store": "",
			"Agg.res": "Run", "Pass.rec": "Run", "Pass.res": "Run",
		},
		internal: map[string]string{"Store: rec -> res": "", "Agg: rec -> res": "Taint"},
		findings: []string{"BLZ001 warning"},
	},
	{
		file: "cw_inst_replicated.blazes",
		labels: map[string]string{
			"Query.res": "Inst", "Query": "", "Store.rec": "Inst",
			"Store": "Diverge", "Store.res": "Diverge", "Store: rec -> res": "Diverge",
		},
		internal: map[string]string{"Query: q -> res": "NDRead[key]", "Store: rec -> res": "Taint"},
		findings: []string{"BLZ001 error", "BLZ003 information"},
		mentions: map[string][]string{"BLZ003": {"Store", "root cause: Query path q -> res is NDRead[key]"}},
		check: func(t *testing.T, p *analysis.Program) {
			// No seal fix for Store: the cause is upstream; the BLZ001 on
			// Query offers seal and order fixes.
			d := findingAt(p, "BLZ001", "Query")
			if d == nil {
				return
			}
			// seal(key), then order(key) and the global order.
			if got := fixKinds(d.Fixes); got != "seal,order,order" {
				t.Errorf("BLZ001 on Query: fix kinds = %s, want seal,order,order", got)
			}
		},
	},
	{
		file: "or_uncoordinated.blazes",
		labels: map[string]string{
			"Table.upd": "Async", "Table.q": "Async", "Table: q -> res": "Run",
			"Table: upd -> res": "Async", "Table.res": "Run", "Table": "",
		},
		internal: map[string]string{"Table: q -> res": "NDRead[key]", "Table: upd -> res": ""},
		findings: []string{"BLZ001 warning"},
		mentions: map[string][]string{"BLZ001": {"Table.upd is Async", "NDRead[key]"}},
	},
	{
		file: "or_uncoordinated_rep.blazes",
		labels: map[string]string{
			"Table: q -> res": "Inst", "Table.res": "Inst", "Table": "",
		},
		internal: map[string]string{"Table: q -> res": "NDRead[key]"},
		findings: []string{"BLZ001 warning"},
	},
	{
		file: "or_sealed.blazes",
		labels: map[string]string{
			"Table.upd": "Seal[key]", "Table.q": "Async",
			"Table: q -> res": "Async", "Table: upd -> res": "Seal[key]", "Table.res": "Async",
		},
		internal: map[string]string{"Table: q -> res": ""},
	},
	{
		// Changed by the v2 ordering rule: the writes are ordered, the
		// queries are not in their log, so the read is not coordinated.
		file: "or_ordered.blazes",
		labels: map[string]string{
			"Table.upd": "Async", "Table: q -> res": "Run", "Table.res": "Run",
		},
		internal: map[string]string{"Table: q -> res": "NDRead[key]"},
		findings: []string{"BLZ001 warning"},
		mentions: map[string][]string{"BLZ001": {"Table.upd is ordered, but Table.q is not in that log"}},
		check: func(t *testing.T, p *analysis.Program) {
			// seal(key) on the writes' sources is preferred; the keyed
			// order fix puts the queries into the writes' log.
			d := findingAt(p, "BLZ001", "Table")
			if d == nil {
				return
			}
			if len(d.Fixes) != 3 || d.Fixes[0].Kind != "seal" || d.Fixes[1].Kind != "order" || len(d.Fixes[1].Edits) != 3 {
				t.Errorf("want seal(key), then order(key) on all three streams, then order: got %s", fixSummary(d.Fixes))
			}
		},
	},
	{
		file: "or_ordered_partial.blazes",
		labels: map[string]string{
			"Table: q -> res": "Run", "Table.res": "Run",
		},
		internal: map[string]string{"Table: q -> res": "NDRead[key]"},
		findings: []string{"BLZ001 warning"},
		check: func(t *testing.T, p *analysis.Program) {
			// The global order fix orders only the streams still missing
			// it, the path's own input included; order(key) rewrites the
			// existing order too.
			d := findingAt(p, "BLZ001", "Table")
			if d == nil {
				return
			}
			want := map[string]int{"order(key)": 3, "order": 2}
			for _, f := range d.Fixes {
				if f.Kind != "order" {
					continue
				}
				text := strings.TrimSpace(f.Edits[0].NewText)
				if n, ok := want[text]; !ok || len(f.Edits) != n {
					t.Errorf("order fix %s: %d edits, want %d", text, len(f.Edits), n)
				}
				delete(want, text)
			}
			if len(want) > 0 {
				t.Errorf("missing order fixes %v: %s", want, fixSummary(d.Fixes))
			}
		},
	},
	{
		file: "empty_gate.blazes",
		labels: map[string]string{
			"Whole.rec": "Seal[]", "Whole.res": "Async", "Whole": "",
			"Part.rec": "Seal[key]", "Part.res": "Run", "Part": "Run",
		},
		internal: map[string]string{"Whole: rec -> res": "", "Part: rec -> res": "Taint"},
		findings: []string{"BLZ002 warning"},
		mentions: map[string][]string{"BLZ002": {"Part", "Seal[key]", "the gate []"}},
		check: func(t *testing.T, p *analysis.Program) {
			d := findingAt(p, "BLZ002", "Part")
			if d == nil {
				return
			}
			// The empty gate has one seal key, seal(), ranked last: the
			// global order comes first.
			if len(d.Fixes) != 2 || d.Fixes[0].Kind != "order" || !strings.Contains(d.Fixes[1].Edits[0].NewText, "seal()") {
				t.Errorf("BLZ002 on Part: want order, then seal(), got %s", fixSummary(d.Fixes))
			}
		},
	},
	{
		file: "or_query_sealed.blazes",
		labels: map[string]string{
			"Table.q": "Seal[key]", "Table.upd": "Async", "Table: q -> res": "Run",
		},
		internal: map[string]string{"Table: q -> res": "NDRead[key]"},
		findings: []string{"BLZ001 warning"},
		mentions: map[string][]string{"BLZ001": {"Table.upd is Async"}},
		check: func(t *testing.T, p *analysis.Program) {
			path := p.Lookup("Table: q -> res").(*analysis.Path)
			if got := ifaceNames(path.Relevant()); got != "Table.upd" {
				t.Errorf("relevant inputs of Table: q -> res = %s, want Table.upd", got)
			}
		},
	},
	{
		file: "ow_racing_writers.blazes",
		labels: map[string]string{
			"Counter.batch": "Seal[key]", "Counter.adjust": "Async",
			"Counter": "Run", "Counter.res": "Run", "Counter: adjust -> res": "Run",
		},
		internal: map[string]string{"Counter: batch -> res": "Taint", "Counter: adjust -> res": ""},
		findings: []string{"BLZ001 warning"},
		mentions: map[string][]string{"BLZ001": {"Counter.adjust is Async"}},
		check: func(t *testing.T, p *analysis.Program) {
			path := p.Lookup("Counter: batch -> res").(*analysis.Path)
			if got := ifaceNames(path.Relevant()); got != "Counter.adjust,Counter.batch" {
				t.Errorf("relevant inputs of Counter: batch -> res = %s, want Counter.adjust,Counter.batch", got)
			}
		},
	},
	{
		file: "ow_uncoordinated.blazes",
		labels: map[string]string{
			"Count": "Run", "Count: rec -> res": "Run", "Count.res": "Run",
			"Commit.rec": "Run", "Commit.res": "Run", "Commit": "Run",
		},
		internal: map[string]string{"Count: rec -> res": "Taint", "Commit: rec -> res": ""},
		findings: []string{"BLZ001 warning"},
	},
	{
		file: "ow_uncoordinated_rep.blazes",
		labels: map[string]string{
			"Count": "Diverge", "Count.res": "Diverge", "Commit.res": "Diverge",
		},
		internal: map[string]string{"Count: rec -> res": "Taint"},
		findings: []string{"BLZ001 error"},
	},
	{
		file: "wrong_seal.blazes",
		labels: map[string]string{
			"Count.rec": "Seal[batch]", "Count.res": "Run",
		},
		internal: map[string]string{"Count: rec -> res": "Taint"},
		findings: []string{"BLZ002 warning"},
		mentions: map[string][]string{"BLZ002": {"key (batch)", "gate [word]"}},
	},
	{
		file: "cycle_self_loop.blazes",
		labels: map[string]string{
			"Loop.rec": "Async", "Loop.res": "Async", "Loop.res -> Loop.rec": "Async",
		},
	},
	{
		file: "cycle_order_sensitive.blazes",
		labels: map[string]string{
			"seed -> Agg.rec": "Seal[key]", "Agg.rec": "Run", "Agg.res": "Run",
			"Relay.res": "Run", "Relay.res -> Agg.rec": "Run",
		},
		internal: map[string]string{"Agg: rec -> res": "Taint"},
		findings: []string{"BLZ001 warning"},
		check: func(t *testing.T, p *analysis.Program) {
			d := findingAt(p, "BLZ001", "Agg")
			if d == nil {
				return
			}
			if got := fixKinds(d.Fixes); got != "order,order" {
				t.Errorf("BLZ001 on Agg: fix kinds = %s, want order,order (Agg.rec is Run)", got)
			}
			if !strings.Contains(d.Message, "round a cycle") {
				t.Errorf("BLZ001 on Agg does not say its input comes back round a cycle: %s", d.Message)
			}
		},
	},
	{
		file: "cycle_sealed.blazes",
		labels: map[string]string{
			"Agg.rec": "Seal[key]", "Agg.res": "Async", "Relay.res": "Async",
			"Relay.res -> Agg.rec": "Seal[key]",
		},
		internal: map[string]string{"Agg: rec -> res": ""},
	},
	{
		file: "needless_order.blazes",
		labels: map[string]string{
			"Map.res": "Async", "Table.upd": "Seal[key]", "Table.res": "Async",
		},
		internal: map[string]string{"Table: q -> res": ""},
		findings: []string{"BLZ201 hint", "BLZ201 hint"},
		check: func(t *testing.T, p *analysis.Program) {
			for _, d := range p.Diagnostics {
				if len(d.Fixes) != 1 || d.Fixes[0].Kind != "remove" {
					t.Errorf("%s: want one remove fix, got %s", d.Code, fixSummary(d.Fixes))
				}
			}
		},
	},
	{
		file: "order_over_seal.blazes",
		labels: map[string]string{
			"Count.rec": "Seal[word]", "Count.res": "Async",
		},
		internal: map[string]string{"Count: rec -> res": ""},
		findings: []string{"BLZ202 hint"},
	},
	{
		file:     "err_unknown_name.blazes",
		labels:   map[string]string{"Map.rec": "Async"},
		findings: []string{"BLZ101 error", "BLZ101 error", "BLZ101 error", "BLZ101 error", "BLZ101 error"},
		mentions: map[string][]string{"BLZ101": {"Nowhere", "ghost", "missing", "evnts (did you mean events?)", "no input rc (did you mean rec?)"}},
	},
	{
		file:     "err_duplicate.blazes",
		labels:   map[string]string{"Map.rec": "Async", "Map: rec -> res": "Async"},
		findings: []string{"BLZ102 error", "BLZ102 error", "BLZ102 error"},
		mentions: map[string][]string{"BLZ102": {"first declared here"}},
	},
	{
		file:     "attr_typo.blazes",
		findings: []string{"BLZ301 warning", "BLZ301 warning", "BLZ103 error", "BLZ002 warning", "BLZ002 warning"},
		mentions: map[string][]string{
			"BLZ301": {"gate attribute bach appears nowhere else", "did you mean batch?", "seal attribute zone"},
			"BLZ103": {"unknown attribute btch in gate: Audit.rec carries (word, batch) (did you mean batch?)"},
		},
	},
	{
		file:     "err_unknown_attr.blazes",
		labels:   map[string]string{"Agg.rec": "Seal[zone]", "Agg.res": "Run"},
		internal: map[string]string{"Agg: rec -> res": "Taint"},
		// seal(zone) on Map.res -> Agg.rec is reported at both ends.
		findings: []string{"BLZ103 error", "BLZ103 error", "BLZ103 error", "BLZ103 error", "BLZ002 warning"},
		mentions: map[string][]string{"BLZ103": {"ver", "batch", "zone"}},
	},
	{
		file:     "err_no_producer.blazes",
		labels:   map[string]string{"Join.a": "Async", "Join.b": "", "Join.res": "Async"},
		findings: []string{"BLZ104 error"},
		mentions: map[string][]string{"BLZ104": {"Join.b"}},
	},
	{
		file:     "err_bad_import.blazes",
		labels:   map[string]string{"Map.res": "Async"},
		findings: []string{"BLZ105 error", "BLZ105 error"},
	},
	{
		file:     "err_import_cycle.blazes",
		labels:   map[string]string{"A.res": "Async", "B.res": "Async"},
		findings: []string{"BLZ106 error"},
		check: func(t *testing.T, p *analysis.Program) {
			for _, d := range p.Diagnostics {
				if d.Code == "BLZ106" && filepath.Base(d.File) != "b.blazes" {
					t.Errorf("BLZ106 in %s, want imports/cycle/b.blazes", d.File)
				}
			}
		},
	},
	{
		file:     "err_import_escape.blazes",
		labels:   map[string]string{"Map.res": "Async"},
		findings: []string{"BLZ107 error", "BLZ107 error"},
		mentions: map[string][]string{"BLZ107": {"--root DIR"}},
	},
	{
		file:     "err_bad_endpoint.blazes",
		labels:   map[string]string{"Map.rec": "Async", "report": ""},
		findings: []string{"BLZ108 error", "BLZ108 error", "BLZ108 error", "BLZ108 error", "BLZ108 error", "BLZ108 error"},
	},
	{
		file:     "err_duplicate_attr.blazes",
		labels:   map[string]string{"Agg.rec": "Seal[key]", "Agg.res": "Async"},
		internal: map[string]string{"Agg: rec -> res": ""},
		findings: []string{"BLZ109 error", "BLZ109 error"},
	},
	{
		file:     "err_attr_conflict.blazes",
		labels:   map[string]string{"events": "Seal[key]", "Agg.rec": "Seal[key]"},
		findings: []string{"BLZ111 error", "BLZ111 error"},
		mentions: map[string][]string{"BLZ111": {"seal(key) and watermark(ts)", "partition(key) and shuffle"}},
	},
	{
		file:     "err_route_into_sink.blazes",
		labels:   map[string]string{"Map.res": "Async", "db": "Async", "log": "Async"},
		findings: []string{"BLZ112 error", "BLZ112 error"},
		mentions: map[string][]string{"BLZ112": {"partition(key) on a stream into sink db", "shuffle on a stream into sink log"}},
	},
	{
		file:     "err_unknown_attr_v2.blazes",
		labels:   map[string]string{"Agg.rec": "Seal[time]"},
		findings: []string{"BLZ103 error", "BLZ103 error", "BLZ103 error", "BLZ103 error", "BLZ103 error", "BLZ103 error", "BLZ002 warning", "BLZ005 information"},
		mentions: map[string][]string{"BLZ103": {"time in watermark", "day in gate", "user in order", "zone in partition"}},
	},
	{
		file:     "err_duplicate_path.blazes",
		labels:   map[string]string{"Map.res": "Async", "Map: rec -> res": "Async"},
		internal: map[string]string{"Map: rec -> res": ""},
		findings: []string{"BLZ110 error"},
	},
	{
		file: "downstream_fanout.blazes",
		labels: map[string]string{
			"Agg.res": "Run", "Left.res": "Run", "Right.res": "Run",
		},
		internal: map[string]string{"Agg: rec -> res": "Taint"},
		findings: []string{"BLZ001 warning"},
		mentions: map[string][]string{"BLZ001": {"downstream: Left is raised to Run", "downstream: Right is raised to Run"}},
	},
	{
		file: "fix_schema.blazes",
		labels: map[string]string{
			"Table.upd": "Async", "Table: q -> res": "Run", "Table.res": "Run",
		},
		internal: map[string]string{"Table: q -> res": "NDRead[key]"},
		findings: []string{"BLZ001 warning"},
	},
	{
		file: "import_fix.blazes",
		labels: map[string]string{
			"events": "Async", "Map.res": "Async", "Agg.res": "Run",
		},
		internal: map[string]string{"Agg: rec -> res": "Taint"},
		findings: []string{"BLZ001 warning"},
		check: func(t *testing.T, p *analysis.Program) {
			d := findingAt(p, "BLZ001", "Agg")
			if d == nil {
				return
			}
			if len(d.Fixes) == 0 || !d.Fixes[0].Preferred || len(d.Fixes[0].Edits) != 1 ||
				filepath.ToSlash(d.Fixes[0].Edits[0].File) != "../testdata/rules/imports/shared/source.blazes" {
				t.Errorf("want the preferred fix to seal the imported source, got %s", fixSummary(d.Fixes))
			}
		},
	},
}

// paperCases are SPEC §3's case studies.
var paperCases = []ruleCase{
	{
		file: "../paper/wordcount.blazes",
		labels: map[string]string{
			"Splitter.words": "Async", "Count.counts": "Run", "Commit.db": "Run",
		},
		internal: map[string]string{"Count: words -> counts": "Taint"},
		findings: []string{"BLZ001 warning"},
	},
	{
		file: "../paper/wordcount_sealed.blazes",
		labels: map[string]string{
			"Splitter.words": "Seal[batch]", "Count.counts": "Async", "Commit.db": "Async",
		},
		internal: map[string]string{"Count: words -> counts": ""},
	},
	{
		file: "../paper/adtrack/poor.blazes",
		labels: map[string]string{
			"Report.response": "Inst", "Cache.response": "Diverge", "analysts": "Diverge",
		},
		internal: map[string]string{"Report: request -> response": "NDRead[id]", "Cache: response -> response": "Taint"},
		findings: []string{"BLZ001 error", "BLZ003 information"},
	},
	{
		file:     "../paper/adtrack/campaign.blazes",
		labels:   map[string]string{"Report.response": "Async", "Cache.response": "Async", "analysts": "Async"},
		internal: map[string]string{"Report: request -> response": ""},
	},
	{
		file:     "../paper/adtrack/window.blazes",
		labels:   map[string]string{"Report.response": "Async", "Cache.response": "Async", "analysts": "Async"},
		internal: map[string]string{"Report: request -> response": ""},
	},
	{
		file:   "../paper/adtrack/thresh.blazes",
		labels: map[string]string{"Report.response": "Async", "Cache.response": "Async", "analysts": "Async"},
	},
}

const rulesDir = "../testdata/rules"

func TestRules(t *testing.T) {
	for _, tc := range append(append([]ruleCase(nil), ruleCases...), paperCases...) {
		tc := tc
		t.Run(strings.TrimSuffix(tc.file, ".blazes"), func(t *testing.T) {
			p := analysis.Load(filepath.Join(rulesDir, tc.file), analysis.Options{})
			if p.LoadErr != nil {
				t.Fatalf("load: %v", p.LoadErr)
			}
			checkRuleCase(t, p, tc)
		})
	}
}

func checkRuleCase(t *testing.T, p *analysis.Program, tc ruleCase) {
	t.Helper()
	for _, name := range sortedKeys(tc.labels) {
		want := tc.labels[name]
		x := p.Lookup(name)
		if x == nil {
			t.Errorf("%s: Lookup(%q) = nil, want label %q", tc.file, name, want)
			continue
		}
		if got := x.DerivedLabel().String(); got != want {
			t.Errorf("%s: label of %s = %q, want %q (why: %s)", tc.file, name, got, want, whyText(x))
		}
	}
	for _, name := range sortedKeys(tc.internal) {
		want := tc.internal[name]
		path, ok := p.Lookup(name).(*analysis.Path)
		if !ok {
			t.Errorf("%s: Lookup(%q) is not a path", tc.file, name)
			continue
		}
		if got := path.Internal.String(); got != want {
			t.Errorf("%s: internal label of %s = %q, want %q", tc.file, name, got, want)
		}
	}
	var got []string
	for _, d := range p.Diagnostics {
		got = append(got, d.Code+" "+d.Severity.String())
	}
	want := append([]string(nil), tc.findings...)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("%s: findings\n got  [%s]\n want [%s]\n%s", tc.file, strings.Join(got, "; "), strings.Join(want, "; "), diagDump(p))
	}
	for _, code := range sortedKeys(tc.mentions) {
		var text strings.Builder
		for _, d := range p.Diagnostics {
			if d.Code != code {
				continue
			}
			text.WriteString(d.Message + "\n")
			for _, r := range d.Related {
				text.WriteString(r.Message + "\n")
			}
		}
		for _, s := range tc.mentions[code] {
			if !strings.Contains(text.String(), s) {
				t.Errorf("%s: %s messages do not mention %q:\n%s", tc.file, code, s, text.String())
			}
		}
	}
	// Every BLZ001/BLZ002/BLZ004 offers fixes; exactly the first is
	// preferred.
	for _, d := range p.Diagnostics {
		if d.Code != analysis.CodeUncoordinated && d.Code != analysis.CodeWrongSeal && d.Code != analysis.CodeScattered {
			continue
		}
		if d.Component == "" || d.Path == "" {
			t.Errorf("%s: %s without component/path", tc.file, d.Code)
		}
		if len(d.Fixes) == 0 {
			t.Errorf("%s: %s on %s offers no fix", tc.file, d.Code, d.Component)
		}
		for i, f := range d.Fixes {
			if f.Preferred != (i == 0) {
				t.Errorf("%s: fix %d %q preferred=%v: %s", tc.file, i, f.Title, f.Preferred, fixSummary(d.Fixes))
			}
		}
		if len(d.Fixes) > 0 && !strings.Contains(d.Message, "Preferred fix: ") {
			t.Errorf("%s: %s message names no preferred fix: %s", tc.file, d.Code, d.Message)
		}
	}
	if tc.check != nil {
		tc.check(t, p)
	}
}

// TestRulesCoverage: every file of testdata/rules has a case, and every
// finding code of codes.go is expected by some case.
func TestRulesCoverage(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(rulesDir, "*.blazes"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	codes := map[string]bool{}
	for _, tc := range ruleCases {
		have[tc.file] = true
		for _, f := range tc.findings {
			codes[strings.Fields(f)[0]] = true
		}
	}
	for _, f := range files {
		if !have[filepath.Base(f)] {
			t.Errorf("testdata/rules/%s has no case in ruleCases", filepath.Base(f))
		}
	}
	all := []string{
		analysis.CodeUncoordinated, analysis.CodeWrongSeal, analysis.CodeReplicaWrite,
		analysis.CodeUnknownName, analysis.CodeDuplicate, analysis.CodeUnknownAttr,
		analysis.CodeNoProducer, analysis.CodeBadImport, analysis.CodeImportCycle,
		analysis.CodeImportEscape, analysis.CodeBadEndpoint, analysis.CodeDuplicateAttr,
		analysis.CodeDuplicatePath, analysis.CodeNeedlessOrder, analysis.CodeOrderOverSeal,
		analysis.CodeScattered, analysis.CodeSplit, analysis.CodeGlobalOrder,
		analysis.CodeAttrConflict, analysis.CodeRouteIntoSink,
	}
	// BLZ000 is the parser's (grammar tests cover it).
	for _, c := range all {
		if !codes[c] {
			t.Errorf("no testdata/rules case expects %s", c)
		}
	}
}

// ---- determinism -------------------------------------------------------

// memFS serves texts by name and falls back to the disk.
type memFS map[string][]byte

func (m memFS) ReadFile(name string) ([]byte, error) {
	if b, ok := m[name]; ok {
		return b, nil
	}
	if b, ok := m[filepath.Clean(name)]; ok {
		return b, nil
	}
	return os.ReadFile(name)
}

// snapshot renders everything the analysis derives that must not depend
// on declaration order: labels of every interface, stream, path and state,
// and the diagnostics as code+message (positions move with the text).
func snapshot(p *analysis.Program) string {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	for _, list := range [][]*analysis.Iface{p.Sources, p.Sinks} {
		for _, i := range list {
			add("iface %s %s = %s", i.Dir, i.FullName(), i.Label)
		}
	}
	for _, c := range p.Components {
		add("state %s = %s rep=%v", c.Name, c.State, c.Replicated)
		for _, list := range [][]*analysis.Iface{c.Inputs, c.Outputs} {
			for _, i := range list {
				add("iface %s %s = %s", i.Dir, i.FullName(), i.Label)
			}
		}
		for _, q := range c.Paths {
			add("path %s: %s %s internal=%s out=%s coordinated=%v", c.Name, q.Name(), q.Annotation(), q.Internal, q.OutLabel, q.Coordinated)
		}
	}
	for _, s := range p.Streams {
		add("stream %s = %s", s.Name(), s.Label)
	}
	for _, d := range p.Diagnostics {
		add("diag %s %s %s", d.Code, d.Severity, d.Message)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// testdataFiles lists every .blazes file under the module's testdata/.
func testdataFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("../testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".blazes") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func hasCode(p *analysis.Program, codes ...string) bool {
	for _, d := range p.Diagnostics {
		for _, c := range codes {
			if d.Code == c {
				return true
			}
		}
	}
	return false
}

func TestDeclarationOrderIndependence(t *testing.T) {
	type input struct {
		name string
		text []byte
		n    int // shuffles
	}
	var inputs []input
	for _, f := range testdataFiles(t) {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(grammar.Parse(f, text).Imports) > 0 {
			continue // the order across files is not a declaration order
		}
		inputs = append(inputs, input{f, text, 8})
	}
	for _, seed := range []int64{1, 2, 3} {
		inputs = append(inputs, input{fmt.Sprintf("gen500_seed%d.blazes", seed), gen.Dataflow(500, seed), 3})
	}
	for _, in := range inputs {
		in := in
		t.Run(filepath.Base(in.name), func(t *testing.T) {
			base := analysis.Load(in.name, analysis.Options{FS: memFS{in.name: in.text}})
			if hasCode(base, analysis.CodeSyntax, analysis.CodeDuplicate) {
				// With a syntax error or a duplicate the first declaration
				// wins, which is order-dependent by definition.
				t.Skip("has BLZ000 or BLZ102")
			}
			want := snapshot(base)
			r := rand.New(rand.NewSource(int64(len(in.text))))
			for k := 0; k < in.n; k++ {
				shuffled := declorder.Shuffle(r, in.text)
				p := analysis.Load(in.name, analysis.Options{FS: memFS{in.name: shuffled}})
				if got := snapshot(p); got != want {
					t.Errorf("shuffle %d changes the result:\n%s\n--- shuffled text:\n%s", k, golden.LineDiff(want, got), shortText(shuffled))
					return
				}
			}
		})
	}
}

func shortText(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "\n..."
	}
	return string(b)
}

// ---- fix round trip ----------------------------------------------------

// applyEdits applies edits to the texts of fsys (descending offsets per
// file) and returns the new file system.
func applyEdits(fsys memFS, edits []analysis.Edit) (memFS, error) {
	out := memFS{}
	for k, v := range fsys {
		out[k] = v
	}
	byFile := map[string][]analysis.Edit{}
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	for file, es := range byFile {
		text, ok := out[file]
		if !ok {
			return nil, fmt.Errorf("edit of unknown file %s", file)
		}
		sort.SliceStable(es, func(i, j int) bool { return es[i].Range.Start > es[j].Range.Start })
		buf := append([]byte(nil), text...)
		prev := len(buf) + 1
		for _, e := range es {
			s, en := int(e.Range.Start), int(e.Range.End)
			if s < 0 || en < s || en > len(buf) || en > prev {
				return nil, fmt.Errorf("bad or overlapping edit %v in %s", e.Range, file)
			}
			buf = append(buf[:s:s], append([]byte(e.NewText), buf[en:]...)...)
			prev = s
		}
		out[file] = buf
	}
	return out, nil
}

func errorSet(p *analysis.Program) map[string]int {
	m := map[string]int{}
	for _, d := range p.Diagnostics {
		if d.Code == analysis.CodeSyntax || strings.HasPrefix(d.Code, "BLZ1") {
			m[d.Code+" "+d.Message]++
		}
	}
	return m
}

// knownFixBugs are testdata files on which an offered fix is known to break
// SPEC §4's promise; see the reason.
var knownFixBugs = map[string]string{}

func checkFixes(t *testing.T, root string, fsys memFS) (checked int) {
	t.Helper()
	var failures []string
	errorf := func(format string, args ...any) { failures = append(failures, fmt.Sprintf(format, args...)) }
	defer func() {
		if len(failures) == 0 {
			return
		}
		key := strings.TrimPrefix(filepath.ToSlash(root), "../testdata/")
		if reason, ok := knownFixBugs[key]; ok {
			t.Logf("%s", strings.Join(failures, "\n"))
			t.Skipf("known bug: %s", reason)
		}
		for _, f := range failures {
			t.Error(f)
		}
	}()
	p := analysis.Load(root, analysis.Options{FS: fsys})
	if p.LoadErr != nil {
		t.Fatalf("load %s: %v", root, p.LoadErr)
	}
	// Every file of the program, by the name edits use.
	files := memFS{}
	for k, v := range fsys {
		files[k] = v
	}
	for _, f := range p.Files {
		files[f.Name] = f.Text
	}
	before := errorSet(p)
	for _, d := range p.Diagnostics {
		if d.Code != analysis.CodeUncoordinated && d.Code != analysis.CodeWrongSeal && d.Code != analysis.CodeScattered {
			continue
		}
		for _, fix := range d.Fixes {
			checked++
			fixed, err := applyEdits(files, fix.Edits)
			if err != nil {
				errorf("%s: %s on %s: fix %q: %v", root, d.Code, d.Component, fix.Title, err)
				continue
			}
			q := analysis.Load(root, analysis.Options{FS: fixed})
			for _, e := range q.Diagnostics {
				uncoord := func(c string) bool { return c == analysis.CodeUncoordinated || c == analysis.CodeWrongSeal }
				if (e.Code == d.Code || uncoord(e.Code) && uncoord(d.Code)) &&
					e.Component == d.Component && e.Path == d.Path {
					errorf("%s: %s on %s: %s: after fix %q, %s remains: %s", root, d.Code, d.Component, d.Path, fix.Title, e.Code, e.Message)
				}
			}
			for k, n := range errorSet(q) {
				if n > before[k] {
					errorf("%s: fix %q for %s on %s creates an error: %s", root, fix.Title, d.Code, d.Component, k)
				}
			}
		}
	}
	return checked
}

func TestFixRoundTrip(t *testing.T) {
	total := 0
	for _, f := range testdataFiles(t) {
		f := f
		t.Run(strings.TrimPrefix(filepath.ToSlash(f), "../testdata/"), func(t *testing.T) {
			total += checkFixes(t, f, memFS{})
		})
	}
	for seed := int64(1); seed <= 5; seed++ {
		name := fmt.Sprintf("gen300_seed%d.blazes", seed)
		text := gen.Dataflow(300, seed)
		t.Run(name, func(t *testing.T) {
			n := checkFixes(t, name, memFS{name: text})
			if n == 0 {
				t.Errorf("generated dataflow has no fix to check")
			}
			total += n
		})
	}
	if total == 0 {
		t.Errorf("no fix checked")
	}
}

// ---- helpers -----------------------------------------------------------

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func whyText(x analysis.Labelled) string {
	if w := x.Derivation(); w != nil {
		return w.Text
	}
	return "-"
}

func findingAt(p *analysis.Program, code, comp string) *analysis.Diagnostic {
	for _, d := range p.Diagnostics {
		if d.Code == code && d.Component == comp {
			return d
		}
	}
	return nil
}

func fixKinds(fs []analysis.Fix) string {
	var ks []string
	for _, f := range fs {
		ks = append(ks, f.Kind)
	}
	return strings.Join(ks, ",")
}

func fixSummary(fs []analysis.Fix) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "[%s %q preferred=%v", f.Kind, f.Title, f.Preferred)
		for _, e := range f.Edits {
			fmt.Fprintf(&b, " %s@%d-%d:%q", e.File, e.Range.Start, e.Range.End, e.NewText)
		}
		b.WriteString("] ")
	}
	return b.String()
}

func ifaceNames(is []*analysis.Iface) string {
	var ns []string
	for _, i := range is {
		ns = append(ns, i.FullName())
	}
	sort.Strings(ns)
	return strings.Join(ns, ",")
}

func diagDump(p *analysis.Program) string {
	var b strings.Builder
	for _, d := range p.Diagnostics {
		fmt.Fprintf(&b, "  %s %s %s: %s\n", d.File, d.Code, d.Severity, d.Message)
	}
	return b.String()
}

// TestSemanticsDocCoversCodes: docs/semantics.md has a "### BLZnnn" section
// (the language server links to docs/semantics.md#blznnn) for every code
// declared in codes.go.
func TestSemanticsDocCoversCodes(t *testing.T) {
	src, err := os.ReadFile("codes.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../docs/semantics.md")
	if err != nil {
		t.Fatal(err)
	}
	codes := regexp.MustCompile(`"(BLZ[0-9]{3})"`).FindAllStringSubmatch(string(src), -1)
	if len(codes) == 0 {
		t.Fatal("no code found in codes.go")
	}
	for _, m := range codes {
		if !regexp.MustCompile(`(?m)^### ` + m[1] + `$`).Match(doc) {
			t.Errorf("docs/semantics.md has no heading \"### %s\"", m[1])
		}
	}
}
