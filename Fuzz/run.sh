#!/usr/bin/env bash
# Builds the fuzzers (libFuzzer + AddressSanitizer) and runs each for SECONDS (default 60): the
# safetensors header and file reader, the WordPiece tokenizer (tokenizer.json loading and
# encoding), plans and config.json (decoding and validation against a model's weights), then
# the GGUF reader (header validation and dequantization).
# Exits non-zero when a fuzzer finds a crash, a timeout or a broken invariant; the input that
# triggered it is left in Fuzz/bin/artifacts/ (replay: Fuzz/bin/<fuzzer> FILE).
#
# The fuzzer is built with swiftc directly rather than SwiftPM, so that only the code under test
# is instrumented. PareCore's LinearAlgebra.swift and Statistics.swift need the CBLAS system
# module, so PareCore's pure-Swift files are first compiled into a PareCore module of their own,
# which the reader's sources (`import PareCore`) then compile against unchanged. The reader's
# files need nothing else (SafetensorsFile+SHA256.swift, the one swift-crypto user, is left out).
# The plan and config target imports PareFormats, like the PareCompression files it compiles
# (the plan, its validation, pruning and quantization; not the SVD, which needs LAPACK), so a
# PareFormats module of the files it reads is compiled first too.
# Seeds (Fuzz/seeds/, Fuzz/seeds-tokenizer/, Fuzz/seeds-plan/) are in each target's input
# format: see the targets.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/Fuzz/bin"
corpus="$root/Fuzz/corpus"
swiftc="${SWIFTC:-swiftc}"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g)

core=(DType.swift Tensor.swift Tensor+Encoding.swift FloatConversion.swift FloatConversion+SIMD.swift VectorLanes.swift ParallelChunks.swift Selection.swift EncodedTensor.swift)
formats=(JSONValue.swift SafetensorsError.swift SafetensorsHeader.swift SafetensorsFile.swift MappedFile.swift InputFile.swift)
tokenizer=(TokenizerJSON.swift TokenizerConfig.swift WordPieceTokenizer.swift WordPieceModel.swift BertNormalizer.swift
  AddedTokens.swift BertCharacterClasses.swift BertUnicodeTables.swift ModelError.swift SentenceDataset.swift InputFile.swift)
configs=("${formats[@]}" WeightStore.swift ModelDirectory.swift ModelError.swift StrictJSON.swift JSONIntegers.swift
  SequentialConfig.swift SequentialConfig+Shapes.swift BertConfig.swift PoolingConfig.swift)
gguf=(GGUFFile.swift GGUFCursor.swift GGUFMetadata.swift GGUFError.swift GGMLType.swift GGMLDequantize.swift
  MappedFile.swift InputFile.swift SafetensorsError.swift)
plans=(Plan.swift Plan+Validation.swift NonFiniteValues.swift CompressionSpec.swift Pruner.swift Quantizer.swift GroupGrid.swift GroupLayout.swift FloatFormat.swift KMeans.swift)

mkdir -p "$bin/modules" "$bin/artifacts" "$corpus"
echo "fuzz: building $bin/safetensors-header-fuzz"
"$swiftc" "${flags[@]}" -wmo -c -module-name PareCore \
  -emit-module -emit-module-path "$bin/modules/PareCore.swiftmodule" \
  -o "$bin/PareCore.o" "${core[@]/#/$root/Sources/PareCore/}"
# lld (shipped with the toolchain) links ASan quietly; gold warns about every __asan_report_*.
"$swiftc" "${flags[@]}" -use-ld=lld -module-name SafetensorsHeaderFuzz -I "$bin/modules" \
  -o "$bin/safetensors-header-fuzz" \
  "$root/Fuzz/SafetensorsHeaderFuzz.swift" "$root/Fuzz/FuzzScratch.swift" "${formats[@]/#/$root/Sources/PareFormats/}" "$bin/PareCore.o"
echo "fuzz: building $bin/tokenizer-fuzz"
"$swiftc" "${flags[@]}" -use-ld=lld -module-name TokenizerFuzz -o "$bin/tokenizer-fuzz" \
  "$root/Fuzz/TokenizerFuzz.swift" "$root/Fuzz/FuzzScratch.swift" "${tokenizer[@]/#/$root/Sources/PareFormats/}"
