#!/usr/bin/env python3
"""Tests/PareWorkbenchTests/Fixtures/imatrix/: the importance-matrix fixtures.

- tiny-llama.json: for three windows of 32 random token ids, what llama.cpp's llama-imatrix
  collects for every linear weight of the tiny Llama (Tests/PareEngineTests/Fixtures/decoders/llama,
  the checkpoint tiny-llama.gguf was made from): per input column the sum over all tokens of the
  squared input activation (in_sum2), and the token count. The forward is scripts/decoder_reference.py
  (float64 numpy, unchanged): each projection's weight is handed to it wrapped in an object whose
  `inp @ w.T` records `inp` before multiplying, so nothing of the forward is re-implemented here.
  Names are llama.cpp's GGUF names (the GGUF permutes q and k rows, which changes no input).
- llama-cpp-layout.imatrix.gguf: an importance matrix written by gguf-py exactly as llama-imatrix
  lays it out (general.type "imatrix", imatrix.datasets / chunk_count / chunk_size, F32 tensors
  `<name>.in_sum2` [1, columns] and `<name>.counts` [1, 1]), with the sums above: Pare must read it.
- Tests/inputs/imatrix/: malformed or mismatched imatrix files for Tests/check-inputs.sh (each is
  refused by `pare eval tiny-llama.gguf --imatrix F` in one line naming the file): one made for a
  model of one block (no entries for blk.1), one whose blk.0.ffn_down has 64 columns instead of 80,
  one with an in_sum2 but no counts.

Usage: python3 scripts/make_imatrix_fixtures.py
"""
import json
import sys
from pathlib import Path

import gguf
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import decoder_reference  # noqa: E402

SOURCE = ROOT / "Tests/PareEngineTests/Fixtures/decoders/llama"
OUT = ROOT / "Tests/PareWorkbenchTests/Fixtures/imatrix"
STEMS = {"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
         "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
         "mlp.down_proj": "ffn_down"}


def gguf_name(hf):
    if hf == "lm_head.weight":
        return "output.weight"
    layer, rest = hf[len("model.layers."):].split(".", 1)
    return f"blk.{layer}.{STEMS[rest.rsplit('.', 1)[0]]}.weight"


class Recorded:
    """A weight whose `.T` records what it is multiplied by: `inp @ w.T`."""
    __array_ufunc__ = None  # numpy defers `inp @ self` to __rmatmul__

    def __init__(self, name, value, sums):
        self.name, self.value, self.sums = name, value, sums

    @property
    def T(self):
        return self

    def __rmatmul__(self, inp):
        rows = inp.reshape(-1, inp.shape[-1])
        entry = self.sums.setdefault(self.name, [np.zeros(rows.shape[1]), 0])
        entry[0] += (rows * rows).sum(axis=0)
        entry[1] += rows.shape[0]
        return inp @ self.value.T


def write_imatrix(path, sums, windows):
    writer = gguf.GGUFWriter(str(path), arch="", endianess=gguf.GGUFEndian.LITTLE)
    writer.add_string("general.type", "imatrix")
    writer.add_array("imatrix.datasets", ["calibration.txt"])
    writer.add_uint32("imatrix.chunk_count", windows)
    writer.add_uint32("imatrix.chunk_size", 32)
    for name, (s, n) in sorted(sums.items()):
        if s is not None:
            writer.add_tensor(name + ".in_sum2", s.astype(np.float32).reshape(1, -1))
        if n is not None:
            writer.add_tensor(name + ".counts", np.array([[n]], dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main():
    weights = decoder_reference.read_weights(SOURCE)
    sums = {}
    wrapped = {k: (Recorded(gguf_name(k), v, sums) if (k == "lm_head.weight" or any(s in k for s in STEMS)) and
                   k.endswith(".weight") else v) for k, v in weights.items()}
    decoder_reference.read_weights = lambda _: wrapped
    rng = np.random.default_rng(16)
    windows = [rng.integers(0, 256, 32).tolist() for _ in range(3)]
    for window in windows:
        decoder_reference.logits(SOURCE, window)
    entries = {name: {"sums": s.tolist(), "count": n} for name, (s, n) in sorted(sums.items())}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tiny-llama.json").write_text(json.dumps({"windows": windows, "entries": entries}) + "\n")

    # llama-imatrix records the head only with --process-output
    blocks = {k: v for k, v in sums.items() if k != "output.weight"}
    write_imatrix(OUT / "llama-cpp-layout.imatrix.gguf", blocks, len(windows))
    bad = ROOT / "Tests/inputs/imatrix"
    bad.mkdir(parents=True, exist_ok=True)
    write_imatrix(bad / "other-model.imatrix.gguf", {k: v for k, v in blocks.items() if k.startswith("blk.0.")}, 3)
    write_imatrix(bad / "wrong-columns.imatrix.gguf",
                  {**blocks, "blk.0.ffn_down.weight": (blocks["blk.0.ffn_down.weight"][0][:64], 96)}, 3)
    write_imatrix(bad / "missing-counts.imatrix.gguf", {**blocks, "blk.1.attn_q.weight": (blocks["blk.1.attn_q.weight"][0], None)}, 3)
    print(len(entries), "entries;", {k: v["count"] for k, v in list(entries.items())[:2]})


if __name__ == "__main__":
    main()
