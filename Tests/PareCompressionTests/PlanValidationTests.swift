import Foundation
import PareCore
import PareFormats
import Testing

@testable import PareCompression

/// `Plan.validate(against:file:)` (DESIGN.md §4, §5): unknown tensors and bad values are refused
/// with a message naming the file, the tensor and the key.
struct PlanValidationTests {
  /// fc.weight [4, 6] (rows 4, rest 6), conv.weight F16 [2, 3, 2, 2] (rows 2, rest 12),
  /// fc.bias [4] (1-D), steps I64 [1] (not floating point).
  static let model = [
    ModelTensor(name: "fc.weight", dtype: .f32, shape: [4, 6]),
    ModelTensor(name: "conv.weight", dtype: .f16, shape: [2, 3, 2, 2]),
    ModelTensor(name: "fc.bias", dtype: .f32, shape: [4]),
    ModelTensor(name: "steps", dtype: .i64, shape: [1]),
  ]

  /// The error validating `{tensor: spec}` (spec given as plan JSON) raises, or nil.
  private func validationError(_ tensor: String, _ specJSON: String) throws -> PlanError? {
    let spec = try JSONDecoder().decode(CompressionSpec.self, from: Data(specJSON.utf8))
    return try withWeightStore(Self.model) { store -> PlanError? in
      do throws(PlanError) {
        try Plan(tensors: [tensor: spec]).validate(against: store, file: "plan.json")
        return nil
      } catch {
        return error
      }
    }
  }

  struct Case: Sendable, CustomTestStringConvertible {
    let tensor: String
    let spec: String
    /// What the message must contain besides the tensor's name.
    let fragments: [String]
    var testDescription: String { "\(tensor) \(spec)" }
  }

