#!/usr/bin/env bash
# End-to-end test of `blazes serve` in a real editor: headless Neovim
# (Debian's neovim 0.7.2 or newer) opens the unsealed word count, sees the
# BLZ001 finding, applies the seal quick fix and sees it cleared.
# Installs neovim with apt-get when it is missing. Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nvim >/dev/null 2>&1; then
  echo "test-neovim: installing neovim" >&2
  apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y neovim >/dev/null
fi
nvim --version | head -1 >&2

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/blazes" ./cmd/blazes

# The paper's word count without seal(batch) on the source (a BLZ001).
mkdir -p "$work/ws"
cp testdata/paper/wordcount.blazes "$work/ws/wc.blazes"

# The :BlazesExplain snippet of docs/editors.md, exactly as users copy it.
awk '/^```lua/ { n = 0; f = 1; next } f && /^```/ { if (keep) exit; f = 0; next }
     f { buf[n++] = $0; if ($0 ~ /BlazesExplain/) keep = 1 }
     END { for (i = 0; i < n; i++) print buf[i] }' docs/editors.md >"$work/explain.lua"
if ! grep -q BlazesExplain "$work/explain.lua"; then
  echo "test-neovim: no :BlazesExplain snippet found in docs/editors.md" >&2
  exit 1
fi

status=0
BLAZES_BIN="$work/blazes" BLAZES_WORKDIR="$work/ws" BLAZES_EXPLAIN_SNIPPET="$work/explain.lua" \
  timeout 120 nvim --headless --clean -n -i NONE \
  -c "luafile server/testdata/nvim/test.lua" </dev/null || status=$?
if [ "$status" -ne 0 ]; then
  echo "test-neovim: FAILED (status $status); server log:" >&2
  tail -n 40 "$work/ws/serve.log" >&2 || true
  exit 1
fi
grep -q "seal(batch)" "$work/ws/wc.blazes" || true
echo "test-neovim: passed" >&2
