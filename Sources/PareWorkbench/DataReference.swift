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

  /// Reads and hashes the file at `path`; `sentenceLimit` (measuring only the first N
  /// sentences of a text file) is hashed with it, so a subset never shares results with the whole.
  public init(path: String, sentenceLimit: Int? = nil) throws {
    guard var data = FileManager.default.contents(atPath: path) else {
      throw ModelError(file: path, "cannot read the evaluation data")
    }
    if let sentenceLimit { data.append(contentsOf: Array("\npare: first \(sentenceLimit) sentences".utf8)) }
    self.init(path: path, sha256: sha256Hex(of: data))
  }
}
