#!/usr/bin/env python3
"""Independent numpy reference for Pare's `bert` architecture, and the fixtures its tests read.

Outputs (relative to the repository root):
  Tests/PareEngineTests/Fixtures/tiny-bert/              a random 2-layer BERT, a complete model
                                                          directory (weights, config, tokenizer,
                                                          sentence-transformers files)
  Tests/PareEngineTests/Fixtures/tiny-bert.reference.json    its token ids and embeddings
  Tests/PareEngineTests/Fixtures/minilm-reference.json       the same for all-MiniLM-L6-v2
                                                              (only when .models/all-MiniLM-L6-v2
                                                              exists)

Usage:
  python scripts/reference_embeddings.py               write the fixtures
  python scripts/reference_embeddings.py --bench 256   time embedding 256 sentences with
                                                        all-MiniLM-L6-v2 and print the seconds

The forward pass is Hugging Face's BertModel written out in numpy float32, one sentence at a
time (no padding, so no attention mask), followed by sentence-transformers' pooling and
normalisation. It shares no code with Pare: safetensors are read by a small header parser here
and text is tokenized by the `tokenizers` package. Only numpy, `tokenizers` and the standard
library are used; the tiny model's weights come from a fixed seed and BLAS runs single-threaded,
so two runs on one machine write identical files.
"""

import argparse
import json
import math
import os
import struct
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    # Before numpy loads. OpenBLAS's float32 sums depend on its thread count, which would tie
    # the fixtures to the machine. One sentence at a time the matrices are small, so one thread
    # is also numpy's best time here (on a busy 2-core machine OpenBLAS's spinning threads made
    # it 10-30x slower); set OPENBLAS_NUM_THREADS to time `--bench` with another count.
    if "--bench" in sys.argv[1:]:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    else:
        os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

ROOT = Path(__file__).resolve().parent.parent
MINILM_DIR = ROOT / ".models" / "all-MiniLM-L6-v2"
FIXTURES_DIR = ROOT / "Tests" / "PareEngineTests" / "Fixtures"
TINY_DIR = FIXTURES_DIR / "tiny-bert"
SENTENCES_PATH = ROOT / "assets" / "data" / "sentences.txt"

# Varied on purpose: empty, one word, punctuation, digits, accents, CJK, Cyrillic, emoji
# (unknown to the vocabulary), code, long words split into many pieces, whitespace runs, and a
# paragraph longer than both models' max_seq_length (so both fixtures exercise truncation).
LONG_PARAGRAPH = " ".join([
    "Model compression makes a trained network smaller and faster while keeping its behaviour:",
    "pruning removes weights whose magnitude is small, quantization stores the remaining weights",
    "with fewer bits, and a low-rank factorization replaces a large matrix by the product of two",
    "thin ones.",
] * 6)
SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "A man is playing a guitar.",
    "Hello!",
    "",
    "I can't believe it's already 2024 - time flies, doesn't it?",
    "Café au lait costs €3.50 in Zürich.",
    "東京は日本の首都です。",
    "Мама мыла раму.",
    "Emoji test 🚀🔥 should map to unknown tokens.",
    "COVID-19 vaccines were developed in under a year.",
    "Neural network compression trades accuracy for size: pruning, quantization and low-rank "
    "factorization.",
    "def forward(self, x): return self.linear(x)",
    "The the the the the.",
    "What is the capital of France?",
    "Paris is the capital and most populous city of France.",
    "A cat sits on the mat.",
    "Numbers like 3.14159, 2.71828 and 1,000,000 are tokenized piece by piece.",
    "unbelievably antidisestablishmentarianism supercalifragilisticexpialidocious",
    LONG_PARAGRAPH,
    "    leading and trailing whitespace\tand\ttabs   ",
    "Short.",
]

