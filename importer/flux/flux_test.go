package flux

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/importer"
)

// importText imports data and prints the model, failing the test on error.
func importText(t *testing.T, data string, opts importer.Options) (string, []importer.Warning) {
	t.Helper()
	m, warns, err := Import("topo.yaml", []byte(data), opts)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	out, err := importer.Print(m)
	if err != nil {
		t.Fatalf("Print: %v", err)
	}
	f := grammar.Parse("x.blazes", out)
	if len(f.Errors) > 0 {
		t.Fatalf("printed model does not parse: %v\n%s", f.Errors[0], out)
	}
	return string(out), warns
}

func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

const groupingsYAML = `
name: "groupings"
spouts:
  - id: "words"
    className: "org.apache.storm.testing.TestWordSpout"
bolts:
  - id: "b-shuffle"
    className: "com.example.Shuffled"
  - id: "b-local"
    className: "com.example.Local"
  - id: "b-fields"
    className: "com.example.Keyed"
  - id: "b-global"
    className: "com.example.Global"
  - id: "b-none"
    className: "com.example.None"
  - id: "b-all"
    className: "com.example.All"
  - id: "b-direct"
    className: "com.example.Direct"
  - id: "b-custom"
    className: "com.example.Custom"
streams:
  - {from: words, to: b-shuffle, grouping: {type: SHUFFLE}}
  - {from: words, to: b-local, grouping: {type: LOCAL_OR_SHUFFLE}}
  - {from: words, to: b-fields, grouping: {type: FIELDS, args: [word, lang]}}
  - {from: words, to: b-global, grouping: {type: GLOBAL}}
  - {from: words, to: b-none, grouping: {type: NONE}}
  - {from: words, to: b-all, grouping: {type: ALL}}
  - {from: words, to: b-direct, grouping: {type: DIRECT}}
  - {from: words, to: b-custom, grouping: {type: CUSTOM, customClass: {className: com.example.MyGrouping}}}
`

func TestGroupings(t *testing.T) {
	out, _ := importText(t, groupingsYAML, importer.Options{})
	mustContain(t, out,
		"stream words -> b_shuffle.words shuffle\n",
		"// LOCAL_OR_SHUFFLE grouping",
		"stream words -> b_local.words shuffle\n",
		"stream words -> b_fields.words partition(word, lang)\n",
		"// GLOBAL grouping",
		"stream words -> b_global.words\n",
		"// NONE grouping: no routing written; Storm runs NONE as a shuffle today.",
		"stream words -> b_none.words\n",
		"// ALL grouping: every instance of the bolt receives every tuple (a broadcast); the\n// language has no equivalent.",
		"stream words -> b_all.words\n",
		"// DIRECT grouping: the producer chooses the instance of each tuple; the language has no\n// equivalent.",
		"// CUSTOM grouping (com.example.MyGrouping): the language has no equivalent.",
		// Unknown bolts: OW[] with a TODO, and the FIELDS suggestion.
		"words -> output : OW[]",
		"// TODO: decide this path's annotation",
		"// The FIELDS grouping on (word, lang) suggests OW[word, lang] or CW[word, lang].",
		`// spout "words" (org.apache.storm.testing.TestWordSpout)`,
		"source words(word)\n",
	)
	if n := strings.Count(out, "TODO:"); n != 8 {
		t.Errorf("want a TODO for each of the 8 unknown bolts, got %d", n)
	}
}

func TestKnownClasses(t *testing.T) {
	out, _ := importText(t, `
spouts:
  - {id: spout, className: org.apache.storm.testing.TestWordSpout}
bolts:
  - {id: count, className: org.apache.storm.testing.TestWordCounter}
  - {id: ones, className: org.apache.storm.flux.examples.WordCounter}
  - {id: log, className: org.apache.storm.flux.wrappers.bolts.LogInfoBolt}
streams:
  - {from: spout, to: count, grouping: {type: FIELDS, args: [word]}}
  - {from: spout, to: ones, grouping: {type: SHUFFLE}}
  - {from: count, to: log, grouping: {type: SHUFFLE}}
`, importer.Options{})
	mustContain(t, out,
		"dataflow topo\n", // no name: the file's base name
		"spout -> counts : OW[word]",
		"spout -> counts : CR",
		"sink log\n",
		"// SHUFFLE grouping not written: a sink has no instances to route to.\nstream count.counts -> log\n",
	)
	if strings.Contains(out, "TODO:") {
		t.Errorf("known classes need no TODO:\n%s", out)
	}
}

