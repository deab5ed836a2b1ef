import Foundation
import PareFormats

/// Sensitivity cells kept on disk, so a second run (or the explorer) reuses them: one file per
/// candidate, under a folder named by the model's weights and the evaluation data.
///
/// The folder is `$PARE_CACHE_DIR/sensitivity/` when that variable is set, else
/// `$XDG_CACHE_HOME/pare/sensitivity/` (default `~/.cache/pare/sensitivity/`), then
/// `<model fingerprint>-<data sha256>-<metric>/` (16 hex digits of each hash). The model's key is
/// `WeightStore.fingerprint()` (headers, sizes and modification times of its files), so the
/// explorer finds the cells without reading every weight; rewriting the weights or changing the
/// data changes the folder, so stale cells are never read. Files are written atomically once a
/// candidate has been measured on every tensor: an interrupted sweep leaves complete files only.
public struct SensitivityCache: Sendable {
  /// The format tag of every cache file.
  static let formatTag = "pare-sensitivity/2"

  /// The folder holding this model's and data's cells.
  public let directory: String
  private let modelFingerprint: String
  private let dataSHA256: String
  private let metric: String

  /// The cache for the weights whose fingerprint is `modelFingerprint`, evaluated on data hashing to
  /// `dataSHA256` with `metric`, under `environment`'s cache folder.
  public init(modelFingerprint: String, dataSHA256: String, metric: String,
              environment: [String: String] = ProcessInfo.processInfo.environment) {
    (self.modelFingerprint, self.dataSHA256, self.metric) = (modelFingerprint, dataSHA256, metric)
    directory = "\(Self.root(environment: environment))/sensitivity/"
      + "\(modelFingerprint.prefix(16))-\(dataSHA256.prefix(16))-\(metric)"
  }

  /// Pare's cache folder: `$PARE_CACHE_DIR`, else `$XDG_CACHE_HOME/pare`, else `~/.cache/pare`.
  public static func root(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    func nonEmpty(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
    if let explicit = nonEmpty("PARE_CACHE_DIR") { return explicit }
    let home = nonEmpty("HOME") ?? NSHomeDirectory()
    return "\(nonEmpty("XDG_CACHE_HOME") ?? "\(home)/.cache")/pare"
  }

  /// The file holding `candidate`'s cells.
  public func path(of candidate: Candidate) -> String {
    let name = candidate.description.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "-")
    return "\(directory)/\(name).json"
  }

  /// The cached cells of `candidate` for `tensors`, in that order; nil when the file is missing,
  /// unreadable or not a regular file (a FIFO would block), made for other weights, data or
  /// metric, or lacks one of the tensors.
  public func load(_ candidate: Candidate, tensors: [String]) -> [SensitivityCell]? {
    guard let data = try? InputFile.contents(of: path(of: candidate)),
          let file = try? Self.decoder.decode(File.self, from: data),
          file.format == Self.formatTag, file.modelFingerprint == modelFingerprint, file.dataSHA256 == dataSHA256,
          file.metric == metric, file.candidate == candidate
    else { return nil }
    let byTensor = Dictionary(file.cells.map { ($0.tensor, $0) }) { first, _ in first }
    let cells = tensors.compactMap { byTensor[$0] }
    return cells.count == tensors.count && cells.allSatisfy({ $0.candidate == candidate }) ? cells : nil
  }

  /// Writes `candidate`'s cells atomically, creating the folder when missing.
  public func save(_ candidate: Candidate, cells: [SensitivityCell]) throws {
    try OutputFolder.create(directory)
    let file = File(format: Self.formatTag, modelFingerprint: modelFingerprint, dataSHA256: dataSHA256, metric: metric,
                    candidate: candidate, cells: cells)
    try AtomicFile.write([Array(try Self.encoder.encode(file))], to: path(of: candidate))
  }

  /// A model whose outputs are NaN (weights holding NaN, #17) measures NaN and infinite
  /// figures: they are kept as the strings "nan", "inf" and "-inf", so a save never fails with
  /// the encoder's raw error and a load gives back the same values.
  private static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  private static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }

  private struct File: Codable {
    let format: String
    let modelFingerprint: String
    let dataSHA256: String
    let metric: String
    let candidate: Candidate
    let cells: [SensitivityCell]

    enum CodingKeys: String, CodingKey {
      case format, metric, candidate, cells
      case modelFingerprint = "model_fingerprint", dataSHA256 = "data_sha256"
    }
  }
}
