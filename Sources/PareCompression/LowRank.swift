import PareCore

/// Low-rank factorization by truncated SVD (DESIGN.md §4): W [rows, columns] ≈ A B with
/// A = U_r √S_r [rows, r] and B = √S_r V_rᵀ [r, columns].
public enum LowRank {
  /// The factors of `matrix` (seen as [rows, columns]) at the rank `spec` asks for.
  public static func factorize(_ matrix: Tensor, spec: LowRankSpec) throws -> (a: Tensor, b: Tensor) {
    let (rows, columns) = matrix.matrixShape
    let svd = try LinearAlgebra.svd(of: matrix)
    let r = rank(for: spec, singularValues: svd.singularValues)
    let k = svd.singularValues.count
    let roots = svd.singularValues.prefix(r).map { $0.squareRoot() }
    let a = Tensor(shape: [rows, r]) { out in
      for i in 0..<rows { for j in 0..<r { out[i * r + j] = svd.u.scalars[i * k + j] * roots[j] } }
    }
    let b = Tensor(shape: [r, columns]) { out in
      for j in 0..<r { for c in 0..<columns { out[j * columns + c] = roots[j] * svd.vt.scalars[j * columns + c] } }
    }
    return (a, b)
  }

  /// The rank a spec selects: `rank` capped at min(rows, columns), or for `energy` e the least r
  /// with Σ_{i<r} s_i² ≥ e · Σ s_i² (sums in Double).
  public static func rank(for spec: LowRankSpec, singularValues s: [Float]) -> Int {
    if let rank = spec.rank { return min(max(rank, 1), s.count) }
    let energy = spec.energy ?? 1
    let total = s.reduce(0.0) { $0 + Double($1) * Double($1) }
    guard total > 0 else { return min(1, s.count) }
    var running = 0.0
    for (i, v) in s.enumerated() {
      running += Double(v) * Double(v)
      if running >= energy * total { return i + 1 }
    }
    return s.count
  }

  /// Fraction of the squared singular values kept by the first r, for each r = 1...k.
  public static func cumulativeEnergy(_ s: [Float]) -> [Double] {
    let total = s.reduce(0.0) { $0 + Double($1) * Double($1) }
    var running = 0.0
    return s.map { v in
      running += Double(v) * Double(v)
      return total > 0 ? running / total : 1
    }
  }
}
