import PareCore
import PareFormats

/// How closely a text model's sentence embeddings follow a baseline's: the quality of a
/// compressed encoder when there are no labels, measured as the issue and DESIGN.md §6 define.
public struct EmbeddingMetrics: Sendable, Equatable {
  /// Mean over sentences of cos(baseline_i, embedding_i): 1 means unchanged directions.
  public let fidelity: Double
  /// Lowest per-sentence cosine (the worst-hit sentence).
  public let worstCosine: Double
  /// Fraction of sentences whose nearest other sentence (by cosine) is the same as with the
  /// baseline embeddings; nil for fewer than two sentences.
  public let neighbourAgreement: Double?
  /// Spearman rank correlation between cos(first, second) and the gold scores of `pairs`;
  /// nil without pairs, or when it is undefined (see `spearman(_:_:)`).
  public let spearman: Double?
  /// Number of scored pairs compared.
  public let pairCount: Int
  /// Number of sentences compared.
  public let count: Int

  /// Compares `embeddings` [N, H] with `baseline` [N, H] (same sentences, same order); `pairs`
  /// index rows with a gold similarity each.
  public init(embeddings: Tensor, baseline: Tensor, pairs: [SentenceDataset.Pair] = []) {
    let n = embeddings.shape.first ?? 0
    let width = n == 0 ? 0 : embeddings.count / n
    let current = Self.unitRows(embeddings, width: width), reference = Self.unitRows(baseline, width: width)
    // Cosines in Double from the raw values (not the Float unit rows), so identical embeddings
    // score 1 to double precision.
    let cosines = (0..<n).map { i in
      Self.cosine(embeddings.scalars[(i * width)..<((i + 1) * width)], baseline.scalars[(i * width)..<((i + 1) * width)])
    }
    count = n
    fidelity = n == 0 ? 0 : cosines.reduce(0, +) / Double(n)
    worstCosine = cosines.min() ?? 0
    if n >= 2 {
      let mine = Self.nearestNeighbours(current, rows: n, width: width)
      let theirs = Self.nearestNeighbours(reference, rows: n, width: width)
      neighbourAgreement = Double(zip(mine, theirs).filter { $0 == $1 }.count) / Double(n)
    } else {
      neighbourAgreement = nil
    }
    pairCount = pairs.count
    if pairs.isEmpty {
      spearman = nil
    } else {
      let predicted = pairs.map { pair in
        Self.cosine(embeddings.scalars[(pair.first * width)..<((pair.first + 1) * width)],
                    embeddings.scalars[(pair.second * width)..<((pair.second + 1) * width)])
      }
      spearman = Self.spearman(predicted, pairs.map(\.gold))
    }
  }

  /// Spearman's rho: the Pearson correlation of the two lists' ranks, ties sharing their mean
  /// rank (as scipy.stats.spearmanr). Nil when either list is constant (one pair included): the
  /// correlation is then undefined (scipy gives NaN), and 0 would read as "no correlation".
  public static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
    let rx = ranks(x), ry = ranks(y)
    let n = Double(x.count)
    let mx = rx.reduce(0, +) / n, my = ry.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(rx, ry) {
      sxy += (a - mx) * (b - my)
      sxx += (a - mx) * (a - mx)
      syy += (b - my) * (b - my)
    }
    return sxx == 0 || syy == 0 ? nil : sxy / (sxx * syy).squareRoot()
  }

  /// 1-based ranks, ties given the mean of the ranks they span.
  static func ranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
      let mean = Double(start + end) / 2 + 1
      for k in start...end { ranks[order[k]] = mean }
      start = end + 1
    }
    return ranks
  }

  /// cos(a, b) in Double; 0 when either is zero.
  private static func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
    var dot = 0.0, aa = 0.0, bb = 0.0
    for (x, y) in zip(a, b) {
      dot += Double(x) * Double(y)
      aa += Double(x) * Double(x)
      bb += Double(y) * Double(y)
    }
    return aa == 0 || bb == 0 ? 0 : dot / (aa * bb).squareRoot()
  }

  /// Rows scaled to unit length (a zero row stays zero), so dot products are cosines.
  private static func unitRows(_ t: Tensor, width: Int) -> [Float] {
    var out = t.scalars
    for start in stride(from: 0, to: out.count, by: max(width, 1)) {
      var norm = 0.0
      for j in start..<(start + width) { norm += Double(out[j]) * Double(out[j]) }
      guard norm > 0 else { continue }
      let scale = Float(1 / norm.squareRoot())
      for j in start..<(start + width) { out[j] *= scale }
    }
    return out
  }

  /// Rows of the similarity matrix computed at a time: its memory is `neighbourBlockRows × N`
  /// floats (4 MB per 1,000 sentences) instead of N×N (40 GB for 100,000 sentences).
  static let neighbourBlockRows = 1024

  /// For each row, the index of the most similar other row (lowest index on ties), from the
  /// unit rows' dot products: one GEMM per block of `blockRows` rows against all rows.
  static func nearestNeighbours(_ unit: [Float], rows: Int, width: Int, blockRows: Int = neighbourBlockRows) -> [Int] {
    let blockRows = max(1, min(blockRows, rows))
    var similarity = [Float](repeating: 0, count: blockRows * rows)
    var nearest = [Int](repeating: -1, count: rows)
    unit.withUnsafeBufferPointer { u in
      similarity.withUnsafeMutableBufferPointer { s in
        guard let u = u.baseAddress, let s = s.baseAddress else { return }
        for first in stride(from: 0, to: rows, by: blockRows) {
          let count = min(blockRows, rows - first)
          LinearAlgebra.gemm(m: count, n: rows, k: width, a: u + first * width, b: u, transposeB: true, c: s, beta: 0)
          for local in 0..<count {
            let i = first + local, row = s + local * rows
            var best = -1
            for j in 0..<rows where j != i && (best < 0 || row[j] > row[best]) { best = j }
            nearest[i] = best
          }
        }
      }
    }
    return nearest
  }
}
