import PareCompression

/// A plan with its size and its measured metric (and, for searched plans, what the sensitivity
/// table predicted for it).
public struct MeasuredPlan: Sendable, Equatable {
  /// The plan (no model reference or summary; `fileContents` adds them).
  public let plan: Plan
  /// The candidate each compressed tensor got.
  public let choices: [String: Candidate]
  /// Sizes (original, compressed, ratio, entropy-coded estimate) and the measured metric, as a
  /// plan file's summary records them.
  public let summary: PlanSummary
  /// The sensitivity table's prediction, for plans built from its cells.
  public let predicted: Prediction?
  /// The measured metric.
  public let measured: PlanMetric

  /// `applied` measured as `measured`; `choices` names the candidate of each compressed tensor.
  public init(_ applied: AppliedPlan, choices: [String: Candidate], predicted: Prediction?, measured: PlanMetric) {
    plan = applied.plan
    summary = applied.summary(metric: MetricSummary(name: measured.name, baseline: measured.baseline, value: measured.value))
    (self.choices, self.predicted, self.measured) = (choices, predicted, measured)
  }

  /// The model's size as stored, in bytes.
  public var originalBytes: Int { summary.originalBytes }
  /// The size with the plan (DESIGN.md §4; untouched tensors at their stored size).
  public var compressedBytes: Int { summary.compressedBytes }
  /// original / compressed.
  public var ratio: Double { summary.ratio }

  /// The plan as a plan file holds it: with the model it was made for and its summary.
  public func fileContents(model: ModelReference) -> Plan {
    Plan(model: model, tensors: plan.tensors, summary: summary)
  }
}

/// What the sensitivity table predicts for a plan, adding up its tensors' single-tensor effects.
public struct Prediction: Sendable, Equatable {
  /// Baseline plus the sum of the chosen cells' metric changes.
  public let value: Double
  /// The sum of the chosen cells' KL divergences (nil when the metric has none).
  public let meanKL: Double?

  /// The prediction for `cells` chosen together, on a model whose metric is `baseline`.
  public init(cells: [SensitivityCell], baseline: Double) {
    value = baseline + cells.reduce(0) { $0 + ($1.value - baseline) }
    let kls = cells.compactMap(\.meanKL)
    meanKL = kls.count == cells.count ? kls.reduce(0, +) : nil
  }
}
