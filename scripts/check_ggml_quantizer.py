#!/usr/bin/env python3
"""Real-model check of Pare's GGMLQuantizer against ggml (not in CI: needs the GGUFs in .models and
a release build of the Benchmarks package's GGMLCheck).

Every two-axis tensor of SmolLM2-135M and Gemma-3-270M, to every type Pare quantizes to whose
block fits the tensor's rows, with and without importance: Pare's blocks (GGMLCheck prints their
CRC-32) against ggml's own (`ggml_quantize_chunk` of libggml-base, scripts/ggml_reference.py) from
the same values (gguf-py's dequantization, which equals Pare's). The importance vector is the one
GGMLCheck builds: ((7919·c) mod 101 + 1) / 16, and 0 where c mod 97 = 5.

ggml is single-threaded and slow on the searched types (q2_k, q4_k and the iq4 types take about
0.5-1.5 µs per weight), so by default only each tensor's first --max-rows rows are compared
(0: every row).

Usage: python3 scripts/check_ggml_quantizer.py --check Benchmarks/.build/release/GGMLCheck [--max-rows N]
"""
import argparse
import os
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import ggml_reference as ref

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["SmolLM2-135M-Instruct.Q4_1.gguf", "gemma-3-270m-q4_k_m.gguf"]
TYPES = ["q2_k", "q3_k", "iq4_xs", "q4_0", "q4_k", "iq4_nl", "q4_1", "q5_0", "q5_k", "q5_1", "q6_k", "q8_0"]


def importance(columns):
    c = np.arange(columns)
    w = (((7919 * c) % 101) + 1).astype(np.float32) / np.float32(16)
    w[c % 97 == 5] = 0
    return w


def ggml_crcs(path, max_rows):
    import gguf
    from gguf.quants import dequantize
    reader = gguf.GGUFReader(path)
    jobs = []
    for t in reader.tensors:
        if len(t.shape) != 2:
            continue
        columns = int(t.shape[0])
        values = dequantize(t.data, t.tensor_type).astype(np.float32).reshape(-1, columns)
        if max_rows:
            values = values[:max_rows]
        values = np.ascontiguousarray(values)
        w = importance(columns)
        for type_name in TYPES:
            if columns % ref.TYPES[type_name][1]:
                continue
            for mode in ("plain", "imatrix"):
                jobs.append((t.name, type_name, mode, values, w if mode == "imatrix" else None))

    def run(job):
        name, type_name, mode, values, w = job
        return (name, type_name, mode), zlib.crc32(ref.quantize(values, type_name, w))

    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # ctypes releases the GIL
        return dict(pool.map(run, jobs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", required=True, help="Benchmarks/.build/release/GGMLCheck")
    parser.add_argument("--max-rows", type=int, default=64)
    args = parser.parse_args()
    total_tensors = total = bad = 0
    for file in MODELS:
        path = os.path.join(ROOT, ".models", file)
        if not os.path.exists(path):
            print(f"{file}: absent, skipped")
            continue
        command = [args.check, path] + ([str(args.max_rows)] if args.max_rows else [])
        pare = {}
        for line in subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines():
            name, type_name, mode, crc = line.split()
            pare[(name, type_name, mode)] = int(crc)
        ggml = ggml_crcs(path, args.max_rows)
        if set(pare) != set(ggml):
            print(f"{file}: Pare and ggml quantized different (tensor, type) sets: "
                  f"{len(set(pare) ^ set(ggml))} differ")
            bad += 1
        mismatches = sorted(k for k in ggml if pare.get(k) != ggml[k])
        tensors = len({k[0] for k in ggml})
        for k in mismatches[:20]:
            print(f"  {file} {' '.join(k)}: blocks differ")
        print(f"{file}: {tensors} tensors, {len(ggml)} (tensor, type, importance) results, "
              f"{len(mismatches)} mismatches" + (f" (first {args.max_rows} rows of each)" if args.max_rows else ""))
        total_tensors += tensors
        total += len(ggml)
        bad += len(mismatches)
    print(f"total: {total_tensors} tensors, {total} results compared, {bad} mismatches")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
