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

  public func forward(_ input: consuming Tensor) -> Tensor {
    let batch = input.shape[0], inFeatures = weight.shape[1], outFeatures = weight.shape[0]
    // Every element is written: the bias rows below, or the product with beta = 0 (which
    // BLAS defines to ignore C's previous contents).
    return Tensor(unsafeUninitializedShape: [batch, outFeatures]) { out in
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

/// A linear layer whose weight is factored as W ≈ A B (A [out, r], B [r, in]), run as two
/// GEMMs: `y = (x Bᵀ) Aᵀ + b`. Cheaper than the dense product when r (in + out) < in · out.
public struct FactoredLinear: Layer {
  /// The [r, in] factor, applied first.
  let first: Linear
  /// The [out, r] factor, with the bias.
  let second: Linear

  public init(a: Tensor, b: Tensor, bias: Tensor?) {
    first = Linear(weight: b, bias: nil)
    second = Linear(weight: a, bias: bias)
  }

  public func forward(_ input: consuming Tensor) -> Tensor { second.forward(first.forward(input)) }

  /// Whether two GEMMs with these factors cost fewer multiply-adds than the dense one.
  public static func isCheaper(rows: Int, columns: Int, rank: Int) -> Bool {
    rank * (rows + columns) < rows * columns
  }
}
