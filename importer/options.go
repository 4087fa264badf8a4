package importer

import (
	"fmt"
	"io"
	"os"
)

// MaxInputSize bounds every file an importer reads (the input and what it
// includes): 16 MiB, far above any real topology description.
const MaxInputSize = 16 << 20

// Options are what an importer may need besides the input's bytes. Each
// importer is a pure function of its input and Options: whatever it reads
// besides the input comes through ReadFile.
type Options struct {
	// ReadFile reads a file the input refers to (a Flux include), by the
	// path resolved against the directory of the input's name (the name
	// an importer is given). nil: such files cannot be read, which is an
	// error naming the include.
	ReadFile func(path string) ([]byte, error)
	// Properties are the values of `${name}` placeholders (Flux
	// `--filter` files); nil: none.
	Properties map[string]string
	// Env holds the values of `${ENV-NAME}` placeholders (Flux `--env-filter`);
	// nil: environment placeholders are left as written, with a warning.
	Env map[string]string
}

// Warning is something an importer could not carry over or chose to skip
// (an unreadable classpath include, a placeholder without a value). The
// import still succeeds.
type Warning struct {
	File string // the file it concerns
	Line int    // one-based; 0 when unknown
	Msg  string
}

func (w Warning) String() string { return position(w.File, w.Line) + ": warning: " + w.Msg }

// Error is an input an importer cannot read: it names the file, the line
// when known, and what was expected there.
type Error struct {
	File string
	Line int // one-based; 0 when unknown
	Msg  string
}

func (e *Error) Error() string { return position(e.File, e.Line) + ": " + e.Msg }

func position(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}

// ReadFile reads a file of at most MaxInputSize bytes: the reader the
// command line gives importers (a larger file is an error, read no
// further than the bound).
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxInputSize+1))
	if err != nil {
		return nil, err
	}
	if err := CheckSize(path, data); err != nil {
		return nil, err
	}
	return data, nil
}

// Input is what every importer does first with its input: it names an
// unnamed input "<input>" (in messages and the dataflow's name) and
// refuses one larger than MaxInputSize.
func Input(name string, data []byte) (string, error) {
	if name == "" {
		name = "<input>"
	}
	return name, CheckSize(name, data)
}

// CheckSize refuses an input larger than MaxInputSize, naming file.
func CheckSize(file string, data []byte) error {
	if len(data) > MaxInputSize {
		return &Error{File: file, Msg: fmt.Sprintf("larger than %d MiB, the most an import reads", MaxInputSize>>20)}
	}
	return nil
}
