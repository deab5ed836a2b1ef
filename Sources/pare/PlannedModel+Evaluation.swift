import ArgumentParser
import PareCompression
import PareEngine
import PareFormats
import PareWorkbench

/// A planned model's metric on evaluation data, without and with the plan: what `eval` prints
/// and `apply` records in plan.json's summary.
enum PlannedEvaluation {
  /// A classifier on labelled images: accuracy, plus agreement and KL against the baseline.
  case classification(dataPath: String, baseline: ClassificationMetrics, planned: ClassificationMetrics)
  /// A text encoder on sentences: fidelity (mean cosine to the baseline's embeddings) and more.
  case text(dataPath: String, baseline: EmbeddingMetrics, planned: EmbeddingMetrics)

  /// The evaluation data file.
  var dataPath: String {
    switch self {
    case let .classification(path, _, _), let .text(path, _, _): path
    }
  }

  /// The metric as a plan summary records it.
  var summary: MetricSummary {
    switch self {
    case let .classification(_, baseline, planned):
      MetricSummary(name: "accuracy", baseline: baseline.accuracy, value: planned.accuracy)
    case let .text(_, baseline, planned):
      MetricSummary(name: "fidelity", baseline: baseline.fidelity, value: planned.fidelity)
    }
  }
}

extension PlannedModel {
  /// Evaluates the model on the data named in `options`, or by default on the bundled data for
  /// its kind (the MNIST test set for the bundled classifiers, the bundled sentences for text
  /// encoders); `comparing` false (no plan given) skips the planned pass. Throws why the model
  /// cannot run, then that there is no data, then any problem with the data.
  func evaluate(_ options: EvaluationDataOptions, modelPath: String, comparing: Bool) throws -> PlannedEvaluation {
    try options.check(fits: model, modelPath: modelPath)
    switch try runnable() {
    case let .classifier(baseline: network, planned: planned):
      guard let dataPath = try options.dataPath(for: model, modelPath: modelPath) else {
        throw ValidationError("\(modelPath): no default evaluation data for this model; pass --data FILE (safetensors with 'images' and 'labels')")
      }
      let dataset = try ClassificationDataset(path: dataPath)
      try dataset.check(inputShape: network.config.inputShape, classes: network.outputWidth)
      var noCache: ActivationCache?
      let baselineLogits = try network.outputs(for: dataset.images, cache: &noCache)
      let baseline = ClassificationMetrics(logits: baselineLogits, labels: dataset.labels)
      let metrics = comparing
        ? ClassificationMetrics(logits: try planned.outputs(for: dataset.images, cache: &noCache),
                                labels: dataset.labels, baseline: baselineLogits)
        : baseline
      return .classification(dataPath: dataPath, baseline: baseline, planned: metrics)
    case let .encoder(baseline: encoder, planned: _, tokenizer: tokenizer):
      guard let dataPath = try options.dataPath(for: model, modelPath: modelPath) else { throw ModelError(file: modelPath, "no sentences to evaluate on; pass --text FILE") }
      let dataset = try options.sentences(at: dataPath, defaultLimit: nil)
      let evaluator = try TextEvaluator(
        encoder: encoder, weights: model.weights, sentences: tokenizer.encode(dataset), pairs: dataset.pairs,
        compression: compression)
      let metrics = comparing ? try evaluator.embeddingMetrics(of: applied.plan) : evaluator.baseline
      return .text(dataPath: dataset.path, baseline: evaluator.baseline, planned: metrics)
    }
  }
}
