#!/usr/bin/env python3
"""Optional cross-check (not CI): the logits of llama.cpp itself (llama-cpp-python's libllama, on
the CPU, F32 weights and an F32 KV cache, so nothing is quantized on the way) against `pare
forward` on the tiny GGUFs: tiny-llama.gguf (scripts/make_tiny_gguf.py) and the qwen2, qwen3 and
llama-with-rope_freqs files llama.cpp's converter wrote (scripts/convert_tiny_ggufs.py).

Their vocabulary is 256 single-byte tokens without merges and adds no BOS, so a text's token ids
are its UTF-8 bytes; llama.cpp's tokenizer is checked to agree, then both run the same ids.
llama.cpp refuses a gpt2 vocabulary without tokenizer.ggml.merges (gguf-py writes no empty
array), so it reads a temporary copy with one merge of two NUL bytes, which the text never holds.
Prints, per file, the max |difference| over all positions and the vocabulary, and that over the
largest |logit|.

Usage (from the repository root, after `swift build`):
  python3 scripts/check_gguf_llama_cpp.py [--pare .build/debug/pare]
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    "Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf",
    "Tests/PareWorkbenchTests/Fixtures/converted-gguf/tiny-qwen2.gguf",
    "Tests/PareWorkbenchTests/Fixtures/converted-gguf/tiny-qwen3.gguf",
    "Tests/PareWorkbenchTests/Fixtures/converted-gguf/tiny-llama3-rope.gguf",
]
TEXT = "The quick brown fox jumps over the lazy dog, then rests in the shade of an old oak tree."


def with_one_merge(path, target):
    """A copy of `path` with tokenizer.ggml.merges ["Ā Ā"] (bytes 0, 0) for llama.cpp's loader."""
    import gguf
    reader = gguf.GGUFReader(path)
    writer = gguf.GGUFWriter(str(target), reader.fields["general.architecture"].contents())
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key in ("general.architecture", "tokenizer.ggml.merges"):
            continue
        main = field.types[0]
        writer.add_key_value(key, field.contents(), main, field.types[-1] if main == gguf.GGUFValueType.ARRAY else None)
    writer.add_token_merges(["\u0100 \u0100"])
    for t in reader.tensors:
        writer.add_tensor(t.name, np.ascontiguousarray(t.data), raw_shape=list(reversed([int(d) for d in t.shape])),
                          raw_dtype=t.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return target


def llama_cpp_logits(path, ids):
    import llama_cpp
    llm = llama_cpp.Llama(model_path=str(path), n_ctx=256, n_batch=256, n_ubatch=256, logits_all=True, verbose=False,
                          n_threads=1, type_k=llama_cpp.GGML_TYPE_F32, type_v=llama_cpp.GGML_TYPE_F32, flash_attn=False)
    tokens = llm.tokenize(TEXT.encode(), add_bos=False, special=False)
    if tokens != ids:
        sys.exit(f"{path}: llama.cpp tokenizes the text as {tokens[:12]}..., not its bytes")
    llm.eval(ids)
    return np.array(llm.scores[: len(ids)], dtype=np.float64)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pare", default=str(ROOT / ".build/debug/pare"))
    args = parser.parse_args()
    ids = list(TEXT.encode())
    worst = 0.0
    with tempfile.TemporaryDirectory() as scratch:
        text = Path(scratch) / "text.txt"
        text.write_text(TEXT)
        for relative in FILES:
            path = ROOT / relative
            out = Path(scratch) / (path.stem + ".safetensors")
            subprocess.run([args.pare, "forward", str(path), "--input", str(text), "--output", str(out)], check=True)
            pare = load_file(str(out))["logits"].astype(np.float64)
            reference = llama_cpp_logits(with_one_merge(path, Path(scratch) / path.name), ids)
            if pare.shape != reference.shape:
                sys.exit(f"{relative}: Pare's logits are {pare.shape}, llama.cpp's {reference.shape}")
            difference = np.abs(pare - reference).max()
            scale = np.abs(reference).max()
            worst = max(worst, difference / scale)
            print(f"{relative}: {len(ids)} tokens x {pare.shape[1]}, max |Pare - llama.cpp| {difference:.3g}"
                  f" = {difference / scale:.3g} of the largest |logit| {scale:.3g}")
    print(f"worst relative difference {worst:.3g}")


if __name__ == "__main__":
    main()
