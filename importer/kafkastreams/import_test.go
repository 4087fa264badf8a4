package kafkastreams

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/importer"
	"github.com/blazes-dev/blazes/importer/importtest"
)

const inputs = "../../testdata/import/kafka-streams"

func samples(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(inputs, "*.txt"))
	if err != nil || len(files) < 20 {
		t.Fatalf("expected the real samples in %s: %v (%d)", inputs, err, len(files))
	}
	return files
}

// TestGolden imports every real sample and compares its Model with the
// golden file (go test ./importer/kafkastreams -update rewrites them).
func TestGolden(t *testing.T) {
	importtest.Golden(t, Import, samples(t), "../../testdata/golden/import/kafka-streams")
}

// confluentKinds are the generated operators a confluent annotation may be
// claimed for without a TODO, listed here apart from the importer's table.
var confluentKinds = regexp.MustCompile(`^Kafka Streams Processor: (KSTREAM-(FILTER|MAP|MAPVALUES|FLATMAP|FLATMAPVALUES|PEEK|BRANCH|BRANCHCHILD|KEY-SELECT|MERGE|FOREACH|PRINTER)|KTABLE-(TOSTREAM|FILTER|MAPVALUES|SELECT|SUPPRESS)|COGROUPKSTREAM-MERGE)-[0-9]+ |^Kafka Streams Processor: \S+-repartition-filter \(.*stores: \[\]\)$`)

// TestWellFormed checks every Model: names, stream ends, fed inputs, and
// that no processor of unknown kind is called confluent without a TODO.
func TestWellFormed(t *testing.T) {
	for _, f := range samples(t) {
		m, _ := importtest.ImportFile(t, Import, f)
		for _, p := range importtest.Problems(m) {
			t.Errorf("%s: %s", filepath.Base(f), p)
		}
		for _, c := range m.Components {
			for _, p := range c.Paths {
				if !p.Ann.Confluent() {
					continue
				}
				if confluentKinds.MatchString(c.Doc[0]) {
					continue
				}
				if !importtest.HasTodo(p.Doc, c.Doc) {
					t.Errorf("%s: component %s (%s) is called %s without a TODO", filepath.Base(f), c.Name, strings.Join(c.Doc, "; "), p.Ann)
				}
			}
		}
	}
}

func streamsInto(m *importer.Model, comp string) []importer.Stream {
	var out []importer.Stream
	for _, s := range m.Streams {
		if s.To.Comp == comp || (comp != "" && s.To.Comp == "" && s.To.Iface == comp) {
			out = append(out, s)
		}
	}
	return out
}

// The word count of the tutorial: a repartition topic between the two
// sub-topologies is a stream partition(key) order(key), never a source.
func TestRepartitionTopicIsAStream(t *testing.T) {
	m, _ := importtest.ImportFile(t, Import, filepath.Join(inputs, "tutorial.485.txt"))
	for _, s := range m.Sources {
		if strings.Contains(s.Name, "repartition") {
			t.Errorf("repartition topic declared as source %s", s.Name)
		}
	}
	for _, s := range m.Sinks {
		if strings.Contains(s.Name, "repartition") {
			t.Errorf("repartition topic declared as sink %s", s.Name)
		}
	}
	in := streamsInto(m, "KSTREAM_AGGREGATE_0000000003")
	if len(in) != 1 || in[0].From.Comp != "KSTREAM_FILTER_0000000005" || importtest.AttrText(in[0].Attrs) != "partition(key) order(key)" {
		t.Fatalf("stream into the aggregate: %+v", in)
	}
	agg := importtest.Find(m, "KSTREAM_AGGREGATE_0000000003")
	if got := importtest.Ann(agg.Paths[0]); got != "OW[key]" || !importtest.HasTodo(agg.Paths[0].Doc) {
		t.Errorf("aggregate: %s %v", got, agg.Paths[0].Doc)
	}
	if got := importtest.Ann(importtest.Find(m, "KSTREAM_FLATMAPVALUES_0000000001").Paths[0]); got != "CR" {
		t.Errorf("flatMapValues: %s", got)
	}
}

