import PareCompression
import PareCore

extension TensorDetail {
  /// Histogram bins for `count` values: about √n (a few hundred biases get ~17 bins, not a
  /// comb of mostly empty ones), between 16 and 128; the view regroups them to its width.
  static func bins(for count: Int) -> Int { min(128, max(16, Int(Double(count).squareRoot()))) }

  /// The detail of a tensor with its original values and, when it has a spec, its compressed
  /// form. `singularValues` are passed in because they do not depend on the plan (the
  /// controller caches them per tensor).
  ///
  /// - Complexity: O(n log n) for the percentiles' sort.
  public init(original tensor: Tensor, compressed: CompressedTensor?, singularValues: [Float]?) {
    let stats = TensorStatistics(tensor.scalars)
    let edges = Histogram.uniformEdges(lower: stats.min, upper: stats.max, bins: Self.bins(for: tensor.count))
    let values = compressed?.values.scalars
    let (rows, columns) = tensor.matrixShape
    let zeroSource = values ?? tensor.scalars
    let rowZeros: [Double] = (0..<rows).map { r in
      let row = zeroSource[(r * columns)..<((r + 1) * columns)]
      return columns == 0 ? 0 : Double(row.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }) / Double(columns)
    }
    var threshold: Float?
    if compressed?.spec.prune?.method == .magnitude, let kept = compressed?.kept {
      threshold = zip(tensor.scalars, kept).filter(\.1).map { abs($0.0) }.min()
    }
    var rank: Int?
    if let lowrank = compressed?.spec.lowrank {
      rank = compressed?.factors?.rank ?? singularValues.map { LowRank.rank(for: lowrank, singularValues: $0) }
    }
    self.init(
      original: stats,
      compressed: values.map { TensorStatistics($0) },
      percentiles: TensorStatistics.percentiles(of: tensor.scalars, [1, 5, 25, 50, 75, 95, 99]),
      histogramEdges: edges,
      originalCounts: Histogram(values: tensor.scalars, edges: edges).counts,
      compressedCounts: values.map { Histogram(values: $0, edges: edges).counts },
      gridLevels: compressed?.quantized.map(Self.gridLevels) ?? [],
      pruneThreshold: threshold,
      singularValues: tensor.rank >= 2 ? singularValues : nil,
      rank: rank,
      rowZeroFractions: rowZeros,
      storage: compressed?.storage,
      relativeMSE: compressed?.error.relativeMSE)
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
      let widest = (0..<groups).max { a, b in
        let ra = q.codebooks[(a * k + k - 1)] - q.codebooks[a * k], rb = q.codebooks[(b * k + k - 1)] - q.codebooks[b * k]
        return ra < rb
      } ?? 0
      return Array(q.codebooks[(widest * k)..<((widest + 1) * k)])
    case .fp8E4M3, .fp8E5M2, .fp16, .bf16:
      return []
    }
  }
}
