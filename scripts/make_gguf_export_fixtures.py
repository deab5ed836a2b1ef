#!/usr/bin/env python3
"""Expected blocks for the GGUF export test (ExportFormatTests), made by gguf-py's numpy quantizers.

    python3 scripts/make_gguf_export_fixtures.py

Reads Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf and writes
Tests/PareCompressionTests/Fixtures/export/gguf-blocks.safetensors: U8 tensors
`blk.0.attn_q.weight` (q8_0) and `blk.0.attn_k.weight` (q4_0), the blocks gguf-py's
`gguf.quants.quantize` makes of those F32 tensors: what a GGUF export under
Fixtures/export/gguf-plan.json must hold for them, byte for byte.
"""

import json
import os

import numpy as np
from gguf import GGMLQuantizationType, GGUFReader
from gguf.quants import quantize
from safetensors.numpy import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "Tests", "PareWorkbenchTests", "Fixtures", "tiny-llama.gguf")
OUT = os.path.join(ROOT, "Tests", "PareCompressionTests", "Fixtures", "export")

PLAN = {
    "blk.0.attn_q.weight": {"quantize": {"scheme": "ggml", "type": "q8_0"}},
    "blk.0.attn_k.weight": {"quantize": {"scheme": "ggml", "type": "q4_0"}},
    "blk.0.attn_v.weight": {"quantize": {"scheme": "int", "bits": 8, "granularity": "channel"}},
    "blk.1.attn_q.weight": {"quantize": {"scheme": "fp16"}},
}
TYPES = {"q8_0": GGMLQuantizationType.Q8_0, "q4_0": GGMLQuantizationType.Q4_0}


def main():
    reader = GGUFReader(SOURCE)
    tensors = {t.name: t for t in reader.tensors}
    out = {}
    for name, spec in PLAN.items():
        q = spec["quantize"]
        if q["scheme"] != "ggml":
            continue
        t = tensors[name]
        values = np.array(t.data, dtype=np.float32).reshape(list(reversed(t.shape.tolist())))
        out[name] = np.ascontiguousarray(quantize(values, TYPES[q["type"]])).reshape(-1).astype(np.uint8)
    save_file(out, os.path.join(OUT, "gguf-blocks.safetensors"))
    with open(os.path.join(OUT, "gguf-plan.json"), "w") as f:
        json.dump({"format": "pare-plan/1", "tensors": PLAN}, f, indent=2)
        f.write("\n")
    print(f"wrote {OUT}/gguf-blocks.safetensors, gguf-plan.json")


if __name__ == "__main__":
    main()
