package main

// Tests of the CI recipes of the README: the GitHub Actions workflow of
// docs/ci/blazes.yml (its run steps, executed as the runner would, against
// a git repository holding a copy of testdata) and the git pre-commit hook
// of scripts/pre-commit (in a temporary repository, on bad and good
// commits), and the pre-commit framework's hook of .pre-commit-hooks.yaml
// through `pre-commit try-repo` (scripts/test-pre-commit.sh installs the
// framework and runs that test).

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

type workflowStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the CI recipes are bash scripts")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}

func readWorkflow(t *testing.T) []workflowStep {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(repoRoot, "docs", "ci", "blazes.yml"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte("```yaml\n"+string(text)+"```\n")) {
		t.Errorf("README.md does not show docs/ci/blazes.yml as it is (a ```yaml block)")
	}
	var wf struct {
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Steps []workflowStep `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(text, &wf); err != nil {
		t.Fatalf("docs/ci/blazes.yml: %v", err)
	}
	if wf.Permissions["security-events"] != "write" {
		t.Errorf("upload-sarif needs permission security-events: write")
	}
	job, ok := wf.Jobs["blazes"]
	if !ok || len(job.Steps) == 0 {
		t.Fatalf("no job blazes with steps")
	}
	return job.Steps
}

// stepCondition evaluates the `if:` forms the workflow uses:
// steps.ID.outputs.KEY == 'V' and != 'V'.
func stepCondition(t *testing.T, cond string, outputs map[string]map[string]string) bool {
	t.Helper()
	if cond == "" {
		return true
	}
	m := regexp.MustCompile(`^steps\.(\w+)\.outputs\.(\w+) (==|!=) '([^']*)'$`).FindStringSubmatch(cond)
	if m == nil {
		t.Fatalf("the test does not know how to evaluate if: %s", cond)
	}
	v := outputs[m[1]][m[2]]
	return (v == m[4]) == (m[3] == "==")
}

// runWorkflow runs the steps in dir as the runner would (bash -eo
// pipefail, GITHUB_OUTPUT), with the test's blazes on PATH in place of the
// install step, and checks what each `uses:` step would get. It returns the
// exit status of the job (0 or the failing step's) and the step outputs.
func runWorkflow(t *testing.T, steps []workflowStep, dir string) (int, map[string]map[string]string, []string) {
	t.Helper()
	bin := t.TempDir()
	if err := os.Symlink(binary, filepath.Join(bin, "blazes")); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]map[string]string{}
	var ran []string
	for i, s := range steps {
		if !stepCondition(t, s.If, outputs) {
			continue
		}
		switch {
		case s.Uses != "":
			if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") {
				sarifFile := filepath.Join(dir, s.With["sarif_file"])
				data, err := os.ReadFile(sarifFile)
				if err != nil {
					t.Fatalf("upload-sarif: %v", err)
				}
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("upload-sarif: %s does not parse: %v", s.With["sarif_file"], err)
				}
				if err := sarifSchema(t).Validate(inst); err != nil {
					t.Fatalf("upload-sarif: %s does not validate: %v", s.With["sarif_file"], err)
				}
				ran = append(ran, "upload")
			}
			continue // checkout and setup-go: the test's directory and toolchain
		case s.ID == "install":
			if !strings.Contains(s.Run, "go install github.com/blazes-dev/blazes/cmd/blazes@") {
				t.Errorf("install step: %q", s.Run)
			}
			continue // the test's binary is on PATH instead
		}
		script := filepath.Join(t.TempDir(), "step.sh")
		if err := os.WriteFile(script, []byte(s.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		outFile := filepath.Join(t.TempDir(), "output")
		if err := os.WriteFile(outFile, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "GITHUB_OUTPUT="+outFile, "GITHUB_WORKSPACE="+dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		data, _ := os.ReadFile(outFile)
		if s.ID != "" {
			outputs[s.ID] = map[string]string{}
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				if k, v, ok := strings.Cut(line, "="); ok {
					outputs[s.ID][k] = v
				}
			}
		}
		ran = append(ran, s.ID+"#"+s.Name)
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				t.Logf("step %d (%s) failed: %s", i, s.Name, out.String())
				return ee.ExitCode(), outputs, ran
			}
			t.Fatal(err)
		}
	}
	return 0, outputs, ran
}

