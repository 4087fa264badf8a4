package formats

import (
	"strings"
	"testing"
)

func TestLookupAndForFile(t *testing.T) {
	for path, want := range map[string]string{"a/t.yaml": "flux", "T.YML": "flux", "plan.json": "flink", "describe.txt": "kafka-streams"} {
		f, err := ForFile(path)
		if err != nil || f.Name != want {
			t.Errorf("ForFile(%s) = %s, %v; want %s", path, f.Name, err, want)
		}
	}
	if _, err := ForFile("x.xml"); err == nil || !strings.Contains(err.Error(), "flux, kafka-streams, flink") {
		t.Errorf("unknown extension: %v", err)
	}
	for _, n := range []string{"flux", "kafka-streams", "flink"} {
		if f, err := Lookup(n); err != nil || f.Name != n || f.Import == nil {
			t.Errorf("Lookup(%s): %v", n, err)
		}
	}
	if _, err := Lookup("storm"); err == nil {
		t.Errorf("Lookup(storm): want an error")
	}
}
