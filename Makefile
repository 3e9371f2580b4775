# The same steps as scripts/, for those who prefer make.
export GOTOOLCHAIN := go1.27.3
TAGS := $(shell pkg-config --exists vips 2>/dev/null && echo vips)
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

.PHONY: build run test vet fuzz bench
build:
	go build -tags "$(TAGS)" -ldflags "-X github.com/lyolearn/lyo/internal/app.Commit=$(COMMIT)" -o bin/lyo ./cmd/lyo
run:
	scripts/run
test:
	scripts/test
vet:
	go vet -tags "$(TAGS)" ./...
fuzz:
	go test -run '^$$' -fuzz FuzzDecodeJSON -fuzztime 30s ./internal/httpx
	go test -run '^$$' -fuzz FuzzParseRequestID -fuzztime 30s ./internal/httpx
bench:
	bench/http-overhead.sh
	bench/ingest.sh
	bench/seed.sh
	bench/feed.sh
