package flink

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/blazes-dev/blazes/importer/importtest"
)

// FuzzImport: any input gives a well-formed Model or an error naming the
// file, never a panic.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(inputs, "handwritten", "*.json"))
	more, _ := filepath.Glob(filepath.Join(inputs, "*.*"))
	for _, p := range append(files, more...) {
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) { importtest.Fuzz(t, Import, "f.json", data) })
}
