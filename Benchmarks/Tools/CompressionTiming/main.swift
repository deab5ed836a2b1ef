import Foundation
import PareCompression
import PareCore
import PareFormats

// Times `Compressor.compress` (quantize, storage cost, weight error: the work behind an edit in
// the explorer and behind `pare apply`) on a model's weight matrices, for
// scripts/bench_compression.py, which times numpy on the same tensors in the same run.
//
//   CompressionTiming MODEL.safetensors SPEC_JSON REPEATS [TENSOR...]
//
// Without tensor names, every floating-point tensor of two axes is compressed. Decoding the
// tensors is not timed. Prints one JSON object: the weights compressed, the seconds of each
// repeat (after one untimed warm-up) and a checksum of the reconstructions (the sum of their
// Float32 bit patterns) that the numpy side reproduces, so both are known to compute the same.

let arguments = CommandLine.arguments
guard arguments.count >= 4, let repeats = Int(arguments[3]), repeats > 0 else {
  FileHandle.standardError.write(Data("usage: CompressionTiming MODEL.safetensors SPEC_JSON REPEATS [TENSOR...]\n".utf8))
  exit(2)
}
let store = try WeightStore(file: arguments[1])
let spec = try JSONDecoder().decode(CompressionSpec.self, from: Data(arguments[2].utf8))
let names = arguments.count > 4
  ? Array(arguments[4...])
  : store.entries.filter { $0.shape.count == 2 && $0.dtype.isFloatingPoint }.map(\.name)
let tensors = try names.map { name in
  guard let entry = store.entry(named: name) else { throw PlanError(file: arguments[1], "no tensor '\(name)'") }
  try spec.validate(shape: entry.shape, dtype: entry.dtype)
  return (tensor: try store.tensor(named: name), dtype: entry.dtype)
}

func compressAll() throws -> [CompressedTensor] {
  try tensors.map { try Compressor.compress($0.tensor, dtype: $0.dtype, spec: spec) }
}

var checksum: UInt64 = 0
for compressed in try compressAll() {
  for x in compressed.values.scalars { checksum &+= UInt64(x.bitPattern) }
}
var seconds: [Double] = []
for _ in 0..<repeats {
  let start = ContinuousClock.now
  let compressed = try compressAll()
  let elapsed = ContinuousClock.now - start
  withExtendedLifetime(compressed) {}
  seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
let report: [String: Any] = [
  "weights": tensors.reduce(0) { $0 + $1.tensor.count }, "seconds": seconds, "checksum": String(checksum),
]
print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
