package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Imports resolve only inside the checked file's directory tree, or inside
// --root when it is given. An import that leaves it is a BLZ107 error, and
// nothing of the target's content may reach the output: not in a message,
// not in a label, not in a syntax error quoting its tokens.

// canary is the recognisable content of the secret file outside the root.
const canary = "TOPSECRET_CANARY_91c2e"

// secretText is a file that, were it read, would print the canary in
// every way the checker can: as a declared name (labels in JSON), in a
// syntax error and in an unknown-name error.
const secretText = "source " + canary + "(x)\n" +
	"component " + canary + "_C { rec -> res : OW[x] }\n" +
	"stream " + canary + " -> " + canary + "_C.rec\n" +
	"stream " + canary + "_C.res -> " + canary + "_missing\n" +
	canary + " @@ !!\n"

// secLayout is a temporary tree:
//
//	dir/secret.blazes         the canary, outside the project
//	dir/shared/lib.blazes     a harmless library outside the project
//	dir/proj/...              the project (the files of each test)
type secLayout struct {
	dir, proj, secret, lib string
}

func newSecLayout(t *testing.T) secLayout {
	t.Helper()
	dir := t.TempDir()
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	l := secLayout{
		dir:    dir,
		proj:   filepath.Join(dir, "proj"),
		secret: filepath.Join(dir, "secret.blazes"),
		lib:    filepath.Join(dir, "shared", "lib.blazes"),
	}
	for _, d := range []string{l.proj, filepath.Join(l.proj, "sub"), filepath.Dir(l.lib)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, l.secret, secretText)
	writeFile(t, l.lib, "source events(key)\n")
	return l
}

