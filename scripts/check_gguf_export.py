#!/usr/bin/env python3
"""Round trip of `pare apply --format gguf` through llama.cpp (llama-cpp-python) and gguf-py.

    python3 scripts/check_gguf_export.py MODEL.gguf [--types q8_0,q4_0,...] [--text .models/text/wiki.utf8]
                                         [--pare .build/debug/pare] [--keep DIR]

1. Makes a mixed plan for the model: every matrix whose rows fit gets one of --types in turn
   (llama.cpp's block sizes: 32, or 256 for the K types), one matrix {"scheme": "fp16"} (an
   F16 tensor in the export) and one int8 per channel (written as exact F32 values, with
   Pare's warning); norms stay as stored.
2. `pare eval MODEL --plan P --text T --ctx 512 --chunks 1 --json`: Pare's perplexity of the
   planned model over the first window of 512 tokens, scored as llama.cpp's perplexity scores
   it (the second half of the window).
3. `pare apply --format gguf` and `pare apply` (the drop-in safetensors) of the same plan.
4. llama.cpp loads the exported GGUF (llama-cpp-python, logits of every position) and computes
   the perplexity of the same window: the text tokenized by llama.cpp, the first 512 tokens,
   the first replaced by BOS when the vocabulary adds one, positions 256..510 scored. It must
   be within 1.5% of Pare's (llama.cpp quantizes activations to 8 bits in its dot products,
   so exact logits cannot be asked of it).
5. gguf-py reads the export: every planned tensor has its planned type (F16 for the fp16 one,
   F32 for the int one), and every tensor dequantized by gguf-py equals Pare's drop-in values
   bit for bit.
Exits non-zero on any failure.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize
from safetensors.numpy import load_file

BLOCK = {"q8_0": 32, "q4_0": 32, "q4_1": 32, "q5_0": 32, "q5_1": 32, "iq4_nl": 32,
         "q2_k": 256, "q3_k": 256, "q4_k": 256, "q5_k": 256, "q6_k": 256, "iq4_xs": 256}


def make_plan(reader, types):
    matrices = [t for t in reader.tensors if len(t.shape) == 2]
    plan, used = {}, set()
    special = {}
    # The F16 and the int tensor: the first two attention output projections.
    outputs = [t.name for t in matrices if "attn_output" in t.name]
    special[outputs[0]] = {"quantize": {"scheme": "fp16"}}
    special[outputs[1]] = {"quantize": {"scheme": "int", "bits": 8, "granularity": "channel"}}
    k = 0
    for t in matrices:
        if t.name in special:
            plan[t.name] = special[t.name]
            continue
        row = int(t.shape[0])  # ggml's ne[0]
        for attempt in range(len(types)):
            candidate = types[(k + attempt) % len(types)]
            if row % BLOCK[candidate] == 0:
                plan[t.name] = {"quantize": {"scheme": "ggml", "type": candidate}}
                used.add(candidate)
                k += 1
                break
    return plan, used


def llama_cpp_perplexity(path, text, ctx):
    from llama_cpp import Llama
    llm = Llama(model_path=path, n_ctx=ctx, n_batch=ctx, n_ubatch=ctx, logits_all=True, verbose=False)
    tokens = llm.tokenize(text.encode("utf-8"), add_bos=True)
    window = tokens[:ctx]
    bos = llm.token_bos()
    if tokens and tokens[0] == bos:  # the vocabulary adds BOS: every window starts with it
        window[0] = bos
    llm.reset()
    llm.eval(window)
    logits = np.array(llm.scores[:ctx], dtype=np.float64)
    nll = 0.0
    first = ctx // 2
    for pos in range(first, ctx - 1):
        row = logits[pos]
        m = row.max()
        lse = m + math.log(np.exp(row - m).sum())
        nll += lse - row[window[pos + 1]]
    return math.exp(nll / (ctx - 1 - first))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--types", default="q8_0,q4_0,q5_0,q4_1,q6_k,q4_k,q5_k,q3_k")
    parser.add_argument("--text", default=".models/text/wiki.utf8")
    parser.add_argument("--pare", default=".build/debug/pare")
    parser.add_argument("--keep", help="keep the plan and exports in this directory")
    parser.add_argument("--ctx", type=int, default=512, help="tokens in the window (512 for the check)")
    args = parser.parse_args()
    types = args.types.split(",")

    reader = GGUFReader(args.model)
    plan, used = make_plan(reader, types)
    print(f"plan: {len(plan)} tensors, ggml types {sorted(used)}, one fp16 (F16), one int8 (exact F32)")
    work = args.keep or tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    plan_path = os.path.join(work, "plan.json")
    with open(plan_path, "w") as f:
        json.dump({"format": "pare-plan/1", "tensors": plan}, f, indent=1)

    data = ["--text", args.text, "--ctx", str(args.ctx), "--chunks", "1"]
    evaluation = json.loads(subprocess.run([args.pare, "eval", args.model, "--plan", plan_path, *data, "--json"],
                                           check=True, capture_output=True, text=True).stdout)
    gguf_dir, dropin_dir = os.path.join(work, "gguf"), os.path.join(work, "dropin")
    run = subprocess.run([args.pare, "apply", args.model, "--plan", plan_path, "--output", gguf_dir, "--format", "gguf", *data],
                         check=True, capture_output=True, text=True)
    print(run.stderr.strip())
    subprocess.run([args.pare, "apply", args.model, "--plan", plan_path, "--output", dropin_dir, *data],
                   check=True, capture_output=True, text=True)
    exported = os.path.join(gguf_dir, "model.gguf")

    failures = []
    # gguf-py: types and values.
    out = GGUFReader(exported)
    dropin = load_file(os.path.join(dropin_dir, "model.safetensors"))
    for t in out.tensors:
        spec = plan.get(t.name, {}).get("quantize")
        want = None
        if spec:
            want = {"ggml": (spec.get("type") or "").upper(), "fp16": "F16", "int": "F32"}[spec["scheme"]]
        if want and t.tensor_type.name != want:
            failures.append(f"{t.name}: type {t.tensor_type.name}, planned {want}")
        values = dequantize(t.data, t.tensor_type).astype(np.float32).reshape(-1)
        expected = dropin[t.name].astype(np.float32).reshape(-1)
        if not np.array_equal(values.view(np.uint32), expected.view(np.uint32)):
            failures.append(f"{t.name}: gguf-py's dequantized values differ from Pare's drop-in "
                            f"(max |diff| {np.abs(values - expected).max()})")
    print(f"gguf-py: {len(out.tensors)} tensors read, types as planned, values equal to the drop-in: "
          f"{'no' if failures else 'yes'}")
    file_type = out.fields["general.file_type"].parts[-1][0]
    print(f"general.file_type {file_type}, general.quantization_version {out.fields['general.quantization_version'].parts[-1][0]}")

    text = open(args.text, encoding="utf-8").read()
    ppl = llama_cpp_perplexity(exported, text, args.ctx)
    pare_ppl = evaluation.get("perplexity")
    print(f"perplexity over {args.ctx} tokens: llama.cpp {ppl:.4f}, Pare {pare_ppl} "
          f"(Pare's baseline {evaluation.get('baseline_perplexity')}, mean KL {evaluation.get('value')})")
    if pare_ppl is None:
        failures.append(f"no perplexity in pare eval's JSON: {json.dumps(evaluation)[:300]}")
    elif abs(ppl - pare_ppl) / pare_ppl > 0.015:
        failures.append(f"llama.cpp's perplexity {ppl:.4f} is {100 * (ppl / pare_ppl - 1):+.2f}% from Pare's {pare_ppl:.4f}")
    else:
        print(f"within {100 * abs(ppl / pare_ppl - 1):.2f}% (limit 1.5%)")
    if failures:
        sys.exit("\n".join(failures[:20]))
    print("ok")


if __name__ == "__main__":
    main()
