#!/usr/bin/env python3
"""llama.cpp's importance matrix of a GGUF model on a text, collected as tools/imatrix/imatrix.cpp
collects it, through llama-cpp-python (no llama-imatrix build needed), and compared with Pare's.

The collector is imatrix.cpp's `collect_imatrix` in Python: a `cb_eval` scheduler callback asks
for every GGML_OP_MUL_MAT whose weight (src[0]) is named `blk.*` (or `output.weight`) and whose
activations (src[1]) are F32 with at least 16 rows, and adds each activation column's square
to in_sum2 and the rows to counts. The text is cut as `compute_imatrix` cuts it: windows of
n_ctx tokens, the first token of each replaced by BOS when the vocabulary adds one, each window
decoded alone after clearing the KV cache, every position's logits requested.

Usage:
  python3 scripts/llama_cpp_imatrix.py MODEL.gguf TEXT OUT.gguf [--ctx 512] [--chunks K]
  python3 scripts/llama_cpp_imatrix.py --compare A.gguf B.gguf
"""
import argparse
import ctypes
import sys

import gguf
import numpy as np


def collect(model_path, text_path, out_path, n_ctx, chunks):
    import llama_cpp as L

    ggml = ctypes.CDLL(str(__import__("pathlib").Path(L.__file__).parent / "lib" / "libggml-base.so"))
    ggml.ggml_op_name.restype = ctypes.c_char_p
    mul_mat = next(i for i in range(120) if ggml.ggml_op_name(i) == b"MUL_MAT")

    class Tensor(ctypes.Structure):
        pass

    Tensor._fields_ = [("type", ctypes.c_int), ("buffer", ctypes.c_void_p), ("ne", ctypes.c_int64 * 4),
                       ("nb", ctypes.c_size_t * 4), ("op", ctypes.c_int), ("op_params", ctypes.c_int32 * 16),
                       ("flags", ctypes.c_int32), ("src", ctypes.POINTER(Tensor) * 10),
                       ("view_src", ctypes.c_void_p), ("view_offs", ctypes.c_size_t), ("data", ctypes.c_void_p),
                       ("name", ctypes.c_char * 64), ("extra", ctypes.c_void_p), ("padding", ctypes.c_char * 8)]
    stats = {}

    def wanted(t):
        if t.op != mul_mat or not t.src[0] or not t.src[1]:
            return None
        name = t.src[0].contents.name.decode()
        src1 = t.src[1].contents
        if src1.ne[1] < 16 or src1.type != 0:  # GGML_TYPE_F32
            return None
        return name if name.startswith("blk.") or name == "output.weight" else None

    @L.ggml_backend_sched_eval_callback
    def callback(tensor, ask, _):
        t = ctypes.cast(tensor, ctypes.POINTER(Tensor)).contents
        name = wanted(t)
        if ask or name is None:
            return name is not None
        src1 = t.src[1].contents
        ne0, rows = src1.ne[0], src1.ne[1] * src1.ne[2] * src1.ne[3]
        assert src1.nb[0] == 4 and src1.nb[1] == 4 * ne0, "non-contiguous activations"
        x = np.ctypeslib.as_array(ctypes.cast(src1.data, ctypes.POINTER(ctypes.c_float)), shape=(rows, ne0))
        entry = stats.setdefault(name, [np.zeros(ne0, dtype=np.float32), 0])
        # imatrix.cpp adds row by row in float: acc[j] += x[j]*x[j].
        for row in x:
            entry[0] += row * row
        entry[1] += rows
        return True

    L.llama_backend_init()
    mparams = L.llama_model_default_params()
    model = L.llama_model_load_from_file(model_path.encode(), mparams)
    cparams = L.llama_context_default_params()
    cparams.n_ctx = cparams.n_batch = cparams.n_ubatch = n_ctx
    cparams.cb_eval = callback
    cparams.n_threads = cparams.n_threads_batch = 2
    ctx = L.llama_init_from_model(model, cparams)
    vocab = L.llama_model_get_vocab(model)
    text = open(text_path, "rb").read()
    tokens = (L.llama_token * (len(text) + 16))()
    n = L.llama_tokenize(vocab, text, len(text), tokens, len(tokens), True, False)
    ids = list(tokens[:n])
    add_bos = L.llama_vocab_get_add_bos(vocab)
    windows = len(ids) // n_ctx if chunks is None else min(chunks, len(ids) // n_ctx)
    batch = L.llama_batch_init(n_ctx, 0, 1)
    for w in range(windows):
        L.llama_memory_clear(L.llama_get_memory(ctx), True)
        window = ids[w * n_ctx:(w + 1) * n_ctx]
        if add_bos:
            window[0] = L.llama_vocab_bos(vocab)
        batch.n_tokens = n_ctx
        for k, token in enumerate(window):
            batch.token[k], batch.pos[k], batch.n_seq_id[k], batch.logits[k] = token, k, 1, True
            batch.seq_id[k][0] = 0
        assert L.llama_decode(ctx, batch) == 0
    writer = gguf.GGUFWriter(out_path, arch="", endianess=gguf.GGUFEndian.LITTLE)
    writer.add_string("general.type", "imatrix")
    writer.add_array("imatrix.datasets", [text_path])
    writer.add_uint32("imatrix.chunk_count", windows)
    writer.add_uint32("imatrix.chunk_size", n_ctx)
    for name in sorted(stats):
        s, rows = stats[name]
        writer.add_tensor(name + ".in_sum2", s.reshape(1, -1))
        writer.add_tensor(name + ".counts", np.array([[rows]], dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(f"{out_path}: {len(stats)} weights, {windows} windows of {n_ctx} (add_bos {add_bos})")


def read(path):
    r = gguf.GGUFReader(path)
    t = {x.name: np.array(x.data, dtype=np.float64).reshape(-1) for x in r.tensors}
    return {n[:-len(".in_sum2")]: (v, t[n[:-len(".in_sum2")] + ".counts"][0]) for n, v in t.items() if n.endswith(".in_sum2")}


def compare(a_path, b_path):
    a, b = read(a_path), read(b_path)
    common = sorted(set(a) & set(b))
    print(f"{len(a)} and {len(b)} weights, {len(common)} in both; only in the first: {sorted(set(a) - set(b))[:3]}")
    worst, medians, counts, scaled = [], [], 0, []
    for name in common:
        (sa, ca), (sb, cb) = a[name], b[name]
        counts += ca != cb
        ma, mb = sa / ca, sb / cb
        rel = np.abs(ma - mb) / np.maximum(np.abs(mb), 1e-30)
        worst.append((rel.max(), name))
        scaled.append((np.abs(ma - mb).max() / np.abs(mb).max(), name))
        medians.append(np.median(rel))
    worst.sort(reverse=True)
    print(f"counts differ on {counts} weights")
    print(f"per-column relative difference of in_sum2/counts: median over weights of the median {np.median(medians):.2e}, "
          f"largest median {max(medians):.2e}")
    scaled.sort(reverse=True)
    print("largest difference relative to the weight's largest column:", ", ".join(f"{n} {r:.2e}" for r, n in scaled[:3]))
    print("largest per-column relative differences:", ", ".join(f"{n} {r:.2e}" for r, n in worst[:5]))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        p = argparse.ArgumentParser()
        p.add_argument("model"), p.add_argument("text"), p.add_argument("out")
        p.add_argument("--ctx", type=int, default=512), p.add_argument("--chunks", type=int)
        a = p.parse_args()
        collect(a.model, a.text, a.out, a.ctx, a.chunks)
