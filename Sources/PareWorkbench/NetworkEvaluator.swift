import PareCompression
import PareCore
import PareEngine
import PareFormats
import Synchronization

/// Evaluates plans on any `RestartableNetwork`, re-running only the layers at and after the first
/// one a plan changes (DESIGN.md §2), from the activations cached by earlier passes; what the
/// outputs score is the family's `score`.
///
/// The cache always describes the last network that finished a pass (`cached.plan`): a
/// cancelled pass commits nothing, so the next one still knows where it can restart. Its
/// reference activations (the uncompressed network's) are computed once, by the baseline pass,
/// and shared with every `sibling`.
public final class NetworkEvaluator<Network: RestartableNetwork>: LayerOrderedEvaluator {
  private struct Cached {
    var activations: Network.Cache?
    var plan: Plan
  }

  /// Scores a pass's outputs against the uncompressed network's (the baseline pass scores the
  /// baseline against itself).
  public typealias Score = @Sendable (_ outputs: Tensor, _ baseline: Tensor) -> Measurement

  /// The uncompressed network.
  public let network: Network
  /// What every pass after the baseline's runs on.
  public let input: Network.Input
  /// The uncompressed network's outputs on `input`: the reference every plan is compared with.
  public let baselineOutputs: Tensor
  /// The uncompressed network's metric.
  public let baseline: PlanMetric
  public var metric: MetricKind { baseline.kind }
  private let weights: WeightStore
  private let compression: CompressionCache
  private let score: Score
  private let cached: Mutex<Cached>

  /// Runs the uncompressed network once over `input` to get the baseline, filling the activation
  /// cache unless `cachesActivations` is false (a one-shot evaluation). Compressed tensors come
  /// from (and go into) `compression`. `referencing`, when given, makes the input of every later
  /// pass from the baseline's outputs (a language model's passes are told which tokens the
  /// uncompressed model found likeliest, `DecoderInput.reference`); it must not change the
  /// input's cache key.
  public init(network: Network, input: Network.Input, metric: MetricKind, weights: WeightStore,
              compression: CompressionCache, cachesActivations: Bool = true,
              referencing: ((_ baselineOutputs: Tensor) -> Network.Input)? = nil, score: @escaping Score) throws {
    var activations: Network.Cache? = cachesActivations
      ? ActivationCache(batchSize: network.preferredBatchSize, restartPoints: network.restartPoints) : nil
    activations?.divergence = nil
    baselineOutputs = try network.outputs(for: input, cache: &activations)
    let measured = score(baselineOutputs, baselineOutputs)
    baseline = PlanMetric(kind: metric, measured, baseline: measured.value)
    self.input = referencing?(baselineOutputs) ?? input
    (self.network, self.weights, self.compression, self.score) = (network, weights, compression, score)
    cached = Mutex(Cached(activations: activations, plan: Plan()))
  }

  private init(of other: NetworkEvaluator, compression: CompressionCache) {
    (network, input, baselineOutputs, baseline) = (other.network, other.input, other.baselineOutputs, other.baseline)
    (weights, score, self.compression) = (other.weights, other.score, compression)
    cached = Mutex(other.cached.withLock { $0 })
  }

  public func evaluate(_ plan: Plan, isCancelled: @escaping @Sendable () -> Bool) throws -> PlanMetric {
    PlanMetric(kind: metric, score(try outputs(of: plan, isCancelled: isCancelled), baselineOutputs), baseline: baseline.value)
  }

  /// The outputs of the network compressed by `plan`.
  public func outputs(of plan: Plan, isCancelled: () -> Bool = { false }) throws -> Tensor {
    var state = cached.withLock { $0 }
    let applied = try AppliedPlan(plan: plan, weights: weights, cache: compression)
    let planned = try network.replacingTensors(applied.replacements) { [weights] name in
      weights.entry(named: name) == nil ? nil : try weights.tensor(named: name)
    }
    // Nothing changed: restart at the last restart point, which still scores afresh.
    let start = state.plan.firstChangedLayer(to: plan, layer: network.layerIndex(ofTensor:))
      ?? network.restartPoints.max() ?? network.firstLayer
    state.activations?.divergence = Plan().firstChangedLayer(to: plan, layer: network.layerIndex(ofTensor:))
    let outputs = try planned.outputs(for: input, from: start, cache: &state.activations, isCancelled: isCancelled)
    state.plan = plan
    cached.withLock { $0 = state }
    return outputs
  }

  public func layerPosition(ofTensor tensor: String) -> Int? { network.layerIndex(ofTensor: tensor) }

  /// A second evaluator on the same network, input and baseline, starting from this one's cache:
  /// the uncompressed network's activations are shared, not computed or held again.
  /// `compression` takes this evaluator's importance source when it has none.
  public func sibling(compression: CompressionCache) -> any LayerOrderedEvaluator {
    if compression.importance == nil { compression.importance = self.compression.importance }
    return NetworkEvaluator(of: self, compression: compression)
  }

  /// Bytes of cached activations this evaluator holds beyond those it shares with its siblings.
  public var ownActivationBytes: Int { cached.withLock { $0.activations?.overlayByteCount ?? 0 } }
}
