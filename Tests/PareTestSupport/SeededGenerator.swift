import PareCore

/// SplitMix64: a tiny deterministic generator, so every random-input test is reproducible.
/// Shared by the test targets (as swift-collections shares `_CollectionsTestSupport`).
public struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// `count` values uniform in [-1, 1] times `magnitude`, none exactly zero.
  public mutating func values(_ count: Int, magnitude: Float = 1) -> [Float] {
    (0..<count).map { _ in
      let v = Float.random(in: -1...1, using: &self)
      return (v == 0 ? 0.5 : v) * magnitude
    }
  }

  /// A [rows, columns] matrix whose rows have different ranges (row r spans ±(r + 1) / rows), so
  /// that channel and group parameters differ from the tensor's.
  public mutating func matrix(rows: Int, columns: Int) -> [Float] {
    (0..<rows).flatMap { r in values(columns, magnitude: Float(r + 1) / Float(rows)) }
  }
}

/// A tensor of `shape` with values uniform in [-1, 1] from `seed`.
public func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
  var rng = SeededGenerator(seed: seed)
  return Tensor(shape: shape) { out in
    for i in 0..<out.count { out[i] = Float.random(in: -1...1, using: &rng) }
  }
}
