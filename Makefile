# Modelwatch: the two commands of the README are `make demo` and `make test`.
# Every target installs what it needs from the package registries (npm, Go modules).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

ARTIFACTS   := artifacts
DEMO_DB     := data/demo.duckdb
# The browser test renders frames from a demo store with a fixed end, so its screenshots are
# comparable between runs.
TEST_END    := 2026-03-31T00:00:00Z
TEST_DB     := $(ARTIFACTS)/test-demo.duckdb
PLUGIN_BIN  := dist/datasource/gpx_modelwatch_linux_amd64
CLI         := bin/modelwatch
VERSION     := $(shell node -p "require('./package.json').version")
# The release archive `make release` writes (dist/ packed by `go tool mage release`).
RELEASE_ZIP := $(ARTIFACTS)/release/mlops-modelwatch-app-$(VERSION).zip

.PHONY: demo test build release backend-arm64 frontend backend deps test-frontend test-go test-host test-browser lint-go clean

## demo: build everything, write the demo store and query it with the CLI (Grafana: docker compose up)
demo: build
	rm -f $(DEMO_DB) && mkdir -p $(dir $(DEMO_DB))
	$(CLI) demo --db $(DEMO_DB)
	$(CLI) health --db $(DEMO_DB)
	@echo "== churn-classifier, last 24 hours, champion A and challenger B"
	$(CLI) query --db $(DEMO_DB) --from now-24h --to now --query \
	  '{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","metrics":["accuracy","precision","recall","f1"],"positiveClass":"churn","threshold":0.5,"format":"numeric"}'
	@echo "== churn-classifier, 24 hours two weeks ago (before the degradation)"
	$(CLI) query --db $(DEMO_DB) --from now-15d --to now-14d --query \
	  '{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","versions":["A"],"metrics":["precision","recall"],"positiveClass":"churn","threshold":0.5,"format":"numeric"}'
	@echo "== confusion matrix of A, last 7 days"
	$(CLI) query --db $(DEMO_DB) --from now-7d --to now --query \
	  '{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","versions":["A"],"positiveClass":"churn","threshold":0.5}'
	@if docker info >/dev/null 2>&1; then echo "Docker is available: run 'docker compose up' and open http://localhost:3000"; \
	else echo "No Docker engine here: the CLI above ran the same queries as the Grafana data source."; fi

## build: frontend bundle into dist/, then the static backend and CLI
build: frontend backend

deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

frontend: deps
	npm run build

backend:
	go tool mage -v build

## release: the installable archive artifacts/release/mlops-modelwatch-app-<version>.zip, its
## .sha256 and the SHA256SUMS of its files. MODELWATCH_RELEASE_PLATFORMS (e.g.
## linux/amd64,linux/arm64) lists the platforms it promises; unset: linux/amd64 plus every
## backend executable in dist/. A promised executable that is missing fails the release.
release: build backend-arm64
	MODELWATCH_RELEASE_PLATFORMS=linux/amd64,linux/arm64 go tool mage -v release

## backend-arm64: the linux/arm64 backend (Debian's g++-aarch64-linux-gnu and lld); the release
## test starts it under qemu-user (qemu-user-static) for a health check and a query
backend-arm64:
	go tool mage -v backendArm64

## test: every test suite (frontend, Go unit and integration, host, release, browser, provisioning)
test: build release test-frontend lint-go test-go test-browser
	@echo "all test suites passed"

test-frontend: deps
	npm run typecheck
	npm run lint
	npm run lint:cycles
	npm run test:ci

## lint-go: gofmt, go vet, and golangci-lint (.golangci.yml) at the version tools/lint/go.mod pins
lint-go:
	@unformatted=$$(gofmt -l pkg tests Magefile.go magefile_release.go); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	go vet ./...
	go vet -tags mage .
	go tool -modfile=tools/lint/go.mod golangci-lint run ./...

# tests/release checks the archive `make release` wrote from the same dist/ (no second build).
# tests/engines starts real PostgreSQL and ClickHouse servers and takes about 7 minutes on two
# cores, close to go test's default 10-minute limit: the limit is 30 minutes.
test-go: backend release
	go test -race -count=1 -timeout 30m ./pkg/...
	MODELWATCH_REQUIRE_STATIC=1 MODELWATCH_PLUGIN_BINARY=$(CURDIR)/$(PLUGIN_BIN) \
	  MODELWATCH_RELEASE_ZIP=$(CURDIR)/$(RELEASE_ZIP) go test -count=1 -timeout 30m ./tests/...

test-browser: frontend backend deps
	mkdir -p $(ARTIFACTS)/frames $(ARTIFACTS)/screenshots
	rm -f $(TEST_DB) $(ARTIFACTS)/screenshots/*.png $(ARTIFACTS)/axe/*.json
	$(CLI) demo --db $(TEST_DB) --end $(TEST_END) >/dev/null
	$(CLI) query --db $(TEST_DB) --from 2026-03-24T00:00:00Z --to $(TEST_END) --query \
	  '{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn","threshold":0.5}' \
	  > $(ARTIFACTS)/frames/confusion.json
	$(CLI) query --db $(TEST_DB) --outcome-columns clicked --from 2026-03-28T00:00:00Z --to $(TEST_END) --query \
	  '{"schemaVersion":1,"queryType":"drift","model":"basket-forecaster","format":"histogram","reference":{"type":"shift","shift":"10d"}}' \
	  > $(ARTIFACTS)/frames/drift.json
	$(CLI) query --db $(TEST_DB) --from 2026-03-24T00:00:00Z --to $(TEST_END) --query \
	  '{"schemaVersion":1,"queryType":"drift","model":"churn-classifier","features":["age"],"format":"histogram","reference":{"type":"shift","shift":"7d"}}' \
	  > $(ARTIFACTS)/frames/drift-explorer.json
	$(CLI) query --db $(TEST_DB) --from 2026-03-10T00:00:00Z --to $(TEST_END) --query \
	  '{"schemaVersion":1,"queryType":"comparison","model":"churn-classifier","versions":["A","B"],"compare":"precision","positiveClass":"churn","threshold":0.5,"format":"timeseries","interval":"1d"}' \
	  > $(ARTIFACTS)/frames/comparison.json
	$(CLI) query --db $(TEST_DB) --from 2026-03-10T00:00:00Z --to $(TEST_END) --query \
	  '{"schemaVersion":1,"queryType":"comparison","model":"churn-classifier","versions":["A","B"],"compare":"precision","positiveClass":"churn","threshold":0.5,"format":"numeric"}' \
	  > $(ARTIFACTS)/frames/comparison-numeric.json
	$(CLI) query --db $(TEST_DB) --from 2026-03-17T00:00:00Z --to $(TEST_END) --query \
	  '{"schemaVersion":1,"queryType":"estimation","model":"churn-classifier","versions":["A"],"positiveClass":"churn","estimate":["f1","roc_auc"],"interval":"1d","reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-16T00:00:00Z"}}' \
	  > $(ARTIFACTS)/frames/estimation.json
	$(CLI) query --db $(TEST_DB) --outcome-columns clicked --from 2026-03-17T00:00:00Z --to $(TEST_END) --query \
	  '{"schemaVersion":1,"queryType":"multivariate","model":"churn-classifier","versions":["A"],"interval":"1d","metrics":["reconstruction_error","lower","upper","threshold_lower","threshold_upper","drifted"],"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-16T00:00:00Z"}}' \
	  > $(ARTIFACTS)/frames/multivariate.json
	MODELWATCH_FRAMES_DIR=$(ARTIFACTS)/frames npm run test:browser

clean:
	rm -rf dist bin $(ARTIFACTS) data
