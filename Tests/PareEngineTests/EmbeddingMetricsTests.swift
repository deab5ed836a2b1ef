import Foundation
import PareCore
@testable import PareEngine
import PareFormats
import PareTestSupport
import Testing

@Suite struct EmbeddingMetricsTests {
  @Test func identicalEmbeddingsHaveFidelityOneAndFullAgreement() throws {
    let e = try Tensor(shape: [3, 2], scalars: [1, 0, 0.8, 0.6, 0, 1])
    let m = EmbeddingMetrics(embeddings: e, baseline: e)
    #expect(abs(m.fidelity - 1) < 1e-6)
    #expect(abs(m.worstCosine - 1) < 1e-6)
    #expect(m.neighbourAgreement == 1)
    #expect(m.spearman == nil)
    #expect(m.count == 3)
  }

  @Test func fidelityIsTheMeanCosineWorkedByHand() throws {
    // Row 0 keeps its direction (cos 1) but not its length; row 1 turns by 90 degrees (cos 0).
    let baseline = try Tensor(shape: [2, 2], scalars: [1, 0, 0, 1])
    let changed = try Tensor(shape: [2, 2], scalars: [3, 0, 2, 0])
    let m = EmbeddingMetrics(embeddings: changed, baseline: baseline)
    #expect(abs(m.fidelity - 0.5) < 1e-9)
    #expect(abs(m.worstCosine - 0) < 1e-9)
  }

  @Test func neighbourAgreementCountsSentencesWhoseNearestNeighbourIsUnchanged() throws {
    // Baseline: 0 and 1 close together, 2 far away; its neighbours are 1, 0, 1.
    let baseline = try Tensor(shape: [3, 2], scalars: [1, 0, 0.9, 0.1, 0, 1])
    // Now 2 sits next to 0 (cos 0.995) and 1 has turned: cos(1,0) = 0.6, cos(1,2) ≈ 0.677.
    // Neighbours become 2, 2, 0: none is unchanged.
    let changed = try Tensor(shape: [3, 2], scalars: [1, 0, 0.6, 0.8, 0.99, 0.1])
    let m = EmbeddingMetrics(embeddings: changed, baseline: baseline)
    #expect(m.neighbourAgreement == 0)
  }

  /// Unit rows in general position (seeded), `rows` × `width`.
  private func unitRows(rows: Int, width: Int, seed: UInt64) -> [Float] {
    var generator = SeededGenerator(seed: seed)
    var values = (0..<(rows * width)).map { _ in Float.random(in: -1...1, using: &generator) }
    for row in 0..<rows {
      let norm = (0..<width).reduce(Float(0)) { $0 + values[row * width + $1] * values[row * width + $1] }.squareRoot()
      for j in 0..<width { values[row * width + j] /= norm }
    }
    return values
  }

  @Test(arguments: [1, 3, 7, 50])
  func neighboursInBlocksEqualTheWholeMatrixAtOnce(blockRows: Int) {
    let unit = unitRows(rows: 50, width: 5, seed: 7)
    let whole = EmbeddingMetrics.nearestNeighbours(unit, rows: 50, width: 5, blockRows: 50)
    #expect(EmbeddingMetrics.nearestNeighbours(unit, rows: 50, width: 5, blockRows: blockRows) == whole)
    // The whole matrix's answer, by a naive loop (in Double: the points are far from ties).
    func dot(_ i: Int, _ j: Int) -> Double {
      var sum = 0.0
      for k in 0..<5 { sum += Double(unit[i * 5 + k]) * Double(unit[j * 5 + k]) }
      return sum
    }
    let naive: [Int] = (0..<50).map { i in
      var best = -1
      for j in 0..<50 where j != i && (best < 0 || dot(i, j) > dot(i, best)) { best = j }
      return best
    }
    #expect(whole == naive)
  }

  /// 16,000 sentences: all pairs at once would take 1 GB; in blocks, 66 MB.
  @Test func neighbourMemoryIsBoundedByTheBlock() throws {
    let rows = 16_000, width = 4
    let embeddings = try Tensor(shape: [rows, width], scalars: unitRows(rows: rows, width: width, seed: 3))
    func peakResidentBytes() -> Int {
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      return usage.ru_maxrss * 1024
    }
    let before = peakResidentBytes()
    let metrics = EmbeddingMetrics(embeddings: embeddings, baseline: embeddings)
    #expect(metrics.neighbourAgreement == 1)
    #expect(peakResidentBytes() - before < 400_000_000)
  }

  @Test func spearmanMatchesScipyWithTies() throws {
    // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]).correlation = 0.8207826816681234
    #expect(abs(try #require(EmbeddingMetrics.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])) - 0.8207826816681234) < 1e-12)
    #expect(EmbeddingMetrics.spearman([1, 2, 3], [30, 20, 10]) == -1)
  }

  /// scipy.stats.spearmanr gives NaN for these: one pair, or scores that are all equal.
  @Test func spearmanIsUndefinedForOnePairOrConstantScores() throws {
    #expect(EmbeddingMetrics.spearman([1, 1, 1], [1, 2, 3]) == nil)
    #expect(EmbeddingMetrics.spearman([0.3], [2]) == nil)
    let e = try Tensor(shape: [2, 2], scalars: [1, 0, 0.6, 0.8])
    let m = EmbeddingMetrics(embeddings: e, baseline: e, pairs: [SentenceDataset.Pair(first: 0, second: 1, gold: 4)])
    #expect(m.spearman == nil && m.pairCount == 1)
  }

  @Test func pairsAreScoredByTheCosineOfTheirEmbeddings() throws {
    // Pairs (0,1) cos 1, (2,3) cos 0, (4,5) cos 0.6: gold scores in the same order give rho 1.
    let e = try Tensor(shape: [6, 2], scalars: [1, 0, 2, 0, 1, 0, 0, 1, 1, 0, 0.6, 0.8])
    let pairs = [SentenceDataset.Pair(first: 0, second: 1, gold: 5), .init(first: 2, second: 3, gold: 0.5), .init(first: 4, second: 5, gold: 3)]
    let m = EmbeddingMetrics(embeddings: e, baseline: e, pairs: pairs)
    #expect(m.spearman == 1)
  }
}