TINY_CONFIG = {
    "architectures": ["BertModel"],
    "model_type": "bert",
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 64,
    "hidden_act": "gelu",
    "max_position_embeddings": 64,
    "type_vocab_size": 2,
    "layer_norm_eps": 1e-12,
    "position_embedding_type": "absolute",
    "pad_token_id": 0,
}
TINY_MAX_SEQ_LENGTH = 48
TINY_SEED = 20250101
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# ---------------------------------------------------------------------------------------------
# safetensors

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path):
    """All tensors of a safetensors file (F32, F16 or I64) as numpy arrays, floats as float32."""
    raw = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    data = memoryview(raw)[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = array.astype(np.float32) if array.dtype.kind == "f" else array
    return tensors


def write_safetensors(path, tensors):
    """Writes `tensors` (name -> float32 or int64 array), sorted by name, 8-byte aligned."""
    names = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        blob = array.tobytes()
        header[name] = {"dtype": names[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


# ---------------------------------------------------------------------------------------------
# The model


def load_model(directory):
    """(config.json, weights, pooling mode, normalize, max_seq_length) of a sentence encoder."""
    directory = Path(directory)
    config = json.loads((directory / "config.json").read_text())
    assert config.get("hidden_act", "gelu") == "gelu", "the reference implements the erf GELU only"
    weights = read_safetensors(directory / "model.safetensors")
    mode, normalize = "mean", False
    modules_path = directory / "modules.json"
    if modules_path.exists():
        for module in json.loads(modules_path.read_text()):
            kind = module["type"].rsplit(".", 1)[-1]
            if kind == "Pooling":
                pooling = json.loads((directory / module["path"] / "config.json").read_text())
                modes = [m for m in ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens")
                         if pooling.get(f"pooling_mode_{m}")]
                assert len(modes) == 1, f"one pooling mode expected, got {modes}"
                mode = {"cls_token": "cls", "mean_tokens": "mean", "max_tokens": "max",
                        "mean_sqrt_len_tokens": "mean_sqrt_len"}[modes[0]]
            elif kind == "Normalize":
                normalize = True
    max_seq_length = config["max_position_embeddings"]
    st_path = directory / "sentence_bert_config.json"
    if st_path.exists():
        max_seq_length = json.loads(st_path.read_text()).get("max_seq_length", max_seq_length)
    return config, weights, mode, normalize, max_seq_length


def load_tokenizer(directory, max_seq_length):
    """tokenizer.json, truncating at max_seq_length with no padding (sentence-transformers' use)."""
    tokenizer = Tokenizer.from_file(str(Path(directory) / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_seq_length)
    tokenizer.no_padding()
    return tokenizer


def erf(x):
    """Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7): numpy has no erf of its own."""
    a = np.abs(x)
    t = 1 / (1 + 0.3275911 * a)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
            + 0.254829592) * t
    return np.sign(x) * (1 - poly * np.exp(-a * a))


def gelu(x):
    return 0.5 * x * (1 + erf(x * np.float32(1 / math.sqrt(2))))


def layer_norm(x, weight, bias, eps):
    mean = x.mean(axis=-1, keepdims=True)
    centered = x - mean
    variance = (centered * centered).mean(axis=-1, keepdims=True)
    return centered / np.sqrt(variance + np.float32(eps)) * weight + bias


def dense(x, weights, prefix):
    return x @ weights[f"{prefix}.weight"].T + weights[f"{prefix}.bias"]


def encode(model, ids):
    """The sentence embedding of one token-id sequence: BertModel, pooling, normalisation."""
    config, w, mode, normalize, _ = model
    n, hidden = len(ids), config["hidden_size"]
    heads = config["num_attention_heads"]
    head_size = hidden // heads
    eps = config["layer_norm_eps"]

    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][:n]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}"

        def split_heads(t):
            return t.reshape(n, heads, head_size).transpose(1, 0, 2)

        q = split_heads(dense(x, w, f"{p}.attention.self.query"))
        k = split_heads(dense(x, w, f"{p}.attention.self.key"))
        v = split_heads(dense(x, w, f"{p}.attention.self.value"))
        scores = (q @ k.transpose(0, 2, 1)) / np.float32(math.sqrt(head_size))
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probabilities = scores / scores.sum(axis=-1, keepdims=True)
        context = (probabilities @ v).transpose(1, 0, 2).reshape(n, hidden)
        attended = layer_norm(dense(context, w, f"{p}.attention.output.dense") + x,
                              w[f"{p}.attention.output.LayerNorm.weight"],
                              w[f"{p}.attention.output.LayerNorm.bias"], eps)
        expanded = gelu(dense(attended, w, f"{p}.intermediate.dense"))
        x = layer_norm(dense(expanded, w, f"{p}.output.dense") + attended,
                       w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"], eps)

    if mode == "cls":
        pooled = x[0]
    elif mode == "max":
        pooled = x.max(axis=0)
    elif mode == "mean_sqrt_len":
        pooled = x.sum(axis=0) / np.float32(math.sqrt(n))
    else:
        pooled = x.mean(axis=0)
    if normalize:
        pooled = pooled / max(np.linalg.norm(pooled), 1e-12)
    return pooled.astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Fixtures


def make_tiny_model(directory):
    """A random 2-layer BERT with a ~3,000-piece subset of MiniLM's vocabulary, as a model dir."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "1_Pooling").mkdir(exist_ok=True)
    full_vocab = (MINILM_DIR / "vocab.txt").read_text(encoding="utf-8").split("\n")
    # Special tokens, the single characters and the ~2,000 most frequent words (MiniLM's
    # indices 999..2999), and every one-character continuation piece (##x), so that most words
    # split into pieces instead of falling back to [UNK].
    pieces = full_vocab[999:3000] + [t for t in full_vocab if t.startswith("##") and len(t) == 3]
    vocab = SPECIAL_TOKENS + list(dict.fromkeys(t for t in pieces if t and t not in SPECIAL_TOKENS))
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")

    tokenizer = Tokenizer(models.WordPiece({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]",
                                           max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                      strip_accents=None, lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    cls, sep = vocab.index("[CLS]"), vocab.index("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    tokenizer.add_special_tokens(SPECIAL_TOKENS)
    tokenizer.save(str(directory / "tokenizer.json"))

    config = dict(TINY_CONFIG, vocab_size=len(vocab))
    files = {
        "config.json": config,
        "tokenizer_config.json": {
            "do_lower_case": True, "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
            "cls_token": "[CLS]", "mask_token": "[MASK]", "tokenize_chinese_chars": True,
            "strip_accents": None, "tokenizer_class": "BertTokenizer",
            "model_max_length": TINY_MAX_SEQ_LENGTH},
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize",
             "type": "sentence_transformers.models.Normalize"}],
        "1_Pooling/config.json": {
            "word_embedding_dimension": config["hidden_size"], "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False},
        "sentence_bert_config.json": {"max_seq_length": TINY_MAX_SEQ_LENGTH, "do_lower_case": False},
    }
    for name, value in files.items():
        (directory / name).write_text(json.dumps(value, indent=2) + "\n")

    # Unit-scale weights (not BERT's 0.02 initialisation) so that every part of the forward
    # pass, softmax and GELU included, moves the embeddings by a visible amount.
    rng = np.random.default_rng(TINY_SEED)
    hidden, inner = config["hidden_size"], config["intermediate_size"]

    def normal(*shape, scale=1.0):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    def linear(prefix, out_features, in_features):
        weights[f"{prefix}.weight"] = normal(out_features, in_features, scale=1 / math.sqrt(in_features))
        weights[f"{prefix}.bias"] = normal(out_features, scale=0.1)

    def norm(prefix):
        weights[f"{prefix}.weight"] = 1 + normal(hidden, scale=0.1)
        weights[f"{prefix}.bias"] = normal(hidden, scale=0.1)

    weights = {
        "embeddings.word_embeddings.weight": normal(len(vocab), hidden),
        "embeddings.position_embeddings.weight": normal(config["max_position_embeddings"], hidden, scale=0.5),
        "embeddings.token_type_embeddings.weight": normal(config["type_vocab_size"], hidden, scale=0.5),
        "embeddings.position_ids": np.arange(config["max_position_embeddings"], dtype=np.int64)[None, :],
    }
    norm("embeddings.LayerNorm")
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        for part in ("query", "key", "value"):
            linear(f"{p}.attention.self.{part}", hidden, hidden)
        linear(f"{p}.attention.output.dense", hidden, hidden)
        norm(f"{p}.attention.output.LayerNorm")
        linear(f"{p}.intermediate.dense", inner, hidden)
        linear(f"{p}.output.dense", hidden, inner)
        norm(f"{p}.output.LayerNorm")
    linear("pooler.dense", hidden, hidden)  # in BertModel checkpoints, unused by sentence encoders
    write_safetensors(directory / "model.safetensors", weights)


def float32_list(values):
    """float32 values as the shortest decimals that read back to the same float32."""
    return [float(str(v)) for v in np.asarray(values, dtype=np.float32)]


def write_reference(model_dir, output, name):
    model = load_model(model_dir)
    tokenizer = load_tokenizer(model_dir, model[4])
    ids = [tokenizer.encode(sentence).ids for sentence in SENTENCES]
    embeddings = [encode(model, sequence) for sequence in ids]
    reference = {
        "model": name,
        "max_seq_length": model[4],
        "sentences": SENTENCES,
        "ids": ids,
        "embeddings": [float32_list(e) for e in embeddings],
    }
    output.write_text(json.dumps(reference, ensure_ascii=False) + "\n", encoding="utf-8")
    lengths = [len(i) for i in ids]
    print(f"wrote {output.relative_to(ROOT)}: {len(ids)} sentences, {min(lengths)}..{max(lengths)} tokens")


def bench(count):
    """Times embedding `count` sentences with all-MiniLM-L6-v2, one at a time."""
    if not MINILM_DIR.exists():
        sys.exit(f"{MINILM_DIR} is missing: the benchmark needs all-MiniLM-L6-v2")
    if SENTENCES_PATH.exists():
        pool = [s for s in SENTENCES_PATH.read_text(encoding="utf-8").splitlines() if s.strip()]
        source = SENTENCES_PATH.relative_to(ROOT)
    else:
        pool, source = SENTENCES, "the fixture sentences, repeated"
    sentences = (pool * (count // len(pool) + 1))[:count]
    model = load_model(MINILM_DIR)
    tokenizer = load_tokenizer(MINILM_DIR, model[4])
    start = time.perf_counter()
    ids = [tokenizer.encode(sentence).ids for sentence in sentences]
    tokenized = time.perf_counter()
    for sequence in ids:
        encode(model, sequence)
    done = time.perf_counter()
    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    print(f"{count} sentences from {source}, {sum(map(len, ids))} tokens, OPENBLAS_NUM_THREADS={threads}")
    print(f"tokenize: {tokenized - start:.3f} s")
    print(f"numpy forward (embed {count} sentences): {done - tokenized:.3f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=int, metavar="N",
                        help="time N sentences with all-MiniLM-L6-v2 instead of writing fixtures")
    args = parser.parse_args()
    if args.bench is not None:
        bench(args.bench)
        return
    if not MINILM_DIR.exists():
        sys.exit(f"{MINILM_DIR} is missing: the tiny model's vocabulary is a subset of MiniLM's")
    make_tiny_model(TINY_DIR)
    write_reference(TINY_DIR, FIXTURES_DIR / "tiny-bert.reference.json", "tiny-bert")
    write_reference(MINILM_DIR, FIXTURES_DIR / "minilm-reference.json", "all-MiniLM-L6-v2")


if __name__ == "__main__":
    main()
