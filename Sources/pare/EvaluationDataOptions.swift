import ArgumentParser
import PareCompression
import PareEngine
import PareFormats
import PareWorkbench

/// `--data F` (classifiers) and `--text F` (text encoders): the evaluation data options that
/// `eval`, `apply`, the explorer and the search commands share.
struct EvaluationDataOptions: ParsableArguments {
  @Option(help: "Evaluation data for a classifier: safetensors with 'images' and 'labels' (default: the bundled test set, for the bundled models).")
  var data: String?

  @Option(help: "Evaluation data for a text encoder: UTF-8, one sentence per line, or 'sentence1<TAB>sentence2<TAB>score' lines (default: the bundled assets/data/sentences.txt).")
  var text: String?

  /// Whether the user named data explicitly (then it must work).
  var isExplicit: Bool { data != nil || text != nil }

  /// Throws when the data named is not the kind `model` (opened from `modelPath`) runs on.
  func check(fits model: ModelDirectory, modelPath: String) throws {
    switch model.architecture {
    case .sequential where text != nil:
      throw ModelError(file: modelPath, "a classifier: evaluate it with --data FILE (safetensors with 'images' and 'labels'), not --text")
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

  /// A classifier's data: `--data`, else the bundled test set for the bundled models, else nil.
  func classifierDataPath(modelPath: String) -> String? {
    data ?? BundledAssets.defaultData(for: modelPath)
  }

  /// A text encoder's sentences: `--text`, else the bundled sentences.
  func sentences() throws -> SentenceDataset {
    try SentenceDataset(path: text ?? BundledAssets.locate().sentences)
  }

  /// The evaluator that measures plans on `model` (opened from `modelPath`): a classifier on
  /// its data, a text encoder on the first `sentenceLimit` of its sentences. Nil when the model
  /// cannot run, or is a classifier with no data named and none bundled; throws when the data
  /// named does not fit the model.
  func evaluator(for model: ModelDirectory, modelPath: String, sentenceLimit: Int? = nil,
                 compression: CompressionCache) throws -> (any LayerOrderedEvaluator)? {
    try check(fits: model, modelPath: modelPath)
    switch model.architecture {
    case .sequential:
      guard let dataPath = classifierDataPath(modelPath: modelPath) else { return nil }
      return try ClassifierEvaluator(network: SequentialNetwork(model: model), weights: model.weights,
                                     dataset: ClassificationDataset(path: dataPath), compression: compression)
    case .bert:
      var sentences = try sentences()
      if let sentenceLimit { sentences = sentences.prefix(sentenceLimit) }
      let tokenizer = try WordPieceTokenizer(modelDirectory: modelPath)
      return try TextEvaluator(encoder: BertEncoder(model: model), weights: model.weights,
                               sentences: tokenizer.encode(sentences), pairs: sentences.pairs, compression: compression)
    case .unsupported, nil:
      return nil
    }
  }
}
