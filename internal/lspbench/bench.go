package lspbench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Config is one benchmark session.
type Config struct {
	// File is the document opened and edited. The workspace root (rootUri
	// and the one workspace folder) is its directory unless Root is set.
	File string
	Root string
	// LanguageID is didOpen's languageId ("blazes", "go", ...).
	LanguageID string
	// At are the places where the typing happens. Each is "LINE:COL"
	// (1-based; COL counts characters) or a regular expression: the place
	// is the start of its first capture group if it has one, else the end
	// of the match, taking the first match that starts in the second half
	// of the file (else the last match). The edits cycle over the places.
	At []string
	// Insert is what each insertion types (one line, default "x"); each
	// deletion removes it again, so the document alternates between the
	// original text and the text with Insert at one place.
	Insert string
	// Edits are measured; Warmup edits before them are not.
	Edits, Warmup int
	// Timeout bounds the wait for the diagnostics of each edit and for the
	// first diagnostics after didOpen.
	Timeout time.Duration
	// Pause is a think time after each edit's diagnostics (0: none).
	Pause time.Duration
	// InitOptions, when set, is sent as initializationOptions.
	InitOptions json.RawMessage
	// Logf receives progress and anomalies (may be nil).
	Logf func(format string, args ...any)
}

// Place is where a scripted edit happens, as sent (0-based, UTF-16).
type Place struct {
	Line      int    `json:"line"`
	Character int    `json:"character"`
	Context   string `json:"context"` // the line, for the report
	offset    int    // byte offset in the original text
}

// Result is what one session measured.
type Result struct {
	Server     string `json:"server,omitempty"` // set by the caller
	File       string `json:"file"`
	LanguageID string `json:"language_id"`
	Lines      int    `json:"lines"`
	Bytes      int    `json:"bytes"`
	ServerName string `json:"server_name,omitempty"` // serverInfo
	ServerVer  string `json:"server_version,omitempty"`
	// SyncKind is the server's textDocumentSync change kind (2:
	// incremental; with 1 the harness sends the whole text each edit).
	SyncKind int `json:"sync_kind"`
	// Versioned: the server put a version in its publications, so each
	// wait was for a publication of that version or a later one; without
	// versions it was for the first publication after the edit.
	Versioned bool `json:"versioned"`

	Initialize       time.Duration `json:"-"`
	FirstDiagnostics time.Duration `json:"-"`
	// FirstDiagnosticsTimeout: no publication came within Timeout of didOpen.
	FirstDiagnosticsTimeout bool `json:"first_diagnostics_timeout"`
	FirstDiagnosticsCount   int  `json:"first_diagnostics_count"`

	Places []Place `json:"places"`
	Insert string  `json:"insert"`
	Warmup int     `json:"warmup"`
	// Edits measured (Timeouts not included in Latency).
	Edits    int             `json:"edits"`
	Timeouts int             `json:"timeouts"`
	Latency  Stats           `json:"latency"`
	Samples  []time.Duration `json:"-"`
	// DiagnosticCounts: how many diagnostics the awaited publication of an
	// insertion and of a deletion carried (the last of each), to show that
	// the edits change the diagnostics.
	DiagnosticsAfterInsert int `json:"diagnostics_after_insert"`
	DiagnosticsAfterDelete int `json:"diagnostics_after_delete"`
	// StalePublications: publications for the file that were older than
	// the awaited version (or before the edit) and were skipped.
	StalePublications int `json:"stale_publications"`
	// PeakRSSKiB is VmHWM of the server process (0: unknown).
	PeakRSSKiB int64 `json:"peak_rss_kib"`
	// ServerRequests counts the requests the server sent (all answered).
	ServerRequests map[string]int `json:"server_requests"`
	Wall           time.Duration  `json:"-"`
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// MarshalJSON writes durations in milliseconds.
func (s Stats) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{
		"n": s.N, "min_ms": ms(s.Min), "median_ms": ms(s.Median), "p95_ms": ms(s.P95),
		"p99_ms": ms(s.P99), "max_ms": ms(s.Max), "mean_ms": ms(s.Mean),
	})
}

