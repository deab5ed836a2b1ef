import Testing

@testable import PareCompression

/// Codebook quantization (DESIGN.md §4 and KMeans.swift's procedure): 2^bits centroids per group,
/// linear init c_i = min + (max - min) * i / (k - 1), Lloyd iterations (nearest centroid, ties to
/// the lower index; empty clusters stay) until no assignment changes, centroids rounded to f16.
struct KMeansTests {
  /// [0, 1, 2, 3, 10, 12], k = 4: init [0, 4, 8, 12].
  /// Iteration 1: 0 -> c0; 1 -> c0; 2 is 2 from c0 and c1 -> c0 (tie, lower index); 3 -> c1;
  ///   10 is 2 from c2 and c3 -> c2 (tie); 12 -> c3. Means: c0 = 3/3 = 1, c1 = 3, c2 = 10, c3 = 12.
  /// Iteration 2: 2 is 1 from c0 = 1 and c1 = 3 -> c0 (tie) again; nothing changes -> stop.
  @Test func lloydWithTies() {
    let fit = KMeans.fit([0, 1, 2, 3, 10, 12], clusters: 4)
    #expect(fit.centroids == [1, 3, 10, 12])
    #expect(fit.assignment == [0, 0, 0, 1, 2, 3])
  }

  /// [1, 2, 2, 7, 9, 10], k = 4: init 1 + 9 i / 3 = [1, 4, 7, 10].
  /// Iteration 1: 1, 2, 2 -> c0; 7 -> c2; 9 -> c3 (1 vs 2); 10 -> c3; c1 has no values and stays 4.
  ///   Means: c0 = 5/3, c2 = 7, c3 = 9.5.
  /// Iteration 2: 9 is 2 from c2 and 0.5 from c3 -> c3; no change -> stop.
  /// f16(5/3): 1 + 0.6667 * 1024 = 682.67 -> 683 -> 1 + 683/1024 = 1.6669921875.
  @Test func emptyClusterStaysAndCentroidsAreHalfPrecision() {
    let fit = KMeans.fit([1, 2, 2, 7, 9, 10], clusters: 4)
    #expect(fit.centroids == [1.6669921875, 4, 7, 9.5])
    #expect(fit.assignment == [0, 0, 0, 2, 3, 3])
  }

  /// Three iterations, k = 2, [0, 1, 5, 6, 7, 10]: init [0, 10].
  /// 1: 0, 1 -> c0; 5 is 5 from both -> c0 (tie); 6, 7, 10 -> c1. Means 6/3 = 2 and 23/3 = 7.667.
  /// 2: 5 is 3 from c0 and 2.667 from c1 -> c1 (changed). Means 1/2 = 0.5 and 28/4 = 7.
  /// 3: 5 is 4.5 from c0 and 2 from c1 -> c1; nothing changes -> stop with [0.5, 7].
  @Test func lloydMovesAValue() {
    let fit = KMeans.fit([0, 1, 5, 6, 7, 10], clusters: 2)
    #expect(fit.centroids == [0.5, 7])
    #expect(fit.assignment == [0, 0, 1, 1, 1, 1])
  }

  /// Equal values: min = max, every centroid starts at 3, and the tie goes to index 0.
  @Test func constantGroup() {
    let fit = KMeans.fit([3, 3, 3], clusters: 4)
    #expect(fit.centroids == [3, 3, 3, 3])
    #expect(fit.assignment == [0, 0, 0])
  }

  /// Nearest centroid by |w - c|, ties to the lower index (including equal centroids).
  @Test func nearestIndexTies() {
    #expect(KMeans.nearestIndex(2, [0, 4, 8, 12]) == 0)
    #expect(KMeans.nearestIndex(10, [0, 4, 8, 12]) == 2)
    #expect(KMeans.nearestIndex(11, [0, 4, 8, 12]) == 3)
    #expect(KMeans.nearestIndex(-5, [0, 4, 8, 12]) == 0)
    #expect(KMeans.nearestIndex(20, [0, 4, 8, 12]) == 3)
    #expect(KMeans.nearestIndex(5, [5, 5, 5]) == 0)
    #expect(KMeans.nearestIndex(6, [4, 8, 8]) == 0)
    #expect(KMeans.nearestIndex(9, [4, 8, 8]) == 1)
  }

  /// Against a brute-force argmin of the Float32 distance (first index on ties) over random
  /// ascending centroids with duplicates, as Lloyd's algorithm keeps them.
  @Test func nearestIndexMatchesBruteForce() {
    var rng = SeededGenerator(seed: 31)
    for _ in 0..<200 {
      let k = Int.random(in: 1...40, using: &rng)
      var centroids = rng.values(k).map { ($0 * 8).rounded() / 8 }.sorted()
      if k > 2 { centroids[1] = centroids[2] }
      for w in rng.values(20) + centroids + [-2, 2] {
        let distances = centroids.map { abs(w - $0) }
        let expected = distances.firstIndex(of: distances.min()!)!
        #expect(KMeans.nearestIndex(w, centroids) == expected, "w \(w) in \(centroids)")
      }
    }
  }

  /// Through the quantizer, codebook bits 2 per channel: one codebook of 4 f16 centroids per row
  /// (the two fits above), values replaced by their centroid, no scales.
  @Test func codebookQuantizationPerChannel() {
    let w: [Float] = [0, 1, 2, 3, 10, 12, 1, 2, 2, 7, 9, 10]
    let q = Quantizer.quantize(w, rows: 2, columns: 6, spec: QuantizeSpec(scheme: .codebook, bits: 2))
    #expect(q.codebooks == [1, 3, 10, 12, 1.6669921875, 4, 7, 9.5])
    #expect(q.codes == [0, 0, 0, 1, 2, 3, 0, 0, 0, 2, 3, 3])
    #expect(q.values == [1, 1, 1, 3, 10, 12, 1.6669921875, 1.6669921875, 1.6669921875, 7, 9.5, 9.5])
    #expect(q.scales.isEmpty && q.zeroPoints.isEmpty)
  }
}