echo "fuzz: building $bin/plan-config-fuzz"
"$swiftc" "${flags[@]}" -wmo -c -module-name PareFormats -I "$bin/modules" \
  -emit-module -emit-module-path "$bin/modules/PareFormats.swiftmodule" \
  -o "$bin/PareFormats.o" "${configs[@]/#/$root/Sources/PareFormats/}"
"$swiftc" "${flags[@]}" -use-ld=lld -module-name PlanConfigFuzz -I "$bin/modules" -o "$bin/plan-config-fuzz" \
  "$root/Fuzz/PlanConfigFuzz.swift" "$root/Fuzz/FuzzScratch.swift" "${plans[@]/#/$root/Sources/PareCompression/}" "$bin/PareFormats.o" "$bin/PareCore.o"
echo "fuzz: building $bin/gguf-fuzz"
"$swiftc" "${flags[@]}" -use-ld=lld -module-name GGUFFuzz -I "$bin/modules" -o "$bin/gguf-fuzz" \
  "$root/Fuzz/GGUFFuzz.swift" "$root/Fuzz/FuzzScratch.swift" "${gguf[@]/#/$root/Sources/PareFormats/}" "$bin/PareCore.o"

# SafetensorsFile maps a real file: the fuzzer writes each input into this directory.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/pare-fuzz.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

echo "fuzz: running for ${seconds}s (corpus: $corpus, seeds: $root/Fuzz/seeds)"
# Leak checking is off unless ASAN_OPTIONS asks for it: Foundation's caches allocate across
# inputs, so libFuzzer would re-run nearly every input under LeakSanitizer (about half the
# speed) without ever finding a leak in the reader.
# Swift's own crash backtracer is off too: under ASan it reports a false heap overflow of its
# own while libFuzzer is already printing the crash's stack and saving the input.
status=0
PARE_FUZZ_SCRATCH="$scratch" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}" \
  "$bin/safetensors-header-fuzz" \
  -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
  -dict="$root/Fuzz/safetensors.dict" -artifact_prefix="$bin/artifacts/" -print_final_stats=1 \
  "$corpus" "$root/Fuzz/seeds" || status=$?

if [ "$status" -eq 0 ]; then
  echo "fuzz: tokenizer for ${seconds}s (corpus: $corpus-tokenizer, seeds: $root/Fuzz/seeds-tokenizer)"
  mkdir -p "$corpus-tokenizer"
  PARE_FUZZ_SCRATCH="$scratch" PARE_FUZZ_TOKENIZER="$root/Tests/PareFormatsTests/Fixtures/all-MiniLM-L6-v2-tokenizer" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}" \
    "$bin/tokenizer-fuzz" \
    -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$bin/artifacts/" -print_final_stats=1 \
    "$corpus-tokenizer" "$root/Fuzz/seeds-tokenizer" || status=$?
fi

if [ "$status" -eq 0 ]; then
  echo "fuzz: plans and config.json for ${seconds}s (corpus: $corpus-plan, seeds: $root/Fuzz/seeds-plan)"
  mkdir -p "$corpus-plan"
  PARE_FUZZ_SCRATCH="$scratch" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}" \
    "$bin/plan-config-fuzz" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -dict="$root/Fuzz/plan-config.dict" -artifact_prefix="$bin/artifacts/" -print_final_stats=1 \
    "$corpus-plan" "$root/Fuzz/seeds-plan" || status=$?
fi

if [ "$status" -eq 0 ]; then
  echo "fuzz: GGUF for ${seconds}s (corpus: $corpus-gguf, seeds: $root/Fuzz/seeds-gguf)"
  mkdir -p "$corpus-gguf"
  PARE_FUZZ_SCRATCH="$scratch" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}" \
    "$bin/gguf-fuzz" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -dict="$root/Fuzz/gguf.dict" -artifact_prefix="$bin/artifacts/" -print_final_stats=1 \
    "$corpus-gguf" "$root/Fuzz/seeds-gguf" || status=$?
fi

if [ "$status" -ne 0 ]; then
  echo "fuzz: FAILED (exit $status); reproducer(s) in $bin/artifacts/" >&2
  exit "$status"
fi
echo "fuzz: no crashes in ${seconds}s each; corpora now $(find "$corpus" -type f | wc -l), $(find "$corpus-tokenizer" -type f | wc -l)" \
  "and $(find "$corpus-plan" -type f | wc -l) inputs"
