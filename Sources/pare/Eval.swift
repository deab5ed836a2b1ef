import ArgumentParser
import Foundation
import PareWorkbench

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

  @OptionGroup var importance: ImportanceOptions

  @Flag(help: "Print JSON instead of text.")
  var json = false

  func run() throws {
    let opened = try PlannedModel(modelPath: model, planPath: plan, importance: importance, evaluationData: evaluationData)
    let evaluation = try opened.evaluate(evaluationData, comparing: plan != nil)
    let applied = opened.applied
    if json {
      print(try Formatting.json(EvaluationReport(planned: evaluation.planned, baseline: evaluation.baseline,
                                                 applied: applied, comparing: plan != nil)))
      return
    }
    let items = type(of: evaluation.family).data.items
    var lines = [
      "model     \(opened.model.name)" + (plan.map { " with \(Formatting.displayPath($0))" } ?? ""),
      "data      \(Formatting.displayPath(evaluation.dataPath)) (\(Formatting.grouped(evaluation.planned.samples)) \(items))",
    ]
    lines += evaluation.family.reportLines(evaluation.planned, baseline: evaluation.baseline, comparing: plan != nil)
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
