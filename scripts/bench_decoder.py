#!/usr/bin/env python3
"""PyTorch CPU timing of a decoder of SmolLM2-135M's shapes (random weights), beside
Benchmarks/Tools/DecoderTiming (Pare): the forward of WINDOWS windows of LENGTH tokens, one
window at a time, on THREADS threads.

Usage: python scripts/bench_decoder.py [windows 16] [length 512] [threads 2]
"""

import sys
import time

import torch
import transformers

windows, length, threads = (int(a) for a in (sys.argv[1:] + ["16", "512", "2"][len(sys.argv) - 1:])[:3])
torch.set_num_threads(threads)
config = transformers.LlamaConfig(
    vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9,
    num_key_value_heads=3, rms_norm_eps=1e-5, rope_theta=100000.0, tie_word_embeddings=True,
    max_position_embeddings=8192)
model = transformers.LlamaForCausalLM(config).eval()
ids = torch.randint(0, 49152, (windows, length))
with torch.no_grad():
    model(ids[:1, :64])  # warm-up
    start = time.time()
    model(ids[:1])
    print(f"1 window of {length} tokens: {time.time() - start:.3f} s")
    start = time.time()
    for w in range(windows):
        model(ids[w : w + 1])
    print(f"{windows} windows of {length} tokens, one at a time, {threads} threads: {time.time() - start:.3f} s")
    start = time.time()
    for w in range(0, windows, 4):
        model(ids[w : w + 4])
    print(f"{windows} windows of {length} tokens, 4 at a time, {threads} threads: {time.time() - start:.3f} s")
