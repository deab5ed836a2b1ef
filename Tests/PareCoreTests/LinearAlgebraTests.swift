import PareTestSupport
import Testing
@testable import PareCore

struct LinearAlgebraTests {
  @Test(arguments: [(1, 1, 1), (3, 5, 4), (17, 9, 33), (64, 10, 300)])
  func matmulMatchesNaiveLoops(m: Int, n: Int, k: Int) throws {
    let a = randomTensor([m, k], seed: 1), b = randomTensor([k, n], seed: 2)
    let bt = randomTensor([n, k], seed: 3)
    let c = try LinearAlgebra.matmul(a, b), ct = try LinearAlgebra.matmul(a, bt, transposeB: true)
    for i in 0..<m {
      for j in 0..<n {
        var s = 0.0, st = 0.0
        for p in 0..<k {
          s += Double(a.scalars[i * k + p]) * Double(b.scalars[p * n + j])
          st += Double(a.scalars[i * k + p]) * Double(bt.scalars[j * k + p])
        }
        #expect(abs(Double(c.scalars[i * n + j]) - s) < 1e-4)
        #expect(abs(Double(ct.scalars[i * n + j]) - st) < 1e-4)
      }
    }
  }

  @Test func matmulRejectsMismatchedShapes() {
    #expect(throws: TensorError.self) { try LinearAlgebra.matmul(Tensor(zeros: [2, 3]), Tensor(zeros: [2, 3])) }
  }

  /// [[3, 0], [4, 5]]: AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5.
  @Test func singularValuesByHand() throws {
    let a = try Tensor(shape: [2, 2], scalars: [3, 0, 4, 5])
    let s = try LinearAlgebra.singularValues(of: a)
    #expect(abs(s[0] - Float(45).squareRoot()) < 1e-5)
    #expect(abs(s[1] - Float(5).squareRoot()) < 1e-5)
  }

  @Test(arguments: [[6, 4], [4, 6], [5, 2, 3]])
  func svdReconstructs(shape: [Int]) throws {
    let a = randomTensor(shape, seed: 7)
    let svd = try LinearAlgebra.svd(of: a)
    let (m, n) = a.matrixShape, k = min(m, n)
    #expect(svd.u.shape == [m, k] && svd.vt.shape == [k, n])
    #expect(zip(svd.singularValues, svd.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
    let valuesOnly = try LinearAlgebra.singularValues(of: a)
    #expect(zip(svd.singularValues, valuesOnly).allSatisfy { abs($0 - $1) < 1e-5 })
    for i in 0..<m {
      for j in 0..<n {
        var sum: Float = 0
        for r in 0..<k { sum += svd.u.scalars[i * k + r] * svd.singularValues[r] * svd.vt.scalars[r * n + j] }
        #expect(abs(sum - a.scalars[i * n + j]) < 1e-5)
      }
    }
    // Orthonormal columns of U.
    for p in 0..<k {
      for q in 0..<k {
        var dot: Float = 0
        for i in 0..<m { dot += svd.u.scalars[i * k + p] * svd.u.scalars[i * k + q] }
        #expect(abs(dot - (p == q ? 1 : 0)) < 1e-5)
      }
    }
  }

  @Test func svdRefusesNaN() {
    let a = try? Tensor(shape: [2, 2], scalars: [1, .nan, 0, 1])
    #expect(throws: TensorError.self) { try LinearAlgebra.singularValues(of: a ?? Tensor(zeros: [1])) }
  }
}
