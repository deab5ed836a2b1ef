import PareCore

/// The pruning methods of DESIGN.md §4.
public enum Pruner {
  /// `values` seen as [rows, columns] with entries zeroed by `spec`, and the mask of kept entries.
  ///
  /// - `magnitude`: within each group (the tensor, or each row), zero the round(sparsity · n)
  ///   entries of smallest |w|; among equal magnitudes the lower index is zeroed first. `round`
  ///   is half to even, like `rint`.
  /// - `nm`: in each block of m consecutive entries of a row, keep the n largest |w|; among equal
  ///   magnitudes the lower index is kept. A shorter last block keeps min(n, its length).
  public static func prune(_ values: [Float], rows: Int, columns: Int, spec: PruneSpec) -> (values: [Float], kept: [Bool]) {
    var kept = [Bool](repeating: true, count: values.count)
    switch spec.method {
    case .magnitude:
      let layout = GroupLayout(rows: rows, columns: columns, granularity: spec.granularity == .channel ? .channel : .tensor)
      let sparsity = spec.sparsity ?? 0
      for g in 0..<layout.count {
        let range = layout.range(g)
        let zeroed = Int((sparsity * Double(range.count)).rounded(.toNearestOrEven))
        let smallestFirst = range.sorted { a, b in
          let (x, y) = (abs(values[a]), abs(values[b]))
          return x != y ? x < y : a < b
        }
        for i in smallestFirst.prefix(zeroed) { kept[i] = false }
      }
    case .nm:
      let n = spec.n ?? 0, m = max(spec.m ?? 1, 1)
      for row in 0..<rows {
        let rowEnd = (row + 1) * columns
        for start in stride(from: row * columns, to: rowEnd, by: m) {
          let largestFirst = (start..<min(start + m, rowEnd)).sorted { a, b in
            let (x, y) = (abs(values[a]), abs(values[b]))
            return x != y ? x > y : a < b
          }
          for i in largestFirst.dropFirst(n) { kept[i] = false }
        }
      }
    }
    return (zip(values, kept).map { $1 ? $0 : 0 }, kept)
  }
}
