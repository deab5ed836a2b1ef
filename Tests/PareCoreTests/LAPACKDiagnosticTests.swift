import CBLAS
import Testing
@testable import PareCore

/// LAPACK's argument diagnostics are recorded by CLAPACKDiagnostics' xerbla_ and LAPACKE_xerbla,
/// which print nothing: that they arrive here as errors shows the linker bound LAPACK to them
/// rather than to OpenBLAS's and LAPACKE's, which print to stdout.
struct LAPACKDiagnosticTests {
  @Test func lapackeArgumentDiagnosticIsThrown() {
    var a: [Float] = [1, 2, 3, 4, 5, 6], s: [Float] = [0, 0], u = [Float](repeating: 0, count: 6), vt = u
    let badLeadingDimension: Int32 = 1
    #expect(throws: TensorError.lapackRejected(routine: "sgesdd", rejecting: "LAPACKE_sgesdd_work", argument: 6)) {
      try LAPACKDiagnostic.checking("sgesdd") {
        LAPACKE_sgesdd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), 3, 2, &a, badLeadingDimension, &s, &u, 2, &vt, 2)
      }
    }
  }

  /// An infinite entry makes sgesdd hand NaNs to SLASCL, which refuses them (argument 4) while
  /// sgesdd still returns info 0.
  @Test func fortranDiagnosticIsThrown() {
    let (m, n) = (40, 30)
    var a = (0..<m * n).map { Float(($0 * 7919) % 101) / 50 - 1 }
    a[5] = .infinity
    var s = [Float](repeating: 0, count: n), u = [Float](repeating: 0, count: m * n), vt = [Float](repeating: 0, count: n * n)
    #expect(throws: TensorError.lapackRejected(routine: "sgesdd", rejecting: "SLASCL", argument: 4)) {
      try LAPACKDiagnostic.checking("sgesdd") {
        LAPACKE_sgesdd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), &a, Int32(n), &s, &u, Int32(n), &vt, Int32(n))
      }
    }
  }

  @Test(arguments: [Float.nan, .infinity])
  func svdOfNonFiniteMatrixNamesTheCount(bad: Float) throws {
    let matrix = try Tensor(shape: [3, 2], scalars: [1, bad, 3, 4, bad, 6])
    #expect(throws: TensorError.nonFiniteEntries(routine: "sgesdd", count: 2)) { try LinearAlgebra.svd(of: matrix) }
    #expect(throws: TensorError.nonFiniteEntries(routine: "sgesdd", count: 2)) { try LinearAlgebra.singularValues(of: matrix) }
  }
}
