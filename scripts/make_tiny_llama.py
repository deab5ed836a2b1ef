#!/usr/bin/env python3
"""assets/models/tiny-llama: a tiny random Llama checkpoint with a real tokenizer, for the explorer's
end-to-end test and for trying Pare's language-model loop without downloading a model.

transformers writes the checkpoint (config.json and model.safetensors in BF16, its own key and tensor
names): 2 layers, width 64, 4 query / 2 KV heads, a separate head, weights drawn from a fixed seed.
The tokenizer is the small byte-level BPE tokenizer.json of Pare's tokenizer fixtures (trained by
scripts/make_tokenizer_fixtures.py on Pare's own text), so the vocabulary is its 659 tokens.
The weights are random: its perplexity means nothing, but every edit moves its KL divergence.

Usage: python3 scripts/make_tiny_llama.py
"""
import shutil
from pathlib import Path

import torch
import transformers

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets/models/tiny-llama"
TOKENIZER = ROOT / "Tests/PareFormatsTests/Fixtures/tokenizers/bpe-llama3-style.json"


def main():
    import json
    vocab = json.loads(TOKENIZER.read_text())
    size = len(vocab["model"]["vocab"]) + sum(1 for t in vocab.get("added_tokens", []) if t["id"] >= len(vocab["model"]["vocab"]))
    config = transformers.LlamaConfig(
        vocab_size=size, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, rms_norm_eps=1e-5, max_position_embeddings=512, tie_word_embeddings=False,
        rope_theta=10000.0)
    torch.manual_seed(0)
    model = transformers.AutoModelForCausalLM.from_config(config)
    generator = torch.Generator().manual_seed(2024)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.ndim == 1:
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=generator))
            elif "embed_tokens" in name or "lm_head" in name:
                p.copy_(torch.randn(p.shape, generator=generator) * (1.0 if "embed" in name else 0.4))
            else:
                p.copy_(torch.randn(p.shape, generator=generator) / p.shape[1] ** 0.5)
    model = model.to(torch.bfloat16)
    shutil.rmtree(OUT, ignore_errors=True)
    model.save_pretrained(OUT)
    (OUT / "generation_config.json").unlink(missing_ok=True)
    shutil.copy(TOKENIZER, OUT / "tokenizer.json")
    print(sorted(p.name for p in OUT.iterdir()), sum(p.stat().st_size for p in OUT.iterdir()) // 1024, "KB")


if __name__ == "__main__":
    main()
