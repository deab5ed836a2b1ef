/// An importance matrix, as llama.cpp's `llama-imatrix` writes it and `llama-quantize --imatrix`
/// reads it: per linear weight, the sum over the calibration tokens of each input column's squared
/// activation (`in_sum2`) and the token count (`counts`). ggml's quantizers weigh each column's
/// error by their quotient, the mean squared activation (`importance(of:)`).
///
/// Entries are named as the model names its weights (GGUF names for a GGUF model). Sums are kept
/// as llama.cpp stores them (Float32); one matrix per weight (llama.cpp's several per-expert
/// matrices of a mixture-of-experts weight are refused where they are read).
public struct ImportanceMatrix: Sendable, Equatable {
  /// One weight's statistics.
  public struct Entry: Sendable, Equatable {
    /// Σ x_j² over the tokens, per input column.
    public var sums: [Float]
    /// Tokens summed.
    public var count: Float

    public init(sums: [Float], count: Float) { (self.sums, self.count) = (sums, count) }

    /// sums / count per column, computed as llama-quantize computes it (Float32); all ones for a
    /// zero count, as llama-quantize does.
    public var meanSquares: [Float] {
      count > 0 ? sums.map { $0 / count } : [Float](repeating: 1, count: sums.count)
    }
  }

  /// By weight name.
  public var entries: [String: Entry]
  /// The calibration texts (`imatrix.datasets`).
  public var datasets: [String]
  /// Windows of calibration text (`imatrix.chunk_count`).
  public var chunkCount: Int
  /// Tokens per window (`imatrix.chunk_size`).
  public var chunkSize: Int

  public init(entries: [String: Entry], datasets: [String], chunkCount: Int, chunkSize: Int) {
    (self.entries, self.datasets, self.chunkCount, self.chunkSize) = (entries, datasets, chunkCount, chunkSize)
  }

  /// The importance of each input column of weight `name` (its mean squared activation), or nil
  /// when the matrix has no entry for it.
  public func importance(of name: String) -> [Float]? { entries[name]?.meanSquares }

  /// Throws, naming `file` and the first weight that does not match, when this matrix was made
  /// for another model: a `required` weight without an entry, an entry whose column count
  /// differs from its weight's, or an entry for a weight in neither list. `required` are the
  /// weights every imatrix of the model has (the blocks' projections), `optional` those only
  /// some have (llama-imatrix records the head only with --process-output); both with their
  /// input column counts, in the model's order.
  public func check(required: [(name: String, columns: Int)], optional: [(name: String, columns: Int)] = [],
                    file: String) throws(ModelError) {
    for (name, columns) in required + optional {
      guard let entry = entries[name] else {
        if optional.contains(where: { $0.name == name }) { continue }
        throw ModelError(file: file, "has no entry for tensor '\(name)': it was made for another model")
      }
      guard entry.sums.count == columns else {
        throw ModelError(file: file, "tensor '\(name)' has \(entry.sums.count) columns, the model's has \(columns): "
          + "it was made for another model")
      }
    }
    let known = Set((required + optional).map(\.name))
    if let stranger = entries.keys.sorted().first(where: { !known.contains($0) }) {
      throw ModelError(file: file, "has an entry for tensor '\(GGUFError.printable(stranger))', which the model does not have: "
        + "it was made for another model")
    }
  }
}
