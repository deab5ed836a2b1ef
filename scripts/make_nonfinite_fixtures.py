#!/usr/bin/env python3
"""Writes the non-finite weight fixtures (issue #17), with numpy counting what Pare must count.

Tests/PareCompressionTests/Fixtures/nonfinite.safetensors: one small tensor per float dtype
(F64, F32, F16, BF16, F8_E5M2, F8_E4M3) holding NaN and +/-Inf (F64 also values beyond Float32's
range, which Pare reads as infinite), and a finite one; nonfinite.json gives numpy's counts
({name: {"nan": n, "infinite": n}}) and, per tensor, min and max over the finite values as
Float32 (null when none is finite).

Tests/inputs/nonfinite/model.safetensors: a bare 4x8 model whose "w" holds 3 NaN and 1 Inf,
"v" is finite and "b" (F16, [8]) holds one -Inf; plans/ holds plans that compress "w" (each
must be refused naming the plan, the tensor and the counts) for Tests/check-inputs.sh.
"""
import json
import os
import struct

import numpy as np

root = os.path.join(os.path.dirname(__file__), "..")


def write_safetensors(path, tensors):
    """tensors: list of (name, dtype, shape, raw bytes)."""
    header, offset, blobs = {}, 0, []
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def bf16(values):
    bits = np.asarray(values, dtype=np.float32).view(np.uint32)
    # Round to nearest even, NaN kept NaN (quiet bit set).
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    rounded[np.isnan(values)] = 0x7FC0
    return rounded


rng = np.random.default_rng(17)
base = rng.standard_normal(40).astype(np.float32)
nan, inf = np.float32("nan"), np.float32("inf")

tensors, counts = [], {}


def add(name, dtype, raw, as_float32):
    as_float32 = np.asarray(as_float32, dtype=np.float32)
    finite = as_float32[np.isfinite(as_float32)]
    counts[name] = {
        "nan": int(np.isnan(as_float32).sum()),
        "infinite": int(np.isinf(as_float32).sum()),
        "min": float(finite.min()) if finite.size else None,
        "max": float(finite.max()) if finite.size else None,
    }
    tensors.append((name, dtype, [as_float32.size], raw))


f32 = base.copy(); f32[[3, 7, 11]] = nan; f32[20] = inf; f32[21] = -inf
add("f32", "F32", f32.tobytes(), f32)
f64 = base.astype(np.float64); f64[0] = np.nan; f64[1] = 1e300; f64[2] = -np.inf; f64[3] = 3e38
with np.errstate(over="ignore"):
    add("f64", "F64", f64.tobytes(), f64.astype(np.float32))
f16 = base.astype(np.float16); f16[[5, 6]] = np.float16("nan"); f16[9] = np.float16("inf")
add("f16", "F16", f16.tobytes(), f16.astype(np.float32))
b = base.copy(); b[[0, 39]] = nan; b[1] = -inf; b[2] = inf
b16 = bf16(b)
add("bf16", "BF16", b16.tobytes(), (b16.astype(np.uint32) << 16).view(np.float32))
# E5M2: exponent 11111 is Inf (mantissa 0) or NaN; E4M3 (fn): S.1111.111 is NaN, no infinity.
e5m2 = np.array([0x00, 0x3C, 0x7C, 0xFC, 0x7D, 0xFF, 0x40, 0x7B], dtype=np.uint8)
e5m2_values = [0.0, 1.0, inf, -inf, nan, nan, 2.0, 57344.0]
add("f8_e5m2", "F8_E5M2", e5m2.tobytes(), e5m2_values)
e4m3 = np.array([0x00, 0x38, 0x7F, 0xFF, 0x7E, 0x40], dtype=np.uint8)
add("f8_e4m3", "F8_E4M3", e4m3.tobytes(), [0.0, 1.0, nan, nan, 448.0, 2.0])
allnan = np.full(6, nan, dtype=np.float32)
add("all_nan", "F32", allnan.tobytes(), allnan)
add("finite", "F32", base.tobytes(), base)

fixtures = os.path.join(root, "Tests/PareCompressionTests/Fixtures")
write_safetensors(os.path.join(fixtures, "nonfinite.safetensors"), tensors)
with open(os.path.join(fixtures, "nonfinite.json"), "w") as f:
    json.dump(counts, f, indent=1, sort_keys=True)
    f.write("\n")

w = rng.standard_normal(32).astype(np.float32); w[[1, 9, 30]] = nan; w[17] = inf
v = rng.standard_normal(32).astype(np.float32)
bias = rng.standard_normal(8).astype(np.float16); bias[4] = -np.float16("inf")
inputs = os.path.join(root, "Tests/inputs/nonfinite")
write_safetensors(os.path.join(inputs, "model.safetensors"), [
    ("b", "F16", [8], bias.tobytes()), ("v", "F32", [4, 8], v.tobytes()), ("w", "F32", [4, 8], w.tobytes())])
plans = {
    "int4-nan.json": {"w": {"quantize": {"bits": 4}}},
    "codebook-nan.json": {"w": {"quantize": {"scheme": "codebook", "bits": 2, "granularity": "tensor"}}},
    "fp8-nan.json": {"w": {"quantize": {"scheme": "fp8_e4m3"}}},
    "lowrank-int8-nan.json": {"w": {"lowrank": {"rank": 2}, "quantize": {"bits": 8}}},
    "prune-nan.json": {"v": {"quantize": {"bits": 8}}, "w": {"prune": {"method": "magnitude", "sparsity": 0.5}}},
    "bias-inf.json": {"b": {"quantize": {"bits": 8, "granularity": "tensor"}}},
}
for name, specs in plans.items():
    with open(os.path.join(inputs, "plans", name), "w") as f:
        json.dump({"format": "pare-plan/1", "tensors": specs}, f, sort_keys=True)
        f.write("\n")
