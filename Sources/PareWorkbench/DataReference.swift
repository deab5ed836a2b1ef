import Foundation
import PareFormats

/// Which evaluation data a result was measured on: the file and the SHA-256 of its bytes (what
/// the sensitivity cache is keyed by, so edited data is never mistaken for the old).
public struct DataReference: Sendable, Hashable, Codable {
  /// The data file as given.
  public let path: String
  /// SHA-256 (hex) of its bytes, and of the subset used when only part of it is measured.
  public let sha256: String

  /// A reference from its parts.
  public init(path: String, sha256: String) { (self.path, self.sha256) = (path, sha256) }

  /// Reads and hashes the file of `data`; a limit (measuring only the first N `items` of it) is
  /// hashed with it, so a subset never shares results with the whole.
  public init(_ data: EvaluationData, items: String) throws {
    var bytes: Data
    do { bytes = try InputFile.contents(of: data.path, limit: .max) } catch {
      throw ModelError(file: data.path, "cannot read the evaluation data: \(error)")
    }
    if let limit = data.limit { bytes.append(contentsOf: Array("\npare: first \(limit) \(items)".utf8)) }
    if let length = data.itemLength { bytes.append(contentsOf: Array("\npare: \(length) tokens each".utf8)) }
    self.init(path: data.path, sha256: sha256Hex(of: bytes))
  }
}
