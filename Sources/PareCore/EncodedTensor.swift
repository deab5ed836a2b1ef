/// A tensor left in its stored encoding (any `DType`, little-endian, row-major) and converted to
/// Float32 a slice at a time.
///
/// Evaluation data is read this way: a batch's images are decoded straight from the mapped file
/// into the batch being built, so a dataset never exists whole as Float32 (4x the bytes of u8
/// images) and no pass is spent converting samples before the first batch can start.
public struct EncodedTensor: Sendable {
  /// Element type of the stored bytes.
  public let dtype: DType
  /// Extent of each axis, outermost first.
  public let shape: [Int]
  private let bytes: any EncodedBytes

  /// Wraps `bytes`, which must hold exactly `elementCount(shape) * dtype.byteSize` bytes.
  public init(dtype: DType, shape: [Int], bytes: any EncodedBytes) throws(TensorError) {
    let count = Tensor.elementCount(shape)
    let byteCount = bytes.withBytes { $0.count }
    guard shape.allSatisfy({ $0 >= 0 }), byteCount == count * dtype.byteSize else {
      throw TensorError.shapeMismatch(shape: shape, count: byteCount / dtype.byteSize)
    }
    (self.dtype, self.shape, self.bytes) = (dtype, shape, bytes)
  }

  /// Wraps an array of encoded bytes (`elementCount(shape) * dtype.byteSize` of them).
  public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws(TensorError) {
    try self.init(dtype: dtype, shape: shape, bytes: ByteArray(bytes: bytes))
  }

  /// Number of elements.
  public var count: Int { Tensor.elementCount(shape) }

  /// Converts elements `range` (flat, row-major indices) into `out`, which holds `range.count`.
  public func decode(elements range: Range<Int>, into out: UnsafeMutableBufferPointer<Float>) {
    precondition(range.lowerBound >= 0 && range.upperBound <= count && out.count == range.count,
                 "decode: elements \(range) of \(count) into \(out.count)")
    let size = dtype.byteSize
    bytes.withBytes { all in
      dtype.decode(UnsafeRawBufferPointer(rebasing: all[(range.lowerBound * size)..<(range.upperBound * size)]), into: out)
    }
  }

  /// The whole tensor as Float32.
  public func decoded() -> Tensor {
    Tensor(unsafeUninitializedShape: shape) { decode(elements: 0..<count, into: $0) }
  }
}

/// Read-only bytes that stay valid as long as the value lives (a mapped file, an array).
public protocol EncodedBytes: Sendable {
  /// Calls `body` with the bytes; they must not change while any `EncodedTensor` refers to them.
  func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

/// Encoded bytes held in an array.
private struct ByteArray: EncodedBytes {
  let bytes: [UInt8]

  func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try bytes.withUnsafeBytes(body)
  }
}
