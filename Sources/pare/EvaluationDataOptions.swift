import ArgumentParser
import PareCompression
import PareEngine
import PareFormats
import PareWorkbench

/// `--data F` (classifiers), `--text F` and `--sentences N` (text encoders): the evaluation data
/// options that `eval`, `apply`, the explorer and the search commands share.
struct EvaluationDataOptions: ParsableArguments {
  @Option(help: "Evaluation data for a classifier: safetensors with 'images' and 'labels' (default: the bundled test set, for the bundled models).")
  var data: String?

  @Option(help: "Evaluation data for a text encoder: UTF-8, one sentence per line, or 'sentence1<TAB>sentence2<TAB>score' lines (default: the bundled assets/data/sentences.txt).")
  var text: String?

  @Option(help: ArgumentHelp(
    "Measure a text encoder on the first N sentences of its data (whole pairs for a pair file).",
    discussion: "Default: 64 in the explorer, sensitivity and search, so that each measurement takes well under a second; every sentence in eval and apply."))
  var sentences: Int?

  /// Sentences a text encoder is measured on in the explorer, sensitivity and search unless
  /// `--sentences` says otherwise: few enough that an edit's fidelity is back within a second
  /// and a sweep's hundreds of measurements take minutes, not hours.
  static let interactiveSentenceLimit = 64

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

  /// Whether the user named data explicitly (then it must work).
  var isExplicit: Bool { data != nil || text != nil }

  /// Throws when the data named is not the kind `model` (opened from `modelPath`) runs on.
  func check(fits model: ModelDirectory, modelPath: String) throws {
    if let sentences, sentences < 1 { throw ValidationError("--sentences must be at least 1") }
    switch model.architecture {
    case .sequential where text != nil || sentences != nil:
      throw ModelError(file: modelPath, "a classifier: evaluate it with --data FILE (safetensors with 'images' and 'labels'), not --text or --sentences")
    case .bert where data != nil:
      throw ModelError(file: modelPath, "a text encoder: evaluate it with --text FILE (one sentence per line), not --data")
    case let .unsupported(modelType) where isExplicit:
      throw ModelError(file: modelPath, "model_type \"\(modelType)\" cannot be evaluated; open it without --data/--text to browse it")
    case nil where isExplicit:
      throw ModelError(file: modelPath, "a bare .safetensors file has no architecture to evaluate; open it without --data/--text to browse it")
    default:
      break
    }
  }

  /// The data file `model` is measured on: `--data` or the bundled test set (bundled
  /// classifiers only), `--text` or the bundled sentences (text encoders); nil when there is none.
  func dataPath(for model: ModelDirectory, modelPath: String) throws -> String? {
    switch model.architecture {
    case .sequential: data ?? BundledAssets.defaultData(for: modelPath)
    case .bert: try text ?? BundledAssets.locate().sentences
    case .unsupported, nil: nil
    }
  }

  /// The data `model` is measured on with its sha256, the sentence limit included for a text
  /// encoder (`--sentences`, else `defaultSentenceLimit`): what sensitivity results are keyed by.
  func dataReference(for model: ModelDirectory, modelPath: String, defaultSentenceLimit: Int?) throws -> DataReference? {
    guard let path = try dataPath(for: model, modelPath: modelPath) else { return nil }
    let limit = if case .bert = model.architecture { sentences ?? defaultSentenceLimit } else { Int?.none }
    return try DataReference(path: path, sentenceLimit: limit)
  }

  /// The sentences a text encoder is measured on: the data file's first `--sentences` (else
  /// `defaultLimit`, else all) sentences.
  func sentences(at path: String, defaultLimit: Int?) throws -> SentenceDataset {
    let all = try SentenceDataset(path: path)
    return (sentences ?? defaultLimit).map(all.prefix) ?? all
  }

  /// The evaluator that measures plans on `model` (opened from `modelPath`), on the data of
  /// `dataPath(for:modelPath:)` (a text encoder on `sentences(at:defaultLimit:)` of it). Nil when
  /// there is no data or the model cannot run; throws when the data named does not fit the model.
  func evaluator(for model: ModelDirectory, modelPath: String, defaultSentenceLimit: Int? = nil,
                 compression: CompressionCache) throws -> (any LayerOrderedEvaluator)? {
    try check(fits: model, modelPath: modelPath)
    guard let path = try dataPath(for: model, modelPath: modelPath) else { return nil }
    switch model.architecture {
    case .sequential:
      return try ClassifierEvaluator(network: SequentialNetwork(model: model), weights: model.weights,
                                     dataset: ClassificationDataset(path: path), compression: compression)
    case .bert:
      let sentences = try sentences(at: path, defaultLimit: defaultSentenceLimit)
      let tokenizer = try WordPieceTokenizer(modelDirectory: modelPath)
      return try TextEvaluator(encoder: BertEncoder(model: model), weights: model.weights,
                               sentences: tokenizer.encode(sentences), pairs: sentences.pairs, compression: compression)
    case .unsupported, nil:
      return nil
    }
  }
}
