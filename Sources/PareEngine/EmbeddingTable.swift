import PareCore
import PareFormats

/// The rows of an embedding table, [rows, width]: decoded in memory (a compressed replacement),
/// or read from the weights file as a batch needs them.
///
/// A vocabulary table is half of a small encoder (47 of all-MiniLM-L6-v2's 91 MB) while a batch
/// reads a few hundred of its 30,522 rows, so the uncompressed table stays in the mapped file
/// instead of being decoded whole next to its compressed copies.
public enum EmbeddingTable: Sendable {
  /// Rows held in memory.
  case decoded(Tensor)
  /// Rows of tensor `name` read from `weights` on demand.
  case stored(WeightStore, name: String, shape: [Int])

  /// [rows, width].
  public var shape: [Int] {
    switch self {
    case let .decoded(table): table.shape
    case let .stored(_, _, shape): shape
    }
  }

  /// Row `ids[k]` as row k of a [ids.count, width] tensor. Every id must be a row (the encoder
  /// checks ids before running).
  public func rows(_ ids: [Int]) throws -> Tensor {
    let width = shape.count == 2 ? shape[1] : 0
    switch self {
    case let .decoded(table):
      return Tensor(unsafeUninitializedShape: [ids.count, width]) { out in
        table.scalars.withUnsafeBufferPointer { rows in
          for (k, id) in ids.enumerated() {
            for j in 0..<width { out[k * width + j] = rows[id * width + j] }
          }
        }
      }
    case let .stored(weights, name, _):
      guard let dtype = weights.entry(named: name)?.dtype else {
        throw ModelError(file: "model.safetensors", "tensor '\(name)' is missing")
      }
      let rowBytes = width * dtype.byteSize
      return try weights.withRawBytes(of: name) { raw in
        var gathered = [Float]()
        gathered.reserveCapacity(ids.count * width)
        for id in ids {
          let row = UnsafeRawBufferPointer(rebasing: raw[(id * rowBytes)..<((id + 1) * rowBytes)])
          gathered += try Tensor(decoding: row, dtype: dtype, shape: [width]).scalars
        }
        return try Tensor(shape: [ids.count, width], scalars: gathered)
      }
    }
  }
}
