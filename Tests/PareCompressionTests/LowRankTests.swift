import PareCore
import Testing

@testable import PareCompression

/// Low-rank (DESIGN.md §4): W [rows, rest] ~ A B with A = U_r sqrt(S_r) [rows, r] and
/// B = sqrt(S_r) V_r^T [r, rest]; `energy` e picks the least r keeping e of sum(s^2).
struct LowRankTests {
  /// s = [3, 2, 1, 1, 1]: squares [9, 4, 1, 1, 1], total 16, running sums 9, 13, 14, 15, 16.
  /// e = 9/16 = 0.5625 -> 9 >= 9 -> r = 1 (the boundary counts as kept); e = 0.5 -> 1;
  /// e = 13/16 = 0.8125 -> 2; e = 0.8126 -> 14 >= 13.0016 -> 3; e = 0.875 = 14/16 -> 3;
  /// e = 0.9375 = 15/16 -> 4; e = 0.95 -> 5; e = 1 -> 5.
  @Test(arguments: [(0.5, 1), (0.5625, 1), (0.8125, 2), (0.8126, 3), (0.875, 3), (0.9375, 4), (0.95, 5), (1.0, 5)])
  func energySelection(energy: Double, rank: Int) {
    #expect(LowRank.rank(for: LowRankSpec(energy: energy), singularValues: [3, 2, 1, 1, 1]) == rank)
  }

  /// An explicit rank is taken as is (and capped at the number of singular values).
  @Test func rankSelection() {
    #expect(LowRank.rank(for: LowRankSpec(rank: 3), singularValues: [3, 2, 1, 1, 1]) == 3)
    #expect(LowRank.rank(for: LowRankSpec(rank: 9), singularValues: [3, 2, 1, 1, 1]) == 5)
  }

  /// Cumulative energy of s = [3, 2, 1, 1, 1]: [9, 13, 14, 15, 16] / 16.
  @Test func cumulativeEnergy() {
    #expect(LowRank.cumulativeEnergy([3, 2, 1, 1, 1]) == [0.5625, 0.8125, 0.875, 0.9375, 1])
  }

  /// W = [[1, 2], [2, 4]] = v v^T with v = [1, 2]: s = [5, 0], u = v^T / sqrt(5), so at rank 1
  /// A = u sqrt(5) = ±[1, 2]^T and B = sqrt(5) v^T / sqrt(5) = ±[1, 2], with A B = W.
  @Test func rankOneByHand() throws {
    let w = try Tensor(shape: [2, 2], scalars: [1, 2, 2, 4])
    let (a, b) = try LowRank.factorize(w, spec: LowRankSpec(rank: 1))
    #expect(a.shape == [2, 1] && b.shape == [1, 2])
    #expect(isClose(a.scalars.map(abs), [1, 2], tolerance: 1e-5))
    #expect(isClose(b.scalars.map(abs), [1, 2], tolerance: 1e-5))
    #expect(isClose(try LinearAlgebra.matmul(a, b).scalars, [1, 2, 2, 4], tolerance: 1e-5))
  }

  /// diag(3, 2, 1) with energy 0.9: squares 9, 4, 1 (total 14); 0.9 * 14 = 12.6 needs 9 + 4 ->
  /// r = 2. A = ±[[sqrt 3, 0], [0, sqrt 2], [0, 0]], B = A^T up to sign, A B = diag(3, 2, 0).
  @Test func energyOnDiagonal() throws {
    let w = try Tensor(shape: [3, 3], scalars: [3, 0, 0, 0, 2, 0, 0, 0, 1])
    let (a, b) = try LowRank.factorize(w, spec: LowRankSpec(energy: 0.9))
    #expect(a.shape == [3, 2] && b.shape == [2, 3])
    let (r3, r2) = (Float(3).squareRoot(), Float(2).squareRoot())
    #expect(isClose(a.scalars.map(abs), [r3, 0, 0, r2, 0, 0], tolerance: 1e-5))
    #expect(isClose(b.scalars.map(abs), [r3, 0, 0, 0, r2, 0], tolerance: 1e-5))
    #expect(isClose(try LinearAlgebra.matmul(a, b).scalars, [3, 0, 0, 0, 2, 0, 0, 0, 0], tolerance: 1e-5))
  }

  /// At full rank the factors reproduce random matrices (and a 4-D conv weight seen as
  /// [rows, rest]) within 1e-5; A is [rows, r], B is [r, rest], and the sqrt(S) split shows as
  /// A^T A = S = B B^T (U and V orthonormal).
  @Test(arguments: [[6, 4], [4, 6], [5, 5], [3, 2, 2, 2]])
  func fullRankReconstruction(shape: [Int]) throws {
    var rng = SeededGenerator(seed: UInt64(shape.reduce(0, { $0 * 10 + $1 })))
    let w = try Tensor(shape: shape, scalars: rng.values(Tensor.elementCount(shape)))
    let (rows, rest) = w.matrixShape
    let r = min(rows, rest)
    let c = try Compressor.compress(w, dtype: .f32, spec: CompressionSpec(lowrank: LowRankSpec(rank: r)))
    let factors = try #require(c.factors)
    #expect(factors.a.shape == [rows, r] && factors.b.shape == [r, rest] && factors.rank == r)
    #expect(c.values.shape == shape)
    #expect(isClose(c.values.scalars, w.scalars, tolerance: 1e-5))

    let s = try LinearAlgebra.singularValues(of: w)
    let diagonal = (0..<r).flatMap { i in (0..<r).map { j in i == j ? s[i] : 0 } }
    let ata = try LinearAlgebra.matmul(try factors.a.transposed(), factors.a)
    let bbt = try LinearAlgebra.matmul(factors.b, factors.b, transposeB: true)
    #expect(isClose(ata.scalars, diagonal, tolerance: 1e-5))
    #expect(isClose(bbt.scalars, diagonal, tolerance: 1e-5))
  }
}

extension Tensor {
  /// The transpose of a [rows, columns] matrix.
  fileprivate func transposed() throws -> Tensor {
    let (rows, columns) = (shape[0], shape[1])
    return try Tensor(shape: [columns, rows], scalars: (0..<columns).flatMap { c in (0..<rows).map { scalars[$0 * columns + c] } })
  }
}
