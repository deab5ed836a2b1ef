import ArgumentParser
import Foundation

/// `pare eval MODEL [--plan F]`: the model's metric on evaluation data, with and without a plan.
struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate a model (a classifier's top-1 accuracy, a text encoder's embedding fidelity), optionally compressed by a plan.",
    discussion: """
      Text encoders are measured against themselves uncompressed: fidelity is the mean cosine \
      between the compressed and the original embeddings of each sentence; neighbour agreement \
      is the fraction of sentences whose most similar other sentence is unchanged; with scored \
      pairs (sentence1<TAB>sentence2<TAB>score) Spearman's correlation with the scores is shown too.
      """)

  @Argument(help: "Model directory.")
  var model: String

  @Option(help: "A plan file (pare-plan/1): evaluate the compressed model against the original.")
  var plan: String?

  @OptionGroup var evaluationData: EvaluationDataOptions

  @Flag(help: "Print JSON instead of text.")
  var json = false

  struct Report: Encodable {
    let metric: String, value: Double, baseline: Double
    let original_bytes: Int, compressed_bytes: Int, entropy_coded_bytes: Int, ratio: Double
    var samples: Int
    var correct: Int?, agreement: Double?, mean_kl: Double?
    var worst_cosine: Double?, spearman: Double?, baseline_spearman: Double?
  }

  func run() throws {
    let opened = try PlannedModel(modelPath: model, planPath: plan)
    let evaluation = try opened.evaluate(evaluationData, modelPath: model, comparing: plan != nil)
    let applied = opened.applied
    let summary = evaluation.summary
    var report = Report(metric: summary.name, value: summary.value, baseline: summary.baseline,
                        original_bytes: applied.originalBytes, compressed_bytes: applied.compressedBytes,
                        entropy_coded_bytes: applied.entropyCodedBytes, ratio: applied.ratio, samples: 0)
    var lines = ["model     \(opened.model.name)" + (plan.map { " with \(Formatting.displayPath($0))" } ?? "")]
    switch evaluation {
    case let .classification(dataPath, baseline, metrics):
      report.samples = metrics.count
      (report.correct, report.agreement, report.mean_kl) = (metrics.correct, metrics.agreement, metrics.meanKLDivergence)
      lines.append("data      \(Formatting.displayPath(dataPath)) (\(Formatting.grouped(metrics.count)) samples)")
      lines.append("accuracy  \(String(format: "%.4f", metrics.accuracy)) (\(metrics.correct)/\(metrics.count))")
      if plan != nil {
        lines[2] += String(format: ", baseline %.4f (%+.2f points)", baseline.accuracy, (metrics.accuracy - baseline.accuracy) * 100)
        if let agreement = metrics.agreement, let kl = metrics.meanKLDivergence {
          lines.append(String(format: "agreement %.4f top-1 with the original, mean KL %.4g nats", agreement, kl))
        }
      }
    case let .text(dataPath, baseline, metrics):
      report.samples = metrics.count
      (report.agreement, report.worst_cosine) = (metrics.neighbourAgreement, metrics.worstCosine)
      (report.spearman, report.baseline_spearman) = (metrics.spearman, baseline.spearman)
      lines.append("data      \(Formatting.displayPath(dataPath)) (\(Formatting.grouped(metrics.count)) sentences)")
      lines.append(String(format: "fidelity  %.6f mean cosine to the original embeddings (worst sentence %.6f)",
                          metrics.fidelity, metrics.worstCosine))
      if let agreement = metrics.neighbourAgreement {
        lines.append(String(format: "agreement %.4f nearest neighbour unchanged", agreement))
      }
      if let spearman = metrics.spearman, let original = baseline.spearman {
        lines.append(String(format: "spearman  %.4f with the gold scores (original %.4f)", spearman, original))
      }
    }
    if json {
      print(try Formatting.json(report))
      return
    }
    if plan != nil {
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
