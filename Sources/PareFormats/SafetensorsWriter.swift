import Foundation
import PareCore

/// Builds a safetensors file from tensors and writes it atomically.
public struct SafetensorsWriter {
  private var entries: [(name: String, dtype: DType, shape: [Int], bytes: [UInt8])] = []
  /// Free-form metadata stored under `__metadata__`.
  public var metadata: [String: String] = [:]

  public init() {}

  /// Adds a tensor given as raw little-endian bytes of `dtype`; throws when the byte count does
  /// not match the shape.
  public mutating func add(_ name: String, dtype: DType, shape: [Int], bytes: [UInt8]) throws {
    guard bytes.count == Tensor.elementCount(shape) * dtype.byteSize else {
      throw TensorError.shapeMismatch(shape: shape, count: bytes.count / dtype.byteSize)
    }
    entries.append((name, dtype, shape, bytes))
  }

  /// Adds `tensor` encoded as `dtype` (rounded to nearest even for narrower floating types).
  public mutating func add(_ name: String, _ tensor: Tensor, as dtype: DType = .f32) throws {
    try add(name, dtype: dtype, shape: tensor.shape, bytes: tensor.encoded(as: dtype))
  }

  /// The complete file: 8-byte header length, JSON header padded with spaces to a multiple of
  /// 8 bytes, then the tensors' bytes in the order they were added.
  public func serialized() throws -> [[UInt8]] {
    var header: [String: Any] = [:]
    var offset = 0
    for entry in entries {
      header[entry.name] = ["dtype": entry.dtype.rawValue, "shape": entry.shape,
                            "data_offsets": [offset, offset + entry.bytes.count]]
      offset += entry.bytes.count
    }
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var json = Array(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
    while (8 + json.count) % 8 != 0 { json.append(UInt8(ascii: " ")) }
    let length = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
    return [length, json] + entries.map(\.bytes)
  }

  /// Writes the file to `path` atomically.
  public func write(to path: String) throws {
    try AtomicFile.write(serialized(), to: path)
  }
}
