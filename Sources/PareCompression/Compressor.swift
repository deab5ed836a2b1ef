import PareCore

/// Applies a `CompressionSpec` to a tensor: prune, then low-rank, then quantize (DESIGN.md §4).
public enum Compressor {
  /// Compresses `tensor` (stored on disk as `dtype`) by `spec`. The spec must have passed
  /// `Plan.validate` for this tensor's shape. A tensor holding NaN or infinite values is refused
  /// (`NonFiniteWeightsError`, named `name`): one would poison its group's scale or codebook, or
  /// every value through the SVD. So is a low-rank product that overflows Float32.
  ///
  /// `importance` (one weight per column: the mean squared activation entering it on calibration
  /// text) is what a ggml spec with `imatrix` weights its errors by; such a spec without it is
  /// refused (`MissingImportanceError`). Other specs ignore it.
  public static func compress(_ tensor: Tensor, dtype: DType, spec: CompressionSpec,
                              name: String = "weights", importance: [Float]? = nil) throws -> CompressedTensor {
    let (rows, columns) = tensor.matrixShape
    if let q = spec.quantize, q.scheme == .ggml, q.imatrix {
      guard let importance else { throw MissingImportanceError(tensor: name, reason: nil) }
      guard importance.count == columns else {
        throw MissingImportanceError(tensor: name, reason: "the importance matrix has \(importance.count) columns for it, its rows hold \(columns)")
      }
    }
    let nonFinite = tensor.scalars.withUnsafeBufferPointer { NonFiniteCount($0) }
    guard nonFinite.total == 0 else { throw NonFiniteWeightsError(tensor: name, count: nonFinite) }
    var values = tensor.scalars
    var kept: [Bool]?
    if let prune = spec.prune {
      (values, kept) = Pruner.prune(values, rows: rows, columns: columns, spec: prune)
    }

    if let lowrank = spec.lowrank {
      let (a, b) = try LowRank.factorize(try Tensor(shape: [rows, columns], scalars: values), spec: lowrank)
      let r = a.shape[1]
      // Finite weights near Float32's limit can still overflow in the factors.
      for (factor, which) in [(a, "A"), (b, "B")] {
        let count = factor.scalars.withUnsafeBufferPointer { NonFiniteCount($0) }
        guard count.total == 0 else {
          throw NonFiniteWeightsError(tensor: "\(name)'s low-rank factor \(which)", count: count)
        }
      }
      let qa = spec.quantize.map { Quantizer.quantize(a.scalars, rows: rows, columns: r, spec: $0) }
      let qb = spec.quantize.map { Quantizer.quantize(b.scalars, rows: r, columns: columns, spec: $0) }
      // Unquantized factors are stored in the tensor's dtype (that is what the storage cost
      // counts), so the reconstruction multiplies them as stored.
      let factorA = try qa.map { try Tensor(shape: a.shape, scalars: $0.values) } ?? a.rounded(through: dtype)
      let factorB = try qb.map { try Tensor(shape: b.shape, scalars: $0.values) } ?? b.rounded(through: dtype)
      let product = try LinearAlgebra.matmul(factorA, factorB)
      let reconstruction = try Tensor(shape: tensor.shape, scalars: product.scalars)
      let overflow = reconstruction.scalars.withUnsafeBufferPointer { NonFiniteCount($0) }
      guard overflow.total == 0 else {
        throw NonFiniteWeightsError(tensor: "\(name)'s low-rank product", count: overflow)
      }
      let storage = StorageCost.of(count: a.count, dtype: dtype, quantized: qa, kept: nil, prune: nil)
        + StorageCost.of(count: b.count, dtype: dtype, quantized: qb, kept: nil, prune: nil)
      return CompressedTensor(
        spec: spec, values: reconstruction, kept: kept, quantized: nil,
        factors: LowRankFactors(a: factorA, b: factorB, quantizedA: qa, quantizedB: qb), storage: storage,
        error: WeightError(original: tensor.scalars, compressed: reconstruction.scalars))
    }

    let quantized = spec.quantize.map {
      Quantizer.quantize(values, rows: rows, columns: columns, spec: $0, kept: kept, importance: importance)
    }
    let reconstruction = try Tensor(shape: tensor.shape, scalars: quantized?.values ?? values)
    return CompressedTensor(
      spec: spec, values: reconstruction, kept: kept, quantized: quantized, factors: nil,
      storage: StorageCost.of(count: tensor.count, dtype: dtype, quantized: quantized, kept: kept, prune: spec.prune),
      error: WeightError(original: tensor.scalars, compressed: reconstruction.scalars))
  }
}

/// A ggml spec with `imatrix: true` was given no usable importance weights for its tensor.
public struct MissingImportanceError: Error, Equatable, CustomStringConvertible {
  /// The tensor.
  public let tensor: String
  /// Why the weights given do not fit; nil when there were none.
  public let reason: String?

  public var description: String {
    "tensor '\(tensor)': " + (reason ?? "its spec asks for importance weights (\"imatrix\": true) but none were given; pass --imatrix FILE or calibration text")
  }
}
