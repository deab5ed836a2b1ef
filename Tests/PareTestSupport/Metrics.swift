import PareWorkbench

/// A classifier's metric as `SequentialClassifier` reports it: accuracy `value` against
/// `baseline`, with agreement and mean KL divergence when given.
public func accuracyMetric(_ value: Double, baseline: Double, agreement: Double? = nil, meanKL: Double? = nil) -> PlanMetric {
  var secondary: [SecondaryValue] = []
  if let agreement {
    secondary.append(SecondaryValue(key: SecondaryValue.agreementKey, label: "agree", value: agreement, style: .percent, isComparison: true))
  }
  if let meanKL {
    secondary.append(SecondaryValue(key: SecondaryValue.meanKLKey, label: "KL", value: meanKL, style: .significant, isComparison: true))
  }
  return PlanMetric(kind: SequentialClassifier.metric, value: value, baseline: baseline, secondary: secondary)
}

/// A lower-is-better metric for tests: a divergence in nats shown as an absolute change, large
/// from 0.1, that a search minimises directly.
public let divergenceMetricKind = MetricKind(
  name: "divergence", direction: .lowerIsBetter, unit: "nats", changeStyle: .absolute, negligibleLoss: 0.001,
  largeLoss: 0.1, changeDecimals: 4)
