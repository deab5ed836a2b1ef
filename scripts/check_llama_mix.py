#!/usr/bin/env python3
"""llama.cpp's own quantization mixes, as fixtures for Pare's `LlamaQuantMix`.

For each real model in .models this writes an F32 GGUF of the model's dequantized weights
(gguf-py's GGUFWriter, every metadata key copied from the source GGUF so llama.cpp loads it as
the same model), runs llama.cpp's quantizer on it (`llama_model_quantize` through
llama-cpp-python's low-level binding) for each file type below, and reads back the file llama.cpp
wrote: the ggml type of every tensor and the file's size. It writes one JSON per model to
Tests/PareWorkbenchTests/Fixtures/LlamaQuantMix/:

  {"model": ..., "architecture": ..., "layers": N, "heads": H, "kv_heads": K,
   "tensors": [[name, [ne0, ne1, ...]], ...],            # the F32 file's tensors, in file order
   "mixes": {"q4_k_m": {"types": {name: type}, "file_bytes": B, "tensor_bytes": T, "fallbacks": F}, ...}}

`tensor_bytes` is the sum of the tensors' data sizes in the quantized file (no header, no
padding); `fallbacks` is llama.cpp's own count from its log ("F of N tensor(s) required fallback
quantization", 0 when it prints none). The Swift tests rebuild every mix from the shapes alone, so they need neither the
models nor llama.cpp.

Usage: python3 scripts/check_llama_mix.py [--keep DIR]   (DIR keeps the F32 GGUFs, for `pare search`)
"""
import argparse
import ctypes
import json
import os
import re
import sys
import tempfile

import numpy as np
import gguf
import llama_cpp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "PareWorkbenchTests", "Fixtures", "LlamaQuantMix")
MODELS = [
    ("smollm2", os.path.join(ROOT, ".models", "SmolLM2-135M-Instruct.Q4_1.gguf")),
    ("gemma3", os.path.join(ROOT, ".models", "gemma-3-270m-q4_k_m.gguf")),
]
FTYPES = {
    "q2_k": 10, "q3_k_s": 11, "q3_k_m": 12, "q3_k_l": 13, "q4_0": 2, "q4_1": 3, "q5_0": 8, "q5_1": 9,
    "q4_k_s": 14, "q4_k_m": 15, "q5_k_s": 16, "q5_k_m": 17, "q6_k": 18, "q8_0": 7,
}
SKIPPED_KEYS = {"GGUF.version", "GGUF.tensor_count", "GGUF.kv_count", "general.architecture",
                "general.file_type", "general.quantization_version"}


def write_f32(source, path):
    """The source's tensors dequantized to F32 (1-D tensors F32 too), its metadata copied."""
    reader = gguf.GGUFReader(source)
    arch = reader.fields["general.architecture"].contents()
    writer = gguf.GGUFWriter(path, arch)
    for key, field in reader.fields.items():
        if key in SKIPPED_KEYS:
            continue
        main = field.types[0]
        sub = field.types[-1] if main == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(key, field.contents(), main, sub_type=sub)
    writer.add_file_type(0)  # LLAMA_FTYPE_ALL_F32
    shapes = []
    for t in reader.tensors:
        values = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        ne = [int(n) for n in t.shape]
        values = values.reshape(list(reversed(ne)))
        writer.add_tensor(t.name, values)
        shapes.append([t.name, ne])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    info = {
        "architecture": arch,
        "layers": int(reader.fields[f"{arch}.block_count"].contents()),
        "heads": int(reader.fields[f"{arch}.attention.head_count"].contents()),
        "kv_heads": int(reader.fields[f"{arch}.attention.head_count_kv"].contents()),
    }
    return shapes, info


FALLBACKS = re.compile(r"(\d+) of \d+ tensor\(s\) required fallback quantization")


def fallback_count(log):
    """llama.cpp's count of tensors that fell back, from its log of one quantization."""
    found = FALLBACKS.findall(log)
    return int(found[-1]) if found else 0


def quantize(source, target, ftype, scratch):
    """Runs llama.cpp's quantizer; returns its log (its stderr, caught at the descriptor)."""
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.nthread = 2
    log_path = os.path.join(scratch, "quantize.log")
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log_path, "w") as log:
        os.dup2(log.fileno(), 2)
        try:
            status = llama_cpp.llama_model_quantize(source.encode(), target.encode(), ctypes.byref(params))
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    with open(log_path) as log:
        text = log.read()
    if status != 0:
        sys.exit(f"llama_model_quantize failed on {source} (ftype {ftype}):\n{text[-2000:]}")
    return text


def read_types(path):
    reader = gguf.GGUFReader(path)
    types = {t.name: t.tensor_type.name.lower() for t in reader.tensors}
    tensor_bytes = sum(int(t.n_bytes) for t in reader.tensors)
    return types, os.path.getsize(path), tensor_bytes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="keep the F32 GGUFs in this directory")
    parser.add_argument("--only", help="comma-separated model keys (smollm2, gemma3)")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    llama_cpp.llama_backend_init()
    with tempfile.TemporaryDirectory() as scratch:
        for key, source in MODELS:
            if args.only and key not in args.only.split(","):
                continue
            if not os.path.exists(source):
                print(f"skipping {key}: {source} is absent")
                continue
            folder = args.keep or scratch
            os.makedirs(folder, exist_ok=True)
            f32 = os.path.join(folder, f"{key}-f32.gguf")
            shapes, info = write_f32(source, f32)
            result = {"model": os.path.basename(source), **info, "tensors": shapes, "mixes": {}}
            for name, ftype in FTYPES.items():
                target = os.path.join(scratch, f"{key}-{name}.gguf")
                log = quantize(f32, target, ftype, scratch)
                types, file_bytes, tensor_bytes = read_types(target)
                os.remove(target)
                result["mixes"][name] = {"types": types, "file_bytes": file_bytes, "tensor_bytes": tensor_bytes,
                                         "fallbacks": fallback_count(log)}
                counts = {}
                for t in types.values():
                    counts[t] = counts.get(t, 0) + 1
                print(f"{key} {name}: {file_bytes / 1e6:.1f} MB, {dict(sorted(counts.items()))}", flush=True)
            with open(os.path.join(OUT, f"{key}.json"), "w") as f:
                json.dump(result, f, indent=0, sort_keys=True)
                f.write("\n")


if __name__ == "__main__":
    main()