func TestSystemTicksAreASource(t *testing.T) {
	out, _ := importText(t, `
spouts:
  - {id: s, className: com.example.Spout}
bolts:
  - {id: roll, className: com.example.Rolling}
streams:
  - {from: s, to: roll, grouping: {type: FIELDS, args: [obj]}}
  - {from: __system, to: roll, grouping: {type: ALL, streamId: __tick}}
`, importer.Options{})
	mustContain(t, out,
		"// Storm's own __system component: its tick tuples are a processing-time clock",
		"source __system\n",
		`// Storm stream id "__tick"`,
		"stream __system -> roll.__system___tick\n",
		"__system___tick -> output : OW[]",
	)
}

func TestStreamIDsAndUnconnectedOutput(t *testing.T) {
	out, _ := importText(t, `
spouts:
  - {id: s, className: com.example.Spout}
bolts:
  - {id: split, className: com.example.Split}
  - {id: a, className: com.example.A}
  - {id: b, className: com.example.B}
streams:
  - {from: s, to: split, grouping: {type: SHUFFLE}}
  - {from: split, to: a, grouping: {type: SHUFFLE, streamId: left}}
  - {from: split, to: b, grouping: {type: SHUFFLE, streamId: right}}
`, importer.Options{})
	mustContain(t, out,
		"  out left\n", "  out right\n",
		"s -> left : OW[]", "s -> right : OW[]",
		"stream split.left -> a.split_left shuffle",
		// a and b emit nothing: one output, left unconnected.
		"split_left -> output : OW[]",
	)
}

// files is an fs.FS-backed reader for include tests.
func files(m fstest.MapFS) importer.Options {
	return importer.Options{ReadFile: func(p string) ([]byte, error) { return fs.ReadFile(m, p) }}
}

func TestIncludes(t *testing.T) {
	fsys := fstest.MapFS{
		"dir/base.yaml": {Data: []byte(`
name: base-name
spouts:
  - {id: s, className: org.apache.storm.testing.TestWordSpout}
bolts:
  - {id: b, className: com.example.FromBase}
streams:
  - {from: s, to: b, grouping: {type: SHUFFLE}}
`)},
		"dir/over.yaml": {Data: []byte(`
name: over-name
bolts:
  - {id: b, className: com.example.FromOverride}
`)},
	}
	opts := files(fsys)
	main := `
name: main
includes:
  - {file: base.yaml}
  - {file: over.yaml, override: false}
  - {resource: true, file: /configs/elsewhere.yaml}
`
	m, warns, err := Import("dir/main.yaml", []byte(main), opts)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "main" || len(m.Components) != 1 || !strings.Contains(strings.Join(m.Components[0].Doc, " "), "com.example.FromBase") {
		t.Errorf("override false must keep the first name and bolt: %+v", m)
	}
	if len(warns) != 1 || warns[0].Line != 6 || !strings.Contains(warns[0].Msg, "classpath resource") {
		t.Errorf("want one warning at line 6 for the classpath include, got %v", warns)
	}
	m, _, err = Import("dir/main.yaml", []byte(strings.Replace(main, "override: false", "override: true", 1)), opts)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "over-name" || !strings.Contains(strings.Join(m.Components[0].Doc, " "), "com.example.FromOverride") {
		t.Errorf("override true must replace the name and bolt: %+v", m)
	}
}

func TestIncludeErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yaml":    {Data: []byte("includes:\n  - file: b.yaml\n")},
		"b.yaml":    {Data: []byte("name: b\nincludes:\n  - file: a.yaml\n")},
		"self.yaml": {Data: []byte("includes:\n  - file: ./self.yaml\n")},
	}
	cases := []struct{ file, want string }{
		{"a.yaml", "b.yaml:3: include cycle: a.yaml includes b.yaml includes a.yaml"},
		{"self.yaml", "self.yaml:2: include cycle: self.yaml includes self.yaml"},
	}
	for _, c := range cases {
		data, _ := fs.ReadFile(fsys, c.file)
		_, _, err := Import(c.file, data, files(fsys))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %s", c.file, err, c.want)
		}
	}
	_, _, err := Import("m.yaml", []byte("includes:\n  - file: missing.yaml\n"), files(fsys))
	if err == nil || !strings.HasPrefix(err.Error(), `m.yaml:2: cannot read the include "missing.yaml"`) {
		t.Errorf("missing include: %v", err)
	}
}

