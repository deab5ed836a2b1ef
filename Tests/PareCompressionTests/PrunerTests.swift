import Testing

@testable import PareCompression

/// Pruning (DESIGN.md §4): magnitude zeroes the round(sparsity * n) smallest |w| of each group
/// (ties: lower index first); N:M keeps the n largest |w| of each block of m consecutive entries
/// of a row (ties: lower index kept).
struct PrunerTests {
  // MARK: Magnitude, hand-worked

  /// Tensor granularity over [2, 4], sparsity 0.25: round(0.25 * 8) = 2 zeroed.
  /// |w| ascending: 0.1 (index 6), then 0.2 at indices 1 and 4: the tie zeroes index 1 first.
  @Test func magnitudeTensorWithTie() {
    let w: [Float] = [0.5, -0.2, 0.3, 0.9, 0.2, -0.5, 0.1, 0.7]
    let (values, kept) = Pruner.prune(w, rows: 2, columns: 4, spec: .magnitude(0.25))
    #expect(values == [0.5, 0, 0.3, 0.9, 0.2, -0.5, 0, 0.7])
    #expect(kept == [true, false, true, true, true, true, false, true])
  }

  /// Channel granularity over [2, 4], sparsity 0.625: round(0.625 * 4) = round(2.5) = 2 per row
  /// (the implementation's documented choice, half to even like rint; half away from zero would
  /// give 3). Row 0 [4, -1, 3, -1]: the tied -1s at 1 and 3 go. Row 1: 0.25 then 0.5 go.
  @Test func magnitudeChannelWithHalfCount() {
    let w: [Float] = [4, -1, 3, -1, 0.5, 0.25, -0.75, 1]
    let (values, kept) = Pruner.prune(w, rows: 2, columns: 4, spec: .magnitude(0.625, granularity: .channel))
    #expect(values == [4, 0, 3, 0, 0, 0, -0.75, 1])
    #expect(kept == [true, false, true, false, false, false, true, true])
  }

  /// More .5 counts on a row of 4: 0.375 * 4 = 1.5 -> 2; 0.125 * 4 = 0.5 -> 0; 0 -> 0.
  @Test(arguments: [(0.375, 2), (0.125, 0), (0.0, 0), (0.875, 4)])
  func magnitudeHalfCountsRoundToEven(sparsity: Double, zeroed: Int) {
    let (values, _) = Pruner.prune([1, 2, 3, 4], rows: 1, columns: 4, spec: .magnitude(sparsity))
    #expect(values.filter { $0 == 0 }.count == zeroed)
    #expect(Array(values.suffix(4 - zeroed)) == Array([Float(1), 2, 3, 4].suffix(4 - zeroed)))
  }

  /// The tensor granularity ranks across rows: [2, 2] with sparsity 0.5 zeroes the whole first
  /// row when it holds the two smallest magnitudes (channel would zero one per row).
  @Test func magnitudeTensorVersusChannel() {
    let w: [Float] = [0.1, -0.2, 3, 4]
    #expect(Pruner.prune(w, rows: 2, columns: 2, spec: .magnitude(0.5)).values == [0, 0, 3, 4])
    #expect(Pruner.prune(w, rows: 2, columns: 2, spec: .magnitude(0.5, granularity: .channel)).values == [0, -0.2, 0, 4])
  }

  // MARK: N:M, hand-worked

  /// 2:4 on a row of 8: block [0.1, -0.4, 0.4, 0.2] keeps the tied 0.4s at 1 and 2; block
  /// [3, 3, 3, 3] keeps the lower indices 4 and 5.
  @Test func twoFourWithTies() {
    let (values, kept) = Pruner.prune([0.1, -0.4, 0.4, 0.2, 3, 3, 3, 3], rows: 1, columns: 8, spec: .nm(2, 4))
    #expect(values == [0, -0.4, 0.4, 0, 3, 3, 0, 0])
    #expect(kept == [false, true, true, false, true, true, false, false])
  }

  /// 4:8: [1, 2, 2, 2, 2, 2, 0.5, 3] keeps 3 (index 7) and the first three 2s (1, 2, 3).
  @Test func fourEightWithTies() {
    let (values, _) = Pruner.prune([1, 2, 2, 2, 2, 2, 0.5, 3], rows: 1, columns: 8, spec: .nm(4, 8))
    #expect(values == [0, 2, 2, 2, 0, 0, 0, 3])
  }

