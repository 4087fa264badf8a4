package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/internal/golden"
)

// An unformatted file with comments in every place the formatter knows.
const fmtInput = `// the header comment
dataflow   wordcount
source tweets(tweet,batch)   seal(batch)  // the spout punctuates
component Splitter{
    in tweets(tweet, batch)
  out   words(word, batch)
  /* own-line block comment */
  tweets->words:CR
}
component Count { words -> counts : OW[word,batch]   // per word per batch
}
stream tweets->Splitter.tweets
stream Splitter.words -> Count.words
`

var fmtComments = []string{"// the header comment", "// the spout punctuates", "/* own-line block comment */", "// per word per batch"}

type fileState struct {
	data []byte
	mode os.FileMode
	info os.FileInfo
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{data, info.Mode(), info}
}

// dirNames lists a directory, so that a stray temporary file shows.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func sameNames(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// untouched asserts that path and its directory are as they were.
func untouched(t *testing.T, path string, before fileState, names []string) {
	t.Helper()
	after := stateOf(t, path)
	if !bytes.Equal(after.data, before.data) {
		t.Errorf("%s changed:\n%s", path, after.data)
	}
	if after.mode != before.mode {
		t.Errorf("%s: mode %v, was %v", path, after.mode, before.mode)
	}
	if !os.SameFile(after.info, before.info) {
		t.Errorf("%s was replaced", path)
	}
	if got := dirNames(t, filepath.Dir(path)); !sameNames(got, names) {
		t.Errorf("directory now holds %v, held %v (a stray temporary file?)", got, names)
	}
}

func TestFmtWriteIsAtomicAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wc.blazes")
	writeFile(t, path, fmtInput)
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	want := blazes(t, dir, "fmt", "wc.blazes")
	if want.code != 0 || want.stdout == fmtInput {
		t.Fatalf("fmt: exit %d, stdout %q, stderr %q", want.code, want.stdout, want.stderr)
	}
	before := stateOf(t, path)
	r := blazes(t, dir, "fmt", "-w", "wc.blazes")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("fmt -w: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	after := stateOf(t, path)
	if string(after.data) != want.stdout {
		t.Errorf("fmt -w wrote\n%s\nfmt printed\n%s", after.data, want.stdout)
	}
	if after.mode.Perm() != 0o640 {
		t.Errorf("mode %v after fmt -w, want 0640", after.mode)
	}
	if os.SameFile(before.info, after.info) {
		t.Errorf("fmt -w rewrote the file in place instead of renaming a temporary file over it")
	}
	if got := dirNames(t, dir); !sameNames(got, []string{"wc.blazes"}) {
		t.Errorf("directory holds %v after fmt -w", got)
	}
	for _, c := range fmtComments {
		if !strings.Contains(string(after.data), c) {
			t.Errorf("comment %q lost:\n%s", c, after.data)
		}
	}
}

func TestFmtFormattedIsUnchanged(t *testing.T) {
	dir := t.TempDir()
	first := blazes(t, repoRoot, "fmt", "testdata/paper/wordcount.blazes")
	if first.code != 0 {
		t.Fatalf("fmt: exit %d: %s", first.code, first.stderr)
	}
	path := writeFile(t, filepath.Join(dir, "f.blazes"), first.stdout)
	before := stateOf(t, path)
	names := dirNames(t, dir)
	if r := blazes(t, dir, "fmt", "f.blazes"); r.code != 0 || r.stdout != first.stdout {
		t.Errorf("fmt of formatted text changes it: exit %d\n%s", r.code, r.stdout)
	}
	if r := blazes(t, dir, "fmt", "-d", "f.blazes"); r.code != 0 || r.stdout != "" {
		t.Errorf("fmt -d of formatted text: exit %d, diff %q", r.code, r.stdout)
	}
	if r := blazes(t, dir, "fmt", "-w", "f.blazes"); r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Errorf("fmt -w of formatted text: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	untouched(t, path, before, names)
}

func TestFmtDiff(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, filepath.Join(dir, "wc.blazes"), fmtInput)
	before := stateOf(t, path)
	names := dirNames(t, dir)
	r := blazes(t, dir, "fmt", "-d", "wc.blazes")
	if r.code != 0 {
		t.Fatalf("fmt -d: exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"--- wc.blazes.orig\n", "+++ wc.blazes\n", "@@ -", "-dataflow   wordcount\n", "+dataflow wordcount\n", "+  tweets -> words : CR\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("diff lacks %q:\n%s", want, r.stdout)
		}
	}
	untouched(t, path, before, names)
}

