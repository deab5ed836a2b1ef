import ArgumentParser
import PareCompression
import PareEngine
import PareFormats
import PareTerminal
import PareTUI
import PareWorkbench

/// `pare [MODEL]`: the interactive explorer.
struct Explore: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore", abstract: "Open MODEL in the interactive explorer (the default command).")

  @Argument(help: "Model directory or .safetensors file (default: the bundled lenet-300-100).")
  var model: String?

  @Option(help: "Open with this plan applied (pare-plan/1).")
  var plan: String?

  @OptionGroup var evaluationData: EvaluationDataOptions

  @Flag(help: "Let a mouse click select a table row.")
  var mouse = false

  func run() throws {
    let path = try model ?? BundledAssets.locate().defaultModel
    let opened = try ModelDirectory.open(path)
    var initialPlan = Plan()
    if let plan {
      initialPlan = try Plan.load(path: plan)
      try initialPlan.validate(against: opened.weights, file: plan)
    }
    let compression = CompressionCache()
    let evaluator = try evaluationData.evaluator(
      for: opened, modelPath: path, defaultSentenceLimit: EvaluationDataOptions.interactiveSentenceLimit, compression: compression)
    let session = try Session(model: opened, initialPlan: initialPlan, evaluator: evaluator, compression: compression)
    let store = SessionStore(model: opened, weightsSHA256: opened.weights.sha256())
    // Everything that can fail on bad input has run: only now take over the terminal.
    let terminal = try CursesTerminal()
    defer { terminal.shutdown() }
    terminal.setMouse(mouse)
    ExplorerController(terminal: terminal, session: session, store: store).run()
  }
}
