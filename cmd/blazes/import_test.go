package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/internal/golden"
)

// fluxProperties names the properties file each sample's placeholders
// come from (Flux's --filter), as testdata/import/flux/SOURCES.md says.
var fluxProperties = map[string]string{
	"examples/simple_hdfs.yaml":         "testdata/import/flux/examples/hdfs_bolt.properties",
	"examples/simple_hbase.yaml":        "testdata/import/flux/examples/hbase_bolt.properties",
	"core-tests/substitution-test.yaml": "testdata/import/flux/core-tests/test.properties",
}

// importSamples lists the real (and, for Flink, hand-written) inputs of
// one format under testdata/import/DIR, relative to that directory.
func importSamples(t *testing.T, dir string, patterns ...string) []string {
	t.Helper()
	root := filepath.Join(repoRoot, "testdata", "import", dir)
	var rel []string
	for _, pat := range patterns {
		files, err := filepath.Glob(filepath.Join(root, pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			r, _ := filepath.Rel(root, f)
			rel = append(rel, filepath.ToSlash(r))
		}
	}
	if len(rel) == 0 {
		t.Fatalf("no %s samples", dir)
	}
	return rel
}

var blz1xx = regexp.MustCompile(`BLZ1\d\d`)

// TestImportGolden imports every sample of every format with the binary
// and compares the model (and the warnings or error) with its golden
// file; every model must parse, check without BLZ1xx errors (in the
// analysis and through blazes check, whose status is 0 or 1), and come out
// of blazes fmt unchanged.
func TestImportGolden(t *testing.T) {
	formats := []struct {
		from, dir string
		samples   []string
		min       int // how many must import (the others fail on purpose)
	}{
		{"flux", "flux", importSamples(t, "flux", "*/*.yaml"), 20},
		{"kafka-streams", "kafka-streams", importSamples(t, "kafka-streams", "*.txt"), 25},
		{"flink", "flink", importSamples(t, "flink", "*.json", "*.out", "handwritten/*.json"), 5},
	}
	for _, fm := range formats {
		t.Run(fm.from, func(t *testing.T) {
			imported := 0
			for _, sample := range fm.samples {
				t.Run(sample, func(t *testing.T) {
					if importSample(t, fm.from, fm.dir, sample) {
						imported++
					}
				})
			}
			if imported < fm.min {
				t.Errorf("only %d samples imported, want at least %d", imported, fm.min)
			}
		})
	}
}

// importSample runs blazes import on one sample and checks what it
// writes; it reports whether the sample imported.
func importSample(t *testing.T, from, dir, sample string) bool {
	args := []string{"import", "--from", from, "testdata/import/" + dir + "/" + sample}
	if p := fluxProperties[sample]; from == "flux" && p != "" {
		args = append(args, "--filter", p)
	}
	res := blazes(t, repoRoot, args...)
	base := filepath.Join(repoRoot, "testdata", "golden", "import", dir, strings.TrimSuffix(sample, filepath.Ext(sample)))
	if res.code != 0 || res.stderr != "" {
		golden.Check(t, base+".stderr.txt", []byte(fmt.Sprintf("exit status %d\n%s", res.code, res.stderr)))
	}
	if res.code != 0 {
		if res.code != 1 || res.stdout != "" {
			t.Fatalf("a file that cannot be imported: want exit 1 and no output, got %d with %q", res.code, res.stdout)
		}
		return false
	}
	golden.Check(t, base+".txt", []byte(res.stdout))

	f := grammar.Parse("m.blazes", []byte(res.stdout))
	if len(f.Errors) > 0 {
		t.Fatalf("the model does not parse: %v", f.Errors[0])
	}
	work := t.TempDir()
	model := filepath.Join(work, "model.blazes")
	if err := os.WriteFile(model, []byte(res.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	prog := analysis.Load(model, analysis.Options{})
	if prog.LoadErr != nil {
		t.Fatal(prog.LoadErr)
	}
	for _, d := range prog.Diagnostics {
		if strings.HasPrefix(d.Code, "BLZ1") || d.Code == "BLZ000" {
			t.Errorf("%s %s at offset %d", d.Code, d.Message, d.Range.Start)
		}
	}
	fm := blazes(t, work, "fmt", "-l", "model.blazes")
	if fm.code != 0 || fm.stdout != "" {
		t.Errorf("blazes fmt -l: status %d, lists %q: the model is not in canonical layout (%s)", fm.code, fm.stdout, fm.stderr)
	}
	ck := blazes(t, work, "check", "model.blazes")
	if ck.code != 0 && ck.code != 1 {
		t.Errorf("blazes check: status %d: %s", ck.code, ck.stderr)
	}
	if blz1xx.MatchString(ck.stdout + ck.stderr) {
		t.Errorf("blazes check reports a BLZ1xx error:\n%s", ck.stdout)
	}
	// What the importer could not know it writes order-sensitive with the
	// empty gate: the first check must show every such place.
	for _, comp := range conservative(f) {
		if !strings.Contains(ck.stdout, comp+": ") {
			t.Errorf("component %s is written OW[]/OR[] (a TODO) but blazes check says nothing of it:\n%s", comp, ck.stdout)
		}
	}
	return true
}

// conservative lists the components of f with an order-sensitive path of
// the empty gate, the importers' way of saying "a person must decide".
func conservative(f *grammar.File) []string {
	var out []string
	for _, d := range f.Decls {
		c, ok := d.(*grammar.Component)
		if !ok || c.Name == nil {
			continue
		}
		for _, m := range c.Members {
			if p, ok := m.(*grammar.Path); ok && p.Ann != nil && p.Ann.Kind != grammar.CR && p.Ann.Kind != grammar.CW && len(p.Ann.Gate) == 0 {
				out = append(out, c.Name.Name)
				break
			}
		}
	}
	return out
}

func TestImportCommandLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeFile(t, filepath.Join(dir, name), text) }
	good := write("good.yaml", "name: g\nspouts:\n  - {id: s, className: org.apache.storm.testing.TestWordSpout}\nbolts:\n  - {id: b, className: com.example.B}\nstreams:\n  - {from: s, to: b, grouping: {type: FIELDS, args: [word]}}\n")
	write("bad.yaml", "spouts:\n  - {id: s, className: X}\nstreams:\n  - {from: s, to: nowhere, grouping: {type: SHUFFLE}}\n")
	write("trunc.yaml", "spouts:\n  - {id: s, className: \"X\n")
	write("cycle-a.yaml", "includes:\n  - file: cycle-b.yaml\n")
	write("cycle-b.yaml", "includes:\n  - file: cycle-a.yaml\n")
	var bomb strings.Builder
	bomb.WriteString("config:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "  a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	bomb.WriteString("spouts: *a9\n")
	write("bomb.yaml", bomb.String())

	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"import", "good.yaml"}, 2, "--from is required"},
		{[]string{"import", "--from", "storm", "good.yaml"}, 2, `unknown format "storm"`},
		{[]string{"import", "--from", "flux"}, 2, "give exactly one FILE"},
		{[]string{"import", "--from", "flux", "missing.yaml"}, 2, "missing.yaml"},
		{[]string{"import", "--from", "flux", "bad.yaml"}, 1, `bad.yaml:4: the stream goes to "nowhere": no bolt has this id`},
		{[]string{"import", "--from", "flux", "trunc.yaml"}, 1, "trunc.yaml:"},
		{[]string{"import", "--from", "flux", "cycle-a.yaml"}, 1, "cycle-b.yaml:2: include cycle: cycle-a.yaml includes cycle-b.yaml includes cycle-a.yaml"},
		{[]string{"import", "--from", "flux", "bomb.yaml"}, 1, "bomb.yaml:10: expected a spout (id, className...) (a mapping), found a list"},
		{[]string{"import", "--from", "flux", "good.yaml", "-o", "no/such/dir/out.blazes"}, 2, "no/such/dir"},
		{[]string{"import", "--from", "flux", "--filter", "none.properties", "good.yaml"}, 2, "none.properties"},
	}
	for _, c := range cases {
		res := blazes(t, dir, c.args...)
		if res.code != c.code || !strings.Contains(res.stderr, c.stderr) {
			t.Errorf("blazes %v: status %d, stderr %q; want %d and %q", c.args, res.code, res.stderr, c.code, c.stderr)
		}
	}

	// stdout, and -o (flags after the file) writing the same text.
	res := blazes(t, dir, "import", "--from", "flux", good)
	if res.code != 0 || !strings.Contains(res.stdout, "b_word -> output : OW[]") && !strings.Contains(res.stdout, "s -> output : OW[]") {
		t.Fatalf("import: %d %s %s", res.code, res.stdout, res.stderr)
	}
	out := filepath.Join(dir, "topo.blazes")
	res2 := blazes(t, dir, "import", "--from", "flux", "good.yaml", "-o", "topo.blazes")
	got, err := os.ReadFile(out)
	if res2.code != 0 || err != nil || string(got) != res.stdout || res2.stdout != "" {
		t.Fatalf("import -o: status %d (%s), file %q, err %v", res2.code, res2.stderr, got, err)
	}
	// -o replaces an existing file, and leaves no temporary file behind.
	if err := os.WriteFile(out, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if res := blazes(t, dir, "import", "--from", "flux", "-o", "topo.blazes", "good.yaml"); res.code != 0 {
		t.Fatal(res.stderr)
	}
	if got, _ := os.ReadFile(out); string(got) != res.stdout {
		t.Errorf("-o did not replace the file: %q", got)
	}
	for _, n := range dirNames(t, dir) {
		if strings.HasSuffix(n, ".tmp") {
			t.Errorf("temporary file left: %s", n)
		}
	}

	// Hostile: a file larger than the bound is refused before it is read whole.
	big := filepath.Join(dir, "big.yaml")
	fh, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(17 << 20); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	if res := blazes(t, dir, "import", "--from", "flux", "big.yaml"); res.code != 2 || !strings.Contains(res.stderr, "larger than 16 MiB") {
		t.Errorf("big file: status %d, %s", res.code, res.stderr)
	}
}

// TestImportThenCheck is the quickstart of the README: import a real Flux
// file to a file, then check it.
func TestImportThenCheck(t *testing.T) {
	out := filepath.Join(t.TempDir(), "topo.blazes")
	res := blazes(t, repoRoot, "import", "--from", "flux", "testdata/import/flux/examples/multilang.yaml", "-o", out)
	if res.code != 0 {
		t.Fatalf("import: %d %s", res.code, res.stderr)
	}
	ck := blazes(t, repoRoot, "check", out)
	if ck.code != 1 || !strings.Contains(ck.stdout, "[BLZ001]") || blz1xx.MatchString(ck.stdout) {
		t.Errorf("check of the imported model: status %d\n%s%s", ck.code, ck.stdout, ck.stderr)
	}
}
