import PareCompression
import PareCore
import PareEngine
import PareFormats
import Synchronization

/// Evaluates plans on a sentence encoder: the metric is `fidelity`, the mean cosine between the
/// compressed and the uncompressed model's embeddings of the same sentences, with
/// nearest-neighbour agreement and (for scored pairs) Spearman correlation beside it.
///
/// Like `ClassifierEvaluator`, a pass restarts at the first encoder layer a plan changes, from
/// the token states cached by the previous pass; a cancelled pass commits nothing.
public final class TextEvaluator: PlanEvaluator {
  private struct Cached {
    var activations: BertActivationCache?
    var plan: Plan
  }

  /// The uncompressed encoder.
  public let encoder: BertEncoder
  /// The sentences' token ids, as the model's tokenizer gives them.
  public let sentences: [[Int]]
  /// Scored pairs among `sentences` (may be empty).
  public let pairs: [SentenceDataset.Pair]
  /// The uncompressed encoder's embeddings [sentences, hidden] (the reference).
  public let baselineEmbeddings: Tensor
  /// The uncompressed model's own metrics (fidelity 1; Spearman against the gold scores).
  public let baseline: EmbeddingMetrics
  let weights: WeightStore
  private let compression: CompressionCache
  private let cached: Mutex<Cached>

  /// Embeds `sentences` once with the uncompressed encoder (filling the activation cache) to get
  /// the reference. Compressed tensors come from (and go into) `compression`.
  public init(encoder: BertEncoder, weights: WeightStore, sentences: [[Int]], pairs: [SentenceDataset.Pair] = [],
              compression: CompressionCache) throws {
    var activations: BertActivationCache? = BertActivationCache(
      tokenBudget: encoder.preferredTokenBudget, restartPoints: encoder.restartPoints)
    baselineEmbeddings = try encoder.outputs(for: sentences, cache: &activations)
    baseline = EmbeddingMetrics(embeddings: baselineEmbeddings, baseline: baselineEmbeddings, pairs: pairs)
    (self.encoder, self.sentences, self.pairs, self.weights, self.compression) = (encoder, sentences, pairs, weights, compression)
    cached = Mutex(Cached(activations: activations, plan: Plan()))
  }

  public func evaluate(_ plan: Plan, isCancelled: @escaping @Sendable () -> Bool) throws -> PlanMetric {
    let metrics = try embeddingMetrics(of: plan, isCancelled: isCancelled)
    return PlanMetric(name: "fidelity", value: metrics.fidelity, baseline: baseline.fidelity,
                      agreement: metrics.neighbourAgreement, spearman: metrics.spearman)
  }

  /// The full comparison of `plan`'s embeddings with the baseline's (what `pare eval` prints).
  public func embeddingMetrics(of plan: Plan, isCancelled: () -> Bool = { false }) throws -> EmbeddingMetrics {
    var state = cached.withLock { $0 }
    let applied = try AppliedPlan(plan: plan, weights: weights, cache: compression)
    let planned = try encoder.replacingTensors(applied.replacements) { [weights] name in
      weights.entry(named: name) == nil ? nil : try weights.tensor(named: name)
    }
    // Nothing changed: restart at the last layer, which still pools and compares afresh.
    let start = state.plan.firstChangedLayer(to: plan, layer: encoder.layerIndex(ofTensor:)) ?? encoder.layers.count
    let embeddings = try planned.outputs(for: sentences, from: start, cache: &state.activations, isCancelled: isCancelled)
    state.plan = plan
    cached.withLock { $0 = state }
    return EmbeddingMetrics(embeddings: embeddings, baseline: baselineEmbeddings, pairs: pairs)
  }
}

extension TextEvaluator: LayerOrderedEvaluator {
  /// The encoder layer reading `tensor` (0 for the embeddings).
  public func layerPosition(ofTensor tensor: String) -> Int? { encoder.layerIndex(ofTensor: tensor) }

  public func sibling(compression: CompressionCache) throws -> any LayerOrderedEvaluator {
    try TextEvaluator(encoder: encoder, weights: weights, sentences: sentences, pairs: pairs, compression: compression)
  }
}