  static let invalid: [Case] = [
    Case(tensor: "nope.weight", spec: #"{"quantize": {"bits": 8}}"#, fragments: ["not in the model"]),
    Case(tensor: "steps", spec: #"{"quantize": {"bits": 8, "granularity": "tensor"}}"#, fragments: ["I64"]),
    // bits: out of range and missing, for int and codebook
    Case(tensor: "fc.weight", spec: #"{"quantize": {"bits": 1}}"#, fragments: ["quantize.bits", "1"]),
    Case(tensor: "fc.weight", spec: #"{"quantize": {"bits": 9}}"#, fragments: ["quantize.bits", "9"]),
    Case(tensor: "fc.weight", spec: #"{"quantize": {"scheme": "codebook", "bits": 1}}"#, fragments: ["quantize.bits", "1"]),
    Case(tensor: "fc.weight", spec: #"{"quantize": {"scheme": "codebook", "bits": 9}}"#, fragments: ["quantize.bits", "9"]),
    Case(tensor: "fc.weight", spec: #"{"quantize": {}}"#, fragments: ["quantize.bits", "int"]),
    Case(tensor: "fc.weight", spec: #"{"quantize": {"scheme": "codebook"}}"#, fragments: ["quantize.bits", "codebook"]),
    Case(tensor: "fc.weight", spec: #"{"quantize": {"scheme": "fp16", "bits": 8}}"#, fragments: ["quantize.bits"]),
    // group_size
    Case(tensor: "fc.weight", spec: #"{"quantize": {"bits": 4, "granularity": "group", "group_size": 0}}"#, fragments: ["quantize.group_size", "0"]),
    Case(tensor: "fc.weight", spec: #"{"quantize": {"bits": 4, "granularity": "group"}}"#, fragments: ["quantize.group_size"]),
    Case(tensor: "fc.weight", spec: #"{"quantize": {"bits": 4, "group_size": 2}}"#, fragments: ["quantize.group_size"]),
    Case(tensor: "fc.weight", spec: #"{"quantize": {"scheme": "fp8_e4m3", "symmetric": false}}"#, fragments: ["quantize.symmetric"]),
    // magnitude sparsity
    Case(tensor: "fc.weight", spec: #"{"prune": {"method": "magnitude", "sparsity": -0.1}}"#, fragments: ["prune.sparsity", "-0.1"]),
    Case(tensor: "fc.weight", spec: #"{"prune": {"method": "magnitude", "sparsity": 1}}"#, fragments: ["prune.sparsity", "1"]),
    Case(tensor: "fc.weight", spec: #"{"prune": {"method": "magnitude"}}"#, fragments: ["prune.sparsity"]),
    Case(tensor: "fc.weight", spec: #"{"prune": {"sparsity": 0.5, "granularity": "group"}}"#, fragments: ["prune.granularity"]),
    // N:M
    Case(tensor: "fc.weight", spec: #"{"prune": {"method": "nm", "n": 3, "m": 2}}"#, fragments: ["prune.n", "prune.m", "3", "2"]),
    Case(tensor: "fc.weight", spec: #"{"prune": {"method": "nm", "m": 4}}"#, fragments: ["prune.n"]),
    Case(tensor: "fc.weight", spec: #"{"prune": {"method": "nm", "n": 2}}"#, fragments: ["prune.m"]),
    Case(tensor: "fc.weight", spec: #"{"prune": {"method": "nm", "n": 0, "m": 4}}"#, fragments: ["prune.n"]),
    // lowrank
    Case(tensor: "fc.weight", spec: #"{"lowrank": {"rank": 0}}"#, fragments: ["lowrank.rank", "0"]),
    Case(tensor: "fc.weight", spec: #"{"lowrank": {"rank": 5}}"#, fragments: ["lowrank.rank", "5", "1...4"]),
    Case(tensor: "conv.weight", spec: #"{"lowrank": {"rank": 3}}"#, fragments: ["lowrank.rank", "3", "1...2"]),
    Case(tensor: "fc.weight", spec: #"{"lowrank": {"energy": 0}}"#, fragments: ["lowrank.energy"]),
    Case(tensor: "fc.weight", spec: #"{"lowrank": {"energy": 1.5}}"#, fragments: ["lowrank.energy", "1.5"]),
    Case(tensor: "fc.weight", spec: #"{"lowrank": {"rank": 2, "energy": 0.9}}"#, fragments: ["lowrank", "rank", "energy"]),
    Case(tensor: "fc.weight", spec: #"{"lowrank": {}}"#, fragments: ["lowrank", "rank", "energy"]),
    // combinations and 1-D tensors
    Case(tensor: "fc.weight", spec: #"{"prune": {"sparsity": 0.5}, "lowrank": {"rank": 2}}"#, fragments: ["prune", "lowrank"]),
    Case(tensor: "fc.bias", spec: #"{"quantize": {"bits": 8}}"#, fragments: ["granularity", "channel", "1-D"]),
    Case(tensor: "fc.bias", spec: #"{"quantize": {"scheme": "fp8_e5m2", "granularity": "channel"}}"#, fragments: ["granularity", "1-D"]),
    Case(tensor: "fc.bias", spec: #"{"lowrank": {"rank": 1}}"#, fragments: ["lowrank", "1-D"]),
    Case(tensor: "fc.bias", spec: #"{"prune": {"method": "nm", "n": 2, "m": 4}}"#, fragments: ["N:M", "1-D"]),
    Case(tensor: "fc.bias", spec: #"{"prune": {"sparsity": 0.5, "granularity": "channel"}}"#, fragments: ["prune.granularity", "1-D"]),
  ]

  @Test(arguments: invalid)
  func refused(c: Case) throws {
    let error = try #require(try validationError(c.tensor, c.spec))
    #expect(error.file == "plan.json")
    #expect(error.description.hasPrefix("plan.json: "))
    #expect(error.message.contains("'\(c.tensor)'"), "\(error)")
    for fragment in c.fragments { #expect(error.message.contains(fragment), "\(error) lacks \(fragment)") }
  }

  static let valid: [Case] = [
    Case(tensor: "fc.weight", spec: #"{"prune": {"sparsity": 0.9}, "quantize": {"bits": 4, "granularity": "group", "group_size": 5, "symmetric": false}}"#, fragments: []),
    Case(tensor: "fc.weight", spec: #"{"prune": {"sparsity": 0}, "quantize": {"scheme": "codebook", "bits": 2}}"#, fragments: []),
    Case(tensor: "fc.weight", spec: #"{"quantize": {"bits": 2}}"#, fragments: []),
    Case(tensor: "fc.weight", spec: #"{"quantize": {"bits": 8, "granularity": "group", "group_size": 1}}"#, fragments: []),
    Case(tensor: "fc.weight", spec: #"{"lowrank": {"rank": 4}, "quantize": {"scheme": "fp8_e4m3"}}"#, fragments: []),
    Case(tensor: "fc.weight", spec: #"{"lowrank": {"energy": 1}}"#, fragments: []),
    Case(tensor: "fc.weight", spec: #"{"prune": {"method": "nm", "n": 4, "m": 4}}"#, fragments: []),
    Case(tensor: "conv.weight", spec: #"{"lowrank": {"rank": 2}}"#, fragments: []),
    Case(tensor: "conv.weight", spec: #"{"prune": {"method": "nm", "n": 2, "m": 4}, "quantize": {"scheme": "bf16"}}"#, fragments: []),
    Case(tensor: "fc.bias", spec: #"{"quantize": {"bits": 8, "granularity": "tensor"}}"#, fragments: []),
    Case(tensor: "fc.bias", spec: #"{"quantize": {"scheme": "fp16"}}"#, fragments: []),
    Case(tensor: "fc.bias", spec: #"{"prune": {"sparsity": 0.5}}"#, fragments: []),
    Case(tensor: "fc.bias", spec: #"{}"#, fragments: []),
  ]

  @Test(arguments: valid)
  func accepted(c: Case) throws {
    let error = try validationError(c.tensor, c.spec)
    #expect(error == nil, "\(String(describing: error))")
  }

  /// With several tensors, the one at fault is named.
  @Test func namesTheFaultyTensor() throws {
    let plan = Plan(tensors: [
      "fc.weight": CompressionSpec(quantize: intSpec(4)),
      "conv.weight": CompressionSpec(lowrank: LowRankSpec(rank: 2)),
      "fc.bias": CompressionSpec(quantize: intSpec(12, .tensor)),
    ])
    let error = try withWeightStore(Self.model) { store -> PlanError? in
      do throws(PlanError) { try plan.validate(against: store, file: "p.json"); return nil } catch { return error }
    }
    #expect(error == PlanError(file: "p.json", "tensor 'fc.bias': quantize.bits 12 is outside 2...8"))
  }
}
