import Foundation
import PareCompression
import PareEngine
import PareFormats

/// Importance matrices of a language model (issue #16): what llama.cpp's `llama-imatrix`
/// collects, computed by Pare's own forward pass over the evaluation text.
extension DecoderLanguageModel {
  /// The weights an importance matrix of this model covers, with their input column counts:
  /// `required` every block's q, k, v, output, gate, up and down (llama-imatrix records all of
  /// them), `optional` the head (recorded only with --process-output; the embedding's name when
  /// the head is tied).
  public var importanceWeights: (required: [(name: String, columns: Int)], optional: [(name: String, columns: Int)]) {
    let c = config
    let required = (0..<c.layerCount).flatMap { layer in
      [DecoderTensorNames.Role.query, .key, .value, .output, .gate, .up, .down].map { role in
        (name: c.names.weight(role, layer: layer), columns: c.weightShape(role)[1])
      }
    }
    return (required, [(name: c.tiedHead ? c.names.embedding : c.names.head, columns: c.hiddenSize)])
  }

  /// The weights an importance matrix may hold no entry for, which specs with `"imatrix": true`
  /// then quantize unweighted, as llama-quantize does: the head (llama-imatrix records it only
  /// with --process-output) and the embedding (looked up, not multiplied, unless it is the tied
  /// head).
  public var importanceMayLack: Set<String> { [config.names.embedding, config.names.head] }

  /// Throws, naming `file` and the first tensor that does not match, unless `matrix` was made
  /// for this model (`ImportanceMatrix.check`).
  public func check(_ matrix: ImportanceMatrix, file: String) throws {
    let weights = importanceWeights
    try matrix.check(required: weights.required, optional: weights.optional, file: file)
  }

  /// The importance matrix of `data`'s windows (`windows(of:)`: llama.cpp's cut, the first
  /// token of each window BOS where the tokenizer adds one, as llama-imatrix does): every
  /// projection's and the head's squared inputs summed over every token. Read from `cache`
  /// when it holds this model's and data's, else computed and saved there (a failed save is
  /// only a slower next run).
  public func importance(of data: EvaluationData, cache: ImportanceCache? = nil,
                         isCancelled: () -> Bool = { false }) throws -> ImportanceMatrix {
    if let cached = cache?.load() { return cached }
    let windows = try windows(of: data).windows
    let network = try network()
    let squares: [String: InputSquares]
    do { squares = try network.inputSquares(of: windows, isCancelled: isCancelled) } catch let error as DecoderInputError {
      throw ModelError(file: data.path, "\(error)")
    }
    let matrix = ImportanceMatrix(
      entries: squares.mapValues { .init(sums: $0.sums.map { Float($0) }, count: Float($0.tokens)) },
      datasets: [data.path], chunkCount: windows.count, chunkSize: windows.first?.count ?? 0)
    try? cache?.save(matrix)
    return matrix
  }

  /// Where specs with `"imatrix": true` find their importance when no imatrix file is given:
  /// the statistics of `data`, computed when first needed (never when no spec asks), then kept
  /// in memory and on disk (`ImportanceCache`).
  public func importanceSource(on data: EvaluationData) -> ImportanceSource {
    ImportanceSource(origin: data.path, mayLack: importanceMayLack) { [self] in
      try importance(of: data, cache: try? ImportanceCache(model: self, data: data))
    }
  }
}

/// Importance matrices computed from text, kept on disk as llama.cpp's imatrix GGUF under Pare's
/// cache folder (`SensitivityCache.root`): `imatrix/<weights fingerprint>-<data sha256>.gguf`,
/// 16 hex digits of each. The data hash covers the window length and count (`DataReference`),
/// so another cut of the same text is another file. A file that does not read back, or does not
/// fit the model, is ignored (and recomputed).
public struct ImportanceCache: Sendable {
  /// The cache file.
  public let path: String
  private let model: DecoderLanguageModel

  public init(model: DecoderLanguageModel, data: EvaluationData,
              environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    let reference = try DataReference(data, items: DecoderLanguageModel.data.items)
    let length = data.itemLength ?? DecoderLanguageModel.data.lengthOption?.defaultValue ?? 512
    path = "\(SensitivityCache.root(environment: environment))/imatrix/"
      + "\(model.weights.fingerprint().prefix(16))-\(reference.sha256.prefix(16))-ctx\(length).gguf"
    self.model = model
  }

  /// The cached matrix, or nil.
  public func load() -> ImportanceMatrix? {
    guard FileManager.default.fileExists(atPath: path), let matrix = try? ImportanceMatrix(gguf: path),
          (try? model.check(matrix, file: path)) != nil else { return nil }
    return matrix
  }

  /// Writes `matrix` atomically, creating the folder.
  public func save(_ matrix: ImportanceMatrix) throws {
    try OutputFolder.create(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    try matrix.writeGGUF(to: path)
  }
}
