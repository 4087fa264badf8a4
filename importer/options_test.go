package importer

import (
	"strings"
	"testing"
)

func TestInput(t *testing.T) {
	name, err := Input("", []byte("x"))
	if name != "<input>" || err != nil {
		t.Errorf(`Input("", small) = %q, %v; want "<input>", nil`, name, err)
	}
	name, err = Input("t.yaml", []byte("x"))
	if name != "t.yaml" || err != nil {
		t.Errorf(`Input("t.yaml", small) = %q, %v`, name, err)
	}
	_, err = Input("", make([]byte, MaxInputSize+1))
	if err == nil || !strings.HasPrefix(err.Error(), "<input>: larger than 16 MiB") {
		t.Errorf("unnamed huge input: got %v", err)
	}
}
