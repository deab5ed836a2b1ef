import PareCore
import Testing

@testable import PareCompression

/// The pipeline of DESIGN.md §4: prune, then lowrank, then quantize; quantization after pruning
/// keeps zeros exactly zero, and a codebook is fitted to the kept entries only.
struct CompressorTests {
  private func compress(_ w: [Float], shape: [Int], _ spec: CompressionSpec) throws -> CompressedTensor {
    try Compressor.compress(Tensor(shape: shape, scalars: w), dtype: .f32, spec: spec)
  }

  /// Magnitude 0.5 then int3 symmetric per channel on [0.1, -2, 0.05, 1, -0.2, 0.5]:
  /// round(0.5 * 6) = 3 zeroed: 0.05, 0.1, 0.2 -> [0, -2, 0, 1, 0, 0.5].
  /// qmax = 3, scale = f16(2 / 3) = 0.66650390625; w / scale = [0, -3.0007, 0, 1.5004, 0, 0.7502]
  /// -> q = [0, -3, 0, 2, 0, 1] -> w' = [0, -1.99951171875, 0, 1.3330078125, 0, 0.66650390625].
  @Test func pruneThenSymmetricInt() throws {
    let c = try compress([0.1, -2, 0.05, 1, -0.2, 0.5], shape: [1, 6],
                         CompressionSpec(prune: .magnitude(0.5), quantize: intSpec(3)))
    #expect(c.kept == [false, true, false, true, false, true])
    #expect(c.values.scalars == [0, -1.99951171875, 0, 1.3330078125, 0, 0.66650390625])
    #expect(c.quantized?.codes == [0, -3, 0, 2, 0, 1])
  }

  /// Magnitude 0.5 then int4 asymmetric on [-0.75, 0.01, 3, -0.02]: 0.01 and -0.02 go.
  /// [-0.75, 0, 3, 0]: scale = f16(3.75 / 15) = 0.25, zero = 3; a pruned 0 maps to q = 0 + 3 = zero,
  /// so it dequantizes to exactly (3 - 3) * 0.25 = 0. Kept codes: -3 + 3 = 0 and 12 + 3 = 15.
  @Test func pruneThenAsymmetricIntKeepsZeros() throws {
    let c = try compress([-0.75, 0.01, 3, -0.02], shape: [1, 4],
                         CompressionSpec(prune: .magnitude(0.5), quantize: intSpec(4, symmetric: false)))
    let q = try #require(c.quantized)
    #expect(c.values.scalars == [-0.75, 0, 3, 0])
    #expect(q.scales == [0.25] && q.zeroPoints == [3])
    #expect([q.codes[0], q.codes[2]] == [0, 15])
  }

  /// Magnitude 0.5 then fp8 e4m3 on [0.001, 3.5, -0.002, -1, 0.3, 0.003]: the three smallest go;
  /// scale = f16(3.5 / 448) = 2^-7; 0.3 / 2^-7 = 38.4 -> 40 -> 0.3125; zeros encode as byte 0.
  @Test func pruneThenFP8KeepsZeros() throws {
    let c = try compress([0.001, 3.5, -0.002, -1, 0.3, 0.003], shape: [1, 6],
                         CompressionSpec(prune: .magnitude(0.5), quantize: QuantizeSpec(scheme: .fp8E4M3)))
    #expect(c.values.scalars == [0, 3.5, 0, -1, 0.3125, 0])
    #expect(c.quantized?.codes == [0, 0x7E, 0, 0xF0, 0x62, 0])
  }

  /// Magnitude 0.5 then codebook bits 2 on [0.1, 4, -0.2, 8, 0.05, 6, -0.3, 2]: the four small
  /// values go, the kept ones are [4, 8, 6, 2]. Fitted to those only: min 2, max 8, init
  /// [2, 4, 6, 8], every value sits on a centroid -> centroids [2, 4, 6, 8], codes [1, 3, 2, 0].
  /// (Counting the zeros would give min 0 and init [0, 2.667, 5.333, 8] instead.)
  @Test func pruneThenCodebookIgnoresZeros() throws {
    let c = try compress([0.1, 4, -0.2, 8, 0.05, 6, -0.3, 2], shape: [1, 8],
                         CompressionSpec(prune: .magnitude(0.5), quantize: QuantizeSpec(scheme: .codebook, bits: 2)))
    let q = try #require(c.quantized)
    #expect(q.codebooks == [2, 4, 6, 8])
    #expect(c.values.scalars == [0, 4, 0, 8, 0, 6, 0, 2])
    #expect(q.codes == [0, 1, 0, 3, 0, 2, 0, 0])
  }

