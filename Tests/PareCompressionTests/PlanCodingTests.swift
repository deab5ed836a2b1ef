import Foundation
import Testing

@testable import PareCompression

/// The plan file (DESIGN.md §5): `"format": "pare-plan/1"`, its defaults (§4), and decoding
/// errors that name the file and the offending key.
struct PlanCodingTests {
  /// The example plan of DESIGN.md §5.
  static let example = #"""
    { "format": "pare-plan/1",
      "model": {"path": "assets/models/lenet-300-100", "sha256": "abc123"},
      "tensors": {
        "fc1.weight": {"prune": {"method": "magnitude", "sparsity": 0.9},
                       "quantize": {"scheme": "int", "bits": 4, "granularity": "channel", "symmetric": true}},
        "fc2.weight": {"lowrank": {"rank": 32}},
        "fc3.weight": {"quantize": {"scheme": "int", "bits": 8, "granularity": "group", "group_size": 64, "symmetric": false}} },
      "summary": {"original_bytes": 0, "compressed_bytes": 0, "ratio": 0,
                  "metric": {"name": "accuracy", "baseline": 0, "value": 0}} }
    """#

  private func decode(_ json: String) throws -> Plan {
    try JSONDecoder().decode(Plan.self, from: Data(json.utf8))
  }

  /// Writes `json` as plan.json in a temporary directory and loads it, returning the error.
  private func loadError(_ json: String) throws -> PlanError? {
    try withTemporaryDirectory { directory -> PlanError? in
      let path = (directory as NSString).appendingPathComponent("plan.json")
      try Data(json.utf8).write(to: URL(fileURLWithPath: path))
      do throws(PlanError) {
        _ = try Plan.load(path: path)
        return nil
      } catch {
        #expect(error.file == path)
        #expect(error.description.hasPrefix(path + ": "))
        return error
      }
    }
  }

  @Test func decodesTheDesignExample() throws {
    let plan = try decode(Self.example)
    #expect(plan.model == ModelReference(path: "assets/models/lenet-300-100", sha256: "abc123"))
    #expect(plan.tensors["fc1.weight"] == CompressionSpec(
      prune: PruneSpec(method: .magnitude, sparsity: 0.9, granularity: .tensor),
      quantize: QuantizeSpec(scheme: .int, bits: 4, granularity: .channel, symmetric: true)))
    #expect(plan.tensors["fc2.weight"] == CompressionSpec(lowrank: LowRankSpec(rank: 32)))
    #expect(plan.tensors["fc3.weight"] == CompressionSpec(
      quantize: QuantizeSpec(scheme: .int, bits: 8, granularity: .group, groupSize: 64, symmetric: false)))
    #expect(plan.summary == PlanSummary(originalBytes: 0, compressedBytes: 0, ratio: 0,
                                        metric: MetricSummary(name: "accuracy", baseline: 0, value: 0)))
  }

  /// JSON -> Plan -> JSON -> Plan gives the same plan, for the example and for a plan using every
  /// scheme, method and option.
  @Test func roundTrip() throws {
    let full = Plan(
      model: ModelReference(path: "m", sha256: nil),
      tensors: [
        "a": CompressionSpec(prune: .nm(2, 4), quantize: QuantizeSpec(scheme: .fp8E4M3, granularity: .group, groupSize: 32)),
        "b": CompressionSpec(prune: .magnitude(0.5, granularity: .channel), quantize: QuantizeSpec(scheme: .codebook, bits: 3)),
        "c": CompressionSpec(lowrank: LowRankSpec(energy: 0.95), quantize: QuantizeSpec(scheme: .bf16, granularity: .tensor)),
        "d": CompressionSpec(quantize: QuantizeSpec(scheme: .fp8E5M2)),
        "e": CompressionSpec(quantize: QuantizeSpec(scheme: .fp16)),
        "f": CompressionSpec(quantize: intSpec(2, .tensor, symmetric: false)),
      ],
      summary: PlanSummary(originalBytes: 100, compressedBytes: 25, ratio: 4, entropyCodedBytes: 20,
                           metric: MetricSummary(name: "accuracy", baseline: 0.99, value: 0.98)))
    for plan in [try decode(Self.example), full] {
      let json = try plan.jsonData()
      let again = try JSONDecoder().decode(Plan.self, from: json)
      #expect(again == plan)
      #expect(try again.jsonData() == json)
      #expect(String(decoding: json, as: UTF8.self).contains(#""format" : "pare-plan/1""#))
    }
  }

  /// Defaults: quantize scheme int, symmetric true, granularity channel; prune granularity tensor
  /// (and, the implementation's choice, method magnitude); no group size.
  @Test func defaults() throws {
    let plan = try decode(#"{"format": "pare-plan/1", "tensors": {"w": {"quantize": {"bits": 4}, "prune": {"sparsity": 0.5}}}}"#)
    let spec = try #require(plan.tensors["w"])
    let quantize = try #require(spec.quantize)
    #expect(quantize.scheme == .int && quantize.symmetric && quantize.granularity == .channel)
    #expect(quantize.bits == 4 && quantize.groupSize == nil)
    let prune = try #require(spec.prune)
    #expect(prune.granularity == .tensor && prune.method == .magnitude && prune.sparsity == 0.5)
    #expect(plan.model == nil && plan.summary == nil)
    #expect(try decode(#"{"format": "pare-plan/1"}"#).tensors.isEmpty)
  }

  @Test func loadsAFile() throws {
    let error = try loadError(Self.example)
    #expect(error == nil)
  }

  /// An unknown key at every level is refused, naming the key (and where it is).
  static let unknownKeys: [(json: String, fragments: [String])] = [
    (#"{"format": "pare-plan/1", "tensors": {}, "extra": 1}"#, ["extra"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"quantise": {"bits": 4}}}}"#, ["quantise", "fc.weight"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"quantize": {"bits": 4, "colour": 1}}}}"#, ["colour", "fc.weight", "quantize"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"prune": {"sparsity": 0.5, "amount": 1}}}}"#, ["amount", "fc.weight", "prune"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"lowrank": {"rank": 2, "ratio": 1}}}}"#, ["ratio", "fc.weight", "lowrank"]),
    (#"{"format": "pare-plan/1", "model": {"path": "m", "sha": "x"}, "tensors": {}}"#, ["sha", "model"]),
    (#"{"format": "pare-plan/1", "tensors": {}, "summary": {"original_bytes": 1, "compressed_bytes": 1, "ratio": 1, "bytes": 2}}"#, ["bytes", "summary"]),
    (#"{"format": "pare-plan/1", "tensors": {}, "summary": {"original_bytes": 1, "compressed_bytes": 1, "ratio": 1, "metric": {"name": "a", "baseline": 0, "value": 0, "delta": 1}}}"#, ["delta", "metric"]),
  ]

  @Test(arguments: unknownKeys)
  func unknownKeyIsRefused(json: String, fragments: [String]) throws {
    let error = try #require(try loadError(json))
    #expect(error.message.contains("unknown key"), "\(error)")
    for fragment in fragments { #expect(error.message.contains(fragment), "\(error) lacks \(fragment)") }
  }

  /// A wrong or missing format tag, a bad enum value and a wrong type, each naming the key.
  static let badValues: [(json: String, fragments: [String])] = [
    (#"{"format": "pare-plan/2", "tensors": {}}"#, ["format", "pare-plan/2"]),
    (#"{"tensors": {}}"#, ["format"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"quantize": {"scheme": "int4", "bits": 4}}}}"#, ["fc.weight", "scheme", "int4"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"quantize": {"bits": 4, "granularity": "row"}}}}"#, ["fc.weight", "granularity", "row"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"prune": {"method": "random", "sparsity": 0.5}}}}"#, ["fc.weight", "method", "random"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"quantize": {"bits": "four"}}}}"#, ["fc.weight", "bits", "expected Int"]),
    // Numbers that are not integers or out of range, which Foundation calls "not valid JSON".
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"quantize": {"bits": 2.5}}}}"#, ["fc.weight.quantize.bits", "2.5 is not an integer"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"quantize": {"bits": 9223372036854775808}}}}"#,
     ["fc.weight.quantize.bits", "out of range"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"prune": {"sparsity": NaN}}}}"#,
     ["at tensors.fc.weight.prune.sparsity: invalid JSON value 'NaN'"]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"lowrank": {"energy": 1e400}}}}"#, ["energy", "'1e400'"]),
    // Duplicate keys: decoders keep one silently (Foundation the first, Python the last).
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {"quantize": {"bits": 4, "bits": 8}}}}"#,
     [#"key "bits" appears twice in tensors.fc.weight.quantize"#]),
    (#"{"format": "pare-plan/1", "tensors": {"fc.weight": {}, "fc.weight": {"quantize": {"bits": 8}}}}"#,
     [#"key "fc.weight" appears twice in tensors"#]),
  ]

  @Test(arguments: badValues)
  func badValueIsRefused(json: String, fragments: [String]) throws {
    let error = try #require(try loadError(json))
    for fragment in fragments { #expect(error.message.contains(fragment), "\(error) lacks \(fragment)") }
  }

  @Test func missingFileIsRefused() {
    #expect(throws: PlanError.self) { try Plan.load(path: "/nonexistent/pare/plan.json") }
  }
}
