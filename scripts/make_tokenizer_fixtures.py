#!/usr/bin/env python3
"""Reference ids for Pare's decoder-LLM tokenizers (Tests/PareFormatsTests/Fixtures/tokenizers).

Three parts, each written only when its reference is installed:

  hf      a tiny byte-level BPE trained here with Hugging Face `tokenizers`, saved as two
          tokenizer.json variants (Llama-3 style and SmolLM2 style), with the ids `tokenizers`
          gives for every hard case (hard-cases.json, committed, hand written).
  gguf    tiny GGUFs written with gguf-py holding only tokenizer metadata (a gpt2 BPE vocabulary
          under two `pre` values, and a llama SentencePiece vocabulary with scores, byte-fallback
          and control tokens), their vocabularies as JSON for the Swift tests, and the ids
          llama.cpp (llama-cpp-python, vocab_only) gives for every hard case.
  real    the SmolLM2 and Gemma-3 GGUFs in .models: their vocabularies dumped as JSON under
          .models (not committed; scripts/bench_tokenizers.sh reads them, the Swift tests read
          the GGUFs themselves) and llama.cpp's ids of every hard case and of the first 2,000
          characters of .models/text/wiki.utf8 (committed).

Usage: python3 scripts/make_tokenizer_fixtures.py [hf] [gguf] [real]   (default: all three)
"""
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests/PareFormatsTests/Fixtures/tokenizers")
MODELS = os.path.join(ROOT, ".models")

LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)


def hard_cases():
    with open(os.path.join(OUT, "hard-cases.json"), encoding="utf-8") as f:
        return json.load(f)


def write_json(path, value, compact=False):
    with open(path, "w", encoding="utf-8") as f:
        if compact:
            json.dump(value, f, ensure_ascii=False, separators=(",", ":"))
        else:
            json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


# MARK: - Hugging Face tokenizer.json


def training_text():
    """Hard cases plus some English, code and numbers: enough for a few hundred merges."""
    lines = [case["text"] for case in hard_cases()]
    lines += [
        "the cat sat on the mat and the dog sat on the log",
        "tokenizers split text into pieces and pieces into merges",
        "return value; if (x > 0) { print(x); } else { return None }",
        "in 1999 and 2024 there were 365 days and 12 months and 52 weeks",
        "don't won't can't shouldn't wouldn't they're we're you've I'll",
    ] * 20
    return lines


