package main

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/internal/golden"
)

// The tests run the real binary, built once, from the repository root so
// that file names print as a user would type them.
var (
	binary   string
	repoRoot string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "blazes-cmd-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "blazes")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	wd, _ := os.Getwd()
	repoRoot = filepath.Join(wd, "..", "..")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building blazes: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func blazes(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running blazes %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// goldenCases are checked in text and JSON, and explained.
var goldenCases = []struct {
	file    string
	code    int // exit status of check
	explain []string
}{
	{"testdata/paper/wordcount.blazes", 1, []string{"Commit.db", "Count: words -> counts"}},
	{"testdata/paper/wordcount_sealed.blazes", 0, []string{"Commit.db"}},
	{"testdata/paper/adtrack/poor.blazes", 1, []string{"analysts", "Cache"}},
	{"testdata/paper/adtrack/thresh.blazes", 0, []string{"analysts"}},
	{"testdata/paper/adtrack/window.blazes", 0, []string{"Report.response"}},
	{"testdata/paper/adtrack/campaign.blazes", 0, []string{"Report.response"}},
	// Contract v2: a stream-table join whose queries are outside the
	// writes' log; a windowed sum scattered by a shuffle.
	{"testdata/real/kafka_pageview.blazes", 1, []string{"Join: views -> enriched", "Join: profiles -> enriched"}},
	{"testdata/real/storm_sliding_tuple_ts.blazes", 1, []string{"SlidingSum.sums"}},
}

func goldenPath(file, kind string) string {
	name := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(file, "testdata/"), ".blazes"), "/", "_")
	return filepath.Join(repoRoot, "testdata", "golden", name+"."+kind)
}

func TestCheckGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.file, func(t *testing.T) {
			text := blazes(t, repoRoot, "check", c.file)
			if text.code != c.code {
				t.Errorf("check %s: exit %d, want %d; stderr: %s", c.file, text.code, c.code, text.stderr)
			}
			golden.Check(t, goldenPath(c.file, "check.txt"), []byte(text.stdout))
			js := blazes(t, repoRoot, "check", "--format", "json", c.file)
			if js.code != c.code {
				t.Errorf("check --format json %s: exit %d, want %d", c.file, js.code, c.code)
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(js.stdout), &v); err != nil {
				t.Fatalf("JSON output does not parse: %v", err)
			}
			golden.Check(t, goldenPath(c.file, "check.json"), []byte(js.stdout))
			var ex bytes.Buffer
			for _, name := range c.explain {
				r := blazes(t, repoRoot, "explain", c.file, name)
				if r.code != 0 {
					t.Errorf("explain %s %q: exit %d: %s", c.file, name, r.code, r.stderr)
				}
				ex.WriteString("$ blazes explain " + c.file + " '" + name + "'\n" + r.stdout + "\n")
			}
			golden.Check(t, goldenPath(c.file, "explain.txt"), ex.Bytes())
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeFile(t, filepath.Join(dir, name), text) }
	hintOnly := write("hint.blazes", "source s\nsink k\nstream s -> k order\n")
	unreadable := write("secret.blazes", "source s\n")
	if err := os.Chmod(unreadable, 0); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		err  string // substring of stderr
	}{
		{"no args", nil, 2, "Usage"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"misspelt command", []string{"chek", "x"}, 2, `unknown command "chek" (did you mean check?)`},
		{"unknown flag", []string{"check", "--nope", "x"}, 2, "flag provided but not defined"},
		{"bad format", []string{"check", "--format", "xml", "x"}, 2, "--format"},
		{"bad fail-on", []string{"check", "--fail-on", "fatal", "x"}, 2, "--fail-on"},
		{"missing file", []string{"check", filepath.Join(dir, "nope.blazes")}, 2, "no such file"},
		{"no files", []string{"check"}, 2, "no files"},
		{"directory without dataflows", []string{"check", t.TempDir()}, 2, "no .blazes files"},
		{"clean", []string{"check", filepath.Join(repoRoot, "testdata/paper/wordcount_sealed.blazes")}, 0, ""},
		{"finding", []string{"check", filepath.Join(repoRoot, "testdata/paper/wordcount.blazes")}, 1, ""},
		{"fail-on error ignores a warning", []string{"check", "--fail-on", "error", filepath.Join(repoRoot, "testdata/paper/wordcount.blazes")}, 0, ""},
		{"hint below warning", []string{"check", hintOnly}, 0, ""},
		{"fail-on hint", []string{"check", "--fail-on", "hint", hintOnly}, 1, ""},
		{"help", []string{"check", "-h"}, 0, "Usage: blazes check"},
		{"version", []string{"version"}, 0, ""},
		{"explain unknown name", []string{"explain", filepath.Join(repoRoot, "testdata/paper/wordcount.blazes"), "Nope"}, 2, "no component"},
		{"explain misspelt name", []string{"explain", filepath.Join(repoRoot, "testdata/paper/wordcount.blazes"), "Commit.dbb"}, 2, `(did you mean "Commit.db"?)`},
		{"graph bad format", []string{"graph", "--format", "png", "x"}, 2, "--format"},
	}
	if os.Geteuid() != 0 { // root reads any file
		cases = append(cases, struct {
			name string
			args []string
			code int
			err  string
		}{"unreadable file", []string{"check", unreadable}, 2, "permission denied"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := blazes(t, dir, c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, c.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.err) {
				t.Errorf("stderr %q does not mention %q", r.stderr, c.err)
			}
			if c.code == 2 && strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 && (strings.HasPrefix(c.name, "missing") || strings.HasPrefix(c.name, "unreadable")) {
				t.Errorf("a file error should be one line, got %q", r.stderr)
			}
		})
	}
}

