package analysis_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/analysis"
)

// realExpected is testdata/real/expected.json: for each real topology,
// the findings, path labels, interface labels and fixes derived by hand
// from the contract.
type realExpected struct {
	Files map[string]struct {
		Verdict  string `json:"verdict"`
		Findings []struct {
			Code      string `json:"code"`
			Component string `json:"component"`
			Path      string `json:"path"`
			Stream    string `json:"stream"`
			Preferred *struct {
				Kind      string `json:"kind"`
				Attribute string `json:"attribute"`
				On        string `json:"on"`
			} `json:"preferred_fix"`
			Fixes    []string `json:"fixes"`
			Upstream []string `json:"upstream"`
		} `json:"findings"`
		Paths []struct {
			Component  string   `json:"component"`
			Path       string   `json:"path"`
			Annotation string   `json:"annotation"`
			Internal   *string  `json:"internal"`
			Out        *string  `json:"out"`
			Causes     []string `json:"causes"`
		} `json:"paths"`
		Interfaces []struct {
			Name  string  `json:"name"`
			Dir   string  `json:"dir"`
			Label *string `json:"label"`
		} `json:"interfaces"`
	} `json:"files"`
}

// fixAttribute is the attribute text a fix writes ("seal(user)",
// "order", "partition(word)"), or "one instance" for the fix that removes
// the routing.
func fixAttribute(f analysis.Fix) string {
	for _, e := range f.Edits {
		if t := strings.TrimSpace(e.NewText); t != "" {
			return t
		}
	}
	return "one instance"
}

