import Foundation
@_exported import PareTestSupport
@testable import PareCore

/// The repository root, found from this file's path (tests read the bundled assets and fixtures).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// Whether two tensors have the same shape and elements within `tolerance`.
func isClose(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-5) -> Bool {
  a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

/// `x Wᵀ + b` by plain loops in Double: the reference for `Linear`.
func naiveLinear(_ x: Tensor, weight w: Tensor, bias: Tensor?) -> Tensor {
  let batch = x.shape[0], inFeatures = w.shape[1], outFeatures = w.shape[0]
  var expected = Tensor(zeros: [batch, outFeatures])
  for n in 0..<batch {
    for o in 0..<outFeatures {
      var s = Double(bias?.scalars[o] ?? 0)
      for i in 0..<inFeatures { s += Double(x.scalars[n * inFeatures + i]) * Double(w.scalars[o * inFeatures + i]) }
      expected.scalars[n * outFeatures + o] = Float(s)
    }
  }
  return expected
}
