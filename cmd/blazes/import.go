package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/blazes-dev/blazes/importer"
	"github.com/blazes-dev/blazes/importer/flux"
	"github.com/blazes-dev/blazes/importer/formats"
)

func runImport(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("import", "--from "+formats.Names()+" FILE [-o OUT]",
		"Import a topology an engine describes as a .blazes model: a Storm Flux YAML file (flux), the text\n"+
			"Kafka Streams prints for Topology.describe() (kafka-streams), or the JSON Flink prints for\n"+
			"getExecutionPlan() (flink). The model goes to stdout, or to OUT (written atomically).\n"+
			"What the import cannot know is written conservatively with a TODO comment: run blazes check\n"+
			"on the result. Exit status: 0 imported, 1 the input cannot be imported, 2 usage or I/O error.", stderr)
	from := fs.String("from", "", "the input's format: "+strings.ReplaceAll(formats.Names(), "|", ", ")+" (required)")
	out := fs.String("o", "", "write the model to this file instead of stdout")
	filter := fs.String("filter", "", "flux: a .properties file whose values replace ${name} placeholders")
	envFilter := fs.Bool("env-filter", false, "flux: replace ${ENV-NAME} placeholders with environment variables")
	// Flags may follow the file: parse until every argument is read.
	files, code, done := parseInterspersed(fs, args)
	if done {
		return code
	}
	if *from == "" || len(files) != 1 {
		if *from == "" {
			fmt.Fprintf(stderr, "blazes import: --from is required (%s)\n", formats.Names())
		} else {
			fmt.Fprintf(stderr, "blazes import: give exactly one FILE\n")
		}
		fs.Usage()
		return 2
	}
	format, err := formats.Lookup(*from)
	if err != nil {
		fmt.Fprintf(stderr, "blazes import: %v\n", err)
		return 2
	}
	name := files[0]
	data, err := importer.ReadFile(name)
	if err != nil {
		fmt.Fprintf(stderr, "blazes import: %v\n", err)
		return 2
	}
	opts := importer.Options{ReadFile: importer.ReadFile}
	if *filter != "" {
		props, err := importer.ReadFile(*filter)
		if err != nil {
			fmt.Fprintf(stderr, "blazes import: %v\n", err)
			return 2
		}
		opts.Properties = flux.ParseProperties(props)
	}
	if *envFilter {
		opts.Env = map[string]string{}
		for _, kv := range os.Environ() {
			if k, v, ok := strings.Cut(kv, "="); ok {
				opts.Env[k] = v
			}
		}
	}
	model, warns, err := format.Import(name, data, opts)
	for _, w := range warns {
		fmt.Fprintln(stderr, w.String())
	}
	if err != nil {
		var ie *importer.Error
		if !errors.As(err, &ie) {
			err = fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(stderr, "blazes import: %v\n", err)
		return 1
	}
	text, err := importer.Print(model)
	if err != nil {
		fmt.Fprintf(stderr, "blazes import: %s: %v\n", name, err)
		return 1
	}
	if *out == "" {
		if _, err := stdout.Write(text); err != nil {
			fmt.Fprintf(stderr, "blazes import: %v\n", err)
			return 2
		}
		return 0
	}
	if err := writeAtomic(*out, text); err != nil {
		fmt.Fprintf(stderr, "blazes import: %v\n", err)
		return 2
	}
	return 0
}