// fixTargets splits an expected fix's "on" ("stream a -> B.x (replacing
// shuffle)", "streams a -> B.x, c -> B.y", "source s") into the names its
// title must mention.
func fixTargets(on string) []string {
	if i := strings.Index(on, " ("); i >= 0 {
		on = on[:i]
	}
	for _, p := range []string{"streams ", "stream ", "sources ", "source "} {
		if strings.HasPrefix(on, p) {
			on = on[len(p):]
			break
		}
	}
	var out []string
	for _, s := range strings.Split(on, ", ") {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

func strOrNull(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

func labelOrNull(l analysis.Label) string {
	if l.Kind == analysis.None {
		return "null"
	}
	return l.String()
}

// TestRealTopologies checks the analysis against testdata/real/expected.json.
func TestRealTopologies(t *testing.T) {
	raw, err := os.ReadFile("../testdata/real/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var exp realExpected
	if err := json.Unmarshal(raw, &exp); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../testdata/real/*.blazes")
	if len(files) != len(exp.Files) || len(files) < 8 {
		t.Errorf("%d real files, %d in expected.json", len(files), len(exp.Files))
	}
	names := make([]string, 0, len(exp.Files))
	for n := range exp.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		want := exp.Files[name]
		t.Run(strings.TrimSuffix(name, ".blazes"), func(t *testing.T) {
			p := analysis.Load(filepath.Join("../testdata/real", name), analysis.Options{})
			if p.LoadErr != nil {
				t.Fatal(p.LoadErr)
			}
			// Findings: exactly the expected ones.
			var got, wantF []string
			for _, d := range p.Diagnostics {
				key := d.Code + " " + d.Component + ": " + d.Path
				if d.Component == "" {
					key = d.Code + " " + d.Message
				}
				got = append(got, key)
			}
			used := make([]bool, len(p.Diagnostics))
			for _, f := range want.Findings {
				var d *analysis.Diagnostic
				for i, g := range p.Diagnostics {
					if used[i] || g.Code != f.Code {
						continue
					}
					if f.Stream != "" && strings.Contains(g.Message, "stream "+f.Stream+" ") ||
						f.Stream == "" && g.Component == f.Component && g.Path == f.Path {
						d, used[i] = g, true
						break
					}
				}
				wantF = append(wantF, f.Code+" "+f.Component+": "+f.Path+f.Stream)
				if d == nil {
					t.Errorf("missing %s on %s%s%s", f.Code, f.Component, f.Path, f.Stream)
					continue
				}
				if f.Fixes != nil {
					var attrs []string
					for _, fx := range d.Fixes {
						attrs = append(attrs, fixAttribute(fx))
					}
					if strings.Join(attrs, " | ") != strings.Join(f.Fixes, " | ") {
						t.Errorf("%s on %s %s: fixes [%s], want [%s]", f.Code, f.Component, f.Path, strings.Join(attrs, " | "), strings.Join(f.Fixes, " | "))
					}
				}
				if pf := f.Preferred; pf != nil {
					if len(d.Fixes) == 0 || !d.Fixes[0].Preferred {
						t.Errorf("%s on %s %s: no preferred fix", f.Code, f.Component, f.Path)
					} else {
						fx := d.Fixes[0]
						if fx.Kind != pf.Kind || fixAttribute(fx) != pf.Attribute {
							t.Errorf("%s on %s %s: preferred %s %s, want %s %s", f.Code, f.Component, f.Path, fx.Kind, fixAttribute(fx), pf.Kind, pf.Attribute)
						}
						for _, target := range fixTargets(pf.On) {
							if !strings.Contains(fx.Title, target) {
								t.Errorf("%s on %s %s: preferred fix %q does not name %s", f.Code, f.Component, f.Path, fx.Title, target)
							}
						}
						if !strings.Contains(d.Message, "Preferred fix: "+strings.ToLower(fx.Title[:1])+fx.Title[1:]) {
							t.Errorf("%s on %s %s: message does not name the preferred fix: %s", f.Code, f.Component, f.Path, d.Message)
						}
					}
				}
				for _, up := range f.Upstream {
					comp, path, _ := strings.Cut(up, " ")
					if !strings.Contains(d.Message, comp+": "+path) {
						t.Errorf("%s on %s %s: message does not name the upstream finding on %s: %s", f.Code, f.Component, f.Path, up, d.Message)
					}
				}
				if len(f.Upstream) > 0 && strings.Contains(d.Message, "Seal "+f.Component) {
					t.Errorf("%s on %s %s: advises a seal although the input is nondeterministic upstream: %s", f.Code, f.Component, f.Path, d.Message)
				}
			}
			if len(got) != len(wantF) {
				sort.Strings(got)
				t.Errorf("findings:\n got  %s\n want %s\n%s", strings.Join(got, "; "), strings.Join(wantF, "; "), diagDump(p))
			}
			// Paths: every path, with its labels and causes.
			npaths := 0
			for _, wp := range want.Paths {
				path, ok := p.Lookup(wp.Component + ": " + wp.Path).(*analysis.Path)
				if !ok {
					t.Errorf("no path %s: %s", wp.Component, wp.Path)
					continue
				}
				if path.Annotation() != wp.Annotation {
					t.Errorf("%s: %s annotation %s, want %s", wp.Component, wp.Path, path.Annotation(), wp.Annotation)
				}
				if got, w := labelOrNull(path.Internal), strOrNull(wp.Internal); got != w {
					t.Errorf("%s: %s internal %s, want %s (%s)", wp.Component, wp.Path, got, w, whyText(path))
				}
				if got, w := labelOrNull(path.OutLabel), strOrNull(wp.Out); got != w {
					t.Errorf("%s: %s out %s, want %s (%s)", wp.Component, wp.Path, got, w, whyText(path))
				}
				if got, w := strings.Join(path.Causes(), ","), strings.Join(wp.Causes, ","); got != w {
					t.Errorf("%s: %s causes [%s], want [%s]", wp.Component, wp.Path, got, w)
				}
			}
			for _, c := range p.Components {
				npaths += len(c.Paths)
			}
			if npaths != len(want.Paths) {
				t.Errorf("%d paths, %d expected", npaths, len(want.Paths))
			}
			// Interfaces: every source, sink and component interface.
			for _, wi := range want.Interfaces {
				x := p.Lookup(wi.Name)
				if x == nil {
					t.Errorf("no interface %s", wi.Name)
					continue
				}
				if got, w := labelOrNull(x.DerivedLabel()), strOrNull(wi.Label); got != w {
					t.Errorf("%s (%s): label %s, want %s (%s)", wi.Name, wi.Dir, got, w, whyText(x))
				}
			}
		})
	}
}
