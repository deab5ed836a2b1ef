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
/// and shared with every `sibling`. The baseline pass runs when first needed (the first
/// evaluation, or `baseline`), not when the evaluator is made: the explorer opens at once and
/// measures the baseline in its first background job (a 7B model's pass takes minutes).
public final class NetworkEvaluator<Network: RestartableNetwork>: LayerOrderedEvaluator {
  private struct Cached {
    var activations: Network.Cache?
    var plan: Plan
    /// Whether `activations` hold the baseline pass's yet (a new evaluator's are empty until it runs).
    var hasBaseline: Bool
  }

  /// What the baseline pass found: its outputs and metric, the input of every later pass, and
  /// the activations it cached.
  private struct BaselineResult: Sendable {
    let outputs: Tensor
    let metric: PlanMetric
    let input: Network.Input
    let activations: Network.Cache?
  }

  /// The baseline pass, run once by whichever evaluator (or sibling) needs it first; a failure is
  /// thrown to that caller and the next one tries again.
  private final class BaselinePass: Sendable {
    private let run: @Sendable () throws -> BaselineResult
    private let result = Mutex<BaselineResult?>(nil)

    init(run: @escaping @Sendable () throws -> BaselineResult) { self.run = run }

    func get() throws -> BaselineResult {
      try result.withLock { result in
        if let result { return result }
        let made = try run()
        result = made
        return made
      }
    }
  }

  /// Scores a pass's outputs against the uncompressed network's (the baseline pass scores the
  /// baseline against itself).
  public typealias Score = @Sendable (_ outputs: Tensor, _ baseline: Tensor) -> Measurement

  /// The uncompressed network.
  public let network: Network
  public let metric: MetricKind
  private let weights: WeightStore
  private let compression: CompressionCache
  private let score: Score
  private let baselinePass: BaselinePass
  private let cached: Mutex<Cached>

  /// An evaluator of plans on `network` over `input`; its first use runs the uncompressed
  /// network once over `input` to get the baseline, filling the activation cache unless
  /// `cachesActivations` is false (a one-shot evaluation). Compressed tensors come from (and go
  /// into) `compression`. `referencing`, when given, makes the input of every later pass from
  /// the baseline's outputs (a language model's passes are told which tokens the uncompressed
  /// model found likeliest, `DecoderInput.reference`); it must not change the input's cache key.
  public init(network: Network, input: Network.Input, metric: MetricKind, weights: WeightStore,
              compression: CompressionCache, cachesActivations: Bool = true,
              referencing: (@Sendable (_ baselineOutputs: Tensor) -> Network.Input)? = nil, score: @escaping Score) throws {
    baselinePass = BaselinePass {
      var activations: Network.Cache? = cachesActivations
        ? ActivationCache(batchSize: network.preferredBatchSize, restartPoints: network.restartPoints) : nil
      activations?.divergence = nil
      let outputs = try network.outputs(for: input, cache: &activations)
      let measured = score(outputs, outputs)
      return BaselineResult(outputs: outputs, metric: PlanMetric(kind: metric, measured, baseline: measured.value),
                            input: referencing?(outputs) ?? input, activations: activations)
    }
    (self.network, self.metric, self.weights, self.compression, self.score) = (network, metric, weights, compression, score)
    cached = Mutex(Cached(activations: nil, plan: Plan(), hasBaseline: false))
  }

  private init(of other: NetworkEvaluator, compression: CompressionCache) {
    (network, metric, baselinePass) = (other.network, other.metric, other.baselinePass)
    (weights, score, self.compression) = (other.weights, other.score, compression)
    cached = Mutex(other.cached.withLock { $0 })
  }

  /// The uncompressed network's metric (running the baseline pass if it has not run).
  public var baseline: PlanMetric { get throws { try baselinePass.get().metric } }

  /// The uncompressed network's outputs: the reference every plan is compared with (running the
  /// baseline pass if it has not run).
  public var baselineOutputs: Tensor { get throws { try baselinePass.get().outputs } }

  public func evaluate(_ plan: Plan, isCancelled: @escaping @Sendable () -> Bool) throws -> PlanMetric {
    let outputs = try outputs(of: plan, isCancelled: isCancelled)
    let reference = try baselinePass.get()
    return PlanMetric(kind: metric, score(outputs, reference.outputs), baseline: reference.metric.value)
  }

  /// The outputs of the network compressed by `plan`.
  public func outputs(of plan: Plan, isCancelled: () -> Bool = { false }) throws -> Tensor {
    let reference = try baselinePass.get()
    var state = cached.withLock { $0 }
    if !state.hasBaseline { (state.activations, state.plan, state.hasBaseline) = (reference.activations, Plan(), true) }
    let applied = try AppliedPlan(plan: plan, weights: weights, cache: compression)
    let planned = try network.replacingTensors(applied.replacements) { [weights] name in
      weights.entry(named: name) == nil ? nil : try weights.tensor(named: name)
    }
    // Nothing changed: restart at the last restart point, which still scores afresh.
    let start = state.plan.firstChangedLayer(to: plan, layer: network.layerIndex(ofTensor:))
      ?? network.restartPoints.max() ?? network.firstLayer
    state.activations?.divergence = Plan().firstChangedLayer(to: plan, layer: network.layerIndex(ofTensor:))
    let outputs = try planned.outputs(for: reference.input, from: start, cache: &state.activations, isCancelled: isCancelled)
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