  /// Row length 7 with 2:4: blocks [1, 2, 3, 4] -> keep 3, 4; the short block [7, 5, 6] keeps its
  /// 2 largest, 7 and 6.
  @Test func rowLengthNotDivisibleByM() {
    let (values, _) = Pruner.prune([1, 2, 3, 4, 7, 5, 6], rows: 1, columns: 7, spec: .nm(2, 4))
    #expect(values == [0, 0, 3, 4, 7, 0, 6])
  }

  /// A short last block no longer than n keeps everything: row of 6 with 2:4 -> [0, 0, 3, 4 | 5, 6].
  @Test func shortLastBlockKeptWhole() {
    let (values, _) = Pruner.prune([1, 2, 3, 4, 5, 6], rows: 1, columns: 6, spec: .nm(2, 4))
    #expect(values == [0, 0, 3, 4, 5, 6])
  }

  /// Blocks never cross rows: [2, 3] with 2:4 is one block of 3 per row, [1, 3, 2] -> [0, 3, 2]
  /// and [5, 4, 6] -> [5, 0, 6] (one flat block [1, 3, 2, 5] would have kept 5 and 3 instead).
  @Test func blocksStayWithinRows() {
    let (values, _) = Pruner.prune([1, 3, 2, 5, 4, 6], rows: 2, columns: 3, spec: .nm(2, 4))
    #expect(values == [0, 3, 2, 5, 0, 6])
  }

  // MARK: Invariants on random tensors

  /// Exactly round(s * n) zeros per group on data without exact zeros, and every zeroed |w| is
  /// at most every kept |w| of its group.
  @Test(arguments: [0.0, 0.1, 0.25, 0.5, 0.7, 0.9, 0.95], [Granularity.tensor, .channel])
  func magnitudeZeroCount(sparsity: Double, granularity: Granularity) {
    var rng = SeededGenerator(seed: 11)
    let (rows, columns) = (7, 30)
    let w = rng.matrix(rows: rows, columns: columns)
    let (values, kept) = Pruner.prune(w, rows: rows, columns: columns, spec: .magnitude(sparsity, granularity: granularity))
    let groups: [Range<Int>] = granularity == .tensor
      ? [0..<(rows * columns)] : (0..<rows).map { $0 * columns..<($0 + 1) * columns }
    for group in groups {
      let zeroed = group.filter { values[$0] == 0 }
      #expect(zeroed.count == Int((sparsity * Double(group.count)).rounded(.toNearestOrEven)))
      #expect(zeroed.allSatisfy { !kept[$0] })
      let largestZeroed = zeroed.map { abs(w[$0]) }.max() ?? 0
      let smallestKept = group.filter { kept[$0] }.map { abs(w[$0]) }.min() ?? .infinity
      #expect(largestZeroed <= smallestKept)
    }
    #expect(zip(w, values).allSatisfy { $1 == 0 || $1 == $0 })
  }

  /// Every N:M block (row by row, the last possibly shorter) has at most n non-zeros, exactly
  /// min(n, block length) on data without zeros, and keeps its largest magnitudes.
  @Test(arguments: [(1, 4), (2, 4), (4, 8), (3, 5)])
  func nmBlocks(n: Int, m: Int) {
    var rng = SeededGenerator(seed: 12)
    let (rows, columns) = (5, 23)
    let w = rng.matrix(rows: rows, columns: columns)
    let (values, kept) = Pruner.prune(w, rows: rows, columns: columns, spec: .nm(n, m))
    for row in 0..<rows {
      for start in stride(from: 0, to: columns, by: m) {
        let block = (row * columns + start)..<(row * columns + min(start + m, columns))
        let nonZero = block.filter { values[$0] != 0 }
        #expect(nonZero.count <= n)
        #expect(nonZero.count == min(n, block.count))
        #expect(nonZero == block.filter { kept[$0] })
        let smallestKept = nonZero.map { abs(w[$0]) }.min() ?? .infinity
        #expect(block.filter { !kept[$0] }.allSatisfy { abs(w[$0]) <= smallestKept })
      }
    }
  }
}
