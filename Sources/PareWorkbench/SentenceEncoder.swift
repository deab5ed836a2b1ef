import Foundation
import PareCompression
import PareCore
import PareEngine
import PareFormats

/// BERT-family sentence encoders (`"bert"`, Hugging Face `BertModel` names with
/// sentence-transformers pooling), measured against themselves uncompressed: fidelity is the
/// mean cosine between the compressed and the original embeddings of each sentence.
public struct SentenceEncoder: ModelFamily {
  public static let modelTypes = ["bert"]
  public static let description = "a text encoder"
  public static let data = EvaluationDataKind(
    option: "text", contents: "one sentence per line, or 'sentence1<TAB>sentence2<TAB>score' lines", items: "sentences",
    limitOption: "sentences", interactiveLimit: 64, bundledDefault: .sentences)
  public static let metric = MetricKind(
    name: "fidelity", direction: .higherIsBetter, changeStyle: .points, negligibleLoss: 0.05, largeLoss: 1)
  public static let forwardOutput = "embeddings"

  /// The decoded config, pooling included, every tensor's shape checked.
  public let config: BertConfig
  private let model: ModelDirectory

  public init(model: ModelDirectory, config file: ModelDirectory.ConfigFile) throws {
    config = try BertConfig.load(configData: file.data, file: file.path, weights: model.weights)
    self.model = model
  }

  /// The uncompressed encoder, its word embeddings read from the mapped file as batches need them.
  public func encoder() throws -> BertEncoder { try BertEncoder(config: config, weights: model.weights) }

  public func evaluator(on data: EvaluationData, compression: CompressionCache, cachesActivations: Bool) throws
    -> any LayerOrderedEvaluator {
    let all = try SentenceDataset(path: data.path)
    let sentences = data.limit.map(all.prefix) ?? all
    let encoder = try encoder()
    let ids = try tokens(of: sentences, file: data.path, for: encoder)
    let pairs = sentences.pairs
    return try NetworkEvaluator(network: encoder, input: ids, metric: Self.metric, weights: model.weights,
                                compression: compression, cachesActivations: cachesActivations) { embeddings, baseline in
      Self.measurement(EmbeddingMetrics(embeddings: embeddings, baseline: baseline, pairs: pairs))
    }
  }

  /// What an embedding comparison reports.
  static func measurement(_ m: EmbeddingMetrics) -> Measurement {
    var secondary: [SecondaryValue] = []
    if let agreement = m.neighbourAgreement {
      secondary.append(SecondaryValue(key: SecondaryValue.agreementKey, label: "agree", value: agreement, style: .percent,
                                      isComparison: true))
    }
    secondary.append(SecondaryValue(key: "worst_cosine", label: nil, value: m.worstCosine, style: .significant, isComparison: true))
    if m.pairCount > 0 {
      secondary.append(SecondaryValue(key: "spearman", label: nil, value: m.spearman ?? .nan, style: .significant,
                                      isComparison: false))
    }
    return Measurement(value: m.fidelity, samples: m.count, secondary: secondary)
  }

  public func forward(input: String, replacements: [String: TensorReplacement]) throws -> Tensor {
    let encoder = try encoder().replacingTensors(replacements, original: Self.original(model.weights))
    let sentences = try SentenceDataset(path: input)
    var noCache: BertEncoder.Cache?
    return try encoder.outputs(for: tokens(of: sentences, file: input, for: encoder), cache: &noCache)
  }

  /// The token ids of `sentences` (read from `file`), checked against the model: a sentence the
  /// encoder cannot run is an error naming the file.
  private func tokens(of sentences: SentenceDataset, file: String, for encoder: BertEncoder) throws -> [[Int]] {
    let ids = try WordPieceTokenizer(modelDirectory: model.path).encode(sentences)
    do { try encoder.check(ids) } catch {
      throw ModelError(file: file, "\(error)")
    }
    return ids
  }

  public func reportLines(_ metric: PlanMetric, baseline: PlanMetric, comparing: Bool) -> [String] {
    var lines = [String(format: "fidelity  %.6f mean cosine to the original embeddings (worst sentence %.6f)",
                        metric.value, metric.secondary("worst_cosine") ?? 1)]
    if let agreement = metric.agreement {
      lines.append(String(format: "agreement %.4f nearest neighbour unchanged", agreement))
    }
    if let spearman = metric.secondary("spearman"), let original = baseline.secondary("spearman") {
      let shown = { (rho: Double) in rho.isNaN ? "undefined" : String(format: "%.4f", rho) }
      lines.append("spearman  \(shown(spearman)) with the gold scores (original \(shown(original)))")
    }
    return lines
  }
}
