import CBLAS
import Dispatch

/// Matrix products and singular value decompositions through OpenBLAS and LAPACKE.
///
/// All matrices are row-major. Pare never hand-writes GEMM or SVD: these wrappers are the only
/// place the C interfaces are called.
public enum LinearAlgebra {
  /// `c[m, n] = alpha * op(a) * op(b) + beta * c` with row-major operands, where `op` transposes
  /// when asked; `a` is [m, k] (or [k, m] transposed), `b` is [k, n] (or [n, k] transposed).
  ///
  /// - Complexity: O(m n k), on OpenBLAS's threads (on the calling thread inside `concurrently`).
  public static func gemm(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, transposeA: Bool = false,
    b: UnsafePointer<Float>, transposeB: Bool = false,
    c: UnsafeMutablePointer<Float>, alpha: Float = 1, beta: Float = 0
  ) {
    guard m > 0, n > 0 else { return }
    BLASThreads.shared.call {
      cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        blasint(m), blasint(n), blasint(k), alpha,
        a, blasint(transposeA ? m : k), b, blasint(transposeB ? k : n), beta, c, blasint(n))
    }
  }

  /// How many threads OpenBLAS runs each call on (OPENBLAS_NUM_THREADS, or the cores): the
  /// number of workers that keeps every core busy in `concurrently`.
  public static var threadCount: Int { BLASThreads.shared.threadCount }

  /// Runs `body(0)` to `body(workers - 1)` at the same time on `workers` threads and returns when
  /// all have. Their GEMMs and SVDs run single-threaded, side by side, while calls from other
  /// threads wait (`BLASThreads`): for many independent pieces of work, such as the batches of a
  /// forward pass, one piece per core beats every core on each piece in turn. With one worker,
  /// `body(0)` runs on the calling thread and its calls stay threaded.
  public static func concurrently(workers: Int, _ body: @Sendable (Int) -> Void) {
    guard workers > 1 else {
      if workers == 1 { body(0) }
      return
    }
    let threads = BLASThreads.shared
    threads.section {
      DispatchQueue.concurrentPerform(iterations: workers) { worker in threads.worker { body(worker) } }
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
    // LAPACK turns an infinite entry into NaNs, sometimes with info 0 (and LAPACKE refuses NaN
    // as "argument 5"): name the cause instead.
    let nonFinite = a.count(where: { !$0.isFinite })
    guard nonFinite == 0 else { throw TensorError.nonFiniteEntries(routine: "sgesdd", count: nonFinite) }
    let info = try BLASThreads.shared.call { () throws(TensorError) in
      try LAPACKDiagnostic.checking("sgesdd") { LAPACKE_sgesdd(
        LAPACK_ROW_MAJOR, vectors ? CChar(UInt8(ascii: "S")) : CChar(UInt8(ascii: "N")),
        Int32(m), Int32(n), &a, Int32(n), &s,
        &u, Int32(k), &vt, Int32(n)) }  // LAPACKE checks ldu, ldvt even without vectors
    }
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
