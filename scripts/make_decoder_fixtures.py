#!/usr/bin/env python3
"""Tiny random decoder checkpoints and their expected logits, for Pare's decoder tests.

Writes Tests/PareEngineTests/Fixtures/decoders/<name>/ with
  config.json, model.safetensors (or shards + model.safetensors.index.json)  as transformers saves them
  ids.json            64 token ids
  expected.safetensors  "logits" F32 [64, vocab]: scripts/decoder_reference.py's numpy forward (float64)

The checkpoints are made by transformers (so config keys and tensor names are exactly its own), with
every parameter redrawn from a fixed seed at a scale that gives logits of a few units, then cast to
the fixture's dtype. One fixture (llama3-tied) has its config.json rewritten in the transformers v4
layout that Hub checkpoints such as SmolLM2 use (rope_theta + rope_scaling).

When torch + transformers are installed, the numpy reference is also checked against transformers'
own forward (PyTorch CPU, float32, eager attention) and the max difference printed; the Swift tests
never depend on that.

Usage: python scripts/make_decoder_fixtures.py
"""

import json
import sys
from pathlib import Path

import numpy as np
import torch
import transformers
from safetensors.numpy import save_file

sys.path.insert(0, str(Path(__file__).parent))
import decoder_reference  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests/PareEngineTests/Fixtures/decoders"

COMMON = dict(vocab_size=256, hidden_size=64, intermediate_size=80, num_hidden_layers=2,
              num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6, max_position_embeddings=512)

FIXTURES = [
    # name, config class, extra config, dtype, shard
    ("llama", "LlamaConfig", dict(tie_word_embeddings=False), torch.bfloat16, False),
    ("llama3-tied", "LlamaConfig", dict(tie_word_embeddings=True, rope_theta=10000.0, rope_scaling=dict(
        rope_type="llama3", factor=4.0, low_freq_factor=1.0, high_freq_factor=4.0,
        original_max_position_embeddings=64)), torch.float32, False),
    ("mistral-sharded", "MistralConfig", dict(tie_word_embeddings=False, sliding_window=16, rope_theta=50000.0),
     torch.float16, True),
    ("qwen2", "Qwen2Config", dict(tie_word_embeddings=True, rope_theta=1e6), torch.float32, False),
    ("qwen3", "Qwen3Config", dict(tie_word_embeddings=False, head_dim=24), torch.bfloat16, False),
    ("gemma3", "Gemma3TextConfig", dict(
        num_hidden_layers=3, head_dim=16, sliding_window=8, query_pre_attn_scalar=24,
        layer_types=["sliding_attention", "full_attention", "sliding_attention"],
        rope_parameters={"full_attention": {"rope_type": "linear", "factor": 2.0, "rope_theta": 1e6},
                         "sliding_attention": {"rope_type": "default", "rope_theta": 1e4}}),
     torch.float16, False),
]


def randomize(model, gemma, generator):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.ndim == 1 and "norm" in name:
                base = 0.0 if gemma else 1.0
                p.copy_(base + 0.1 * torch.randn(p.shape, generator=generator))
            elif "embed_tokens" in name:
                p.copy_(torch.randn(p.shape, generator=generator))
            elif p.ndim == 2:
                p.copy_(torch.randn(p.shape, generator=generator) / p.shape[1] ** 0.5)
            else:  # biases
                p.copy_(0.2 * torch.randn(p.shape, generator=generator))


def to_v4(config_path):
    """Rewrites a llama config.json's rope_parameters as v4's rope_theta + rope_scaling."""
    config = json.loads(config_path.read_text())
    params = config.pop("rope_parameters")
    config["rope_theta"] = params.pop("rope_theta")
    config["rope_scaling"] = params if params.get("rope_type", "default") != "default" else None
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(1234)
    rng = np.random.default_rng(99)
    worst = 0.0
    for name, cls, extra, dtype, shard in FIXTURES:
        directory = OUT / name
        for old in directory.glob("*"):
            old.unlink()
        gemma = cls == "Gemma3TextConfig"
        kwargs = dict(COMMON)
        kwargs.update(extra)
        config = getattr(transformers, cls)(**kwargs)
        torch.manual_seed(0)
        model = transformers.AutoModelForCausalLM.from_config(config, attn_implementation="eager")
        randomize(model, gemma, generator)
        model = model.to(dtype)
        model.save_pretrained(directory, max_shard_size="100KB" if shard else "50GB")
        for extra_file in ("generation_config.json",):
            (directory / extra_file).unlink(missing_ok=True)
        if name == "llama3-tied":
            to_v4(directory / "config.json")
        ids = rng.integers(0, COMMON["vocab_size"], size=64).tolist()
        (directory / "ids.json").write_text(json.dumps(ids) + "\n")
        expected = decoder_reference.logits(directory, ids)
        save_file({"logits": expected.astype(np.float32)}, str(directory / "expected.safetensors"))

        hf = transformers.AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32,
                                                                attn_implementation="eager")
        with torch.no_grad():
            theirs = hf(torch.tensor([ids])).logits[0].double().numpy()
        difference = np.abs(theirs - expected).max() / np.abs(expected).max()
        worst = max(worst, difference)
        size = sum(f.stat().st_size for f in directory.iterdir())
        print(f"{name}: {sorted(f.name for f in directory.iterdir())}, {size // 1024} KB, "
              f"max |logit| {np.abs(expected).max():.2f}, numpy vs transformers max diff / max |logit| {difference:.2e}")
    print(f"worst relative difference numpy vs transformers: {worst:.2e}")


if __name__ == "__main__":
    main()
