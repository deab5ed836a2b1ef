import ArgumentParser
import PareCompression
import PareFormats
import PareWorkbench

/// `--data F`, `--text F`, `--sentences N`, `--ctx N` and `--chunks K`: the evaluation data
/// options that `eval`, `apply`,
/// the explorer and the search commands share. Which of them a model takes, and what it
/// measures by default, its family says (`EvaluationDataKind`).
struct EvaluationDataOptions: ParsableArguments {
  @Option(help: "Evaluation data for a classifier: safetensors with 'images' and 'labels' (default: the bundled test set, for the bundled models).")
  var data: String?

  @Option(help: "Evaluation text: for a text encoder UTF-8, one sentence per line, or 'sentence1<TAB>sentence2<TAB>score' lines; for a language model any UTF-8 text (default: the bundled assets/data/sentences.txt).")
  var text: String?

  @Option(help: ArgumentHelp(
    "Measure a text encoder on the first N sentences of its data (whole pairs for a pair file).",
    discussion: "Default: 64 in the explorer, sensitivity and search, so that each measurement takes well under a second; every sentence in eval and apply."))
  var sentences: Int?

  @Option(help: "Tokens per window of a language model's text (default 512).")
  var ctx: Int?

  @Option(help: ArgumentHelp(
    "Measure a language model on the first K windows of its text.",
    discussion: "Default: 4 in the explorer, sensitivity and search, so that an edit re-measures in seconds; every window in eval and apply."))
  var chunks: Int?

  /// A compression cache for measuring `model`: twice the model's size, room for a plan
  /// compressing every tensor (values and codes, 1.25x) and the recent edits around it, while a
  /// sweep through every candidate of every tensor cannot grow it without bound.
  static func compressionCache(for model: ModelDirectory) -> CompressionCache {
    CompressionCache(byteLimit: max(64 << 20, 2 * modelBytes(model)))
  }

  /// The size of the model's weights as stored.
  static func modelBytes(_ model: ModelDirectory) -> Int {
    model.weights.entries.reduce(0) { $0 + $1.byteRange.count }
  }

  /// The options given, by name (without dashes), with the file or count each holds.
  private var given: [(option: String, value: String)] {
    [("data", data), ("text", text), ("sentences", sentences.map(String.init)), ("chunks", chunks.map(String.init)),
     ("ctx", ctx.map(String.init))].compactMap { option, value in
      value.map { (option, $0) }
    }
  }

  /// Whether the user named data explicitly (then it must work).
  var isExplicit: Bool { data != nil || text != nil }

  /// The files the options name (inputs no output may overwrite).
  var files: [String] { [data, text].compactMap { $0 } }

  /// The limit given for `option` ("sentences", "chunks").
  private func limitGiven(for option: String) -> Int? {
    switch option {
    case "sentences": sentences
    case "chunks": chunks
    default: nil
    }
  }

  /// Throws when an option given is not one `model`'s family takes.
  func check(fits model: OpenedModel) throws {
    for (name, value) in [("sentences", sentences), ("chunks", chunks)] {
      if let value, value < 1 { throw ValidationError("--\(name) must be at least 1") }
    }
    if let ctx, ctx < 2 { throw ValidationError("--ctx must be at least 2") }
    guard let family = model.family else {
      guard given.isEmpty else {
        throw ModelError(file: model.directory.path, "\(model.browseOnlyReason ?? "browse only"); open it without "
          + given.map { "--\($0.option)" }.joined(separator: " or "))
      }
      return
    }
    let kind = type(of: family).data
    let taken = [kind.option] + (kind.limitOption.map { [$0] } ?? []) + (kind.lengthOption.map { [$0.name] } ?? [])
    let wrong = given.map(\.option).filter { !taken.contains($0) }
    guard wrong.isEmpty else {
      throw ModelError(file: model.directory.path, "\(type(of: family).description): evaluate it with \(kind.usage), not "
        + wrong.map { "--\($0)" }.joined(separator: " or "))
    }
  }

  /// The data file `model` is measured on: the option naming its family's kind, or the bundled
  /// data of that kind; nil when there is none (or no family runs the model).
  func dataPath(for model: OpenedModel) throws -> String? {
    guard let family = model.family else { return nil }
    let kind = type(of: family).data
    if let named = given.first(where: { $0.option == kind.option }) { return named.value }
    return try BundledAssets.defaultData(kind.bundledDefault, for: model.directory.path)
  }

  /// The data `model` is measured on and how much of it: the limit option, else
  /// `interactive` ? the kind's interactive limit : all.
  func evaluationData(for model: OpenedModel, interactive: Bool) throws -> EvaluationData? {
    guard let family = model.family, let path = try dataPath(for: model) else { return nil }
    let kind = type(of: family).data
    let limit = kind.limitOption.map { limitGiven(for: $0) ?? (interactive ? kind.interactiveLimit : nil) } ?? nil
    return EvaluationData(path: path, limit: limit, itemLength: kind.lengthOption.map { _ in ctx } ?? nil)
  }

  /// The evaluator measuring plans on `model` as the explorer, sensitivity and search do (the
  /// data's interactive limit), with its data's reference (what sensitivity results are keyed
  /// by). Nil when there is no data or no family runs the model; throws when the data named
  /// does not fit the model.
  func interactiveEvaluator(for model: OpenedModel, compression: CompressionCache) throws
    -> (evaluator: any LayerOrderedEvaluator, data: DataReference)? {
    try check(fits: model)
    guard let family = model.family, let data = try evaluationData(for: model, interactive: true) else { return nil }
    let reference = try DataReference(data, items: type(of: family).data.items)
    return (try family.evaluator(on: data, compression: compression, cachesActivations: true), reference)
  }
}
