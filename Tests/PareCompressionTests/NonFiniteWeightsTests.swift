import Foundation
import PareCore
import PareFormats
import Testing

@testable import PareCompression

/// Issue #17: NaN and infinite weights are counted exactly, refused for compression (naming the
/// tensor and the counts), and never reach a scale, a codebook or an SVD; untouched tensors
/// holding them pass through byte for byte. Counts and extremes are numpy's
/// (scripts/make_nonfinite_fixtures.py).
struct NonFiniteWeightsTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
  static let inputs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("inputs/nonfinite")

  struct Expected: Decodable { let nan: Int, infinite: Int, min: Float?, max: Float? }

  static func expected() throws -> [String: Expected] {
    try JSONDecoder().decode([String: Expected].self, from: Data(contentsOf: fixtures.appendingPathComponent("nonfinite.json")))
  }

  @Test func countsFromTheStoredBitsAndFromDecodedValuesAreNumpys() throws {
    let weights = try WeightStore(file: Self.fixtures.appendingPathComponent("nonfinite.safetensors").path)
    let expected = try Self.expected()
    #expect(Set(expected.keys) == Set(weights.entries.map(\.name)))
    for entry in weights.entries {
      let want = try #require(expected[entry.name])
      let raw = try weights.withRawBytes(of: entry.name) { NonFiniteCount(raw: $0, dtype: entry.dtype) }
      #expect(raw == NonFiniteCount(nan: want.nan, infinite: want.infinite), "\(entry.name) raw")
      let values = try weights.tensor(named: entry.name).scalars
      #expect(values.withUnsafeBufferPointer { NonFiniteCount($0) } == raw, "\(entry.name) decoded")
      #expect(NonFiniteCensus.shared.count(of: entry.name, in: weights) == raw)
      // Statistics count them too, and take the extremes over the finite values only.
      let stats = TensorStatistics(values)
      #expect(stats.nanCount == want.nan && stats.infiniteCount == want.infinite, "\(entry.name) statistics")
      if let min = want.min, let max = want.max {
        #expect(stats.min == min && stats.max == max, "\(entry.name): \(stats.min)...\(stats.max)")
      } else {
        #expect(stats.min.isNaN && stats.max.isNaN, "\(entry.name): no finite value, no extremes")
      }
    }
  }

  @Test func theRefusalNamesTheTensorAndTheCounts() {
    #expect(NonFiniteCount(nan: 3, infinite: 1).refusal(tensor: "fc1.weight")
      == "fc1.weight holds 3 NaN and 1 Inf values; Pare compresses only finite weights: leave it uncompressed")
    #expect(NonFiniteCount(nan: 1).description == "1 NaN value")
    #expect(NonFiniteCount(infinite: 2).description == "2 Inf values")
  }

  /// Every plan under Tests/inputs/nonfinite/plans is refused by validation, in one line naming
  /// the plan, the tensor and its counts; nothing is compressed.
  @Test func planValidationRefusesEveryPlanCompressingANonFiniteTensor() throws {
    let weights = try WeightStore(file: Self.inputs.appendingPathComponent("model.safetensors").path)
    let plans = try FileManager.default.contentsOfDirectory(atPath: Self.inputs.appendingPathComponent("plans").path).sorted()
    #expect(plans.count == 6)
    for name in plans {
      let path = Self.inputs.appendingPathComponent("plans/\(name)").path
      let plan = try Plan.load(path: path)
      let tensor = name == "bias-inf.json" ? "b" : "w"
      let counts = tensor == "b" ? "1 Inf value" : "3 NaN and 1 Inf values"
      #expect(throws: PlanError(file: path, "\(tensor) holds \(counts); Pare compresses only finite weights: leave it uncompressed")) {
        try plan.validate(against: weights, file: path)
      }
    }
    // The finite tensor alone is accepted.
    try Plan(tensors: ["v": CompressionSpec(quantize: intSpec(4))]).validate(against: weights, file: "ok.json")
  }

  /// The compressor itself refuses, so no path (an injected plan, a sweep) can turn one NaN into
  /// a NaN scale for its row, a NaN codebook, or NaN factors for the whole tensor.
  @Test func theCompressorRefusesNonFiniteValuesForEverySpec() throws {
    var values = (0..<64).map { Float($0 % 7) - 3 }
    values[10] = .nan
    values[20] = -.infinity
    let tensor = try Tensor(shape: [8, 8], scalars: values)
    let specs = [
      CompressionSpec(quantize: intSpec(8)), CompressionSpec(quantize: QuantizeSpec(scheme: .codebook, bits: 2)),
      CompressionSpec(quantize: QuantizeSpec(scheme: .fp8E4M3)), CompressionSpec(quantize: QuantizeSpec(scheme: .fp16)),
      CompressionSpec(lowrank: LowRankSpec(rank: 2), quantize: intSpec(8)),
      CompressionSpec(prune: PruneSpec(method: .magnitude, sparsity: 0.5)),
    ]
    for spec in specs {
      #expect(throws: NonFiniteWeightsError(tensor: "fc1.weight", count: NonFiniteCount(nan: 1, infinite: 1))) {
        try Compressor.compress(tensor, dtype: .f32, spec: spec, name: "fc1.weight")
      }
    }
  }

  /// Finite weights near Float32's limit: a low-rank product that overflows is refused, never
  /// returned as an all-NaN or infinite tensor.
  @Test func lowRankOfHugeFiniteWeightsNeverReturnsNonFiniteValues() throws {
    let tensor = try Tensor(shape: [2, 2], scalars: [3e38, 3e38, 3e38, -3e38])
    for spec in [CompressionSpec(lowrank: LowRankSpec(rank: 1)), CompressionSpec(lowrank: LowRankSpec(rank: 2), quantize: intSpec(8))] {
      do {
        let compressed = try Compressor.compress(tensor, dtype: .f32, spec: spec, name: "w")
        #expect(compressed.values.scalars.allSatisfy { $0.isFinite })
      } catch {
        // Refused (the SVD's own check, or the factors' or the product's): a one-line reason.
        #expect(!"\(error)".isEmpty && !"\(error)".contains("\n"))
      }
    }
  }

  /// A model holding NaN and Inf in tensors the plan leaves alone: the drop-in copies them byte
  /// for byte, and unpacking the packed file gives the drop-in's bytes.
  @Test func untouchedNonFiniteTensorsPassThroughByteForByte() throws {
    let weights = try WeightStore(file: Self.inputs.appendingPathComponent("model.safetensors").path)
    let plan = Plan(tensors: ["v": CompressionSpec(quantize: intSpec(4))])
    try plan.validate(against: weights, file: "plan")
    let applied = try AppliedPlan(plan: plan, weights: weights)
    try withTemporaryDirectory { directory in
      let dropIn = directory + "/drop-in.safetensors", packed = directory + "/packed.safetensors"
      let unpacked = directory + "/unpacked.safetensors"
      try ModelExport.dropIn(applied, weights: weights).write(to: dropIn)
      try PackedModel.packed(applied, weights: weights, recording: plan).write(to: packed)
      try PackedModel.unpack(packed, to: unpacked)
      #expect(FileManager.default.contents(atPath: dropIn) == FileManager.default.contents(atPath: unpacked))
      let exported = try WeightStore(file: dropIn)
      for name in ["w", "b"] {
        #expect(try exported.withRawBytes(of: name) { Array($0) } == weights.withRawBytes(of: name) { Array($0) })
      }
    }
  }
}
