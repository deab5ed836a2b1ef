// swift-tools-version: 6.1
import PackageDescription

// Pare's benchmarks, kept out of the main package so `make test` never builds the harness.
// Run with `make bench` (or `swift package benchmark` in this folder).
let package = Package(
  name: "PareBenchmarks",
  dependencies: [
    .package(name: "Pare", path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "PareBenchmarks",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "PareEngine", package: "Pare"),
        .product(name: "PareCompression", package: "Pare"),
        .product(name: "PareWorkbench", package: "Pare"),
        .product(name: "PareTUI", package: "Pare"),
        .product(name: "PareFormats", package: "Pare"),
      ],
      path: "Benchmarks/PareBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    // Times the compression kernels on a real model for scripts/bench_compression.py (numpy
    // side by side); a plain executable so the script can run it with its own arguments. Not in
    // a folder directly under this one: the benchmark plugin runs every executable found there.
    .executableTarget(
      name: "CompressionTiming",
      dependencies: [
        .product(name: "PareCompression", package: "Pare"),
        .product(name: "PareFormats", package: "Pare"),
      ],
      path: "Tools/CompressionTiming"),
    // Times GGMLQuantizer on a GGUF's matrices (q8_0 everywhere, q4_k where rows fit), beside
    // scripts/bench_ggml_quantize.py (ggml's C through ctypes on the same tensors).
    .executableTarget(
      name: "GGMLTiming",
      dependencies: [
        .product(name: "PareCompression", package: "Pare"),
        .product(name: "PareCore", package: "Pare"),
        .product(name: "PareFormats", package: "Pare"),
      ],
      path: "Tools/GGMLTiming"),
    // Every tensor of a GGUF to every ggml type, as CRC-32s for scripts/check_ggml_quantizer.py.
    .executableTarget(
      name: "GGMLCheck",
      dependencies: [
        .product(name: "PareCompression", package: "Pare"),
        .product(name: "PareFormats", package: "Pare"),
      ],
      path: "Tools/GGMLCheck"),
    // Times DecoderNetwork on SmolLM2-135M's shapes with random weights, beside
    // scripts/bench_decoder.py (PyTorch on the same shapes).
    .executableTarget(
      name: "DecoderTiming",
      dependencies: [
        .product(name: "PareCore", package: "Pare"),
        .product(name: "PareEngine", package: "Pare"),
        .product(name: "PareFormats", package: "Pare"),
      ],
      path: "Tools/DecoderTiming"),
  ]
)
