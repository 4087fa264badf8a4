// Command blazes-gen writes a generated dataflow of N components to stdout,
// for benchmarks and for trying the tools on large inputs.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/blazes-dev/blazes/internal/gen"
)

func main() {
	n := flag.Int("n", 1000, "number of components")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: blazes-gen [-n N] [-seed S] > file.blazes\n\nWrites a realistic generated dataflow (chains, merges, replicated stages,\nseals, order-sensitive aggregations, feedback loops) to stdout.\n\nFlags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if _, err := os.Stdout.Write(gen.Dataflow(*n, *seed)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
