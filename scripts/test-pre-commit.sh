#!/usr/bin/env bash
# Runs the pre-commit framework's hook of .pre-commit-hooks.yaml with
# `pre-commit try-repo` (TestPreCommitFrameworkTryRepo): it builds blazes
# from this checkout as the framework does for users. Installs pre-commit
# with apt-get when it is missing. Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pre-commit >/dev/null 2>&1; then
  echo "test-pre-commit: installing pre-commit" >&2
  apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y pre-commit >/dev/null
fi
pre-commit --version >&2
BLAZES_TEST_PRE_COMMIT=1 go test ./cmd/blazes -run '^TestPreCommitFrameworkTryRepo$' -count=1 -v
