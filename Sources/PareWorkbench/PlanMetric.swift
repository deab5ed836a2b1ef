/// A plan's measured quality against the uncompressed model: the metric's value, the baseline's,
/// and named secondary figures (agreement, KL divergence, …).
public struct PlanMetric: Sendable, Equatable {
  /// What is measured.
  public let kind: MetricKind
  /// The value with the plan.
  public let value: Double
  /// The value of the uncompressed model.
  public let baseline: Double
  /// Samples (images, sentences, windows) measured.
  public let samples: Int
  /// Other figures of the same measurement, in the order they are shown.
  public let secondary: [SecondaryValue]

  public init(kind: MetricKind, value: Double, baseline: Double, samples: Int = 0, secondary: [SecondaryValue] = []) {
    (self.kind, self.value, self.baseline, self.samples, self.secondary) = (kind, value, baseline, samples, secondary)
  }

  /// `measurement` as `kind`, against the uncompressed model's `baseline` value.
  public init(kind: MetricKind, _ measurement: Measurement, baseline: Double) {
    self.init(kind: kind, value: measurement.value, baseline: baseline, samples: measurement.samples,
              secondary: measurement.secondary)
  }

  /// The metric's name, e.g. "accuracy".
  public var name: String { kind.name }

  /// value − baseline.
  public var change: Double { value - baseline }

  /// The change in shown units (points, percent, or as is).
  public var shownChange: Double { kind.shownChange(value, from: baseline) }

  /// What the plan loses in shown units (positive: worse).
  public var loss: Double { kind.loss(value, from: baseline) }

  /// The secondary figure named `key`, if measured.
  public func secondary(_ key: String) -> Double? { secondary.first { $0.key == key }?.value }

  /// Fraction of samples whose top-1 prediction (classifiers), or whose nearest other sentence
  /// (text encoders), is the same as with the uncompressed model.
  public var agreement: Double? { secondary(SecondaryValue.agreementKey) }

  /// Mean KL divergence from the uncompressed model's output distribution, in nats.
  public var meanKLDivergence: Double? { secondary(SecondaryValue.meanKLKey) }

  /// What a search minimises: the kind's `searchCost` figure when measured, else the loss.
  public var searchCost: Double { kind.searchCost.flatMap(secondary) ?? loss }

  /// Whether this measures better than `other` for a search: a lower search cost.
  public func isBetter(than other: PlanMetric) -> Bool { searchCost < other.searchCost }
}

/// What one pass's outputs score: the metric's value and its secondary figures.
public struct Measurement: Sendable, Equatable {
  /// The metric's value.
  public let value: Double
  /// Samples (images, sentences, windows) measured.
  public let samples: Int
  /// Other figures, in the order they are shown.
  public let secondary: [SecondaryValue]

  public init(value: Double, samples: Int, secondary: [SecondaryValue] = []) {
    (self.value, self.samples, self.secondary) = (value, samples, secondary)
  }
}

/// One named figure beside a metric's value.
public struct SecondaryValue: Sendable, Equatable {
  /// How a figure is written.
  public enum Style: Sendable, Equatable {
    /// A fraction as a percentage: "98.6%".
    case percent
    /// Four significant digits: "0.01234".
    case significant
    /// A whole number.
    case count
  }

  /// The key, as `--json` names it ("agreement", "mean_kl").
  public let key: String
  /// The short label the explorer's header shows it with ("agree", "KL"); nil: not in the header.
  public let label: String?
  /// The figure; NaN when it is undefined (Spearman's rho of constant scores): shown as
  /// "undefined", and null in `--json`.
  public let value: Double
  /// How it is written.
  public let style: Style
  /// Whether it compares the outputs with the uncompressed model's (agreement, KL), rather than
  /// scoring them on their own (a count correct, a correlation with gold scores): only the latter
  /// mean anything for the uncompressed model itself.
  public let isComparison: Bool

  public init(key: String, label: String?, value: Double, style: Style, isComparison: Bool) {
    (self.key, self.label, self.value, self.style, self.isComparison) = (key, label, value, style, isComparison)
  }

  /// The key of top-1 (or nearest-neighbour) agreement with the uncompressed model.
  public static let agreementKey = "agreement"
  /// The key of the mean KL divergence from the uncompressed model, in nats.
  public static let meanKLKey = "mean_kl"
}
