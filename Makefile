# stinger build, test and packaging targets. `make help` lists them.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c

GO      ?= go
GOBIN   ?= $(shell $(GO) env GOPATH)/bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
# Fully static cgo build (herumi BLS is cgo): runs in a FROM scratch image.
STATIC_TAGS    := osusergo,netgo
STATIC_LDFLAGS := $(LDFLAGS) -linkmode external -extldflags -static

# staticcheck release that supports Go 1.26, installed with `go install` (make tools).
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK         := $(GOBIN)/staticcheck

IMAGE              ?= stinger:dev
BUILD_IMAGE        ?= golang:1.26-bookworm
RUNTIME_IMAGE      ?= debian:bookworm-slim
export IMAGE BUILD_IMAGE RUNTIME_IMAGE VERSION COMMIT

.PHONY: help build build-static test fmt-check lint tools fuzz e2e e2e-prysm docker docker-test docs contracts clean

help: ## list targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-13s %s\n", $$1, $$2}'

build: ## bin/stinger with version and commit stamped in
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/stinger ./cmd/stinger

build-static: ## bin/stinger-static, a fully static cgo binary (for the offline image)
	CGO_ENABLED=1 $(GO) build -trimpath -tags $(STATIC_TAGS) -ldflags "$(STATIC_LDFLAGS)" -o bin/stinger-static ./cmd/stinger

test: ## go vet, gofmt check, go test -race (the README's test command)
	$(GO) vet ./...
	$(MAKE) --no-print-directory fmt-check
	$(GO) test -race -count=1 ./...

fmt-check: ## fail if any Go file is not gofmt-formatted
	@files="$$(find . \( -name .git -o -name bin -o -name dist -o -name .devnet -o -name node_modules \) -prune -o -name '*.go' -print0 | xargs -0 gofmt -l)"; \
	if [ -n "$$files" ]; then echo "gofmt needed on:"; echo "$$files"; exit 1; fi

tools: ## install pinned tools (staticcheck)
	@if [ "$$($(STATICCHECK) -version 2>/dev/null | awk '{print $$3}')" != "($(STATICCHECK_VERSION:v%=%))" ]; then \
		echo "installing staticcheck $(STATICCHECK_VERSION)"; \
		GOFLAGS= $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); \
	fi

lint: tools ## staticcheck on every package, e2e-tagged files included
	$(STATICCHECK) -tags e2e ./...

fuzz: ## run every Fuzz target for FUZZTIME (default 10s) each
	scripts/fuzz.sh

e2e: ## long end-to-end tests (build tag e2e)
	scripts/e2e.sh

e2e-prysm: ## smoke test on a real chain: geth + Prysm (built once into the user cache) and a 4-node cluster attest (build tag e2e_prysm)
	$(GO) run ./cmd/stinger devnet build-clients
	$(GO) test -tags e2e_prysm -count=1 -p 1 -timeout 30m -v -run TestPrysmClusterAttestsAndEarns ./testnet/devnet/

docker: ## image $(IMAGE); offline FROM scratch build when base images are not present locally
	scripts/docker-build.sh

docker-test: docker ## start the image and wait for /livez
	scripts/docker-test.sh

contracts: ## regenerate the marketplace contracts' ABI, bytecode and abigen v2 bindings (needs node and the solc-js tarball; SOLC_TGZ overrides its path)
	marketplace/contracts/generate.sh

docs: ## regenerate README.md's configuration reference from the config struct
	$(GO) run ./cmd/stinger config reference --update README.md

clean:
	rm -rf bin dist
