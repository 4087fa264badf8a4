package importtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blazes-dev/blazes/importer"
	"github.com/blazes-dev/blazes/internal/golden"
)

// Importer is the Import function of an importer package.
type Importer func(name string, data []byte, opts importer.Options) (*importer.Model, []importer.Warning, error)

// ImportFile imports the file at path; an error reading or importing it
// ends the test.
func ImportFile(t testing.TB, imp Importer, path string) (*importer.Model, []importer.Warning) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, w, err := imp(path, data, importer.Options{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m, w
}

// Golden imports every file and compares its Model, as JSON, with
// dir/NAME.model.json, NAME being the file's name without its extension
// (go test -update rewrites them).
func Golden(t *testing.T, imp Importer, files []string, dir string) {
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			m, _ := ImportFile(t, imp, f)
			got, err := JSON(m)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(dir, strings.TrimSuffix(name, filepath.Ext(name))+".model.json"), got)
		})
	}
}

// AnalysisAccepts checks that the Model of every file reads without
// errors in the project's analysis (no syntax error, no BLZ1xx).
func AnalysisAccepts(t *testing.T, imp Importer, files []string) {
	for _, f := range files {
		m, _ := ImportFile(t, imp, f)
		errs, err := Errors(m, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range errs {
			t.Errorf("%s: %s", filepath.Base(f), e)
		}
	}
}

// Fuzz is the body of an importer's fuzz target: any input imported as
// name gives a well-formed Model or a short error naming the file, never
// a panic.
func Fuzz(t *testing.T, imp Importer, name string, data []byte) {
	m, _, err := imp(name, data, importer.Options{})
	if err != nil {
		if !strings.HasPrefix(err.Error(), name) || len(err.Error()) > 400 {
			t.Fatalf("error: %v", err)
		}
		return
	}
	if p := Problems(m); len(p) > 0 {
		t.Fatalf("%q: %v", data, p)
	}
}

// Find returns the component of m named comp, or nil.
func Find(m *importer.Model, comp string) *importer.Component {
	for i := range m.Components {
		if m.Components[i].Name == comp {
			return &m.Components[i]
		}
	}
	return nil
}

// AttrText writes attributes as the language does: "seal(k) rep".
func AttrText(as []importer.Attr) string {
	var parts []string
	for _, a := range as {
		s := a.Kind.String()
		if len(a.Keys) > 0 {
			s += "(" + strings.Join(a.Keys, ", ") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// Hostile is one hostile input: Want is a part of the error it must give,
// or "" when it must give a well-formed Model.
type Hostile struct{ Name, Text, Want string }

// CheckHostile imports every case as name: each gives the error it
// wants, in a message of at most 300 bytes, or a well-formed Model. The
// bounds are structural (sizes, counts, depth); the time of each case is
// logged, never asserted.
func CheckHostile(t *testing.T, imp Importer, name string, cases []Hostile) {
	for _, tc := range cases {
		start := time.Now()
		m, _, err := imp(name, []byte(tc.Text), importer.Options{})
		t.Logf("%s: %v", tc.Name, time.Since(start))
		if tc.Want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.Name, err)
			} else if p := Problems(m); len(p) > 0 {
				t.Errorf("%s: %v", tc.Name, p[:min(3, len(p))])
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.Want) {
			t.Errorf("%s: got %v, want %q", tc.Name, err, tc.Want)
		} else if len(err.Error()) > 300 {
			t.Errorf("%s: message too long: %d", tc.Name, len(err.Error()))
		}
	}
}
