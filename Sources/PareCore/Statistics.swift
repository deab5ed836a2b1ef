/// Summary statistics of a tensor's elements, with Double accumulators.
public struct TensorStatistics: Sendable, Equatable {
  /// Number of elements.
  public let count: Int
  /// Smallest finite element (0 for an empty tensor, NaN when none is finite).
  public let min: Float
  /// Largest finite element (0 for an empty tensor, NaN when none is finite).
  public let max: Float
  /// NaN elements.
  public let nanCount: Int
  /// Infinite elements.
  public let infiniteCount: Int
  /// Arithmetic mean.
  public let mean: Double
  /// Population standard deviation (numpy's default, ddof = 0).
  public let std: Double
  /// Fraction of elements exactly equal to zero.
  public let zeroFraction: Double

  /// Elements per partial sum. Fixed, so that the sums, and the results to the last bit, do not
  /// depend on how many cores computed them.
  static let blockSize = 1 << 14

  /// Statistics of `values`. NaN and infinite elements are skipped for min and max and counted
  /// (the mean and deviation include them, so are NaN or infinite then); of several zeros, min is
  /// the first and max the last (so -0 and +0 come out as a running comparison gives them).
  ///
  /// Two passes over blocks of `blockSize` elements on every core: extremes, zeros and sum, then
  /// squared deviations from the mean (which avoids the cancellation of the sum-of-squares
  /// formula); partial results combine in block order.
  public init(_ values: [Float]) {
    count = values.count
    guard !values.isEmpty else {
      (min, max, mean, std, zeroFraction, nanCount, infiniteCount) = (0, 0, 0, 0, 0, 0, 0)
      return
    }
    let (blocks, mean, squares) = values.withUnsafeBufferPointer { buffer in
      let start = buffer.baseAddress!
      let blocks = ParallelChunks.map(count: buffer.count, chunkSize: Self.blockSize) { block in
        BlockSummary(start + block.lowerBound, count: block.count)
      }
      let mean = blocks.reduce(0.0) { $0 + $1.sum } / Double(buffer.count)
      let squares = ParallelChunks.map(count: buffer.count, chunkSize: Self.blockSize) { block in
        Self.squaredDeviations(start + block.lowerBound, count: block.count, from: mean)
      }
      return (blocks, mean, squares)
    }
    var lo = Float.infinity, hi = -Float.infinity, zeros = 0, nans = 0, infinities = 0
    for block in blocks {
      if block.min < lo { lo = block.min }
      if block.max > hi { hi = block.max }
      zeros += block.zeros
      nans += block.nans
      infinities += block.infinities
    }
    (nanCount, infiniteCount) = (nans, infinities)
    // No finite element: no extremes (an all-NaN tensor must not print min=inf, max=-inf).
    if lo > hi { (lo, hi) = (.nan, .nan) }
    // Equal zeros may differ in sign; which one each pass kept depends on the blocks and lanes.
    if lo == 0 { lo = values.first { $0 == 0 }! }
    if hi == 0 { hi = values.last { $0 == 0 }! }
    (min, max, self.mean) = (lo, hi, mean)
    std = (squares.reduce(0.0, +) / Double(values.count)).squareRoot()
    zeroFraction = Double(zeros) / Double(values.count)
  }

  /// One block's extremes, zeros and sum.
  private struct BlockSummary {
    var min = Float.infinity, max = -Float.infinity, zeros = 0, sum = 0.0, nans = 0, infinities = 0

    init(_ values: UnsafePointer<Float>, count: Int) {
      var lo = SIMD8<Float>(repeating: .infinity), hi = SIMD8<Float>(repeating: -.infinity)
      var zeros = SIMD8<Int32>(), nans = SIMD8<Int32>(), infinities = SIMD8<Int32>()
      var sum = (SIMD4<Double>(), SIMD4<Double>())
      for (offset, lanes) in Vectors8(count) {
        // NaN padding drops out of the extremes and the zero count, zero padding out of the sum.
        // Infinities are left out of the extremes too (as NaN), and counted from the
        // zero-padded vector, where padding is finite.
        let x = values.vector8(at: offset, lanes: lanes, padding: .nan)
        let finite = x.replacing(with: .nan, where: (x .== .infinity) .| (x .== -.infinity))
        lo.replace(with: finite, where: finite .< lo)
        hi.replace(with: finite, where: finite .> hi)
        zeros &+= SIMD8<Int32>().replacing(with: 1, where: x .== 0)
        let summed = values.vector8(at: offset, lanes: lanes, padding: 0)
        nans &+= SIMD8<Int32>().replacing(with: 1, where: summed .!= summed)
        infinities &+= SIMD8<Int32>().replacing(with: 1, where: (summed .== .infinity) .| (summed .== -.infinity))
        sum.0 += SIMD4<Double>(summed.lowHalf)
        sum.1 += SIMD4<Double>(summed.highHalf)
      }
      for lane in 0..<8 {
        if lo[lane] < min { min = lo[lane] }
        if hi[lane] > max { max = hi[lane] }
        self.zeros += Int(zeros[lane])
        self.nans += Int(nans[lane])
        self.infinities += Int(infinities[lane])
      }
      self.sum = (sum.0 + sum.1).sum()
    }
  }

