#!/usr/bin/env python3
"""Optional cross-check: ggml's own C dequantizers (libggml-base from llama-cpp-python, through
ctypes) against gguf-py's numpy ones, on the fixture types.gguf and on every tensor of the real
models under .models. The Swift tests compare Pare with gguf-py; this shows gguf-py equals ggml.

Run from the repository root: python3 scripts/check_gguf_against_ggml.py
"""
import ctypes
import os

import numpy as np
import gguf
from gguf.quants import dequantize
import llama_cpp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
lib = ctypes.CDLL(os.path.join(os.path.dirname(llama_cpp.__file__), "lib", "libggml-base.so"))
lib.ggml_get_type_traits.restype = ctypes.c_void_p
lib.ggml_get_type_traits.argtypes = [ctypes.c_int]
TO_FLOAT = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64)


def ggml_dequantize(raw, qtype, count):
    # struct ggml_type_traits { const char *type_name; int64_t blck_size, blck_size_interleave;
    #   size_t type_size; bool is_quantized; ggml_to_float_t to_float; ... }
    traits = lib.ggml_get_type_traits(int(qtype))
    to_float = ctypes.cast(ctypes.c_void_p.from_address(traits + 40).value, TO_FLOAT)
    raw = np.ascontiguousarray(raw)
    out = np.empty(count, dtype=np.float32)
    to_float(raw.ctypes.data, out.ctypes.data, count)
    return out


def compare(path, names=None):
    reader = gguf.GGUFReader(path)
    bad = 0
    for t in reader.tensors:
        if t.name.endswith(".expected") or (names is not None and t.name not in names):
            continue
        if t.tensor_type == gguf.GGMLQuantizationType.F32:
            continue  # ggml has no to_float for F32 (it is a copy)
        ours = ggml_dequantize(t.data, t.tensor_type, int(t.n_elements))
        theirs = dequantize(t.data, t.tensor_type).reshape(-1).astype(np.float32)
        diff = int(np.count_nonzero(ours.view(np.uint32) != theirs.view(np.uint32)))
        bad += diff
        if diff or names is not None:
            print(f"{os.path.basename(path)} {t.name} {t.tensor_type.name}: {diff} of {t.n_elements} differ")
    print(f"{os.path.basename(path)}: {'all equal' if bad == 0 else f'{bad} values differ'}")
    return bad


if __name__ == "__main__":
    total = compare(os.path.join(ROOT, "Tests/PareFormatsTests/Fixtures/gguf/types.gguf"))
    for file in ["SmolLM2-135M-Instruct.Q4_1.gguf", "gemma-3-270m-q4_k_m.gguf"]:
        path = os.path.join(ROOT, ".models", file)
        if os.path.exists(path):
            total += compare(path)
    raise SystemExit(1 if total else 0)
