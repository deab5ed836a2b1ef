#!/usr/bin/env python3
"""Fixtures for the compressed-tensors and MLX exports (ExportTests), made by those libraries.

Run from the repository root (numpy, torch, safetensors, compressed-tensors, mlx[cpu]):

    python3 scripts/make_export_fixtures.py

It writes Tests/PareCompressionTests/Fixtures/export/:

    model/config.json, model/model.safetensors   a tiny model: F32 and F16 matrices and a norm
    plan.json                                    int specs of every granularity, both grids
    compressed-tensors.safetensors               for each planned tensor, what compressed-tensors'
                                                 own PackedQuantizationCompressor.compress writes
                                                 (weight_packed, weight_scale, weight_zero_point,
                                                 weight_shape) from the original weight and the
                                                 scale and zero-point of DESIGN.md §4
    mlx.safetensors                              for each planned tensor, MLX's weight (uint32),
                                                 scales and biases (F32), checked here with
                                                 mx.dequantize to give Pare's values exactly

The scales and codes come from scripts/reference_compression.py (the numpy reference of
DESIGN.md §4), not from Pare's Swift code. compressed-tensors re-quantizes the original weight
with them; the script asserts its codes and its decompression equal the reference's.
"""

import json
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import reference_compression as ref  # noqa: E402

from compressed_tensors.compressors.pack_quantized.base import PackedQuantizationCompressor  # noqa: E402
from compressed_tensors.quantization import QuantizationArgs, QuantizationScheme  # noqa: E402
import mlx.core as mx  # noqa: E402

OUT = os.path.join(ROOT, "Tests", "PareCompressionTests", "Fixtures", "export")

# name, shape, dtype, spec (None: untouched)
TENSORS = [
    ("layers.0.a.weight", (8, 64), np.float32, dict(bits=4, granularity="group", group_size=32, symmetric=True)),
    ("layers.0.b.weight", (6, 64), np.float32, dict(bits=3, granularity="channel", symmetric=False)),
    ("layers.0.c.weight", (5, 32), np.float32, dict(bits=8, granularity="tensor", symmetric=False)),
    ("layers.0.d.weight", (4, 128), np.float32, dict(bits=5, granularity="channel", symmetric=True)),
    ("layers.0.e.weight", (4, 64), np.float32, dict(bits=2, granularity="group", group_size=64, symmetric=False)),
    ("layers.0.g.weight", (4, 32), np.float16, dict(bits=4, granularity="channel", symmetric=True)),
    ("layers.0.h.weight", (3, 96), np.float32, dict(bits=6, granularity="group", group_size=32, symmetric=False)),
    ("layers.0.f.weight", (3, 32), np.float32, None),
    ("norm.weight", (32,), np.float32, None),
]


def spec_json(s):
    q = {"scheme": "int", "bits": s["bits"], "granularity": s["granularity"], "symmetric": s["symmetric"]}
    if s["granularity"] == "group":
        q["group_size"] = s["group_size"]
    return q


