import ArgumentParser
import PareFormats
import PareWorkbench

/// `pare forward MODEL --input F --output OUT`: raw outputs for scripting and cross-checks.
struct Forward: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "forward",
    abstract: "Run a model (optionally compressed by a plan) on inputs and write its outputs as safetensors: 'logits' [N, classes] for a classifier, 'embeddings' [N, hidden] f32 for a text encoder.")

  @Argument(help: "Model directory.")
  var model: String

  @Option(help: "A plan file (pare-plan/1) to apply first.")
  var plan: String?

  @Option(help: "Inputs: for a classifier, safetensors with an 'images' tensor [N, ...] ('labels' optional); for a text encoder, UTF-8 text with one sentence per line (blank lines skipped).")
  var input: String

  @Option(help: "Where to write the outputs (.safetensors); written atomically.")
  var output: String

  func run() throws {
    let planned = try PlannedModel(modelPath: model, planPath: plan)
    try OutputPath.refuseOverwriting(planned.model.inputFiles + [input] + (plan.map { [$0] } ?? []), with: output)
    let family = try planned.family()
    var writer = SafetensorsWriter()
    try writer.add(type(of: family).forwardOutput, family.forward(input: input, replacements: planned.applied.replacements))
    try writer.write(to: output)
  }
}
