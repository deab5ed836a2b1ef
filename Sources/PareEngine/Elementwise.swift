#if canImport(Glibc)
import Glibc
#endif
import PareCore

/// A pointwise nonlinearity.
public struct Activation: Layer {
  /// The function applied to every element.
  public enum Function: Sendable { case relu, gelu, tanh, sigmoid }

  /// The function.
  public let function: Function

  public init(_ function: Function) { self.function = function }

  public func forward(_ input: consuming Tensor) -> Tensor {
    var output = input
    output.scalars.withUnsafeMutableBufferPointer { y in
      switch function {
      case .relu: for i in y.indices { y[i] = max(y[i], 0) }
      // The exact (erf) form, as PyTorch's default nn.GELU and BERT use.
      case .gelu: for i in y.indices { y[i] = 0.5 * y[i] * (1 + erff(y[i] * 0.70710678118654752)) }
      case .tanh: for i in y.indices { y[i] = tanhf(y[i]) }
      case .sigmoid: for i in y.indices { y[i] = 1 / (1 + expf(-y[i])) }
      }
    }
    return output
  }
}

/// Softmax over the class axis: the features of a flat sample, or the channels (axis 1) at each
/// position of a [C, H, W] sample, as PyTorch's `nn.Softmax(dim=1)`.
public struct Softmax: Layer {
  public init() {}

  public func forward(_ input: consuming Tensor) -> Tensor {
    let batch = input.shape[0], classes = input.shape.count > 1 ? input.shape[1] : 1
    let inner = input.count / max(batch * classes, 1)
    var output = input
    output.scalars.withUnsafeMutableBufferPointer { y in
      for b in 0..<batch {
        for p in 0..<inner {
          let base = b * classes * inner + p
          var peak = -Float.infinity
          for c in 0..<classes { peak = max(peak, y[base + c * inner]) }
          var sum: Float = 0
          for c in 0..<classes { let e = expf(y[base + c * inner] - peak); y[base + c * inner] = e; sum += e }
          for c in 0..<classes { y[base + c * inner] /= sum }
        }
      }
    }
    return output
  }
}
