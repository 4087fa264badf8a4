package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/blazes-dev/blazes/internal/lspbench"
)

// jsonResult is the part of a -json result the table reads.
type jsonResult struct {
	Server                  string  `json:"server"`
	ServerName              string  `json:"server_name"`
	ServerVer               string  `json:"server_version"`
	Lines                   int     `json:"lines"`
	FirstDiagnosticsMS      float64 `json:"first_diagnostics_ms"`
	FirstDiagnosticsTimeout bool    `json:"first_diagnostics_timeout"`
	Edits                   int     `json:"edits"`
	Timeouts                int     `json:"timeouts"`
	PeakRSSKiB              int64   `json:"peak_rss_kib"`
	Latency                 struct {
		Median float64 `json:"median_ms"`
		P95    float64 `json:"p95_ms"`
		P99    float64 `json:"p99_ms"`
	} `json:"latency"`
}

// writeTable reads a manifest (one line per size: COMPONENTS LINES
// BLAZES.json GOPLS.json CHECK_MS[,CHECK_MS...] COLD_MS|- FULL.json, the
// last being blazes serve --full-analysis on the same script) and writes
// the markdown comparison tables.
func writeTable(manifest string, w io.Writer) error {
	f, err := os.Open(manifest)
	if err != nil {
		return err
	}
	defer f.Close()
	type row struct {
		comps, lines int
		bl, gp, full *jsonResult
		check        lspbench.Stats
		cold         string
	}
	var rows []row
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 7 {
			return fmt.Errorf("manifest line %q: want 7 fields", sc.Text())
		}
		var r row
		r.comps, _ = strconv.Atoi(fields[0])
		r.lines, _ = strconv.Atoi(fields[1])
		if r.bl, err = readResult(fields[2]); err != nil {
			return err
		}
		if r.gp, err = readResult(fields[3]); err != nil {
			return err
		}
		var checks []time.Duration
		for _, s := range strings.Split(fields[4], ",") {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				checks = append(checks, time.Duration(v*1e6))
			}
		}
		r.check = lspbench.Summarise(checks)
		r.cold = fields[5]
		if r.full, err = readResult(fields[6]); err != nil {
			return err
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	f2 := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	first := func(r *jsonResult) string {
		if r == nil {
			return "—"
		}
		if r.FirstDiagnosticsTimeout {
			return "timeout"
		}
		return f2(r.FirstDiagnosticsMS)
	}
	line := func(name, size string, r *jsonResult) {
		if r == nil {
			fmt.Fprintf(w, "| %s | %s | failed | | | | | |\n", name, size)
			return
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %d/%d | %.0f MiB |\n", name, size, first(r),
			f2(r.Latency.Median), f2(r.Latency.P95), f2(r.Latency.P99), r.Timeouts, r.Edits, float64(r.PeakRSSKiB)/1024)
	}
	fmt.Fprintln(w, "| server | size | first diagnostics (ms) | median (ms) | p95 (ms) | p99 (ms) | timeouts | peak RSS |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range rows {
		line("blazes serve", fmt.Sprintf("%d components / %d lines", r.comps, r.lines), r.bl)
		line("blazes serve --full-analysis", fmt.Sprintf("%d components / %d lines", r.comps, r.lines), r.full)
		line(serverLabel(r.gp, "gopls"), fmt.Sprintf("%d lines", r.lines), r.gp)
		cold := ""
		if r.cold != "-" {
			cold = "; in-process cold analysis " + r.cold + " ms"
		}
		fmt.Fprintf(w, "| blazes check (full re-analysis, proxy) | %d components / %d lines | %s (median of %d runs%s) | | | | | |\n",
			r.comps, r.lines, f2(float64(r.check.Median)/1e6), r.check.N, cold)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| size | blazes p95 (ms) | gopls p95 (ms) | gopls p95 / blazes p95 | full re-analysis (ms) | blazes edit / full re-analysis |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range rows {
		if r.bl == nil || r.gp == nil || r.bl.Latency.P95 == 0 {
			continue
		}
		// The same edit through the same protocol, analysed from scratch:
		// medians against medians. Without that run, the in-process cold
		// analysis or the check stand in (and the ratio uses the p95).
		edit, full := r.bl.Latency.P95, float64(r.check.Median)/1e6
		fullS := f2(full) + " (check, vs p95)"
		if v, err := strconv.ParseFloat(r.cold, 64); err == nil {
			full = v
			fullS = f2(full) + " (cold analysis, vs p95)"
		}
		if r.full != nil && r.full.Latency.Median > 0 {
			edit, full = r.bl.Latency.Median, r.full.Latency.Median
			fullS = f2(full) + " (--full-analysis median, vs median)"
		}
		fmt.Fprintf(w, "| %d components / %d lines | %s | %s | %.2f× | %s | %.2f |\n", r.comps, r.lines,
			f2(r.bl.Latency.P95), f2(r.gp.Latency.P95), r.gp.Latency.P95/r.bl.Latency.P95, fullS, edit/full)
	}
	return nil
}

func serverLabel(r *jsonResult, def string) string {
	if r == nil || r.ServerName == "" {
		return def
	}
	if r.ServerVer != "" {
		return r.ServerName + " " + r.ServerVer
	}
	return r.ServerName
}

func readResult(path string) (*jsonResult, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var r jsonResult
	if err := json.Unmarshal(b, &r); err != nil || r.Edits == 0 {
		return nil, nil // a failed run: shown as failed
	}
	return &r, nil
}
