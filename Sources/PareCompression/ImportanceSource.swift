import PareFormats
import Synchronization

/// Where specs with `imatrix: true` find each weight's importance (its mean squared input
/// activation per column): an importance matrix read from a file, or one computed from the
/// evaluation text when first asked for, then kept (a full forward pass is worth doing once).
public final class ImportanceSource: Sendable {
  /// What the importance comes from, for messages ("imatrix.gguf").
  public let origin: String
  /// Weights the matrix may hold no entry for (a language model's embedding and head: see
  /// `importance(of:)`).
  public let mayLack: Set<String>
  private let make: @Sendable () throws -> ImportanceMatrix
  private let made = Mutex<ImportanceMatrix?>(nil)

  /// The importance of `matrix`, read from `origin`, which may lack `mayLack`.
  public convenience init(_ matrix: ImportanceMatrix, origin: String, mayLack: Set<String> = []) {
    self.init(origin: origin, mayLack: mayLack) { matrix }
  }

  /// Importance computed by `make` the first time a weight's is asked for (a failure is
  /// thrown to that caller, and the next one tries again); it may lack `mayLack`.
  public init(origin: String, mayLack: Set<String> = [], make: @escaping @Sendable () throws -> ImportanceMatrix) {
    (self.origin, self.mayLack, self.make) = (origin, mayLack, make)
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

  /// The importance of weight `name` ([columns] mean squares). Nil when the matrix has none for
  /// it and it is one of `mayLack`: such a weight is quantized unweighted, as llama-quantize
  /// quantizes a tensor its imatrix has no entry for (llama-imatrix records no embedding, which is
  /// looked up rather than multiplied, and a head only with --process-output). Throws naming
  /// the origin when any other weight has none.
  public func importance(of name: String) throws -> [Float]? {
    guard let importance = try matrix().importance(of: name) else {
      if mayLack.contains(name) { return nil }
      throw ModelError(file: origin, "has no importance for tensor '\(name)', which a spec with \"imatrix\": true needs")
    }
    return importance
  }
}
