import PareCompression
import PareCore
import PareEngine
import PareFormats
import Synchronization

/// Evaluates plans on a classifier, re-running only the layers at and after the first one a plan
/// changes (DESIGN.md §2), from the activations cached by the previous evaluation.
///
/// The cache always describes the last network that finished a pass (`cachedPlan`): a cancelled
/// pass commits nothing, so the next one still knows where it can restart.
public final class ClassifierEvaluator: PlanEvaluator {
  private struct Cached {
    var activations: ActivationCache?
    var plan: Plan
  }

  /// The uncompressed network.
  public let network: SequentialNetwork
  /// The evaluation data.
  public let dataset: ClassificationDataset
  /// The uncompressed network's logits on `dataset` (the reference for agreement and KL).
  public let baselineLogits: Tensor
  /// The uncompressed network's metrics.
  public let baseline: ClassificationMetrics
  let weights: WeightStore
  private let compression: CompressionCache
  private let cached: Mutex<Cached>

  /// Runs the uncompressed network once over `dataset` (filling the activation cache) to get the
  /// baseline. Compressed tensors come from (and go into) `compression`.
  public init(network: SequentialNetwork, weights: WeightStore, dataset: ClassificationDataset,
              compression: CompressionCache) throws {
    try dataset.check(inputShape: network.config.inputShape, classes: network.outputWidth)
    var activations: ActivationCache? = ActivationCache(
      batchSize: network.preferredBatchSize, restartPoints: network.weightedLayers)
    baselineLogits = try network.outputs(for: dataset.images, cache: &activations)
    baseline = ClassificationMetrics(logits: baselineLogits, labels: dataset.labels)
    (self.network, self.dataset, self.weights, self.compression) = (network, dataset, weights, compression)
    cached = Mutex(Cached(activations: activations, plan: Plan()))
  }

  public func evaluate(_ plan: Plan, isCancelled: @escaping @Sendable () -> Bool) throws -> PlanMetric {
    var state = cached.withLock { $0 }
    let applied = try AppliedPlan(plan: plan, weights: weights, cache: compression)
    let planned = try network.replacingTensors(applied.replacements) { [weights] name in
      weights.entry(named: name) == nil ? nil : try weights.tensor(named: name)
    }
    let start = state.plan.firstChangedLayer(to: plan, layer: network.layerIndex(ofTensor:)) ?? network.layers.count - 1
    let logits = try planned.outputs(for: dataset.images, from: start, cache: &state.activations, isCancelled: isCancelled)
    state.plan = plan
    cached.withLock { $0 = state }
    let metrics = ClassificationMetrics(logits: logits, labels: dataset.labels, baseline: baselineLogits)
    return PlanMetric(name: "accuracy", value: metrics.accuracy, baseline: baseline.accuracy,
                      agreement: metrics.agreement, meanKLDivergence: metrics.meanKLDivergence)
  }
}