// A stream-table join: the join and the table source share the table's
// store, so they are one component: the table side OW[key], the stream
// side OR[key]; the table's topic is its changelog (order), the
// repartitioned stream side is another log (no order).
func TestStreamTableJoin(t *testing.T) {
	m, _ := importtest.ImportFile(t, Import, filepath.Join(inputs, "KStreamKTableJoinTest.expectedTopologyWithGeneratedRepartitionTopicNames.txt"))
	j := importtest.Find(m, "KSTREAM_JOIN_0000000011")
	if j == nil {
		t.Fatalf("no join component: %+v", m.Components)
	}
	got := map[string]string{}
	for _, p := range j.Paths {
		got[p.From] = importtest.Ann(p)
	}
	if got["join_11"] != "OR[key]" || got["source_3"] != "OW[key]" || len(got) != 2 {
		t.Errorf("join paths: %v", got)
	}
	for _, s := range streamsInto(m, "KSTREAM_JOIN_0000000011") {
		want := "partition(key)"
		if s.To.Iface == "source_3" {
			want = "partition(key) order(key)"
		}
		if importtest.AttrText(s.Attrs) != want {
			t.Errorf("stream %v -> %v: %q, want %q", s.From, s.To, importtest.AttrText(s.Attrs), want)
		}
	}
}

// A windowed stream-stream join: both sides OW[key, window(ts)].
func TestStreamStreamJoin(t *testing.T) {
	m, _ := importtest.ImportFile(t, Import, filepath.Join(inputs, "KStreamKStreamJoinTest.expectedTopologyWithGeneratedRepartitionTopic.txt"))
	n := 0
	for _, c := range m.Components {
		for _, p := range c.Paths {
			if strings.Contains(c.Name, "WINDOWED") {
				n++
				if importtest.Ann(p) != "OW[key, window(ts)]" {
					t.Errorf("%s: %s -> %s : %s", c.Name, p.From, p.To, importtest.Ann(p))
				}
			}
		}
	}
	if n != 8 {
		t.Errorf("%d windowed join paths, want 8 (two joins, two sides, two outputs each)", n)
	}
}

// Suppress: the aggregate before it is windowed and watermarked, and its
// output carries the watermark.
func TestSuppress(t *testing.T) {
	m, _ := importtest.ImportFile(t, Import, filepath.Join(inputs, "SuppressTopologyTest.ANONYMOUS_FINAL_TOPOLOGY.txt"))
	agg := importtest.Find(m, "KSTREAM_AGGREGATE_0000000002")
	if got := importtest.Ann(agg.Paths[0]); got != "OW[key, window(ts)]" {
		t.Errorf("aggregate before suppress: %s", got)
	}
	in := streamsInto(m, "KSTREAM_AGGREGATE_0000000002")
	if len(in) != 1 || importtest.AttrText(in[0].Attrs) != "watermark(ts) partition(key) order(key)" {
		t.Errorf("into the aggregate: %+v", in)
	}
	out := streamsInto(m, "KTABLE_TOSTREAM_0000000008")
	if len(out) != 1 || out[0].From.Comp != "KTABLE_SUPPRESS_0000000006" || !strings.HasPrefix(importtest.AttrText(out[0].Attrs), "watermark(ts)") {
		t.Errorf("out of the suppress: %+v", out)
	}
}

// A processor the program named is unknown: OW with the empty gate and a
// TODO naming what to decide.
func TestUserNamedProcessor(t *testing.T) {
	m, _ := importtest.ImportFile(t, Import, filepath.Join(inputs, "SuppressTopologyTest.NAMED_FINAL_TOPOLOGY.txt"))
	c := importtest.Find(m, "myname")
	if c == nil {
		t.Fatal("no component myname")
	}
	p := c.Paths[0]
	if p.Ann != grammar.OW || len(p.Gate) != 0 || !p.Brackets || !importtest.HasTodo(p.Doc) {
		t.Errorf("myname: %s %v", importtest.Ann(p), p.Doc)
	}
	if !strings.Contains(c.Doc[0], "myname") || !strings.Contains(c.Doc[0], "myname-store") {
		t.Errorf("doc names neither the processor nor its store: %v", c.Doc)
	}
}

