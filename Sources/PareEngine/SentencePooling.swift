import PareCore
import PareFormats

extension PoolingConfig {
  /// One embedding per sentence of `batch`, [sentences, hidden] in the batch's order, from the
  /// final token states [batch.tokenCount, hidden]: pooled over each sentence's own tokens, then
  /// scaled to unit length when `normalize` (a zero vector stays zero).
  public func embeddings(of states: Tensor, batch: BertBatch) -> Tensor {
    let width = states.shape[1]
    return Tensor(shape: [batch.lengths.count, width]) { out in
      states.scalars.withUnsafeBufferPointer { x in
        for (s, (offset, length)) in zip(batch.offsets, batch.lengths).enumerated() {
          let pooled = UnsafeMutableBufferPointer(rebasing: out[(s * width)..<((s + 1) * width)])
          let tokens = offset..<(offset + length)
          switch mode {
          case .cls:
            for j in 0..<width { pooled[j] = x[offset * width + j] }
          case .max:
            for j in 0..<width { pooled[j] = tokens.reduce(-Float.infinity) { max($0, x[$1 * width + j]) } }
          case .mean, .meanSqrtLength:
            for t in tokens { for j in 0..<width { pooled[j] += x[t * width + j] } }
            let divisor = mode == .mean ? Float(length) : Float(length).squareRoot()
            for j in 0..<width { pooled[j] /= divisor }
          }
          if normalize {
            // As torch.nn.functional.normalize: x / max(‖x‖, 1e-12).
            let norm = pooled.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for j in 0..<width { pooled[j] /= max(norm, 1e-12) }
          }
        }
      }
    }
  }
}
