#!/usr/bin/env python3
"""Checks `pare apply --format compressed-tensors` with compressed-tensors' own code.

    python3 scripts/check_compressed_tensors.py MODEL_DIR PLAN [--pare .build/debug/pare]

Runs `pare apply` twice, into temporary directories: the drop-in safetensors export and the
compressed-tensors export. Then, for every config group of the export's quantization_config, it
decompresses each target module with compressed-tensors' PackedQuantizationCompressor (the
code vLLM's and transformers' loaders use) and requires the weight, cast to the drop-in's
dtype, to equal the drop-in's tensor exactly; every other tensor must be the drop-in's bytes.
With --transformers it also loads the export with transformers (AutoModelForCausalLM, which
runs compressed-tensors' compressed modules) and compares its logits with the drop-in's: those
modules dequantize in the scales' dtype (F32 for a BF16 model) where the drop-in holds BF16
weights, so within 5e-2 of the largest logit; the exact check is the decompression above.
compressed-tensors 0.20.1 with transformers cannot load asymmetric channel or group weights
that compressed-tensors itself packed (the model it builds to load into expects unpacked
zero-points), so use a symmetric plan with --transformers.
Exits non-zero on any difference.
"""

import argparse
import json
import shlex
import os
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file

import compressed_tensors
from compressed_tensors.compressors.pack_quantized.base import PackedQuantizationCompressor
from compressed_tensors.quantization import QuantizationConfig


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("plan")
    parser.add_argument("--pare", default=".build/debug/pare")
    parser.add_argument("--pare-args", default="", help="more `pare apply` options, e.g. \"--text F --chunks 1\" to measure less")
    parser.add_argument("--transformers", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        dropin_dir, export_dir = os.path.join(tmp, "dropin"), os.path.join(tmp, "ct")
        for out, fmt in ((dropin_dir, "safetensors"), (export_dir, "compressed-tensors")):
            subprocess.run([args.pare, "apply", args.model, "--plan", args.plan, "--output", out, "--format", fmt,
                            *shlex.split(args.pare_args)],
                           check=True, stdout=subprocess.DEVNULL)
        dropin = load_file(os.path.join(dropin_dir, "model.safetensors"))
        exported = load_file(os.path.join(export_dir, "model.safetensors"))
        with open(os.path.join(export_dir, "config.json")) as f:
            config = json.load(f)
        qc = QuantizationConfig.model_validate(config["quantization_config"])
        assert qc.format == "pack-quantized" and qc.quantization_status == "compressed", "wrong format or status"

        checked, modules = 0, set()
        for group_name, scheme in qc.config_groups.items():
            for module in scheme.targets:
                assert not module.startswith("re:"), "this check expects module names as targets"
                names = PackedQuantizationCompressor.compression_param_names(scheme)
                state = {n: exported[f"{module}.{n}"] for n in names if f"{module}.{n}" in exported}
                weight = PackedQuantizationCompressor.decompress(state, scheme)["weight"]
                expected = dropin[f"{module}.weight"]
                got = weight.to(expected.dtype)
                if not torch.equal(got, expected):
                    diff = (got.float() - expected.float()).abs().max().item()
                    sys.exit(f"{module}: decompressed weight differs from the drop-in (max |diff| {diff})")
                modules.add(module)
                checked += 1
        for name, tensor in exported.items():
            module = name.rsplit(".", 1)[0]
            if module in modules:
                continue
            if not torch.equal(tensor, dropin[name]):
                sys.exit(f"{name}: differs from the drop-in")
        missing = [n for n in dropin if n not in exported and n.rsplit(".", 1)[0] not in modules]
        if missing:
            sys.exit(f"missing from the export: {missing[:5]}")

        if args.transformers:
            from transformers import AutoModelForCausalLM
            compressed = AutoModelForCausalLM.from_pretrained(export_dir, dtype="auto")
            plain = AutoModelForCausalLM.from_pretrained(dropin_dir, dtype="auto")
            ids = torch.arange(1, 33).reshape(1, -1) % compressed.config.vocab_size
            with torch.no_grad():
                a, b = compressed(ids).logits.float(), plain(ids).logits.float()
            diff = (a - b).abs().max().item() / b.abs().max().item()
            if diff > 5e-2:
                sys.exit(f"transformers' logits of the export differ from the drop-in's by {diff:.2e} of the largest")
            print(f"transformers loaded the export (compressed modules) and its logits are within {diff:.1e} "
                  "(of the largest) of the drop-in's")
        print(f"ok: {checked} modules decompressed by compressed-tensors {compressed_tensors.__version__} "
              f"equal Pare's drop-in exactly; {len(exported)} tensors checked")


if __name__ == "__main__":
    main()
