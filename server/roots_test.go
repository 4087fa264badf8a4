package server

import (
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/blazes-dev/blazes/analysis"
)

// A file that stops being imported is published from the root it becomes,
// even when an older analysis of its former importer, which still read
// it, finishes after the import was dropped: that stale run must not make
// the file a member of its old root again (the publication would then wait
// for that root to read the file, which it never does).
func TestDroppedImportPublishedDespiteStaleRun(t *testing.T) {
	type gate struct {
		entered chan struct{}
		token   chan struct{}
	}
	gates := map[string]*gate{
		"main.blazes": {make(chan struct{}, 4), make(chan struct{})},
		"lib.blazes":  {make(chan struct{}, 4), make(chan struct{})},
	}
	var mainRuns atomic.Int32
	eng := DefaultEngine()
	update := eng.Update
	eng.Update = func(s *analysis.Session, root string, o analysis.Options) *analysis.Result {
		res := update(s, root, o)
		g := gates[filepath.Base(root)]
		if filepath.Base(root) == "main.blazes" {
			if mainRuns.Add(1) > 1 {
				return res // the second run of main is not held
			}
		}
		if g != nil {
			g.entered <- struct{}{}
			<-g.token
		}
		return res
	}
	core, logs := observer.New(zapcore.DebugLevel)
	c := newClient(t, testOpts{cfg: Config{Engine: eng, Logger: zap.New(core)}, files: map[string]string{"lib.blazes": libText}})
	wait := func(ch chan struct{}, what string) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(hangGuard):
			t.Fatalf("%s did not start", what)
		}
	}
	var syms []any // answered once the workspace scan is done
	c.call("workspace/symbol", map[string]any{"query": ""}, &syms)
	// Version 1 of main imports lib: its analysis reads lib, and is held
	// once done.
	c.open("main.blazes", mainText)
	wait(gates["main.blazes"].entered, "the analysis of main v1")
	// Version 2 drops the import: lib is a root of its own now. Its
	// analysis is not held and publishes.
	c.change("main.blazes", []int{0, 0, 1, 0}, "")
	c.waitDiags("main.blazes", atVersion(2))
	// lib, opened, is analysed as its own root (held).
	c.open("lib.blazes", libText)
	wait(gates["lib.blazes"].entered, "the analysis of lib")
	// The stale analysis of main v1 finishes first.
	gates["main.blazes"].token <- struct{}{}
	deadline := time.After(hangGuard)
	for !staleRunLogged(logs, c.path("main.blazes")) {
		select {
		case <-deadline:
			t.Fatal("the stale analysis of main did not finish")
		case <-time.After(5 * time.Millisecond):
		}
	}
	// Then lib's: lib must be published.
	gates["lib.blazes"].token <- struct{}{}
	c.waitDiags("lib.blazes", atVersion(1))
}

// staleRunLogged reports whether the server logged the end of a run of
// root that was not current.
func staleRunLogged(logs *observer.ObservedLogs, root string) bool {
	for _, e := range logs.FilterMessage("analysed").All() {
		m := e.ContextMap()
		if m["root"] == root && m["current"] == false && !strings.Contains(root, "lib") {
			return true
		}
	}
	return false
}
