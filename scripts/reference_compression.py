#!/usr/bin/env python3
"""Independent numpy reference for the compression semantics of DESIGN.md §4.

Written from the spec text (plus the choices documented where the spec is silent), not from
Pare's Swift code, so that `ReferenceCompressionTests` can check Pare against a second
implementation bit for bit. Low-rank is left out: SVD sign conventions differ between LAPACK
builds, and the Swift tests cover it.

Run from the repository root (numpy only, fixed seed, deterministic):

    python3 scripts/reference_compression.py

It writes Tests/PareCompressionTests/Fixtures/reference-compression.safetensors holding, per
case i:

    case{i}.input        F32  the tensor to compress
    case{i}.expected     F32  the compressed (dequantized) values
    case{i}.codes        I32  quantized cases: the stored symbol per element (int q, symmetric in
                              -qmax...qmax or asymmetric in 0...2^bits-1; codebook centroid
                              index; the fp8 byte; the fp16/bf16 bit pattern). Entries removed
                              by pruning hold 0 and are not meant to be compared.
    case{i}.kept         I32  pruned cases: 1 where the entry was kept, 0 where it was zeroed
    case{i}.scales       F32  int and fp8: one scale per group (groups in row-major order)
    case{i}.zero_points  I32  asymmetric int: one zero-point per group
    case{i}.centroids    F32  codebook: 2^bits f16-exact centroids per group

and `__metadata__` {"case{i}": the spec as JSON in the plan's per-tensor form}. A small
reference-compression.json beside it describes each case for people.

Arithmetic follows the spec and Pare's documented choices: Float32 throughout; f16(x) rounds a
Float32 quotient to half precision (round to nearest even); a scale is clamped to
[2^-24, 65504] and an all-zero group gets scale 1; rint and round(sparsity * n) are half to
even; q is an integer, so a w' of zero is +0.
"""

import json
import math
import os
import struct
import sys

import numpy as np

F32 = np.float32
F16_MIN = F32(2.0**-24)  # the smallest positive f16 (subnormal): the floor for every scale
F16_MAX = F32(65504.0)  # the largest finite f16: the ceiling for every scale

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "PareCompressionTests", "Fixtures")
OUTPUT = os.path.join(FIXTURES, "reference-compression.safetensors")
SIDECAR = os.path.join(FIXTURES, "reference-compression.json")


# MARK: - Number formats


def round_to_format(x, mantissa_bits, min_exponent, max_value):
    """Rounds float32 values to a binary floating-point format, to nearest, ties to even.

    The format has `mantissa_bits` stored mantissa bits, normal exponents down to
    `min_exponent` (below it, subnormals with the same quantum as the smallest binade) and
    saturates at `max_value` (no infinities). Works in float64, where every step is exact:
    the input is a float32 and the quantum a power of two. Returns float64 values of the
    format; the sign of zero is kept (an IEEE cast of a tiny negative number gives -0).
    """
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    _, e = np.frexp(a)  # a = f * 2^e with f in [0.5, 1): the binade's exponent is e - 1
    exponent = np.maximum(e.astype(np.int64) - 1, min_exponent)
    quantum = np.ldexp(1.0, exponent - mantissa_bits)
    r = np.rint(a / quantum) * quantum
    r = np.minimum(r, max_value)
    return np.copysign(r, x)


def f16(x):
    """IEEE half precision, round to nearest even, as float32 values (numpy's own cast)."""
    return np.asarray(x, dtype=F32).astype(np.float16).astype(F32)


def f16_bits(x):
    return np.asarray(x, dtype=F32).astype(np.float16).view(np.uint16).astype(np.int64)


