package flink

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/importer"
	"github.com/blazes-dev/blazes/importer/importtest"
)

const inputs = "../../testdata/import/flink"

func plans(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(inputs, "handwritten", "*.json"))
	if err != nil || len(files) < 3 {
		t.Fatalf("expected the plans in %s/handwritten: %v (%d)", inputs, err, len(files))
	}
	return files
}

// TestGolden imports every plan and compares its Model with the golden
// file (go test ./importer/flink -update rewrites them).
func TestGolden(t *testing.T) {
	importtest.Golden(t, Import, plans(t), "../../testdata/golden/import/flink")
}

// confluentOps are the operators a confluent annotation may be claimed for
// without a TODO, listed here apart from the importer's table.
var confluentOps = regexp.MustCompile(`^Flink node [0-9]+ \(Operator, parallelism [0-9]+\): (Map|Flat Map|Filter|Co-Map|Co-Flat Map|Calc(\[[0-9]+\])?)$`)

func TestWellFormed(t *testing.T) {
	for _, f := range plans(t) {
		m, _ := importtest.ImportFile(t, Import, f)
		for _, p := range importtest.Problems(m) {
			t.Errorf("%s: %s", filepath.Base(f), p)
		}
		for _, c := range m.Components {
			for _, p := range c.Paths {
				if p.Ann.Confluent() && !confluentOps.MatchString(c.Doc[0]) && !importtest.HasTodo(p.Doc, c.Doc) {
					t.Errorf("%s: component %s (%s) is called %s without a TODO", filepath.Base(f), c.Name, c.Doc[0], p.Ann)
				}
			}
		}
	}
}

// streamText lists the streams as "from -> to attrs".
func streamText(m *importer.Model) string {
	var b strings.Builder
	ep := func(e importer.Endpoint) string {
		if e.Comp == "" {
			return e.Iface
		}
		return e.Comp + "." + e.Iface
	}
	for _, s := range m.Streams {
		fmt.Fprintf(&b, "%s -> %s %s\n", ep(s.From), ep(s.To), importtest.AttrText(s.Attrs))
	}
	return b.String()
}

func paths(c *importer.Component) string {
	var parts []string
	for _, p := range c.Paths {
		parts = append(parts, p.From+" -> "+p.To+" : "+importtest.Ann(p))
	}
	return strings.Join(parts, "; ")
}

// Ship strategies: REBALANCE is shuffle, HASH partition(key), nothing into a
// sink; a processing-time window reads a clock source.
func TestProcessingTimeWordCount(t *testing.T) {
	m, _ := importtest.ImportFile(t, Import, filepath.Join(inputs, "handwritten", "socket_window_wordcount.json"))
	want := "Socket_Stream -> Flat_Map_2.input shuffle\n" +
		"Flat_Map_2.output -> Window_4.input partition(key)\n" +
		"clock -> Window_4.clock \n" +
		"Window_4.output -> Print_to_Std_Out \n"
	if got := streamText(m); got != want {
		t.Errorf("streams:\n%s\nwant:\n%s", got, want)
	}
	if got := paths(importtest.Find(m, "Window_4")); got != "input -> output : OW[key]; clock -> output : OW[]" {
		t.Errorf("window: %s", got)
	}
	if got := paths(importtest.Find(m, "Flat_Map_2")); got != "input -> output : CR" {
		t.Errorf("flatMap: %s", got)
	}
}

// An assigner's watermark flows on through every operator into the
// event-time window, whose gate holds window(ts).
func TestEventTimeSessions(t *testing.T) {
	m, _ := importtest.ImportFile(t, Import, filepath.Join(inputs, "handwritten", "event_time_sessions.json"))
	want := "Kafka_Source -> Timestamps_Watermarks_2.input \n" +
		"Timestamps_Watermarks_2.output -> Map_3.input watermark(ts)\n" +
		"Map_3.output -> Window_5.input watermark(ts) partition(key)\n" +
		"Window_5.output -> Keyed_Aggregation_6.input watermark(ts) partition(key)\n" +
		"Keyed_Aggregation_6.output -> Print_to_Std_Out \n"
	if got := streamText(m); got != want {
		t.Errorf("streams:\n%s\nwant:\n%s", got, want)
	}
	if got := paths(importtest.Find(m, "Window_5")); got != "input -> output : OW[key, window(ts)]" {
		t.Errorf("window: %s", got)
	}
	c := importtest.Find(m, "Keyed_Aggregation_6")
	if got := paths(c); got != "input -> output : OW[key]" || !importtest.HasTodo(c.Paths[0].Doc) {
		t.Errorf("keyed aggregation: %s", got)
	}
}

