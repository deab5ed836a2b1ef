import Foundation
@testable import PareCore

/// The repository root, found from this file's path (tests read the bundled assets and fixtures).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// A deterministic generator so failures reproduce.
struct SeededRandom: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// A tensor of uniform values in [-1, 1].
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
  var rng = SeededRandom(state: seed)
  var t = Tensor(zeros: shape)
  for i in t.scalars.indices { t.scalars[i] = Float.random(in: -1...1, using: &rng) }
  return t
}

/// Whether two tensors have the same shape and elements within `tolerance`.
func isClose(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-5) -> Bool {
  a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}
