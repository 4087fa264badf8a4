// Package kafkastreams imports Kafka Streams topology descriptions as an importer.Model.
package kafkastreams

import (
	"errors"

	"github.com/blazes-dev/blazes/importer"
)

// Import reads a Kafka Streams topology description into a Model.
//
// Placeholder: the importer of this format is not written yet.
func Import(name string, data []byte, opts importer.Options) (*importer.Model, []importer.Warning, error) {
	return nil, nil, errors.New("Kafka Streams import is not implemented yet")
}
