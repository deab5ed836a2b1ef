import PareCompression
import PareCore

extension TensorDetail {
  /// Histogram bins for `count` values: about √n (a few hundred biases get ~17 bins, not a
  /// comb of mostly empty ones), between 16 and 128; the view regroups them to its width.
  static func bins(for count: Int) -> Int { min(128, max(16, Int(Double(count).squareRoot()))) }

  /// The detail of an untouched tensor: everything that depends only on its values (statistics,
  /// percentiles, histogram, spectrum, sparsity). The controller computes this once per tensor
  /// and then only `compressed(by:original:)` on each edit, so a keypress never re-sorts a
  /// large tensor. `singularValues` are passed in (computed once per tensor too).
  ///
  /// - Complexity: O(n log n) for the percentiles' sort.
  public init(original tensor: Tensor, singularValues: [Float]?) {
    let stats = TensorStatistics(tensor.scalars)
    let edges = Histogram.uniformEdges(lower: stats.min, upper: stats.max, bins: Self.bins(for: tensor.count))
    self.init(
      original: stats, compressed: nil,
      percentiles: TensorStatistics.percentiles(of: tensor.scalars, [1, 5, 25, 50, 75, 95, 99]),
      histogramEdges: edges,
      originalCounts: Histogram(values: tensor.scalars, edges: edges).counts,
      compressedCounts: nil, gridLevels: [], pruneThreshold: nil,
      singularValues: tensor.rank >= 2 ? singularValues : nil, rank: nil,
      rowZeroFractions: Self.rowZeroFractions(tensor.scalars, tensor.matrixShape),
      storage: nil, relativeMSE: nil)
  }

  /// This (untouched) detail with the plan's `compressed` form of a tensor added; the same
  /// detail when there is none. `original` gives the tensor's values, read only for a magnitude
  /// pruning threshold (decoding a large tensor on every edit would double its memory for
  /// nothing). O(n), no sorting.
  public func compressed(by compressed: CompressedTensor?, original: () -> Tensor?) -> TensorDetail {
    guard let compressed else { return self }
    var detail = self
    let values = compressed.values.scalars
    detail.compressed = TensorStatistics(values)
    detail.compressedCounts = Histogram(values: values, edges: histogramEdges).counts
    detail.gridLevels = compressed.quantized.map(Self.gridLevels) ?? []
    if compressed.spec.prune?.method == .magnitude, let kept = compressed.kept, let tensor = original() {
      detail.pruneThreshold = zip(tensor.scalars, kept).filter(\.1).map { abs($0.0) }.min()
    }
    if let lowrank = compressed.spec.lowrank {
      detail.rank = compressed.factors?.rank ?? singularValues.map { LowRank.rank(for: lowrank, singularValues: $0) }
    }
    detail.rowZeroFractions = Self.rowZeroFractions(values, compressed.values.matrixShape)
    detail.storage = compressed.storage
    detail.relativeMSE = compressed.error.relativeMSE
    return detail
  }

  /// Fraction of exact zeros in each row of a [rows, columns] matrix.
  static func rowZeroFractions(_ values: [Float], _ shape: (rows: Int, columns: Int)) -> [Double] {
    (0..<shape.rows).map { r in
      let row = values[(r * shape.columns)..<((r + 1) * shape.columns)]
      return shape.columns == 0 ? 0 : Double(row.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }) / Double(shape.columns)
    }
  }

  /// The levels of the group with the widest grid: every value its codes can take (int), or its
  /// centroids (codebook). Empty for FP8/FP16/BF16, whose hundreds of levels would fill the axis.
  static func gridLevels(_ q: QuantizedTensor) -> [Float] {
    let bits = q.spec.bits ?? 8
    switch q.spec.scheme {
    case .int:
      guard let g = q.scales.indices.max(by: { q.scales[$0] < q.scales[$1] }) else { return [] }
      let scale = q.scales[g]
      if q.spec.symmetric {
        let qmax = (1 << (bits - 1)) - 1
        return (-qmax...qmax).map { Float($0) * scale }
      }
      let zero = Float(q.zeroPoints[g])
      return (0..<(1 << bits)).map { (Float($0) - zero) * scale }
    case .codebook:
      let k = 1 << bits
      let groups = q.codebooks.count / max(k, 1)
      guard groups > 0 else { return [] }
      func range(_ g: Int) -> Float { q.codebooks[g * k + k - 1] - q.codebooks[g * k] }
      let widest = (0..<groups).max { range($0) < range($1) } ?? 0
      return Array(q.codebooks[(widest * k)..<((widest + 1) * k)])
    case .fp8E4M3, .fp8E5M2, .fp16, .bf16, .ggml:
      return []
    }
  }
}