func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type jsonCheck struct {
	Diagnostics []struct {
		File     string `json:"file"`
		Code     string `json:"code"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
	} `json:"diagnostics"`
	Labels struct {
		Interfaces []struct {
			Name string `json:"name"`
		} `json:"interfaces"`
	} `json:"labels"`
}

// checkBoth runs check in text and in JSON and returns both results, the
// decoded JSON, and the codes of the text output.
func checkBoth(t *testing.T, dir string, args ...string) (text, js result, out jsonCheck) {
	t.Helper()
	text = blazes(t, dir, append([]string{"check"}, args...)...)
	js = blazes(t, dir, append([]string{"check", "--format", "json"}, args...)...)
	for _, r := range []result{text, js} {
		if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine ") {
			t.Fatalf("blazes check %v panicked:\n%s", args, r.stderr)
		}
	}
	if err := json.Unmarshal([]byte(js.stdout), &out); err != nil {
		t.Fatalf("JSON output does not parse: %v\n%s", err, js.stdout)
	}
	return text, js, out
}

func noCanary(t *testing.T, rs ...result) {
	t.Helper()
	for _, r := range rs {
		for _, s := range []string{r.stdout, r.stderr} {
			if strings.Contains(s, canary) || strings.Contains(s, "@@ !!") {
				t.Fatalf("the content of a file outside the root leaked into the output:\n%s", s)
			}
		}
	}
}

// codes counts the diagnostics per code whose message contains substr.
func codes(out jsonCheck, substr string) map[string]int {
	m := map[string]int{}
	for _, d := range out.Diagnostics {
		if strings.Contains(d.Message, substr) {
			m[d.Code]++
		}
	}
	return m
}

func TestImportEscapeIsRefused(t *testing.T) {
	l := newSecLayout(t)
	rel, err := filepath.Rel(l.proj, l.secret)
	if err != nil {
		t.Fatal(err)
	}
	imports := map[string]string{
		"absolute":             l.secret,
		"dotdot":               filepath.ToSlash(rel),
		"dot dotdot":           "./" + filepath.ToSlash(rel),
		"down then up and out": "sub/../../secret.blazes",
		"deep dotdot":          strings.Repeat("../", 30) + strings.TrimPrefix(filepath.ToSlash(l.secret), "/"),
		"absolute dirty":       filepath.Dir(l.secret) + "/proj/../secret.blazes",
	}
	for name, imp := range imports {
		t.Run(name, func(t *testing.T) {
			main := writeFile(t, filepath.Join(l.proj, "main.blazes"),
				"dataflow m\nimport \""+imp+"\"\nsource s(key)\ncomponent Map { rec -> res : CR }\nstream s -> Map.rec\n")
			// From inside the project, from elsewhere, by relative and
			// absolute name.
			for _, run := range []struct{ dir, file string }{
				{l.proj, "main.blazes"},
				{l.dir, filepath.Join("proj", "main.blazes")},
				{"/", main},
			} {
				text, js, out := checkBoth(t, run.dir, run.file)
				noCanary(t, text, js)
				if text.code != 1 || js.code != 1 {
					t.Errorf("%s: exit %d (json %d), want 1; stderr %q", run.file, text.code, js.code, text.stderr)
				}
				if !strings.Contains(text.stdout, "[BLZ107]") {
					t.Errorf("%s: no BLZ107 in text output:\n%s", run.file, text.stdout)
				}
				var n int
				for _, d := range out.Diagnostics {
					if d.Code == "BLZ107" {
						n++
						if d.Severity != "error" {
							t.Errorf("BLZ107 is %s, want error", d.Severity)
						}
					}
				}
				if n != 1 {
					t.Errorf("%s: %d BLZ107 diagnostics, want 1:\n%s", run.file, n, js.stdout)
				}
				for _, i := range out.Labels.Interfaces {
					if strings.Contains(i.Name, "CANARY") {
						t.Errorf("a declaration of the escaped file was loaded: %s", i.Name)
					}
				}
			}
		})
	}
}

// A symbolic link inside the root that points outside it is an escape too:
// the check is on the file that would be read, not on the spelling of the
// path.
func TestImportEscapeThroughSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	l := newSecLayout(t)
	if err := os.Symlink(l.secret, filepath.Join(l.proj, "link.blazes")); err != nil {
		t.Skip(err)
	}
	if err := os.Symlink(l.dir, filepath.Join(l.proj, "up")); err != nil {
		t.Skip(err)
	}
	for _, imp := range []string{"link.blazes", "up/secret.blazes"} {
		t.Run(imp, func(t *testing.T) {
			writeFile(t, filepath.Join(l.proj, "main.blazes"), "import \""+imp+"\"\nsource s\nsink k\nstream s -> k\n")
			text, js, out := checkBoth(t, l.proj, "main.blazes")
			noCanary(t, text, js)
			if codes(out, "")["BLZ107"] != 1 {
				t.Errorf("import %q through a symlink to outside the root: want one BLZ107, got\n%s", imp, js.stdout)
			}
		})
	}
	// A link that stays inside the root is fine.
	writeFile(t, filepath.Join(l.proj, "sub", "real.blazes"), "source s\n")
	if err := os.Symlink(filepath.Join(l.proj, "sub", "real.blazes"), filepath.Join(l.proj, "inside.blazes")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(l.proj, "main.blazes"), "import \"inside.blazes\"\nsink k\nstream s -> k\n")
	text, _, out := checkBoth(t, l.proj, "main.blazes")
	if text.code != 0 || len(out.Diagnostics) != 0 {
		t.Errorf("a symlink inside the root: exit %d\n%s%s", text.code, text.stdout, text.stderr)
	}
}

// --root widens the tree imports may come from; without it the same
// import escapes.
func TestImportRootFlag(t *testing.T) {
	l := newSecLayout(t)
	writeFile(t, filepath.Join(l.proj, "main.blazes"),
		"dataflow m\nimport \"../shared/lib.blazes\"\ncomponent Map { rec -> res : CR }\nstream events -> Map.rec\n")
	text, js, out := checkBoth(t, l.proj, "main.blazes")
	if text.code != 1 || codes(out, "")["BLZ107"] != 1 {
		t.Errorf("without --root: exit %d, want 1 and one BLZ107:\n%s", text.code, js.stdout)
	}
	for _, root := range []string{l.dir, "..", filepath.Join(l.proj, "..")} {
		text, js, out = checkBoth(t, l.proj, "--root", root, "main.blazes")
		if text.code != 0 || len(out.Diagnostics) != 0 {
			t.Errorf("--root %s: exit %d, want 0 and no diagnostic:\n%s%s", root, text.code, js.stdout, text.stderr)
		}
	}
	// A root that does not contain the import still refuses it, and the
	// secret stays out of the output.
	writeFile(t, filepath.Join(l.proj, "leak.blazes"), "import \"../secret.blazes\"\nsource s\nsink k\nstream s -> k\n")
	text, js, out = checkBoth(t, l.proj, "--root", filepath.Join(l.proj, "sub"), "leak.blazes")
	noCanary(t, text, js)
	if codes(out, "")["BLZ107"] != 1 {
		t.Errorf("--root narrower than the import: want one BLZ107:\n%s", js.stdout)
	}
}

func TestImportMissingFile(t *testing.T) {
	l := newSecLayout(t)
	writeFile(t, filepath.Join(l.proj, "main.blazes"),
		"dataflow m\nimport \"nope.blazes\"\nimport \"sub\"\nsource s(key)\ncomponent Map { rec -> res : CR }\nstream s -> Map.rec\n")
	text, js, out := checkBoth(t, l.proj, "main.blazes")
	if text.code != 1 || js.code != 1 {
		t.Errorf("exit %d (json %d), want 1; stderr %q", text.code, js.code, text.stderr)
	}
	c := codes(out, "")
	if c["BLZ105"] != 2 {
		t.Errorf("want two BLZ105 (a missing file, a directory), got %v:\n%s", c, js.stdout)
	}
	if !strings.Contains(text.stdout, "nope.blazes") || !strings.Contains(text.stdout, "[BLZ105]") {
		t.Errorf("text output does not name the missing import:\n%s", text.stdout)
	}
	// The rest of the file is still analysed.
	found := false
	for _, i := range out.Labels.Interfaces {
		found = found || i.Name == "Map.res"
	}
	if !found {
		t.Errorf("Map was not analysed:\n%s", js.stdout)
	}
}

func TestImportCycle(t *testing.T) {
	l := newSecLayout(t)
	writeFile(t, filepath.Join(l.proj, "a.blazes"), "import \"sub/b.blazes\"\nsource s(key)\n")
	writeFile(t, filepath.Join(l.proj, "sub", "b.blazes"), "import \"../a.blazes\"\nsink k(key)\n")
	writeFile(t, filepath.Join(l.proj, "self.blazes"), "import \"self.blazes\"\nsource s\n")
	for _, file := range []string{"a.blazes", "self.blazes"} {
		text, js, out := checkBoth(t, l.proj, file)
		if text.code != 1 || js.code != 1 {
			t.Errorf("%s: exit %d (json %d), want 1; stderr %q", file, text.code, js.code, text.stderr)
		}
		if c := codes(out, ""); c["BLZ106"] != 1 {
			t.Errorf("%s: want one BLZ106, got %v:\n%s", file, c, js.stdout)
		}
	}
}

// An import of something that is not a regular file (a FIFO nobody writes
// to) must not hang the checker.
func TestImportFIFODoesNotHang(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no mkfifo")
	}
	l := newSecLayout(t)
	if err := syscall.Mkfifo(filepath.Join(l.proj, "pipe.blazes"), 0o644); err != nil {
		t.Skip(err)
	}
	writeFile(t, filepath.Join(l.proj, "main.blazes"), "import \"pipe.blazes\"\nsource s\nsink k\nstream s -> k\n")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "check", "main.blazes")
	cmd.Dir = l.proj
	out, _ := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("blazes check hangs on an import of a FIFO")
	}
	if !strings.Contains(string(out), "BLZ105") {
		t.Errorf("an import of a FIFO: want BLZ105, got\n%s", out)
	}
}

// On a shared machine every user runs the same binary with the same
// TMPDIR: nothing the binary caches there may lock out the next user (an
// earlier SVG renderer compiled Graphviz into a 0700 cache in TMPDIR at
// start-up, and every other user's blazes panicked). Running as root, the
// test plays both users (root, then nobody).
func TestSharedTempDirOtherUser(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no uids")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the binary as a second user")
	}
	dir, err := os.MkdirTemp("", "blazes-shared")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, tmp} {
		if err := os.Chmod(d, 0o1777); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "blazes")
	data, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, filepath.Join(dir, "f.blazes"), "source s\nsink k\nstream s -> k\n")
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(cred *syscall.Credential, args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	if out, code := run(nil, "version"); code != 0 {
		t.Fatalf("first user: exit %d: %s", code, out)
	}
	nobody := &syscall.Credential{Uid: 65534, Gid: 65534}
	for _, args := range [][]string{{"version"}, {"check", "f.blazes"}, {"fmt", "f.blazes"}} {
		out, code := run(nobody, args...)
		if code != 0 || strings.Contains(out, "panic") {
			first, _, _ := strings.Cut(out, "\n")
			t.Errorf("second user, blazes %v: exit %d: %s", args, code, first)
		}
	}
}
