#!/usr/bin/env python3
"""Time numpy's and Pare's compression kernels on all-MiniLM-L6-v2's weights, in the same run.

Usage: python3 scripts/bench_compression.py --timing PATH [--model FILE] [--rounds N]

Two workloads: int4 symmetric in groups of 64 over every weight matrix (the 2-D float
tensors), and int8 symmetric per channel of the word embeddings. numpy quantizes with whole-array
operations (the semantics of scripts/reference_compression.py, DESIGN.md §4, vectorised over
groups) and produces the reconstruction, the codes and the scales. Pare is timed by PATH (the
Benchmarks package's CompressionTiming) running `Compressor.compress`, which also computes the
storage cost (with its entropy estimate) and the weight error, so the ratio is conservative for
Pare. Neither side's time includes reading the file. Each round times numpy once and Pare once,
so that both see the same machine load; the medians are compared. Both sides print a checksum
of the reconstructions, which must agree.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

import numpy as np

from make_demo_assets import ROOT
from reference_compression import F16_MAX, F16_MIN, F32

WORKLOADS = [
    # (label, spec in the plan's per-tensor form, tensors: None for every weight matrix)
    ("int4 group 64, every weight matrix",
     {"quantize": {"bits": 4, "granularity": "group", "group_size": 64}}, None),
    ("int8 per channel, word embeddings",
     {"quantize": {"bits": 8, "granularity": "channel"}}, ["embeddings.word_embeddings.weight"]),
]


def quantize_symmetric(w, bits, group_size):
    """Symmetric int quantization of a [rows, columns] float32 matrix in groups of `group_size`
    along each row (a shorter last group when it does not divide the row).

    Returns (reconstruction, int8 codes, scales as [rows, groups per row])."""
    qmax = F32(2 ** (bits - 1) - 1)
    rows, columns = w.shape
    whole = columns - columns % group_size
    pieces = [w[:, :whole].reshape(rows, -1, group_size)] if whole else []
    if whole < columns:
        pieces.append(w[:, whole:].reshape(rows, 1, -1))
    values, codes, scales = [], [], []
    for g in pieces:
        magnitude = np.abs(g).max(axis=2, keepdims=True)
        with np.errstate(over="ignore"):  # above 65504 rounds to inf, then clamps
            scale = (magnitude / qmax).astype(np.float16).astype(F32)
        scale = np.where(magnitude == 0, F32(1), np.clip(scale, F16_MIN, F16_MAX))
        q = np.clip(np.rint(g / scale), -qmax, qmax) + F32(0)  # + 0: a code of -0 is +0
        values.append((q * scale).reshape(rows, -1))
        codes.append(q.astype(np.int8).reshape(rows, -1))
        scales.append(scale.reshape(rows, -1))
    return np.concatenate(values, axis=1), np.concatenate(codes, axis=1), np.concatenate(scales, axis=1)


def float32_matrices(path):
    """The F32 tensors of two axes in a safetensors file, by name (views of the bytes read)."""
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    data = memoryview(raw)[8 + n:]
    return {name: np.frombuffer(data[info["data_offsets"][0]:info["data_offsets"][1]], dtype=F32).reshape(info["shape"])
            for name, info in header.items() if info["dtype"] == "F32" and len(info["shape"]) == 2}


def numpy_run(matrices, quantize):
    """Quantizes every matrix; returns (seconds, checksum of the reconstructions)."""
    start = time.perf_counter()
    results = [quantize_symmetric(w, quantize["bits"], quantize.get("group_size", w.shape[1]))
               for w in matrices]
    seconds = time.perf_counter() - start
    checksum = sum(int(values.view(np.uint32).sum(dtype=np.uint64)) for values, _, _ in results)
    return seconds, checksum % 2**64


def pare_run(timing, model, spec, names):
    """Runs CompressionTiming once (one timed repeat after its warm-up)."""
    command = [timing, model, json.dumps(spec), "1"] + (names or [])
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
    report = json.loads(result.stdout)
    return report["seconds"][0], int(report["checksum"]), report["weights"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timing", required=True, help="the CompressionTiming executable")
    parser.add_argument("--model", default=str(ROOT / ".models" / "all-MiniLM-L6-v2" / "model.safetensors"))
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    tensors = float32_matrices(args.model)
    for label, spec, names in WORKLOADS:
        matrices = [tensors[n] for n in names or tensors]
        numpy_run(matrices, spec["quantize"])  # warm-up
        numpy_times, pare_times = [], []
        for _ in range(args.rounds):
            seconds, numpy_checksum = numpy_run(matrices, spec["quantize"])
            numpy_times.append(seconds)
            seconds, pare_checksum, weights = pare_run(args.timing, args.model, spec, names)
            pare_times.append(seconds)
            if pare_checksum != numpy_checksum:
                sys.exit(f"{label}: reconstructions differ (checksum pare {pare_checksum}, numpy {numpy_checksum})")
        numpy_s, pare_s = statistics.median(numpy_times), statistics.median(pare_times)
        print(f"{label}: {len(matrices)} tensors, {weights / 1e6:.1f}M weights (median of {args.rounds} rounds)")
        print(f"  numpy {numpy_s * 1000:7.1f} ms  {weights / numpy_s / 1e6:6.0f}M weights/s")
        print(f"  pare  {pare_s * 1000:7.1f} ms  {weights / pare_s / 1e6:6.0f}M weights/s")
        print(f"  ratio pare/numpy: {pare_s / numpy_s:.2f} (target <= 1.0)")


if __name__ == "__main__":
    main()
