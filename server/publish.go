package server

import (
	"slices"
	"sort"
	"strconv"

	segjson "github.com/segmentio/encoding/json"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
)

// The publication of diagnostics is the last step of every keystroke, and
// on a big dataflow it carries hundreds of diagnostics that the keystroke
// did not change. Each one's JSON is kept, keyed by the finding it comes
// from (analysis.Diagnostic.Origin) and checked against its positions in
// LSP coordinates: a diagnostic is encoded again only when it is new or
// its lines and columns moved.

// encodedDiag is the JSON of one diagnostic and the ranges it was made at.
type encodedDiag struct {
	ranges []protocol.Range // the diagnostic's, then each related location's
	json   []byte
}

// pubCache is what a document's last publication left for the next one:
// the JSON of its diagnostics by finding, and its size. Two maps take
// turns, so that a publication allocates none.
type pubCache struct {
	cur, spare map[*analysis.Diagnostic]*encodedDiag
	size       int
}

// encodeDiagnostics appends the JSON array of ds (converted as
// toDiagnostic does) to buf, reusing and refreshing cache.
func (s *Server) encodeDiagnostics(buf []byte, sn *snapshot, ds []*analysis.Diagnostic, cache *pubCache) []byte {
	next := cache.spare
	if next == nil {
		next = make(map[*analysis.Diagnostic]*encodedDiag, len(ds))
	}
	clear(next)
	defer func() { cache.cur, cache.spare = next, cache.cur }()
	buf = append(buf, '[')
	var ranges []protocol.Range
	// Almost every location is in the one file published.
	var lastName string
	var lastLines *grammar.LineTable
	lines := func(name string) *grammar.LineTable {
		if name != lastName || lastLines == nil {
			lastName, lastLines = name, linesFor(sn, name)
		}
		return lastLines
	}
	for i, d := range ds {
		if i > 0 {
			buf = append(buf, ',')
		}
		ranges = append(ranges[:0], toRange(lines(d.File), d.Range))
		for _, r := range d.Related {
			ranges = append(ranges, toRange(lines(r.File), r.Range))
		}
		key := d.Origin()
		e := cache.cur[key]
		if e == nil || !slices.Equal(e.ranges, ranges) {
			js, err := segjson.Append(nil, s.toDiagnostic(sn, d), segjson.EscapeHTML|segjson.SortMapKeys)
			if err != nil {
				js = []byte("null")
			}
			e = &encodedDiag{ranges: append([]protocol.Range(nil), ranges...), json: js}
		}
		next[key] = e
		buf = append(buf, e.json...)
	}
	return append(buf, ']')
}

// publishFrame is a textDocument/publishDiagnostics notification for path,
// built in one buffer with room for the frame header (writeReserved).
func (s *Server) publishFrame(path string, version *int32, sn *snapshot, ds []*analysis.Diagnostic, cache *pubCache) []byte {
	buf := s.frames.buffer(cache.size + 256)
	buf = append(buf, `{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":`...)
	buf, _ = segjson.Append(buf, fileURI(path), segjson.EscapeHTML)
	if version != nil {
		buf = append(buf, `,"version":`...)
		buf = strconv.AppendInt(buf, int64(*version), 10)
	}
	buf = append(buf, `,"diagnostics":`...)
	buf = s.encodeDiagnostics(buf, sn, ds, cache)
	buf = append(buf, "}}"...)
	cache.size = len(buf)
	return buf
}

// publishDiagnostics writes the publication of path's diagnostics (the
// workspace's reporter).
func (s *Server) publishDiagnostics(path string, version *int32, sn *snapshot, diags []*analysis.Diagnostic, cache *pubCache) {
	frame := s.publishFrame(path, version, sn, diags, cache)
	if err := s.frames.writeReserved(frame); err != nil {
		s.log.Debug("publish failed", zap.String("path", path), zap.Error(err))
	}
}

// clearDiagnostics publishes no diagnostics for path.
func (s *Server) clearDiagnostics(path string) {
	s.notify("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: fileURI(path), Diagnostics: []protocol.Diagnostic{}})
}

// analysed logs the end of an analysis and, when its diagnostics were
// published, asks the client to refresh its inlay hints and code lenses.
func (s *Server) analysed(sn *snapshot, current bool) {
	s.log.Debug("analysed", zap.String("root", sn.root), zap.Uint64("seq", sn.seq), zap.Duration("took", sn.took), zap.Bool("current", current))
	if current {
		s.refreshClient()
	}
}

// analysisPanicked logs a panic of the analysis.
func (s *Server) analysisPanicked(root string, x any, stack []byte) {
	s.log.Error("panic in analysis", zap.String("root", root), zap.Any("panic", x), zap.String("stack", string(stack)))
}

// publish sends the diagnostics of files whose every root snapshot is
// current. Publications are serialised, so they go out in order.
func (w *workspace) publish(files []string) {
	w.pubMu.Lock()
	defer w.pubMu.Unlock()
	sort.Strings(files)
	type out struct {
		path string
		ver  *int32
		diag []*analysis.Diagnostic
		sn   *snapshot
	}
	var outs []out
	w.mu.Lock()
	if w.scanning > 0 {
		// Diagnostics wait for the workspace's files: a library is
		// judged with the dataflows that import it. The scan's end
		// publishes what waited.
		files = nil
	}
	for _, p := range files {
		f := w.files[p]
		if f == nil || (!f.open && f.quiet) {
			continue
		}
		roots := w.rootsOfLocked(p)
		if len(roots) == 0 {
			continue
		}
		ok := true
		var diags []*analysis.Diagnostic
		var seen map[string]bool // across roots: a library's findings once
		if len(roots) > 1 {
			seen = map[string]bool{}
		}
		var first *snapshot
		for _, r := range roots {
			if !w.currentLocked(r.snap) || r.snap.gens[p] != f.gen {
				ok = false
				break
			}
			if first == nil {
				first = r.snap
			}
			if !r.snap.ok {
				continue
			}
			for _, d := range r.snap.diags {
				if d.File != p {
					continue
				}
				if seen != nil {
					k := d.Code + "\x00" + d.Message + "\x00" + rangeKey(d.Range)
					if seen[k] {
						continue
					}
					seen[k] = true
				}
				diags = append(diags, d)
			}
		}
		if !ok {
			continue
		}
		o := out{path: p, diag: diags, sn: first}
		if f.open {
			v := f.version
			o.ver = &v
		}
		outs = append(outs, o)
	}
	// Forget what was kept for documents that are no longer open.
	for p := range w.encoded {
		if f := w.files[p]; f == nil || !f.open {
			delete(w.encoded, p)
		}
	}
	w.mu.Unlock()
	for _, o := range outs {
		// Only documents being edited (they have a version) keep what
		// the next publication may reuse.
		cache := w.encoded[o.path]
		if cache == nil {
			cache = &pubCache{}
			if o.ver != nil {
				w.encoded[o.path] = cache
			}
		}
		w.out.publishDiagnostics(o.path, o.ver, o.sn, o.diag, cache)
	}
}

// clear publishes no diagnostics for path (a closed document).
func (w *workspace) clear(path string) {
	w.pubMu.Lock()
	defer w.pubMu.Unlock()
	w.out.clearDiagnostics(path)
	delete(w.encoded, path)
}

func rangeKey(r grammar.Range) string {
	return strconv.Itoa(int(r.Start)) + "-" + strconv.Itoa(int(r.End))
}
