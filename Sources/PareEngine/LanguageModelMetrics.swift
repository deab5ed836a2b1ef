import Foundation
import PareCore

/// How a language model's predictions compare with the uncompressed model's, the way
/// `llama-perplexity --kl-divergence` reports them: perplexity of the text, and per scored position
/// the KL divergence from the reference distribution, the change in the probability of the right
/// token (Δp) and whether the most likely token is the same.
///
/// Both passes are `TokenScoreLayout` rows, the compared one given the reference's states, so each
/// of its rows holds the exact KL(P‖Q) over the whole vocabulary.
public struct LanguageModelMetrics: Sendable, Equatable {
  /// exp(mean negative log-likelihood of the next token) over the scored positions.
  public let perplexity: Double
  /// Mean KL divergence (nats) of the compared distribution from the reference's.
  public let meanKL: Double
  /// 99th percentile and maximum of the per-position KL.
  public let p99KL: Double, maxKL: Double
  /// Mean and root-mean-square of p(next token) compared − reference.
  public let meanDeltaP: Double, rmsDeltaP: Double
  /// Fraction of scored positions whose most likely token is the reference's.
  public let sameTop: Double
  /// Number of scored positions.
  public let count: Int

  /// Which positions of a window are scored.
  public struct Scoring: Sendable, Equatable {
    /// Tokens per window.
    public let windowLength: Int
    /// The first position whose prediction of the next token counts; positions from here to the
    /// one before last are scored (the last has no next token in the window).
    public let firstScored: Int

    /// The second half of each window, as llama.cpp's perplexity scores it (the first half is
    /// context only, so every scored token has at least windowLength/2 tokens before it).
    public static func secondHalf(of windowLength: Int) -> Scoring {
      Scoring(windowLength: windowLength, firstScored: windowLength / 2)
    }

    public init(windowLength: Int, firstScored: Int) { (self.windowLength, self.firstScored) = (windowLength, firstScored) }

    /// Scored positions per window.
    public var perWindow: Int { max(0, windowLength - 1 - firstScored) }
  }

  /// Compares `scores` with `reference` (rows of `layout`, [positions, width], windows of
  /// `scoring.windowLength` positions back to back); `scores` must come from a pass given the
  /// reference's states (its divergence column).
  public init(scores: Tensor, reference: Tensor, layout: TokenScoreLayout, scoring: Scoring) {
    let width = layout.width
    let positions = scores.count / max(1, width)
    let windows = scoring.windowLength == 0 ? 0 : positions / scoring.windowLength
    var nll = 0.0, sumKL = 0.0, sumDelta = 0.0, sumDeltaSquared = 0.0
    var same = 0
    var kls: [Double] = []
    kls.reserveCapacity(windows * scoring.perWindow)
    scores.scalars.withUnsafeBufferPointer { q in
      reference.scalars.withUnsafeBufferPointer { p in
        for w in 0..<windows {
          for position in scoring.firstScored..<(scoring.windowLength - 1) {
            let row = (w * scoring.windowLength + position) * width
            let pRow = UnsafeBufferPointer(rebasing: p[row..<(row + width)])
            let qRow = UnsafeBufferPointer(rebasing: q[row..<(row + width)])
            let qLSE = Double(qRow[TokenScoreLayout.logSumExp]), pLSE = Double(pRow[TokenScoreLayout.logSumExp])
            nll += qLSE - Double(qRow[TokenScoreLayout.targetLogit])
            let target = (exp(Double(qRow[TokenScoreLayout.targetLogit]) - qLSE),
                          exp(Double(pRow[TokenScoreLayout.targetLogit]) - pLSE))
            sumDelta += target.0 - target.1
            sumDeltaSquared += (target.0 - target.1) * (target.0 - target.1)
            if qRow[TokenScoreLayout.argmax] == pRow[TokenScoreLayout.argmax] { same += 1 }
            let kl = Double(qRow[TokenScoreLayout.divergence])
            sumKL += kl
            kls.append(kl)
          }
        }
      }
    }
    count = kls.count
    let n = Double(max(1, count))
    perplexity = count == 0 ? .nan : exp(nll / n)
    meanKL = sumKL / n
    kls.sort()
    p99KL = Self.percentile(kls, 0.99)
    maxKL = kls.last ?? 0
    meanDeltaP = sumDelta / n
    rmsDeltaP = (sumDeltaSquared / n).squareRoot()
    sameTop = count == 0 ? 0 : Double(same) / n
  }

  /// The `q` quantile of sorted values, interpolating linearly between ranks (numpy's default).
  static func percentile(_ sorted: [Double], _ q: Double) -> Double {
    guard let first = sorted.first else { return 0 }
    guard sorted.count > 1 else { return first }
    let rank = q * Double(sorted.count - 1)
    let low = Int(rank.rounded(.down)), high = min(sorted.count - 1, low + 1)
    return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
  }
}
