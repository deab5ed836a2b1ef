#!/usr/bin/env python3
"""Time ggml's C quantizers and Pare's GGMLQuantizer on SmolLM2's weights, in the same run.

Usage: python3 scripts/bench_ggml_quantize.py --timing PATH [--model FILE] [--rounds N]

The workload of issue #16: every two-axis tensor of the GGUF to q8_0, and every one whose rows
are a multiple of 256 to q4_k (reference quantizers, no importance), from the same dequantized
Float32 values (gguf-py's dequantizers, which equal ggml's and Pare's). ggml is timed through
ctypes calling libggml-base's `ggml_quantize_chunk` (llama-cpp-python's build): one call per
tensor on one thread, and, for all cores, the rows cut into one chunk per core and quantized by
that many threads (ctypes releases the GIL during the call), as llama-quantize does. Pare is timed
by PATH (the Benchmarks package's GGMLTiming) in both modes. Each round runs ggml once and Pare
once, so both see the same machine load; medians are compared. Both sides' checksums of the
blocks (Σ byte·(position + 1) per tensor and type) must agree.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import ggml_reference as ref

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(model):
    import gguf
    from gguf.quants import dequantize
    reader = gguf.GGUFReader(model)
    out = []
    for t in reader.tensors:
        if len(t.shape) != 2:
            continue
        columns = int(t.shape[0])
        values = dequantize(t.data, t.tensor_type).astype(np.float32).reshape(-1, columns)
        out.append(np.ascontiguousarray(values))
    return out


def work(matrices):
    return [(m, "q8_0") for m in matrices] + [(m, "q4_k") for m in matrices if m.shape[1] % 256 == 0]


def quantize_into(x, type_name, out, threads):
    """ggml_quantize_chunk over x's rows into out, in `threads` contiguous chunks of rows."""
    type_id = ref.TYPES[type_name][0]
    rows, columns = x.shape
    row_bytes = ref.row_size(type_name, columns)
    if threads == 1:
        ref.LIB.ggml_quantize_chunk(type_id, x.ctypes.data, out.ctypes.data, 0, rows, columns, None)
        return
    step = -(-rows // threads)

    def chunk(start):
        n = min(step, rows - start)
        ref.LIB.ggml_quantize_chunk(type_id, x.ctypes.data + 4 * start * columns,
                                    out.ctypes.data + start * row_bytes, 0, n, columns, None)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(chunk, range(0, rows, step)))


def run_ggml(items, outputs, threads):
    start = time.perf_counter()
    for (x, type_name), out in zip(items, outputs):
        quantize_into(x, type_name, out, threads)
    return time.perf_counter() - start


def checksum(outputs):
    total = 0
    for out in outputs:
        weights = np.arange(1, out.size + 1, dtype=np.uint64)
        total = (total + int(np.dot(out.astype(np.uint64), weights) % (1 << 64))) % (1 << 64)
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timing", required=True, help="Benchmarks/.build/release/GGMLTiming")
    parser.add_argument("--model", default=os.path.join(ROOT, ".models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    matrices = load(args.model)
    items = work(matrices)
    for type_name in ("q8_0", "q4_k"):
        ref.LIB.ggml_quantize_init(ref.TYPES[type_name][0])
    outputs = [np.zeros(x.shape[0] * ref.row_size(t, x.shape[1]), dtype=np.uint8) for x, t in items]
    cores = os.cpu_count() or 1
    run_ggml(items, outputs, 1)  # warm-up
    ggml_sum = checksum(outputs)
    ggml_one, ggml_all, pare_one, pare_all = [], [], [], []
    for _ in range(args.rounds):
        ggml_one.append(run_ggml(items, outputs, 1))
        ggml_all.append(run_ggml(items, outputs, cores))
        result = subprocess.run([args.timing, args.model, "1"], check=True, capture_output=True, text=True)
        report = json.loads(result.stdout)
        pare_one += report["one_core"]
        pare_all += report["all_cores"]
    if checksum(outputs) != ggml_sum:
        sys.exit("ggml's threaded blocks differ from its single-threaded ones")
    same = int(report["checksum"]) == ggml_sum and int(report["one_core_checksum"]) == ggml_sum
    weights = sum(x.size for x, _ in items)
    print(f"{os.path.basename(args.model)}: {report['q8_0_tensors']} tensors to q8_0, {report['q4_k_tensors']} to q4_k "
          f"({weights / 1e6:.1f} M weights quantized), {args.rounds} rounds, medians, {cores} cores")
    print(f"  blocks: {'Pare equals ggml (checksum ' + str(ggml_sum) + ')' if same else 'DIFFERENT'}")
    for label, g, p in (("one core ", ggml_one, pare_one), ("all cores", ggml_all, pare_all)):
        gm, pm = statistics.median(g), statistics.median(p)
        print(f"  {label}: ggml {gm:.3f} s, Pare {pm:.3f} s, Pare / ggml = {pm / gm:.2f}")
    gm1 = statistics.median(ggml_one)
    print(f"  Pare on all cores / ggml on one (ggml_quantize_chunk's own threading): "
          f"{statistics.median(pare_all) / gm1:.2f}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
