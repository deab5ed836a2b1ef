#!/bin/sh
# Times GGUFTokenizer on all of .models/text/wiki.utf8 (2 MB) with the SmolLM2 and Gemma-3
# vocabularies, optimized (-O, whole module), twice each: wall and CPU seconds.
# Needs the vocabulary dumps written by `python3 scripts/make_tokenizer_fixtures.py real`.
# The tokenizer sources are compiled straight with swiftc (no package build, no PareCore).
set -e
cd "$(dirname "$0")/.."
S=Sources/PareFormats
OUT=.build/bench_tokenizers
mkdir -p "$OUT"
swiftc -O -wmo -module-name TokenizerBench -o "$OUT/bench" scripts/bench_tokenizers/main.swift \
  $S/TokenizerJSON.swift $S/ByteLevelAlphabet.swift $S/BPEMerges.swift $S/ByteLevelBPE.swift $S/PreTokenizer.swift \
  $S/SentencePieceBPE.swift $S/GGUFSpecialTokens.swift $S/GGUFVocabulary.swift $S/GGUFTokenizer.swift \
  $S/TextTokenizer.swift $S/TokenTable.swift $S/WordPieceModel.swift $S/ModelError.swift $S/TokenizerConfig.swift \
  $S/BertNormalizer.swift $S/AddedTokens.swift $S/BertCharacterClasses.swift $S/BertUnicodeTables.swift $S/InputFile.swift
"$OUT/bench" SmolLM2-135M-Instruct.Q4_1.gguf gemma-3-270m-q4_k_m.gguf
