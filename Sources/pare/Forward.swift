import ArgumentParser
import PareEngine
import PareFormats

/// `pare forward MODEL --input F --output OUT`: raw outputs for scripting and cross-checks.
struct Forward: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a model (optionally compressed by a plan) on inputs and write its outputs ('logits') as safetensors.")

  @Argument(help: "Model directory.")
  var model: String

  @Option(help: "A plan file (pare-plan/1) to apply first.")
  var plan: String?

  @Option(help: "Inputs: safetensors with an 'images' tensor [N, ...] ('labels' optional).")
  var input: String

  @Option(help: "Where to write the outputs (.safetensors); written atomically.")
  var output: String

  func run() throws {
    let network = try PlannedModel(modelPath: model, planPath: plan).runnable().planned
    let samples = try ClassificationDataset(path: input, requireLabels: false)
    try samples.check(inputShape: network.config.inputShape, classes: network.outputWidth)
    var noCache: ActivationCache?
    let logits = try network.outputs(for: samples.images, cache: &noCache)
    var writer = SafetensorsWriter()
    try writer.add("logits", logits)
    try writer.write(to: output)
  }
}