  /// Σ(x - mean)² over `count` values, in Double.
  private static func squaredDeviations(_ values: UnsafePointer<Float>, count: Int, from mean: Double) -> Double {
    var squares = (SIMD4<Double>(), SIMD4<Double>())
    let means = SIMD4<Double>(repeating: mean)
    let laneIndices = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
    for (offset, lanes) in Vectors8(count) {
      // Padding lanes must add nothing: their deviations are multiplied by 0.
      let inside = SIMD8<Float>().replacing(with: 1, where: laneIndices .< Float(lanes))
      let x = values.vector8(at: offset, lanes: lanes, padding: 0)
      let low = (SIMD4<Double>(x.lowHalf) - means) * SIMD4<Double>(inside.lowHalf)
      let high = (SIMD4<Double>(x.highHalf) - means) * SIMD4<Double>(inside.highHalf)
      squares.0 += low * low
      squares.1 += high * high
    }
    return (squares.0 + squares.1).sum()
  }
}

extension TensorStatistics {
  /// The `q`-th percentiles (0...100) of `values` with linear interpolation between order
  /// statistics, as numpy.percentile's default method. Empty input gives zeros.
  ///
  /// The order statistics come from selections on a copy, not a sort. (Of equal zeros a sort
  /// and a selection may pick differently signed ones; the interpolation turns either into +0.)
  ///
  /// - Complexity: O(n log m) for m distinct order statistics.
  public static func percentiles(of values: [Float], _ q: [Double]) -> [Float] {
    guard !values.isEmpty else { return q.map { _ in 0 } }
    let positions = q.map { p in Swift.min(Swift.max(p, 0), 100) / 100 * Double(values.count - 1) }
    let below = positions.map { Int($0.rounded(.down)) }
    let needed = Set(below + below.map { Swift.min($0 + 1, values.count - 1) }).sorted()
    var ordered = values
    var statistics: [Int: Float] = [:]
    ordered.withUnsafeMutableBufferPointer { ordered in
      // The middle position first, then the lower ones left of it and the higher ones right of
      // it: each selection works on the part the previous ones left, O(n log m) for m positions.
      func select(_ positions: ArraySlice<Int>, in range: Range<Int>) {
        guard !positions.isEmpty else { return }
        let middle = positions.startIndex + positions.count / 2, k = positions[middle]
        UnsafeMutableBufferPointer(rebasing: ordered[range]).selectNth(k - range.lowerBound)
        statistics[k] = ordered[k]
        select(positions[..<middle], in: range.lowerBound..<k)
        select(positions[(middle + 1)...], in: (k + 1)..<range.upperBound)
      }
      select(needed[...], in: 0..<ordered.count)
    }
    return zip(positions, below).map { position, below in
      let above = Swift.min(below + 1, values.count - 1)
      let (low, high) = (Double(statistics[below]!), Double(statistics[above]!))
      return Float(low + (high - low) * (position - Double(below)))
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
  /// Each value's bin is first guessed as if the bins were equally wide, then moved until its
  /// edges hold the value: one or two comparisons per value for `uniformEdges`, and the result
  /// of a binary search for any edges. Chunks of values are counted on every core.
  public init(values: [Float], edges: [Float]) {
    self.edges = edges
    guard let first = edges.first, let last = edges.last, edges.count >= 2 else {
      counts = [Int](repeating: 0, count: Swift.max(edges.count - 1, 0))
      return
    }
    let bins = edges.count - 1
    let binsPerUnit = Float(bins) / (last - first)
    let parts = values.withUnsafeBufferPointer { values in
      edges.withUnsafeBufferPointer { edges in
        ParallelChunks.map(count: values.count, chunkSize: ParallelChunks.elementsPerChunk) { chunk in
          var counts = [Int](repeating: 0, count: bins)
          counts.withUnsafeMutableBufferPointer { counts in
            for x in values[chunk] where x >= first && x <= last {
              // The largest bin whose lower edge is <= x (the last bin also takes x == last).
              let guess = (x - first) * binsPerUnit
              var bin = guess < Float(bins) ? Int(guess) : bins - 1
              while bin < bins - 1 && edges[bin + 1] <= x { bin += 1 }
              while bin > 0 && edges[bin] > x { bin -= 1 }
              counts[bin] += 1
            }
          }
          return counts
        }
      }
    }
    var counts = [Int](repeating: 0, count: bins)
    for part in parts { for bin in 0..<bins { counts[bin] += part[bin] } }
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
