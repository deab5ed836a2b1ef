import PareCore
import Testing

/// The Gram-matrix spectrum of large matrices against the exact sgesdd values.
@Suite struct SpectrumTests {
  @Test(arguments: [[9000, 500], [500, 9000]])
  func largeMatricesGoThroughTheGramMatrix(shape: [Int]) throws {
    var generator = SplitMix64(seed: 5)
    // A decaying spectrum: column j scaled by 1/(1 + j/10).
    let a = Tensor(shape: shape) { out in
      for i in 0..<(shape[0] * shape[1]) {
        let column = shape[0] > shape[1] ? i % shape[1] : i / shape[1]
        out[i] = (Float(generator.next() >> 40) / Float(1 << 24) - 0.5) / (1 + Float(column) / 10)
      }
    }
    #expect(shape[0] * shape[1] > LinearAlgebra.exactSpectrumLimit)
    let exact = try LinearAlgebra.singularValues(of: a), fast = try LinearAlgebra.spectrum(of: a)
    #expect(fast.count == exact.count)
    for (f, e) in zip(fast, exact) where e > 1e-2 * exact[0] {
      #expect(abs(f - e) <= 1e-3 * exact[0], "\(f) vs \(e)")
    }
  }

  @Test func smallMatricesAreExact() throws {
    let a = try Tensor(shape: [2, 2], scalars: [3, 0, 4, 5])
    #expect(try LinearAlgebra.spectrum(of: a) == LinearAlgebra.singularValues(of: a))
  }
}
