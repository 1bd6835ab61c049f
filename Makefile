# voc — the two commands a new user needs are `make demo` and `make test`.
GO      ?= go
BIN     ?= bin/voc
DEMODIR ?= demo

.PHONY: help build demo test lint bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-7s %s\n", $$1, $$2}'

build: ## build the voc binary into bin/
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/voc

demo: ## run the whole loop on the bundled example (SQLite, dry-run trackers and Slack) and print the ranked backlog
	CGO_ENABLED=0 $(GO) run ./cmd/voc demo --dir $(DEMODIR)

test: ## run every test with the race detector (PostgreSQL half included when the server is up)
	$(GO) test -race -count=1 -timeout 30m ./...

lint: ## go vet and gofmt
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

bench: ## run the benchmarks with memory statistics
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean: ## remove the binary and the demo folder
	rm -rf bin $(DEMODIR)
