#!/usr/bin/env python3
"""Independent numpy forward of Hugging Face decoder checkpoints (llama, mistral, qwen2, qwen3,
gemma3_text): the reference Pare's DecoderNetwork is checked against.

It shares no code with Pare: safetensors are read by the small header parser below (F32, F16,
BF16), config.json is read in both transformers layouts (v4: rope_theta / rope_scaling /
rope_local_base_freq / sliding_window_pattern; v5: rope_parameters, layer_types), and the whole
forward runs in float64, one window at a time.

Usage as a library: `logits(model_dir, ids) -> ndarray [len(ids), vocab]`.
Usage as a script:  python scripts/decoder_reference.py MODEL_DIR ID ID ID ...   prints the logits' shape
and the argmax of each position.
"""

import json
import math
import struct
import sys
from pathlib import Path

import numpy as np


def read_safetensors(path):
    """Every tensor of one safetensors file as float64 arrays."""
    raw = Path(path).read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    body = raw[8 + size :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        chunk = body[start:end]
        dtype = info["dtype"]
        if dtype == "F32":
            a = np.frombuffer(chunk, dtype="<f4")
        elif dtype == "F16":
            a = np.frombuffer(chunk, dtype="<f2")
        elif dtype == "BF16":
            bits = np.frombuffer(chunk, dtype="<u2").astype(np.uint32) << 16
            a = bits.view(np.float32)
        else:
            raise ValueError(f"{path}: tensor {name} has dtype {dtype}")
        out[name] = a.astype(np.float64).reshape(info["shape"])
    return out


def read_weights(model_dir):
    model_dir = Path(model_dir)
    index = model_dir / "model.safetensors.index.json"
    if index.exists():
        weights = {}
        for shard in sorted(set(json.loads(index.read_text())["weight_map"].values())):
            weights.update(read_safetensors(model_dir / shard))
        return weights
    return read_safetensors(model_dir / "model.safetensors")


def inverse_frequencies(head_dim, theta, scaling):
    """RoPE inverse frequencies, with `default`, `linear` or `llama3` scaling."""
    inv = 1.0 / theta ** (np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)
    kind = (scaling or {}).get("rope_type", (scaling or {}).get("type", "default"))
    if kind == "default":
        return inv
    if kind == "linear":
        return inv / scaling["factor"]
    if kind == "llama3":
        factor = scaling["factor"]
        low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
        old = scaling["original_max_position_embeddings"]
        out = []
        for f in inv:
            wavelength = 2 * math.pi / f
            if wavelength < old / high:
                out.append(f)
            elif wavelength > old / low:
                out.append(f / factor)
            else:
                smooth = (old / wavelength - low) / (high - low)
                out.append((1 - smooth) * f / factor + smooth * f)
        return np.array(out)
    raise ValueError(f"rope type {kind}")


def layer_plan(config):
    """Per layer: (rope theta, rope scaling, sliding window or None)."""
    kind = config["model_type"]
    n = config["num_hidden_layers"]
    types = config.get("layer_types")
    params = config.get("rope_parameters")
    if kind == "gemma3_text":
        if types is None:
            pattern = config.get("sliding_window_pattern", config.get("_sliding_window_pattern", 6))
            types = ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(n)]
        if params is not None:
            full, local = params["full_attention"], params["sliding_attention"]
        else:
            full = dict(config.get("rope_scaling") or {}, rope_theta=config.get("rope_theta", 1e6))
            local = {"rope_type": "default", "rope_theta": config.get("rope_local_base_freq", 1e4)}
        plan = []
        for t in types:
            p = local if t == "sliding_attention" else full
            plan.append((p["rope_theta"], p, config["sliding_window"] if t == "sliding_attention" else None))
        return plan
    if params is not None:
        theta, scaling = params["rope_theta"], params
    else:
        theta, scaling = config.get("rope_theta", 1e4), config.get("rope_scaling")
    window = config.get("sliding_window") if kind == "mistral" else None
    if types is None:
        types = ["sliding_attention" if window else "full_attention"] * n
    sliding = config.get("sliding_window")
    return [(theta, scaling, sliding if t == "sliding_attention" else None) for t in types]


def rms_norm(x, w, eps, gemma):
    y = x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    return y * ((1.0 + w) if gemma else w)


def rotate(x, cos, sin):
    """HF's rotate_half RoPE on [tokens, heads, d]: pairs (i, i + d/2)."""
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return np.concatenate([a * cos - b * sin, b * cos + a * sin], axis=-1)


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def logits(model_dir, ids):
    config = json.loads((Path(model_dir) / "config.json").read_text())
    w = read_weights(model_dir)
    gemma = config["model_type"] == "gemma3_text"
    width = config["hidden_size"]
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    d = config.get("head_dim") or width // heads
    eps = config.get("rms_norm_eps", 1e-6)
    t = len(ids)
    positions = np.arange(t, dtype=np.float64)

    x = w["model.embed_tokens.weight"][np.array(ids)]
    if gemma:
        x = x * math.sqrt(width)
    for layer, (theta, scaling, window) in enumerate(layer_plan(config)):
        p = f"model.layers.{layer}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps, gemma)

        def proj(name, inp):
            y = inp @ w[p + name + ".weight"].T
            bias = w.get(p + name + ".bias")
            return y if bias is None else y + bias

        q = proj("self_attn.q_proj", h).reshape(t, heads, d)
        k = proj("self_attn.k_proj", h).reshape(t, kv_heads, d)
        v = proj("self_attn.v_proj", h).reshape(t, kv_heads, d)
        if p + "self_attn.q_norm.weight" in w:
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps, gemma)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps, gemma)
        angles = positions[:, None] * inverse_frequencies(d, theta, scaling)[None, :]
        cos, sin = np.cos(angles)[:, None, :], np.sin(angles)[:, None, :]
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        scale = config["query_pre_attn_scalar"] ** -0.5 if gemma else d**-0.5
        i, j = np.arange(t)[:, None], np.arange(t)[None, :]
        allowed = j <= i
        if window is not None:
            allowed &= (i - j) < window
        context = np.zeros((t, heads, d))
        group = heads // kv_heads
        for head in range(heads):
            s = (q[:, head, :] @ k[:, head // group, :].T) * scale
            s = np.where(allowed, s, -np.inf)
            s = np.exp(s - s.max(axis=1, keepdims=True))
            s /= s.sum(axis=1, keepdims=True)
            context[:, head, :] = s @ v[:, head // group, :]
        attended = proj("self_attn.o_proj", context.reshape(t, heads * d))
        if gemma:
            attended = rms_norm(attended, w[p + "post_attention_layernorm.weight"], eps, True)
            x = x + attended
            h = rms_norm(x, w[p + "pre_feedforward_layernorm.weight"], eps, True)
            m = proj("mlp.down_proj", gelu_tanh(proj("mlp.gate_proj", h)) * proj("mlp.up_proj", h))
            x = x + rms_norm(m, w[p + "post_feedforward_layernorm.weight"], eps, True)
        else:
            x = x + attended
            h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps, False)
            g = proj("mlp.gate_proj", h)
            x = x + proj("mlp.down_proj", g / (1 + np.exp(-g)) * proj("mlp.up_proj", h))
    x = rms_norm(x, w["model.norm.weight"], eps, gemma)
    head = w.get("lm_head.weight")
    if head is None or config.get("tie_word_embeddings", gemma):
        head = w["model.embed_tokens.weight"]
    return x @ head.T


if __name__ == "__main__":
    out = logits(sys.argv[1], [int(a) for a in sys.argv[2:]])
    print(out.shape, out.argmax(axis=1).tolist())
