#!/usr/bin/env python3
"""Checks `pare apply --format mlx` with MLX itself (`pip install "mlx[cpu]"` works on Linux).

    python3 scripts/check_mlx_export.py MODEL_DIR PLAN [--pare .build/debug/pare]

Runs `pare apply` twice, into temporary directories: the drop-in safetensors export and the MLX
export. For every module with `scales` in the export it dequantizes `weight` with
mx.dequantize at the group size and bits config.json's `quantization` block gives it (its own
entry, else the global one, as mlx-lm's loader reads them), and requires the result, cast to
the drop-in's dtype, to equal the drop-in's tensor exactly; every other tensor must be the
drop-in's. Exits non-zero on any difference.

With --mlx-lm (`pip install mlx-lm`), also loads the export as it is with `mlx_lm.load` (config,
weights and the tokenizer files Pare copies beside them), runs it on a short text, and compares
its logits with transformers' forward (PyTorch CPU, float32) of the same weights.
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
    parser.add_argument("--mlx-lm", action="store_true", help="also load the export with mlx_lm.load and compare logits")
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
        dequantized = {}
        for module in modules:
            entry = quantization.get(module, quantization)
            w = mx.dequantize(exported[f"{module}.weight"], exported[f"{module}.scales"], exported[f"{module}.biases"],
                              group_size=entry["group_size"], bits=entry["bits"])
            expected = dropin[f"{module}.weight"]
            dequantized[module] = torch.from_numpy(np.array(w.astype(mx.float32)))
            got = dequantized[module].to(expected.dtype)
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
        if args.mlx_lm:
            compare_with_mlx_lm(export_dir, dropin_dir, dequantized)


def compare_with_mlx_lm(export_dir, dropin_dir, dequantized):
    """mlx_lm.load of the export against transformers' forward of the same weights: the drop-in
    with each quantized module's weight replaced by its float32 mx.dequantize (a BF16 drop-in
    holds those values rounded to BF16), everything in float32."""
    import mlx_lm
    from transformers import AutoModelForCausalLM

    model, tokenizer = mlx_lm.load(export_dir)
    # Both in float32 (a BF16 model's norms and embeddings upcast exactly; the packed weights stay).
    model.set_dtype(mx.float32)
    ids = tokenizer.encode("The quick brown fox jumps over the lazy dog. It was the best of times.")
    mlx_logits = np.array(model(mx.array([ids])).astype(mx.float32))[0]
    reference = AutoModelForCausalLM.from_pretrained(dropin_dir, dtype=torch.float32)
    parameters = dict(reference.named_parameters())
    with torch.no_grad():
        for module, weight in dequantized.items():
            parameters[f"{module}.weight"].copy_(weight)
        torch_logits = reference(torch.tensor([ids])).logits[0].numpy()
    scale = np.abs(torch_logits).max()
    diff = np.abs(mlx_logits - torch_logits).max()
    same_top = (mlx_logits.argmax(-1) == torch_logits.argmax(-1)).mean()
    if diff > 1e-4 * scale:
        sys.exit(f"mlx_lm.load's logits differ from transformers' on the same weights: max |diff| {diff:.3g} of {scale:.3g}")
    print(f"ok: mlx_lm {mlx_lm.__version__} loads the export as it is; on {len(ids)} tokens its logits are within "
          f"{diff:.2g} of transformers' on the same weights (largest {scale:.3g}), same top token {100 * same_top:.0f}%")


if __name__ == "__main__":
    main()
