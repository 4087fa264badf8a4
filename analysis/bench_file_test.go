package analysis

import (
	"os"
	"testing"
)

// BenchmarkCheckFile is BenchmarkCheck on a file of one's own, named by
// BLAZES_BENCH_FILE (skipped without it): a cold Load, read from the
// disk, as `blazes check` runs it. The same file can then be measured on
// two versions of the code, which the generated files of BenchmarkCheck
// (the generator changes with the language) do not allow:
//
//	BLAZES_BENCH_FILE=$PWD/g10k.blazes go test -run '^$' -bench CheckFile -count 10 ./analysis
func BenchmarkCheckFile(b *testing.B) {
	path := os.Getenv("BLAZES_BENCH_FILE")
	if path == "" {
		b.Skip("BLAZES_BENCH_FILE names no file")
	}
	if _, err := os.Stat(path); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if p := Load(path, Options{}); p.LoadErr != nil {
			b.Fatal(p.LoadErr)
		}
	}
}