// A windowed join: two inputs, both OW[key, window(ts)].
func TestWindowJoin(t *testing.T) {
	m, _ := importtest.ImportFile(t, Import, filepath.Join(inputs, "handwritten", "window_join.json"))
	if got := paths(importtest.Find(m, "Window_9")); got != "input1 -> output : OW[key, window(ts)]; input2 -> output : OW[key, window(ts)]" {
		t.Errorf("join: %s", got)
	}
	if len(m.Sources) != 2 || m.Sources[0].Name != "Custom_Source" || m.Sources[1].Name != "Custom_Source_2" {
		t.Errorf("sources: %+v", m.Sources)
	}
}

// BROADCAST, GLOBAL and CUSTOM have no routing attribute but a comment;
// RESCALE and SHUFFLE are shuffle (not into a sink); unknown operators are
// OW[] with a TODO.
func TestStrategiesAndUnknownOperators(t *testing.T) {
	m, _ := importtest.ImportFile(t, Import, filepath.Join(inputs, "handwritten", "fraud_broadcast_rules.json"))
	docs := map[string]string{}
	for _, s := range m.Streams {
		docs[s.From.Iface+"/"+s.From.Comp+"->"+s.To.Comp+s.To.Iface+" "+importtest.AttrText(s.Attrs)] = strings.Join(s.Doc, " | ")
	}
	for key, want := range map[string]string{
		"Rules/->Co_Process_Broadcast_Keyed_5input2 ":          "BROADCAST: every instance receives every record",
		"output/Process_8->Window_9input ":                     "GLOBAL: every record goes to one instance",
		"output/KeyedProcess_7->Map_10input ":                  "TODO: write partition(k)",
		"output/Map_10->Audit ":                                "SHUFFLE into the sink",
		"output/KeyedProcess_7->Process_8input shuffle":        "",
		"output/Filter_3->Co_Process_Broadcast_Keyed_5input1 ": "HASH ignored: a BROADCAST input",
	} {
		got, ok := docs[key]
		if !ok || !strings.Contains(got, want) {
			t.Errorf("%s: %q (present %v), want %q\n%v", key, got, ok, want, docs)
		}
	}
	for _, name := range []string{"Process_8", "KeyedProcess_7", "Co_Process_Broadcast_Keyed_5"} {
		c := importtest.Find(m, name)
		for _, p := range c.Paths {
			if p.Ann != grammar.OW || len(p.Gate) != 0 || !importtest.HasTodo(p.Doc) {
				t.Errorf("%s: %s %v", name, importtest.Ann(p), p.Doc)
			}
		}
	}
	if got := paths(importtest.Find(m, "Window_9")); got != "input -> output : OW[]" {
		t.Errorf("count window after GLOBAL: %s", got)
	}
}

// A Table API plan prints its keys and its rowtime: they are used.
func TestSQLPlanKeys(t *testing.T) {
	m, _ := importtest.ImportFile(t, Import, filepath.Join(inputs, "handwritten", "sql_group_aggregate.json"))
	want := "clicks -> WatermarkAssigner_2.input \n" +
		"WatermarkAssigner_2.output -> Calc_3.input watermark(ts)\n" +
		"Calc_3.output -> GroupAggregate_5.input watermark(ts) partition(word)\n" +
		"GroupAggregate_5.output -> counts \n"
	if got := streamText(m); got != want {
		t.Errorf("streams:\n%s\nwant:\n%s", got, want)
	}
	if got := paths(importtest.Find(m, "GroupAggregate_5")); got != "input -> output : OW[word]" {
		t.Errorf("aggregate: %s", got)
	}
}

