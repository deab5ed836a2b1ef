import ArgumentParser
import PareCompression
import PareFormats
import PareWorkbench

/// `--imatrix F`: the importance matrix specs with `"imatrix": true` use, shared by `eval`,
/// `apply`, `sensitivity` and `search`. Without it a language model's specs use the statistics of
/// its evaluation text (`DecoderLanguageModel.importanceSource`), computed when first needed.
struct ImportanceOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "An importance matrix for specs with \"imatrix\": true: llama.cpp's imatrix GGUF, from 'pare imatrix' or llama-imatrix.",
    discussion: "Default: computed from the evaluation text (--text) by the model's own forward pass, and cached."))
  var imatrix: String?

  /// The files the option names (inputs no output may overwrite).
  var files: [String] { imatrix.map { [$0] } ?? [] }

  /// The matrix `--imatrix` names, read and checked against `model`; nil without the option.
  /// Throws one line naming the file and the first tensor that does not fit the model.
  func source(for model: OpenedModel) throws -> ImportanceSource? {
    guard let imatrix else { return nil }
    guard let language = model.family as? DecoderLanguageModel else {
      throw ValidationError("--imatrix: importance matrices are for language models; \(model.directory.path) is "
        + (model.family.map { type(of: $0).description } ?? "not one Pare runs"))
    }
    let matrix = try ImportanceMatrix(gguf: imatrix)
    try language.check(matrix, file: imatrix)
    return ImportanceSource(matrix, origin: imatrix, mayLack: language.importanceMayLack)
  }

  /// Sets where `compression` finds importance: the `--imatrix` file when given, else for a
  /// language model the statistics of `data` (computed only if a spec asks).
  func install(on compression: CompressionCache, model: OpenedModel, data: EvaluationData?) throws {
    if let source = try source(for: model) {
      compression.importance = source
    } else if let language = model.family as? DecoderLanguageModel, let data {
      compression.importance = language.importanceSource(on: data)
    }
  }

  /// What sensitivity cells measured with this option are keyed by beside the metric: the
  /// imatrix file's SHA-256 (16 digits), so cells made with another matrix are never reused.
  func cacheTag() throws -> String? {
    guard let imatrix else { return nil }
    return "imatrix-" + String(try DataReference(EvaluationData(path: imatrix), items: "").sha256.prefix(16))
  }
}
