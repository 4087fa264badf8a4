package server

import (
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
		if e == nil || !sameRanges(e.ranges, ranges) {
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

func sameRanges(a, b []protocol.Range) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
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
