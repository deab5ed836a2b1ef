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

  @OptionGroup var importance: ImportanceOptions

  @Flag(help: "Use the mouse: a click selects a table row, a detail view's tab or a sensitivity-map cell; the wheel scrolls the table.")
  var mouse = false

  func run() throws {
    let path = try model ?? BundledAssets.locate().defaultModel
    let opened = try OpenedModel(path: path)
    let model = opened.directory
    var initialPlan = Plan()
    if let plan {
      initialPlan = try Plan.load(path: plan)
      try initialPlan.validate(against: model.weights, file: plan)
    }
    let compression = EvaluationDataOptions.compressionCache(for: model)
    // Without --imatrix a language model's evaluator uses its text's statistics (computed when a
    // spec first asks); the sweep's evaluator shares the source through `sibling`.
    compression.importance = try importance.source(for: opened)
    let importanceTag = try importance.cacheTag()
    let measured = try evaluationData.interactiveEvaluator(for: opened, compression: compression)
    let session = try Session(model: model, initialPlan: initialPlan, evaluator: measured?.evaluator, compression: compression)
    // Keys the saved session and the sensitivity cache without reading the weights (a 14 GB
    // model opens at once); the content hash an exported plan records is computed in the
    // background by the controller.
    let fingerprint = model.weights.fingerprint()
    let store = SessionStore(model: model, weightsFingerprint: fingerprint)
    let sensitivity = measured.map { measured in
      sensitivitySource(model, weightsFingerprint: fingerprint, evaluator: measured.evaluator, data: measured.data,
                        importanceTag: importanceTag, family: opened.family, sessionCompression: compression)
    }
    // Everything that can fail on bad input has run: only now take over the terminal.
    let terminal = try CursesTerminal()
    defer { terminal.shutdown() }
    terminal.setMouse(mouse)
    let dataKind = opened.family.map { type(of: $0).data }
    let noData = "no evaluation data; open it with " + (dataKind?.usage ?? "data")
    // A kind with a limit option measures only the first items here (the header says how many).
    let options = ExplorerOptions(planFile: plan, sampledItems: dataKind?.limitOption == nil ? nil : dataKind?.items)
    ExplorerController(terminal: terminal, session: session, store: store, sensitivity: sensitivity,
                       noMeasurementReason: opened.browseOnlyReason ?? noData, options: options).run()
  }

  /// What the sensitivity view and `a` measure with: a sibling of the session's evaluator (same
  /// network, data and baseline activations, shared), keyed in the cache as `pare sensitivity`
  /// keys it. The sweep compresses every tensor under every candidate once, so it gets its own
  /// cache instead of filling the session's; sized as `pare search`'s, since the search's
  /// evaluations reuse the same few (tensor, spec) pairs again and again (a cache smaller than
  /// one compressed tensor recompressed it for every evaluation: `a` took 10x `pare search`).
  /// Cells measured with an --imatrix file are keyed by its hash too (`importanceTag`), as `pare
  /// sensitivity` keys them. A language model's `a` also takes llama.cpp's file types (q4_k_m),
  /// sized from its config as `pare search --like` sizes them.
  private func sensitivitySource(_ model: ModelDirectory, weightsFingerprint: String, evaluator: any LayerOrderedEvaluator,
                                 data: DataReference, importanceTag: String?, family: (any ModelFamily)?,
                                 sessionCompression: CompressionCache) -> SensitivitySource {
    let compression = EvaluationDataOptions.compressionCache(for: model)
    let language = family as? DecoderLanguageModel
    let isLanguageModel = language != nil
    // A language model's map and search are in llama.cpp's currency: ggml types.
    let lmCandidates = isLanguageModel ? Candidate.languageModelDefaults(for: model.weights) : []
    return SensitivitySource(modelFingerprint: weightsFingerprint, dataSHA256: data.sha256 + (importanceTag.map { "-\($0)" } ?? ""),
                             compression: compression, sessionCompression: sessionCompression,
                             mapCandidates: isLanguageModel ? lmCandidates : Candidate.sensitivityDefaults,
                             searchCandidates: isLanguageModel ? lmCandidates : Candidate.searchDefaults,
                             llamaMix: .of(config: language?.config,
                                           family: family.map { type(of: $0).description } ?? "no model Pare runs"),
                             llamaMixWarning: language == nil ? nil : LlamaQuantMix.quantizedSourceWarning(weights: model.weights)) {
      evaluator.sibling(compression: compression)
    }
  }
}
