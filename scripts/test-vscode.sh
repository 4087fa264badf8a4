#!/usr/bin/env bash
# The packaged extension in a real VS Code: code-server (VS Code in the
# browser, from npm) with the .vsix installed, driven in headless Chromium
# (Debian's chromium through playwright-core; no downloaded browser) by
# e2e/vscode/vscode.test.js. From a fresh clone (CI=true, no stdin) it
# installs what is missing:
#   - with apt-get: chromium, ripgrep, and what code-server's native modules
#     build with (build-essential pkg-config python3 libkrb5-dev
#     libxkbfile-dev libsecret-1-dev);
#   - with npm ci in e2e/vscode: code-server and playwright-core (pinned in
#     its package-lock.json; skipped when already installed from that lock);
#   - the extension's packages (npm ci at the root) and blazes.vsix, when
#     missing or older than the extension's sources;
#   - the server: $BLAZES_BIN, else built with go build.
# code-server needs Node 20. Exits non-zero on failure; a failed run keeps
# screenshots and logs in e2e/vscode/test-results/ (the path is printed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="$ROOT/e2e/vscode"
EXT="$ROOT/vscode-extension"
cd "$ROOT"
export DEBIAN_FRONTEND=noninteractive
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

step() { printf '\n==> %s\n' "$*"; }
now() { date +%s; }
t0=$(now)

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test-vscode: node and npm are required (Node 20)" >&2
  exit 1
fi
node -e 'const [maj] = process.versions.node.split(".").map(Number); if (maj !== 20) { console.error(`test-vscode: code-server 4.100 needs Node 20; this is Node ${process.versions.node}`); process.exit(1); }'

# Debian packages: install the missing ones in one go.
missing=()
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
for p in build-essential pkg-config python3 libkrb5-dev libxkbfile-dev libsecret-1-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
  $SUDO apt-get update -q </dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

# code-server and playwright-core, in e2e/vscode/node_modules. A stamp
# records the lock (and Node) they were installed from.
stamp="$E2E/node_modules/.blazes-installed"
want="$(cat "$E2E/package-lock.json" "$E2E/package.json" | sha256sum | cut -c1-16) node-$(node -p process.versions.node)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  step "installing code-server (npm ci in e2e/vscode)"
  ti=$(now)
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  # @vscode/ripgrep (a dependency of code-server) downloads a ripgrep build
  # from GitHub unless its cache already holds one: give it Debian's rg, in
  # the tarball layout it expects. The version and tag are those of the
  # @vscode/ripgrep that code-server 4.100.3 locks (lib/postinstall.js);
  # the check after the install catches a change.
  RG_VERSION=1.15.11 RG_TAG=v13.0.0-10
  case "$(uname -m)" in
    x86_64) rg_target=x86_64-unknown-linux-musl ;;
    aarch64) rg_target=aarch64-unknown-linux-musl ;;
    *) echo "test-vscode: no ripgrep target for $(uname -m)" >&2; exit 1 ;;
  esac
  mkdir -p "$scratch/tmp/vscode-ripgrep-cache-$RG_VERSION" "$scratch/rg"
  cp "$(command -v rg)" "$scratch/rg/rg"
  tar -czf "$scratch/tmp/vscode-ripgrep-cache-$RG_VERSION/ripgrep-$RG_TAG-$rg_target.tar.gz" -C "$scratch/rg" rg
  # Native modules build against the installed Node's headers when they are
  # there (node-gyp would download them otherwise).
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then
    export npm_config_nodedir=/usr
  fi
  (
    cd "$E2E"
    export TMPDIR="$scratch/tmp"
    # code-server's postinstall refuses to run as root without this.
    if [ "$(id -u)" -eq 0 ]; then export npm_config_unsafe_perm=true; fi
    export npm_config_yes=true         # node-pty's postinstall runs npx node-gyp
    # Unpack first, then run the install scripts: code-server's postinstall
    # runs `npm install` in lib/vscode (and lib/vscode/extensions), whose
    # native modules npm 11 runs the scripts of only when allowed; the
    # .npmrc there allows those named in code-server's lock.
    rm -rf node_modules
    npm ci --ignore-scripts --no-audit --no-fund </dev/null
    printf 'allow-scripts=%s\n' "@parcel/watcher,@vscode/deviceid,@vscode/ripgrep,@vscode/spdlog,@vscode/windows-process-tree,@vscode/windows-registry,kerberos,native-watchdog,node-pty" \
      >node_modules/code-server/lib/vscode/.npmrc
    npm rebuild --no-audit --no-fund </dev/null
  )
  rgbin="$E2E/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
  if [ ! -x "$rgbin" ] || ! grep -q "const VERSION = '$RG_TAG'" "$E2E/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/lib/postinstall.js"; then
    echo "test-vscode: @vscode/ripgrep did not take the cached ripgrep: update RG_VERSION/RG_TAG in $0" >&2
    exit 1
  fi
  for m in node-pty/build/Release/pty.node @vscode/spdlog/build/Release/spdlog.node; do
    [ -f "$E2E/node_modules/code-server/lib/vscode/node_modules/$m" ] || { echo "test-vscode: code-server's $m was not built" >&2; exit 1; }
  done
  echo "$want" >"$stamp"
  echo "test-vscode: code-server installed in $(( $(now) - ti )) s"
fi

# The extension's .vsix, rebuilt when any of its sources is newer.
vsix="$EXT/blazes.vsix"
if [ ! -d "$ROOT/node_modules/vscode-languageclient" ]; then
  step "npm ci (the extension's packages)"
  npm ci --no-audit --no-fund </dev/null
fi
if [ ! -f "$vsix" ] || [ -n "$(find "$EXT/src" "$EXT/media" "$EXT/syntaxes" "$EXT/snippets" "$EXT/scripts" \
  "$EXT/package.json" "$EXT/language-configuration.json" "$EXT/README.md" -newer "$vsix" -print -quit)" ]; then
  step "npm run package (.vsix)"
  npm run package </dev/null
fi

# The server.
if [ -z "${BLAZES_BIN:-}" ]; then
  bindir="$(mktemp -d)"
  trap 'rm -rf "$bindir" "${scratch:-}"' EXIT
  go build -o "$bindir/blazes" ./cmd/blazes
  BLAZES_BIN="$bindir/blazes"
fi

step "VS Code (code-server $(node -p "require('$E2E/node_modules/code-server/package.json').version")) with blazes.vsix"
tt=$(now)
BLAZES_BIN="$BLAZES_BIN" CHROMIUM_PATH="$CHROMIUM" BLAZES_VSIX="$vsix" node --test "$E2E/vscode.test.js" </dev/null
echo "test-vscode: passed (test $(( $(now) - tt )) s, all $(( $(now) - t0 )) s)"