// The real samples: a planner test output whose ids are blanked, and a
// docs plan cut short. Both get a clear error with a line.
func TestRealSamples(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"testStreamTableEnvironmentExecutionExplain.out", "testStreamTableEnvironmentExecutionExplain.out:17: expected a number after \"id\", found none (a planner test output with its ids blanked?)"},
		{"explain-md-explaindetails.json", "explain-md-explaindetails.json:25: unexpected end of input at line 25"},
	} {
		data, err := os.ReadFile(filepath.Join(inputs, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = Import(tc.file, data, importer.Options{})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %s", tc.file, err, tc.want)
		}
	}
	// The EXPLAIN output with its ids restored imports.
	data, _ := os.ReadFile(filepath.Join(inputs, "testStreamTableEnvironmentExecutionExplain.out"))
	n := 0
	fixed := regexp.MustCompile(`"id" : ,`).ReplaceAllStringFunc(string(data), func(string) string {
		n++
		return fmt.Sprintf(`"id" : %d,`, map[int]int{1: 1, 2: 2, 3: 1, 4: 3, 5: 2}[n])
	})
	m, _, err := Import("explain.out", []byte(fixed), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := importtest.Problems(m); len(p) > 0 || len(m.Sources) != 1 || len(m.Sinks) != 1 || len(m.Components) != 1 {
		t.Errorf("%v %s", p, streamText(m))
	}
}

func TestErrors(t *testing.T) {
	node := func(id, pact, preds string) string {
		return `{"id": ` + id + `, "type": "Map", "pact": "` + pact + `", "contents": "Map", "parallelism": 1` + preds + `}`
	}
	pred := func(id string) string {
		return `, "predecessors": [{"id": ` + id + `, "ship_strategy": "FORWARD", "side": "second"}]`
	}
	for _, tc := range []struct{ text, want string }{
		{"", "x.json: empty input"},
		{"hello", `x.json:1: expected the JSON of a Flink execution plan, starting with '{'`},
		{"{\n  \"nodes\" : [ {\n    \"id\" : 1,\n", "x.json:3: unexpected end of input at line 3"},
		{"{\"nodes\": []}", `x.json:1: expected a "nodes" array with at least one node`},
		{"{\"nodes\": {}}", `x.json:1: expected "nodes" to be an array`},
		{"{\"nodes\": [\n" + node(`"one"`, "Operator", "") + "]}", "x.json:2: field id: expected an integer, found a JSON string"},
		{"{\"nodes\": [\n" + node("1", "Data Source", "") + ",\n" + node("1", "Operator", pred("1")) + "]}", "x.json:3: node id 1 appears twice (first at line 2)"},
		{"{\"nodes\": [\n" + node("1", "Data Source", "") + ",\n" + node("2", "Operator", pred("7")) + "]}", "x.json:3: node 2: predecessor 7 is no node of the plan"},
		{"{\"nodes\": [\n" + node("1", "Bogus", "") + "]}", `x.json:2: node 1: expected "pact" : "Data Source", "Operator" or "Data Sink", found "Bogus"`},
		{"{\"nodes\": [\n" + node("1", "Operator", "") + "]}", "x.json:2: node 1 (Map) has no predecessors"},
		{"{\"nodes\": [\n" + node("1", "Data Source", "") + "]} trailing", "x.json:2: expected the end of the input after the plan's closing '}'"},
		{"{\"nodes\": [\n" + node("1", "Operator", pred("2")) + ",\n" + node("2", "Operator", pred("1")) + "]}", "x.json:3: the predecessors form a cycle (node 2 <- 1 <- 2)"},
		{"{\"nodes\": [\n{\"id\": 1, \"pact\": \"IterativeDataStream\", \"step_function\": []}]}", "x.json:2: node 1 is a stream iteration"},
		{"{\"nodes\": [\n" + node("1", "Data Source", "") + ",\n" + node("2", "Data Sink", pred("1")) + ",\n" + node("3", "Operator", pred("2")) + "]}", `x.json:4: node 3: predecessor 2 is a "Data Sink"`},
	} {
		_, _, err := Import("x.json", []byte(tc.text), importer.Options{})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s...", tc.text, err, tc.want)
		}
		if err != nil && len(err.Error()) > 300 {
			t.Errorf("message too long (%d): %v", len(err.Error()), err)
		}
	}
}

