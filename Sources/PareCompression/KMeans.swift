import PareCore

/// One-dimensional k-means (Lloyd's algorithm) for codebook quantization, as Deep Compression's
/// weight sharing with linear initialization.
///
/// Exact procedure (the packed format and other tools depend on it): centroids start evenly
/// spaced from min to max, c_i = min + (max - min) * i / (k - 1), in Float32. Each iteration
/// assigns every value to its nearest centroid by |w - c| in Float32 (ties: lower index), stops if
/// no assignment changed since the previous iteration, else moves each centroid to the mean of its
/// values (summed in Double, stored as Float32; a centroid with no values stays). At most 100
/// iterations. Finally centroids are rounded to f16 and values keep their last assignment.
enum KMeans {
  /// The cap on Lloyd iterations (DESIGN.md §4).
  static let maximumIterations = 100

  /// Centroids (f16-exact, `clusters` of them) and each value's centroid index.
  static func fit(_ values: [Float], clusters: Int) -> (centroids: [Float], assignment: [Int]) {
    guard let lo = values.min(), let hi = values.max() else {
      return ([Float](repeating: 0, count: clusters), [])
    }
    // Stored with +infinity up to a multiple of 8, for `nearestIndex`'s vector comparisons.
    var centroids = [Float](repeating: .infinity, count: (clusters + 7) / 8 * 8)
    for i in 0..<clusters { centroids[i] = clusters == 1 ? lo : lo + (hi - lo) * Float(i) / Float(clusters - 1) }
    var assignment = [Int](repeating: -1, count: values.count)
    for _ in 0..<maximumIterations {
      var changed = false
      centroids.withUnsafeBufferPointer { centroids in
        for (i, w) in values.enumerated() {
          let nearest = nearestIndex(w, centroids.baseAddress!, clusters: clusters)
          if nearest != assignment[i] { assignment[i] = nearest; changed = true }
        }
      }
      if !changed { break }
      var sums = [Double](repeating: 0, count: clusters), counts = [Int](repeating: 0, count: clusters)
      for (i, w) in values.enumerated() { sums[assignment[i]] += Double(w); counts[assignment[i]] += 1 }
      for c in 0..<clusters where counts[c] > 0 { centroids[c] = Float(sums[c] / Double(counts[c])) }
    }
    return (centroids.prefix(clusters).map(FloatConversion.roundedToF16), assignment)
  }

  /// Index of the centroid nearest to `w` by Float32 |w - c|, lowest index on ties.
  ///
  /// Lloyd's algorithm keeps 1-D centroids in ascending order, so the nearest is a neighbour of
  /// w's insertion point (rounding is monotone); a short scan leftwards then finds any lower index
  /// at the same rounded distance, which the plain argmin would pick.
  static func nearestIndex(_ w: Float, _ centroids: [Float]) -> Int {
    let padded = centroids + [Float](repeating: .infinity, count: (8 - centroids.count % 8) % 8)
    return padded.withUnsafeBufferPointer { nearestIndex(w, $0.baseAddress!, clusters: centroids.count) }
  }

  /// `nearestIndex` over `clusters` ascending centroids followed by +infinity up to a multiple
  /// of 8.
  ///
  /// The insertion point (the first centroid not below w) is the number of centroids below w:
  /// counted eight at a time, where a binary search's branches went wrong about every other step
  /// (most of a codebook fit's time).
  static func nearestIndex(_ w: Float, _ centroids: UnsafePointer<Float>, clusters: Int) -> Int {
    let x = SIMD8<Float>(repeating: w)
    var below = SIMD8<Int32>()
    for offset in stride(from: 0, to: clusters, by: 8) {
      let c = UnsafeRawPointer(centroids + offset).loadUnaligned(as: SIMD8<Float>.self)
      below &+= SIMD8<Int32>().replacing(with: 1, where: c .< x)
    }
    let insertion = Int(below.wrappedSum())
    // The nearer of the neighbours, the left one on a tie (they coincide at either end), picked
    // by arithmetic: as a branch it went wrong about every other value.
    let right = min(insertion, clusters - 1), left = max(insertion - 1, 0)
    let leftIsNearer = Int(unsafeBitCast(abs(w - centroids[left]) <= abs(w - centroids[right]), to: UInt8.self))
    var best = right - (right - left) * leftIsNearer
    let distance = abs(w - centroids[best])
    while best > 0 && abs(w - centroids[best - 1]) == distance { best -= 1 }
    return best
  }
}
