import ArgumentParser
import PareCompression
import PareEngine
import PareFormats

/// A planned model's accuracy on labelled data, without and with the plan: what `eval` prints
/// and `apply` records in plan.json's summary.
struct PlannedEvaluation {
  /// The evaluation data file.
  let dataPath: String
  /// The uncompressed model's metrics.
  let baseline: ClassificationMetrics
  /// The planned model's metrics against the labels and the baseline's logits (the baseline's
  /// own metrics when no plan was given).
  let planned: ClassificationMetrics

  /// The metric as a plan summary records it.
  var summary: MetricSummary {
    MetricSummary(name: "accuracy", baseline: baseline.accuracy, value: planned.accuracy)
  }
}

extension PlannedModel {
  /// Evaluates the model on `data`, or by default the bundled test set when `modelPath` is a
  /// bundled model; `comparing` false (no plan given) skips the planned pass. Throws why the
  /// model cannot run, then that there is no data, then any problem with the data.
  func evaluate(data: String?, modelPath: String, comparing: Bool) throws -> PlannedEvaluation {
    let networks = try runnable()
    guard let dataPath = data ?? BundledAssets.defaultData(for: modelPath) else {
      throw ValidationError("\(modelPath): no default evaluation data for this model; pass --data FILE (safetensors with 'images' and 'labels')")
    }
    let dataset = try ClassificationDataset(path: dataPath)
    try dataset.check(inputShape: networks.baseline.config.inputShape, classes: networks.baseline.outputWidth)
    var noCache: ActivationCache?
    let baselineLogits = try networks.baseline.outputs(for: dataset.images, cache: &noCache)
    let baseline = ClassificationMetrics(logits: baselineLogits, labels: dataset.labels)
    let planned = comparing
      ? ClassificationMetrics(logits: try networks.planned.outputs(for: dataset.images, cache: &noCache),
                              labels: dataset.labels, baseline: baselineLogits)
      : baseline
    return PlannedEvaluation(dataPath: dataPath, baseline: baseline, planned: planned)
  }
}
