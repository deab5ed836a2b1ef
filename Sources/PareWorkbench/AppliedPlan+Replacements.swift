import PareCompression
import PareEngine

extension AppliedPlan {
  /// The replacements a network is rebuilt with (`RestartableNetwork.replacingTensors`): low-rank
  /// linear weights run as two GEMMs when that is cheaper, everything else as its dense
  /// reconstruction.
  public var replacements: [String: TensorReplacement] {
    compressed.mapValues { c in
      if let f = c.factors, FactoredLinear.isCheaper(rows: f.a.shape[0], columns: f.b.shape[1], rank: f.rank) {
        return .factored(a: f.a, b: f.b, product: c.values)
      }
      return .dense(c.values)
    }
  }
}
