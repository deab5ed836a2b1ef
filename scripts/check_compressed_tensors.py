#!/usr/bin/env python3
"""Checks `pare apply --format compressed-tensors` with compressed-tensors' own code.

    python3 scripts/check_compressed_tensors.py MODEL_DIR PLAN [--pare .build/debug/pare]

Runs `pare apply` twice, into temporary directories: the drop-in safetensors export and the
compressed-tensors export. Then, for every config group of the export's quantization_config, it
decompresses each target module with compressed-tensors' PackedQuantizationCompressor (the
code vLLM's and transformers' loaders use) and requires the weight, cast to the drop-in's
dtype, to equal the drop-in's tensor exactly; every other tensor must be the drop-in's bytes.
With --transformers it also loads the export with transformers (AutoModelForCausalLM, which
decompresses through compressed-tensors) and compares every weight to the drop-in.
Exits non-zero on any difference.
"""

import argparse
import json
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
    parser.add_argument("--transformers", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        dropin_dir, export_dir = os.path.join(tmp, "dropin"), os.path.join(tmp, "ct")
        for out, fmt in ((dropin_dir, "safetensors"), (export_dir, "compressed-tensors")):
            subprocess.run([args.pare, "apply", args.model, "--plan", args.plan, "--output", out, "--format", fmt],
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
            model = AutoModelForCausalLM.from_pretrained(export_dir, torch_dtype="auto")
            state = model.state_dict()
            for name, expected in dropin.items():
                if name in state and not torch.equal(state[name].to(expected.dtype), expected):
                    sys.exit(f"{name}: transformers' loaded weight differs from the drop-in")
            print("transformers loaded the export: every weight equals the drop-in")
        print(f"ok: {checked} modules decompressed by compressed-tensors {compressed_tensors.__version__} "
              f"equal Pare's drop-in exactly; {len(exported)} tensors checked")


if __name__ == "__main__":
    main()
