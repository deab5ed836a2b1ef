import PareCore

/// `y = x Wᵀ + b` (PyTorch `nn.Linear`), one sgemm over the whole batch.
public struct Linear: Layer {
  /// Weight [out, in].
  public let weight: Tensor
  /// Bias [out], or nil for none.
  public let bias: Tensor?

  public init(weight: Tensor, bias: Tensor?) {
    self.weight = weight
    self.bias = bias
  }

  public func forward(_ input: Tensor) -> Tensor {
    let batch = input.shape[0], inFeatures = weight.shape[1], outFeatures = weight.shape[0]
    return Tensor(shape: [batch, outFeatures]) { out in
      guard let o = out.baseAddress else { return }
      if let bias {
        // Start from the bias in every row and accumulate the product onto it (beta = 1).
        for row in 0..<batch { for j in 0..<outFeatures { o[row * outFeatures + j] = bias.scalars[j] } }
      }
      input.scalars.withUnsafeBufferPointer { x in
        weight.scalars.withUnsafeBufferPointer { w in
          guard let x = x.baseAddress, let w = w.baseAddress else { return }
          LinearAlgebra.gemm(m: batch, n: outFeatures, k: inFeatures, a: x, b: w, transposeB: true,
                             c: o, beta: bias == nil ? 0 : 1)
        }
      }
    }
  }
}
