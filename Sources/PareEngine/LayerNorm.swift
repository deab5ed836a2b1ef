import PareCore

/// Layer normalization over the last axis (PyTorch `nn.LayerNorm`):
/// `(x - mean) / √(variance + eps) · weight + bias` for every row, variance biased (÷ n).
public struct LayerNorm: Layer {
  /// Per-feature scale (γ), [features].
  public let weight: Tensor
  /// Per-feature shift (β), [features].
  public let bias: Tensor
  /// Added to the variance before the square root.
  public let eps: Float

  /// A LayerNorm over `weight.count` features.
  public init(weight: Tensor, bias: Tensor, eps: Float) {
    (self.weight, self.bias, self.eps) = (weight, bias, eps)
  }

  /// Every row of `input` [rows, features] normalized, in its storage.
  public func forward(_ input: consuming Tensor) -> Tensor {
    var output = input
    normalize(&output)
    return output
  }

  /// `LayerNorm(x + residual)`: a transformer's "add & norm", summing in place of `x`.
  public func forward(_ input: consuming Tensor, adding residual: Tensor) -> Tensor {
    var output = input
    output.scalars.withUnsafeMutableBufferPointer { y in
      residual.scalars.withUnsafeBufferPointer { r in
        for i in y.indices { y[i] += r[i] }
      }
    }
    normalize(&output)
    return output
  }

  private func normalize(_ x: inout Tensor) {
    let width = weight.count
    guard width > 0 else { return }
    x.scalars.withUnsafeMutableBufferPointer { y in
      weight.scalars.withUnsafeBufferPointer { gamma in
        bias.scalars.withUnsafeBufferPointer { beta in
          for start in stride(from: 0, to: y.count, by: width) {
            var sum: Float = 0
            for i in start..<(start + width) { sum += y[i] }
            let mean = sum / Float(width)
            var squares: Float = 0
            for i in start..<(start + width) { let d = y[i] - mean; squares += d * d }
            let scale = 1 / (squares / Float(width) + eps).squareRoot()
            for j in 0..<width { y[start + j] = (y[start + j] - mean) * scale * gamma[j] + beta[j] }
          }
        }
      }
    }
  }
}
