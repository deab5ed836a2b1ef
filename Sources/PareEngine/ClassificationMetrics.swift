#if canImport(Glibc)
import Glibc
#endif
import PareCore

/// How well a classifier's outputs match the labels and, optionally, a baseline's outputs.
public struct ClassificationMetrics: Sendable, Equatable {
  /// Fraction of samples whose top-1 class is the label.
  public let accuracy: Double
  /// Number of samples whose top-1 class is the label.
  public let correct: Int
  /// Number of samples.
  public let count: Int
  /// Fraction of samples whose top-1 class equals the baseline's (nil without a baseline).
  public let agreement: Double?
  /// Mean over samples of KL(baseline ‖ this) between the softmax distributions, in nats.
  public let meanKLDivergence: Double?

  /// Scores `logits` [N, classes] against `labels`, and against `baseline` logits when given.
  /// Top-1 ties go to the lowest class index (numpy's argmax).
  public init(logits: Tensor, labels: [Int], baseline: Tensor? = nil) {
    let n = labels.count, classes = logits.count / max(n, 1)
    let predicted = Self.argmax(logits, classes: classes)
    correct = zip(predicted, labels).filter { $0 == $1 }.count
    count = n
    accuracy = n == 0 ? 0 : Double(correct) / Double(n)
    guard let baseline, baseline.count == logits.count else {
      agreement = nil
      meanKLDivergence = nil
      return
    }
    let reference = Self.argmax(baseline, classes: classes)
    agreement = n == 0 ? 0 : Double(zip(predicted, reference).filter { $0 == $1 }.count) / Double(n)
    var kl = 0.0
    for s in 0..<n {
      let p = Self.logSoftmax(baseline.scalars[(s * classes)..<((s + 1) * classes)])
      let q = Self.logSoftmax(logits.scalars[(s * classes)..<((s + 1) * classes)])
      for c in 0..<classes { kl += exp(p[c]) * (p[c] - q[c]) }
    }
    meanKLDivergence = n == 0 ? 0 : kl / Double(n)
  }

  /// Index of the largest value in each row of `logits` (first one on ties).
  public static func argmax(_ logits: Tensor, classes: Int) -> [Int] {
    guard classes > 0 else { return [] }
    return stride(from: 0, to: logits.count, by: classes).map { start in
      var best = start
      for i in start..<(start + classes) where logits.scalars[i] > logits.scalars[best] { best = i }
      return best - start
    }
  }

  private static func logSoftmax(_ row: ArraySlice<Float>) -> [Double] {
    let peak = Double(row.max() ?? 0)
    let logSum = log(row.reduce(0.0) { $0 + exp(Double($1) - peak) }) + peak
    return row.map { Double($0) - logSum }
  }
}
