import PareCore

/// `y = x Wᵀ + b` (PyTorch `nn.Linear`), one sgemm over the whole batch. Input columns that are
/// constant across the batch (background pixels) are folded into the bias (`ConstantColumns`).
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
      input.scalars.withUnsafeBufferPointer { x in
        weight.scalars.withUnsafeBufferPointer { w in
          guard let x = x.baseAddress, let w = w.baseAddress else { return }
          if let constant = ConstantColumns(in: x, rows: batch, columns: inFeatures) {
            forward(x, varying: constant, rows: batch, weight: w, into: o)
            return
          }
          if let bias { fillRows(o, rows: batch, with: bias.scalars) }
          LinearAlgebra.gemm(m: batch, n: outFeatures, k: inFeatures, a: x, b: w, transposeB: true,
                             c: o, beta: bias == nil ? 0 : 1)
        }
      }
    }
  }

  /// The product over the varying columns only, onto rows that start from the bias plus what
  /// the constant columns add (one row times Wᵀ).
  private func forward(
    _ x: UnsafePointer<Float>, varying constant: ConstantColumns, rows: Int,
    weight w: UnsafePointer<Float>, into o: UnsafeMutablePointer<Float>
  ) {
    let inFeatures = weight.shape[1], outFeatures = weight.shape[0]
    var row = bias?.scalars ?? [Float](repeating: 0, count: outFeatures)
    LinearAlgebra.gemm(m: 1, n: outFeatures, k: inFeatures, a: constant.constantRow, b: w, transposeB: true,
                       c: &row, beta: 1)
    fillRows(o, rows: rows, with: row)
    guard !constant.varying.isEmpty else { return }
    let varyingX = constant.gather(x, rows: rows, columns: inFeatures)
    let varyingW = constant.gather(w, rows: outFeatures, columns: inFeatures)
    LinearAlgebra.gemm(m: rows, n: outFeatures, k: constant.varying.count, a: varyingX, b: varyingW,
                       transposeB: true, c: o, beta: 1)
  }

  /// Copies `row` into each of the `rows` rows of `o`, so the GEMM can accumulate onto it.
  private func fillRows(_ o: UnsafeMutablePointer<Float>, rows: Int, with row: [Float]) {
    row.withUnsafeBufferPointer { row in
      guard let source = row.baseAddress else { return }
      for r in 0..<rows { (o + r * row.count).update(from: source, count: row.count) }
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
