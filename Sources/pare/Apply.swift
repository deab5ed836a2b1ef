import ArgumentParser
import Foundation
import PareCompression
import PareFormats
import PareWorkbench

/// `pare apply MODEL --plan F --output DIR [--packed] [--format FMT]`: exports the compressed model.
struct Apply: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Write a model compressed by a plan: a drop-in model.safetensors, config.json and plan.json (with its summary), optionally the packed form.",
    discussion: """
      DIR/model.safetensors has the input's tensor names, shapes and dtypes, holding the \
      compressed (dequantized) values, so any safetensors consumer loads it unchanged. \
      --packed adds DIR/model.packed.safetensors with the real compressed representation \
      (see README "Packed layout"); `pare unpack` turns it back into the drop-in form. \
      The summary's metric is measured when the model can run and there is evaluation data.

      --format writes what another runtime loads instead (README "Exports"): gguf (DIR/model.gguf \
      for llama.cpp, from a GGUF input), llama-quantize (DIR/tensor-types.txt for \
      llama-quantize --tensor-type-file), compressed-tensors (vLLM, transformers) or mlx \
      (mlx-lm). A tensor whose spec the format cannot store exactly is refused by name.
      """)

  @Argument(help: "Model directory or .safetensors file.")
  var model: String

  @Option(help: "The plan file (pare-plan/1).")
  var plan: String

  @Option(help: "Output directory (created when missing).")
  var output: String

  @Flag(help: "Also write model.packed.safetensors (codes, scales, masks, factors).")
  var packed = false

  @Option(help: "What to write: safetensors (default, the drop-in model), gguf, llama-quantize, compressed-tensors or mlx.")
  var format: ExportFormat = .safetensors

  @OptionGroup var evaluationData: EvaluationDataOptions

  @OptionGroup var importance: ImportanceOptions

  func validate() throws {
    if packed && format != .safetensors { throw ValidationError("--packed goes with the safetensors format only") }
  }

  func run() throws {
    try OutputPath.refuseUnexpandedTilde(output, home: ProcessInfo.processInfo.environment["HOME"])
    let opened = try PlannedModel(modelPath: model, planPath: plan, importance: importance, evaluationData: evaluationData)
    let otherInputs = [plan] + evaluationData.files + importance.files
    if format == .safetensors {
      try ModelExport.checkDestination(of: opened.model, in: output, packed: packed, otherInputs: otherInputs)
    } else {
      try ModelExport.checkDestination(of: opened.model, in: output, format: format, otherInputs: otherInputs)
    }
    // Another format is computed before the metric, so that a tensor it refuses is named first.
    let prepared = format == .safetensors ? nil : try ModelExport.prepare(format, model: opened.model, applied: opened.applied)
    for warning in prepared?.warnings ?? [] { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    // Measure only where it makes sense: explicit data must work; by default, a model that
    // cannot run or has no bundled data simply gets no metric.
    let canMeasure = evaluationData.isExplicit || (try? evaluationData.dataPath(for: opened.opened)) != nil
    let evaluation = canMeasure ? try opened.evaluate(evaluationData, comparing: true) : nil
    let written = if let prepared {
      try ModelExport.write(prepared, model: opened.model, applied: opened.applied, metric: evaluation?.summary,
                            to: output, otherInputs: otherInputs)
    } else {
      try ModelExport.write(opened.model, applied: opened.applied, metric: evaluation?.summary, to: output, packed: packed,
                            otherInputs: otherInputs)
    }

    let applied = opened.applied
    var lines = [
      "model     \(opened.model.name) with \(Formatting.displayPath(plan))",
      "wrote     " + written.map(Formatting.displayPath).joined(separator: ", "),
      "size      \(Formatting.bytes(applied.compressedBytes)) of \(Formatting.bytes(applied.originalBytes)), "
        + String(format: "%.2fx smaller", applied.ratio),
    ]
    if let evaluation {
      // The change as the metric shows it: points of accuracy, a KL divergence's own units.
      let (planned, kind) = (evaluation.planned, evaluation.planned.kind)
      let label = planned.name + String(repeating: " ", count: max(1, 10 - planned.name.count))
      let change = String(format: "%+.\(kind.changeDecimals)f", kind.shownChange(planned.value, from: evaluation.baseline.value))
        + kind.changeSuffix
      lines.append(label + String(format: "%.4f, baseline %.4f (", planned.value, evaluation.baseline.value) + change
        + ") on " + Formatting.displayPath(evaluation.dataPath))
    }
    print(lines.joined(separator: "\n"))
  }
}

extension ExportFormat: ExpressibleByArgument {}