  /// N:M 2:4 then codebook bits 2 per channel on a conv weight [2, 1, 2, 2] (rows of 4):
  /// row 0 [1, -3, 0.5, 5] keeps -3, 5; row 1 [2, 2, -7, 1] keeps 2 (index 0, tie) and -7.
  /// Row 0 fit to [-3, 5]: init [-3, -0.333, 2.333, 5] -> centroids [-3, -0.333, 2.333, 5] after f16:
  /// -1/3 -> -0.333251953125, 7/3 = 2.3333 -> 1.1667 * 2 with mantissa 170.67 -> 171 -> 2.333984375.
  /// Row 1 fit to [2, -7]: init -7 + 9 i / 3 = [-7, -4, -1, 2].
  @Test func nmThenCodebook() throws {
    let c = try compress([1, -3, 0.5, 5, 2, 2, -7, 1], shape: [2, 1, 2, 2],
                         CompressionSpec(prune: .nm(2, 4), quantize: QuantizeSpec(scheme: .codebook, bits: 2)))
    let q = try #require(c.quantized)
    #expect(c.values.shape == [2, 1, 2, 2])
    #expect(c.values.scalars == [0, -3, 0, 5, 2, 0, -7, 0])
    #expect(q.codebooks == [-3, -0.333251953125, 2.333984375, 5, -7, -4, -1, 2])
    #expect(q.codes == [0, 0, 0, 3, 3, 0, 0, 0])
  }

  /// A row left with no kept entries (tensor-wide magnitude 0.5 over [[0.1, 0.2], [3, 4]]) gets
  /// an all-zero codebook and stays zero; row 1 is fitted to [3, 4]: init 3 + i/3 =
  /// [3, 3.3333333, 3.6666667, 4], 3 -> c0 and 4 -> c3, nothing moves; f16 step in [2, 4) is
  /// 2^-9: 3.3333333 * 512 = 1706.67 -> 1707 -> 3.333984375, 3.6666667 * 512 = 1877.33 -> 1877 ->
  /// 3.666015625.
  @Test func codebookOfAFullyPrunedRow() throws {
    let c = try compress([0.1, 0.2, 3, 4], shape: [2, 2],
                         CompressionSpec(prune: .magnitude(0.5), quantize: QuantizeSpec(scheme: .codebook, bits: 2)))
    let q = try #require(c.quantized)
    #expect(c.values.scalars == [0, 0, 3, 4])
    #expect(q.codebooks == [0, 0, 0, 0, 3, 3.333984375, 3.666015625, 4])
    #expect(q.codes == [0, 0, 0, 3])
  }

  /// Without a quantize step the pruned tensor is the reconstruction.
  @Test func pruneOnly() throws {
    let c = try compress([1, 2, 3, 4], shape: [2, 2], CompressionSpec(prune: .magnitude(0.5)))
    #expect(c.values.scalars == [0, 0, 3, 4])
    #expect(c.quantized == nil && c.factors == nil)
  }

  /// Lowrank then int8 per channel quantizes A and B each: the factors the reconstruction uses
  /// are the quantized ones (values = code * scale of their row, codes in -127...127, every value
  /// within half a scale step of the unquantized factor), and W' = A' B'.
  @Test func lowRankThenQuantizeQuantizesBothFactors() throws {
    var rng = SeededGenerator(seed: 21)
    let w = try Tensor(shape: [4, 6], scalars: rng.values(24))
    let c = try Compressor.compress(w, dtype: .f32, spec: CompressionSpec(lowrank: LowRankSpec(rank: 2), quantize: intSpec(8)))
    let factors = try #require(c.factors)
    let (qa, qb) = (try #require(factors.quantizedA), try #require(factors.quantizedB))
    #expect(c.quantized == nil)
    #expect((qa.layout.rows, qa.layout.columns, qb.layout.rows, qb.layout.columns) == (4, 2, 2, 6))
    #expect(factors.a.scalars == qa.values && factors.b.scalars == qb.values)

    let raw = try LowRank.factorize(w, spec: LowRankSpec(rank: 2))
    for (q, original) in [(qa, raw.a.scalars), (qb, raw.b.scalars)] {
      #expect(q.codes.allSatisfy { (-127...127).contains($0) })
      for i in q.values.indices {
        let scale = q.scales[i / q.layout.columns]
        #expect(q.values[i] == Float(q.codes[i]) * scale)
        #expect(abs(q.values[i] - original[i]) <= scale / 2 * 1.0001)
      }
    }
    let product = try LinearAlgebra.matmul(factors.a, factors.b)
    #expect(isClose(c.values.scalars, product.scalars, tolerance: 1e-6))
    #expect(c.values.shape == [4, 6])
  }
}
