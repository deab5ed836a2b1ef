import PareCore
import PareFormats
import Testing

@testable import PareCompression

/// A plan applied to a tiny two-tensor model, sizes worked by hand.
struct AppliedPlanTests {
  /// a.weight F32 [2, 4] = 32 bytes; b.bias F16 [4] = 8 bytes; 40 bytes in all.
  static let model = [
    ModelTensor(name: "a.weight", dtype: .f32, shape: [2, 4], values: [7, -7, 7, -7, 2, -2, 2, -2]),
    ModelTensor(name: "b.bias", dtype: .f16, shape: [4], values: [1, 2, 3, 4]),
  ]

  /// a.weight as int4 per channel: 8*4 + 2*16 = 64 bits = 8 bytes; b.bias stays 8 bytes.
  /// compressed 16, ratio 40 / 16 = 2.5.
  /// Row 0: scale f16(7/7) = 1, codes ±7. Row 1: scale f16(2/7) = 1170 * 2^-12 = 0.28564453125
  /// (2/7 = 1.142857 * 2^-2, mantissa 146.29 -> 146), codes rint(±7.0017) = ±7, values
  /// ±7 * 0.28564453125 = ±1.99951171875.
  /// Entropy: codes {7: 4, -7: 4}, H = 1 -> 8 bits + 32 (scales) = 40 bits = 5 bytes; + 8 -> 13.
  @Test func oneTensorQuantized() throws {
    let plan = Plan(tensors: ["a.weight": CompressionSpec(quantize: intSpec(4))])
    let applied = try withWeightStore(Self.model) { try AppliedPlan(plan: plan, weights: $0) }
    #expect(applied.originalBytes == 40)
    #expect(applied.compressedBytes == 16)
    #expect(applied.ratio == 2.5)
    #expect(applied.entropyCodedBytes == 13)
    #expect(Set(applied.compressed.keys) == ["a.weight"])
    let a = try #require(applied.compressed["a.weight"])
    #expect(a.values.scalars == [7, -7, 7, -7, 1.99951171875, -1.99951171875, 1.99951171875, -1.99951171875])
    #expect(a.quantized?.scales == [1, 0.28564453125])
    #expect(applied.replacements["a.weight"] != nil && applied.replacements.count == 1)
  }

  /// Both tensors: a.weight as above (8 bytes), b.bias int8 per tensor: 4*8 + 16 = 48 bits = 6
  /// bytes. compressed 14, ratio 40 / 14.
  /// b.bias: scale f16(4/127) = 1032 * 2^-15 = 0.031494140625 (4/127 = 1.007874 * 2^-5, mantissa
  /// 8.06 -> 8); codes rint([31.75, 63.50, 95.26, 127.008]) = [32, 64, 95, 127]: four symbols, H = 2
  /// -> 8 + 16 = 24 bits = 3 bytes. Entropy total 5 + 3 = 8 bytes.
  @Test func bothTensorsQuantized() throws {
    let plan = Plan(tensors: [
      "a.weight": CompressionSpec(quantize: intSpec(4)),
      "b.bias": CompressionSpec(quantize: intSpec(8, .tensor)),
    ])
    let applied = try withWeightStore(Self.model) { try AppliedPlan(plan: plan, weights: $0) }
    #expect(applied.originalBytes == 40)
    #expect(applied.compressedBytes == 14)
    #expect(applied.ratio == 40.0 / 14.0)
    #expect(applied.entropyCodedBytes == 8)
    #expect(applied.compressed["b.bias"]?.quantized?.codes == [32, 64, 95, 127])
    let summary = applied.summary(metric: MetricSummary(name: "accuracy", baseline: 0.9, value: 0.8))
    #expect(summary == PlanSummary(originalBytes: 40, compressedBytes: 14, ratio: 40.0 / 14.0, entropyCodedBytes: 8,
                                   metric: MetricSummary(name: "accuracy", baseline: 0.9, value: 0.8)))
  }

  /// An empty plan (or an empty spec) leaves everything as stored: 40 -> 40, ratio 1.
  @Test func emptyPlan() throws {
    for plan in [Plan(), Plan(tensors: ["a.weight": CompressionSpec()])] {
      let applied = try withWeightStore(Self.model) { try AppliedPlan(plan: plan, weights: $0) }
      #expect(applied.compressed.isEmpty)
      #expect(applied.originalBytes == 40 && applied.compressedBytes == 40 && applied.entropyCodedBytes == 40)
      #expect(applied.ratio == 1)
    }
  }

  /// A plan naming a tensor the model lacks is refused.
  @Test func unknownTensorThrows() throws {
    let plan = Plan(tensors: ["c.weight": CompressionSpec(quantize: intSpec(4))])
    let error = try withWeightStore(Self.model) { store in
      #expect(throws: PlanError.self) { try AppliedPlan(plan: plan, weights: store) }
    }
    #expect(error?.message == "tensor 'c.weight' is not in the model")
  }

  /// An infinite weight is refused before the SVD (which could not take it either, #17); the
  /// error names the file, the tensor and the count.
  @Test func anInfiniteWeightIsRefusedNamingTheFileAndTensor() throws {
    let tensors = [ModelTensor(name: "a.weight", dtype: .f32, shape: [2, 2], values: [1, .infinity, 3, 4])]
    try withWeightStore(tensors) { store in
      let plan = Plan(tensors: ["a.weight": CompressionSpec(lowrank: LowRankSpec(rank: 1))])
      let error = try #require(throws: ModelError.self) { try AppliedPlan(plan: plan, weights: store) }
      #expect(error.file == store.paths[0])
      #expect(error.message == "a.weight holds 1 Inf value; Pare compresses only finite weights: leave it uncompressed")
    }
  }
}
