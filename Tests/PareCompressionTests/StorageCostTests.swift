import PareCore
import Testing

@testable import PareCompression

/// Storage cost in bits (DESIGN.md §4): int n*bits + groups*16 (+ groups*16 zero-points when
/// asymmetric); fp8 n*8 + groups*16; fp16/bf16 n*16; codebook n*bits + groups*2^bits*16;
/// magnitude pruning stores the kept values plus a 1-bit mask per entry; n:m stores the kept
/// values plus ceil(log2 m) bits per kept value; lowrank stores A and B; untouched tensors keep
/// their dtype's size. The entropy estimate replaces each stored symbol stream by count * H.
struct StorageCostTests {
  /// A [2, 6] tensor without zeros or ties: rows [1, -2, 3, -4, 5, -6] and [7, ..., -12].
  static let w: [Float] = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12]

  struct Case: Sendable, CustomTestStringConvertible {
    let label: String
    let spec: CompressionSpec
    let dtype: DType
    let bits: Int
    var testDescription: String { label }
  }

  static let cases: [Case] = [
    Case(label: "int4 sym channel: 12*4 + 2*16", spec: .init(quantize: intSpec(4)), dtype: .f32, bits: 80),
    Case(label: "int4 asym groups of 4 (4 + 2 per row, 4 groups): 12*4 + 4*(16 + 16)",
         spec: .init(quantize: intSpec(4, .group, groupSize: 4, symmetric: false)), dtype: .f32, bits: 176),
    Case(label: "int8 sym tensor: 12*8 + 16", spec: .init(quantize: intSpec(8, .tensor)), dtype: .f32, bits: 112),
    Case(label: "int3 sym groups of 5 (5 + 1 per row): 12*3 + 4*16",
         spec: .init(quantize: intSpec(3, .group, groupSize: 5)), dtype: .f32, bits: 100),
    Case(label: "fp8 e4m3 channel: 12*8 + 2*16", spec: .init(quantize: QuantizeSpec(scheme: .fp8E4M3)), dtype: .f32, bits: 128),
    Case(label: "fp8 e5m2 groups of 4: 12*8 + 4*16",
         spec: .init(quantize: QuantizeSpec(scheme: .fp8E5M2, granularity: .group, groupSize: 4)), dtype: .f32, bits: 160),
    Case(label: "fp16: 12*16", spec: .init(quantize: QuantizeSpec(scheme: .fp16)), dtype: .f32, bits: 192),
    Case(label: "bf16: 12*16", spec: .init(quantize: QuantizeSpec(scheme: .bf16)), dtype: .f32, bits: 192),
    Case(label: "codebook 2 channel: 12*2 + 2*4*16", spec: .init(quantize: QuantizeSpec(scheme: .codebook, bits: 2)), dtype: .f32, bits: 152),
    Case(label: "codebook 3 tensor: 12*3 + 1*8*16",
         spec: .init(quantize: QuantizeSpec(scheme: .codebook, bits: 3, granularity: .tensor)), dtype: .f32, bits: 164),
    Case(label: "magnitude 0.5 + int4 channel: 6 kept*4 + 2*16 + 12 mask bits",
         spec: .init(prune: .magnitude(0.5), quantize: intSpec(4)), dtype: .f32, bits: 68),
    Case(label: "magnitude 0.5 + codebook 2 tensor: 6*2 + 4*16 + 12",
         spec: .init(prune: .magnitude(0.5), quantize: QuantizeSpec(scheme: .codebook, bits: 2, granularity: .tensor)), dtype: .f32, bits: 88),
    Case(label: "magnitude 0.25 channel alone (round(1.5) = 2 per row, 8 kept): 8*32 + 12",
         spec: .init(prune: .magnitude(0.25, granularity: .channel)), dtype: .f32, bits: 268),
    Case(label: "magnitude 0.5 alone in F16: 6*16 + 12", spec: .init(prune: .magnitude(0.5)), dtype: .f16, bits: 108),
    Case(label: "2:4 + int8 channel (2 + 2 kept per row): 8*8 + 2*16 + 8*2",
         spec: .init(prune: .nm(2, 4), quantize: intSpec(8)), dtype: .f32, bits: 112),
    Case(label: "4:8 + int8 channel (one block of 6 keeps 4): 8*8 + 2*16 + 8*3",
         spec: .init(prune: .nm(4, 8), quantize: intSpec(8)), dtype: .f32, bits: 120),
    Case(label: "2:3 alone (2 + 2 kept per row): 8*32 + 8*ceil(log2 3)", spec: .init(prune: .nm(2, 3)), dtype: .f32, bits: 272),
    Case(label: "2:4 + fp8 tensor: 8*8 + 16 + 8*2",
         spec: .init(prune: .nm(2, 4), quantize: QuantizeSpec(scheme: .fp8E4M3, granularity: .tensor)), dtype: .f32, bits: 96),
    Case(label: "lowrank 1 raw F32: A [2,1] + B [1,6] = 8*32", spec: .init(lowrank: LowRankSpec(rank: 1)), dtype: .f32, bits: 256),
    Case(label: "lowrank 1 raw F16: 8*16", spec: .init(lowrank: LowRankSpec(rank: 1)), dtype: .f16, bits: 128),
    Case(label: "lowrank 1 + int4 channel: A 2*4 + 2*16, B 6*4 + 1*16",
         spec: .init(lowrank: LowRankSpec(rank: 1), quantize: intSpec(4)), dtype: .f32, bits: 80),
    Case(label: "lowrank 1 + int4 asym tensor: A 2*4 + 32, B 6*4 + 32",
         spec: .init(lowrank: LowRankSpec(rank: 1), quantize: intSpec(4, .tensor, symmetric: false)), dtype: .f32, bits: 96),
    Case(label: "lowrank 2 + fp16: (4 + 12)*16", spec: .init(lowrank: LowRankSpec(rank: 2), quantize: QuantizeSpec(scheme: .fp16)), dtype: .f32, bits: 256),
    Case(label: "empty spec F32: 12*32", spec: .init(), dtype: .f32, bits: 384),
    Case(label: "empty spec BF16: 12*16", spec: .init(), dtype: .bf16, bits: 192),
  ]

  @Test(arguments: cases)
  func compressorStorage(c: Case) throws {
    let compressed = try Compressor.compress(Tensor(shape: [2, 6], scalars: Self.w), dtype: c.dtype, spec: c.spec)
    #expect(compressed.storage.bits == c.bits)
    #expect(compressed.storage.bytes == (c.bits + 7) / 8)
  }

  /// `StorageCost.of` directly: int4 symmetric in groups of 4 over [2, 6] (4 groups): 12*4 + 4*16
  /// = 112 bits; the same with half the entries masked out by magnitude pruning:
  /// 6*4 + 4*16 + 12 = 100 bits = 13 bytes.
  @Test func storageCostOf() {
    let q = Quantizer.quantize(Self.w, rows: 2, columns: 6, spec: intSpec(4, .group, groupSize: 4))
    #expect(StorageCost.of(count: 12, dtype: .f32, quantized: q, kept: nil, prune: nil).bits == 112)
    let kept = (0..<12).map { $0 % 2 == 0 }
    let pruned = StorageCost.of(count: 12, dtype: .f32, quantized: q, kept: kept, prune: .magnitude(0.5))
    #expect(pruned.bits == 100)
    #expect(pruned.bytes == 13)
  }

  /// Untouched tensors keep their dtype's size, also as the entropy estimate.
  @Test func uncompressed() {
    #expect(StorageCost.uncompressed(count: 12, dtype: .bf16) == StorageCost(bits: 192, entropyCodedBits: 192))
    #expect(StorageCost.uncompressed(count: 5, dtype: .f32).bytes == 20)
  }

  // MARK: Entropy estimate

  /// int2 symmetric over [1, 8] = [1, 1, 1, 1, -1, -1, 0, 0]: scale 1, codes with histogram
  /// {1: 4, -1: 2, 0: 2}: H = 0.5*1 + 0.25*2 + 0.25*2 = 1.5 bits -> 8*1.5 + 16 (scale) = 28.
  /// Exact: 8*2 + 16 = 32.
  @Test func entropyOfCodes() throws {
    let c = try Compressor.compress(Tensor(shape: [1, 8], scalars: [1, 1, 1, 1, -1, -1, 0, 0]), dtype: .f32,
                                    spec: CompressionSpec(quantize: intSpec(2, .tensor)))
    #expect(c.storage.bits == 32)
    #expect(c.storage.entropyCodedBits == 28)
  }

  /// Magnitude 0.5 + int2 over [1, 0.1, -1, 0.1, 1, 0.1, -1, 0.1]: kept codes [1, -1, 1, -1]
  /// (H = 1 -> 4 bits) + 16 (scale) + mask of 8 entries with p(kept) = 1/2 (H = 1 -> 8 bits) = 28.
  /// Exact: 4*2 + 16 + 8 = 32.
  @Test func entropyWithMask() throws {
    let c = try Compressor.compress(Tensor(shape: [1, 8], scalars: [1, 0.1, -1, 0.1, 1, 0.1, -1, 0.1]), dtype: .f32,
                                    spec: CompressionSpec(prune: .magnitude(0.5), quantize: intSpec(2, .tensor)))
    #expect(c.storage.bits == 32)
    #expect(c.storage.entropyCodedBits == 28)
  }

  /// 2:4 + int2 tensor over [1, -1, 0.5, 0.25, 1, 1, -0.5, 0.25]: kept codes [1, -1, 1, 1]:
  /// H(3/4, 1/4) = 0.75 log2(4/3) + 0.25 * 2 = 0.8112781244591328 -> 4H + 16 (scale) + 4*2
  /// (positions, at full size) = 27.24511249783653. Exact: 4*2 + 16 + 4*2 = 32.
  @Test func entropyWithNMPositions() throws {
    let c = try Compressor.compress(Tensor(shape: [1, 8], scalars: [1, -1, 0.5, 0.25, 1, 1, -0.5, 0.25]), dtype: .f32,
                                    spec: CompressionSpec(prune: .nm(2, 4), quantize: intSpec(2, .tensor)))
    #expect(c.storage.bits == 32)
    #expect(abs(c.storage.entropyCodedBits - 27.24511249783653) < 1e-9)
  }

  /// Magnitude 0.25 per channel without quantization: 8 kept F32 values at full size (256) +
  /// 12 * H(2/3) = 12 * 0.9182958340544896 -> 267.0195500086539. Exact: 268.
  @Test func entropyOfUnquantizedPruning() throws {
    let c = try Compressor.compress(Tensor(shape: [2, 6], scalars: Self.w), dtype: .f32,
                                    spec: CompressionSpec(prune: .magnitude(0.25, granularity: .channel)))
    #expect(c.storage.bits == 268)
    #expect(abs(c.storage.entropyCodedBits - 267.0195500086539) < 1e-9)
  }

  /// A constant fp16 tensor has one symbol: H = 0, so the estimate is 0 (exact 4*16 = 64).
  @Test func entropyOfConstantCodes() throws {
    let c = try Compressor.compress(Tensor(shape: [1, 4], scalars: [0.5, 0.5, 0.5, 0.5]), dtype: .f32,
                                    spec: CompressionSpec(quantize: QuantizeSpec(scheme: .fp16)))
    #expect(c.storage == StorageCost(bits: 64, entropyCodedBits: 0))
  }

  /// Raw low-rank factors are not entropy coded: estimate = exact = (2 + 6)*32.
  @Test func entropyOfRawFactors() throws {
    let c = try Compressor.compress(Tensor(shape: [2, 6], scalars: Self.w), dtype: .f32,
                                    spec: CompressionSpec(lowrank: LowRankSpec(rank: 1)))
    #expect(c.storage == StorageCost(bits: 256, entropyCodedBits: 256))
  }
}
