#!/usr/bin/env python3
"""Writes the GGUF test fixtures with gguf-py (the PyPI package `gguf`), independently of Pare.

Tests/PareFormatsTests/Fixtures/gguf/
  types.gguf        one 2-D tensor per ggml type Pare decodes (random blocks with sane f16
                    scales), each followed by `<name>.expected`: gguf-py's numpy dequantization
                    of it as F32. The Swift test compares the two bit for bit.
  metadata-v3.gguf  one key per GGUF value type (and arrays of each, nested arrays), version 3;
  metadata-v2.gguf  the same bytes with the version field set to 2 (v2 and v3 differ only in
                    that v3 may be big-endian).
  real-models.json  for the real models under .models (when present): tensor counts per type,
                    parameter counts, and checksums of gguf-py's dequantization of the smallest
                    tensor of each type.
Tests/inputs/gguf/  malformed files for Tests/check-inputs.sh, one validation rule each.

Run from the repository root: python3 scripts/make_gguf_fixtures.py
"""
import json
import os
import struct

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import dequantize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests/PareFormatsTests/Fixtures/gguf")
INPUTS = os.path.join(ROOT, "Tests/inputs/gguf")
rng = np.random.default_rng(15)


def f16_bytes(values):
    return np.asarray(values, dtype=np.float16).view(np.uint8).reshape(len(values), 2)


def scales(n, low=1e-3, high=0.5, signed=True):
    """n sane f16 scales: magnitudes log-uniform in [low, high], random signs."""
    magnitude = np.exp(rng.uniform(np.log(low), np.log(high), n))
    sign = rng.choice([-1.0, 1.0], n) if signed else 1.0
    return f16_bytes(magnitude * sign)


def random_blocks(qtype, n):
    """n blocks of `qtype`: random quant bytes, the f16 scale fields replaced by sane values."""
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    raw = rng.integers(0, 256, (n, size), dtype=np.uint8)
    # Byte offsets of each block's f16 fields (ggml-common.h's block layouts).
    fields = {T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
              T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
              T.IQ4_NL: [0], T.IQ4_XS: [0]}[qtype]
    for offset in fields:
        raw[:, offset:offset + 2] = scales(n)
    return raw


def dense(qtype, shape):
    """An F32/F16/BF16 tensor with special values (infinities, signed zeros, subnormals, quiet NaN)."""
    values = rng.standard_normal(shape).astype(np.float32) * 3
    flat = values.reshape(-1)
    flat[:8] = [np.inf, -np.inf, 0.0, -0.0, np.nan, 6e-8, -3e-5, 65504.0]
    if qtype == T.F32:
        return values
    if qtype == T.F16:
        return values.astype(np.float16)
    bits = (values.view(np.uint32) >> 16).astype(np.uint16)  # truncated to bf16
    bits.reshape(-1)[4] = 0x7FC1  # a quiet NaN with payload
    return bits