func TestFmtRefusesSyntaxErrors(t *testing.T) {
	dir := t.TempDir()
	broken := "// keep me\nsource a(x,\ncomponent B { x -> : CR }\n   stream a -> B.x\n"
	path := writeFile(t, filepath.Join(dir, "broken.blazes"), broken)
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	good := writeFile(t, filepath.Join(dir, "good.blazes"), "source   s\nsink k\nstream s->k\n")
	before := stateOf(t, path)
	for _, args := range [][]string{{"fmt", "-w", "broken.blazes"}, {"fmt", "broken.blazes"}, {"fmt", "-d", "broken.blazes"}, {"fmt", "-d", "-w", "broken.blazes"}} {
		names := dirNames(t, dir)
		r := blazes(t, dir, args...)
		if r.code != 1 {
			t.Errorf("%v: exit %d, want 1", args, r.code)
		}
		if !strings.Contains(r.stderr, "syntax error") || !strings.Contains(r.stderr, "broken.blazes:3:") {
			t.Errorf("%v: stderr %q does not report the syntax errors", args, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%v: printed %q", args, r.stdout)
		}
		untouched(t, path, before, names)
	}
	// The other files given are still formatted; the status is still 1.
	r := blazes(t, dir, "fmt", "-w", "broken.blazes", "good.blazes")
	if r.code != 1 {
		t.Errorf("fmt -w broken good: exit %d, want 1", r.code)
	}
	if got, _ := os.ReadFile(good); string(got) != "source s\n\nsink k\n\nstream s -> k\n" {
		t.Errorf("good.blazes not formatted: %q", got)
	}
}

func TestFmtUnwritableDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("directory permissions differ")
	}
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := t.TempDir()
	sub := filepath.Join(dir, "ro")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, filepath.Join(sub, "wc.blazes"), fmtInput)
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, path)
	names := dirNames(t, sub)
	if err := os.Chmod(sub, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(sub, 0o755) })
	r := blazes(t, dir, "fmt", "-w", filepath.Join("ro", "wc.blazes"))
	if r.code == 0 {
		t.Errorf("fmt -w in a read-only directory: exit 0")
	}
	if !strings.Contains(r.stderr, "permission denied") {
		t.Errorf("stderr %q does not say why", r.stderr)
	}
	untouched(t, path, before, names)
}

// fmt -w through a symbolic link formats the file it points to and keeps
// the link (as gofmt -w does), rather than replacing the link by a copy.
func TestFmtWriteThroughSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	real := writeFile(t, filepath.Join(dir, "real.blazes"), "source   s\nsink k\nstream s->k\n")
	if err := os.Chmod(real, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.blazes")
	if err := os.Symlink("real.blazes", link); err != nil {
		t.Skip(err)
	}
	r := blazes(t, dir, "fmt", "-w", "link.blazes")
	if r.code != 0 {
		t.Fatalf("fmt -w link: exit %d: %s", r.code, r.stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("fmt -w replaced the symbolic link by a regular file")
	}
	st := stateOf(t, real)
	if string(st.data) != "source s\n\nsink k\n\nstream s -> k\n" {
		t.Errorf("the link's target was not formatted: %q", st.data)
	}
	if st.mode.Perm() != 0o600 {
		t.Errorf("target mode %v, want 0600", st.mode)
	}
	if got := dirNames(t, dir); !sameNames(got, []string{"link.blazes", "real.blazes"}) {
		t.Errorf("directory holds %v", got)
	}
}

// fmt -l lists the files whose layout differs, and changes nothing.
func TestFmtList(t *testing.T) {
	dir := t.TempDir()
	formatted := "source s\n\ncomponent C {\n  x -> y : CR // one\n  y -> z : CW // two\n}\n\nstream s -> C.x\n"
	writeTree(t, dir, map[string]string{
		"ok.blazes":                   formatted,
		"sub/messy.blazes":            "source s\ncomponent C { x -> y : CR }\nstream s -> C.x\n",
		"node_modules/skipped.blazes": "source   s\n",
	})
	before := stateOf(t, filepath.Join(dir, "sub/messy.blazes"))
	names := dirNames(t, filepath.Join(dir, "sub"))
	r := blazes(t, dir, "fmt", "-l", ".")
	if r.code != 0 || r.stdout != "sub/messy.blazes\n" || r.stderr != "" {
		t.Errorf("fmt -l: exit %d, stdout %q, stderr %q; want sub/messy.blazes listed alone", r.code, r.stdout, r.stderr)
	}
	untouched(t, filepath.Join(dir, "sub/messy.blazes"), before, names)
	// With -w the listed files are rewritten; a second -l lists nothing.
	if r := blazes(t, dir, "fmt", "-l", "-w", "."); r.stdout != "sub/messy.blazes\n" {
		t.Errorf("fmt -l -w: %q", r.stdout)
	}
	if r := blazes(t, dir, "fmt", "-l", "."); r.code != 0 || r.stdout != "" {
		t.Errorf("fmt -l after -w: exit %d, %q", r.code, r.stdout)
	}
}

// Every file of testdata/ is in the canonical layout.
func TestTestdataIsFormatted(t *testing.T) {
	r := blazes(t, repoRoot, "fmt", "-l", "testdata")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("fmt -l testdata: exit %d: %s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("these files are not formatted (run blazes fmt -w on them):\n%s", r.stdout)
	}
}

// TestFmtV2 formats a file using the constructs of contract v2 with the
// real binary: gates with window terms, CW gates, and stream attributes
// put in canonical order (the golden holds the expected layout); the
// output formats to itself.
func TestFmtV2(t *testing.T) {
	r := blazes(t, repoRoot, "fmt", "cmd/blazes/testdata/fmt_v2_untidy.blazes")
	if r.code != 0 {
		t.Fatalf("fmt: exit %d: %s", r.code, r.stderr)
	}
	golden.Check(t, filepath.Join(repoRoot, "testdata", "golden", "fmt_v2_untidy.fmt.txt"), []byte(r.stdout))
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "f.blazes"), r.stdout)
	if again := blazes(t, dir, "fmt", "f.blazes"); again.code != 0 || again.stdout != r.stdout {
		t.Errorf("fmt is not idempotent on its output: exit %d\n%s", again.code, again.stdout)
	}
}
