import ArgumentParser
import Foundation
import PareEngine
import PareFormats

/// `pare eval MODEL`: the model's metric on evaluation data.
struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Evaluate a model: top-1 accuracy of a classifier on labelled data.")

  @Argument(help: "Model directory.")
  var model: String

  @Option(help: "Evaluation data: safetensors with 'images' and 'labels' (default: the bundled test set, for the bundled models).")
  var data: String?

  @Flag(help: "Print JSON instead of text.")
  var json = false

  struct Report: Encodable {
    let metric: String, value: Double, baseline: Double
    let original_bytes: Int, compressed_bytes: Int, ratio: Double
    let samples: Int, correct: Int
  }

  func run() throws {
    let opened = try ModelDirectory.open(model)
    let network = try SequentialNetwork(model: opened)
    guard let dataPath = data ?? BundledAssets.defaultData(for: model) else {
      throw ValidationError("\(model): no default evaluation data for this model; pass --data FILE (safetensors with 'images' and 'labels')")
    }
    let dataset = try ClassificationDataset(path: dataPath)
    try dataset.check(inputShape: network.config.inputShape, classes: network.outputWidth)
    var noCache: ActivationCache?
    let logits = try network.outputs(for: dataset.images, cache: &noCache)
    let metrics = ClassificationMetrics(logits: logits, labels: dataset.labels)
    let bytes = opened.weights.entries.reduce(0) { $0 + $1.byteRange.count }
    let report = Report(metric: "accuracy", value: metrics.accuracy, baseline: metrics.accuracy,
                        original_bytes: bytes, compressed_bytes: bytes, ratio: 1,
                        samples: metrics.count, correct: metrics.correct)
    if json {
      print(try Formatting.json(report))
      return
    }
    print("""
      model     \(opened.name)
      data      \(dataPath) (\(Formatting.grouped(metrics.count)) samples)
      accuracy  \(String(format: "%.4f", metrics.accuracy)) (\(metrics.correct)/\(metrics.count))
      size      \(Formatting.bytes(bytes))
      """)
  }
}
