# Pare: `make run` opens the explorer on the bundled demo model; `make test` runs every test.
# Both install what a fresh Debian machine lacks first (`make deps`).

SWIFT      ?= swift
APT_PKGS   := libopenblas-dev liblapacke-dev libncursesw5-dev tmux pkg-config
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE    := .build/release/pare

.PHONY: deps build run test bench fuzz clean

## deps: install the Debian packages Pare builds against (only the missing ones).
deps:
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## build: the optimised `pare` binary.
build: deps
	$(SWIFT) build -c release --product pare

## run: open the explorer on the bundled lenet-300-100.
run: build
	$(RELEASE)

## test: build and run every unit test, then the explorer end to end in tmux.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	Tests/e2e/explorer.sh .build/debug/pare

## bench: Pare's benchmarks, then numpy's forward pass against the whole `pare eval` process.
bench: build
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark
	python3 scripts/bench_numpy.py --pare $(RELEASE)

## fuzz: run the safetensors header fuzzer for FUZZ_SECONDS (default 60).
FUZZ_SECONDS ?= 60
fuzz: deps
	Fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build Benchmarks/.build Fuzz/bin