func TestSubstitution(t *testing.T) {
	data := `
name: "${topology.name}"
spouts:
  - {id: "${spout.id}", className: org.apache.storm.testing.TestWordSpout}
bolts:
  - {id: "${ENV-BOLT}", className: com.example.Bolt}
  - {id: "${list[1]}", className: com.example.Other}
streams:
  - {from: "${spout.id}", to: "${ENV-BOLT}", grouping: {type: SHUFFLE}}
  - {from: "${spout.id}", to: "${list[1]}", grouping: {type: SHUFFLE}}
`
	props := ParseProperties([]byte("# comment\ntopology.name = word-count\nspout.id: words\nlist=[\"x\", \"second\"]\n"))
	out, warns := importText(t, data, importer.Options{Properties: props, Env: map[string]string{"BOLT": "counter"}})
	if len(warns) != 0 {
		t.Errorf("unexpected warnings %v", warns)
	}
	mustContain(t, out, "dataflow word_count\n", "source words(word)", "component counter {", "component second {")

	// Without values: placeholders stay, with a warning naming the line.
	_, warns, err := Import("topo.yaml", []byte(data), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) == 0 || warns[0].Line != 2 || !strings.Contains(warns[0].Msg, "${topology.name}") {
		t.Errorf("want a warning at line 2 for ${topology.name}, got %v", warns)
	}
}

func TestErrorsNameFileAndLine(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"syntax", "spouts:\n  - id: a\n   className: [\n", "topo.yaml:1: not valid YAML: did not find expected"},
		{"truncated", "spouts:\n  - id: \"a\n", "topo.yaml:"},
		{"not a mapping", "- a\n- b\n", "topo.yaml:1: expected a Flux topology"},
		{"spouts not a list", "spouts: 3\n", `topo.yaml:1: expected the spouts (a list), found "3"`},
		{"spout not a mapping", "spouts:\n  - x\n", `topo.yaml:2: expected a spout (id, className...) (a mapping), found "x"`},
		{"spout without id", "spouts:\n  - className: X\n", "topo.yaml:2: expected an id in a spout"},
		{"unknown grouping", "bolts:\n  - {id: b, className: X}\nstreams:\n  - from: b\n    to: b\n    grouping:\n      type: ROUND_ROBIN\n",
			`topo.yaml:7: unknown grouping type "ROUND_ROBIN": expected one of SHUFFLE, LOCAL_OR_SHUFFLE, FIELDS`},
		{"fields without args", "bolts:\n  - {id: b, className: X}\nstreams:\n  - from: b\n    to: b\n    grouping: {type: FIELDS}\n", "topo.yaml:6: a FIELDS grouping needs args"},
		{"no grouping", "bolts:\n  - {id: b, className: X}\nstreams:\n  - {from: b, to: b}\n", "topo.yaml:4: expected a grouping"},
		{"unknown from", "bolts:\n  - {id: b, className: X}\nstreams:\n  - {from: nope, to: b, grouping: {type: SHUFFLE}}\n", `topo.yaml:4: the stream comes from "nope": no spout or bolt has this id`},
		{"into a spout", "spouts:\n  - {id: s, className: X}\nstreams:\n  - {from: s, to: s, grouping: {type: SHUFFLE}}\n", `topo.yaml:4: the stream goes to the spout "s"`},
		{"shared id", "spouts:\n  - {id: s, className: X}\nbolts:\n  - {id: s, className: Y}\n", `topo.yaml:4: the bolt id "s" is also a spout's id`},
		{"java topology", "name: x\ntopologySource:\n  className: com.example.Topo\n", "topo.yaml:2: the topology is built in Java by com.example.Topo (topologySource)"},
		{"empty", "", "topo.yaml: empty file"},
		{"args not scalars", "bolts:\n  - {id: b, className: X}\nstreams:\n  - from: b\n    to: b\n    grouping: {type: FIELDS, args: [[a]]}\n", "topo.yaml:6: expected an item of the grouping args (field names) (a string), found a list"},
	}
	for _, c := range cases {
		_, _, err := Import("topo.yaml", []byte(c.data), importer.Options{})
		var ie *importer.Error
		if err == nil || !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an *importer.Error starting %q", c.name, err, c.want)
			continue
		}
		if len(err.Error()) > 300 {
			t.Errorf("%s: message too long (%d): %s", c.name, len(err.Error()), err)
		}
	}
}

// within runs f and fails the test if it does not return before the
// test's context deadline.
func within(t *testing.T, d time.Duration, f func() error) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		t.Fatalf("no answer before the deadline")
		return nil
	}
}

