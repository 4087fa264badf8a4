package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// Every relative link of the documentation (README.md, the READMEs of the
// editor clients, docs/*.md) points to a file or directory of the
// repository, and a link with a #fragment into a Markdown file names one
// of its headings (as GitHub derives anchors from headings). Links inside
// code blocks and inline code are not links and are skipped.
func TestDocLinks(t *testing.T) {
	files := []string{"README.md", "vscode-extension/README.md"}
	docs, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		rel, _ := filepath.Rel(repoRoot, d)
		files = append(files, filepath.ToSlash(rel))
	}
	checked := 0
	for _, f := range files {
		text, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range markdownLinks(string(text)) {
			target := l.target
			if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			path, frag, _ := strings.Cut(target, "#")
			abs := filepath.Join(repoRoot, f)
			if path != "" {
				abs = filepath.Join(filepath.Dir(abs), filepath.FromSlash(path))
				if _, err := os.Stat(abs); err != nil {
					t.Errorf("%s:%d: link to %s: no such file", f, l.line, target)
					continue
				}
			}
			if frag == "" || !strings.HasSuffix(abs, ".md") {
				continue
			}
			body, err := os.ReadFile(abs)
			if err != nil {
				t.Errorf("%s:%d: link to %s: %v", f, l.line, target, err)
				continue
			}
			if !markdownAnchors(string(body))[frag] {
				t.Errorf("%s:%d: link to %s: no heading with the anchor #%s", f, l.line, target, frag)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d relative links found: the link scanner is broken", checked)
	}
}

type mdLink struct {
	target string
	line   int
}

var (
	mdLinkRE     = regexp.MustCompile(`\]\(([^()\s]*)(?:\s+"[^"]*")?\)`)
	inlineCodeRE = regexp.MustCompile("`[^`]*`")
)

// markdownLinks returns the targets of the inline links and images of a
// Markdown text, outside fenced code blocks and inline code.
func markdownLinks(text string) []mdLink {
	var links []mdLink
	proseLines(text, func(n int, line string) {
		line = inlineCodeRE.ReplaceAllString(line, "")
		for _, m := range mdLinkRE.FindAllStringSubmatch(line, -1) {
			links = append(links, mdLink{m[1], n})
		}
	})
	return links
}

// proseLines calls f with every line of a Markdown text outside fenced
// code blocks, and its number counted from 1.
func proseLines(text string, f func(n int, line string)) {
	fence := ""
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		f(i+1, line)
	}
}

// markdownAnchors returns the anchors GitHub gives the headings of a
// Markdown text: lower case, punctuation dropped except '-' and '_', spaces
// turned into '-', and -1, -2... appended to repeated anchors.
func markdownAnchors(text string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	proseLines(text, func(_ int, line string) {
		if !strings.HasPrefix(line, "#") {
			return
		}
		heading := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(heading) {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
				b.WriteRune(r)
			case r == ' ':
				b.WriteRune('-')
			}
		}
		a := b.String()
		if n := seen[a]; n > 0 {
			seen[a] = n + 1
			a += "-" + strconv.Itoa(n)
		} else {
			seen[a] = 1
		}
		anchors[a] = true
	})
	return anchors
}

// The link checker itself: a missing file, a missing anchor and a link
// inside code are told apart.
func TestDocLinksScanner(t *testing.T) {
	text := "# Title\n\nSee [a](a.md), [b](b.md#two-words) and `[c](c.md)`.\n\n```\n[d](d.md)\n```\n\n## Two words\n## Two words\n"
	links := markdownLinks(text)
	if len(links) != 2 || links[0].target != "a.md" || links[1].target != "b.md#two-words" || links[1].line != 3 {
		t.Fatalf("links = %+v", links)
	}
	anchors := markdownAnchors(text)
	for _, a := range []string{"title", "two-words", "two-words-1"} {
		if !anchors[a] {
			t.Errorf("anchor %q missing from %v", a, anchors)
		}
	}
	if anchors["d"] {
		t.Errorf("a link inside a code block became an anchor: %v", anchors)
	}
}

// The README shows what the binary does: its examples of the language
// (the code blocks marked blazes) check clean and are formatted, and the
// output it shows for a command (a block right after the command's own
// block) is what the command prints now, line for line ("..." ends a
// shortened output).
func TestReadmeShowsRealOutput(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(readme), "```")
	examples := 0
	dir := t.TempDir()
	for i := 1; i < len(blocks); i += 2 {
		info, body, _ := strings.Cut(blocks[i], "\n")
		if info != "blazes" {
			continue
		}
		examples++
		name := filepath.Join(dir, "example"+strconv.Itoa(examples)+".blazes")
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if r := blazes(t, dir, "check", name); r.code != 0 || r.stdout != "" {
			t.Errorf("README example %d does not check clean: exit %d:\n%s%s", examples, r.code, r.stdout, r.stderr)
		}
		if r := blazes(t, dir, "fmt", "-l", name); r.stdout != "" {
			t.Errorf("README example %d is not formatted", examples)
		}
	}
	if examples < 2 {
		t.Errorf("%d blazes examples in README.md, want the word count and the windowed count", examples)
	}
	shown := map[string]string{} // command -> the output shown after it
	for i := 1; i+2 < len(blocks); i += 2 {
		info, cmd, _ := strings.Cut(blocks[i], "\n")
		outInfo, out, _ := strings.Cut(blocks[i+2], "\n")
		if info != "sh" || outInfo != "" || strings.TrimSpace(blocks[i+1]) != "" {
			continue
		}
		shown[strings.TrimSpace(cmd)] = out
	}
	for _, cmd := range []string{
		"blazes check testdata/paper/wordcount.blazes",
	} {
		want, ok := shown[cmd]
		if !ok {
			t.Errorf("README.md no longer shows the output of %q", cmd)
			continue
		}
		r := blazes(t, repoRoot, strings.Fields(cmd)[1:]...)
		if r.stdout != want {
			t.Errorf("README.md shows for %q:\n%s\nbut it prints:\n%s", cmd, want, r.stdout)
		}
	}
	// The explanation shown in prose: its first lines, then "...".
	const explainCmd = "blazes explain testdata/paper/wordcount.blazes Commit.db"
	i := strings.Index(string(readme), "`"+explainCmd[:len("blazes explain")]+"` prints")
	if i < 0 {
		t.Fatal("README.md no longer shows the output of blazes explain")
	}
	_, rest, _ := strings.Cut(string(readme)[i:], "```\n")
	want, _, _ := strings.Cut(rest, "```")
	want = strings.TrimSuffix(want, "...\n")
	r := blazes(t, repoRoot, strings.Fields(explainCmd)[1:]...)
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("README.md shows for %q:\n%s\nbut it prints:\n%s", explainCmd, want, r.stdout)
	}
}
