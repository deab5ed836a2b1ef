/// A plan's measured quality against the uncompressed model.
public struct PlanMetric: Sendable, Equatable {
  /// What is measured, e.g. "accuracy".
  public let name: String
  /// The value with the plan.
  public let value: Double
  /// The value of the uncompressed model.
  public let baseline: Double
  /// Fraction of samples whose top-1 prediction (classifiers), or whose nearest other sentence
  /// (text encoders), is the same as with the uncompressed model.
  public let agreement: Double?
  /// Mean KL divergence from the uncompressed model's output distribution, in nats (classifiers).
  public let meanKLDivergence: Double?
  /// Spearman correlation of the embeddings' pair similarities with gold scores (text encoders
  /// evaluated on scored pairs).
  public let spearman: Double?

  public init(name: String, value: Double, baseline: Double, agreement: Double? = nil, meanKLDivergence: Double? = nil,
              spearman: Double? = nil) {
    (self.name, self.value, self.baseline, self.agreement, self.meanKLDivergence, self.spearman) =
      (name, value, baseline, agreement, meanKLDivergence, spearman)
  }

  /// value - baseline.
  public var change: Double { value - baseline }
}