func TestHostileInputs(t *testing.T) {
	// A billion laughs: aliases nested nine deep. Where the import does
	// not look (config), it costs nothing; where it does, it reads one level.
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	laughs := "config:\n  " + strings.ReplaceAll(bomb.String(), "\n", "\n  ") + "\n" +
		"spouts:\n  - {id: s, className: X}\nbolts:\n  - {id: b, className: Y}\nstreams:\n  - {from: s, to: b, grouping: {type: FIELDS, args: *a9}}\n"
	err := within(t, 30*time.Second, func() error {
		_, _, err := Import("bomb.yaml", []byte(laughs), importer.Options{})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "bomb.yaml:") {
		t.Errorf("alias bomb in grouping args: want an error naming the file, got %v", err)
	}

	// Many aliases where the import looks: the node bound stops it.
	old := maxNodes
	maxNodes = 1000
	defer func() { maxNodes = old }()
	many := "spouts:\n  - &s {id: s, className: X}\n" + "  - *s\n"
	many += strings.Repeat("  - *s\n", 2000)
	err = within(t, 30*time.Second, func() error {
		_, _, err := Import("many.yaml", []byte(many), importer.Options{})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "too many YAML nodes") {
		t.Errorf("node bound: got %v", err)
	}
	maxNodes = old

	// Millions of tiny nodes are refused before the YAML reader runs.
	tiny := "spouts:\n" + strings.Repeat("- a\n", 3*maxNodes)
	err = within(t, 30*time.Second, func() error {
		_, _, err := Import("tiny.yaml", []byte(tiny), importer.Options{})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "tiny.yaml: too many YAML nodes") {
		t.Errorf("tiny nodes: got %v", err)
	}

	// Deep nesting: YAML's own depth limit answers.
	deep := "config: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n"
	err = within(t, 30*time.Second, func() error {
		_, _, err := Import("deep.yaml", []byte(deep), importer.Options{})
		return err
	})
	if err == nil || !strings.HasPrefix(err.Error(), "deep.yaml") {
		t.Errorf("deep nesting: got %v", err)
	}

	// Too large.
	huge := make([]byte, importer.MaxInputSize+1)
	_, _, err = Import("huge.yaml", huge, importer.Options{})
	if err == nil || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Errorf("huge input: got %v", err)
	}
	// An unnamed input is named in the message, as every importer names it.
	_, _, err = Import("", huge, importer.Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "<input>: larger than 16 MiB") {
		t.Errorf("unnamed huge input: got %v", err)
	}

	// Includes nested without end (each a new file): the depth bound.
	chain := importer.Options{ReadFile: func(p string) ([]byte, error) {
		return []byte("includes:\n  - file: x" + p + "\n"), nil
	}}
	err = within(t, 30*time.Second, func() error {
		_, _, err := Import("c.yaml", []byte("includes:\n  - file: d.yaml\n"), chain)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "includes nested more than") {
		t.Errorf("endless include chain: got %v", err)
	}
}

func TestParseProperties(t *testing.T) {
	p := ParseProperties([]byte("a=1\n  b : two words \n! c=no\nd long \\\n  continued\ne\n"))
	want := map[string]string{"a": "1", "b": "two words ", "d": "long continued", "e": ""}
	if fmt.Sprint(p) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", p, want)
	}
}

func TestOutputNamesStayUnique(t *testing.T) {
	// The default stream prints as "output"; a stream id "output" must not
	// merge with it.
	out, _ := importText(t, `
spouts:
  - {id: s, className: X}
bolts:
  - {id: b, className: com.example.B}
  - {id: c, className: com.example.C}
  - {id: d, className: com.example.D}
streams:
  - {from: s, to: b, grouping: {type: SHUFFLE}}
  - {from: b, to: c, grouping: {type: SHUFFLE}}
  - {from: b, to: d, grouping: {type: SHUFFLE, streamId: output}}
`, importer.Options{})
	mustContain(t, out, "  out output\n  out output_2\n", "stream b.output -> c.b shuffle", "stream b.output_2 -> d.b_output shuffle")
}

func TestKnownClassesInTheWrongPlace(t *testing.T) {
	// A logging bolt that streams leave, and a spout class used as a bolt:
	// both are components whose paths need a decision.
	out, _ := importText(t, `
spouts:
  - {id: s, className: org.apache.storm.testing.TestWordSpout}
bolts:
  - {id: log, className: org.apache.storm.flux.wrappers.bolts.LogInfoBolt}
  - {id: odd, className: org.apache.storm.testing.TestWordSpout}
streams:
  - {from: s, to: log, grouping: {type: SHUFFLE}}
  - {from: log, to: odd, grouping: {type: SHUFFLE}}
`, importer.Options{})
	mustContain(t, out,
		`// bolt "log" (org.apache.storm.flux.wrappers.bolts.LogInfoBolt) logs every tuple and`, "emits nothing, yet streams leave it here",
		"component log {", "component odd {", "  out output\n", "s -> output : OW[]", "log -> output : OW[]")
	if n := strings.Count(out, "// TODO:"); n != 2 {
		t.Errorf("want 2 TODOs, got %d:\n%s", n, out)
	}
}
