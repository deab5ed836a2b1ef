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
