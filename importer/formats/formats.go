// Package formats names the topology formats blazes imports and runs the
// importer of each: the one table the command line and the language
// server share.
package formats

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/blazes-dev/blazes/importer"
	"github.com/blazes-dev/blazes/importer/flink"
	"github.com/blazes-dev/blazes/importer/flux"
	"github.com/blazes-dev/blazes/importer/kafkastreams"
)

// Func is the signature every importer has.
type Func func(name string, data []byte, opts importer.Options) (*importer.Model, []importer.Warning, error)

// Format is one input format.
type Format struct {
	Name   string   // as given to --from
	Engine string   // what produces it
	Exts   []string // file extensions that suggest it
	Import Func
}

// All lists the formats, in the order help texts show them.
var All = []Format{
	{Name: "flux", Engine: "Storm Flux topology YAML", Exts: []string{".yaml", ".yml"}, Import: flux.Import},
	{Name: "kafka-streams", Engine: "Kafka Streams Topology.describe() text", Exts: []string{".txt"}, Import: kafkastreams.Import},
	{Name: "flink", Engine: "Flink execution plan JSON (getExecutionPlan())", Exts: []string{".json"}, Import: flink.Import},
}

// Names are the formats' names, joined by "|".
func Names() string {
	var ns []string
	for _, f := range All {
		ns = append(ns, f.Name)
	}
	return strings.Join(ns, "|")
}

// Lookup finds a format by name.
func Lookup(name string) (Format, error) {
	for _, f := range All {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown format %q: expected one of %s", name, strings.ReplaceAll(Names(), "|", ", "))
}

// ForFile guesses the format of a file from its extension: .yaml and .yml
// are flux, .json flink, .txt kafka-streams.
func ForFile(path string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(path))
	for _, f := range All {
		for _, e := range f.Exts {
			if e == ext {
				return f, nil
			}
		}
	}
	return Format{}, fmt.Errorf("cannot tell the format of %s from its extension: name it (%s)", filepath.Base(path), strings.ReplaceAll(Names(), "|", ", "))
}
