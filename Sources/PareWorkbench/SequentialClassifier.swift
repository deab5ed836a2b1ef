import Foundation
import PareCompression
import PareCore
import PareEngine
import PareFormats

/// Pare's own `"sequential"` classifiers (MLPs and CNNs, DESIGN.md §3), measured by top-1
/// accuracy on labelled images, with agreement and mean KL divergence against the uncompressed
/// model beside it.
public struct SequentialClassifier: ModelFamily {
  public static let modelTypes = ["sequential"]
  public static let description = "a classifier"
  public static let data = EvaluationDataKind(
    option: "data", contents: "safetensors with 'images' and 'labels'", items: "samples",
    bundledDefault: .testSetOfBundledModels)
  /// Top-1 accuracy; a search minimises the mean KL divergence instead, which uses no labels (on
  /// the bundled 1,000 images, selecting on accuracy chose plans measuring above the
  /// uncompressed model) and moves smoothly where accuracy moves in steps of 0.001.
  public static let metric = MetricKind(
    name: "accuracy", direction: .higherIsBetter, changeStyle: .points, negligibleLoss: 0.05, largeLoss: 1,
    searchCost: SecondaryValue.meanKLKey)
  public static let forwardOutput = "logits"

  /// The decoded config.json.
  public let config: SequentialConfig
  /// Input shape of each layer per sample, then the output shape, checked against the weights.
  public let activationShapes: [[Int]]
  private let weights: WeightStore

  public init(model: ModelDirectory, config file: ModelDirectory.ConfigFile) throws {
    do { config = try JSONDecoder().decode(SequentialConfig.self, from: file.data) } catch {
      throw ModelError(file: file.path, DecodingError.summary(error))
    }
    activationShapes = try config.activationShapes(weights: model.weights, file: file.path)
    weights = model.weights
  }

  /// The uncompressed network.
  public func network() throws -> SequentialNetwork {
    try SequentialNetwork(config: config, activationShapes: activationShapes, tensor: Self.original(weights))
  }

  public func evaluator(on data: EvaluationData, compression: CompressionCache, cachesActivations: Bool) throws
    -> any LayerOrderedEvaluator {
    let network = try network()
    let dataset = try ClassificationDataset(path: data.path)
    try dataset.check(inputShape: config.inputShape, classes: network.outputWidth)
    let labels = dataset.labels
    return try NetworkEvaluator(network: network, input: dataset.images, metric: Self.metric, weights: weights,
                                compression: compression, cachesActivations: cachesActivations) { logits, baseline in
      Self.measurement(ClassificationMetrics(logits: logits, labels: labels, baseline: baseline))
    }
  }

  /// What a classification measurement reports.
  static func measurement(_ m: ClassificationMetrics) -> Measurement {
    var secondary = [SecondaryValue(key: "correct", label: nil, value: Double(m.correct), style: .count, isComparison: false)]
    if let agreement = m.agreement {
      secondary.append(SecondaryValue(key: SecondaryValue.agreementKey, label: "agree", value: agreement, style: .percent, isComparison: true))
    }
    if let kl = m.meanKLDivergence {
      secondary.append(SecondaryValue(key: SecondaryValue.meanKLKey, label: "KL", value: kl, style: .significant, isComparison: true))
    }
    return Measurement(value: m.accuracy, samples: m.count, secondary: secondary)
  }

  public func forward(input: String, replacements: [String: TensorReplacement]) throws -> Tensor {
    let network = try network().replacingTensors(replacements, original: Self.original(weights))
    let samples = try ClassificationDataset(path: input, requireLabels: false)
    try samples.check(inputShape: config.inputShape, classes: network.outputWidth)
    var noCache: SequentialNetwork.Cache?
    return try network.outputs(for: samples.images, cache: &noCache)
  }

  public func reportLines(_ metric: PlanMetric, baseline: PlanMetric, comparing: Bool) -> [String] {
    let correct = Int(metric.secondary("correct") ?? 0)
    var accuracy = "accuracy  \(String(format: "%.4f", metric.value)) (\(correct)/\(metric.samples))"
    guard comparing else { return [accuracy] }
    accuracy += String(format: ", baseline %.4f (%+.2f points)", baseline.value, (metric.value - baseline.value) * 100)
    guard let agreement = metric.agreement, let kl = metric.meanKLDivergence else { return [accuracy] }
    return [accuracy, String(format: "agreement %.4f top-1 with the original, mean KL %.4g nats", agreement, kl)]
  }
}
