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
  ///
  /// Rows are pruned on every core at once.
  public static func prune(_ values: [Float], rows: Int, columns: Int, spec: PruneSpec) -> (values: [Float], kept: [Bool]) {
    var kept = [Bool](repeating: true, count: values.count)
    values.withUnsafeBufferPointer { values in
      kept.withUnsafeMutableBufferPointer { kept in
        guard let values = values.baseAddress, let kept = kept.baseAddress else { return }
        switch spec.method {
        case .magnitude:
          let layout = GroupLayout(rows: rows, columns: columns, granularity: spec.granularity == .channel ? .channel : .tensor)
          let sparsity = spec.sparsity ?? 0
          ParallelChunks.forEach(count: layout.count, chunkSize: Swift.max(1, ParallelChunks.elementsPerChunk / layout.groupSize)) { groups in
            var scratch = [UInt32](repeating: 0, count: layout.range(groups.lowerBound).count)
            for g in groups {
              let range = layout.range(g)
              let zeroed = Int((sparsity * Double(range.count)).rounded(.toNearestOrEven))
              dropSmallest(zeroed, of: values + range.lowerBound, count: range.count, kept: kept + range.lowerBound,
                           tiesDroppedFirst: .lowerIndex, scratch: &scratch)
            }
          }
        case .nm:
          let n = spec.n ?? 0, m = Swift.max(spec.m ?? 1, 1)
          ParallelChunks.forEach(count: rows, chunkSize: Swift.max(1, ParallelChunks.elementsPerChunk / Swift.max(columns, 1))) { rows in
            var scratch = [UInt32](repeating: 0, count: m)
            for row in rows {
              for start in stride(from: row * columns, to: (row + 1) * columns, by: m) {
                let length = Swift.min(m, (row + 1) * columns - start)
                dropSmallest(length - Swift.min(n, length), of: values + start, count: length, kept: kept + start,
                             tiesDroppedFirst: .higherIndex, scratch: &scratch)
              }
            }
          }
        }
      }
    }
    let pruned = values.withUnsafeBufferPointer { values in
      kept.withUnsafeBufferPointer { kept in
        [Float](overwriting: values.count) { out in
          // A mask, not a branch: which entries are kept looks random to the branch predictor.
          for i in 0..<values.count {
            out[i] = Float(bitPattern: values[i].bitPattern & (0 &- UInt32(unsafeBitCast(kept[i], to: UInt8.self))))
          }
        }
      }
    }
    return (pruned, kept)
  }

  /// Which of several entries of equal magnitude goes first.
  private enum TieOrder { case lowerIndex, higherIndex }

  /// Marks the `dropped` entries of smallest |w| among `count` as not kept, ties broken by
  /// `tiesDroppedFirst`; `scratch` holds at least `count` elements.
  ///
  /// |w| compares as its Float32 bit pattern with the sign cleared (the same order, NaN aside):
  /// the largest dropped magnitude comes from a selection, not a sort, then every entry below it
  /// and, in index order, as many entries equal to it as are still to drop.
  private static func dropSmallest(
    _ dropped: Int, of values: UnsafePointer<Float>, count: Int, kept: UnsafeMutablePointer<Bool>,
    tiesDroppedFirst: TieOrder, scratch: inout [UInt32]
  ) {
    guard dropped > 0 else { return }
    func magnitude(_ i: Int) -> UInt32 { values[i].bitPattern & 0x7FFF_FFFF }
    let threshold = scratch.withUnsafeMutableBufferPointer { scratch in
      let magnitudes = UnsafeMutableBufferPointer(rebasing: scratch[..<count])
      for i in 0..<count { magnitudes[i] = magnitude(i) }
      magnitudes.selectNth(dropped - 1)
      return magnitudes[dropped - 1]
    }
    // Stores and counts, not branches: which entries fall below the threshold looks random.
    var toDrop = dropped
    for i in 0..<count {
      let isBelow = magnitude(i) < threshold
      kept[i] = !isBelow
      toDrop -= Int(unsafeBitCast(isBelow, to: UInt8.self))
    }
    var i = tiesDroppedFirst == .lowerIndex ? 0 : count - 1
    let step = tiesDroppedFirst == .lowerIndex ? 1 : -1
    while toDrop > 0 {
      if magnitude(i) == threshold {
        kept[i] = false
        toDrop -= 1
      }
      i += step
    }
  }
}