def make_hf():
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE(ignore_merges=True))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=256 + 400 + 3,
        special_tokens=["<|begin|>", "<|end|>", "<|pad|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(training_text(), trainer)
    tokenizer.add_tokens(["<|im_start|>"])  # special=False: an ordinary added token
    tokenizer.post_processor = processors.Sequence(
        [
            processors.ByteLevel(trim_offsets=False),
            processors.TemplateProcessing(
                single="<|begin|> $A", pair="<|begin|> $A <|begin|> $B", special_tokens=[("<|begin|>", 0)]
            ),
        ]
    )
    llama3 = json.loads(tokenizer.to_str())
    write_json(os.path.join(OUT, "bpe-llama3-style.json"), llama3, compact=True)

    # SmolLM2 style: NFC, Digits + ByteLevel with its own regex, no ignore_merges, merges as
    # "a b" strings, an added token with lstrip/rstrip, GPT-2's post-processor (ids untouched).
    smol = json.loads(tokenizer.to_str())
    smol["normalizer"] = {"type": "NFC"}
    smol["pre_tokenizer"] = {
        "type": "Sequence",
        "pretokenizers": [
            {"type": "Digits", "individual_digits": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        ],
    }
    smol["model"]["ignore_merges"] = False
    smol["model"]["merges"] = [" ".join(pair) for pair in smol["model"]["merges"]]
    smol["post_processor"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True}
    for token in smol["added_tokens"]:
        if token["content"] == "<|im_start|>":
            token["lstrip"] = True
            token["rstrip"] = True
    path = os.path.join(OUT, "bpe-smollm-style.json")
    write_json(path, smol, compact=True)

    expected = {}
    for name, file in [("llama3-style", "bpe-llama3-style.json"), ("smollm-style", "bpe-smollm-style.json")]:
        loaded = Tokenizer.from_file(os.path.join(OUT, file))
        cases = []
        for case in hard_cases():
            with_special = loaded.encode(case["text"], add_special_tokens=True).ids
            without = loaded.encode(case["text"], add_special_tokens=False).ids
            cases.append({"name": case["name"], "ids": without, "ids_with_special": with_special})
        expected[name] = cases
    # Split's behaviors, on text where matches touch and end the string.
    splits = []
    for text, pattern in [("the-final--countdown-", "-"), ("ab12cd345e6", r"\p{N}+"), ("  lead  and trail  ", r"\s+")]:
        for behavior in ["isolated", "removed", "merged_with_previous", "merged_with_next", "contiguous"]:
            for invert in [False, True]:
                split = pre_tokenizers.Split(Regex(pattern), behavior=behavior, invert=invert)
                words = [word for word, _ in split.pre_tokenize_str(text)]
                splits.append({"text": text, "pattern": pattern, "behavior": behavior, "invert": invert, "words": words})
    expected["splits"] = splits
    write_json(os.path.join(OUT, "bpe-expected.json"), expected, compact=False)
    print("hf: wrote", len(llama3["model"]["merges"]), "merges,", len(llama3["model"]["vocab"]), "tokens")


# MARK: - GGUF (llama.cpp)


def vocabulary_json(model, pre, tokens, scores, types, merges, bos, eos, unk, pad, add_bos, add_eos, add_space_prefix):
    return {
        "model": model,
        "pre": pre,
        "tokens": tokens,
        "scores": None if scores is None else [float(s) for s in scores],
        "token_types": None if types is None else [int(t) for t in types],
        "merges": merges,
        "bos": bos,
        "eos": eos,
        "unk": unk,
        "pad": pad,
        "add_bos": add_bos,
        "add_eos": add_eos,
        "add_space_prefix": add_space_prefix,
    }


def write_tokenizer_gguf(path, vocab):
    import gguf

    writer = gguf.GGUFWriter(path, "llama")
    writer.add_block_count(1)
    writer.add_context_length(64)
    writer.add_embedding_length(8)
    writer.add_feed_forward_length(8)
    writer.add_head_count(1)
    writer.add_head_count_kv(1)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_tokenizer_model(vocab["model"])
    if vocab["pre"] is not None:
        writer.add_tokenizer_pre(vocab["pre"])
    writer.add_token_list(vocab["tokens"])
    if vocab["scores"] is not None:
        writer.add_token_scores(vocab["scores"])
    if vocab["token_types"] is not None:
        writer.add_token_types(vocab["token_types"])
    if vocab["merges"]:
        writer.add_token_merges(vocab["merges"])
    for key, adder in [("bos", writer.add_bos_token_id), ("eos", writer.add_eos_token_id), ("unk", writer.add_unk_token_id), ("pad", writer.add_pad_token_id)]:
        if vocab[key] is not None:
            adder(vocab[key])
    writer.add_add_bos_token(vocab["add_bos"])
    writer.add_add_eos_token(vocab["add_eos"])
    if vocab["add_space_prefix"] is not None:
        writer.add_add_space_prefix(vocab["add_space_prefix"])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def llama_ids(path, texts, add_bos):
    from llama_cpp import Llama

    llm = Llama(model_path=path, vocab_only=True, verbose=False)
    return [llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=False) for text in texts]


def gpt2_vocabulary(pre):
    """The tiny byte-level BPE (from the hf part) as GGUF metadata: control tokens for the
    specials, one user-defined token."""
    with open(os.path.join(OUT, "bpe-llama3-style.json"), encoding="utf-8") as f:
        hf = json.load(f)
    vocab = dict(hf["model"]["vocab"])
    for added in hf["added_tokens"]:
        vocab[added["content"]] = added["id"]
    tokens = [None] * len(vocab)
    for token, index in vocab.items():
        tokens[index] = token
    types = [1] * len(tokens)
    for added in hf["added_tokens"]:
        types[added["id"]] = 3 if added["special"] else 4
    merges = [" ".join(pair) for pair in hf["model"]["merges"]]
    return vocabulary_json("gpt2", pre, tokens, None, types, merges, 0, 1, None, 2, False, False, None)


def spm_vocabulary():
    """A small SentencePiece BPE: control tokens, all 256 byte tokens, user-defined tokens, and
    pieces with scores learned here by counting (higher score = merged first)."""
    tokens = ["<unk>", "<s>", "</s>", "<pad>", "<start_of_turn>"]
    types = [2, 3, 3, 3, 3]
    scores = [0.0] * len(tokens)
    for byte in range(256):
        tokens.append("<0x%02X>" % byte)
        types.append(6)
        scores.append(0.0)
    for user in ["<mark>", "▁▁", "\n\n"]:
        tokens.append(user)
        types.append(4)
        scores.append(0.0)
    # Pieces: characters of the training text, then greedy pair merges by frequency.
    text = "\n".join(training_text()).replace(" ", "▁")
    chars = sorted(set(text) - {"\n"})
    pieces = {c: 0.0 for c in chars if c.isalpha() or c in "▁.,'0123456789"}
    words = [list(w) for w in text.split("\n")]
    score = -1.0
    for _ in range(300):
        counts = {}
        for w in words:
            for a, b in zip(w, w[1:]):
                if a in pieces and b in pieces:
                    counts[a + b] = counts.get(a + b, 0) + 1
        if not counts:
            break
        best = max(counts, key=lambda k: (counts[k], k))
        pieces[best] = score
        score -= 1.0
        merged_words = []
        for w in words:
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] + w[i + 1] == best:
                    out.append(best)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged_words.append(out)
        words = merged_words
    for piece, value in pieces.items():
        if piece in tokens:
            continue
        tokens.append(piece)
        types.append(1)
        scores.append(value if len(piece) > 1 else -1000.0)
    return vocabulary_json("llama", "default", tokens, scores, types, None, 1, 2, 0, 3, True, False, True)