// gitRepo makes a git repository in a new directory holding the given files
// (repository-relative names) copied from the repository, and stages them.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	for name, from := range files {
		copyFile(t, from, filepath.Join(dir, name))
	}
	if len(files) > 0 {
		git(t, dir, "add", "-A")
	}
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func git(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.org",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.org", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil && args[0] != "commit" {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out), err
}

// The workflow's commands, on a copy of every testdata .blazes file: the
// SARIF is written and validates, covers several files, and the job fails
// after the upload because there are findings; on clean files it passes;
// with no .blazes file nothing is uploaded.
func TestWorkflowRunSteps(t *testing.T) {
	needTools(t, "bash", "git")
	steps := readWorkflow(t)

	files := map[string]string{}
	err := filepath.WalkDir(filepath.Join(repoRoot, "testdata"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".blazes") {
			rel, _ := filepath.Rel(repoRoot, p)
			files[rel] = p
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := gitRepo(t, files)
	// An untracked file is not checked.
	if err := os.WriteFile(filepath.Join(dir, "untracked.blazes"), []byte("this does not parse"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, outputs, ran := runWorkflow(t, steps, dir)
	if code != 1 || outputs["check"]["status"] != "1" {
		t.Errorf("findings in testdata: job exit %d, check status %q, want 1 and 1", code, outputs["check"]["status"])
	}
	if strings.Join(ran, ",") != "check#Check every .blazes file,upload,#Fail on findings" {
		t.Errorf("steps run: %v", ran)
	}
	data, err := os.ReadFile(filepath.Join(dir, "blazes.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	uris := map[string]bool{}
	for _, r := range log.Runs[0].Results {
		uris[r.Locations[0].PhysicalLocation.ArtifactLocation.URI] = true
	}
	if len(uris) < 10 || !uris["testdata/paper/wordcount.blazes"] || uris["untracked.blazes"] {
		t.Errorf("results in %d files: %v", len(uris), uris)
	}

	// Clean files (one importing another, in a directory with a blank):
	// the job passes, and still uploads (which closes fixed alerts).
	dir = gitRepo(t, map[string]string{"flows/wc.blazes": filepath.Join(repoRoot, "testdata/paper/wordcount_sealed.blazes")})
	writeImporting(t, filepath.Join(dir, "flows", "a b"))
	git(t, dir, "add", "-A")
	code, outputs, ran = runWorkflow(t, steps, dir)
	if code != 0 || outputs["check"]["status"] != "0" || !strings.Contains(strings.Join(ran, ","), "upload") {
		t.Errorf("clean files: job exit %d, status %q, steps %v", code, outputs["check"]["status"], ran)
	}

	// No .blazes file: nothing to check or upload.
	dir = gitRepo(t, map[string]string{"README.md": filepath.Join(repoRoot, "README.md")})
	code, outputs, ran = runWorkflow(t, steps, dir)
	if code != 0 || outputs["check"]["status"] != "none" || len(ran) != 1 {
		t.Errorf("no files: job exit %d, status %q, steps %v", code, outputs["check"]["status"], ran)
	}

	// A file the check cannot read: the job fails at the check, uploads nothing.
	dir = gitRepo(t, map[string]string{"x.blazes": filepath.Join(repoRoot, "testdata/paper/wordcount.blazes")})
	if err := os.Remove(filepath.Join(dir, "x.blazes")); err != nil {
		t.Fatal(err)
	}
	code, outputs, ran = runWorkflow(t, steps, dir)
	if code == 0 || outputs["check"]["status"] != "2" || len(ran) != 1 {
		t.Errorf("unreadable file: job exit %d, status %q, steps %v", code, outputs["check"]["status"], ran)
	}
}

// writeImporting writes in dir a clean pair of files: main.blazes, the
// sealed word count, importing its source from lib.blazes.
func writeImporting(t *testing.T, dir string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "testdata/paper/wordcount_sealed.blazes"))
	if err != nil {
		t.Fatal(err)
	}
	const decl = "source tweets(tweet, batch) seal(batch)"
	main := regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(decl)+`.*$`).ReplaceAllString(string(src), `import "lib.blazes"`)
	if main == string(src) {
		t.Fatal("wordcount_sealed.blazes changed: update the test")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"main.blazes": main, "lib.blazes": "dataflow lib\n\n" + decl + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The git hook of scripts/pre-commit refuses a commit whose .blazes files
// have findings, judges the staged text (not the working tree's), judges a
// changed import in the files that import it, and lets clean commits and
// commits without .blazes changes through.
func TestPreCommitHook(t *testing.T) {
	needTools(t, "bash", "git")
	dir := gitRepo(t, nil)
	copyFile(t, filepath.Join(repoRoot, "scripts", "pre-commit"), filepath.Join(dir, ".git", "hooks", "pre-commit"))
	if err := os.Chmod(filepath.Join(dir, ".git", "hooks", "pre-commit"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BLAZES", binary)
	head := func() string {
		out, _ := git(t, dir, "rev-parse", "-q", "--verify", "HEAD")
		return strings.TrimSpace(out)
	}
	commit := func(msg string) (string, bool) {
		out, err := git(t, dir, "commit", "-q", "-m", msg)
		return out, err == nil
	}
	bad := filepath.Join(repoRoot, "testdata/paper/wordcount.blazes")
	good := filepath.Join(repoRoot, "testdata/paper/wordcount_sealed.blazes")

	// A good commit, with an import.
	writeImporting(t, filepath.Join(dir, "ad"))
	git(t, dir, "add", "ad")
	if out, ok := commit("good"); !ok {
		t.Fatalf("a clean commit was refused:\n%s", out)
	}
	first := head()

	// A bad commit is refused, with the finding and its file.
	copyFile(t, bad, filepath.Join(dir, "wc.blazes"))
	git(t, dir, "add", "wc.blazes")
	out, ok := commit("bad")
	if ok || head() != first || !strings.Contains(out, "wc.blazes:15:21: warning:") || !strings.Contains(out, "[BLZ001]") {
		t.Fatalf("a commit with a finding: ok=%v, output:\n%s", ok, out)
	}
	// Fixed in the working tree but not staged: still refused.
	copyFile(t, good, filepath.Join(dir, "wc.blazes"))
	if out, ok := commit("fixed but not staged"); ok || !strings.Contains(out, "BLZ001") {
		t.Fatalf("the hook checked the working tree, not the index: ok=%v\n%s", ok, out)
	}
	// Staged: accepted.
	git(t, dir, "add", "wc.blazes")
	if out, ok := commit("fixed"); !ok || head() == first {
		t.Fatalf("the fixed commit was refused:\n%s", out)
	}
	// Imports resolve to the staged version: staging main.blazes while
	// lib.blazes loses its seal only in the working tree passes; staging
	// that change too is refused (main's Count is then uncoordinated).
	lib := filepath.Join(dir, "ad", "lib.blazes")
	if err := os.WriteFile(lib, []byte("dataflow lib\n\nsource tweets(tweet, batch)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ad", "main.blazes"), append(mustRead(t, filepath.Join(dir, "ad", "main.blazes")), "// touched\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", "ad/main.blazes")
	if out, ok := commit("main only"); !ok {
		t.Fatalf("the hook read an unstaged import:\n%s", out)
	}
	git(t, dir, "add", "ad/lib.blazes")
	if out, ok := commit("unsealed import"); ok || !strings.Contains(out, "ad/main.blazes") || !strings.Contains(out, "BLZ001") {
		t.Fatalf("an import staged without its seal: ok=%v\n%s", ok, out)
	}
	git(t, dir, "reset", "-q", "--hard")
	// No .blazes file staged: the hook does not look at a bad unstaged file.
	copyFile(t, bad, filepath.Join(dir, "wc.blazes"))
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", "notes.txt")
	if out, ok := commit("notes"); !ok {
		t.Fatalf("a commit without .blazes files was refused:\n%s", out)
	}
	// A missing binary is a clear refusal, not a silent pass.
	copyFile(t, bad, filepath.Join(dir, "wc2.blazes"))
	git(t, dir, "add", "wc2.blazes")
	t.Setenv("BLAZES", filepath.Join(t.TempDir(), "no-such-blazes"))
	if out, ok := commit("no binary"); ok || !strings.Contains(out, "not found") {
		t.Fatalf("missing blazes: ok=%v\n%s", ok, out)
	}
}

// The pre-commit framework's hook runs `blazes check` on .blazes files,
// from a binary this module builds.
func TestPreCommitFrameworkHook(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID, Entry, Language, Files string
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].ID != "blazes-check" || hooks[0].Entry != "blazes check" || hooks[0].Language != "golang" {
		t.Fatalf("hooks: %+v", hooks)
	}
	re, err := regexp.Compile(hooks[0].Files)
	if err != nil {
		t.Fatal(err)
	}
	if !re.MatchString("a/b.blazes") || re.MatchString("b.blazes.bak") || re.MatchString("b.go") {
		t.Errorf("files: %q", hooks[0].Files)
	}
	// language: golang installs the module's commands: blazes must be one.
	if _, err := os.Stat(filepath.Join(repoRoot, "cmd", "blazes", "main.go")); err != nil {
		t.Fatal(err)
	}
}

// The pre-commit framework builds this repository's hook and runs it:
// a clean file passes, a file with a finding fails with the finding. Runs
// when BLAZES_TEST_PRE_COMMIT=1 (scripts/test-pre-commit.sh, part of make
// test): the framework's build of the module takes about a minute.
func TestPreCommitFrameworkTryRepo(t *testing.T) {
	if os.Getenv("BLAZES_TEST_PRE_COMMIT") != "1" {
		t.Skip("set BLAZES_TEST_PRE_COMMIT=1 (scripts/test-pre-commit.sh)")
	}
	needTools(t, "git", "pre-commit", "go")
	dir := gitRepo(t, map[string]string{
		"bad.blazes":  filepath.Join(repoRoot, "testdata/paper/wordcount.blazes"),
		"good.blazes": filepath.Join(repoRoot, "testdata/paper/wordcount_sealed.blazes"),
		"notes.txt":   filepath.Join(repoRoot, "README.md"),
	})
	home := t.TempDir()
	tryRepo := func(files ...string) (string, int) {
		args := append([]string{"try-repo", filepath.Clean(repoRoot), "blazes-check", "--files"}, files...)
		cmd := exec.Command("pre-commit", args...)
		cmd.Dir = dir
		// The framework's GOPATH is under PRE_COMMIT_HOME: a writable module
		// cache lets the test remove it.
		cmd.Env = append(os.Environ(), "PRE_COMMIT_HOME="+home, "GOFLAGS="+os.Getenv("GOFLAGS")+" -modcacherw")
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	if out, code := tryRepo("good.blazes", "notes.txt"); code != 0 || !strings.Contains(out, "Passed") {
		t.Fatalf("a clean file: exit %d\n%s", code, out)
	}
	out, code := tryRepo("bad.blazes", "good.blazes")
	if code != 1 || !strings.Contains(out, "bad.blazes:15:21: warning:") || !strings.Contains(out, "[BLZ001]") {
		t.Fatalf("a file with a finding: exit %d\n%s", code, out)
	}
}
