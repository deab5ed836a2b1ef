#!/usr/bin/env python3
"""ggml's own quantizers, through ctypes: `ggml_quantize_chunk` of the libggml-base that
llama-cpp-python ships (the reference Pare's GGMLQuantizer must equal byte for byte).

    from ggml_reference import quantize, TYPES
    blocks = quantize(x, "q4_k")                 # x: float32 [rows, columns]; bytes, rows * row size
    blocks = quantize(x, "q4_k", importance=w)   # w: float32 [columns], llama.cpp's imatrix values

`python3 scripts/ggml_reference.py` cross-checks it once against gguf-py's numpy quantizers (q8_0,
q4_0, q4_1, q5_0, q5_1: the types gguf-py quantizes) on random rows and prints one line per type.
"""
import ctypes
import os
import sys

import numpy as np
import llama_cpp

LIB = ctypes.CDLL(os.path.join(os.path.dirname(llama_cpp.__file__), "lib", "libggml-base.so"))
LIB.ggml_quantize_chunk.restype = ctypes.c_size_t
LIB.ggml_quantize_chunk.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                                    ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
LIB.ggml_row_size.restype = ctypes.c_size_t
LIB.ggml_row_size.argtypes = [ctypes.c_int, ctypes.c_int64]
LIB.ggml_quantize_init.argtypes = [ctypes.c_int]

# ggml's enum ggml_type ids and block sizes (ggml.h, ggml.c's type_traits).
TYPES = {
    "q4_0": (2, 32), "q4_1": (3, 32), "q5_0": (6, 32), "q5_1": (7, 32), "q8_0": (8, 32),
    "q2_k": (10, 256), "q3_k": (11, 256), "q4_k": (12, 256), "q5_k": (13, 256), "q6_k": (14, 256),
    "iq4_nl": (20, 32), "iq4_xs": (23, 256),
}


def row_size(type_name, columns):
    return int(LIB.ggml_row_size(TYPES[type_name][0], columns))


def quantize(x, type_name, importance=None):
    """The bytes `ggml_quantize_chunk(type, x, dst, 0, rows, columns, importance)` writes."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x.reshape(1, -1)
    rows, columns = x.shape
    type_id, block = TYPES[type_name]
    assert columns % block == 0, f"{columns} columns is not a multiple of {type_name}'s block {block}"
    LIB.ggml_quantize_init(type_id)
    out = np.zeros(rows * row_size(type_name, columns), dtype=np.uint8)
    w = None
    if importance is not None:
        w = np.ascontiguousarray(importance, dtype=np.float32)
        assert w.shape == (columns,)
    written = LIB.ggml_quantize_chunk(type_id, x.ctypes.data, out.ctypes.data, 0, rows, columns,
                                      None if w is None else w.ctypes.data)
    assert written == out.size
    return out.tobytes()


def _cross_check():
    import gguf
    from gguf.quants import quantize as gguf_quantize
    rng = np.random.default_rng(16)
    x = np.concatenate([rng.standard_normal((64, 256)), rng.standard_t(2, (64, 256)) * 0.01,
                        np.zeros((2, 256)), np.full((2, 256), 0.25)]).astype(np.float32)
    bad = 0
    for name in ["q8_0", "q4_0", "q4_1", "q5_0", "q5_1"]:
        ours = quantize(x, name)
        theirs = gguf_quantize(x, gguf.GGMLQuantizationType[name.upper()]).tobytes()
        same = ours == theirs
        bad += not same
        differing = sum(a != b for a, b in zip(ours, theirs))
        print(f"{name}: ggml_quantize_chunk {'equals' if same else 'differs from'} gguf-py "
              f"({len(ours)} bytes, {differing} differ)")
    return bad


if __name__ == "__main__":
    sys.exit(1 if _cross_check() else 0)