// The one-line layout of the tutorial and the tabs of the naming guide
// read as the multi-line layout.
func TestLayouts(t *testing.T) {
	oneLine := "Sub-topologies:\n  Sub-topology: 0\n    Source: S(topics: in) --> KSTREAM-FILTER-0000000001\n" +
		"    Processor: KSTREAM-FILTER-0000000001(stores: []) --> K <-- S\n    Sink: K(topic: out) <-- KSTREAM-FILTER-0000000001\nGlobal Stores:\n  none\n"
	multi := "Topologies:\r\n\tSub-topology: 0\r\n\t Source: S (topics: [in])\r\n\t  --> KSTREAM-FILTER-0000000001\r\n" +
		"\t Processor: KSTREAM-FILTER-0000000001 (stores: [])\r\n\t   --> K\r\n\t   <-- S\r\n\t Sink: K (topic: out)\r\n\t   <-- KSTREAM-FILTER-0000000001\r\n"
	a, _, err := Import("a.txt", []byte(oneLine), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Import("a.txt", []byte(multi), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := importtest.JSON(a)
	jb, _ := importtest.JSON(b)
	if string(ja) != string(jb) {
		t.Errorf("layouts differ:\n%s\n%s", ja, jb)
	}
	if len(a.Sources) != 1 || a.Sources[0].Name != "in_" || len(a.Sinks) != 1 || a.Sinks[0].Name != "out_" || len(a.Streams) != 2 {
		t.Errorf("model: %s", ja)
	}
}

func TestPatternsExtractorsGlobalStores(t *testing.T) {
	for _, header := range []string{"Sub-topology: 0 for global store (will not generate tasks)", "Sub-topology: 0 (globals)"} {
		globalStores(t, header)
	}
}

func globalStores(t *testing.T, header string) {
	text := `Topologies:
   ` + header + `
    Source: G (topics: [profiles])
      --> KTABLE-SOURCE-0000000001
    Processor: KTABLE-SOURCE-0000000001 (stores: [profiles-store])
      --> none
      <-- G
  Sub-topology: 1
    Source: P (topic pattern: events-(eu|us)\d+)
      --> KSTREAM-JOIN-0000000003
    Processor: KSTREAM-JOIN-0000000003 (stores: [profiles-store])
      --> X
      <-- P
    Sink: X (extractor class: com.example.Router@5f2108b5)
      <-- KSTREAM-JOIN-0000000003
`
	m, w, err := Import("g.txt", []byte(text), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := importtest.Problems(m); len(p) > 0 {
		t.Fatal(p)
	}
	j, _ := importtest.JSON(m)
	if len(m.Sources) != 2 || m.Sources[1].Name != "P" || !strings.Contains(m.Sources[1].Doc[0], `events-(eu|us)\d+`) {
		t.Errorf("pattern source: %s", j)
	}
	if len(m.Sinks) != 1 || m.Sinks[0].Name != "X" || len(w) != 1 || w[0].Line != 14 {
		t.Errorf("extractor sink: %s %v", j, w)
	}
	c := importtest.Find(m, "KSTREAM_JOIN_0000000003")
	if c == nil || len(c.Paths) != 2 {
		t.Fatalf("join with the global table: %s", j)
	}
	in := streamsInto(m, c.Name)
	if len(in) != 2 {
		t.Fatalf("streams into the join: %+v", in)
	}
	for _, s := range in {
		if len(s.Attrs) != 0 {
			t.Errorf("stream into %s.%s routed: %s (a global table's reader is one instance)", s.To.Comp, s.To.Iface, importtest.AttrText(s.Attrs))
		}
	}
}

// Malformed descriptions: each error names the file, the line and what was
// expected.
func TestErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", "x.txt: no Source:, Processor: or Sink: node found"},
		{"hello world\n", `x.txt:1: expected "Sub-topology: N", a Source:, Processor: or Sink: node`},
		{"Topologies:\n  Source: S (topics: [a])\n", `x.txt:2: expected "Sub-topology: N" before the first node`},
		{"Topologies:\n Sub-topology: 0\n  --> A\n", "x.txt:3: expected a Source:, Processor: or Sink: line before the edge list"},
		{"Topologies:\n Sub-topology: 0\n  Source: S [a]\n", "x.txt:3: expected (topics:... or (topic pattern: after the source's name"},
		{"Topologies:\n Sub-topology: 0\n  Source: S (topics: [a]\n", "x.txt:3: expected ')' to close (topics: of source"},
		{"Topologies:\n Sub-topology: 0\n  Source: S (topics: [a])\n   --> B\n", `x.txt:4: source "S" names "B", which is no node of the topology`},
		{"Topologies:\n Sub-topology: 0\n  Source: S (topics: [a])\n  Source: S (topics: [b])\n", `x.txt:4: source "S" is declared twice (first at line 3)`},
		{"Topologies:\n Sub-topology: 0\n  Sink: K (topic: t)\n   --> A\n", `x.txt:4: sink "K" has no successors`},
		{"Topologies:\n Sub-topology: 0\n  Source: S (topics: [])\n", `x.txt:3: source "S" reads no topic`},
		{"Topologies:\n Sub-topology: 0\n  Source: S (topics: [a])\n   --> P\n Sub-topology: 1\n  Processor: P (stores: [])\n   <-- S\n", "x.txt:4: source \"S\" (sub-topology 0) is linked to \"P\" of sub-topology 1"},
		{"Topologies:\n Sub-topology: 0\n  " + strings.Repeat("x", 500) + "\n", `x.txt:3: expected "Sub-topology: N", a Source:, Processor: or Sink: node, or a --> / <-- edge list, found "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."`},
	} {
		_, _, err := Import("x.txt", []byte(tc.text), importer.Options{})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %s...", tc.text, err, tc.want)
		}
		if err != nil && len(err.Error()) > 300 {
			t.Errorf("message too long (%d): %v", len(err.Error()), err)
		}
	}
}

