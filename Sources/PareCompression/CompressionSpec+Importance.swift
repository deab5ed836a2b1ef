extension CompressionSpec {
  /// Whether compressing with this spec weighs each column by its importance (a ggml spec with
  /// `"imatrix": true`).
  public var usesImportance: Bool { false }
}
