import CLAPACKDiagnostics

/// Runs LAPACK calls with their argument diagnostics (xerbla) recorded instead of printed, as
/// CLAPACKDiagnostics arranges, and throws the first one: LAPACK prints "On entry to SLASCL
/// parameter number 4 had an illegal value" to stdout otherwise, over the explorer's screen, and
/// often still returns info 0.
enum LAPACKDiagnostic {
  /// `body`'s result, or `TensorError.lapackRejected` naming `routine` and the routine that
  /// refused an argument. Call it on the thread that runs the LAPACK calls (the record is per thread).
  static func checking<Result>(_ routine: String, _ body: () -> Result) throws(TensorError) -> Result {
    lapack_diagnostic_clear()
    let result = body()
    var name = [CChar](repeating: 0, count: 32)
    var argument: Int32 = 0
    guard lapack_diagnostic_take(&name, Int32(name.count), &argument) != 0 else { return result }
    let rejecting = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    throw .lapackRejected(routine: routine, rejecting: rejecting, argument: argument)
  }
}
