# Blazes: `make test` is the one command that runs every test on a fresh
# machine (it installs what the editor and hook tests need: neovim, emacs,
# chromium, pre-commit, npm packages, code-server). `make check` runs the
# checker on an example dataflow.

GO      ?= go
FUZZTIME ?= 20s

.PHONY: all build install check test test-go test-fuzz test-pre-commit test-editors test-neovim test-emacs test-extension test-vscode bench bench-lsp fmt vet

all: build

build:
	$(GO) build -o bin/blazes ./cmd/blazes

install:
	$(GO) install ./cmd/blazes

# The main job: check the paper's word count (it has a finding: exit 1).
check: build
	-./bin/blazes check testdata/paper/wordcount.blazes

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

test: vet test-go test-fuzz test-pre-commit test-editors

test-go:
	$(GO) test -race ./...

# Every fuzz target for a bounded time (seed corpora are committed).
test-fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

# The pre-commit framework's hook, built as the framework builds it
# (installs pre-commit with apt-get when missing).
test-pre-commit:
	./scripts/test-pre-commit.sh

# In this order: test-extension packages the .vsix that test-vscode installs.
test-editors: test-neovim test-emacs test-extension test-vscode

test-neovim:
	./scripts/test-neovim.sh

test-emacs:
	./scripts/test-emacs.sh

test-extension: build
	BLAZES_BIN=$(CURDIR)/bin/blazes ./scripts/test-extension.sh

# The packaged extension in a real VS Code (code-server in headless Chromium).
test-vscode: build
	BLAZES_BIN=$(CURDIR)/bin/blazes ./scripts/test-vscode.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Keystroke latency of blazes serve against gopls (installs gopls in a
# temporary directory); see docs/performance.md.
bench-lsp:
	./scripts/bench-lsp.sh
