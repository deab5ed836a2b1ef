import PareCompression

/// Measures a plan's metric; the background evaluation runs one of these.
///
/// Implementations are called from one background thread at a time (never concurrently), and
/// must check `isCancelled` between batches, throwing `CancellationError` when it says yes, so a
/// newer edit does not wait for a stale evaluation.
public protocol PlanEvaluator: AnyObject, Sendable {
  /// What `evaluate` measures, known before measuring anything.
  var metric: MetricKind { get }
  /// The uncompressed model's metric.
  var baseline: PlanMetric { get }
  /// The metric of the model compressed by `plan`.
  func evaluate(_ plan: Plan, isCancelled: @escaping @Sendable () -> Bool) throws -> PlanMetric
}
