import Foundation
import PareCompression
import PareCore
import PareFormats

// Times `GGMLQuantizer.quantize` on a GGUF's weight matrices for scripts/bench_ggml_quantize.py,
// which times ggml's C (`ggml_quantize_chunk`) on the same tensors in the same run.
//
//   GGMLTiming MODEL.gguf REPEATS
//
// The workload of issue #16: every two-axis tensor to q8_0, and every one whose rows are a
// multiple of 256 to q4_k (reference quantizers, no importance). Decoding the tensors is not
// timed; one call per tensor spreads its rows over the cores (the script runs this under
// `taskset -c 0` for the one-core time). Prints one JSON object: the counts, the seconds of each
// repeat (after one untimed warm-up) and a checksum of the blocks (Σ byte·(position + 1) per
// tensor and type, wrapping) that the Python side reproduces from ggml's bytes.

let arguments = CommandLine.arguments
guard arguments.count == 3, let repeats = Int(arguments[2]), repeats > 0 else {
  FileHandle.standardError.write(Data("usage: GGMLTiming MODEL.gguf REPEATS\n".utf8))
  exit(2)
}
let file = try GGUFFile(path: arguments[1])
let matrices = try file.tensors.filter { $0.dimensions.count == 2 && $0.type.isDecodable }.map { info in
  (columns: info.dimensions[0], rows: info.dimensions[1], values: try file.decode(info).scalars)
}
let work: [(index: Int, type: GGMLType)] = matrices.indices.map { ($0, GGMLType.q8_0) }
  + matrices.indices.filter { matrices[$0].columns % 256 == 0 }.map { ($0, GGMLType.q4_k) }

/// Quantizes every piece of work, one call per tensor.
func run() -> [[UInt8]] {
  work.map { item in
    let m = matrices[item.index]
    return m.values.withUnsafeBufferPointer { x in
      GGMLQuantizer.quantize(x, rows: m.rows, columns: m.columns, type: item.type, importance: nil)
    }
  }
}

var checksum: UInt64 = 0
for blocks in run() {
  for (i, byte) in blocks.enumerated() { checksum &+= UInt64(byte) &* UInt64(i + 1) }
}
var seconds: [Double] = []
for _ in 0..<repeats {
  let start = ContinuousClock.now
  let result = run()
  let elapsed = ContinuousClock.now - start
  withExtendedLifetime(result) {}
  seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
let report: [String: Any] = [
  "q8_0_tensors": matrices.count, "q4_k_tensors": work.count - matrices.count,
  "weights": work.reduce(0) { $0 + matrices[$1.index].values.count },
  "seconds": seconds, "checksum": String(checksum), "cores": ProcessInfo.processInfo.activeProcessorCount,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
