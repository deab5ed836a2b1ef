import Crypto
import Foundation
import PareFormats

/// Which evaluation data a result was measured on: the file and the SHA-256 of its bytes (what
/// the sensitivity cache is keyed by, so edited data is never mistaken for the old).
public struct DataReference: Sendable, Hashable, Codable {
  /// The data file as given.
  public let path: String
  /// SHA-256 (hex) of its bytes.
  public let sha256: String

  /// A reference from its parts.
  public init(path: String, sha256: String) { (self.path, self.sha256) = (path, sha256) }

  /// Reads and hashes the file at `path`.
  public init(path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ModelError(file: path, "cannot read the evaluation data")
    }
    self.init(path: path, sha256: SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
  }
}
