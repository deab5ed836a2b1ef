import PareFormats
import Synchronization

/// Where specs with `imatrix: true` find each weight's importance (its mean squared input
/// activation per column): an importance matrix read from a file, or one computed from the
/// evaluation text when first asked for, then kept (a full forward pass is worth doing once).
public final class ImportanceSource: Sendable {
  /// What the importance comes from, for messages ("imatrix.gguf").
  public let origin: String
  private let make: @Sendable () throws -> ImportanceMatrix
  private let made = Mutex<ImportanceMatrix?>(nil)

  /// The importance of `matrix`, read from `origin`.
  public convenience init(_ matrix: ImportanceMatrix, origin: String) {
    self.init(origin: origin) { matrix }
  }

  /// Importance computed by `make` the first time a weight's is asked for (a failure is
  /// thrown to that caller, and the next one tries again).
  public init(origin: String, make: @escaping @Sendable () throws -> ImportanceMatrix) {
    (self.origin, self.make) = (origin, make)
  }

  /// The whole matrix, made now if it was not yet.
  public func matrix() throws -> ImportanceMatrix {
    try made.withLock { made in
      if let made { return made }
      let matrix = try make()
      made = matrix
      return matrix
    }
  }

  /// The importance of weight `name` ([columns] mean squares); throws naming the origin when it
  /// has none for that weight.
  public func importance(of name: String) throws -> [Float] {
    guard let importance = try matrix().importance(of: name) else {
      throw ModelError(file: origin, "has no importance for tensor '\(name)', which a spec with \"imatrix\": true needs")
    }
    return importance
  }
}
