#!/usr/bin/env python3
"""Time a float32 numpy forward pass over 10,000 MNIST images, optionally against `pare eval`.

Usage: python3 scripts/bench_numpy.py [--pare PATH] [--model DIR] [--repeat N]

The bundled 1,000-image test set is tiled 10x so that per-call overheads are
small next to the compute. numpy is timed in-process (preprocessing included,
model loading not); pare is timed as a whole process, start-up and file
loading included, so a ratio <= 1.0 is a conservative target for pare. With
--pare the two alternate, run for run, so that both see the same machine load.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from make_demo_assets import (DATA_PATH, ROOT, forward, load_model, preprocess, read_safetensors,
                               write_safetensors)

TILES = 10


def elapsed_ms(run):
    """Wall time of one call of `run`, in ms."""
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def median_ms(runs, repeat):
    """Median wall time in ms of each of `runs` over `repeat` rounds, in which they take turns,
    after one untimed warm-up of each. Each run starts after a pause: OpenBLAS's idle threads
    spin on a core for about 0.1 s after a call, which would slow whatever runs next."""
    for run in runs:
        run()
    times = [[] for _ in runs]
    for _ in range(repeat):
        for run, samples in zip(runs, times):
            time.sleep(0.25)
            samples.append(elapsed_ms(run))
    return [statistics.median(samples) for samples in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pare", help="path to the pare binary; omit to time numpy only")
    parser.add_argument("--model", default=str(ROOT / "assets" / "models" / "lenet-300-100"))
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--batch", type=int, default=2000,
                        help="images per forward call (im2col on 10,000 images at once needs ~1 GB)")
    args = parser.parse_args()

    config, weights = load_model(args.model)
    test, _ = read_safetensors(DATA_PATH)
    images = np.tile(test["images"], (TILES, 1, 1, 1))
    labels = np.tile(test["labels"], TILES)

    def numpy_eval():
        logits = [forward(config, weights, preprocess(images[i:i + args.batch], config))
                  for i in range(0, len(images), args.batch)]
        return int((np.concatenate(logits).argmax(axis=1) == labels).sum())

    n = len(images)
    print(f"numpy accuracy: {numpy_eval()}/{n}")
    if not args.pare:
        numpy_ms, = median_ms([numpy_eval], args.repeat)
        print(f"numpy forward, {n} images: {numpy_ms:.1f} ms (median of {args.repeat})")
        return

    with tempfile.TemporaryDirectory() as tmpdir:
        tiled = Path(tmpdir) / "mnist-test-x10.safetensors"
        write_safetensors(tiled, {"images": images, "labels": labels})
        command = [args.pare, "eval", args.model, "--data", str(tiled)]

        def pare_eval():
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                sys.exit(f"{' '.join(command)} exited with {result.returncode}:\n"
                         f"{result.stdout}{result.stderr}")
            return result.stdout

        print(f"pare output: {pare_eval().strip()}")
        numpy_ms, pare_ms = median_ms([numpy_eval, pare_eval], args.repeat)
    print(f"numpy forward, {n} images: {numpy_ms:.1f} ms (median of {args.repeat})")
    print(f"pare eval process, {n} images: {pare_ms:.1f} ms (median of {args.repeat})")
    print(f"ratio pare/numpy: {pare_ms / numpy_ms:.2f} (target <= 1.0)")


if __name__ == "__main__":
    main()