// Hostile inputs get an error (or a model) within seconds.
func TestHostile(t *testing.T) {
	var many strings.Builder
	many.WriteString("Topologies:\n Sub-topology: 0\n")
	for i := 0; i <= maxNodes; i++ {
		many.WriteString("  Source: S" + strings.Repeat("0", 3) + strconv.Itoa(i) + " (topics: [t])\n")
	}
	// A long chain of processors sharing one store: one component, the
	// reachability of every member computed.
	var chain strings.Builder
	chain.WriteString("Topologies:\n Sub-topology: 0\n  Source: S (topics: [t])\n   --> P0\n")
	const n = 3000
	for i := 0; i < n; i++ {
		chain.WriteString("  Processor: P" + strconv.Itoa(i) + " (stores: [s])\n")
		if i+1 < n {
			chain.WriteString("   --> P" + strconv.Itoa(i+1) + "\n")
		}
		if i > 0 {
			chain.WriteString("   <-- P" + strconv.Itoa(i-1) + ", S\n")
		} else {
			chain.WriteString("   <-- S\n")
		}
	}
	// A cycle of topics with no processor: source a -> sink b, source b -> sink a.
	cycle := "Topologies:\n Sub-topology: 0\n  Source: A (topics: [a])\n   --> B\n  Sink: B (topic: b)\n   <-- A\n" +
		" Sub-topology: 1\n  Source: C (topics: [b])\n   --> D\n  Sink: D (topic: a)\n   <-- C\n"
	// One edge list naming a million nodes.
	wide := "Topologies:\n Sub-topology: 0\n  Source: S (topics: [t])\n   --> " + strings.Repeat("N, ", 1000000) + "\n"
	var wide2 strings.Builder
	wide2.WriteString("Topologies:\n Sub-topology: 0\n  Source: S (topics: [t])\n   --> ")
	for i := 0; i < 200000; i++ {
		wide2.WriteString("N" + strconv.Itoa(i) + ", ")
	}
	// 400 writers of one topic and 400 readers: 160,000 streams.
	var fan strings.Builder
	fan.WriteString("Topologies:\n Sub-topology: 0\n  Source: S (topics: [in])\n")
	for i := 0; i < 400; i++ {
		fan.WriteString("   --> W" + strconv.Itoa(i) + "\n")
	}
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&fan, "  Processor: W%d (stores: [])\n   --> K%d\n   <-- S\n  Sink: K%d (topic: t)\n   <-- W%d\n", i, i, i, i)
	}
	fan.WriteString(" Sub-topology: 1\n  Source: T (topics: [t])\n")
	for i := 0; i < 400; i++ {
		fan.WriteString("   --> R" + strconv.Itoa(i) + "\n")
	}
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&fan, "  Processor: R%d (stores: [])\n   <-- T\n", i)
	}
	huge := make([]byte, importer.MaxInputSize+1)
	importtest.CheckHostile(t, Import, "h.txt", []importtest.Hostile{
		{Name: "wide", Text: wide, Want: `names "N", which is no node`},
		{Name: "wide distinct", Text: wide2.String(), Want: "more than 100000 edges"},
		{Name: "fan", Text: fan.String(), Want: "more than 100000 streams"},
		{Name: "many nodes", Text: many.String(), Want: "more than 10000 nodes"},
		{Name: "huge", Text: string(huge), Want: "larger than 16 MiB"},
		{Name: "chain", Text: chain.String(), Want: ""},
		{Name: "topic cycle", Text: cycle, Want: ""},
	})
}

// Every imported Model reads without errors in the project's analysis
// (no syntax error, no BLZ1xx).
func TestAnalysisAcceptsModels(t *testing.T) {
	importtest.AnalysisAccepts(t, Import, samples(t))
}

// A name from the input is cut to a readable identifier.
func TestLongNames(t *testing.T) {
	long := strings.Repeat("p", 100000)
	text := "Topologies:\n Sub-topology: 0\n  Source: S (topics: [" + long + "])\n   --> " + long + "\n  Processor: " + long + " (stores: [])\n   <-- S\n"
	m, _, err := Import("l.txt", []byte(text), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Sources[0].Name) > importer.MaxIdent+4 || len(m.Components[0].Name) > importer.MaxIdent+4 {
		t.Errorf("names of %d and %d bytes", len(m.Sources[0].Name), len(m.Components[0].Name))
	}
	if p := importtest.Problems(m); len(p) > 0 {
		t.Error(p)
	}
	for _, l := range append(m.Components[0].Doc, m.Sources[0].Doc...) {
		if len(l) > maxDoc+3 {
			t.Errorf("comment of %d bytes", len(l))
		}
	}
}
