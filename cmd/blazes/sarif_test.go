package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/blazes-dev/blazes/internal/golden"
)

// sarifSchema compiles testdata/sarif-schema-2.1.0.json, the official SARIF
// 2.1.0 schema (OASIS, errata 01: sarif-2.1/schema/ of
// github.com/oasis-tcs/sarif-spec), with format assertions on (uri,
// date-time...).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join(repoRoot, "testdata", "sarif-schema-2.1.0.json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schemaURI, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaURI)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// Minimal views of the SARIF the tests look into.
type (
	sarifLog struct {
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID                   string            `json:"id"`
					HelpURI              string            `json:"helpUri"`
					ShortDescription     map[string]string `json:"shortDescription"`
					Help                 map[string]string `json:"help"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifResult struct {
		RuleID              string                `json:"ruleId"`
		RuleIndex           int                   `json:"ruleIndex"`
		Level               string                `json:"level"`
		Message             struct{ Text string } `json:"message"`
		Locations           []sarifLocation       `json:"locations"`
		RelatedLocations    []sarifLocation       `json:"relatedLocations"`
		PartialFingerprints map[string]string     `json:"partialFingerprints"`
		Fixes               []struct {
			Description     struct{ Text string } `json:"description"`
			Properties      map[string]any        `json:"properties"`
			ArtifactChanges []struct {
				ArtifactLocation sarifArtifact `json:"artifactLocation"`
				Replacements     []struct {
					DeletedRegion   sarifRegion `json:"deletedRegion"`
					InsertedContent *struct {
						Text string `json:"text"`
					} `json:"insertedContent"`
				} `json:"replacements"`
			} `json:"artifactChanges"`
		} `json:"fixes"`
	}
	sarifLocation struct {
		ID               int                    `json:"id"`
		Message          *struct{ Text string } `json:"message"`
		PhysicalLocation struct {
			ArtifactLocation sarifArtifact `json:"artifactLocation"`
			Region           sarifRegion   `json:"region"`
		} `json:"physicalLocation"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	sarifRegion struct {
		StartLine, StartColumn, EndLine, EndColumn int
	}
)

// checkSARIF runs `blazes check --format sarif` in dir, validates the
// output against the schema and checks what the schema cannot: rule
// indexes, levels, columnKind.
func checkSARIF(t *testing.T, sch *jsonschema.Schema, dir string, args ...string) sarifLog {
	t.Helper()
	r := blazes(t, dir, append([]string{"check", "--format", "sarif"}, args...)...)
	if r.code == 2 {
		t.Fatalf("check --format sarif %v: exit 2: %s", args, r.stderr)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatalf("SARIF of %v does not parse: %v", args, err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("SARIF of %v does not validate against the SARIF 2.1.0 schema: %v", args, err)
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if run.ColumnKind != "utf16CodeUnits" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	rules := run.Tool.Driver.Rules
	for _, res := range run.Results {
		if res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s: ruleIndex %d does not name its rule", res.RuleID, res.RuleIndex)
		}
		if !slices.Contains([]string{"error", "warning", "note"}, res.Level) {
			t.Errorf("result %s: level %q", res.RuleID, res.Level)
		}
		if len(res.Locations) != 1 || res.PartialFingerprints[fingerprintKey] == "" {
			t.Errorf("result %s: %d locations, fingerprints %v", res.RuleID, len(res.Locations), res.PartialFingerprints)
		}
		for i, rl := range res.RelatedLocations {
			if rl.ID != i+1 || rl.Message == nil || !strings.Contains(res.Message.Text, "]("+strconv.Itoa(rl.ID)+")") {
				t.Errorf("result %s: related location %d (id %d) is not linked from the message %q", res.RuleID, i, rl.ID, res.Message.Text)
			}
		}
	}
	return log
}

// The SARIF of every .blazes file in the repository's testdata validates,
// and so does the SARIF of files with syntax errors, non-ASCII text, a
// file outside --sarif-root, and several files at once.
func TestSARIFValidatesEveryTestdataFile(t *testing.T) {
	sch := sarifSchema(t)
	var files []string
	err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != repoRoot {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(repoRoot, p)
		if !d.IsDir() && strings.HasSuffix(p, ".blazes") && slices.Contains(strings.Split(filepath.ToSlash(rel), "/"), "testdata") {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Fatalf("found only %d .blazes files under testdata directories", len(files))
	}
	codes := map[string]bool{}
	for _, f := range files {
		log := checkSARIF(t, sch, repoRoot, f)
		for _, res := range log.Runs[0].Results {
			codes[res.RuleID] = true
			if u := res.Locations[0].PhysicalLocation.ArtifactLocation; u.URIBaseID != srcRootID || strings.HasPrefix(u.URI, "/") {
				t.Errorf("%s: location %+v is not relative to %%SRCROOT%%", f, u)
			}
		}
	}
	for _, c := range []string{"BLZ001", "BLZ002", "BLZ003", "BLZ101", "BLZ105", "BLZ106", "BLZ107", "BLZ201", "BLZ202"} {
		if !codes[c] {
			t.Errorf("no testdata file produced %s", c)
		}
	}
	log := checkSARIF(t, sch, repoRoot, "testdata/paper/wordcount.blazes", "testdata/paper/adtrack/poor.blazes", "testdata/rules/err_duplicate.blazes")
	if n := len(log.Runs[0].Results); n < 3 {
		t.Errorf("three files with findings give %d results", n)
	}

	// Syntax errors after non-ASCII text: columns count UTF-16 code units.
	dir := t.TempDir()
	text := "dataflow u\n\n// café\nsource s(a) seal(b) 😀 x\ncomponent {\n"
	if err := os.WriteFile(filepath.Join(dir, "syntax.blazes"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	log = checkSARIF(t, sch, dir, "syntax.blazes")
	res := log.Runs[0].Results
	if len(res) == 0 || res[0].RuleID != "BLZ000" || res[0].Level != "error" {
		t.Fatalf("syntax errors: %+v", res)
	}
	if r := res[0].Locations[0].PhysicalLocation.Region; r != (sarifRegion{4, 21, 4, 23}) {
		t.Errorf("the emoji (two UTF-16 code units at column 21 of line 4) is at %+v", r)
	}
	if u := res[0].Locations[0].PhysicalLocation.ArtifactLocation; u != (sarifArtifact{"syntax.blazes", srcRootID}) {
		t.Errorf("artifact %+v", u)
	}

	// A file outside --sarif-root gets an absolute file URI; a name with a
	// blank is escaped.
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "a b.blazes"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	log = checkSARIF(t, sch, dir, "--sarif-root", dir, filepath.Join(other, "a b.blazes"))
	u := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation
	if !strings.HasPrefix(u.URI, "file:///") || !strings.HasSuffix(u.URI, "/a%20b.blazes") || u.URIBaseID != "" {
		t.Errorf("file outside the root: %+v", u)
	}
	log = checkSARIF(t, sch, other, "a b.blazes")
	if u := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation; u.URI != "a%20b.blazes" {
		t.Errorf("file with a blank: %+v", u)
	}
	// A colon in the first segment would read as a URI scheme.
	if err := os.WriteFile(filepath.Join(other, "x:y.blazes"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	log = checkSARIF(t, sch, other, "x:y.blazes")
	if u := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation; u.URI != "./x:y.blazes" {
		t.Errorf("file with a colon: %+v", u)
	}
}

// The validator is not a rubber stamp: SARIF the schema forbids fails.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := sarifSchema(t)
	r := blazes(t, repoRoot, "check", "--format", "sarif", "testdata/paper/wordcount.blazes")
	for _, bad := range []struct{ old, new string }{
		{`"version": "2.1.0"`, `"version": "2.0.0"`},
		{`"startLine": 15`, `"startLine": 0`},
		{`"level": "warning"`, `"level": "hint"`},
		{`"helpUri": "https://`, `"helpUri": "::not a uri`},
	} {
		text := strings.Replace(r.stdout, bad.old, bad.new, 1)
		if text == r.stdout {
			t.Fatalf("%q not in the output", bad.old)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("SARIF with %s validates", bad.new)
		}
	}
}

func TestSARIFGolden(t *testing.T) {
	r := blazes(t, repoRoot, "check", "--format", "sarif", "testdata/paper/wordcount.blazes")
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (as for text and JSON): %s", r.code, r.stderr)
	}
	golden.Check(t, goldenPath("testdata/paper/wordcount.blazes", "check.sarif"), []byte(r.stdout))
}

// One rule per code of analysis/codes.go, in order, each with a heading in
// docs/semantics.md whose bold lead is the rule's short description, and a
// helpUri at that heading's anchor.
func TestSARIFRulesMatchCodesAndDocs(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(repoRoot, "analysis", "codes.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && strings.HasPrefix(vs.Names[0].Name, "Code") {
			s, _ := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
			codes = append(codes, s)
		}
		return true
	})
	var ruleCodes []string
	for _, r := range sarifRules {
		ruleCodes = append(ruleCodes, r.code)
	}
	if !slices.Equal(codes, ruleCodes) {
		t.Fatalf("codes.go has %v, the SARIF rules %v", codes, ruleCodes)
	}
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "semantics.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sarifRules {
		m := regexp.MustCompile(`(?m)^### ` + r.code + `\n\n\*\*([^*]+?)\.?\*\*`).FindSubmatch(doc)
		if m == nil {
			t.Errorf("docs/semantics.md has no \"### %s\" heading followed by a bold title", r.code)
			continue
		}
		if string(m[1]) != r.title {
			t.Errorf("%s: docs title %q, SARIF short description %q", r.code, m[1], r.title)
		}
	}
	log := checkSARIF(t, sarifSchema(t), repoRoot, "testdata/paper/wordcount_sealed.blazes")
	rules := log.Runs[0].Tool.Driver.Rules
	if len(rules) != len(codes) {
		t.Fatalf("%d rules, want %d", len(rules), len(codes))
	}
	for i, r := range rules {
		want := defaultHelpBase + "#" + strings.ToLower(codes[i])
		if r.ID != codes[i] || r.HelpURI != want || r.ShortDescription["text"] != sarifRules[i].title ||
			r.Help["text"] == "" || !strings.Contains(r.Help["markdown"], "("+want+")") || r.DefaultConfiguration.Level == "" {
			t.Errorf("rule %d: %+v", i, r)
		}
	}
	if d := log.Runs[0].Tool.Driver; d.Name != "blazes" || d.Version != version {
		t.Errorf("driver %q %q", d.Name, d.Version)
	}
	// A configurable base; a relative one is refused (code scanning needs
	// absolute help URIs).
	r := blazes(t, repoRoot, "check", "--format", "sarif", "--sarif-help-base", "https://example.org/v1/semantics.html", "testdata/paper/wordcount_sealed.blazes")
	if r.code != 0 || !strings.Contains(r.stdout, `"helpUri": "https://example.org/v1/semantics.html#blz202"`) {
		t.Errorf("--sarif-help-base: exit %d, %s", r.code, r.stderr)
	}
	r = blazes(t, repoRoot, "check", "--format", "sarif", "--sarif-help-base", "docs/semantics.md", "testdata/paper/wordcount_sealed.blazes")
	if r.code != 2 || !strings.Contains(r.stderr, "absolute URL") {
		t.Errorf("relative --sarif-help-base: exit %d, stderr %q", r.code, r.stderr)
	}
}

func fingerprints(log sarifLog) map[string]string {
	m := map[string]string{}
	for _, res := range log.Runs[0].Results {
		fp := res.PartialFingerprints[fingerprintKey]
		if _, dup := m[fp]; dup {
			panic("two results share fingerprint " + fp)
		}
		m[fp] = res.RuleID + " " + res.Message.Text
	}
	return m
}

// Fingerprints do not depend on line numbers: an unrelated edit above the
// findings moves them but keeps every fingerprint; equal findings get
// distinct fingerprints; changing the finding's own path changes its.
func TestSARIFFingerprintsSurviveEditsAbove(t *testing.T) {
	sch := sarifSchema(t)
	dir := t.TempDir()
	base, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "paper", "wordcount.blazes"))
	if err != nil {
		t.Fatal(err)
	}
	// Two findings equal but for their position (BLZ101 twice on one name).
	text := string(base) + "stream Nowhere.x -> Commit.counts\nstream Nowhere.x -> Commit.counts\n"
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, "wc.blazes"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(text)
	before := checkSARIF(t, sch, dir, "wc.blazes")
	fpBefore := fingerprints(before)
	if len(fpBefore) < 3 {
		t.Fatalf("want BLZ001 and two BLZ101, got %v", fpBefore)
	}
	moved := strings.Replace(text, "dataflow wordcount\n", "dataflow wordcount\n\n// an unrelated edit\nsource clicks(id)\ncomponent Audit {\n  in clicks(id)\n  clicks -> log : CW\n}\nstream clicks -> Audit.clicks\n", 1)
	write(moved)
	after := checkSARIF(t, sch, dir, "wc.blazes")
	fpAfter := fingerprints(after)
	for fp, what := range fpBefore {
		if _, ok := fpAfter[fp]; !ok {
			t.Errorf("fingerprint of %q changed after an edit above it", what)
		}
	}
	if b, a := before.Runs[0].Results[0].Locations[0].PhysicalLocation.Region.StartLine, after.Runs[0].Results[0].Locations[0].PhysicalLocation.Region.StartLine; a == b {
		t.Errorf("the edit did not move the findings (line %d)", a)
	}
	// The finding's own identity (its path) is in the fingerprint.
	write(strings.Replace(text, "words -> counts : OW[word, batch]", "words -> totals : OW[word, batch]", 1))
	renamed := fingerprints(checkSARIF(t, sch, dir, "wc.blazes"))
	for fp, what := range fpBefore {
		if strings.HasPrefix(what, "BLZ001") {
			if _, ok := renamed[fp]; ok {
				t.Errorf("BLZ001 on another path kept its fingerprint")
			}
		}
	}
}

