# Continuo build and test entry points. `make test` is the whole suite:
# SQLite and PostgreSQL store tests, API and web tests, and the browser test.

GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/continuo-bcm/continuo/internal/app.Version=$(VERSION)

# The PostgreSQL tests run against this server; each test creates and drops
# its own database. Override to point elsewhere.
CONTINUO_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
export CONTINUO_TEST_POSTGRES

.PHONY: test build run vet bench clean

test: vet
	$(GO) test -count=1 -timeout 25m ./...

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/continuo ./cmd/continuo

run:
	$(GO) run ./cmd/continuo serve --demo

bench: build
	$(GO) run ./bench/cmd/foundation -bin bin/continuo

clean:
	rm -rf bin
