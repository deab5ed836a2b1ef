import ArgumentParser
import Foundation
import PareCompression
import PareFormats
import PareWorkbench

/// `pare search MODEL --target-ratio X | --target-bytes N | --target-bpw B | --like FTYPE | --frontier`:
/// a plan for a size budget, chosen from the sensitivity table and refined by measurement.
struct Search: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract: "Find the plan that loses the least within a size budget, or the best plans for a ladder of ratios.",
    discussion: """
      The sensitivity table of the candidates (measured, or read from the cache as `pare \
      sensitivity` does) predicts each choice's loss: its KL divergence from the uncompressed \
      model for classifiers, else its metric drop. One candidate or none per tensor is chosen to \
      minimise the summed predicted loss within the budget (a multiple-choice knapsack, solved \
      exactly by dynamic programming over bytes), the plan is measured, then refined by an \
      evolutionary search: a few tensors' choices are mutated, and a child is kept only when it \
      fits the budget and measures better (a lower KL divergence for classifiers, whose labels \
      the search never uses; a higher metric otherwise). The budget \
      counts the whole model: tensors the search does not compress (biases) stay as stored.

      --like FTYPE (a language model) sets the budget to the exact size of llama.cpp's FTYPE mix \
      for this model (q4_k_m: the type `llama-quantize` gives each tensor, its fallbacks \
      included; the other tensors as stored), measures that mix as a plan too, and prints both. \
      A language model's default candidates are the ggml types q2_k to q8_0, weighted by the \
      importance matrix (--imatrix, else the evaluation text's own statistics; q8_0 has no use \
      for one), each on the tensors whose rows are a whole number of its blocks.

      --frontier searches each ratio of --ratios and keeps, for each, the best plan measured \
      within its budget; it prints a table and a plot, and --svg writes the plot as SVG. The \
      uniform plan (the same int bit-width per channel on every matrix, the most bits that fit) \
      is measured beside each result. The search is seeded (--seed), so runs repeat.
      """)

  @Argument(help: "Model directory.")
  var model: String

  @OptionGroup var evaluationData: EvaluationDataOptions

  @OptionGroup var importance: ImportanceOptions

  @Option(help: "Budget as a compression ratio of the whole model, e.g. 8 (original size / 8).")
  var targetRatio: Double?

  @Option(help: "Budget in bytes for the whole model.")
  var targetBytes: Int?

  @Option(help: ArgumentHelp(
    "Budget in bits per weight over the compressible tensors, e.g. 4.5.",
    discussion: "The compressed bytes of the tensors the search may change (matrices; a tensor left alone counts as stored) x 8 / their parameter count; the other tensors (norms, biases) are kept as stored on top of it."))
  var targetBpw: Double?

  @Option(help: ArgumentHelp(
    "Budget: the size of llama.cpp's mix of this file type for this language model, e.g. q4_k_m.",
    discussion: "One of \(LlamaQuantMix.FileType.list). The mix is measured beside the plan found."))
  var like: String?

  @Option(help: "With --like: also write llama.cpp's mix as a plan here.")
  var likeOutput: String?

  @Flag(help: "Search every ratio of --ratios and print the Pareto frontier.")
  var frontier = false

  @Option(help: "Ratios for --frontier, comma-separated.")
  var ratios = ParetoFrontier.defaultRatios.map(SearchText.ratio).joined(separator: ",")

  @Option(help: "Leave out candidates whose own metric drop exceeds D (0.01 is one point); fail when the plan found drops more.")
  var maxDrop: Double?

  @Option(help: ArgumentHelp(
    "Candidates to choose from, as for `pare sensitivity` ('search' is a larger default set).",
    discussion: "Default: 'search', and for a language model the ggml types \(Candidate.languageModelDefaultList)."))
  var candidates: String?

  @Option(help: "Plans the evolutionary step measures at most, per budget.")
  var evaluations = 100

  @Option(help: "Seed of the evolutionary step.")
  var seed: UInt64 = 1

  @Option(help: "Write the plan here (pare-plan/1, with the model's sha256 and a summary); with --frontier, a directory receiving one plan per ratio.")
  var output: String?

  @Option(help: "With --frontier: also write the plot as an SVG file.")
  var svg: String?

  @Flag(help: "Print JSON instead of text.")
  var json = false

  func validate() throws {
    guard [targetRatio != nil, targetBytes != nil, targetBpw != nil, like != nil, frontier].filter({ $0 }).count == 1 else {
      throw ValidationError("give exactly one of --target-ratio, --target-bytes, --target-bpw, --like and --frontier")
    }
    if let like {
      do { _ = try LlamaQuantMix.FileType(parsing: like) } catch { throw ValidationError("--like: \(error.message)") }
    }
    if likeOutput != nil && like == nil { throw ValidationError("--like-output needs --like") }
    if let targetRatio, !PlanSearch.isValidRatio(targetRatio) {
      throw ValidationError("--target-ratio must be a finite number of at least 1 (original size / ratio), got \(targetRatio)")
    }
    if let targetBytes, targetBytes < 1 { throw ValidationError("--target-bytes must be at least 1") }
    if let targetBpw, !PlanSearch.isValidBitsPerWeight(targetBpw) {
      throw ValidationError("--target-bpw must be a finite number of bits per weight above 0, got \(targetBpw)")
    }
    if svg != nil && !frontier { throw ValidationError("--svg needs --frontier") }
    guard evaluations >= 0 else { throw ValidationError("--evaluations must be at least 0") }
    _ = try ladder()
  }

  func run() throws {
    let given = try candidates.map(Candidate.parseList)
    let fileType = try like.map { try LlamaQuantMix.FileType(parsing: $0) }
    try Interrupt.run { isCancelled in
      let setup = try SweepSetup(modelPath: model, options: evaluationData, importance: importance)
      try refuseOverwritingInputs(of: setup)
      let language = setup.family as? DecoderLanguageModel
      let mix = try fileType.map { try likeMix($0, model: language, setup: setup) }
      let list = given ?? (language == nil ? Candidate.searchDefaults : Candidate.languageModelDefaults(for: setup.model.weights))
      let table = try setup.sensitivity(list, isCancelled: isCancelled).table
      let search = PlanSearch(table: table, weights: setup.model.weights, evaluator: setup.evaluator,
                              compression: setup.compression)
      let options = PlanSearch.Options(evaluations: evaluations, seed: seed, maxDrop: maxDrop)
      if frontier {
        try runFrontier(search, options: options, setup: setup, isCancelled: isCancelled)
      } else {
        try runOne(search, options: options, setup: setup, mix: mix, isCancelled: isCancelled)
      }
    }
  }

  /// llama.cpp's mix of `fileType` for `model` (nil: not a language model), refused in one line
  /// for any other model; warns when the model's tensors are stored quantized.
  private func likeMix(_ fileType: LlamaQuantMix.FileType, model language: DecoderLanguageModel?,
                       setup: SweepSetup) throws -> LikeMix {
    guard let language else {
      throw ModelError(file: model, "--like needs a language model: llama.cpp's mixes are defined for decoders "
        + "(Pare reproduces them for \(LlamaQuantMix.architectures.joined(separator: ", "))), and this is "
        + (setup.family.map { type(of: $0).description } ?? "no model Pare runs"))
    }
    let mix = LlamaQuantMix(fileType: fileType)
    let bytes: Int
    do { bytes = try mix.bytes(config: language.config, weights: setup.model.weights) } catch {
      throw ModelError(file: model, "--like \(fileType.rawValue): \(error.message)")
    }
    if let warning = LlamaQuantMix.quantizedSourceWarning(weights: setup.model.weights) {
      FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
    return LikeMix(mix: mix, config: language.config, bytes: bytes)
  }

  private func runOne(_ search: PlanSearch, options: PlanSearch.Options, setup: SweepSetup, mix: LikeMix?,
                      isCancelled: @escaping @Sendable () -> Bool) throws {
    let budget = mix?.bytes ?? targetBytes ?? targetBpw.map(search.budget(bitsPerWeight:))
      ?? search.budget(ratio: targetRatio ?? 1)
    var bar = ProgressBar(label: "search")
    let outcome: SearchOutcome
    do {
      let seeds = try mix.map { try $0.mix.seeds(config: $0.config, weights: setup.model.weights) } ?? []
      outcome = try search.run(budget: budget, options: options, seeds: seeds, isCancelled: isCancelled) {
        bar.update($0, of: evaluations, detail: "evaluations")
      }
    } catch let error as SearchError {
      throw ModelError(file: model, error.message)
    }
    bar.finish()
    let uniform = try UniformPlan.best(within: budget, search: search, isCancelled: isCancelled)
    let like = mix.flatMap { like in MeasuredLike(fileType: like.mix.fileType, seeds: outcome.seeds) }
    let drop = search.table.metric.drop(outcome.found.measured.value, from: search.table.baseline)
    if let maxDrop, drop > maxDrop {
      throw ModelError(file: model, String(
        format: "no plan within %d bytes keeps the %@ drop within %g (the best found drops %.4f); raise the budget or --max-drop",
        budget, search.table.metric.name, maxDrop, drop))
    }
    var written: [String] = []
    if let output {
      try write(outcome.found, setup: setup, to: output)
      written.append(output)
    }
    if let likeOutput, let like {
      try write(like.plan, setup: setup, to: likeOutput)
      written.append(likeOutput)
    }
    if json {
      print(try Formatting.json(SearchReport(outcome, uniform: uniform, table: search.table,
                                             model: setup.modelReference, data: setup.data,
                                             like: like.map { LikeReport(fileType: $0.fileType.rawValue, plan: $0.plan, weighted: $0.weighted, search: search) },
                                             bitsPerWeight: search.bitsPerWeight(outcome.found))))
    } else {
      print(SearchText.one(outcome, uniform: uniform, like: like, search: search, setup: setup, written: written))
    }
  }

  private func runFrontier(_ search: PlanSearch, options: PlanSearch.Options, setup: SweepSetup,
                           isCancelled: @escaping @Sendable () -> Bool) throws {
    let ratios = try ladder()
    var bar = ProgressBar(label: "frontier")
    bar.update(0, of: ratios.count, detail: "ratios searched")
    let frontier = try ParetoFrontier(search: search, ratios: ratios, options: options, isCancelled: isCancelled) {
      bar.update($0, of: $1, detail: "ratios searched")
    }
    bar.finish()
    let plot = FrontierPlot(frontier: frontier, title: setup.model.name)
    if let svg { try AtomicFile.write(plot.svg(), to: svg) }
    var written: [String] = []
    if let output {
      try OutputFolder.create(output)
      for point in frontier.points {
        let path = frontierPlanPath(ratio: point.targetRatio, in: output)
        try write(point.searched, setup: setup, to: path)
        written.append(path)
      }
    }
    if json {
      print(try Formatting.json(FrontierReport(frontier, model: setup.modelReference, data: setup.data)))
    } else {
      print(SearchText.frontier(frontier, plot: plot, setup: setup, written: written + (svg.map { [$0] } ?? [])))
    }
  }

  /// Refuses, before the sweep, an --output or --svg that is one of the model's files or the data.
  private func refuseOverwritingInputs(of setup: SweepSetup) throws {
    let inputs = setup.model.inputFiles + [setup.data.path]
    var outputs = [svg, likeOutput].compactMap { $0 }
    if let output {
      try OutputPath.refuseUnexpandedTilde(output, home: ProcessInfo.processInfo.environment["HOME"])
      outputs += frontier ? try ladder().map { frontierPlanPath(ratio: $0, in: output) } : [output]
    }
    for path in outputs { try OutputPath.refuseOverwriting(inputs, with: path) }
  }

  /// Where --frontier --output DIR writes the plan for `ratio`.
  private func frontierPlanPath(ratio: Double, in directory: String) -> String {
    URL(fileURLWithPath: directory).appendingPathComponent("\(SearchText.ratio(ratio))x.json").path
  }

  /// `--ratios` as valid ratios (`PlanSearch.isValidRatio`).
  private func ladder() throws -> [Double] {
    let values = ratios.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0.map(PlanSearch.isValidRatio) ?? false }) else {
      throw ValidationError("--ratios must be finite numbers of at least 1 separated by commas, e.g. 2,4,8,16,32")
    }
    return values.compactMap { $0 }
  }

  private func write(_ plan: MeasuredPlan, setup: SweepSetup, to path: String) throws {
    try AtomicFile.write([Array(plan.fileContents(model: setup.modelReference).jsonData())], to: path)
  }
}

/// llama.cpp's mix for `--like`, with its size for the model.
struct LikeMix {
  let mix: LlamaQuantMix
  let config: DecoderConfig
  let bytes: Int
}

/// The mix measured as a plan, as llama-quantize writes it without and with an imatrix.
struct MeasuredLike {
  let fileType: LlamaQuantMix.FileType
  let plan: MeasuredPlan
  let weighted: MeasuredPlan

  /// The mix's two plans among a search's measured seeds (`LlamaQuantMix.seeds`, in that order).
  init?(fileType: LlamaQuantMix.FileType, seeds: [MeasuredSeed]) {
    guard seeds.count == 2 else { return nil }
    (self.fileType, plan, weighted) = (fileType, seeds[0].plan, seeds[1].plan)
  }
}
