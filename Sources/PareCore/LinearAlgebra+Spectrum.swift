import CBLAS

extension LinearAlgebra {
  /// Elements above which `spectrum(of:)` goes through the Gram matrix (a 4096 × 1024 matrix).
  public static let exactSpectrumLimit = 1 << 22

  /// The singular values of `matrix` for showing (the explorer's spectrum view), largest first:
  /// exactly (`singularValues(of:)`) up to `exactSpectrumLimit` elements; beyond, as the square
  /// roots of the eigenvalues of the Gram matrix of its shorter side (ssyrk, then ssyevd), which
  /// needs k² floats instead of sgesdd's copies of the whole matrix. A 262,144 × 640 embedding
  /// table then costs 1.6 MB rather than about 2 GB. Squaring halves the relative precision of
  /// small values (below about 1e-3 of the largest they are only indicative), which a plot of
  /// the spectrum and its cumulative energy does not show.
  public static func spectrum(of matrix: Tensor) throws -> [Float] {
    let (m, n) = matrix.matrixShape
    guard m * n > exactSpectrumLimit, min(m, n) > 0 else { return try singularValues(of: matrix) }
    let nonFinite = matrix.scalars.count(where: { !$0.isFinite })
    guard nonFinite == 0 else { throw TensorError.nonFiniteEntries(routine: "ssyrk", count: nonFinite) }
    // Row-major A [m, n]: AᵀA is [n, n] (transpose), A Aᵀ is [m, m]; take the smaller.
    let k = min(m, n), inner = max(m, n)
    var gram = [Float](repeating: 0, count: k * k)
    var eigenvalues = [Float](repeating: 0, count: k)
    let info = try BLASThreads.shared.call { () throws(TensorError) in
      matrix.scalars.withUnsafeBufferPointer { a in
        cblas_ssyrk(CblasRowMajor, CblasUpper, n <= m ? CblasTrans : CblasNoTrans, Int32(k), Int32(inner), 1,
                    a.baseAddress, Int32(n), 0, &gram, Int32(k))
      }
      return try LAPACKDiagnostic.checking("ssyevd") {
        LAPACKE_ssyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "U")), Int32(k), &gram, Int32(k), &eigenvalues)
      }
    }
    guard info == 0 else { throw TensorError.lapackFailure(routine: "ssyevd", info: info) }
    return eigenvalues.reversed().map { max(0, $0).squareRoot() }
  }
}
