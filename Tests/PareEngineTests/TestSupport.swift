import Foundation
@_exported import PareTestSupport
import Testing
@testable import PareCore
import PareWorkbench

/// The repository root, found from this file's path (tests read the bundled assets and fixtures).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// The model at `path` as the family `type` runs it (its config validated against the weights).
func family<Family: ModelFamily>(_ type: Family.Type, at path: String) throws -> Family {
  try #require(try OpenedModel(path: path).family as? Family)
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
