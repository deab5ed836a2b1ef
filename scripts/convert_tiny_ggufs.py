#!/usr/bin/env python3
"""Tiny GGUFs written by llama.cpp's own converter (convert_hf_to_gguf.py and its `conversion`
package, with its gguf-py) from the tiny random Hugging Face decoders under
Tests/PareEngineTests/Fixtures/decoders:

  tiny-qwen2.gguf         from decoders/qwen2 (q/k/v biases, tied head, RoPE base 1e6)
  tiny-qwen3.gguf         from decoders/qwen3 (per-head q/k norms, head_dim 24 != 64/4)
  tiny-llama3-rope.gguf   from decoders/llama3-tied (llama3 rope scaling: the converter writes it
                          as the per-frequency factors `rope_freqs.weight`, q/k rows permuted)

written to Tests/PareWorkbenchTests/Fixtures/converted-gguf, all tensors F32 (`--outtype f32`: the BF16 values
exactly), so Pare's GGUF path must give the logits in each fixture's expected.safetensors.

The fixtures have no tokenizer files, which the converter's set_vocab needs: the script replaces
set_vocab (only) with the vocabulary scripts/make_tiny_gguf.py writes for tiny-llama.gguf, 256
single-byte gpt2 tokens (GPT-2's byte-to-unicode table, no merges, BOS 1, EOS 2, no BOS added).
Everything else (names, metadata, permutation, rope_freqs) is the converter's. The vendored
llama.cpp tree is copied to a temporary directory first, so nothing is written inside it.

Then, from those files, three malformed models for Tests/inputs/gguf-models (the check-inputs corpus,
and the tests of the one-line errors): each keeps the metadata and only the tensors Pare reads
before its fault (F16, to stay small):

  rope-freqs-wrong-length.gguf   tiny-llama3-rope with 7 factors for head_dim 16
  rope-freqs-nan.gguf            tiny-llama3-rope with a NaN factor at [3]
  qwen3-no-attn-k-norm.gguf      tiny-qwen3's block 0 without attn_k_norm

Usage: python3 scripts/convert_tiny_ggufs.py [--llama-cpp DIR]
"""
import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DECODERS = ROOT / "Tests/PareEngineTests/Fixtures/decoders"
OUT = ROOT / "Tests/PareWorkbenchTests/Fixtures/converted-gguf"
VENDOR = Path("/work/dl/sdist/llama_cpp_python-0.3.36/vendor/llama.cpp")
INPUTS = ROOT / "Tests/inputs/gguf-models"
FIXTURES = {"qwen2": "tiny-qwen2.gguf", "qwen3": "tiny-qwen3.gguf", "llama3-tied": "tiny-llama3-rope.gguf"}


def byte_vocabulary(model):
    """Replaces the converter's set_vocab: the fixtures carry no tokenizer."""
    # The 256-byte gpt2 vocabulary tiny-llama.gguf has; imported here, once the vendored gguf-py
    # the converter needs is the `gguf` module make_tiny_gguf imports.
    from make_tiny_gguf import add_byte_vocabulary
    add_byte_vocabulary(model.gguf_writer)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--llama-cpp", type=Path, default=VENDOR, help="llama.cpp source tree (read only)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "llama.cpp"
        copy.mkdir()
        for part in ["convert_hf_to_gguf.py", "conversion", "gguf-py"]:
            source = args.llama_cpp / part
            (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / part)
        sys.path[:0] = [str(copy), str(copy / "gguf-py")]
        import torch
        import gguf
        from conversion import ModelBase, ModelType, get_model_architecture, get_model_class

        for name, output in FIXTURES.items():
            source, target = DECODERS / name, OUT / output
            hparams = ModelBase.load_hparams(source, False)
            model_class = get_model_class(get_model_architecture(hparams, ModelType.TEXT), mmproj=False)
            model_class.set_vocab = byte_vocabulary
            with torch.inference_mode():
                model = model_class(source, gguf.LlamaFileType.ALL_F32, target, eager=True, model_name=f"tiny-{name}")
                model.write()
            print(target.relative_to(ROOT), model_class.__name__, target.stat().st_size // 1024, "KB")
    write_malformed()


def rewrite(source, target, tensors, replace=None):
    """`source`'s metadata with only `tensors` (F16 but rope_freqs), `replace` mapping a name to new values."""
    import gguf
    import numpy as np
    reader = gguf.GGUFReader(source)
    writer = gguf.GGUFWriter(str(target), reader.fields["general.architecture"].contents())
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture":
            continue
        main = field.types[0]
        sub = field.types[-1] if main == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(key, field.contents(), main, sub)
    by_name = {t.name: t for t in reader.tensors}
    for name in tensors:
        values = (replace or {}).get(name)
        if values is None:
            info = by_name[name]
            values = np.array(info.data).reshape([int(d) for d in reversed(info.shape)])
            if name != "rope_freqs.weight":
                values = values.astype(np.float16)
        writer.add_tensor(name, np.ascontiguousarray(values))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(target.relative_to(ROOT), target.stat().st_size // 1024, "KB")


def write_malformed():
    import numpy as np
    llama3 = OUT / FIXTURES["llama3-tied"]
    factors = np.array(next(t for t in __import__("gguf").GGUFReader(llama3).tensors if t.name == "rope_freqs.weight").data, dtype=np.float32)
    wrong = {"rope_freqs.weight": factors[:7].copy()}
    rewrite(llama3, INPUTS / "rope-freqs-wrong-length.gguf", ["token_embd.weight", "rope_freqs.weight"], wrong)
    nan = factors.copy()
    nan[3] = np.nan
    rewrite(llama3, INPUTS / "rope-freqs-nan.gguf", ["token_embd.weight", "rope_freqs.weight"], {"rope_freqs.weight": nan})
    block = [f"blk.0.{stem}.weight" for stem in ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "attn_q_norm"]]
    rewrite(OUT / FIXTURES["qwen3"], INPUTS / "qwen3-no-attn-k-norm.gguf", ["token_embd.weight"] + block)


if __name__ == "__main__":
    main()