def bf16(x):
    """bfloat16 by bit manipulation: round the float32 pattern to its top 16 bits, ties to even.

    Returns (values as float32, 16-bit patterns)."""
    bits = np.asarray(x, dtype=F32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    values = (rounded << 16).astype(np.uint32).view(F32)
    return values, rounded.astype(np.int64)


FP8 = {
    # name: (mantissa bits, exponent bias, largest finite value)
    "fp8_e4m3": (3, 7, 448.0),
    "fp8_e5m2": (2, 15, 57344.0),
}


def fp8(x, scheme):
    """Casts float32 values to FP8 (nearest even, subnormals, saturating).

    Returns (values as float64, bytes sign<<7 | exponent<<m | mantissa)."""
    m, bias, fmax = FP8[scheme]
    min_exponent = 1 - bias
    r = round_to_format(x, m, min_exponent, fmax)
    a = np.abs(r)
    sign = np.signbit(r).astype(np.int64)
    _, e = np.frexp(a)
    e = e.astype(np.int64) - 1
    normal = a >= 2.0**min_exponent
    exp_field = np.where(normal, e + bias, 0)
    mant_normal = np.where(normal, a / np.ldexp(1.0, np.where(normal, e, 0) - m) - 2**m, 0)
    mant_sub = a / 2.0 ** (min_exponent - m)
    mantissa = np.where(normal, mant_normal, mant_sub)
    assert np.all(mantissa == np.floor(mantissa)) and np.all((0 <= mantissa) & (mantissa < 2**m))
    byte = (sign << 7) | (exp_field << m) | mantissa.astype(np.int64)
    return r, byte


def decode_fp8(byte, scheme):
    """The value of an FP8 byte (an independent check on `fp8`)."""
    m, bias, _ = FP8[scheme]
    byte = np.asarray(byte, dtype=np.int64)
    sign = np.where(byte >> 7, -1.0, 1.0)
    exp_field = (byte >> m) & ((1 << (7 - m)) - 1)
    mantissa = byte & ((1 << m) - 1)
    normal = np.ldexp(1.0 + mantissa / 2.0**m, exp_field - bias)
    sub = np.ldexp(mantissa / 2.0**m, 1 - bias)
    return sign * np.where(exp_field == 0, sub, normal)


def self_check_formats():
    """The generic rounder agrees with numpy's float16 cast, and fp8 bytes decode back."""
    rng = np.random.default_rng(1)
    x = np.concatenate([
        rng.standard_normal(20000).astype(F32) * F32(100),
        (rng.standard_normal(20000) * 1e-5).astype(F32),
        (rng.standard_normal(20000) * 1e-7).astype(F32),
        # exact ties between neighbouring halves, normal and subnormal
        (np.arange(-2000, 2000) * 2.0**-11 + 2.0**-12).astype(F32),
        (np.arange(-2000, 2000) * 2.0**-24 + 2.0**-25).astype(F32),
    ])
    mine = round_to_format(x, 10, -14, 65504.0)
    theirs = f16(x).astype(np.float64)
    assert np.array_equal(mine, theirs), "round_to_format disagrees with numpy's float16"
    assert np.array_equal(np.signbit(mine), np.signbit(theirs))
    for scheme in FP8:
        values, bytes_ = fp8(x / F32(1000), scheme)
        assert np.array_equal(decode_fp8(bytes_, scheme), values)
        assert np.array_equal(np.signbit(decode_fp8(bytes_, scheme)), np.signbit(values))
    # bf16 by bits agrees with the generic rounder (8 exponent bits, 7 mantissa bits)
    y = rng.standard_normal(20000).astype(F32)
    assert np.array_equal(bf16(y)[0].astype(np.float64), round_to_format(y, 7, -126, 3.0e38))


# MARK: - Groups


def matrix(x):
    """The tensor as [rows, columns]: rows are the first axis, a row is everything else."""
    rows = x.shape[0] if x.ndim >= 1 else 1
    return x.reshape(rows, -1)


def groups(rows, columns, granularity, group_size=None):
    """Flat index arrays of each group, in row-major group order."""
    if granularity == "tensor":
        return [np.arange(rows * columns)]
    if granularity == "channel":
        return [np.arange(r * columns, (r + 1) * columns) for r in range(rows)]
    assert granularity == "group"
    out = []
    for r in range(rows):
        for start in range(0, columns, group_size):
            out.append(np.arange(r * columns + start, r * columns + min(start + group_size, columns)))
    return out


def scale_of(spread, divisor):
    """f16(spread / divisor) in Float32 arithmetic, clamped to [2^-24, 65504]; 1 for zero."""
    spread = F32(spread)
    if spread == 0:
        return F32(1)
    with np.errstate(over="ignore"):  # above 65504 rounds to inf, then clamps
        s = f16(spread / F32(divisor))[()]
    return F32(min(max(s, F16_MIN), F16_MAX))


# MARK: - Pruning


def prune(flat, rows, columns, spec):
    """Returns (pruned values, kept mask) for a flat float32 array."""
    kept = np.ones(flat.size, dtype=bool)
    magnitude = np.abs(flat)
    if spec["method"] == "magnitude":
        sparsity = spec["sparsity"]
        for g in groups(rows, columns, spec.get("granularity", "tensor")):
            count = int(np.rint(sparsity * g.size))  # round half to even
            order = np.argsort(magnitude[g], kind="stable")  # ties: lower index first
            kept[g[order[:count]]] = False
    else:
        n, m = spec["n"], spec["m"]
        for r in range(rows):
            for start in range(0, columns, m):
                block = np.arange(r * columns + start, r * columns + min(start + m, columns))
                keep = min(n, block.size)
                order = np.argsort(-magnitude[block], kind="stable")  # ties: lower index kept
                kept[block] = False
                kept[block[order[:keep]]] = True
    values = np.where(kept, flat, F32(0)).astype(F32)
    return values, kept


# MARK: - Quantization


def kmeans(values, clusters):
    """1-D Lloyd k-means with linear initialization (Pare's documented exact procedure).

    Returns (f16-exact centroids as float32, each value's centroid index)."""
    values = np.asarray(values, dtype=F32)
    lo, hi = values.min(), values.max()
    spread = F32(hi - lo)
    centroids = np.array(
        [lo + (spread * F32(i)) / F32(clusters - 1) for i in range(clusters)], dtype=F32)
    previous = None
    for _ in range(100):
        distance = np.abs(values[:, None] - centroids[None, :])  # float32
        assignment = np.argmin(distance, axis=1)  # ties: lowest index
        if previous is not None and np.array_equal(assignment, previous):
            break
        previous = assignment
        for j in range(clusters):
            members = values[assignment == j]
            if members.size:
                total = 0.0
                for v in members:  # summed in float64, in element order
                    total += float(v)
                centroids[j] = F32(total / members.size)
    return f16(centroids), previous


def quantize(flat, rows, columns, spec, kept):
    """Returns dict(values, codes, scales?, zero_points?, centroids?) for a flat float32 array."""
    scheme = spec.get("scheme", "int")
    granularity = spec.get("granularity", "channel")
    out_values = np.zeros(flat.size, dtype=F32)
    codes = np.zeros(flat.size, dtype=np.int64)
    scales, zero_points, centroids = [], [], []

    if scheme in ("fp16", "bf16"):
        if scheme == "fp16":
            out_values, codes = f16(flat), f16_bits(flat)
        else:
            out_values, codes = bf16(flat)
        out_values = np.where(kept, out_values, F32(0)).astype(F32)
        return dict(values=out_values, codes=np.where(kept, codes, 0))

    for g in groups(rows, columns, granularity, spec.get("group_size")):
        w = flat[g]
        if scheme == "int" and spec.get("symmetric", True):
            qmax = 2 ** (spec["bits"] - 1) - 1
            scale = scale_of(np.max(np.abs(w)), qmax)
            q = np.clip(np.rint(w / scale), -qmax, qmax).astype(np.int64)
            out_values[g] = q.astype(F32) * scale  # q is an integer: zero gives +0
            codes[g] = q
            scales.append(scale)
        elif scheme == "int":
            levels = 2 ** spec["bits"] - 1
            lo = min(F32(np.min(w)), F32(0))
            hi = max(F32(np.max(w)), F32(0))
            scale = scale_of(F32(hi - lo), levels)
            zero = int(np.clip(np.rint(-lo / scale), 0, levels))
            q = np.clip(np.rint(w / scale).astype(np.int64) + zero, 0, levels)
            out_values[g] = (q - zero).astype(F32) * scale
            codes[g] = q
            scales.append(scale)
            zero_points.append(zero)
        elif scheme in FP8:
            scale = scale_of(np.max(np.abs(w)), FP8[scheme][2])
            cast, byte = fp8(w / scale, scheme)
            out_values[g] = cast.astype(F32) * scale  # exact: fp8 values are float32
            codes[g] = byte
            scales.append(scale)
        elif scheme == "codebook":
            k = 2 ** spec["bits"]
            inside = g[kept[g]]  # fitted to the kept entries only
            assert inside.size > 0, "a codebook group with no kept entries is unspecified"
            c, assignment = kmeans(flat[inside], k)
            out_values[inside] = c[assignment]
            codes[inside] = assignment
            centroids.extend(c.tolist())
        else:
            raise ValueError(scheme)

    out_values = np.where(kept, out_values, F32(0)).astype(F32)  # pruned entries stay +0
    result = dict(values=out_values, codes=np.where(kept, codes, 0))
    if scheme in ("int",) or scheme in FP8:
        result["scales"] = np.array(scales, dtype=F32)
    if zero_points:
        result["zero_points"] = np.array(zero_points, dtype=np.int64)
    if centroids:
        result["centroids"] = np.array(centroids, dtype=F32)
    return result


def compress(x, spec):
    rows, columns = matrix(x).shape
    flat = x.reshape(-1).astype(F32)
    kept = np.ones(flat.size, dtype=bool)
    result = {}
    if "prune" in spec:
        flat, kept = prune(flat, rows, columns, spec["prune"])
        result["kept"] = kept
    if "quantize" in spec:
        result.update(quantize(flat, rows, columns, spec["quantize"], kept))
    else:
        result["values"] = flat
    return result


# MARK: - Cases


def tensors(rng):
    """Named test tensors: various shapes and distributions (exact zeros, repeated values,
    wide dynamic range, tiny and huge magnitudes)."""
    def normal(shape, sigma=1.0):
        return (rng.standard_normal(shape) * sigma).astype(F32)

    t = {}
    t["A"] = normal((8, 16), 0.1)
    t["B"] = rng.uniform(-1, 1, (5, 7)).astype(F32)
    c = normal((3, 2, 3, 3), 0.5)
    c.reshape(-1)[rng.choice(c.size, 8, replace=False)] = 0  # exact zeros
    t["C"] = c
    d = rng.laplace(0, 0.05, (4, 130)).astype(F32)
    d.reshape(-1)[rng.choice(d.size, 60, replace=False)] = d.reshape(-1)[:60]  # repeated values
    t["D"] = d
    t["E"] = rng.uniform(-3, 5, (10,)).astype(F32)
    f = (rng.integers(-8, 9, (6, 10)) * 0.125).astype(F32)  # a coarse grid: ties everywhere
    f[2] = 0  # an all-zero row
    t["F"] = f
    magnitude = 10.0 ** rng.uniform(-9, 0, (4, 20))  # nine decades
    t["G"] = (magnitude * rng.choice([-1, 1], (4, 20))).astype(F32)
    t["H"] = normal((3, 9), 1e-6)  # scales under the f16 minimum / subnormal
    t["I"] = normal((2, 12), 3e7)  # scales above the f16 maximum
    t["P"] = rng.uniform(0.1, 2, (4, 6)).astype(F32)  # positive only: asymmetric lo = 0
    # Hand-made: exact rint ties (w / scale = k + 1/2 with scale 1), +0 and -0, a row of -0.
    t["K"] = np.array([
        [3, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0],
        [-3, -0.0, 0.5, -0.5, 1, -1, 2, -2],
        [2, -1, 0.5, 1.5, -0.0, 0.0, -0.5, 1],
        [-0.0] * 8,
    ], dtype=F32)
    return t


def q_int(bits, granularity, group_size=None, symmetric=True):
    s = {"scheme": "int", "bits": bits, "granularity": granularity, "symmetric": symmetric}
    if group_size is not None:
        s["group_size"] = group_size
    return s


def q_float(scheme, granularity="tensor", group_size=None):
    s = {"scheme": scheme, "granularity": granularity}
    if group_size is not None:
        s["group_size"] = group_size
    return s


def q_codebook(bits, granularity, group_size=None):
    s = {"scheme": "codebook", "bits": bits, "granularity": granularity}
    if group_size is not None:
        s["group_size"] = group_size
    return s


def magnitude(sparsity, granularity="tensor"):
    return {"method": "magnitude", "sparsity": sparsity, "granularity": granularity}


def nm(n, m):
    return {"method": "nm", "n": n, "m": m}


CASES = [
    # (tensor, spec, note)
    ("A", {"quantize": q_int(2, "tensor")}, "int2 symmetric, one scale"),
    ("B", {"quantize": q_int(3, "channel")}, "int3 per row"),
    ("A", {"quantize": q_int(4, "group", 4)}, "int4 groups of 4"),
    ("B", {"quantize": q_int(5, "group", 5)}, "groups of 5 on rows of 7: last chunk 2"),
    ("D", {"quantize": q_int(6, "group", 64)}, "groups of 64 on rows of 130: last chunk 2"),
    ("C", {"quantize": q_int(7, "channel")}, "4-D conv weight with exact zeros"),
    ("D", {"quantize": q_int(8, "tensor")}, "int8 tensor"),
    ("F", {"quantize": q_int(8, "channel")}, "all-zero row gets scale 1"),
    ("H", {"quantize": q_int(4, "channel")}, "tiny values: scales are f16 subnormals"),
    ("I", {"quantize": q_int(2, "tensor")}, "huge values: scale clamped to 65504"),
    ("G", {"quantize": q_int(8, "group", 5)}, "nine decades of magnitude"),
    ("A", {"quantize": q_int(4, "channel", symmetric=False)}, "asymmetric int4 per row"),
    ("D", {"quantize": q_int(8, "group", 64, symmetric=False)}, "asymmetric int8 groups of 64"),
    ("P", {"quantize": q_int(3, "tensor", symmetric=False)}, "asymmetric, positive only (lo = 0)"),
    ("F", {"quantize": q_int(2, "group", 5, symmetric=False)}, "asymmetric int2 on a grid, zero row"),
    ("E", {"quantize": q_int(8, "tensor", symmetric=False)}, "asymmetric on a 1-D tensor"),
    ("G", {"quantize": q_float("fp16", "channel")}, "fp16 cast incl. f16 subnormals and underflow"),
    ("G", {"quantize": q_float("bf16", "channel")}, "bf16 cast"),
    ("A", {"quantize": q_float("fp16", "tensor")}, "fp16 cast"),
    ("C", {"quantize": q_float("bf16", "tensor")}, "bf16 cast with exact zeros"),
    ("A", {"quantize": q_float("fp8_e4m3", "tensor")}, "e4m3 tensor scale"),
    ("G", {"quantize": q_float("fp8_e4m3", "channel")}, "e4m3 per row, subnormals and underflow"),
    ("F", {"quantize": q_float("fp8_e4m3", "group", 4)}, "e4m3 groups of 4, zero row"),
    ("B", {"quantize": q_float("fp8_e5m2", "tensor")}, "e5m2 tensor: scale is an f16 subnormal"),
    ("D", {"quantize": q_float("fp8_e5m2", "channel")}, "e5m2 per row"),
    ("D", {"quantize": q_float("fp8_e5m2", "group", 64)}, "e5m2 groups of 64"),
    ("I", {"quantize": q_float("fp8_e4m3", "tensor")}, "huge: scale clamped to 65504, cast saturates at 448"),
    ("I", {"quantize": q_float("fp8_e5m2", "channel")}, "huge e5m2 per row"),
    ("H", {"quantize": q_float("fp8_e5m2", "tensor")}, "tiny e5m2: scale clamped to 2^-24"),
    ("H", {"quantize": q_float("fp8_e4m3", "channel")}, "tiny e4m3 per row"),
    ("A", {"quantize": q_codebook(2, "tensor")}, "codebook 4 centroids"),
    ("D", {"quantize": q_codebook(3, "channel")}, "codebook 8 centroids per row, repeated values"),
    ("D", {"quantize": q_codebook(4, "group", 64)}, "codebook 16 centroids, groups of 64 (last 2)"),
    ("C", {"quantize": q_codebook(4, "channel")}, "codebook on a conv weight with zeros"),
    ("F", {"quantize": q_codebook(2, "group", 5)}, "codebook on a grid: distance ties, zero row"),
    ("B", {"prune": magnitude(0.5)}, "0.5 * 35 = 17.5 -> 18"),
    ("A", {"prune": magnitude(0.15625, "channel")}, "0.15625 * 16 = 2.5 -> 2"),
    ("A", {"prune": magnitude(0.21875, "channel")}, "0.21875 * 16 = 3.5 -> 4"),
    ("F", {"prune": magnitude(0.3)}, "ties among equal magnitudes"),
    ("D", {"prune": magnitude(0.25, "channel")}, "0.25 * 130 = 32.5 -> 32"),
    ("E", {"prune": magnitude(0.1)}, "1-D tensor"),
    ("A", {"prune": magnitude(0.5), "quantize": q_int(4, "channel")}, "magnitude then int4"),
    ("D", {"prune": magnitude(0.7), "quantize": q_int(8, "group", 64, symmetric=False)},
     "magnitude then asymmetric int8"),
    ("D", {"prune": magnitude(0.25, "channel"), "quantize": q_codebook(3, "channel")},
     "magnitude then codebook fitted to kept entries"),
    ("B", {"prune": magnitude(0.95, "channel"), "quantize": q_int(4, "channel")},
     "round(0.95 * 7) = 7: every row pruned, scale 1"),
    ("C", {"prune": magnitude(0.4, "channel"), "quantize": q_codebook(2, "tensor")},
     "channel pruning then one codebook"),
    ("A", {"prune": nm(2, 4)}, "2:4"),
    ("B", {"prune": nm(1, 3)}, "1:3 on rows of 7: last block of 1 keeps 1"),
    ("C", {"prune": nm(2, 4)}, "2:4 on rows of 18: last block of 2 keeps 2"),
    ("F", {"prune": nm(1, 3)}, "1:3 with ties (lower index kept)"),
    ("D", {"prune": nm(2, 4), "quantize": q_int(8, "channel")}, "2:4 then int8"),
    ("F", {"prune": nm(1, 3), "quantize": q_int(8, "tensor")}, "1:3 then int8"),
    ("A", {"prune": nm(2, 4), "quantize": q_codebook(2, "channel")}, "2:4 then codebook"),
    ("K", {"quantize": q_int(3, "channel")}, "rint ties to even with scale 1; -0 in gives +0 out"),
    ("K", {"quantize": q_int(2, "channel", symmetric=False)}, "asymmetric ties (row 2: scale 1, zero 1)"),
    ("K", {"quantize": q_float("fp16", "tensor")}, "fp16 keeps -0"),
    ("K", {"quantize": q_float("bf16", "tensor")}, "bf16 keeps -0"),
    ("K", {"quantize": q_float("fp8_e4m3", "channel")}, "e4m3 keeps -0 (byte 0x80); -0 row scale 1"),
    ("K", {"quantize": q_codebook(2, "channel")}, "codebook with distance ties and a row of -0"),
    ("K", {"prune": magnitude(0.25, "channel")}, "|-0| = |+0|: lower index pruned first"),
    ("K", {"prune": nm(2, 4)}, "2:4 keeping -0 entries of the -0 row"),
    ("K", {"prune": nm(1, 4), "quantize": q_int(3, "channel")}, "1:4 then int3 ties"),
]


# MARK: - Safetensors


def write_safetensors(path, arrays, metadata):
    """Minimal writer: 8-byte little-endian header length, JSON header padded with spaces to a
    multiple of 8, then the little-endian data in insertion order."""
    header = {"__metadata__": metadata}
    chunks, offset = [], 0
    for name, array in arrays:
        if array.dtype == F32:
            dtype, data = "F32", array.astype("<f4").tobytes()
        else:
            dtype, data = "I32", array.astype("<i4").tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in chunks:
            f.write(data)


def main():
    self_check_formats()
    rng = np.random.default_rng(20240611)
    inputs = tensors(rng)
    arrays, metadata, sidecar = [], {}, []
    for i, (name, spec, note) in enumerate(CASES):
        x = inputs[name]
        result = compress(x, spec)
        arrays.append((f"case{i}.input", x))
        arrays.append((f"case{i}.expected", result["values"].reshape(x.shape)))
        if "quantize" in spec:
            arrays.append((f"case{i}.codes", result["codes"].reshape(x.shape).astype(np.int32)))
        if "kept" in result:
            arrays.append((f"case{i}.kept", result["kept"].reshape(x.shape).astype(np.int32)))
        for key in ("scales", "zero_points", "centroids"):
            if key in result:
                arrays.append((f"case{i}.{key}", result[key]))
        metadata[f"case{i}"] = json.dumps(spec, separators=(",", ":"), sort_keys=True)
        sidecar.append({"case": i, "tensor": name, "shape": list(x.shape), "spec": spec, "note": note})
    os.makedirs(FIXTURES, exist_ok=True)
    write_safetensors(OUTPUT, arrays, metadata)
    with open(SIDECAR, "w") as f:
        f.write(json.dumps({
            "generator": "scripts/reference_compression.py",
            "cases": sidecar,
        }, indent=1) + "\n")
    size = os.path.getsize(OUTPUT)
    assert size < 300_000, size
    print(f"{len(CASES)} cases, {size} bytes -> {os.path.relpath(OUTPUT, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