// Hostile inputs: an error (or a model) within seconds.
func TestHostile(t *testing.T) {
	var many strings.Builder
	many.WriteString(`{"nodes": [`)
	for i := 0; i <= maxNodes; i++ {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, `{"id": %d, "type": "Source: s", "pact": "Data Source", "contents": "s", "parallelism": 1}`, i)
	}
	many.WriteString("]}")
	// A chain as long as allowed: every node's watermark and cycle check.
	var chain strings.Builder
	chain.WriteString(`{"nodes": [{"id": 0, "type": "Source: s", "pact": "Data Source", "contents": "s", "parallelism": 1}`)
	for i := 1; i < maxNodes; i++ {
		fmt.Fprintf(&chain, `,{"id": %d, "type": "Map", "pact": "Operator", "contents": "Map", "parallelism": 1, "predecessors": [{"id": %d, "ship_strategy": "FORWARD", "side": "second"}]}`, i, i-1)
	}
	chain.WriteString("]}")
	// A long cycle.
	var cycle strings.Builder
	cycle.WriteString(`{"nodes": [`)
	const n = 5000
	for i := 0; i < n; i++ {
		if i > 0 {
			cycle.WriteString(",")
		}
		fmt.Fprintf(&cycle, `{"id": %d, "type": "Map", "pact": "Operator", "contents": "Map", "parallelism": 1, "predecessors": [{"id": %d, "ship_strategy": "FORWARD", "side": "second"}]}`, i, (i+1)%n)
	}
	cycle.WriteString("]}")
	deep := `{"nodes": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}"
	huge := make([]byte, importer.MaxInputSize+1)
	importtest.CheckHostile(t, Import, "x.json", []importtest.Hostile{
		{Name: "many nodes", Text: many.String(), Want: "more than 10000 nodes"},
		{Name: "chain", Text: chain.String(), Want: ""},
		{Name: "cycle", Text: cycle.String(), Want: "the predecessors form a cycle"},
		{Name: "deep", Text: deep, Want: "x.json:1: JSON nested deeper than 64 levels"},
		{Name: "huge", Text: string(huge), Want: "larger than 16 MiB"},
	})
}

// A syntax error deep in a plan is reported on its own line.
func TestSyntaxErrorLine(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(inputs, "handwritten", "window_join.json"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for _, ln := range []int{5, 40, 60} {
		bad := append([]string(nil), lines...)
		bad[ln-1] = strings.Replace(bad[ln-1], `"`, "?", 1)
		_, _, err := Import("x.json", []byte(strings.Join(bad, "\n")), importer.Options{})
		want := fmt.Sprintf("x.json:%d: invalid JSON: invalid character '?'", ln)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("line %d: got %v, want %s", ln, err, want)
		}
	}
}

// Every imported Model reads without errors in the project's analysis
// (no syntax error, no BLZ1xx).
func TestAnalysisAcceptsModels(t *testing.T) {
	importtest.AnalysisAccepts(t, Import, plans(t))
}

// A name from the input is cut to a readable identifier.
func TestLongNames(t *testing.T) {
	long := strings.Repeat("p", 100000)
	text := `{"nodes": [{"id": 1, "type": "Source: ` + long + `", "pact": "Data Source", "contents": "", "parallelism": 1},` +
		`{"id": 2, "type": "` + long + `", "pact": "Operator", "contents": "", "parallelism": 1, "predecessors": [{"id": 1, "ship_strategy": "FORWARD", "side": "second"}]}]}`
	m, _, err := Import("l.json", []byte(text), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Sources[0].Name) > importer.MaxIdent || len(m.Components[0].Name) > importer.MaxIdent+4 {
		t.Errorf("names of %d and %d bytes", len(m.Sources[0].Name), len(m.Components[0].Name))
	}
	if p := importtest.Problems(m); len(p) > 0 {
		t.Error(p)
	}
	for _, l := range m.Components[0].Doc {
		if len(l) > 300 {
			t.Errorf("comment of %d bytes", len(l))
		}
	}
}
