package kafkastreams

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blazes-dev/blazes/importer"
	"github.com/blazes-dev/blazes/importer/importtest"
)

// FuzzImport: any text gives a well-formed Model or an error naming the
// file, never a panic.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(inputs, "*.txt"))
	for _, p := range files {
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _, err := Import("f.txt", data, importer.Options{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.txt") || len(err.Error()) > 400 {
				t.Fatalf("error: %v", err)
			}
			return
		}
		if p := importtest.Problems(m); len(p) > 0 {
			t.Fatalf("%q: %v", data, p)
		}
	})
}
