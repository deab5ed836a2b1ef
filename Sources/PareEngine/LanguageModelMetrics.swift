import Foundation
import PareCore

/// How a language model's predictions compare with the uncompressed model's, the way
/// `llama-perplexity --kl-divergence` reports them: perplexity of the text, and per scored position
/// the KL divergence from the reference distribution, the change in the probability of the right
/// token (Δp) and whether the most likely token is the same.
///
/// Both passes are `TokenScoreLayout` rows, the compared one given the reference's top-k ids. KL(P‖Q)
/// is computed over the reference's k most likely tokens plus one bucket holding the rest of the
/// vocabulary (the tail): by the log-sum inequality this never exceeds the true KL, and falls short
/// of it by at most P(tail) × KL(P‖Q restricted to the tail), so it is exact when the reference puts
/// no mass outside its top k. `tailMass` reports the mean P(tail), the mass the estimate coarsens.
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
  /// Mean reference probability outside its top k (what the KL estimate groups into one bucket).
  public let tailMass: Double
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
  /// `scoring.windowLength` positions back to back); `scores`' ids must be the reference's.
  public init(scores: Tensor, reference: Tensor, layout: TokenScoreLayout, scoring: Scoring) {
    let width = layout.width
    let positions = scores.count / max(1, width)
    let windows = scoring.windowLength == 0 ? 0 : positions / scoring.windowLength
    var nll = 0.0, sumKL = 0.0, sumDelta = 0.0, sumDeltaSquared = 0.0, tail = 0.0
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
            let (kl, pTail) = Self.divergence(p: pRow, q: qRow, layout: layout)
            sumKL += kl
            tail += pTail
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
    tailMass = tail / n
  }

  /// KL(P‖Q) over the top-k ids and the tail bucket, and P's tail mass. Terms where P is 0
  /// contribute 0; a Q of 0 where P is not is clamped to the smallest normal Double (a finite,
  /// very large divergence rather than infinity).
  static func divergence(p: UnsafeBufferPointer<Float>, q: UnsafeBufferPointer<Float>, layout: TokenScoreLayout)
    -> (kl: Double, pTail: Double) {
    let pLSE = Double(p[TokenScoreLayout.logSumExp]), qLSE = Double(q[TokenScoreLayout.logSumExp])
    var kl = 0.0, pTop = 0.0, qTop = 0.0
    for c in layout.logits {
      let logP = Double(p[c]) - pLSE, logQ = Double(q[c]) - qLSE
      let pi = exp(logP)
      pTop += pi
      qTop += exp(logQ)
      kl += pi * (logP - logQ)
    }
    let pTail = max(0, 1 - pTop), qTail = max(Double.leastNormalMagnitude, 1 - qTop)
    if pTail > 0 { kl += pTail * (log(pTail) - log(qTail)) }
    return (max(0, kl), pTail)
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
