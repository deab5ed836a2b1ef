import PareTestSupport
import Testing
@testable import PareCore

/// Statistics, percentiles and histograms computed in blocks on several cores, against one
/// running loop (and a sort, and a binary search) over awkward data: bit for bit where the
/// result does not depend on the order of a Double sum, to rounding where it does.
struct StatisticsKernelTests {
  static let counts = [1, 7, 8, 9, 1000, 70_001]

  static func data(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return rng.awkwardValues(count)
  }

  @Test(arguments: counts)
  func summaryMatchesRunningLoop(count: Int) {
    for values in [Self.data(count, seed: UInt64(count)), [Float](repeating: -0.0, count: count),
                   Self.data(count, seed: 3).map { -abs($0) }, Self.data(count, seed: 4).map { abs($0) } + [.nan]] {
      var lo = Float.infinity, hi = -Float.infinity, sum = 0.0, zeros = 0
      for x in values {
        lo = Swift.min(lo, x); hi = Swift.max(hi, x)
        sum += Double(x)
        if x == 0 { zeros += 1 }
      }
      let mean = sum / Double(values.count)
      let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
      let s = TensorStatistics(values)
      #expect(s.min.bitPattern == lo.bitPattern && s.max.bitPattern == hi.bitPattern)
      #expect(s.zeroFraction == Double(zeros) / Double(values.count))
      #expect(s.mean == mean || abs(s.mean - mean) <= 1e-12 * abs(mean) || (s.mean.isNaN && mean.isNaN))
      #expect(abs(s.std - variance.squareRoot()) <= 1e-9 * variance.squareRoot() || (s.std.isNaN && variance.isNaN))
      if !s.mean.isNaN { #expect(TensorStatistics(values) == s) }
    }
  }

  @Test(arguments: counts)
  func percentilesMatchSorting(count: Int) {
    let values = Self.data(count, seed: 10 + UInt64(count))
    let q: [Double] = [0, 1, 5, 25, 50, 75, 95, 99, 100, 33.3]
    let sorted = values.sorted()
    let expected = q.map { p -> Float in
      let position = p / 100 * Double(sorted.count - 1)
      let below = Int(position.rounded(.down)), above = Swift.min(below + 1, sorted.count - 1)
      return Float(Double(sorted[below]) + (Double(sorted[above]) - Double(sorted[below])) * (position - Double(below)))
    }
    #expect(TensorStatistics.percentiles(of: values, q).map(\.bitPattern) == expected.map(\.bitPattern))
  }

  /// Uniform edges (the guess is right or one off) and uneven ones (the guess walks).
  @Test(arguments: counts)
  func histogramMatchesBinarySearch(count: Int) {
    let values = Self.data(count, seed: 20 + UInt64(count)) + [.nan, .infinity, 2, -2]
    for edges in [Histogram.uniformEdges(lower: -2, upper: 2, bins: 40), Histogram.uniformEdges(lower: 0.1, upper: 0.1, bins: 3),
                  [-70_000, -1, -0.5, 0, 1e-8, 0.3, 0.31, 5, 70_000], [0, 0, 1, 1, 2]] {
      var expected = [Int](repeating: 0, count: edges.count - 1)
      for x in values where x >= edges[0] && x <= edges[edges.count - 1] {
        var lo = 0, hi = edges.count - 1
        while hi - lo > 1 {
          let mid = (lo + hi) / 2
          if edges[mid] <= x { lo = mid } else { hi = mid }
        }
        expected[lo] += 1
      }
      #expect(Histogram(values: values, edges: edges).counts == expected, "edges \(edges)")
    }
  }
}
