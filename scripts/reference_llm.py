#!/usr/bin/env python3
"""Independent references for Pare's decoder language models on a real GGUF (issue #15).

transformers (PyTorch CPU, float32) loads the GGUF's weights dequantized, as Pare does, and gives:
- the logits of the first 64 positions of the first window (what `pare forward` computes), stored as
  a small fixture: per position log-sum-exp, argmax and the logits of a few ids
  (Tests/PareEngineTests/Fixtures/real-llm/NAME.json, checked by a Swift test when the model is present);
- perplexity over --chunks windows of --ctx tokens, scored on the second half of each window as
  llama.cpp's perplexity tool does, and the time of that forward (2 threads, in process, weights loaded).
With --llama-cpp, llama.cpp itself (llama-cpp-python) computes the same perplexity on the same tokens.
With --pare BINARY, `pare eval MODEL --text F --ctx N --chunks K` runs as a whole process in the same
run (load, tokenize, forward), and its perplexity and time are reported beside the others.

Tokens: the whole text tokenized by llama.cpp's own tokenizer (vocab_only) when llama-cpp-python is
installed, else by transformers' tokenizer converted from the GGUF; BOS first when the GGUF says
add_bos; non-overlapping windows, each window's first token replaced by BOS when add_bos.
"""
import argparse
import json
import os
import time

import numpy as np


def tokens_of(args, add_bos, bos):
    text = open(args.text, encoding="utf-8").read()
    try:
        from llama_cpp import Llama
        vocab = Llama(model_path=args.model, vocab_only=True, verbose=False)
        ids = vocab.tokenize(text.encode("utf-8"), add_bos=add_bos, special=False)
        source = "llama.cpp"
    except ImportError:
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(os.path.dirname(os.path.abspath(args.model)), gguf_file=os.path.basename(args.model))
        ids = tok(text, add_special_tokens=False)["input_ids"]
        if add_bos:
            ids = [bos] + ids
        source = "transformers"
    windows = [ids[i * args.ctx:(i + 1) * args.ctx] for i in range(min(args.chunks, len(ids) // args.ctx))]
    if add_bos:
        windows = [[bos] + w[1:] for w in windows]
    return windows, source


def nll_second_half(log_probs, window):
    first = len(window) // 2
    return [-float(log_probs[j, window[j + 1]]) for j in range(first, len(window) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--text", required=True)
    parser.add_argument("--ctx", type=int, default=512)
    parser.add_argument("--chunks", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--fixture", help="write the first-64-positions fixture here")
    parser.add_argument("--llama-cpp", action="store_true")
    parser.add_argument("--pare", help="also time this pare binary's `eval` as a whole process")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()

    import gguf
    reader = gguf.GGUFReader(args.model)
    field = reader.fields.get("tokenizer.ggml.add_bos_token")
    add_bos = bool(field.contents()) if field else False
    bos = int(reader.fields["tokenizer.ggml.bos_token_id"].contents())
    windows, source = tokens_of(args, add_bos, bos)
    figures = {"model": os.path.basename(args.model), "ctx": args.ctx, "windows": len(windows), "tokens_from": source,
               "add_bos": add_bos}

    import torch
    from transformers import AutoModelForCausalLM
    torch.set_num_threads(args.threads)
    model = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(args.model)),
                                                 gguf_file=os.path.basename(args.model), dtype=torch.float32)
    model.eval()
    nll = []
    start = time.perf_counter()
    with torch.no_grad():
        for w, window in enumerate(windows):
            logits = model(torch.tensor([window])).logits[0].float()
            log_probs = torch.log_softmax(logits, dim=-1).numpy()
            nll += nll_second_half(log_probs, window)
            if w == 0 and args.fixture:
                first = logits[:64].numpy().astype(np.float64)
                lse = np.log(np.exp(first - first.max(1, keepdims=True)).sum(1)) + first.max(1)
                fixed = [0, 1, 2, 100, 1000, 10000, logits.shape[1] - 1]
                rows = []
                for t in range(first.shape[0]):
                    top = np.argsort(-first[t])[:8].tolist()
                    ids = top + fixed
                    rows.append({"lse": float(lse[t]), "argmax": int(top[0]), "ids": ids,
                                 "logits": [float(first[t, i]) for i in ids]})
                with open(args.fixture, "w") as f:
                    json.dump({"model": figures["model"], "tokens": window[:64], "positions": rows}, f)
    figures["transformers_seconds"] = time.perf_counter() - start
    figures["transformers_perplexity"] = float(np.exp(np.mean(nll)))

    if args.llama_cpp:
        from llama_cpp import Llama
        llm = Llama(model_path=args.model, n_ctx=args.ctx, n_batch=args.ctx, logits_all=True, n_threads=args.threads,
                    verbose=False)
        nll = []
        start = time.perf_counter()
        for window in windows:
            llm.reset()
            llm.eval(window)
            scores = np.array(llm.scores[:len(window)], dtype=np.float64)
            log_probs = scores - (np.log(np.exp(scores - scores.max(1, keepdims=True)).sum(1, keepdims=True)) + scores.max(1, keepdims=True))
            nll += nll_second_half(log_probs, window)
        figures["llama_cpp_seconds"] = time.perf_counter() - start
        figures["llama_cpp_perplexity"] = float(np.exp(np.mean(nll)))

    if args.pare:
        import re
        import subprocess
        start = time.perf_counter()
        out = subprocess.run([args.pare, "eval", args.model, "--text", args.text, "--ctx", str(args.ctx),
                              "--chunks", str(args.chunks)], check=True, capture_output=True, text=True).stdout
        figures["pare_seconds"] = time.perf_counter() - start
        figures["pare_perplexity"] = float(re.search(r"perplexity\s+([0-9.]+)", out).group(1))
        figures["pare_over_transformers"] = figures["pare_seconds"] / figures["transformers_seconds"]

    print(json.dumps(figures, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=1)


if __name__ == "__main__":
    main()