// Garbage never panics: it gives BLZ000 and exit 1.
func TestGarbageInput(t *testing.T) {
	dir := t.TempDir()
	rnd := rand.New(rand.NewSource(7))
	random := make([]byte, 64<<10)
	rnd.Read(random)
	inputs := map[string][]byte{
		"random":       random,
		"nul":          []byte("source a\x00b\ncomponent \x00 {}\n"),
		"longline":     []byte("source s " + strings.Repeat("x", 1<<20) + "\n"),
		"braces":       []byte("component C " + strings.Repeat("{", 10000) + strings.Repeat("}", 10000) + "\n"),
		"unterminated": []byte("/* never closed\ncomponent C {\n"),
	}
	for name, text := range inputs {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name+".blazes")
			if err := os.WriteFile(p, text, 0o644); err != nil {
				t.Fatal(err)
			}
			r := blazes(t, dir, "check", "--format", "json", p)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1; stderr %q", r.code, r.stderr)
			}
			if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
				t.Fatalf("panic: %s", r.stderr)
			}
			var out struct {
				Diagnostics []struct{ Code string } `json:"diagnostics"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, d := range out.Diagnostics {
				found = found || d.Code == "BLZ000"
			}
			if !found {
				t.Errorf("no BLZ000 among %v", out.Diagnostics)
			}
		})
	}
}

// Error recovery: every broken declaration is reported, the intact ones
// are analysed.
func TestRecoveryReportsEveryError(t *testing.T) {
	dir := t.TempDir()
	text := `source tweets(tweet, batch)
component Splitter {
  tweets -> words CR
}
component Count {
  words -> counts : OW[word, batch]
}
component Broken {
  x -> : CW
}
stream tweets -> Count.words
stream Count.counts ->
`
	p := filepath.Join(dir, "broken.blazes")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	r := blazes(t, dir, "check", p)
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	if n := strings.Count(r.stdout, "[BLZ000]"); n != 3 {
		t.Errorf("%d syntax errors reported, want 3:\n%s", n, r.stdout)
	}
	if !strings.Contains(r.stdout, "[BLZ001]") {
		t.Errorf("the intact Count was not analysed:\n%s", r.stdout)
	}
}

func TestGraph(t *testing.T) {
	r := blazes(t, repoRoot, "graph", "testdata/paper/wordcount.blazes")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "digraph") {
		t.Fatalf("graph: exit %d, %q", r.code, r.stderr)
	}
	for _, want := range []string{`"Splitter"`, `"Count"`, `"Commit"`, "#ef6c00"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("DOT lacks %s", want)
		}
	}
	svg := blazes(t, repoRoot, "graph", "--format", "svg", "testdata/paper/wordcount.blazes")
	if svg.code != 0 || !strings.Contains(svg.stdout, "<svg") {
		t.Fatalf("svg: exit %d, %q", svg.code, svg.stderr)
	}
	for _, want := range []string{"Splitter", "Count", "Commit", "#ef6c00"} {
		if !strings.Contains(svg.stdout, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
}
