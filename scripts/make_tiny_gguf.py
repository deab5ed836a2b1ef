#!/usr/bin/env python3
"""Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf: the tiny random Llama decoder fixture
(Tests/PareEngineTests/Fixtures/decoders/llama, a transformers checkpoint) written as llama.cpp's
converter writes a `llama` GGUF: llama.cpp's tensor names, the q and k rows permuted for llama.cpp's
adjacent-pair RoPE (convert_hf_to_gguf.py's `permute`), the hyperparameters under `llama.*`, and a
byte-level gpt2 vocabulary of 256 single-byte tokens (GPT-2's byte-to-unicode table, no merges).
Weights are F32 (the BF16 values exactly), so the fixture's expected logits (numpy, from the HF
layout) must come out of Pare's GGUF path unchanged: this checks the names, the permutation and the
rope pairing Pare reads a llama GGUF with.

The qwen2, qwen3 and llama-with-rope_freqs GGUFs are written by llama.cpp's own converter instead:
scripts/convert_tiny_ggufs.py.

Usage: python3 scripts/make_tiny_gguf.py
"""
import json
from pathlib import Path

import gguf
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "Tests/PareEngineTests/Fixtures/decoders/llama"
OUT = ROOT / "Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf"


def permute(w, heads):
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def byte_tokens():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    table = dict(zip(bs, cs))
    return [chr(table[b]) for b in range(256)]


def add_byte_vocabulary(writer):
    """The tiny models' tokenizer: gpt2 byte-level BPE over the 256 bytes, no merges, BOS 1, EOS 2."""
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(byte_tokens())
    writer.add_token_types([1] * 256)
    writer.add_token_merges([])
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_add_bos_token(False)


def main():
    config = json.loads((SOURCE / "config.json").read_text())
    from safetensors.torch import load_file as load_torch  # BF16, which numpy cannot hold
    tensors = {k: v.float().numpy() for k, v in load_torch(str(SOURCE / "model.safetensors")).items()}
    heads, kv_heads = config["num_attention_heads"], config["num_key_value_heads"]
    writer = gguf.GGUFWriter(str(OUT), "llama")
    writer.add_name("tiny-llama")
    writer.add_block_count(config["num_hidden_layers"])
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_rope_dimension_count(config["head_dim"])
    writer.add_rope_freq_base(config["rope_parameters"]["rope_theta"])
    writer.add_layer_norm_rms_eps(config["rms_norm_eps"])
    writer.add_vocab_size(config["vocab_size"])
    add_byte_vocabulary(writer)
    names = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
             "lm_head.weight": "output.weight"}
    stems = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
             "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "post_attention_layernorm": "ffn_norm",
             "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
    for name, value in tensors.items():
        if name in names:
            writer.add_tensor(names[name], value)
            continue
        layer, rest = name[len("model.layers."):].split(".", 1)
        stem = rest.rsplit(".", 1)[0]
        if stem == "self_attn.q_proj":
            value = permute(value, heads)
        elif stem == "self_attn.k_proj":
            value = permute(value, kv_heads)
        writer.add_tensor(f"blk.{layer}.{stems[stem]}.weight", np.ascontiguousarray(value))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(OUT, OUT.stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
