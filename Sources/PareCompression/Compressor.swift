import PareCore

/// Applies a `CompressionSpec` to a tensor: prune, then low-rank, then quantize (DESIGN.md §4).
public enum Compressor {
  /// Compresses `tensor` (stored on disk as `dtype`) by `spec`. The spec must have passed
  /// `Plan.validate` for this tensor's shape; an SVD failure (NaN weights) throws.
  public static func compress(_ tensor: Tensor, dtype: DType, spec: CompressionSpec) throws -> CompressedTensor {
    let (rows, columns) = tensor.matrixShape
    var values = tensor.scalars
    var kept: [Bool]?
    if let prune = spec.prune {
      (values, kept) = Pruner.prune(values, rows: rows, columns: columns, spec: prune)
    }

    if let lowrank = spec.lowrank {
      let (a, b) = try LowRank.factorize(try Tensor(shape: [rows, columns], scalars: values), spec: lowrank)
      let r = a.shape[1]
      let qa = spec.quantize.map { Quantizer.quantize(a.scalars, rows: rows, columns: r, spec: $0) }
      let qb = spec.quantize.map { Quantizer.quantize(b.scalars, rows: r, columns: columns, spec: $0) }
      // Unquantized factors are stored in the tensor's dtype (that is what the storage cost
      // counts), so the reconstruction multiplies them as stored.
      let factorA = try qa.map { try Tensor(shape: a.shape, scalars: $0.values) } ?? a.rounded(through: dtype)
      let factorB = try qb.map { try Tensor(shape: b.shape, scalars: $0.values) } ?? b.rounded(through: dtype)
      let product = try LinearAlgebra.matmul(factorA, factorB)
      let reconstruction = try Tensor(shape: tensor.shape, scalars: product.scalars)
      let storage = StorageCost.of(count: a.count, dtype: dtype, quantized: qa, kept: nil, prune: nil)
        + StorageCost.of(count: b.count, dtype: dtype, quantized: qb, kept: nil, prune: nil)
      return CompressedTensor(
        spec: spec, values: reconstruction, kept: kept, quantized: nil,
        factors: LowRankFactors(a: factorA, b: factorB, quantizedA: qa, quantizedB: qb), storage: storage,
        error: WeightError(original: tensor.scalars, compressed: reconstruction.scalars))
    }

    let quantized = spec.quantize.map { Quantizer.quantize(values, rows: rows, columns: columns, spec: $0, kept: kept) }
    let reconstruction = try Tensor(shape: tensor.shape, scalars: quantized?.values ?? values)
    return CompressedTensor(
      spec: spec, values: reconstruction, kept: kept, quantized: quantized, factors: nil,
      storage: StorageCost.of(count: tensor.count, dtype: dtype, quantized: quantized, kept: kept, prune: spec.prune),
      error: WeightError(original: tensor.scalars, compressed: reconstruction.scalars))
  }
}
