#!/usr/bin/env bash
# The VS Code extension's whole check, from a fresh clone (CI=true, no stdin):
# Chromium for the browser test (installed with apt-get when missing), npm ci,
# build, package (.vsix), then every test: grammar snapshots, unit tests,
# e2e against `blazes serve` (built from ./cmd/blazes unless BLAZES_BIN is
# set), the graph page in headless Chromium, and the .vsix contents.
# The output ends with node's test summary (# pass N / # fail N).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DEBIAN_FRONTEND=noninteractive
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

step() { printf '\n==> %s\n' "$*"; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test-extension: node and npm are required (Node 20 or later)" >&2
  exit 1
fi
node -e 'const [maj] = process.versions.node.split(".").map(Number); if (maj < 20) { console.error(`test-extension: Node ${process.versions.node} is too old, 20 or later is needed`); process.exit(1); }'

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  step "installing chromium (for the graph page's browser test)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
  $SUDO apt-get update -q </dev/null
  $SUDO apt-get install -y -q --no-install-recommends chromium </dev/null
fi

step "npm ci"
npm ci --no-audit --no-fund </dev/null

step "npm run build"
npm run build </dev/null

step "npm run package (.vsix)"
npm run package </dev/null

step "npm test (grammar, unit, e2e, browser, vsix contents)"
npm test </dev/null
