import PareCore

/// PareCore's SplitMix64 with helpers for random test inputs, so every random-input test is
/// reproducible. Shared by the test targets (as swift-collections shares `_CollectionsTestSupport`).
public struct SeededGenerator: RandomNumberGenerator {
  private var source: SplitMix64

  public init(seed: UInt64) { source = SplitMix64(seed: seed) }

  public mutating func next() -> UInt64 { source.next() }

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
