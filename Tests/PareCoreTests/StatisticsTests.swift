import Testing
@testable import PareCore

struct StatisticsTests {
  @Test func summaryByHand() {
    let s = TensorStatistics([1, 2, 3, 4, 0, 0])
    #expect(s.count == 6 && s.min == 0 && s.max == 4)
    #expect(abs(s.mean - 10.0 / 6) < 1e-12)
    // Population variance: sum of squared deviations / n.
    let mean = 10.0 / 6
    let variance = [1.0, 2, 3, 4, 0, 0].reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 6
    #expect(abs(s.std - variance.squareRoot()) < 1e-12)
    #expect(s.zeroFraction == 2.0 / 6)
  }

  @Test func emptyInput() {
    #expect(TensorStatistics([]).count == 0)
    #expect(TensorStatistics.percentiles(of: [], [50]) == [0])
  }

  /// numpy.percentile([1, 2, 3, 4], [0, 25, 50, 90, 100]) = [1, 1.75, 2.5, 3.7, 4].
  @Test func percentilesLikeNumpy() {
    let p = TensorStatistics.percentiles(of: [4, 1, 3, 2], [0, 25, 50, 90, 100])
    for (got, want) in zip(p, [Float(1), 1.75, 2.5, 3.7, 4]) { #expect(abs(got - want) < 1e-6) }
  }

  /// numpy.histogram([0, 0.5, 1, 2, 3, -1], bins=[0, 1, 2]) = [2, 2]: the last bin is closed.
  @Test func histogramLikeNumpy() {
    let h = Histogram(values: [0, 0.5, 1, 2, 3, -1], edges: [0, 1, 2])
    #expect(h.counts == [2, 2])
  }

  @Test func uniformEdges() {
    #expect(Histogram.uniformEdges(lower: 0, upper: 1, bins: 4) == [0, 0.25, 0.5, 0.75, 1])
    #expect(Histogram.uniformEdges(lower: 2, upper: 2, bins: 2) == [1.5, 2, 2.5])
  }
}
