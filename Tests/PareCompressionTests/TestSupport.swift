import Foundation
@_exported import PareTestSupport
import PareCore
import PareFormats

@testable import PareCompression

/// Whether `x` is exactly representable in IEEE half precision.
func isF16Exact(_ x: Float) -> Bool { Float(Float16(x)) == x }

/// `QuantizeSpec` shorthand for the tests.
func intSpec(_ bits: Int, _ granularity: Granularity = .channel, groupSize: Int? = nil, symmetric: Bool = true) -> QuantizeSpec {
  QuantizeSpec(scheme: .int, bits: bits, granularity: granularity, groupSize: groupSize, symmetric: symmetric)
}

/// A tensor to put in a test model: its name, dtype, shape and values (zeros when nil).
struct ModelTensor {
  let name: String
  let dtype: DType
  let shape: [Int]
  var values: [Float]? = nil
}

/// Writes `tensors` to a safetensors file in a fresh temporary directory, opens it as a
/// `WeightStore`, runs `body`, and removes the directory afterwards.
func withWeightStore<R>(_ tensors: [ModelTensor], _ body: (WeightStore) throws -> R) throws -> R {
  try withTemporaryDirectory { directory in
    var writer = SafetensorsWriter()
    for t in tensors {
      let count = Tensor.elementCount(t.shape)
      if t.dtype.isWritable {
        let values = t.values ?? [Float](repeating: 0, count: count)
        try writer.add(t.name, Tensor(shape: t.shape, scalars: values), as: t.dtype)
      } else {
        try writer.add(t.name, dtype: t.dtype, shape: t.shape, bytes: [UInt8](repeating: 0, count: count * t.dtype.byteSize))
      }
    }
    let path = (directory as NSString).appendingPathComponent("model.safetensors")
    try writer.write(to: path)
    return try body(WeightStore(file: path))
  }
}

/// Runs `body` with a new temporary directory's path and removes the directory afterwards.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("pare-compression-tests-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: url) }
  return try body(url.path)
}