// MarshalJSON writes durations in milliseconds.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	samples := make([]float64, len(r.Samples))
	for i, d := range r.Samples {
		samples[i] = ms(d)
	}
	return json.Marshal(struct {
		plain
		InitializeMS       float64   `json:"initialize_ms"`
		FirstDiagnosticsMS float64   `json:"first_diagnostics_ms"`
		SamplesMS          []float64 `json:"samples_ms"`
		WallMS             float64   `json:"wall_ms"`
	}{plain(r), ms(r.Initialize), ms(r.FirstDiagnostics), samples, ms(r.Wall)})
}

// FileURI is the file: URI of an absolute path.
func FileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// Run drives the server at the other end of r and w through one session:
// initialize, initialized, didOpen, the typing script, shutdown and exit.
// peakRSS, when not nil, is read after the last edit (before shutdown).
func Run(ctx context.Context, cfg Config, r io.Reader, w io.Writer, peakRSS func() (int64, error)) (*Result, error) {
	start := time.Now()
	if cfg.Insert == "" {
		cfg.Insert = "x"
	}
	if strings.ContainsAny(cfg.Insert, "\r\n") {
		return nil, errors.New("the inserted text must be on one line")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Edits < 0 || cfg.Warmup < 0 {
		return nil, errors.New("negative edit count")
	}
	logf := cfg.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	path, err := filepath.Abs(cfg.File)
	if err != nil {
		return nil, err
	}
	textBytes, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(textBytes) {
		return nil, fmt.Errorf("%s is not UTF-8", cfg.File)
	}
	text := string(textBytes)
	root := cfg.Root
	if root == "" {
		root = filepath.Dir(path)
	}
	if root, err = filepath.Abs(root); err != nil {
		return nil, err
	}
	places, err := resolvePlaces(text, cfg.At)
	if err != nil {
		return nil, err
	}
	uri := FileURI(path)
	rootURI := FileURI(root)
	folders := []map[string]string{{"uri": rootURI, "name": filepath.Base(root)}}

	res := &Result{
		File: cfg.File, LanguageID: cfg.LanguageID, Bytes: len(text),
		Lines: Lines(textBytes), Places: places, Insert: cfg.Insert, Warmup: cfg.Warmup,
	}
	c := newClient(r, w, folders, logf)
	defer func() {
		c.mu.Lock()
		res.ServerRequests = map[string]int{}
		for k, v := range c.serverRequests {
			res.ServerRequests[k] = v
		}
		c.mu.Unlock()
	}()

	// initialize: the capabilities an editor such as VS Code advertises
	// for what the benchmark uses.
	initParams := map[string]any{
		"processId":  os.Getpid(),
		"clientInfo": map[string]string{"name": "lspbench", "version": "1"},
		"locale":     "en",
		"rootPath":   root,
		"rootUri":    rootURI,
		"capabilities": map[string]any{
			"general": map[string]any{"positionEncodings": []string{"utf-16"}},
			"textDocument": map[string]any{
				"synchronization": map[string]any{"dynamicRegistration": false, "didSave": true, "willSave": false, "willSaveWaitUntil": false},
				"publishDiagnostics": map[string]any{
					"relatedInformation": true, "versionSupport": true, "codeDescriptionSupport": true, "dataSupport": true,
					"tagSupport": map[string]any{"valueSet": []int{1, 2}},
				},
			},
			"workspace": map[string]any{
				"configuration": true, "workspaceFolders": true,
				"didChangeConfiguration": map[string]any{"dynamicRegistration": true},
			},
			"window": map[string]any{"workDoneProgress": true},
		},
		"workspaceFolders": folders,
		"trace":            "off",
	}
	if len(cfg.InitOptions) > 0 {
		initParams["initializationOptions"] = cfg.InitOptions
	}
	var initRes struct {
		Capabilities struct {
			TextDocumentSync json.RawMessage `json:"textDocumentSync"`
		} `json:"capabilities"`
		ServerInfo *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"serverInfo"`
	}
	t := time.Now()
	ictx, cancel := context.WithTimeout(ctx, 2*cfg.Timeout+30*time.Second)
	err = c.Call(ictx, "initialize", initParams, &initRes)
	cancel()
	if err != nil {
		return res, err
	}
	res.Initialize = time.Since(t)
	if initRes.ServerInfo != nil {
		res.ServerName, res.ServerVer = initRes.ServerInfo.Name, shortVersion(initRes.ServerInfo.Version)
	}
	res.SyncKind = syncKind(initRes.Capabilities.TextDocumentSync)
	if res.SyncKind == 0 {
		return res, errors.New("the server takes no document changes (textDocumentSync change kind None)")
	}
	if err := c.Notify("initialized", map[string]any{}); err != nil {
		return res, err
	}

	// didOpen, and the first diagnostics.
	t = time.Now()
	if err := c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": cfg.LanguageID, "version": 1, "text": text}}); err != nil {
		return res, err
	}
	ev, skipped, err := c.waitDiags(ctx, uri, 1, t, cfg.Timeout)
	res.StalePublications += skipped
	switch {
	case errors.Is(err, errTimeout):
		res.FirstDiagnosticsTimeout = true
		logf("no diagnostics within %v of didOpen", cfg.Timeout)
	case err != nil:
		return res, err
	default:
		res.FirstDiagnostics = ev.At.Sub(t)
		res.FirstDiagnosticsCount = ev.Count
		res.Versioned = ev.Version != nil
	}

	// The typing session.
	version := int32(1)
	ins16 := len(utf16.Encode([]rune(cfg.Insert)))
	total := cfg.Warmup + cfg.Edits
	for i := 0; i < total; i++ {
		pl := places[(i/2)%len(places)]
		insert := i%2 == 0
		version++
		var change map[string]any
		after := text
		if insert {
			after = text[:pl.offset] + cfg.Insert + text[pl.offset:]
		}
		switch {
		case res.SyncKind == 1:
			change = map[string]any{"text": after}
		case insert:
			change = map[string]any{"range": lspRange(pl.Line, pl.Character, pl.Line, pl.Character), "text": cfg.Insert}
		default:
			change = map[string]any{"range": lspRange(pl.Line, pl.Character, pl.Line, pl.Character+ins16), "text": ""}
		}
		params := map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": version},
			"contentChanges": []any{change},
		}
		t := time.Now()
		if err := c.Notify("textDocument/didChange", params); err != nil {
			return res, err
		}
		ev, skipped, err := c.waitDiags(ctx, uri, version, t, cfg.Timeout)
		res.StalePublications += skipped
		measured := i >= cfg.Warmup
		switch {
		case errors.Is(err, errTimeout):
			logf("edit %d (version %d): no diagnostics within %v", i+1, version, cfg.Timeout)
			if measured {
				res.Timeouts++
				res.Edits++
			}
		case err != nil:
			return res, fmt.Errorf("edit %d: %w", i+1, err)
		default:
			if ev.Version != nil {
				res.Versioned = true
			}
			if measured {
				res.Samples = append(res.Samples, ev.At.Sub(t))
				res.Edits++
			}
			if insert {
				res.DiagnosticsAfterInsert = ev.Count
			} else {
				res.DiagnosticsAfterDelete = ev.Count
			}
		}
		if cfg.Pause > 0 {
			time.Sleep(cfg.Pause)
		}
	}
	res.Latency = Summarise(res.Samples)

	if peakRSS != nil {
		if kib, err := peakRSS(); err == nil {
			res.PeakRSSKiB = kib
		} else {
			logf("peak RSS: %v", err)
		}
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err = c.Call(sctx, "shutdown", nil, nil)
	cancel()
	if err != nil {
		logf("shutdown: %v", err)
	} else if err := c.Notify("exit", nil); err != nil {
		logf("exit: %v", err)
	}
	res.Wall = time.Since(start)
	return res, nil
}

// shortVersion keeps the "Version" of a JSON build-info blob (gopls sends
// its whole debug.BuildInfo as serverInfo.version).
func shortVersion(v string) string {
	if !strings.HasPrefix(v, "{") {
		return v
	}
	var bi struct{ Version string }
	if json.Unmarshal([]byte(v), &bi) == nil && bi.Version != "" {
		return bi.Version
	}
	return v
}

func lspRange(l1, c1, l2, c2 int) map[string]any {
	return map[string]any{
		"start": map[string]int{"line": l1, "character": c1},
		"end":   map[string]int{"line": l2, "character": c2},
	}
}

// syncKind reads textDocumentSync: a kind or an options object.
func syncKind(raw json.RawMessage) int {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n
	}
	var o struct {
		Change *int `json:"change"`
	}
	if json.Unmarshal(raw, &o) == nil && o.Change != nil {
		return *o.Change
	}
	return 0
}

var lineCol = regexp.MustCompile(`^(\d+):(\d+)$`)

// resolvePlaces turns the -at specs into places in text.
func resolvePlaces(text string, at []string) ([]Place, error) {
	if len(at) == 0 {
		return nil, errors.New("no place to type at (-at)")
	}
	var out []Place
	for _, spec := range at {
		off, err := resolvePlace(text, spec)
		if err != nil {
			return nil, err
		}
		out = append(out, placeAt(text, off))
	}
	return out, nil
}

func resolvePlace(text, spec string) (int, error) {
	if m := lineCol.FindStringSubmatch(spec); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		if line < 1 || col < 1 {
			return 0, fmt.Errorf("-at %s: line and column start at 1", spec)
		}
		off := 0
		for l := 1; l < line; l++ {
			i := strings.IndexByte(text[off:], '\n')
			if i < 0 {
				return 0, fmt.Errorf("-at %s: the file has only %d lines", spec, l)
			}
			off += i + 1
		}
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text) - off
		}
		lineText := text[off : off+end]
		if n := utf8.RuneCountInString(lineText); col > n+1 {
			return 0, fmt.Errorf("-at %s: line %d has only %d characters", spec, line, n)
		}
		for c := 1; c < col; c++ {
			_, size := utf8.DecodeRuneInString(text[off:])
			off += size
		}
		return off, nil
	}
	re, err := regexp.Compile(spec)
	if err != nil {
		return 0, fmt.Errorf("-at %q is neither LINE:COL nor a regular expression: %v", spec, err)
	}
	ms := re.FindAllStringSubmatchIndex(text, -1)
	if len(ms) == 0 {
		return 0, fmt.Errorf("-at %q matches nothing in the file", spec)
	}
	m := ms[len(ms)-1]
	for _, cand := range ms {
		if cand[0] >= len(text)/2 {
			m = cand
			break
		}
	}
	if len(m) >= 4 && m[2] >= 0 {
		return m[2], nil
	}
	return m[1], nil
}

func placeAt(text string, off int) Place {
	lineStart := strings.LastIndexByte(text[:off], '\n') + 1
	lineEnd := strings.IndexByte(text[off:], '\n')
	if lineEnd < 0 {
		lineEnd = len(text)
	} else {
		lineEnd += off
	}
	ctx := text[lineStart:off] + "|" + text[off:lineEnd]
	return Place{
		Line:      strings.Count(text[:lineStart], "\n"),
		Character: len(utf16.Encode([]rune(text[lineStart:off]))),
		Context:   strings.TrimSpace(ctx),
		offset:    off,
	}
}

// DefaultAt is the default place for a language: one whose edit changes
// the diagnostics every time (a reference that stops resolving when a
// character is typed into it, and resolves again when it is deleted).
func DefaultAt(lang string) []string {
	switch lang {
	case "blazes":
		// The target component of a stream: "stream A.out -> B|.in".
		return []string{`(?m)^stream [^\n]*-> *[A-Za-z_][A-Za-z0-9_]*`}
	case "go":
		// The first identifier of a return statement's result.
		return []string{`(?m)^\s*return [A-Za-z_][A-Za-z0-9_]*`}
	}
	return nil
}

// Lines counts the lines of b the way Result.Lines does.
func Lines(b []byte) int {
	n := bytes.Count(b, []byte("\n"))
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}
