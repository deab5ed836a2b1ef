extension CompressionSpec {
  /// Whether compressing with this spec weighs each column by its importance (a ggml spec with
  /// `"imatrix": true`): `AppliedPlan` passes such specs their tensor's importance, and the
  /// compression cache keys them by it.
  public var usesImportance: Bool {
    guard let q = quantize else { return false }
    return q.scheme == .ggml && q.imatrix
  }
}
