package witness

import (
	"io/fs"
	"path/filepath"
	"strings"
)

func filepathGlob(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".blazes") {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}