def ct_expected(name, w, q, s):
    """compressed-tensors' compress of module `name` (original weight w, reference result q)."""
    rows, cols = w.shape
    bits, sym = s["bits"], s["symmetric"]
    half = 2 ** (bits - 1)
    strategy = s["granularity"]
    args = QuantizationArgs(num_bits=bits, type="int", symmetric=sym, strategy=strategy,
                            group_size=s.get("group_size") if strategy == "group" else None)
    scheme = QuantizationScheme(targets=["Linear"], weights=args)
    scales = q["scales"].astype(np.float32)
    if strategy == "tensor":
        scale_shape = (1,)
    elif strategy == "channel":
        scale_shape = (rows, 1)
    else:
        scale_shape = (rows, cols // s["group_size"])
    # Stored in the weight's dtype when every scale is exact there (else float32).
    scale_dtype = torch.float16 if w.dtype == np.float16 and np.all(scales.astype(np.float16).astype(np.float32) == scales) else torch.float32
    state = {
        "weight": torch.from_numpy(w.astype(np.float32)),
        "weight_scale": torch.from_numpy(scales.reshape(scale_shape)).to(scale_dtype),
    }
    if not sym:
        zp = (q["zero_points"].astype(np.int64) - half).astype(np.int8)
        state["weight_zero_point"] = torch.from_numpy(zp.reshape(scale_shape))
    if w.dtype == np.float16:
        state["weight"] = state["weight"].to(torch.float16)
    out = PackedQuantizationCompressor.compress(state, scheme)
    # Its decompression gives the reference's values exactly (in the scale's dtype).
    back = PackedQuantizationCompressor.decompress(dict(out), scheme)["weight"]
    expected = torch.from_numpy(q["values"].reshape(rows, cols)).to(back.dtype)
    assert torch.equal(back, expected), f"{name}: compressed-tensors' decompression differs from the reference"
    module = name[: -len(".weight")]
    return {f"{module}.{k}": v.contiguous() for k, v in out.items()}


def mlx_expected(name, q, s, rows, cols):
    """MLX's affine tensors for the reference result q, checked with mx.dequantize."""
    bits, sym = s["bits"], s["symmetric"]
    half = 2 ** (bits - 1)
    if s["granularity"] == "group":
        g = s["group_size"]
    else:
        g = next(size for size in (128, 64, 32) if cols % size == 0)
    layout = ref.groups(rows, cols, s["granularity"], s.get("group_size"))
    group_of = np.zeros(rows * cols, dtype=np.int64)
    for k, idx in enumerate(layout):
        group_of[idx] = k
    codes = q["codes"].astype(np.int64) + (half if sym else 0)
    zeros = np.full(len(layout), half) if sym else q["zero_points"].astype(np.int64)
    first = np.arange(rows)[:, None] * cols + np.arange(0, cols, g)[None, :]
    scales = q["scales"].astype(np.float32)[group_of[first]]
    biases = (-zeros[group_of[first]].astype(np.float32) * scales).astype(np.float32)
    words = []
    for r in range(rows):
        v = 0
        for i, c in enumerate(codes[r * cols:(r + 1) * cols]):
            v |= int(c) << (bits * i)
        words.append([(v >> (32 * j)) & 0xFFFFFFFF for j in range(cols * bits // 32)])
    weight = np.array(words, dtype=np.uint32)
    back = np.array(mx.dequantize(mx.array(weight), mx.array(scales), mx.array(biases), group_size=g, bits=bits))
    assert np.array_equal(back.view(np.uint32), q["values"].reshape(rows, cols).view(np.uint32)), f"{name}: mx.dequantize differs"
    module = name[: -len(".weight")]
    return {f"{module}.weight": torch.from_numpy(weight.view(np.int32)).view(torch.uint32),
            f"{module}.scales": torch.from_numpy(scales), f"{module}.biases": torch.from_numpy(biases)}


def main():
    rng = np.random.default_rng(16)
    os.makedirs(os.path.join(OUT, "model"), exist_ok=True)
    weights, plan, ct, mlx_tensors = {}, {}, {}, {}
    for name, shape, dtype, spec in TENSORS:
        w = (rng.standard_normal(shape) * 0.1).astype(dtype)
        if name == "layers.0.b.weight":
            w[0, :] = np.abs(w[0, :])  # a row without negatives: zero-point 0
        weights[name] = torch.from_numpy(w)
        if spec is None:
            continue
        plan[name] = {"quantize": spec_json(spec)}
        rows, cols = shape
        q = ref.quantize(w.astype(np.float32).reshape(-1), rows, cols, spec_json(spec), np.ones(w.size, dtype=bool))
        ct.update(ct_expected(name, w, q, spec))
        mlx_tensors.update(mlx_expected(name, q, spec, rows, cols))
    save_file(weights, os.path.join(OUT, "model", "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(OUT, "model", "config.json"), "w") as f:
        f.write('{\n  "model_type": "tiny-export-test",\n  "hidden_size": 32\n}\n')
    with open(os.path.join(OUT, "plan.json"), "w") as f:
        json.dump({"format": "pare-plan/1", "tensors": plan}, f, indent=2)
        f.write("\n")
    save_file(ct, os.path.join(OUT, "compressed-tensors.safetensors"))
    save_file(mlx_tensors, os.path.join(OUT, "mlx.safetensors"))
    import compressed_tensors
    print(f"wrote {OUT} (compressed-tensors {compressed_tensors.__version__}, mlx {mx.__version__})")


if __name__ == "__main__":
    main()
