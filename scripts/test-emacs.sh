#!/usr/bin/env bash
# End-to-end test of `blazes serve` in a real editor: batch Emacs (Debian's
# Emacs 28 with elpa-eglot, or any Emacs 29+) loads the configuration that
# docs/editors.md gives, opens the unsealed word count, sees BLZ001 through
# Flymake, reads the hover, applies the seal quick fix, sees it cleared and
# runs "Explain this label". Twice: with markdown-mode (markdown hovers) and
# without it (eglot then asks for plain-text hovers).
# Installs what is missing with apt-get. Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# HOME is a scratch folder: the user's own Emacs packages play no part.
have_eglot() { command -v emacs >/dev/null 2>&1 && HOME="$work" emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1; }
have_markdown() { HOME="$work" emacs --batch --eval "(progn (package-activate-all) (require 'markdown-mode))" >/dev/null 2>&1; }
install() {
  echo "test-emacs: installing $*" >&2
  apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null
}
if ! command -v emacs >/dev/null 2>&1; then install emacs-nox; fi
if ! have_eglot; then install elpa-eglot; fi # built into Emacs 29 and later
if ! have_markdown; then install elpa-markdown-mode; fi
emacs --version | head -1 >&2
go build -o "$work/blazes-real" ./cmd/blazes
# The configuration runs `blazes serve` from PATH: this `blazes` is the
# built binary, logging the session to a file for a failure report.
mkdir -p "$work/bin"
cat >"$work/bin/blazes" <<SH
#!/bin/sh
exec "$work/blazes-real" "\$@" --log-level debug --logfile "$work/serve.log"
SH
chmod +x "$work/bin/blazes"

# The Emacs snippet of docs/editors.md, exactly as users copy it.
awk '/^## Emacs/ { e = 1 } e && /^```elisp/ { f = 1; next } f && /^```/ { exit } f { print }' \
  docs/editors.md >"$work/config.el"
if ! grep -q eglot-ensure "$work/config.el"; then
  echo "test-emacs: no Emacs snippet found in docs/editors.md" >&2
  exit 1
fi

for hover in markdown plaintext; do
  rm -rf "$work/ws" "$work/serve.log"
  mkdir -p "$work/ws"
  cp testdata/paper/wordcount.blazes "$work/ws/wc.blazes"
  status=0
  PATH="$work/bin:$PATH" HOME="$work" BLAZES_WORKDIR="$work/ws" \
    BLAZES_EMACS_CONFIG="$work/config.el" BLAZES_HOVER="$hover" \
    timeout 120 emacs --batch -l server/testdata/emacs/test.el </dev/null || status=$?
  if [ "$status" -ne 0 ]; then
    echo "test-emacs: FAILED with $hover hovers (status $status); server log:" >&2
    tail -n 60 "$work/serve.log" >&2 || true
    exit 1
  fi
done
echo "test-emacs: passed" >&2
