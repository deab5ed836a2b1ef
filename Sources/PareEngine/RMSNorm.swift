import PareCore

/// Root-mean-square normalization over the last axis (Llama's `LlamaRMSNorm`):
/// `x / √(mean(x²) + eps) · w` for every row of `weight.count` features. Gemma's (1 + w) is
/// the same with the offset added to the weight once, when the norm is built.
public struct RMSNorm: Sendable {
  /// Per-feature scale, offset included.
  public let weight: Tensor
  /// Added to the mean square before the square root.
  public let eps: Float

  /// A norm multiplying by `weight + offset` (offset 1 for Hugging Face Gemma).
  public init(weight: Tensor, eps: Float, offset: Float = 0) {
    var weight = weight
    if offset != 0 { for i in weight.scalars.indices { weight.scalars[i] += offset } }
    (self.weight, self.eps) = (weight, eps)
  }

  /// Every row of `input` normalized, in its storage. Rows are `weight.count` wide, so the same
  /// norm applies per head to q [tokens, heads · headDim] with a [headDim] weight.
  public func forward(_ input: consuming Tensor) -> Tensor {
    var output = input
    let width = weight.count, count = output.count
    guard width > 0 else { return output }
    output.scalars.withUnsafeMutableBufferPointer { y in
      weight.scalars.withUnsafeBufferPointer { w in
        guard let y = y.baseAddress, let w = w.baseAddress else { return }
        Self.normalize(y, count: count, width: width, weight: w, eps: eps)
      }
    }
    return output
  }

  /// The kernel: eight lanes at a time over each row, the sum of squares in Float32.
  static func normalize(_ y: UnsafeMutablePointer<Float>, count: Int, width: Int, weight: UnsafePointer<Float>, eps: Float) {
    for start in stride(from: 0, to: count, by: width) {
      let row = y + start
      var squares = SIMD8<Float>()
      for (o, lanes) in Vectors8(width) {
        let v = UnsafePointer(row).vector8(at: o, lanes: lanes, padding: 0)
        squares += v * v
      }
      let scale = 1 / (squares.sum() / Float(width) + eps).squareRoot()
      for (o, lanes) in Vectors8(width) {
        let v = UnsafePointer(row).vector8(at: o, lanes: lanes, padding: 0)
        row.store(v * scale * weight.vector8(at: o, lanes: lanes, padding: 0), at: o, lanes: lanes)
      }
    }
  }
}
