#!/usr/bin/env python3
"""Fixtures for GGMLQuantizerTests (Tests/PareCompressionTests/Fixtures/ggml): inputs and the
block bytes ggml's own `ggml_quantize_chunk` writes for them (scripts/ggml_reference.py), for
every type Pare quantizes to, with and without an importance vector.

Inputs: random tensors of several distributions and shapes (normal, outliers, heavy tails,
all-positive, rows that are all zero, constant, tiny, with whole zero blocks, exact ties) and a few
real rows of SmolLM2-135M and Gemma-3-270M (dequantized with gguf-py from the GGUFs in .models;
skipped when absent, keeping the committed ones). Importance vectors are deterministic and
positive: the mean square of random activations with per-column scales; one has zero columns,
as a llama.cpp imatrix has for inputs never seen.

Written:
  inputs.bin    float32 little-endian, every input tensor then every importance vector
  expected.bin  the block bytes, case after case
  index.json    {"inputs": [{name, rows, columns, offset, importance}], "cases": [{input, type,
                importance: bool, offset, bytes}]} (offsets in floats for inputs.bin, bytes for
                expected.bin)

Usage: python3 scripts/make_ggml_fixtures.py
"""
import json
import os

import numpy as np

from ggml_reference import TYPES, quantize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests/PareCompressionTests/Fixtures/ggml")
MODELS = os.path.join(ROOT, ".models")
TYPE_ORDER = ["q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k", "iq4_nl", "iq4_xs"]


def importance(rng, columns, zero_columns=0):
    scale = rng.lognormal(0.0, 1.0, columns).astype(np.float32)
    acts = rng.standard_normal((64, columns)).astype(np.float32) * scale
    w = np.mean(acts * acts, axis=0, dtype=np.float32).astype(np.float32)
    if zero_columns:
        w[rng.choice(columns, zero_columns, replace=False)] = 0
    return w


def random_inputs(rng):
    f = np.float32
    special = np.zeros((8, 256), dtype=f)
    special[1] = 0.25                                    # constant
    special[2] = -3.0                                    # constant negative
    special[3] = rng.standard_normal(256) * 1e-20        # tiny (below GROUP_MAX_EPS per block)
    special[4] = rng.standard_normal(256) * 1e-8         # small
    special[5, :128] = rng.standard_normal(128)          # half the super-block zero
    special[5, 160:192] = 0
    special[6] = rng.integers(-8, 8, 256)                # exact ties and repeated values
    special[7] = np.abs(rng.standard_normal(256)) + 1    # all positive, min > 0
    outliers = rng.standard_normal((4, 512)).astype(f)
    outliers.reshape(-1)[rng.choice(outliers.size, 12, replace=False)] *= 50
    return [
        ("normal", rng.standard_normal((4, 512)).astype(f) * f(0.02)),
        ("outliers", outliers),
        ("special", special),
        ("student_t", (rng.standard_t(2.5, (3, 768)) * 0.05).astype(f)),
        ("uniform_positive", rng.uniform(0.5, 2.0, (2, 256)).astype(f)),
        ("wide_32", rng.standard_normal((3, 96)).astype(f)),  # 32-element types only
    ]


def real_inputs():
    files = {"smollm2": "SmolLM2-135M-Instruct.Q4_1.gguf", "gemma3": "gemma-3-270m-q4_k_m.gguf"}
    out = []
    try:
        import gguf
        from gguf.quants import dequantize
    except ImportError:
        return out
    for label, file in files.items():
        path = os.path.join(MODELS, file)
        if not os.path.exists(path):
            continue
        reader = gguf.GGUFReader(path)
        tensors = {t.name: t for t in reader.tensors}
        for name in ["blk.0.ffn_down.weight", "blk.0.attn_q.weight"]:
            t = tensors[name]
            values = dequantize(t.data, t.tensor_type).astype(np.float32)
            values = values.reshape(-1, int(t.shape[0]))  # ggml's ne[0] is the row length
            out.append((f"{label}.{name}", np.ascontiguousarray(values[:4])))
    return out


def main():
    rng = np.random.default_rng(1616)
    inputs = random_inputs(rng)
    real = real_inputs()
    if not real and os.path.exists(os.path.join(OUT, "index.json")):
        # Keep the committed real rows when the models are not here.
        with open(os.path.join(OUT, "index.json")) as f:
            index = json.load(f)
        data = np.fromfile(os.path.join(OUT, "inputs.bin"), dtype="<f4")
        for entry in index["inputs"]:
            if "." in entry["name"]:
                n = entry["rows"] * entry["columns"]
                real.append((entry["name"], data[entry["offset"]:entry["offset"] + n].reshape(entry["rows"], -1)))
    inputs += real

    floats, blobs, index = [], [], {"inputs": [], "cases": []}
    offset = 0
    importances = []
    for i, (name, x) in enumerate(inputs):
        rows, columns = x.shape
        w = importance(rng, columns, zero_columns=7 if name == "normal" else 0)
        importances.append(w)
        index["inputs"].append({"name": name, "rows": rows, "columns": columns, "offset": offset})
        floats.append(x.reshape(-1))
        offset += x.size
    for entry, w in zip(index["inputs"], importances):
        entry["importance"] = offset
        floats.append(w)
        offset += w.size

    expected_offset = 0
    for i, (name, x) in enumerate(inputs):
        for type_name in TYPE_ORDER:
            if x.shape[1] % TYPES[type_name][1]:
                continue
            for weighted in (False, True):
                blocks = quantize(x, type_name, importances[i] if weighted else None)
                index["cases"].append({"input": i, "type": type_name, "importance": weighted,
                                       "offset": expected_offset, "bytes": len(blocks)})
                blobs.append(blocks)
                expected_offset += len(blocks)

    os.makedirs(OUT, exist_ok=True)
    np.concatenate(floats).astype("<f4").tofile(os.path.join(OUT, "inputs.bin"))
    with open(os.path.join(OUT, "expected.bin"), "wb") as f:
        f.write(b"".join(blobs))
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    print(f"{len(index['cases'])} cases over {len(inputs)} inputs: {offset * 4} bytes of inputs, "
          f"{expected_offset} bytes of blocks")


if __name__ == "__main__":
    main()
