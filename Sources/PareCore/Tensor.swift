/// A dense, row-major Float32 array with a shape: the one numeric value type Pare computes on.
///
/// Whatever a tensor's dtype on disk, it is held as Float32 here (see `DType`). A scalar has
/// shape `[]` and one element.
public struct Tensor: Sendable, Equatable {
  /// Extent of each axis, outermost first.
  public let shape: [Int]
  /// The elements in row-major order; `scalars.count` is the product of `shape`.
  public var scalars: [Float]

  /// A tensor with the given shape and elements; throws when the count does not match the shape.
  public init(shape: [Int], scalars: [Float]) throws {
    guard shape.allSatisfy({ $0 >= 0 }), Self.elementCount(shape) == scalars.count else {
      throw TensorError.shapeMismatch(shape: shape, count: scalars.count)
    }
    self.shape = shape
    self.scalars = scalars
  }

  /// A tensor of zeros.
  public init(zeros shape: [Int]) {
    self.shape = shape
    self.scalars = [Float](repeating: 0, count: Self.elementCount(shape))
  }

  /// Builds a tensor whose elements `fill` writes into uninitialized storage of the right size.
  public init(shape: [Int], fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
    self.shape = shape
    self.scalars = try [Float](unsafeUninitializedCapacity: Self.elementCount(shape)) { buffer, count in
      buffer.initialize(repeating: 0)
      try fill(buffer)
      count = buffer.count
    }
  }

  /// Builds a tensor whose every element `overwrite` writes; skips zeroing the storage first,
  /// which matters for large batches. `overwrite` must write all `elementCount(shape)` elements.
  public init(unsafeUninitializedShape shape: [Int], initializingWith overwrite: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
    self.shape = shape
    self.scalars = try [Float](unsafeUninitializedCapacity: Self.elementCount(shape)) { buffer, count in
      try overwrite(buffer)
      count = buffer.count
    }
  }

  /// Number of elements.
  public var count: Int { scalars.count }

  /// Number of axes.
  public var rank: Int { shape.count }

  /// The tensor seen as a matrix: rows are the first axis, a row is everything else flattened
  /// (DESIGN.md §4). A 1-D tensor is one row; a scalar is 1x1.
  public var matrixShape: (rows: Int, columns: Int) { Self.matrixShape(of: shape) }

  /// `matrixShape` of a tensor of `shape`, for sizes checked before any tensor is allocated.
  public static func matrixShape(of shape: [Int]) -> (rows: Int, columns: Int) {
    guard let rows = shape.first else { return (1, 1) }
    if shape.count == 1 { return (1, rows) }
    return (rows, rows == 0 ? 0 : elementCount(shape) / rows)
  }

  /// The same elements under another shape with the same element count.
  public func reshaped(_ newShape: [Int]) throws -> Tensor {
    try Tensor(shape: newShape, scalars: scalars)
  }

  /// Product of the extents of `shape` (1 for a scalar).
  public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }
}

/// A tensor operation refused its operands (wrong shapes, values LAPACK cannot take).
public enum TensorError: Error, Equatable, CustomStringConvertible {
  case shapeMismatch(shape: [Int], count: Int)
  case incompatibleShapes(operation: String, [Int], [Int])
  case lapackFailure(routine: String, info: Int32)
  /// LAPACK's routine `rejecting` (called by `routine`) refused its argument number `argument`.
  case lapackRejected(routine: String, rejecting: String, argument: Int32)
  case nonFiniteEntries(routine: String, count: Int)

  public var description: String {
    switch self {
    case let .shapeMismatch(shape, count):
      "shape \(shape) needs \(Tensor.elementCount(shape)) elements, got \(count)"
    case let .incompatibleShapes(operation, a, b):
      "\(operation): incompatible shapes \(a) and \(b)"
    case let .lapackFailure(routine, info):
      "LAPACK \(routine) failed (info \(info)): the SVD did not converge"
    case let .lapackRejected(routine, rejecting, argument):
      "LAPACK \(routine) failed: \(rejecting) refused its argument \(argument)"
    case let .nonFiniteEntries(routine, count):
      "LAPACK \(routine) cannot take this matrix: \(count) of its entries are NaN or infinite"
    }
  }
}
