import ArgumentParser
import Foundation

/// `pare eval MODEL [--plan F]`: the model's metric on evaluation data, with and without a plan.
struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Evaluate a model (top-1 accuracy of a classifier), optionally compressed by a plan.")

  @Argument(help: "Model directory.")
  var model: String

  @Option(help: "A plan file (pare-plan/1): evaluate the compressed model against the original.")
  var plan: String?

  @Option(help: "Evaluation data: safetensors with 'images' and 'labels' (default: the bundled test set, for the bundled models).")
  var data: String?

  @Flag(help: "Print JSON instead of text.")
  var json = false

  struct Report: Encodable {
    let metric: String, value: Double, baseline: Double
    let original_bytes: Int, compressed_bytes: Int, entropy_coded_bytes: Int, ratio: Double
    let samples: Int, correct: Int, agreement: Double?, mean_kl: Double?
  }

  func run() throws {
    let opened = try PlannedModel(modelPath: model, planPath: plan)
    let evaluation = try opened.evaluate(data: data, modelPath: model, comparing: plan != nil)
    let (baseline, metrics, dataPath) = (evaluation.baseline, evaluation.planned, evaluation.dataPath)
    let applied = opened.applied
    let report = Report(
      metric: "accuracy", value: metrics.accuracy, baseline: baseline.accuracy,
      original_bytes: applied.originalBytes, compressed_bytes: applied.compressedBytes,
      entropy_coded_bytes: applied.entropyCodedBytes, ratio: applied.ratio,
      samples: metrics.count, correct: metrics.correct, agreement: metrics.agreement, mean_kl: metrics.meanKLDivergence)
    if json {
      print(try Formatting.json(report))
      return
    }
    var lines = [
      "model     \(opened.model.name)" + (plan.map { " with \(Formatting.displayPath($0))" } ?? ""),
      "data      \(Formatting.displayPath(dataPath)) (\(Formatting.grouped(metrics.count)) samples)",
      "accuracy  \(String(format: "%.4f", metrics.accuracy)) (\(metrics.correct)/\(metrics.count))",
    ]
    if plan != nil {
      lines[2] += String(format: ", baseline %.4f (%+.2f points)", baseline.accuracy, (metrics.accuracy - baseline.accuracy) * 100)
      if let agreement = metrics.agreement, let kl = metrics.meanKLDivergence {
        lines.append(String(format: "agreement %.4f top-1 with the original, mean KL %.4g nats", agreement, kl))
      }
      lines.append("size      \(Formatting.bytes(applied.compressedBytes)) of \(Formatting.bytes(applied.originalBytes)), "
        + String(format: "%.2fx smaller", applied.ratio)
        + " (entropy coded: \(Formatting.bytes(applied.entropyCodedBytes)), "
        + String(format: "%.2fx)", Double(applied.originalBytes) / Double(max(applied.entropyCodedBytes, 1))))
    } else {
      lines.append("size      \(Formatting.bytes(applied.originalBytes))")
    }
    print(lines.joined(separator: "\n"))
  }
}
