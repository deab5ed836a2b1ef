import CBLAS
import Synchronization

/// Serializes every call into OpenBLAS and LAPACK.
///
/// The pthreads build of OpenBLAS keeps one global thread pool and is not safe to enter from
/// several threads at once: concurrent calls (the explorer's SVD on the UI thread while the
/// evaluation runs its GEMMs, or parallel tests) corrupted the pool and hung the process at exit
/// in `blas_thread_shutdown_`. Each call still uses all of OpenBLAS's own threads.
private let openBLASLock = Mutex(())

/// Matrix products and singular value decompositions through OpenBLAS and LAPACKE.
///
/// All matrices are row-major. Pare never hand-writes GEMM or SVD: these wrappers are the only
/// place the C interfaces are called.
public enum LinearAlgebra {
  /// `c[m, n] = alpha * op(a) * op(b) + beta * c` with row-major operands, where `op` transposes
  /// when asked; `a` is [m, k] (or [k, m] transposed), `b` is [k, n] (or [n, k] transposed).
  ///
  /// - Complexity: O(m n k), multithreaded by OpenBLAS.
  public static func gemm(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, transposeA: Bool = false,
    b: UnsafePointer<Float>, transposeB: Bool = false,
    c: UnsafeMutablePointer<Float>, alpha: Float = 1, beta: Float = 0
  ) {
    guard m > 0, n > 0 else { return }
    openBLASLock.withLock { _ in
      cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        blasint(m), blasint(n), blasint(k), alpha,
        a, blasint(transposeA ? m : k), b, blasint(transposeB ? k : n), beta, c, blasint(n))
    }
  }

  /// The product of two matrices, `a` [m, k] times `b` [k, n] (or `b` given as [n, k] when
  /// `transposeB`, the layout of a linear layer's weight).
  public static func matmul(_ a: Tensor, _ b: Tensor, transposeB: Bool = false) throws -> Tensor {
    guard a.rank == 2, b.rank == 2 else { throw TensorError.incompatibleShapes(operation: "matmul", a.shape, b.shape) }
    let (m, k) = (a.shape[0], a.shape[1])
    let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    guard k == kb else { throw TensorError.incompatibleShapes(operation: "matmul", a.shape, b.shape) }
    var c = Tensor(zeros: [m, n])
    a.scalars.withUnsafeBufferPointer { pa in
      b.scalars.withUnsafeBufferPointer { pb in
        c.scalars.withUnsafeMutableBufferPointer { pc in
          guard let pa = pa.baseAddress, let pb = pb.baseAddress, let pc = pc.baseAddress else { return }
          gemm(m: m, n: n, k: k, a: pa, b: pb, transposeB: transposeB, c: pc)
        }
      }
    }
    return c
  }

  /// The singular values of `matrix` seen as [rows, columns] (`Tensor.matrixShape`), largest first.
  ///
  /// - Complexity: O(m n min(m, n)) through LAPACK `sgesdd` without vectors.
  public static func singularValues(of matrix: Tensor) throws -> [Float] {
    try decompose(matrix, vectors: false).singularValues
  }

  /// The thin SVD `matrix = U diag(S) Vt` of `matrix` seen as [rows, columns]: U is [rows, k],
  /// Vt is [k, columns], k = min(rows, columns), singular values largest first.
  public static func svd(of matrix: Tensor) throws -> SingularValueDecomposition {
    try decompose(matrix, vectors: true)
  }

  private static func decompose(_ matrix: Tensor, vectors: Bool) throws -> SingularValueDecomposition {
    let (m, n) = matrix.matrixShape
    let k = min(m, n)
    guard k > 0 else {
      return SingularValueDecomposition(u: Tensor(zeros: [m, 0]), singularValues: [], vt: Tensor(zeros: [0, n]))
    }
    var a = matrix.scalars
    var s = [Float](repeating: 0, count: k)
    var u = [Float](repeating: 0, count: vectors ? m * k : 1)
    var vt = [Float](repeating: 0, count: vectors ? k * n : 1)
    let info = openBLASLock.withLock { _ in LAPACKE_sgesdd(
      LAPACK_ROW_MAJOR, vectors ? CChar(UInt8(ascii: "S")) : CChar(UInt8(ascii: "N")),
      Int32(m), Int32(n), &a, Int32(n), &s,
      &u, Int32(k), &vt, Int32(n)) }  // LAPACKE checks ldu, ldvt even without vectors
    guard info == 0 else { throw TensorError.lapackFailure(routine: "sgesdd", info: info) }
    guard vectors else {
      return SingularValueDecomposition(u: Tensor(zeros: [m, 0]), singularValues: s, vt: Tensor(zeros: [0, n]))
    }
    return SingularValueDecomposition(
      u: try Tensor(shape: [m, k], scalars: u), singularValues: s, vt: try Tensor(shape: [k, n], scalars: vt))
  }
}

/// A thin singular value decomposition, `U diag(singularValues) Vt`.
public struct SingularValueDecomposition: Sendable {
  /// Left singular vectors as columns, [rows, k].
  public let u: Tensor
  /// Singular values, non-negative, largest first.
  public let singularValues: [Float]
  /// Right singular vectors as rows, [k, columns].
  public let vt: Tensor
}
