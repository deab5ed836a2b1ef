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
    let compression = EvaluationDataOptions.compressionCache(for: opened)
    let evaluator = try evaluationData.evaluator(
      for: opened, modelPath: path, defaultSentenceLimit: EvaluationDataOptions.interactiveSentenceLimit, compression: compression)
    let session = try Session(model: opened, initialPlan: initialPlan, evaluator: evaluator, compression: compression)
    let weightsSHA256 = opened.weights.sha256()
    let store = SessionStore(model: opened, weightsSHA256: weightsSHA256)
    let sensitivity = try sensitivitySource(opened, path: path, weightsSHA256: weightsSHA256, evaluator: evaluator,
                                            sessionCompression: compression)
    // Everything that can fail on bad input has run: only now take over the terminal.
    let terminal = try CursesTerminal()
    defer { terminal.shutdown() }
    terminal.setMouse(mouse)
    ExplorerController(terminal: terminal, session: session, store: store, sensitivity: sensitivity).run()
  }

  /// What the sensitivity view and `a` measure with: a sibling of the session's evaluator (same
  /// network and data, shared), keyed in the cache as `pare sensitivity` keys it; nil with no
  /// data. The sweep compresses every tensor under every candidate once, so it gets its own
  /// small compression cache instead of filling the session's.
  private func sensitivitySource(_ model: ModelDirectory, path: String, weightsSHA256: String,
                                 evaluator: (any LayerOrderedEvaluator)?, sessionCompression: CompressionCache) throws -> SensitivitySource? {
    let limit = EvaluationDataOptions.interactiveSentenceLimit
    guard let evaluator,
          let data = try evaluationData.dataReference(for: model, modelPath: path, defaultSentenceLimit: limit) else { return nil }
    let compression = CompressionCache(byteLimit: EvaluationDataOptions.modelBytes(model) / 4)
    return SensitivitySource(modelSHA256: weightsSHA256, dataSHA256: data.sha256, compression: compression,
                             sessionCompression: sessionCompression) {
      try evaluator.sibling(compression: compression)
    }
  }
}
