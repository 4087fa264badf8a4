package witness

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
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

func recordKey(r Record) string {
	var keys []string
	for k := range r {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%d ", k, r[k])
	}
	return b.String()
}
