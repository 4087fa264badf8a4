// Package flink imports Flink topology descriptions as an importer.Model.
package flink

import (
	"errors"

	"github.com/blazes-dev/blazes/importer"
)

// Import reads a Flink topology description into a Model.
//
// Placeholder: the importer of this format is not written yet.
func Import(name string, data []byte, opts importer.Options) (*importer.Model, []importer.Warning, error) {
	return nil, nil, errors.New("Flink import is not implemented yet")
}