def write_types():
    writer = gguf.GGUFWriter(os.path.join(OUT, "types.gguf"), "llama")
    writer.add_name("pare gguf type fixture")
    rows = 3
    for qtype in [T.F32, T.F16, T.BF16, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0,
                  T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K, T.IQ4_NL, T.IQ4_XS]:
        block, size = gguf.GGML_QUANT_SIZES[qtype]
        columns = 512 if block == 256 else 96 if block == 32 else 40
        name = qtype.name.lower()
        if block == 1:
            data = dense(qtype, (rows, columns))
            raw = data.view(np.uint8).reshape(rows, -1)
        else:
            raw = random_blocks(qtype, rows * columns // block).reshape(rows, -1)
        expected = dequantize(raw, qtype).astype(np.float32)
        assert expected.shape == (rows, columns), (name, expected.shape)
        writer.add_tensor(name, raw, raw_shape=raw.shape, raw_dtype=qtype)
        writer.add_tensor(name + ".expected", expected)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


V = gguf.GGUFValueType
METADATA = [
    ("test.uint8", 200, V.UINT8), ("test.int8", -100, V.INT8), ("test.uint16", 60000, V.UINT16),
    ("test.int16", -30000, V.INT16), ("test.uint32", 4000000000, V.UINT32), ("test.int32", -2000000000, V.INT32),
    ("test.float32", 0.1, V.FLOAT32), ("test.bool", True, V.BOOL), ("test.string", "héllo ✓", V.STRING),
    ("test.uint64", 2**63 + 5, V.UINT64), ("test.int64", -(2**62), V.INT64), ("test.float64", 1e300, V.FLOAT64),
]


def write_metadata():
    path = os.path.join(OUT, "metadata-v3.gguf")
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_custom_alignment(64)  # sets the padding too (a bare general.alignment key would not)
    for key, value, vtype in METADATA:
        writer.add_key_value(key, value, vtype)
    for key, value, vtype in METADATA:
        if vtype == V.STRING:
            items = ["a", "", "ü"]
        elif vtype == V.BOOL:
            items = [True, False, True]
        else:
            items = [value, value, value]
        writer.add_key_value(key + "s", items, V.ARRAY, sub_type=vtype)
    writer.add_key_value("test.nested", [[1, 2], [3]], V.ARRAY)  # arrays of int32 arrays
    writer.add_key_value("test.nested_strings", [["x", "y"], ["z"]], V.ARRAY)
    writer.add_tensor("tiny", np.arange(16, dtype=np.float32).reshape(2, 8))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    data = bytearray(open(path, "rb").read())
    data[4:8] = struct.pack("<I", 2)
    open(os.path.join(OUT, "metadata-v2.gguf"), "wb").write(data)


def checksum(values):
    """(sum of the float32 bit patterns, sum of bits * (i % 65521 + 1)), both mod 2^64."""
    bits = np.ascontiguousarray(values, dtype=np.float32).reshape(-1).view(np.uint32).astype(np.uint64)
    weights = (np.arange(bits.size, dtype=np.uint64) % np.uint64(65521)) + np.uint64(1)
    with np.errstate(over="ignore"):
        return [int(bits.sum(dtype=np.uint64)), int((bits * weights).sum(dtype=np.uint64))]


def write_real_models():
    report = {}
    for file in ["SmolLM2-135M-Instruct.Q4_1.gguf", "gemma-3-270m-q4_k_m.gguf"]:
        path = os.path.join(ROOT, ".models", file)
        if not os.path.exists(path):
            print("skipped (absent):", path)
            continue
        reader = gguf.GGUFReader(path)
        counts, params, smallest = {}, 0, {}
        for t in reader.tensors:
            name = t.tensor_type.name.lower()
            counts[name] = counts.get(name, 0) + 1
            params += int(t.n_elements)
            if name not in smallest or t.n_elements < smallest[name].n_elements:
                smallest[name] = t
        checks = []
        for name, t in sorted(smallest.items()):
            values = dequantize(t.data, t.tensor_type)
            checks.append({"tensor": t.name, "type": name, "elements": int(t.n_elements), "checksum": checksum(values)})
        report[file] = {"tensors": len(reader.tensors), "params": params, "types": counts, "checks": checks}
    json.dump(report, open(os.path.join(OUT, "real-models.json"), "w"), indent=1, sort_keys=True)


def gguf_bytes(version=3, kvs=b"", n_kv=0, tensors=b"", n_tensors=0, data=b"", alignment=32, count_override=None):
    """A GGUF file image built field by field, for the malformed inputs."""
    head = b"GGUF" + struct.pack("<I", version)
    head += struct.pack("<QQ", n_tensors if count_override is None else count_override, n_kv)
    body = head + kvs + tensors
    pad = (-len(body)) % alignment
    return body + b"\0" * pad + data


def s(text):
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def kv_string(key, value):
    return s(key) + struct.pack("<I", 8) + s(value)


def tensor_info(name, dims, qtype, offset):
    return s(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", qtype, offset)


def write_malformed():
    arch = kv_string("general.architecture", "llama")
    ok_tensor = tensor_info("w", [32, 2], 0, 0)
    cases = {
        "bad-magic.gguf": b"GGUG" + gguf_bytes()[4:],
        "version-1.gguf": gguf_bytes(version=1),
        "tensor-count-huge.gguf": gguf_bytes(kvs=arch, n_kv=1, count_override=2**40),
        "string-past-end.gguf": gguf_bytes(kvs=s("general.architecture") + struct.pack("<IQ", 8, 10**6) + b"llama", n_kv=1),
        "unknown-value-type.gguf": gguf_bytes(kvs=s("general.x") + struct.pack("<I", 13) + b"\0" * 8, n_kv=1),
        "duplicate-key.gguf": gguf_bytes(kvs=arch + arch, n_kv=2),
        "alignment-not-power-of-two.gguf": gguf_bytes(kvs=s("general.alignment") + struct.pack("<II", 4, 48), n_kv=1),
        "zero-dims.gguf": gguf_bytes(kvs=arch, n_kv=1, tensors=s("w") + struct.pack("<I", 0) + struct.pack("<IQ", 0, 0), n_tensors=1),
        "row-not-whole-blocks.gguf": gguf_bytes(kvs=arch, n_kv=1, tensors=tensor_info("w", [33, 2], 2, 0), n_tensors=1, data=b"\0" * 64),
        "unknown-ggml-type.gguf": gguf_bytes(kvs=arch, n_kv=1, tensors=tensor_info("w", [32], 4, 0), n_tensors=1, data=b"\0" * 64),
        "data-past-end.gguf": gguf_bytes(kvs=arch, n_kv=1, tensors=ok_tensor, n_tensors=1, data=b"\0" * 100),
        "overlap.gguf": gguf_bytes(kvs=arch, n_kv=1, tensors=ok_tensor + tensor_info("v", [32], 0, 128), n_tensors=2, data=b"\0" * 256),
        "duplicate-tensor.gguf": gguf_bytes(kvs=arch, n_kv=1, tensors=ok_tensor + tensor_info("w", [32], 0, 256), n_tensors=2, data=b"\0" * 512),
        "offset-unaligned.gguf": gguf_bytes(kvs=arch, n_kv=1, tensors=tensor_info("w", [32], 0, 4), n_tensors=1, data=b"\0" * 256),
        "dims-overflow.gguf": gguf_bytes(kvs=arch, n_kv=1, tensors=tensor_info("w", [2**32, 2**32], 0, 0), n_tensors=1),
        "nested-too-deep.gguf": gguf_bytes(kvs=s("general.x") + struct.pack("<I", 9) + struct.pack("<IQ", 9, 1) * 12 + struct.pack("<IQ", 0, 0), n_kv=1),
        "truncated.gguf": gguf_bytes(kvs=arch, n_kv=1)[:30],
    }
    os.makedirs(INPUTS, exist_ok=True)
    for name, data in cases.items():
        open(os.path.join(INPUTS, name), "wb").write(data)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_types()
    write_metadata()
    write_malformed()
    write_real_models()
    print("wrote", OUT, "and", INPUTS)
