/// Summary statistics of a tensor's elements, computed in one pass with Double accumulators.
public struct TensorStatistics: Sendable, Equatable {
  /// Number of elements.
  public let count: Int
  /// Smallest element (0 for an empty tensor).
  public let min: Float
  /// Largest element (0 for an empty tensor).
  public let max: Float
  /// Arithmetic mean.
  public let mean: Double
  /// Population standard deviation (numpy's default, ddof = 0).
  public let std: Double
  /// Fraction of elements exactly equal to zero.
  public let zeroFraction: Double

  /// Statistics of `values`. NaN elements are skipped for min and max.
  public init(_ values: [Float]) {
    count = values.count
    guard !values.isEmpty else {
      (min, max, mean, std, zeroFraction) = (0, 0, 0, 0, 0)
      return
    }
    var lo = Float.infinity, hi = -Float.infinity
    var sum = 0.0, zeros = 0
    for x in values {
      lo = Swift.min(lo, x); hi = Swift.max(hi, x)
      sum += Double(x)
      if x == 0 { zeros += 1 }
    }
    let mean = sum / Double(values.count)
    // Second pass about the mean: avoids the cancellation of the sum-of-squares formula.
    var squares = 0.0
    for x in values { let d = Double(x) - mean; squares += d * d }
    (min, max, self.mean) = (lo, hi, mean)
    std = (squares / Double(values.count)).squareRoot()
    zeroFraction = Double(zeros) / Double(values.count)
  }
}

extension TensorStatistics {
  /// The `q`-th percentiles (0...100) of `values` with linear interpolation between order
  /// statistics, as numpy.percentile's default method. Empty input gives zeros.
  ///
  /// - Complexity: O(n log n) for the sort.
  public static func percentiles(of values: [Float], _ q: [Double]) -> [Float] {
    guard !values.isEmpty else { return q.map { _ in 0 } }
    let sorted = values.sorted()
    return q.map { p in
      let position = Swift.min(Swift.max(p, 0), 100) / 100 * Double(sorted.count - 1)
      let below = Int(position.rounded(.down)), above = Swift.min(below + 1, sorted.count - 1)
      let t = position - Double(below)
      return Float(Double(sorted[below]) + (Double(sorted[above]) - Double(sorted[below])) * t)
    }
  }
}

/// Counts of values falling in bins given by their edges, with numpy.histogram's conventions.
public struct Histogram: Sendable, Equatable {
  /// Bin edges, ascending; bin i is [edges[i], edges[i+1]), the last bin is closed on the right.
  public let edges: [Float]
  /// Count per bin, `edges.count - 1` of them. Values outside the edges are not counted.
  public let counts: [Int]

  /// Bins `values` by `edges` (at least two, ascending).
  ///
  /// - Complexity: O(n log b) by binary search over b bins.
  public init(values: [Float], edges: [Float]) {
    self.edges = edges
    var counts = [Int](repeating: 0, count: Swift.max(edges.count - 1, 0))
    if let first = edges.first, let last = edges.last, edges.count >= 2 {
      for x in values where x >= first && x <= last {
        // Largest i with edges[i] <= x, capped at the last bin.
        var lo = 0, hi = edges.count - 1
        while hi - lo > 1 {
          let mid = (lo + hi) / 2
          if edges[mid] <= x { lo = mid } else { hi = mid }
        }
        counts[lo] += 1
      }
    }
    self.counts = counts
  }

  /// `bins` equal-width bins spanning [lower, upper] (one bin of width 1 about `lower` when
  /// the range is empty).
  public static func uniformEdges(lower: Float, upper: Float, bins: Int) -> [Float] {
    let n = Swift.max(bins, 1)
    let (lo, hi) = upper > lower ? (lower, upper) : (lower - 0.5, lower + 0.5)
    return (0...n).map { i in i == n ? hi : lo + (hi - lo) * Float(i) / Float(n) }
  }
}
