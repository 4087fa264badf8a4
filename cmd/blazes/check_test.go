package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/analysis"
)

// writeTree writes files (name -> text) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkedFiles returns the files the diagnostics of a JSON check name.
func checkedFiles(t *testing.T, stdout string) []string {
	t.Helper()
	var out jsonOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	seen := map[string]bool{}
	var files []string
	for _, d := range out.Diagnostics {
		if !seen[d.File] {
			seen[d.File] = true
			files = append(files, d.File)
		}
	}
	sort.Strings(files)
	return files
}

// blazes check DIR checks every .blazes file under DIR, as go vet ./...
// does, and leaves out hidden directories, node_modules and vendor.
func TestCheckDirectory(t *testing.T) {
	dir := t.TempDir()
	// Each file has a finding (an input with no producer), so that the
	// files checked are the files named by the diagnostics.
	bad := "component C { in x  x -> y : CR }\n"
	writeTree(t, dir, map[string]string{
		"top.blazes":                    bad,
		"a/one.blazes":                  bad,
		"a/b/c/deep.blazes":             bad,
		"a/notes.txt":                   "not a dataflow",
		".git/x.blazes":                 bad,
		"a/.cache/y.blazes":             bad,
		"node_modules/pkg/z.blazes":     bad,
		"vendor/v.blazes":               bad,
		"a/node_modules/also.blazes":    bad,
		"a/b/.hidden.blazes":            bad,
		"a/b/c/deep.blazes.orig":        bad,
		"other/named-twice.blazes":      bad,
		"other/sub/imported.blazes":     "component Lib { in x  x -> y : CR }\n",
		"other/sub/uses-library.blazes": "import \"imported.blazes\"\nsource s\nstream s -> Lib.x\n",
	})
	r := blazes(t, dir, "check", "--format", "json", ".", "other/named-twice.blazes")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %s", r.code, r.stderr)
	}
	got := checkedFiles(t, r.stdout)
	want := []string{"a/b/c/deep.blazes", "a/one.blazes", "other/named-twice.blazes", "top.blazes"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("checked %v, want %v", got, want)
	}
	// The text output names the same files, once each.
	r = blazes(t, dir, "check", "a")
	if n := strings.Count(r.stdout, "[BLZ104]"); n != 2 || !strings.Contains(r.stdout, "a/b/c/deep.blazes:1:") {
		t.Errorf("check a: %d findings, want 2:\n%s", n, r.stdout)
	}
}

// A file that another file of the same run imports is judged as part of
// its importer, not on its own: the paper's ad tracking library has inputs
// that only the files importing it feed.
func TestCheckImportedFileNotJudgedAlone(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "testdata/paper/adtrack/*.blazes"))
	if err != nil || len(files) != 5 {
		t.Fatalf("glob: %v %v", files, err)
	}
	for i := range files {
		files[i], _ = filepath.Rel(repoRoot, files[i])
	}
	for _, args := range [][]string{
		append([]string{"check", "--format", "json"}, files...),
		{"check", "--format", "json", "testdata/paper/adtrack"},
	} {
		r := blazes(t, repoRoot, args...)
		var out jsonOutput
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("%v: %v: %s", args, err, r.stdout)
		}
		for _, d := range out.Diagnostics {
			if d.Code == "BLZ104" {
				t.Errorf("%v: %s:%d: a library input reported without producer: %s", args, d.File, d.Range.Start.Line+1, d.Message)
			}
		}
		// One object for the whole run: diagnostics of every file, sorted;
		// labels of every dataflow, merged (Cache is fed by POOR).
		if !sort.SliceIsSorted(out.Diagnostics, func(i, j int) bool {
			a, b := out.Diagnostics[i], out.Diagnostics[j]
			if a.File != b.File {
				return a.File < b.File
			}
			return a.Range.Start.Line < b.Range.Start.Line
		}) {
			t.Errorf("%v: diagnostics not sorted", args)
		}
		labels := map[string]bool{}
		for _, i := range out.Labels.Interfaces {
			if i.Label != nil {
				labels[i.Name] = true
			}
		}
		for _, want := range []string{"Cache.response", "Report.click", "clicks"} {
			if !labels[want] {
				t.Errorf("%v: no label for %s", args, want)
			}
		}
	}
	// Named alone, the library is judged alone (its input has no producer).
	r := blazes(t, repoRoot, "check", "testdata/paper/adtrack/cache.blazes")
	if !strings.Contains(r.stdout, "[BLZ104]") {
		t.Errorf("cache.blazes alone: want BLZ104, got %s", r.stdout)
	}
}

// Two files that import each other are both judged.
func TestCheckImportCycleKeepsBoth(t *testing.T) {
	if got := dropImportedNames(t, map[string]string{
		"a.blazes": "import \"b.blazes\"\n",
		"b.blazes": "import \"a.blazes\"\n",
	}); got != "a.blazes b.blazes" {
		t.Errorf("kept %q", got)
	}
	if got := dropImportedNames(t, map[string]string{
		"a.blazes":   "import \"lib.blazes\"\n",
		"lib.blazes": "\n",
		"c.blazes":   "import \"lib.blazes\"\n",
	}); got != "a.blazes c.blazes" {
		t.Errorf("kept %q", got)
	}
}

// A clean check says nothing on stderr when stderr is not a terminal.
func TestCheckCleanIsSilentOffTerminal(t *testing.T) {
	r := blazes(t, repoRoot, "check", "testdata/paper/wordcount_sealed.blazes")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q: want 0 and silence", r.code, r.stdout, r.stderr)
	}
}

func TestCleanMessage(t *testing.T) {
	for n, want := range map[int]string{1: "blazes: 1 file, no findings", 3: "blazes: 3 files, no findings"} {
		if got := cleanMessage(n); got != want {
			t.Errorf("cleanMessage(%d) = %q, want %q", n, got, want)
		}
	}
}

// dropImportedNames loads the files of a tree as check would and returns
// the names of the programs dropImported keeps.
func dropImportedNames(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	names, err := expandArgs([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var progs []*analysis.Program
	for _, n := range names {
		progs = append(progs, analysis.Load(n, analysis.Options{}))
	}
	var kept []string
	for _, p := range dropImported(progs) {
		rel, _ := filepath.Rel(dir, p.Root)
		kept = append(kept, rel)
	}
	return strings.Join(kept, " ")
}

// The examples of docs/language.md (the code blocks marked blazes) parse,
// analyse without error and are formatted.
func TestLanguageDocExamples(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs/language.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n := 0
	for i, block := range strings.Split(string(doc), "```")[1:] {
		if i%2 != 0 {
			continue // between two blocks
		}
		info, body, _ := strings.Cut(block, "\n")
		if info != "blazes" {
			continue
		}
		n++
		name := filepath.Join(dir, "example"+strconv.Itoa(n)+".blazes")
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if r := blazes(t, dir, "check", "--fail-on", "error", name); r.code != 0 || strings.Contains(r.stdout, "error:") {
			t.Errorf("example %d: exit %d:\n%s%s", n, r.code, r.stdout, r.stderr)
		}
		if r := blazes(t, dir, "fmt", "-l", name); r.stdout != "" {
			t.Errorf("example %d is not formatted", n)
		}
	}
	if n == 0 {
		t.Fatal("no example found in docs/language.md")
	}
}
