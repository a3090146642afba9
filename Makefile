# stagecast: `make demo` to try it, `make test` to check it. Every target
# installs what is missing first (scripts/install.sh; a second run installs
# nothing) and rebuilds only what changed.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
PORT ?= 8080

.PHONY: all install build test test-native test-browser lint demo bench fuzz clean

all: build

install:
	@scripts/install.sh

build: install
	@scripts/build.sh

lint: install
	cargo clippy --all-targets --quiet -- -D warnings

test-native: install
	cargo test --quiet

test-browser: build
	node --test --test-concurrency=1 tests/node/ tests/browser/

test: install
	cargo test
	# The 78,000-deal simulated history of issue 16 (ignored in debug builds: too slow there).
	cargo test --release --test interactions
	cargo clippy --all-targets --quiet -- -D warnings
	@scripts/build.sh
	node --test --test-concurrency=1 tests/node/ tests/browser/

demo: build
	PORT=$(PORT) node scripts/serve.mjs

bench: build
	@scripts/bench.sh

fuzz: install
	@scripts/fuzz.sh

clean:
	rm -rf target pkg dist .build