// utf16Offset converts a SARIF (1-based, UTF-16) line and column into a
// byte offset of text.
func utf16Offset(t *testing.T, text string, line, col int) int {
	lines := strings.SplitAfter(text, "\n")
	if line < 1 || line > len(lines) {
		t.Fatalf("line %d out of range", line)
	}
	off := 0
	for _, l := range lines[:line-1] {
		off += len(l)
	}
	units := 0
	for i, r := range lines[line-1] {
		if units == col-1 {
			return off + i
		}
		units += len(utf16.Encode([]rune{r}))
	}
	if units == col-1 {
		return off + len(lines[line-1])
	}
	t.Fatalf("column %d past the end of line %d", col, line)
	return 0
}

// Every SARIF fix of the word count, applied as SARIF says (deleted regions
// of the file as analysed), removes the BLZ001 it fixes.
func TestSARIFFixesApply(t *testing.T) {
	sch := sarifSchema(t)
	src, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "paper", "wordcount.blazes"))
	if err != nil {
		t.Fatal(err)
	}
	// Non-ASCII text before the edits, to exercise UTF-16 columns.
	text := strings.Replace(string(src), "source tweets(tweet, batch)", "/* ünïcødé 😀 */ source tweets(tweet, batch)", 1)
	if text == string(src) {
		t.Fatal("word count changed: update the test")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "wc.blazes")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := blazes(t, dir, "check", "wc.blazes"); r.code != 1 || !strings.Contains(r.stdout, "BLZ001") {
		t.Fatalf("the modified word count should still have its BLZ001 (block comments?): %s %s", r.stdout, r.stderr)
	}
	log := checkSARIF(t, sch, dir, "wc.blazes")
	res := log.Runs[0].Results
	if len(res) != 1 || len(res[0].Fixes) < 2 {
		t.Fatalf("want one BLZ001 with fixes, got %+v", res)
	}
	for _, fx := range res[0].Fixes {
		out := text
		if len(fx.ArtifactChanges) != 1 || fx.ArtifactChanges[0].ArtifactLocation.URI != "wc.blazes" {
			t.Fatalf("fix %q: %+v", fx.Description.Text, fx.ArtifactChanges)
		}
		reps := fx.ArtifactChanges[0].Replacements
		for i := len(reps) - 1; i >= 0; i-- { // back to front: earlier offsets stay valid
			r := reps[i]
			s := utf16Offset(t, text, r.DeletedRegion.StartLine, r.DeletedRegion.StartColumn)
			e := utf16Offset(t, text, r.DeletedRegion.EndLine, r.DeletedRegion.EndColumn)
			ins := ""
			if r.InsertedContent != nil {
				ins = r.InsertedContent.Text
			}
			out = out[:s] + ins + out[e:]
		}
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		r := blazes(t, dir, "check", "--fail-on", "error", "wc.blazes")
		if strings.Contains(r.stdout, "BLZ001") || r.code != 0 {
			t.Errorf("after fix %q: exit %d\n%s\n%s", fx.Description.Text, r.code, r.stdout, out)
		}
	}
}
