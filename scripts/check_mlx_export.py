#!/usr/bin/env python3
"""Checks `pare apply --format mlx` with MLX itself (`pip install "mlx[cpu]"` works on Linux).

    python3 scripts/check_mlx_export.py MODEL_DIR PLAN [--pare .build/debug/pare]

Runs `pare apply` twice, into temporary directories: the drop-in safetensors export and the MLX
export. For every module with `scales` in the export it dequantizes `weight` with
mx.dequantize at the group size and bits config.json's `quantization` block gives it (its own
entry, else the global one, as mlx-lm's loader reads them), and requires the result, cast to
the drop-in's dtype, to equal the drop-in's tensor exactly; every other tensor must be the
drop-in's. Exits non-zero on any difference.
"""

import argparse
import json
import shlex
import os
import subprocess
import sys
import tempfile

import mlx.core as mx
import numpy as np
import torch
from safetensors.torch import load_file


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("plan")
    parser.add_argument("--pare", default=".build/debug/pare")
    parser.add_argument("--pare-args", default="", help="more `pare apply` options, e.g. \"--text F --chunks 1\" to measure less")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        dropin_dir, export_dir = os.path.join(tmp, "dropin"), os.path.join(tmp, "mlx")
        for out, fmt in ((dropin_dir, "safetensors"), (export_dir, "mlx")):
            subprocess.run([args.pare, "apply", args.model, "--plan", args.plan, "--output", out, "--format", fmt,
                            *shlex.split(args.pare_args)],
                           check=True, stdout=subprocess.DEVNULL)
        dropin = load_file(os.path.join(dropin_dir, "model.safetensors"))
        exported = mx.load(os.path.join(export_dir, "model.safetensors"))
        with open(os.path.join(export_dir, "config.json")) as f:
            quantization = json.load(f)["quantization"]
        modules = sorted(n[: -len(".scales")] for n in exported if n.endswith(".scales"))
        for module in modules:
            entry = quantization.get(module, quantization)
            w = mx.dequantize(exported[f"{module}.weight"], exported[f"{module}.scales"], exported[f"{module}.biases"],
                              group_size=entry["group_size"], bits=entry["bits"])
            expected = dropin[f"{module}.weight"]
            got = torch.from_numpy(np.array(w.astype(mx.float32))).to(expected.dtype)
            if not torch.equal(got, expected):
                diff = (got.float() - expected.float()).abs().max().item()
                sys.exit(f"{module}: mx.dequantize differs from the drop-in (max |diff| {diff})")
        quantized = {f"{m}.{s}" for m in modules for s in ("weight", "scales", "biases")}
        for name, tensor in exported.items():
            if name in quantized:
                continue
            expected = dropin[name]
            got = torch.from_numpy(np.array(tensor.astype(mx.float32))).to(expected.dtype)
            if not torch.equal(got, expected):
                sys.exit(f"{name}: differs from the drop-in")
        print(f"ok: {len(modules)} modules dequantized by mlx {mx.__version__} equal Pare's drop-in exactly; "
              f"{len(exported)} tensors checked")


if __name__ == "__main__":
    main()
