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
// timed. Two modes: all cores (one call per tensor, rows spread over the cores) and one core
// (one call per chunk of rows small enough to run on the calling thread). Prints one JSON
// object: the counts, the seconds of each repeat of each mode (after one untimed warm-up) and a
// checksum of the blocks (Σ byte·(position + 1) per tensor and type, wrapping) that the Python
// side reproduces from ggml's bytes.

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

/// Quantizes every piece of work; `rowsPerCall` nil quantizes each tensor in one call.
func run(rowsPerCall: ((Int) -> Int)?) -> [[UInt8]] {
  work.map { item in
    let m = matrices[item.index]
    return m.values.withUnsafeBufferPointer { x in
      guard let rowsPerCall else {
        return GGMLQuantizer.quantize(x, rows: m.rows, columns: m.columns, type: item.type, importance: nil)
      }
      let step = rowsPerCall(m.columns)
      var out: [UInt8] = []
      out.reserveCapacity(m.rows * m.columns / item.type.blockSize * item.type.bytesPerBlock)
      for start in stride(from: 0, to: m.rows, by: step) {
        let rows = min(step, m.rows - start)
        out += GGMLQuantizer.quantize(UnsafeBufferPointer(rebasing: x[start * m.columns..<(start + rows) * m.columns]),
                                      rows: rows, columns: m.columns, type: item.type, importance: nil)
      }
      return out
    }
  }
}

func seconds(_ body: () -> [[UInt8]]) -> Double {
  let start = ContinuousClock.now
  let result = body()
  let elapsed = ContinuousClock.now - start
  withExtendedLifetime(result) {}
  return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// Rows per call that keep a call on one thread (a single chunk of GGMLQuantizer's).
let oneChunk: (Int) -> Int = { columns in max(1, GGMLQuantizer.rowsPerChunkElements / columns) }

var checksum: UInt64 = 0
for blocks in run(rowsPerCall: nil) {
  for (i, byte) in blocks.enumerated() { checksum &+= UInt64(byte) &* UInt64(i + 1) }
}
var oneCoreChecksum: UInt64 = 0
for blocks in run(rowsPerCall: oneChunk) {
  for (i, byte) in blocks.enumerated() { oneCoreChecksum &+= UInt64(byte) &* UInt64(i + 1) }
}
var allCores: [Double] = [], oneCore: [Double] = []
for _ in 0..<repeats {
  allCores.append(seconds { run(rowsPerCall: nil) })
  oneCore.append(seconds { run(rowsPerCall: oneChunk) })
}
let report: [String: Any] = [
  "q8_0_tensors": matrices.count, "q4_k_tensors": work.count - matrices.count,
  "weights": work.reduce(0) { $0 + matrices[$1.index].values.count },
  "all_cores": allCores, "one_core": oneCore, "checksum": String(checksum),
  "one_core_checksum": String(oneCoreChecksum), "cores": ProcessInfo.processInfo.activeProcessorCount,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
