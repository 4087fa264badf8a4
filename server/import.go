package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/importer"
	"github.com/blazes-dev/blazes/importer/formats"
)

// cmdImport imports a topology file as a .blazes model beside it.
const cmdImport = "blazes.importTopology"

// importResult is what blazes.importTopology answers.
type importResult struct {
	URI      string   `json:"uri"`      // the model written
	Format   string   `json:"format"`   // the format read
	Warnings []string `json:"warnings"` // file:line: warning: ...
}

// importTopology runs blazes.importTopology:
//
//	[uri] | [uri, format] | [uri, format, {"show": false}]
//
// It reads the file on disk (a Flux YAML, Kafka Streams description or
// Flink plan; the format from its extension when not named: .yaml/.yml
// flux, .json flink, .txt kafka-streams), writes the model beside it as
// NAME.blazes (NAME-2.blazes, ... when that exists: it never replaces a
// file), asks the client to open it with window/showDocument when the
// client supports it (unless show is false), and answers importResult.
// An input that cannot be imported is an InvalidParams error whose
// message names the file and line.
func (s *Server) importTopology(_ context.Context, args []json.RawMessage) (any, error) {
	args, show := showOption(args, 1)
	if len(args) < 1 || len(args) > 2 {
		return nil, invalidParams("%s takes [uri] or [uri, format]", cmdImport)
	}
	var u, name string
	if json.Unmarshal(args[0], &u) != nil {
		return nil, invalidParams("%s: the first argument must be a file URI string", cmdImport)
	}
	if len(args) == 2 && json.Unmarshal(args[1], &name) != nil {
		return nil, invalidParams("%s: the format must be a string (%s)", cmdImport, formats.Names())
	}
	path, err := docPath(u)
	if err != nil {
		return nil, err
	}
	var format formats.Format
	if name == "" {
		format, err = formats.ForFile(path)
	} else {
		format, err = formats.Lookup(name)
	}
	if err != nil {
		return nil, invalidParams("%s: %v", cmdImport, err)
	}
	data, err := importer.ReadFile(path)
	if err != nil {
		return nil, invalidParams("%s: %v", cmdImport, err)
	}
	model, warns, err := format.Import(path, data, importer.Options{ReadFile: importer.ReadFile})
	if err != nil {
		var ie *importer.Error
		if !errors.As(err, &ie) {
			err = fmt.Errorf("%s: %w", path, err)
		}
		return nil, invalidParams("%s", err.Error())
	}
	text, err := importer.Print(model)
	if err != nil {
		return nil, invalidParams("%s: %v", path, err)
	}
	out, err := writeBeside(path, text)
	if err != nil {
		return nil, invalidParams("%s: cannot write the model: %v", cmdImport, err)
	}
	res := importResult{URI: fileURI(out), Format: format.Name, Warnings: []string{}}
	for _, w := range warns {
		res.Warnings = append(res.Warnings, w.String())
	}
	if len(warns) > 0 {
		msg := fmt.Sprintf("Imported %s with %d warning(s):\n%s", filepath.Base(path), len(warns), strings.Join(res.Warnings, "\n"))
		s.notify("window/showMessage", protocol.ShowMessageParams{Type: protocol.MessageTypeWarning, Message: msg})
	}
	s.mu.Lock()
	showDoc := s.caps.showDocument
	s.mu.Unlock()
	if show && showDoc {
		s.callClient("window/showDocument", protocol.ShowDocumentParams{URI: protocol.URI(res.URI), TakeFocus: true})
	}
	return res, nil
}

// writeBeside writes text to the .blazes file named after src in its
// directory, or to the first NAME-N.blazes that does not exist: a file is
// never replaced (the name is taken with a hard link, which fails when the
// name exists, from a complete temporary file).
func writeBeside(src string, text []byte) (string, error) {
	dir := filepath.Dir(src)
	base := strings.TrimSuffix(filepath.Base(src), filepath.Ext(src))
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(text); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", err
	}
	for n := 1; n < 1000; n++ {
		name := base + ".blazes"
		if n > 1 {
			name = fmt.Sprintf("%s-%d.blazes", base, n)
		}
		out := filepath.Join(dir, name)
		err := os.Link(tmp.Name(), out)
		if err != nil && !errors.Is(err, os.ErrExist) {
			// No hard links here: create the name exclusively instead.
			err = writeExclusive(out, text)
		}
		if err == nil {
			return out, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s.blazes and 998 numbered variants exist", filepath.Join(dir, base))
}

func writeExclusive(name string, text []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(text); err != nil {
		f.Close()
		os.Remove(name)
		return err
	}
	return f.Close()
}