def make_gguf():
    texts = [case["text"] for case in hard_cases()]
    expected = {}
    variants = [
        ("gpt2-smollm", gpt2_vocabulary("smollm")),
        ("gpt2-llama-bpe", gpt2_vocabulary("llama-bpe")),
        ("gpt2-qwen2", gpt2_vocabulary("qwen2")),
        ("gpt2-gpt-2", gpt2_vocabulary("gpt-2")),
        ("gpt2-default", gpt2_vocabulary("default")),
        ("spm", spm_vocabulary()),
    ]
    tmp = os.path.join(ROOT, ".build", "tokenizer-fixtures")
    os.makedirs(tmp, exist_ok=True)
    for name, vocab in variants:
        path = os.path.join(tmp, name + ".gguf")
        write_tokenizer_gguf(path, vocab)
        without = llama_ids(path, texts, add_bos=False)
        with_bos = llama_ids(path, texts, add_bos=True)
        expected[name] = [
            {"name": case["name"], "ids": a, "ids_with_special": b} for case, a, b in zip(hard_cases(), without, with_bos)
        ]
        if name == "spm" or name == "gpt2-smollm":
            write_json(os.path.join(OUT, "gguf-%s-vocab.json" % name.split("-")[0]), vocab, compact=True)
    write_json(os.path.join(OUT, "gguf-expected.json"), expected)
    print("gguf: wrote", ", ".join(name for name, _ in variants))


# MARK: - The real GGUFs in .models


def read_gguf_vocabulary(path):
    import gguf

    reader = gguf.GGUFReader(path)

    def field(key):
        f = reader.get_field(key)
        return None if f is None else f.contents()

    tokens = field("tokenizer.ggml.tokens")
    scores = field("tokenizer.ggml.scores")
    types = field("tokenizer.ggml.token_type")
    merges = field("tokenizer.ggml.merges")
    return vocabulary_json(
        field("tokenizer.ggml.model"),
        field("tokenizer.ggml.pre"),
        tokens,
        scores,
        types,
        merges,
        field("tokenizer.ggml.bos_token_id"),
        field("tokenizer.ggml.eos_token_id"),
        field("tokenizer.ggml.unknown_token_id"),
        field("tokenizer.ggml.padding_token_id"),
        field("tokenizer.ggml.add_bos_token"),
        field("tokenizer.ggml.add_eos_token"),
        field("tokenizer.ggml.add_space_prefix"),
    )


def make_real():
    with open(os.path.join(MODELS, "text/wiki.utf8"), encoding="utf-8") as f:
        wiki = f.read()[:2000]
    texts = [case["text"] for case in hard_cases()] + [wiki]
    expected = {}
    for name, file in [("smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"), ("gemma3", "gemma-3-270m-q4_k_m.gguf")]:
        path = os.path.join(MODELS, file)
        vocab = read_gguf_vocabulary(path)
        write_json(os.path.join(MODELS, file + ".vocab.json"), vocab, compact=True)
        without = llama_ids(path, texts, add_bos=False)
        with_bos = llama_ids(path, texts, add_bos=True)
        names = [case["name"] for case in hard_cases()] + ["wiki first 2000 characters"]
        expected[name] = [{"name": n, "ids": a, "ids_with_special": b} for n, a, b in zip(names, without, with_bos)]
        print("real:", name, vocab["model"], vocab["pre"], len(vocab["tokens"]), "tokens")
    write_json(os.path.join(OUT, "real-gguf-expected.json"), expected)


if __name__ == "__main__":
    parts = sys.argv[1:] or ["hf", "gguf", "real"]
    if "hf" in parts:
        make_hf()
    if "gguf" in parts:
        make_gguf()
    if "real" in parts:
        make_real()
