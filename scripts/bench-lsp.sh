#!/usr/bin/env bash
# Keystroke-to-diagnostics latency of `blazes serve` against gopls on files
# of the same line count, with the same typing script (cmd/lspbench).
#
# Usage: scripts/bench-lsp.sh [SIZES...]     (default: 100 1000 10000)
# Environment:
#   EDITS=200 WARMUP=20   measured and warm-up edits per run
#   TIMEOUT=10s           per-edit wait for diagnostics
#   CHECKS=5              runs of `blazes check` (the full re-analysis proxy)
#   GOPLS=path            use this gopls instead of installing v0.23.0
#   COLD=1                also run analysis' BenchmarkEdit (in-process cold
#                         re-analysis of a one-character edit; 1k and 10k)
#   KEEP=1                keep the temporary directory
# Needs: Go, network access to the Go module proxy (for gopls), Linux
# (/proc for the peak RSS). Writes only under a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
EDITS=${EDITS:-200}
WARMUP=${WARMUP:-20}
TIMEOUT=${TIMEOUT:-10s}
CHECKS=${CHECKS:-5}
COLD=${COLD:-1}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-lsp.XXXXXX")
if [ "${KEEP:-}" = "" ]; then
  trap 'rm -rf "$tmp"' EXIT
else
  echo "keeping $tmp" >&2
fi
mkdir -p "$tmp/bin"

echo "== building blazes and lspbench" >&2
go build -o "$tmp/bin/blazes" ./cmd/blazes
go build -o "$tmp/bin/lspbench" ./cmd/lspbench
if [ -n "${GOPLS:-}" ]; then
  gopls=$GOPLS
else
  echo "== installing gopls v0.23.0 (Go module proxy)" >&2
  GOBIN="$tmp/bin" go install golang.org/x/tools/gopls@v0.23.0
  gopls=$tmp/bin/gopls
fi
"$gopls" version >&2 || true

ms_now() { date +%s%N; }

manifest=$tmp/manifest.tsv
: > "$manifest"
for n in "${sizes[@]}"; do
  echo "== $n components" >&2
  bdir=$tmp/blazes-$n
  gdir=$tmp/go-$n
  mkdir -p "$bdir" "$gdir"
  go run ./cmd/blazes-gen -n "$n" > "$bdir/gen.blazes"
  lines=$(wc -l < "$bdir/gen.blazes")

  # A Go main package of the same line count, in a module of its own.
  "$tmp/bin/lspbench" -gen-go "$lines" > "$gdir/main.go"
  printf 'module example.com/bench\n\ngo 1.26\n' > "$gdir/go.mod"
  (cd "$gdir" && GOFLAGS= go build -o /dev/null .)

  # Blazes. Typing place: the target component of the first stream in
  # the second half of the file ("-> C12|.rec"): the insertion makes the
  # component unknown (BLZ101 and a BLZ104 for the input left without a
  # producer), the deletion resolves it again.
  "$tmp/bin/lspbench" -server "$tmp/bin/blazes serve" -file "$bdir/gen.blazes" -lang blazes \
    -edits "$EDITS" -warmup "$WARMUP" -timeout "$TIMEOUT" -json -v > "$tmp/blazes-$n.json" || echo "blazes run failed" >&2

  # The same script against the server with incremental reuse switched
  # off: the full re-analysis of the same edit through the same protocol.
  "$tmp/bin/lspbench" -server "$tmp/bin/blazes serve --full-analysis" -file "$bdir/gen.blazes" -lang blazes \
    -edits "$EDITS" -warmup "$WARMUP" -timeout "$TIMEOUT" -json -v > "$tmp/blazes-full-$n.json" || echo "blazes --full-analysis run failed" >&2

  # gopls. A first short session fills gopls' file cache (export data of
  # the standard library), as an editor in daily use has it; it is not
  # measured. Typing place: the result of the first return statement in
  # the second half ("return total|"): the insertion makes it undefined.
  "$tmp/bin/lspbench" -server "$gopls" -file "$gdir/main.go" -lang go -edits 2 -warmup 0 -timeout 60s > /dev/null || true
  "$tmp/bin/lspbench" -server "$gopls" -file "$gdir/main.go" -lang go \
    -edits "$EDITS" -warmup "$WARMUP" -timeout "$TIMEOUT" -json -v > "$tmp/gopls-$n.json" || echo "gopls run failed" >&2

  # Full re-analysis proxy: `blazes check` of the file (process start,
  # read, parse, analysis, findings out), median of $CHECKS runs.
  checks=()
  for _ in $(seq "$CHECKS"); do
    t0=$(ms_now)
    "$tmp/bin/blazes" check "$bdir/gen.blazes" > /dev/null || true
    t1=$(ms_now)
    checks+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')")
  done
  check_list=$(IFS=,; echo "${checks[*]}")
  echo "$n $lines $tmp/blazes-$n.json $tmp/gopls-$n.json $check_list - $tmp/blazes-full-$n.json" >> "$manifest"
done

# In-process cold analysis of a one-character edit (analysis.BenchmarkEdit:
# the same Load without the previous snapshot), for 1k and 10k components.
if [ "$COLD" = "1" ]; then
  echo "== analysis BenchmarkEdit (cold vs incremental, in-process)" >&2
  go test -run '^$' -bench '^BenchmarkEdit$' -benchtime 20x ./analysis > "$tmp/benchedit.txt" 2>&1 || true
  grep '^BenchmarkEdit' "$tmp/benchedit.txt" >&2 || true
  for n in "${sizes[@]}"; do
    cold=$(awk -v n="$n" '$1 ~ "^BenchmarkEdit/cold/components=" n "(-[0-9]+)?$" { printf "%.1f", $3 / 1e6 }' "$tmp/benchedit.txt")
    [ -n "$cold" ] || continue
    awk -v n="$n" -v c="$cold" '$1 == n { $6 = c } { print }' "$manifest" > "$manifest.new" && mv "$manifest.new" "$manifest"
  done
fi

for n in "${sizes[@]}"; do
  for s in blazes gopls; do
    echo "--- $s, $n components:" >&2
    cat "$tmp/$s-$n.json" >&2 2>/dev/null || true
  done
done > "$tmp/results.txt" 2>&1
echo "(raw results: $tmp/*.json)" >&2

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(go version | awk '{ print $3 }'), $(date -u +%Y-%m-%d)."
echo "Each run: $WARMUP warm-up + $EDITS measured edits (alternately typing \"x\" and deleting it), per-edit timeout $TIMEOUT."
echo
"$tmp/bin/lspbench" -table "$manifest"
